// Sessions and roles in the browser: login, CRM first, logout, role-filtered navigation, staff
// management and the audit viewer.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OWNER_PASSWORD, createUser, launchBrowser, loginAs, newPage, screenshot, startServer } from './harness.mjs';

describe('sessions and roles', () => {
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

  test('the login form is compact and a wrong password shows a Russian error', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.url}/`);
    const box = page.locator('.login-box');
    await box.waitFor({ timeout: 20_000 });
    const { width } = await box.boundingBox();
    assert.ok(width > 1280 * 0.2 && width < 1280 * 0.35, `login box width ${width}`);
    await page.locator('input[name="login"]').fill('owner');
    await page.locator('input[name="password"]').fill('wrong-password');
    await page.getByRole('button', { name: 'Войти' }).click();
    const error = page.getByTestId('login-error');
    await error.waitFor();
    assert.equal(await error.textContent(), 'Неверный логин или пароль');
    await screenshot(page, 'login-error');
    // The failed request itself is logged as a console error by Chromium; nothing else may be.
    assert.deepEqual(page.errors.filter((e) => !e.includes('401')), []);
  });

  test('the owner signs in, lands on CRM first in the menu, and signs out', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    await page.getByRole('heading', { name: 'CRM' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/crm');
    const links = await page.locator('nav a').allTextContents();
    assert.equal(links[0], 'CRM');
    assert.ok(links.includes('Сотрудники') && links.includes('Журнал действий'), links.join(','));
    await screenshot(page, 'crm-owner');
    await page.getByTestId('logout').click();
    await page.locator('.login-box').waitFor();
    // After a reload the session stays gone (the refresh cookie was revoked).
    await page.reload();
    await page.locator('.login-box').waitFor({ timeout: 20_000 });
    assert.deepEqual(page.errors.filter((e) => !e.includes('401')), []);
  });

  test('a receptionist does not see staff management or the audit log', async () => {
    await createUser(server.url, { login: 'desk', role: 'receptionist', password: 'password-123' });
    const page = await newPage(browser);
    await loginAs(page, server.url, 'desk', 'password-123');
    const links = await page.locator('nav a').allTextContents();
    assert.equal(links[0], 'CRM');
    assert.ok(!links.includes('Сотрудники'), links.join(','));
    assert.ok(!links.includes('Журнал действий'), links.join(','));
    assert.ok(links.includes('Клиенты'), links.join(','));
    await screenshot(page, 'crm-receptionist');
  });

  test('the owner creates an account on the staff page and sees it in the audit log', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    await page.locator('nav a', { hasText: 'Сотрудники' }).click();
    await page.getByTestId('staff-table').waitFor();
    // A short password is refused with the message under its field.
    await page.locator('input[name="new-login"]').fill('nurlan');
    await page.locator('input[name="new-name"]').fill('Нұрлан Қанатұлы');
    await page.locator('select[name="new-role"]').selectOption('admin');
    await page.locator('input[name="new-password"]').fill('short');
    await page.getByRole('button', { name: 'Создать' }).click();
    await page.getByText('Пароль не короче 8 символов').waitFor();
    await page.locator('input[name="new-password"]').fill('password-123');
    await page.getByRole('button', { name: 'Создать' }).click();
    await page.getByTestId('staff-table').getByText('nurlan').waitFor();
    const row = page.locator('tr[data-login="nurlan"]');
    assert.equal(await row.locator('select[name="role"]').inputValue(), 'admin');
    // Role change and a password reset from the same table: each change names the row's
    // version, so the next one waits for the row the server re-sent (a newer version).
    const changed = async (version) => {
      await page.locator(`tr[data-login="nurlan"]:not([data-version="${version}"])`).waitFor();
      return page.locator('tr[data-login="nurlan"]').getAttribute('data-version');
    };
    let version = await row.getAttribute('data-version');
    await row.locator('select[name="role"]').selectOption('receptionist');
    version = await changed(version);
    assert.equal(await row.locator('select[name="role"]').inputValue(), 'receptionist');
    await page.locator('tr[data-login="nurlan"] input[name="reset-password"]').fill('new-password-1');
    await page.locator('tr[data-login="nurlan"]').getByRole('button', { name: 'Задать' }).click();
    await changed(version);
    assert.equal(await page.locator('tr[data-login="nurlan"] input[name="reset-password"]').inputValue(), '');
    await screenshot(page, 'staff');
    const other = await newPage(browser);
    await loginAs(other, server.url, 'nurlan', 'new-password-1');
    assert.match(await other.getByTestId('whoami').textContent(), /Регистратор/);
    await other.close();
    await page.locator('nav a', { hasText: 'Журнал действий' }).click();
    const table = page.getByTestId('audit-table');
    await table.waitFor();
    const text = await table.textContent();
    assert.ok(text.includes('create') && text.includes('nurlan'), text.slice(0, 400));
    await screenshot(page, 'audit');
    assert.deepEqual(page.errors.filter((e) => !e.includes('422')), []);
  });
});
