// Patients in the browser: create through the form (with a validation error first), find by phone
// in another spelling, edit.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, launchBrowser, loginAs, newPage, ownerApi, screenshot, startServer } from './harness.mjs';

describe('patients', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await createUser(server.url, { login: 'desk', role: 'receptionist', password: 'password-123' });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a receptionist creates a patient, finds them by phone and edits the card', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'desk', 'password-123');
    await page.locator('nav a', { hasText: 'Клиенты' }).click();
    await page.getByRole('button', { name: 'Новый клиент' }).click();
    const form = page.getByTestId('patient-form');
    await form.locator('input[name="first_name"]').fill('Айгүл');
    await form.locator('input[name="last_name"]').fill('Сәрсенова');
    await form.locator('input[name="phone"]').fill('12345');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    const phoneError = form.locator('[data-field="phone"]');
    await page.waitForFunction((el) => el.textContent.length > 0, await phoneError.elementHandle());
    assert.match(await phoneError.textContent(), /^Телефон в формате/);
    await screenshot(page, 'patient-validation');

    await form.locator('input[name="phone"]').fill('8 701 123 45 67');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    const table = page.getByTestId('patients-table');
    await table.getByText('+7 (701) 123-45-67').waitFor({ timeout: 10_000 });

    await page.locator('input[name="search"]').fill('+7 701');
    await table.getByText('Айгүл Сәрсенова').waitFor();
    await page.locator('input[name="search"]').fill('нет-такого');
    await page.getByText('Записей нет').waitFor();
    await page.locator('input[name="search"]').fill('8701');
    await table.getByText('Айгүл Сәрсенова').click();

    const edit = page.getByTestId('patient-form');
    await edit.locator('input[name="last_name"]').fill('Сәрсенқызы');
    await edit.getByRole('button', { name: 'Сохранить' }).click();
    await table.getByText('Айгүл Сәрсенқызы').waitFor();
    await screenshot(page, 'patients');
    assert.deepEqual(page.errors.filter((e) => !e.includes('422')), []);
  });

  test('the list pages with "Показать ещё" and sorts by name', async () => {
    for (let i = 0; i < 55; i += 1) {
      await ownerApi(server.url, 'POST', '/patients', { first_name: `Пациент`, last_name: `Номер${String.fromCharCode(1040 + (i % 32))}`, phone: `8 702 ${String(10000000 + i).slice(1)}` });
    }
    const page = await newPage(browser);
    await loginAs(page, server.url, 'desk', 'password-123');
    await page.locator('nav a', { hasText: 'Клиенты' }).click();
    const rows = page.getByTestId('patients-table').locator('tbody tr');
    await page.getByRole('button', { name: 'Показать ещё' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="patients-table"] tbody tr').length >= 56);
    assert.equal(await page.getByRole('button', { name: 'Показать ещё' }).count(), 0, 'no more pages');
    await page.getByRole('button', { name: /^Имя/ }).click();
    const names = await rows.locator('td:first-child').allTextContents();
    const sorted = [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase(), 'ru'));
    assert.equal(names[0], sorted[0]);
    assert.deepEqual(page.errors, []);
  });

  test('the card sums the patient\'s history; a deactivated patient is shown on request and comes back', async () => {
    await ownerApi(server.url, 'POST', '/registers/1/shifts', { counted_opening: '0' }).catch(() => {});
    const doctor = await ownerApi(server.url, 'POST', '/doctors', { first_name: 'Ерлан', last_name: 'Ахметов', specialization: 'Терапевт' });
    const service = await ownerApi(server.url, 'POST', '/services', { name: 'Приём терапевта', base_price: '7000', duration_minutes: 30 });
    const patient = await ownerApi(server.url, 'POST', '/patients', { first_name: 'Гаухар', last_name: 'Омарова', phone: '8 707 555 44 33' });
    const visit = await ownerApi(server.url, 'POST', '/appointments', {
      patient_id: patient.id, doctor_id: doctor.id, starts_at: '2026-10-05T10:00:00+05:00', service_ids: [service.id],
    });
    for (const status of ['in_progress', 'completed']) {
      await ownerApi(server.url, 'POST', `/appointments/${visit.id}/status`, { status });
    }
    await ownerApi(server.url, 'POST', `/appointments/${visit.id}/payments`, { payments: [{ method: 'card', amount: '5000' }] });

    const page = await newPage(browser);
    await loginAs(page, server.url, 'desk', 'password-123');
    await page.locator('nav a', { hasText: 'Клиенты' }).click();
    await page.locator('input[name="search"]').fill('Гаухар');
    const table = page.getByTestId('patients-table');
    await table.getByText('Гаухар Омарова').click();
    const history = page.getByTestId('patient-history');
    const figure = (label) => history.getByTestId('history-figure').filter({ hasText: label }).locator('strong');
    await history.getByTestId('history-visits').getByText('Приём').or(history.getByTestId('history-visits').getByText('Ахметов')).first().waitFor();
    assert.equal(await figure('Визитов').textContent(), '1');
    assert.equal(await figure('Оказано услуг на').textContent(), '7\u00a0000\u00a0₸');
    assert.equal(await figure('Долг').textContent(), '2\u00a0000\u00a0₸');
    assert.match(await figure('Первый визит').textContent(), /^05\.10\.2026/);
    await screenshot(page, 'patient-history');

    await page.getByTestId('patient-form').getByRole('button', { name: 'Отключить' }).click();
    await page.getByText('Записей нет').waitFor();
    await page.locator('input[name="show_inactive"]').check();
    await table.getByTestId('inactive-badge').waitFor();
    await table.getByText('Гаухар Омарова').click();
    await page.getByTestId('patient-form').getByRole('button', { name: 'Вернуть в работу' }).click();
    await page.waitForFunction(() => !document.querySelector('[data-testid="inactive-badge"]'));
    const back = await ownerApi(server.url, 'GET', `/patients/${patient.id}`);
    assert.equal(back.is_active, true);
    assert.deepEqual(page.errors, []);
  });
});
