// The front desk's day in the browser: open a shift, take a two-tender payment on a visit,
// give part of it back in cash, count blind with 500 ₸ missing, close with a note, and read the
// difference on the Z report (and in the shift history).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, launchBrowser, loginAs, newPage, ownerApi, screenshot, startServer, clinicToday } from './harness.mjs';

describe('cash desk', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await createUser(server.url, { login: 'chief', role: 'admin', password: 'password-123' });
    const d = await ownerApi(server.url, 'POST', '/doctors', { first_name: 'Ерлан', last_name: 'Жұмабаев', specialization: 'Стоматолог' });
    const s = await ownerApi(server.url, 'POST', '/services', { name: 'Пломба', base_price: '10000', duration_minutes: 30 });
    const p = await ownerApi(server.url, 'POST', '/patients', { first_name: 'Айгерим', phone: '87011234567' });
    const at = clinicToday(9);
    await ownerApi(server.url, 'POST', '/appointments', { patient_id: p.id, doctor_id: d.id, starts_at: at, service_ids: [s.id] });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('open, pay by two tenders, refund in cash, close 500 ₸ short, see it on the Z', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'chief', 'password-123');
    await page.locator('nav a', { hasText: 'Касса' }).click();
    const open = page.getByTestId('open-shift');
    await open.locator('input[name="counted_opening"]').fill('0');
    await open.getByRole('button', { name: 'Открыть смену' }).click();
    const x = page.getByTestId('x-report');
    await x.getByTestId('expected-cash').getByText(/0\u00a0₸/).first().waitFor();

    // 6000 by card + 4000 in cash on the visit.
    await page.locator('nav a', { hasText: 'Визиты' }).click();
    await page.getByTestId('visits-table').getByText('Айгерим').click();
    const card = page.getByTestId('visit-card');
    await card.locator('input[name="amount_card"]').fill('6000');
    await card.locator('input[name="amount_cash"]').fill('4000');
    await card.getByRole('button', { name: 'Принять оплату' }).click();
    await card.getByTestId('payment-status').getByText(/^оплачено$/).waitFor();

    // 2000 back, in cash (an admin may choose the tender).
    const refund = card.getByTestId('refund-panel');
    await refund.locator('summary').click();
    await refund.locator('input[name^="refund_line_"]').fill('2000');
    await refund.locator('select[name="refund_method"]').selectOption('cash');
    await refund.locator('input[name="refund_reason"]').fill('Пломба переделана бесплатно');
    await refund.getByRole('button', { name: 'Оформить возврат' }).click();
    await card.getByTestId('remaining').getByText('2\u00a0000\u00a0₸').waitFor();
    // Split over the two original payments 6:4, both given back in cash.
    const refunds = card.getByTestId('refunds-table').locator('tbody tr');
    assert.deepEqual(await refunds.locator('td:nth-child(3)').allTextContents(), ['−1\u00a0200\u00a0₸', '−800\u00a0₸']);
    assert.deepEqual(await refunds.locator('td:nth-child(2)').allTextContents(), ['Наличные', 'Наличные']);

    // The X report: cash expected 0 + 4000 − 2000.
    await page.locator('nav a', { hasText: 'Касса' }).click();
    await page.getByTestId('expected-cash').getByText(/^Ожидается наличных в ящике: 2\u00a0000\u00a0₸/).waitFor();
    const journal = page.getByTestId('shift-journal');
    await journal.getByText('Возврат').first().waitFor();
    assert.equal(await journal.locator('tbody tr').count(), 4, 'two payments and two refund rows');

    // Blind count: cash 1500 (500 short), card 6000; an admin closes with a note.
    await page.getByTestId('start-count').click();
    const count = page.getByTestId('count-form');
    await count.locator('input[name="counted_cash"]').fill('1500');
    await count.locator('input[name="counted_card"]').fill('6000');
    assert.equal(await page.getByTestId('x-report').count(), 0, 'expected amounts stay hidden while counting');
    await count.locator('input[name="close_note"]').fill('недостача 500');
    await count.getByRole('button', { name: 'Закрыть смену' }).click();

    const z = page.getByTestId('z-report');
    await z.getByText(/Z-отчёт № 1/).waitFor();
    assert.equal(await z.getByTestId('difference-cash').textContent(), '-500\u00a0₸');
    assert.equal(await z.getByTestId('difference-card').textContent(), '0\u00a0₸');
    assert.match(await z.textContent(), /недостача 500/);
    await page.getByTestId('shift-history').locator('td.difference').getByText('-500\u00a0₸').waitFor();
    await page.getByTestId('open-shift').waitFor();
    await screenshot(page, 'cash-desk-z-report');
    assert.deepEqual(page.errors, []);
  });
});
