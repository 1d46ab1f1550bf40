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
});
