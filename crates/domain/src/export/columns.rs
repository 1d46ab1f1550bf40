//! The columns of each row export, as an accountant reads them (the imports read the same).

use super::{col, Column};

pub(super) const APPOINTMENTS: &[Column] = &[
    col("№ визита", 10),
    col("Дата", 12),
    col("Начало", 17),
    col("Конец", 17),
    col("Статус", 14),
    col("Врач", 26),
    col("Пациент", 28),
    col("Телефон", 15),
    col("Услуги", 40),
    col("Сумма по прайсу", 16),
    col("Сумма визита", 14),
    col("Скидка", 12),
    col("Оплачено", 14),
    col("Долг", 12),
    col("Статус оплаты", 16),
    col("Источник", 20),
    col("Примечание", 30),
];

pub(super) const APPOINTMENT_LINES: &[Column] = &[
    col("№ визита", 10),
    col("Дата", 12),
    col("Врач", 26),
    col("Пациент", 28),
    col("Услуга", 32),
    col("Цена по прайсу", 15),
    col("Цена", 14),
    col("Скидка", 12),
    col("Оплачено", 14),
    col("Долг", 12),
    col("Статус визита", 14),
];

pub(super) const PAYMENTS: &[Column] = &[
    col("Операция", 10),
    col("№", 9),
    col("Дата и время", 17),
    col("Способ", 14),
    col("Сумма", 14),
    col("№ визита", 10),
    col("Дата визита", 12),
    col("Врач", 26),
    col("Пациент", 28),
    col("Принял", 22),
    col("Аннулирован", 17),
    col("Причина", 30),
    col("По услугам", 50),
];

pub(super) const PATIENTS: &[Column] = &[
    col("№", 9),
    col("Фамилия", 20),
    col("Имя", 18),
    col("Телефон", 15),
    col("Дата рождения", 13),
    col("Email", 26),
    col("Активен", 9),
    col("Создан", 17),
    col("Примечание", 30),
];

pub(super) const DOCTORS: &[Column] = &[
    col("№", 7),
    col("Фамилия", 20),
    col("Имя", 18),
    col("Специализация", 24),
    col("Телефон", 15),
    col("Email", 26),
    col("Активен", 9),
];

pub(super) const SERVICES: &[Column] = &[
    col("№", 7),
    col("Услуга", 36),
    col("Цена", 14),
    col("Длительность, мин", 10),
    col("Врач", 26),
    col("Активна", 9),
    col("Описание", 40),
];

pub(super) const AUDIT_LOG: &[Column] = &[
    col("№", 10),
    col("Дата и время", 17),
    col("Пользователь", 22),
    col("Действие", 22),
    col("Объект", 16),
    col("№ объекта", 10),
    col("Было", 40),
    col("Стало", 40),
    col("IP", 15),
    col("Запрос", 36),
];
