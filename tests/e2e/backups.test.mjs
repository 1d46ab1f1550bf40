// Backups in the browser: the owner takes a backup from the page, sees it listed with its
// contents, and downloads it (a real SQLite file); an admin has no such menu item.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { OWNER_PASSWORD, createUser, launchBrowser, loginAs, newPage, screenshot, startServer } from './harness.mjs';

describe('backups', () => {
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

  test('the owner backs up now, sees the copy listed and downloads it', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    await page.getByRole('link', { name: 'Резервные копии' }).click();
    await page.getByRole('heading', { name: 'Резервные копии' }).waitFor();
    await page.getByText('Копий пока нет').waitFor();
    await page.getByTestId('backup-now').click();
    const row = page.getByTestId('backup-table').locator('tbody tr');
    await row.first().waitFor();
    assert.equal(await row.count(), 1);
    const text = await row.first().textContent();
    assert.ok(text.includes('Пациенты: 0') && text.includes('вручную'), text);
    assert.ok((await page.getByTestId('backup-status').textContent()).includes('Последняя успешная копия'));
    await screenshot(page, 'backups');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.first().getByRole('button', { name: 'Скачать' }).click(),
    ]);
    const file = readFileSync(await download.path());
    assert.equal(file.subarray(0, 15).toString(), 'SQLite format 3');
    assert.match(download.suggestedFilename(), /^emhana-.*\.db$/);
    assert.deepEqual(page.errors, []);
  });

  test('an admin has no backups in the menu', async () => {
    await createUser(server.url, { login: 'boss2', role: 'admin', password: 'password-123' });
    const page = await newPage(browser);
    await loginAs(page, server.url, 'boss2', 'password-123');
    const links = await page.locator('nav a').allTextContents();
    assert.ok(links.includes('Сотрудники') && !links.includes('Резервные копии'), links.join(','));
  });
});
