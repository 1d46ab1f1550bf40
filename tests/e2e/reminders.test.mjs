// Reminders in the browser. The owner turns them on (a bad rule is named on its field first);
// a receptionist records a patient's SMS consent on the card; the server reminds through a fake
// SMS gateway this test runs, and the «Напоминания» page shows the day's patient with the
// reminder sent — and a patient without consent with the reason nothing was sent.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { OWNER_PASSWORD, createUser, launchBrowser, loginAs, newPage, ownerApi, screenshot, startServer } from './harness.mjs';

/** An SMS gateway on 127.0.0.1 that accepts every message and keeps it. */
async function fakeGateway() {
  const got = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      got.push(JSON.parse(body));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `sms-${got.length}` }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/send`, got, close: () => server.close() };
}

/** `YYYY-MM-DD` of an instant in the clinic's zone. */
const clinicDay = (iso) => new Date(iso).toLocaleDateString('sv-SE', { timeZone: 'Asia/Almaty' });

describe('reminders', () => {
  let server;
  let browser;
  let gateway;

  before(async () => {
    gateway = await fakeGateway();
    server = await startServer({ EMHANA_SMS_URL: gateway.url, EMHANA_REMINDER_POLL_MS: '200' });
    browser = await launchBrowser();
    await createUser(server.url, { login: 'desk', role: 'receptionist', password: 'password-123' });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    gateway?.close();
  });

  test('the owner sets the rules, consent is on the card, the day list shows what was sent', async () => {
    const owner = await newPage(browser);
    await loginAs(owner, server.url, 'owner', OWNER_PASSWORD);
    await owner.locator('nav a', { hasText: 'Напоминания' }).click();
    await owner.getByTestId('reminders-off').waitFor();
    const form = owner.getByTestId('reminder-settings');
    await form.getByText('sms').waitFor();
    await form.locator('input[name="enabled"]').check();
    await form.locator('select[name="rules.1.kind"]').waitFor();
    await form.locator('input[name="rules.1.hours"]').fill('100');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await form.getByText('От 1 до 72 часов').waitFor();
    await form.locator('input[name="rules.1.hours"]').fill('2');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await form.getByTestId('reminders-saved').waitFor();
    await owner.getByTestId('reminders-off').waitFor({ state: 'detached' });
    await screenshot(owner, 'reminder-settings');

    const desk = await newPage(browser);
    await loginAs(desk, server.url, 'desk', 'password-123');
    await desk.locator('nav a', { hasText: 'Клиенты' }).click();
    await desk.getByRole('button', { name: 'Новый клиент' }).click();
    const card = desk.getByTestId('patient-form');
    await card.locator('input[name="first_name"]').fill('Жанар');
    await card.locator('input[name="phone"]').fill('8 705 111 22 33');
    await card.locator('input[name="remind_sms"]').check();
    await card.locator('select[name="remind_language"]').selectOption('kk');
    await card.getByRole('button', { name: 'Сохранить' }).click();
    await desk.getByTestId('patients-table').getByText('Жанар').waitFor();
    const [zhanar] = (await ownerApi(server.url, 'GET', '/patients?q=Жанар')).items;
    assert.deepEqual(zhanar.reminders, { whatsapp: false, sms: true, language: 'kk' });
    const other = await ownerApi(server.url, 'POST', '/patients', { first_name: 'Болат', phone: '87051112234' });

    // Two visits starting in 100 minutes: the 2-hours-before reminder is due at once.
    const start = new Date(Math.ceil((Date.now() + 100 * 60_000) / 60_000) * 60_000);
    for (const [patient, last] of [[zhanar.id, 'Ахметов'], [other.id, 'Садыков']]) {
      const doctor = await ownerApi(server.url, 'POST', '/doctors', { first_name: 'Ерлан', last_name: last, specialization: 'Терапевт' });
      await ownerApi(server.url, 'POST', '/appointments', {
        patient_id: patient, doctor_id: doctor.id, starts_at: start.toISOString(),
        ends_at: new Date(start.getTime() + 30 * 60_000).toISOString(),
      });
    }
    for (let i = 0; i < 100 && gateway.got.length === 0; i += 1) await new Promise((r) => setTimeout(r, 200));
    assert.equal(gateway.got.length, 1, 'only the patient who agreed is written to');
    assert.equal(gateway.got[0].to, '+77051112233');
    assert.match(gateway.got[0].text, /^Сәлеметсіз бе, Жанар!/, 'in the language on the card');
    // The worker may record Болат's withdrawal a moment after Жанар's SMS went out: the day list
    // is read once, so it is opened only once that withdrawal is there.
    const day = clinicDay(start.toISOString());
    const settled = async () => (await ownerApi(server.url, 'GET', `/reminders?from=${day}&to=${day}`))
      .some((r) => r.reason === 'no_consent');
    for (let i = 0; i < 100 && !(await settled()); i += 1) await new Promise((r) => setTimeout(r, 200));

    await desk.locator('nav a', { hasText: 'Напоминания' }).click();
    await desk.locator('input[name="day"]').fill(day);
    await desk.locator('input[name="day"]').dispatchEvent('change');
    const table = desk.getByTestId('reminders-table');
    const row = (name) => table.locator('tr', { hasText: name });
    await row('Жанар').getByText(/отправлено .* \(SMS\)/).waitFor();
    await row('+7 (705) 111-22-33').waitFor();
    await row('Болат').getByText('нет согласия пациента').waitFor();
    assert.equal(await desk.getByTestId('reminder-settings').count(), 0, 'the rules are the owner\'s');
    await screenshot(desk, 'reminders');
    assert.deepEqual([...owner.errors, ...desk.errors].filter((e) => !e.includes('422')), []);
  });
});
