// A patient's balances in the browser. The deposit: top up 50 000 ₸ in cash on the patient
// card, pay a 30 000 ₸ visit from the deposit, refund it (back onto the deposit), withdraw the
// rest in cash; the statement closes at zero and the Z report agrees (cash in and out, no
// difference, the deposit spend beside the tenders). Bonuses: the owner sets the programme, a
// card payment earns 5 %, the next visit is paid partly with them within the cap.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OWNER_PASSWORD, createUser, launchBrowser, loginAs, newPage, ownerApi, screenshot, startServer, clinicToday } from './harness.mjs';

const tg = (s) => s.replaceAll(' ', '\u00a0');

describe('deposits', () => {
  let server;
  let browser;
  let doctorId;
  let patientId;
  let serviceId;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await createUser(server.url, { login: 'chief', role: 'admin', password: 'password-123' });
    const d = await ownerApi(server.url, 'POST', '/doctors', { first_name: 'Ерлан', last_name: 'Жұмабаев', specialization: 'Стоматолог' });
    const s = await ownerApi(server.url, 'POST', '/services', { name: 'Имплант', base_price: '30000', duration_minutes: 60 });
    const p = await ownerApi(server.url, 'POST', '/patients', { first_name: 'Айгерим', last_name: 'Сейтқали', phone: '87011234567' });
    const at = clinicToday(9);
    await ownerApi(server.url, 'POST', '/appointments', { patient_id: p.id, doctor_id: d.id, starts_at: at, service_ids: [s.id] });
    await ownerApi(server.url, 'POST', '/registers/1/shifts', { counted_opening: '0' });
    [doctorId, patientId, serviceId] = [d.id, p.id, s.id];
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const openPatient = async (page) => {
    await page.locator('nav a', { hasText: 'Клиенты' }).click();
    await page.getByTestId('patients-table').getByText('Айгерим').click();
    return page.getByTestId('deposit-panel');
  };

  test('top up, pay from the deposit, refund, withdraw; the statement and the Z agree', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'chief', 'password-123');

    // 50 000 in cash onto the deposit.
    let deposit = await openPatient(page);
    await deposit.getByTestId('deposit-balance').getByText(tg('0 ₸')).waitFor();
    const topup = deposit.getByTestId('topup-form');
    await topup.locator('select[name="topup_method"]').selectOption('cash');
    await topup.locator('input[name="topup_amount"]').fill('50 000');
    await topup.getByRole('button', { name: 'Пополнить депозит' }).click();
    await deposit.getByTestId('deposit-balance').getByText(tg('50 000 ₸')).waitFor();

    // The visit paid in full from the deposit (the panel shows what is available).
    await page.locator('nav a', { hasText: 'Визиты' }).click();
    await page.getByTestId('visits-table').getByText('Айгерим').click();
    const card = page.getByTestId('visit-card');
    await card.getByText(`доступно ${tg('50 000 ₸')}`, { exact: false }).waitFor();
    await card.getByTestId('fill-from-deposit').click();
    assert.equal(await card.locator('input[name="amount_balance"]').inputValue(), '30000.00');
    await card.getByRole('button', { name: 'Принять оплату' }).click();
    await card.getByTestId('payment-status').getByText(/^оплачено$/).waitFor();
    await card.getByTestId('payments-table').getByText('С депозита').waitFor();

    // Refunded: the money goes back onto the deposit.
    const refund = card.getByTestId('refund-panel');
    await refund.locator('summary').click();
    await refund.locator('input[name="refund_reason"]').fill('Лечение перенесено');
    await refund.getByRole('button', { name: 'Оформить возврат' }).click();
    await card.getByTestId('remaining').getByText(tg('30 000 ₸')).waitFor();

    // The rest withdrawn: through the top-up's tender, cash.
    deposit = await openPatient(page);
    await deposit.getByTestId('deposit-balance').getByText(tg('50 000 ₸')).waitFor();
    const withdrawal = deposit.getByTestId('withdrawal-form');
    await withdrawal.locator('input[name="withdraw_reason"]').fill('Переезд в другой город');
    await withdrawal.getByRole('button', { name: 'Выдать с депозита' }).click();
    await deposit.getByTestId('deposit-balance').getByText(tg('0 ₸')).waitFor();
    await deposit.getByTestId('deposit-statement').locator('tr[data-kind="withdrawal"]').waitFor();
    const rows = deposit.getByTestId('deposit-statement').locator('tbody tr[data-kind]');
    assert.deepEqual(
      await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.kind)),
      ['topup', 'spend', 'spend_reversal', 'withdrawal'],
    );
    assert.deepEqual(await rows.locator('td:nth-child(4)').allTextContents(),
      [tg('50 000 ₸'), tg('-30 000 ₸'), tg('30 000 ₸'), tg('-50 000 ₸')]);
    assert.equal(await deposit.getByTestId('statement-closing').textContent(), tg('0 ₸'));

    // The shift: cash 50 000 in and out, nothing expected; the deposit spend beside the tenders.
    await page.locator('nav a', { hasText: 'Касса' }).click();
    const x = page.getByTestId('x-report');
    await x.getByTestId('expected-cash').getByText(/^Ожидается наличных в ящике: 0\u00a0₸/).waitFor();
    assert.equal(await x.locator('tr[data-method="cash"] td:nth-child(5)').textContent(), `${tg('+50 000 ₸')} / ${tg('−50 000 ₸')}`);
    const journal = page.getByTestId('shift-journal');
    await journal.getByText('Пополнение депозита').waitFor();
    await journal.getByText('Выдача с депозита').waitFor();
    await page.getByTestId('start-count').click();
    const count = page.getByTestId('count-form');
    await count.locator('input[name="counted_cash"]').fill('0');
    await count.getByRole('button', { name: 'Закрыть смену' }).click();
    const z = page.getByTestId('z-report');
    await z.getByText(/Z-отчёт № 1/).waitFor();
    assert.equal(await z.getByTestId('difference-cash').textContent(), tg('0 ₸'));
    assert.equal(await z.getByTestId('deposit-spends').textContent(),
      `Оплачено с депозитов: ${tg('30 000 ₸')} · Возвращено на депозиты: ${tg('30 000 ₸')}`);
    await screenshot(page, 'deposit-z-report');
    assert.deepEqual(page.errors, []);
  });

  test('the owner sets the bonus programme; a card payment earns, the next visit spends within the cap', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    await page.locator('nav a', { hasText: 'Бонусная программа' }).click();
    const form = page.getByTestId('loyalty-form');
    await form.locator('input[name="enabled"]').check();
    await form.locator('input[name="accrual_percent"]').fill('5');
    await form.locator('input[name="earning_card"]').check();
    await form.locator('input[name="max_share_percent"]').fill('50');
    await form.locator('input[name="expiry_days"]').fill('365');
    await form.locator('input[name="welcome_amount"]').fill('0');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await form.getByTestId('loyalty-saved').waitFor();

    // Two visits of 30 000 today: the first paid by card earns 1 500.
    // UTC-hour h of the old helper, on the clinic's today (h + 5 clinic time).
    const at = (h) => clinicToday(h + 5);
    const first = await ownerApi(server.url, 'POST', '/appointments', { patient_id: patientId, doctor_id: doctorId, starts_at: at(6), service_ids: [serviceId] });
    await ownerApi(server.url, 'POST', `/appointments/${first.id}/payments`, { payments: [{ method: 'card', amount: '30000' }] });
    const second = await ownerApi(server.url, 'POST', '/appointments', { patient_id: patientId, doctor_id: doctorId, starts_at: at(8), service_ids: [serviceId] });

    const deposit = await openPatient(page);
    await deposit.getByTestId('bonus-balance').getByText(tg('1 500 ₸')).waitFor();
    await deposit.getByTestId('statement-bonus').click();
    await deposit.getByTestId('deposit-statement').locator('tr[data-kind="accrual"]').waitFor();

    await page.goto(`${server.url}/visits`);
    await page.getByTestId('visits-table').locator(`tr`, { hasText: '13:00' }).first().click();
    const card = page.getByTestId('visit-card');
    await card.getByText(`Бонусами (доступно ${tg('1 500 ₸')}, не больше ${tg('15 000 ₸')})`).waitFor();
    await card.getByTestId('fill-with-bonus').click();
    await card.locator('input[name="amount_card"]').fill('28500');
    await card.getByRole('button', { name: 'Принять оплату' }).click();
    await card.getByTestId('payment-status').getByText(/^оплачено$/).waitFor();
    await card.getByTestId('payments-table').getByText('Бонусами').waitFor();
    assert.ok(second.id > first.id);
    await screenshot(page, 'bonus-payment');
    assert.deepEqual(page.errors, []);
  });
});