// CRM in the browser: book a visit from the calendar, change a line's price, pay part by card
// (the form refuses more than the remainder) and the rest in cash; the visit turns yellow, then green.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, launchBrowser, loginAs, newPage, ownerApi, screenshot, startServer } from './harness.mjs';

describe('crm', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await createUser(server.url, { login: 'desk', role: 'receptionist', password: 'password-123' });
    await createUser(server.url, { login: 'chief', role: 'admin', password: 'password-123' });
    const doctor = await ownerApi(server.url, 'POST', '/doctors', { first_name: 'Ерлан', last_name: 'Жұмабаев', specialization: 'Стоматолог' });
    await ownerApi(server.url, 'POST', '/services', { name: 'Консультация', base_price: '5000', duration_minutes: 30, doctor_id: doctor.id });
    await ownerApi(server.url, 'POST', '/services', { name: 'Снимок', base_price: '3000', duration_minutes: 15 });
    // The front desk's shift is open (cash needs one).
    await ownerApi(server.url, 'POST', '/registers/1/shifts', { counted_opening: '0' });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('book from the calendar, edit a price, pay by card then cash', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'desk', 'password-123');
    await page.locator('nav a', { hasText: 'CRM' }).click();
    const calendar = page.getByTestId('calendar');
    await calendar.locator('td.slot[data-time="10:00"]').first().click();

    const form = page.getByTestId('booking-form');
    await form.locator('input[name="new_first_name"]').fill('Айгерим');
    await form.locator('input[name="new_phone"]').fill('87011234567');
    await form.getByRole('button', { name: 'Новый клиент' }).click();
    await form.getByTestId('chosen-patient').getByText('Айгерим').waitFor();
    await form.getByLabel(/Консультация/).check();
    await form.getByLabel(/Снимок/).check();
    await form.getByRole('button', { name: 'Записать' }).click();

    const card = page.getByTestId('visit-card');
    await card.getByTestId('payment-status').getByText('не оплачено').waitFor();
    assert.equal(await card.getByTestId('total').textContent(), '8\u00a0000\u00a0₸');
    const visit = calendar.getByTestId('calendar-visit');
    await visit.getByText('Айгерим').waitFor();
    assert.match(await visit.getAttribute('class'), /pay-unpaid/);

    // Per-visit price with the base price as the hint and a save button per line.
    const line = card.getByTestId('line').filter({ hasText: 'Консультация' });
    assert.match(await line.textContent(), /по прайсу 5\u00a0000\u00a0₸/);
    await line.locator('input[name="price"]').fill('4 500');
    await line.getByRole('button', { name: /Сохранить/ }).click();
    await card.getByTestId('total').getByText('7\u00a0500\u00a0₸').waitFor();

    // Part by card: yellow.
    await card.locator('input[name="amount_card"]').fill('5000');
    await card.getByRole('button', { name: 'Принять оплату' }).click();
    await card.getByTestId('payment-status').getByText('частично оплачено').waitFor();
    assert.equal(await card.getByTestId('remaining').textContent(), '2\u00a0500\u00a0₸');
    await page.waitForFunction(() => document.querySelector('[data-testid="calendar-visit"]')?.className.includes('pay-partially_paid'));
    await screenshot(page, 'crm-partially-paid');

    // More than the remainder is blocked in the form, saying why.
    await card.locator('input[name="amount_cash"]').fill('3000');
    await card.getByTestId('payment-error').getByText(/превышает остаток/).waitFor();
    assert.equal(await card.getByRole('button', { name: 'Принять оплату' }).isDisabled(), true);

    // The rest in cash: green.
    await card.locator('input[name="amount_cash"]').fill('2500');
    await card.getByRole('button', { name: 'Принять оплату' }).click();
    await card.getByTestId('payment-status').getByText(/^оплачено$/).waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="calendar-visit"]')?.className.includes('pay-paid'));
    const rows = card.getByTestId('payments-table').locator('tbody tr');
    assert.equal(await rows.count(), 2);
    // The «today» panel: the day's visits by status, the open shift's takings by tender.
    const today = page.getByTestId('today-panel');
    await today.getByText('Визитов за день: 1').waitFor();
    await today.getByText('записан: 1').waitFor();
    const takings = today.getByTestId('today-takings');
    await takings.getByText('Карта: 5\u00a0000\u00a0₸').waitFor();
    await takings.getByText('Наличные: 2\u00a0500\u00a0₸').waitFor();
    await takings.getByText('Итого: 7\u00a0500\u00a0₸').waitFor();
    await screenshot(page, 'crm-paid');
    assert.deepEqual(page.errors, []);
  });

  test('the visit list shows the visit with its payment colour, and a status button moves it', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'desk', 'password-123');
    await page.locator('nav a', { hasText: 'Визиты' }).click();
    const table = page.getByTestId('visits-table');
    await table.getByText('Айгерим').click();
    const card = page.getByTestId('visit-card');
    const move = card.getByTestId('reschedule');
    await move.locator('input[name="move_time"]').fill('11:00');
    await move.getByRole('button', { name: 'Перенести' }).click();
    await card.getByText(/11:00–11:45/).waitFor();
    await card.getByRole('button', { name: 'Пациент пришёл' }).click();
    await card.getByTestId('visit-status').getByText('на приеме').waitFor();
    await card.getByRole('button', { name: 'Завершить приём' }).click();
    await card.getByTestId('visit-status').getByText('прием завершен').waitFor();
    assert.equal(await table.locator('.badge.pay-paid').count(), 1);
    // Who moved it and when; notes kept.
    const history = card.getByTestId('status-history');
    await history.locator('summary').click();
    await history.getByText('на приеме → прием завершен').waitFor();
    assert.match(await history.textContent(), /Айгүл Сәрсенова/);
    await card.locator('textarea[name="visit_notes"]').fill('аллергия на лидокаин');
    await card.getByRole('button', { name: 'Сохранить заметку' }).click();
    const { items } = await ownerApi(server.url, 'GET', '/appointments?limit=50');
    let notes = null;
    for (let i = 0; i < 50 && notes !== 'аллергия на лидокаин'; i += 1) {
      const v = await ownerApi(server.url, 'GET', `/appointments/${items.find((x) => x.patient.name.includes('Айгерим')).id}`);
      notes = v.notes;
      if (notes !== 'аллергия на лидокаин') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(notes, 'аллергия на лидокаин');
    assert.deepEqual(page.errors, []);
  });

  test('a clash is refused naming the other visit; an admin books over it with a reason', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'chief', 'password-123');
    await page.locator('nav a', { hasText: 'CRM' }).click();
    const calendar = page.getByTestId('calendar');
    for (const [slot, time] of [['13:00', '13:00'], ['14:00', '13:15']]) {
      await calendar.locator(`td.slot[data-time="${slot}"]`).first().click();
      const form = page.getByTestId('booking-form');
      await form.locator('input[name="time"]').fill(time);
      await form.locator('input[name="patient_search"]').fill('Айгерим');
      await form.locator('ul.picker button').first().click();
      await form.getByLabel(/Консультация/).check();
      await form.getByRole('button', { name: 'Записать' }).click();
      if (time === '13:00') {
        await page.getByTestId('visit-card').waitFor();
      }
    }
    const form = page.getByTestId('booking-form');
    await form.locator('[data-field="starts_at"]').getByText(/Врач занят: визит №\d+ \(Айгерим\) с .* 13:00/).waitFor();
    await form.locator('input[name="overlap_reason"]').fill('срочный пациент');
    await form.getByRole('button', { name: 'Записать поверх' }).click();
    await page.getByTestId('visit-card').getByText(/13:15–13:45/).waitFor();
    // Both visits of the slot are reachable: the block opens the first, its «+» line the other.
    const block = calendar.getByTestId('calendar-visit').filter({ hasText: '13:00–' });
    assert.match(await block.textContent(), /13:00–13:30 · записан · не оплачено/, 'status beside the payment');
    await block.click();
    await page.getByTestId('visit-card').getByText(/13:00–13:30/).waitFor();
    await block.getByTestId('overlapping-visit').click();
    await page.getByTestId('visit-card').getByText(/13:15–13:45/).waitFor();
    await screenshot(page, 'crm-overlap');
    assert.deepEqual(page.errors.filter((e) => !e.includes('409')), []);
  });

  test('the day view shows the doctors ticked in the legend, each in its colour', async () => {
    await ownerApi(server.url, 'POST', '/doctors', { first_name: 'Сауле', last_name: 'Абенова', specialization: 'Терапевт' });
    const page = await newPage(browser);
    await loginAs(page, server.url, 'desk', 'password-123');
    await page.locator('nav a', { hasText: 'CRM' }).click();
    const headers = page.getByTestId('calendar').locator('thead th');
    await headers.filter({ hasText: 'Абенова' }).waitFor();
    assert.equal(await headers.count(), 3, 'time + two doctors');
    const colours = await headers.evaluateAll((ths) => ths.slice(1).map((th) => getComputedStyle(th).borderTopColor));
    assert.notEqual(colours[0], colours[1], 'each doctor has a colour');
    const legend = page.getByTestId('doctor-legend');
    await legend.locator('label', { hasText: 'Жұмабаев' }).locator('input').check();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="calendar"] thead th').length === 2);
    assert.match(await headers.nth(1).textContent(), /Жұмабаев/);
    await legend.locator('label', { hasText: 'Абенова' }).locator('input').check();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="calendar"] thead th').length === 3);
    await screenshot(page, 'crm-doctor-filter');
    assert.deepEqual(page.errors, []);
  });
});
