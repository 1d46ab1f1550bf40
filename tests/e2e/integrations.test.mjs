// Integrations in the browser: the owner makes an API key (the token is shown once and works
// against the API within its scopes), revokes it (401 at once), subscribes a webhook (a bad URL
// is named on its field; the secret is shown once) and reads its delivery log after a booking.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OWNER_PASSWORD, clinicToday, launchBrowser, loginAs, newPage, ownerApi, screenshot, startServer } from './harness.mjs';

describe('integrations', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the owner makes, uses and revokes an API key and subscribes a webhook', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    await page.locator('nav a', { hasText: 'Интеграции' }).click();

    const keys = page.getByTestId('api-key-form');
    await keys.getByRole('button', { name: 'Создать ключ' }).click();
    await keys.getByText('Укажите название ключа').waitFor();
    await keys.locator('input[name="key_name"]').fill('МИС партнёра');
    await keys.getByLabel('Пациенты: чтение').check();
    await keys.getByRole('button', { name: 'Создать ключ' }).click();
    const token = (await page.getByTestId('new-token').textContent()).trim();
    assert.match(token, /^emh_[0-9a-f]{64}$/);
    const table = page.getByTestId('api-key-table');
    await table.getByText('Действует', { exact: true }).waitFor();
    assert.ok(!(await table.textContent()).includes(token), 'the list never shows the token');

    const call = (path) => fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await call('/patients')).status, 200);
    assert.equal((await call('/users')).status, 403, 'outside its scopes');
    await table.getByRole('button', { name: 'Отозвать' }).click();
    await table.getByText('Отозван', { exact: true }).waitFor();
    assert.equal((await call('/patients')).status, 401, 'revoked at once');

    const hooks = page.getByTestId('webhook-form');
    await hooks.locator('input[name="url"]').fill('ftp://partner.example.kz/hooks');
    await hooks.getByLabel('Запись создана').check();
    await hooks.getByRole('button', { name: 'Подписать' }).click();
    await hooks.getByText('Адрес должен начинаться с http:// или https://').waitFor();
    await hooks.locator('input[name="url"]').fill('https://partner.example.kz/hooks');
    await hooks.getByRole('button', { name: 'Подписать' }).click();
    const secret = (await page.getByTestId('new-secret').textContent()).trim();
    assert.match(secret, /^whsec_[0-9a-f]{48}$/);
    await page.getByTestId('webhook-table').getByText('Работает', { exact: true }).waitFor();

    const d = await ownerApi(server.url, 'POST', '/doctors', { first_name: 'Ерлан', last_name: 'Жұмабаев', specialization: 'Стоматолог' });
    const s = await ownerApi(server.url, 'POST', '/services', { name: 'Пломба', base_price: '15000', duration_minutes: 30 });
    const p = await ownerApi(server.url, 'POST', '/patients', { first_name: 'Әйгерім', last_name: 'Қасымова', phone: '87011234567' });
    await ownerApi(server.url, 'POST', '/appointments', { patient_id: p.id, doctor_id: d.id, starts_at: clinicToday(10), service_ids: [s.id] });
    await page.getByTestId('open-log').click();
    const log = page.getByTestId('delivery-log');
    await log.getByText('Запись создана').waitFor();
    assert.equal(await log.locator('tbody tr').count(), 1, 'only the subscribed event is queued');
    await screenshot(page, 'integrations');
  });
});
