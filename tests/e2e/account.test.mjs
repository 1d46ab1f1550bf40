// Accounts in the browser. One's own password: the link under the name opens the form; a wrong
// current password is named on its field, a mismatched repeat on its own; after the change every
// session ends, the login form says so, and only the new password opens the account. The staff
// page: counts per role, last sign-in, a generated password to hand over, renaming in place.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OWNER_PASSWORD, createUser, launchBrowser, loginAs, newPage, screenshot, startServer } from './harness.mjs';

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
});
