// Accounts in the browser. One's own password: the link under the name opens the form; a wrong
// current password is named on its field, a mismatched repeat on its own; after the change every
// session ends, the login form says so, and only the new password opens the account. The staff
// page: counts per role, last sign-in, a generated password to hand over, renaming in place. The
// audit viewer: names instead of ids, a staff member and a period as filters, paging past 100.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OWNER_PASSWORD, createUser, launchBrowser, loginAs, newPage, screenshot, startServer } from './harness.mjs';

const login = (url, who, password) => fetch(`${url}/api/v1/auth/login`, {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ login: who, password }),
}).then((r) => r.json());

describe('own account', () => {
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

  test('a receptionist changes their own password', async () => {
    await createUser(server.url, { login: 'aigul', role: 'receptionist', password: 'password-123' });
    const page = await newPage(browser);
    await loginAs(page, server.url, 'aigul', 'password-123');
    await page.getByTestId('account-link').click();
    const form = page.getByTestId('password-form');
    await form.waitFor();

    await form.locator('input[name="current_password"]').fill('not-my-password');
    await form.locator('input[name="new_password"]').fill('new-password-2026');
    await form.locator('input[name="repeat_password"]').fill('new-password-2027');
    await form.getByRole('button', { name: 'Сменить пароль' }).click();
    await form.getByText('Пароли не совпадают').waitFor();

    await form.locator('input[name="repeat_password"]').fill('new-password-2026');
    await form.getByRole('button', { name: 'Сменить пароль' }).click();
    await form.getByText('Неверный текущий пароль').waitFor();
    await screenshot(page, 'account-password');

    await form.locator('input[name="current_password"]').fill('password-123');
    await form.getByRole('button', { name: 'Сменить пароль' }).click();
    await page.getByTestId('login-notice').getByText('Пароль изменён').waitFor();

    const login = (password) => fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'aigul', password }),
    });
    assert.equal((await login('password-123')).status, 401, 'the old password no longer opens it');
    await loginAs(page, server.url, 'aigul', 'new-password-2026');
    assert.match(await page.getByTestId('whoami').textContent(), /Регистратор/);
    assert.deepEqual(page.errors.filter((e) => !e.includes('401') && !e.includes('422')), []);
  });

  test('the staff page counts roles, shows last sign-ins, generates a password and renames', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    await page.locator('nav a', { hasText: 'Сотрудники' }).click();
    const counts = page.getByTestId('staff-counts');
    await counts.getByText('Владелец: 1').waitFor();
    const desks = () => counts.textContent().then((t) => Number(t.match(/Регистратор: (\d+)/)[1]));
    const desksBefore = await desks();

    const form = page.getByTestId('create-user');
    await form.locator('input[name="new-login"]').fill('madina');
    await form.locator('input[name="new-name"]').fill('Мадина Ерланқызы');
    await form.getByRole('button', { name: 'Сгенерировать пароль' }).click();
    const password = await form.locator('input[name="new-password"]').inputValue();
    assert.match(password, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    assert.equal(await form.locator('input[name="new-password"]').getAttribute('type'), 'text', 'shown to hand over');
    await form.getByRole('button', { name: 'Создать' }).click();
    const row = page.locator('tr[data-login="madina"]');
    await row.getByText('не входил(а)').waitFor();
    assert.equal(await desks(), desksBefore + 1);

    const other = await newPage(browser);
    await loginAs(other, server.url, 'madina', password);
    await other.close();
    await row.locator('input[name="display-name"]').fill('Мадина Серікқызы');
    const renamed = page.waitForResponse((r) => r.url().includes('/api/v1/users/') && r.request().method() === 'PATCH');
    await row.locator('input[name="display-name"]').press('Enter');
    assert.equal((await renamed).status(), 200);
    await page.reload();
    await page.locator('tr[data-login="madina"] input[name="display-name"]').waitFor();
    assert.equal(await page.locator('tr[data-login="madina"] input[name="display-name"]').inputValue(), 'Мадина Серікқызы');
    const lastLogin = await page.locator('tr[data-login="madina"] td.muted').textContent();
    assert.match(lastLogin, /^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/, 'signed in once now');
    await screenshot(page, 'staff-counts');
  });

  test('the audit viewer names who acted, filters by person and period, and pages', async () => {
    await createUser(server.url, { login: 'timur', role: 'admin', password: 'password-123' });
    const { access_token: token } = await login(server.url, 'timur', 'password-123');
    // 105 changes by one admin: more than a page.
    for (let i = 0; i < 105; i += 1) {
      const res = await fetch(`${server.url}/api/v1/patients`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ first_name: 'Тимур', last_name: 'Ахмет', phone: `8702${String(1000000 + i)}` }),
      });
      assert.equal(res.status, 201);
    }
    const page = await newPage(browser);
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    await page.locator('nav a', { hasText: 'Журнал действий' }).click();
    const table = page.getByTestId('audit-table');
    await table.getByText('Айгүл Сәрсенова', { exact: true }).first().waitFor();
    const who = await table.locator('tbody tr td:nth-child(2)').allTextContents();
    assert.ok(who.every((w) => !w.startsWith('#')), `names, not ids: ${who.slice(0, 5)}`);

    const filters = page.getByTestId('audit-filters');
    const timur = await filters.locator('select[name="user"] option', { hasText: '(timur)' }).getAttribute('value');
    await filters.locator('select[name="user"]').selectOption(timur);
    await page.getByRole('button', { name: 'Показать ещё' }).waitFor();
    assert.equal(await table.locator('tbody tr').count(), 100);
    const actors = new Set(await table.locator('tbody tr td:nth-child(2)').allTextContents());
    assert.deepEqual([...actors], ['Айгүл Сәрсенова']);
    await page.getByRole('button', { name: 'Показать ещё' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="audit-table"] tbody tr').length >= 105);
    await screenshot(page, 'audit-filters');

    // A period after today holds nothing.
    await filters.locator('input[name="from"]').fill('2099-01-01');
    await filters.locator('input[name="from"]').dispatchEvent('change');
    await page.getByText('Записей нет').waitFor();
  });
});
