//! A visit's printed documents (issue 18): the payment receipt (квитанция), the invoice (счёт на
//! оплату) and the act of services rendered (акт оказанных услуг), as PDF, from the visit as the API shows it and the
//! clinic's requisites. Layout only: every sum comes from the visit view (the domain's figures).

pub mod pdf;

use emhana_api_types::visits::VisitView;
use emhana_domain::requisites::Requisites;
use emhana_domain::{ClinicZone, Money};

use pdf::{Page, PAGE_HEIGHT, PAGE_WIDTH};

const LEFT: f32 = 50.0;
const RIGHT: f32 = PAGE_WIDTH - 50.0;
const BODY: f32 = 10.0;

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    /// What was paid, by tender, and what remains.
    Receipt,
    /// The services rendered, for the patient's signature.
    Act,
    /// A bill for what the visit still owes (счёт на оплату), for a patient or a company paying.
    Invoice,
}

impl Document {
    /// The path segment (`/appointments/{id}/receipt`, `/invoice`, `/act`).
    pub fn code(self) -> &'static str {
        match self {
            Self::Receipt => "receipt",
            Self::Act => "act",
            Self::Invoice => "invoice",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Self::Receipt => "КВИТАНЦИЯ ОБ ОПЛАТЕ",
            Self::Act => "АКТ ОКАЗАННЫХ УСЛУГ",
            Self::Invoice => "СЧЁТ НА ОПЛАТУ",
        }
    }

    /// The file name (ASCII).
    pub fn file_name(self, visit_id: i64) -> String {
        match self {
            Self::Receipt => format!("kvitanciya_{visit_id}.pdf"),
            Self::Act => format!("akt_{visit_id}.pdf"),
            Self::Invoice => format!("schet_{visit_id}.pdf"),
        }
    }
}

/// `dd.mm.yyyy hh:mm` clinic time of an RFC 3339 instant (the text itself if unparsable).
fn local(zone: ClinicZone, at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at).map_or_else(
        |_| at.to_owned(),
        |t| {
            zone.local_datetime(t.with_timezone(&chrono::Utc))
                .format("%d.%m.%Y %H:%M")
                .to_string()
        },
    )
}

/// A cursor down the page.
struct Flow {
    page: Page,
    y: f32,
}

impl Flow {
    fn line(&mut self, size: f32, text: &str) {
        self.page.text_fit(LEFT, self.y, size, text, RIGHT - LEFT);
        self.y -= size * 1.5;
    }

    fn pair(&mut self, label: &str, value: &str) {
        self.page.text(LEFT, self.y, BODY, label);
        self.page
            .text_fit(LEFT + 110.0, self.y, BODY, value, RIGHT - LEFT - 110.0);
        self.y -= BODY * 1.5;
    }

    fn total(&mut self, label: &str, value: Money) {
        self.page.text_right(RIGHT - 110.0, self.y, BODY, label);
        self.page
            .text_right(RIGHT, self.y, BODY, &value.format_ui());
        self.y -= BODY * 1.5;
    }

    fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    fn rule(&mut self) {
        self.page.rule(LEFT, RIGHT, self.y + BODY * 0.9);
    }

    /// A table row: the first column left-aligned and cut to fit, the others right-aligned at
    /// their right edges.
    fn row(&mut self, first: &str, others: &[(f32, String)]) {
        let first_width = others.first().map_or(RIGHT, |(right, _)| right - 80.0) - LEFT;
        self.page.text_fit(LEFT, self.y, BODY, first, first_width);
        for (right, text) in others {
            self.page.text_right(*right, self.y, BODY, text);
        }
        self.y -= BODY * 1.6;
    }
}

/// The document as PDF bytes.
pub fn render(doc: Document, visit: &VisitView, clinic: &Requisites, zone: ClinicZone) -> Vec<u8> {
    let v = &visit.summary;
    let mut f = Flow {
        page: Page::new(),
        y: PAGE_HEIGHT - 60.0,
    };
    f.line(14.0, &clinic.name);
    let mut details = Vec::new();
    if let Some(bin) = &clinic.bin {
        details.push(format!("БИН {bin}"));
    }
    if let Some(address) = &clinic.address {
        details.push(address.clone());
    }
    if let Some(phone) = &clinic.phone {
        details.push(format!("тел. {phone}"));
    }
    if !details.is_empty() {
        f.line(9.0, &details.join(" · "));
    }
    f.gap(12.0);
    let today = zone.local_date(chrono::Utc::now()).format("%d.%m.%Y");
    f.line(13.0, &format!("{} № {} от {today}", doc.title(), v.id));
    f.gap(4.0);
    let (patient_label, clinic_label) = match doc {
        Document::Receipt => ("Пациент:", None),
        Document::Act => ("Заказчик:", Some("Исполнитель:")),
        Document::Invoice => ("Плательщик:", Some("Получатель:")),
    };
    if let Some(label) = clinic_label {
        f.pair(label, &clinic.name);
    }
    f.pair(
        patient_label,
        &format!("{}, {}", v.patient.name, v.patient_phone),
    );
    f.pair("Врач:", &v.doctor.name);
    f.pair(
        "Визит:",
        &format!("№ {}, {}", v.id, local(zone, &v.starts_at)),
    );
    f.gap(8.0);
    let (c1, c2, c3, c4) = (RIGHT - 270.0, RIGHT - 180.0, RIGHT - 90.0, RIGHT);
    let headers = match doc {
        Document::Receipt => ["По прайсу", "Скидка", "Цена", "Оплачено"],
        Document::Act | Document::Invoice => ["По прайсу", "Скидка", "Кол-во", "Сумма"],
    };
    f.row(
        "Услуга",
        &[
            (c1, headers[0].into()),
            (c2, headers[1].into()),
            (c3, headers[2].into()),
            (c4, headers[3].into()),
        ],
    );
    f.rule();
    let mut base_total = 0;
    for (n, line) in visit.lines.iter().enumerate() {
        base_total += line.base_price.tiyn();
        let discount = Money::from_tiyn(line.base_price.tiyn() - line.price.tiyn());
        let (third, fourth) = match doc {
            Document::Receipt => (line.price.format_ui(), line.paid.format_ui()),
            Document::Act | Document::Invoice => ("1".to_owned(), line.price.format_ui()),
        };
        f.row(
            &format!("{}. {}", n + 1, line.service_name),
            &[
                (c1, line.base_price.format_ui()),
                (c2, discount.format_ui()),
                (c3, third),
                (c4, fourth),
            ],
        );
    }
    f.rule();
    f.gap(4.0);
    let discount = Money::from_tiyn(base_total - v.total.tiyn());
    if !discount.is_zero() {
        f.total("Скидка:", discount);
    }
    f.total("Итого:", v.total);
    match doc {
        Document::Receipt => {
            f.total("Оплачено:", v.paid);
            f.total("Остаток к оплате:", v.remaining);
            f.gap(10.0);
            f.line(BODY, "Оплаты:");
            for p in &visit.payments {
                let by = p
                    .received_by
                    .as_ref()
                    .map_or(String::new(), |u| format!(", принял(а) {}", u.name));
                let state = if p.voided_at.is_some() {
                    " — аннулирована"
                } else {
                    ""
                };
                f.row(
                    &format!(
                        "{} · {}{by}{state}",
                        local(zone, &p.paid_at),
                        p.method_label
                    ),
                    &[(c4, p.amount.format_ui())],
                );
            }
            for r in &visit.refunds {
                f.row(
                    &format!(
                        "{} · возврат ({}): {}",
                        local(zone, &r.refunded_at),
                        r.method_label,
                        r.reason
                    ),
                    &[(c4, Money::from_tiyn(-r.amount.tiyn()).format_ui())],
                );
            }
            if visit.payments.is_empty() && visit.refunds.is_empty() {
                f.line(BODY, "оплат нет");
            }
            f.gap(30.0);
            f.line(
                BODY,
                "Принял(а): ____________________        Пациент: ____________________",
            );
        }
        Document::Invoice => {
            f.total("Оплачено ранее:", v.paid);
            f.total("К оплате:", v.remaining);
            f.gap(10.0);
            f.line(
                BODY,
                &format!(
                    "Всего наименований: {}, к оплате {}.",
                    visit.lines.len(),
                    v.remaining.format_ui()
                ),
            );
            f.line(
                BODY,
                "Оплата: в кассе клиники картой, наличными, QR или переводом.",
            );
            f.gap(30.0);
            f.line(
                BODY,
                "Руководитель: ____________________        Бухгалтер: ____________________",
            );
        }
        Document::Act => {
            f.gap(10.0);
            f.line(
                BODY,
                &format!(
                    "Всего оказано услуг: {} на сумму {}.",
                    visit.lines.len(),
                    v.total.format_ui()
                ),
            );
            f.line(BODY, "Услуги оказаны полностью и в срок. Заказчик претензий по объёму и качеству не имеет.");
            f.gap(30.0);
            f.line(
                BODY,
                "Исполнитель: ____________________        Заказчик: ____________________",
            );
        }
    }
    f.page.finish(&format!("{} № {}", doc.title(), v.id))
}
