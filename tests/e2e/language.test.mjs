// The language switch. A receptionist switches to Kazakh in the sidebar: the page reloads in
// Kazakh, the account keeps it (a new browser follows it at sign-in), and no page the owner can
// open in Kazakh shows a Russian string of the tables. English writes amounts and days its own
// way. A language chosen on the login page is saved with the account at sign-in.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { OWNER_PASSWORD, clinicToday, createUser, launchBrowser, loginAs, newPage, screenshot, startServer } from './harness.mjs';

const I18N = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'frontend', 'src', 'i18n');
const literals = (file) => [...readFileSync(join(I18N, file), 'utf8').matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
const CYRILLIC = /[\u0400-\u04ff]/;

/**
 * Russian strings of the tables that the Kazakh table does not share (a shared word like
 * «Касса» is Kazakh too), long enough not to be part of a name or a Kazakh word.
 */
function russianOnly() {
  const kazakh = new Set(literals('kk.rs'));
  return [...new Set(literals('ru.rs'))]
    .filter((s) => CYRILLIC.test(s) && s.length >= 5 && !kazakh.has(s) && !s.includes('{'))
    // Each language's own name is the same in every table (the switch shows «Русский» to all).
    .filter((s) => !['Русский', 'Қазақша', 'English'].includes(s));
}

const api = async (url, token, method, path, body) => {
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
const signIn = (url, login, password) => fetch(`${url}/api/v1/auth/login`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }),
}).then((r) => r.json()).then((s) => s.access_token);

describe('language switch', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const owner = await signIn(server.url, 'owner', OWNER_PASSWORD);
    const call = (method, path, body) => api(server.url, owner, method, path, body);
    // The first owner is called «Владелец» (Russian for the role): a name is data, so rename it
    // for the sweep below, which looks for the tables' Russian strings.
    const me = await call('GET', '/me');
    await call('PATCH', `/users/${me.id}`, { display_name: 'Бас дәрігер', version: me.version });
    const d = await call('POST', '/doctors', { first_name: 'Ерлан', last_name: 'Жұмабаев', specialization: 'Стоматолог' });
    const s = await call('POST', '/services', { name: 'Кеңес', base_price: '12500', duration_minutes: 30 });
    const p = await call('POST', '/patients', { first_name: 'Айгерим', phone: '87011234567' });
    const v = await call('POST', '/appointments', { patient_id: p.id, doctor_id: d.id, starts_at: clinicToday(10), service_ids: [s.id], source: 'instagram' });
    await call('POST', '/registers/1/shifts', { counted_opening: '0' });
    await call('POST', `/appointments/${v.id}/payments`, { payments: [{ method: 'card', amount: '5000' }] });
    await createUser(server.url, { login: 'desk', role: 'receptionist', password: 'password-123' });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('a receptionist switches to Kazakh: kept by the account, followed by a new browser', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'desk', 'password-123');
    assert.equal(await page.getAttribute('html', 'lang'), 'ru');
    await page.getByTestId('language').selectOption('kk');
    await page.locator('nav a', { hasText: 'Қабылдаулар' }).waitFor({ timeout: 20_000 });
    assert.equal(await page.getAttribute('html', 'lang'), 'kk');
    assert.match(await page.getByTestId('whoami').textContent(), /Тіркеуші/);
    const token = await signIn(server.url, 'desk', 'password-123');
    assert.equal((await api(server.url, token, 'GET', '/me')).language, 'kk', 'saved with the account');

    // The visit card in Kazakh: statuses, methods and the payment status named by the SPA.
    await page.locator('nav a', { hasText: 'CRM' }).click();
    await page.getByTestId('calendar-visit').first().click();
    const card = page.getByTestId('visit-card');
    await card.getByTestId('payment-status').getByText('ішінара төленген').waitFor();
    await card.getByTestId('visit-status').getByText('жазылды').waitFor();
    await card.getByText('Карта').first().waitFor();
    assert.equal(await card.getByTestId('total').textContent(), '12\u00a0500\u00a0₸');
    await screenshot(page, 'language-kk-visit');

    // Another browser (nothing remembered): Russian until sign-in, then the account's Kazakh.
    const context = await browser.newContext();
    const fresh = await context.newPage();
    await fresh.goto(`${server.url}/`);
    await fresh.getByRole('button', { name: 'Войти' }).waitFor({ timeout: 20_000 });
    await fresh.locator('input[name="login"]').fill('desk');
    await fresh.locator('input[name="password"]').fill('password-123');
    await fresh.getByRole('button', { name: 'Войти' }).click();
    await fresh.locator('nav a', { hasText: 'Қабылдаулар' }).waitFor({ timeout: 20_000 });
    await context.close();
    assert.deepEqual(page.errors, []);
  });

  test('no page in Kazakh shows a Russian string of the tables', async () => {
    const forbidden = russianOnly();
    assert.ok(forbidden.length > 300, `${forbidden.length} Russian-only strings`);
    const page = await newPage(browser);
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    await page.getByTestId('language').selectOption('kk');
    await page.locator('nav a', { hasText: 'Клиенттер' }).waitFor({ timeout: 20_000 });
    const paths = ['/crm', '/visits', '/patients', '/reminders', '/cash-desk', '/doctors', '/services', '/sources',
      '/analytics', '/exports', '/loyalty', '/audit', '/staff', '/clinic', '/integrations', '/backups', '/account'];
    const found = [];
    for (const path of paths) {
      await page.goto(`${server.url}${path}`);
      await page.getByTestId('logout').waitFor({ timeout: 20_000 });
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(300);
      // The audit log's changes are recorded data (the owner's old name among them).
      const text = await page.evaluate(() => {
        const body = document.body.cloneNode(true);
        body.querySelectorAll('td.diff').forEach((cell) => cell.remove());
        document.documentElement.appendChild(body);
        const shown = body.innerText;
        body.remove();
        return shown;
      });
      for (const s of forbidden) if (text.includes(s)) found.push(`${path}: «${s}»`);
    }
    // The visit card and the patient card, which open over their pages.
    await page.goto(`${server.url}/crm`);
    await page.getByTestId('calendar-visit').first().click();
    await page.getByTestId('visit-card').waitFor();
    await page.waitForLoadState('networkidle');
    const card = await page.getByTestId('visit-card').innerText();
    for (const s of forbidden) if (card.includes(s)) found.push(`visit card: «${s}»`);
    assert.deepEqual(found, []);
    await screenshot(page, 'language-kk-crm');
    assert.deepEqual(page.errors, []);
  });

  test('English writes amounts and days its own way; a login-page choice goes to the account', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByTestId('language').selectOption('en');
    await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 20_000 });
    assert.equal(await page.title(), 'Emhana');
    await page.locator('input[name="login"]').fill('owner');
    await page.locator('input[name="password"]').fill(OWNER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('logout').waitFor({ timeout: 20_000 });
    // The owner's account said Kazakh (previous test); the choice made before signing in wins.
    await page.waitForLoadState('networkidle');
    const owner = await signIn(server.url, 'owner', OWNER_PASSWORD);
    assert.equal((await api(server.url, owner, 'GET', '/me')).language, 'en');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');

    await page.locator('nav a', { hasText: 'Visits' }).click();
    const row = page.getByTestId('visits-table').locator('tbody tr').first();
    await row.getByText('booked').waitFor();
    assert.match(await row.innerText(), /7,500\u00a0₸/, 'what is left to pay, in English digits');
    await page.goto(`${server.url}/crm`);
    await page.getByTestId('calendar-visit').first().click();
    const card = page.getByTestId('visit-card');
    assert.equal(await card.getByTestId('total').textContent(), '12,500\u00a0₸');
    await card.getByTestId('payment-status').getByText('partly paid').waitFor();
    assert.match(await card.innerText(), /\d\d\/\d\d\/\d{4} \d\d:\d\d/, 'the status history writes days as dd/mm/yyyy');
    await screenshot(page, 'language-en-visit');
    await context.close();
  });
});
