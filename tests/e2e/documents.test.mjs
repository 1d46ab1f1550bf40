// Documents in the browser: the owner sets the clinic's requisites, opens a visit's card and
// takes its receipt and act as PDF; the test reads the PDFs' text (pdftotext) and finds the
// requisites, the patient in Kazakh letters and the sums.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { OWNER_PASSWORD, launchBrowser, loginAs, newPage, ownerApi, screenshot, startServer } from './harness.mjs';

describe('documents', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const d = await ownerApi(server.url, 'POST', '/doctors', { first_name: 'Ерлан', last_name: 'Жұмабаев', specialization: 'Стоматолог' });
    const s = await ownerApi(server.url, 'POST', '/services', { name: 'Пломба', base_price: '15000', duration_minutes: 30 });
    const p = await ownerApi(server.url, 'POST', '/patients', { first_name: 'Әйгерім', last_name: 'Қасымова', phone: '87011234567' });
    // This hour: the clinic's today whatever the UTC date (the visit list opens on today).
    const at = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
    const v = await ownerApi(server.url, 'POST', '/appointments', { patient_id: p.id, doctor_id: d.id, starts_at: at, service_ids: [s.id] });
    await ownerApi(server.url, 'POST', `/appointments/${v.id}/payments`, { payments: [{ method: 'card', amount: '10000' }] });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the owner sets the requisites and takes a visit\'s receipt, invoice and act', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    await page.locator('nav a', { hasText: 'Реквизиты клиники' }).click();
    const form = page.getByTestId('clinic-form');
    await form.locator('input[name="name"]').fill('ТОО «Емхана Қала»');
    await form.locator('input[name="bin"]').fill('12345');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await form.getByText('БИН — 12 цифр').waitFor();
    await form.locator('input[name="bin"]').fill('123456789012');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByTestId('clinic-saved').waitFor();

    await page.locator('nav').getByRole('link', { name: 'Визиты', exact: true }).click();
    await page.getByTestId('visits-table').locator('tbody tr').first().click();
    const docs = page.getByTestId('visit-documents');
    await docs.waitFor();
    await screenshot(page, 'visit-documents');
    for (const [button, title] of [['Квитанция (PDF)', 'КВИТАНЦИЯ ОБ ОПЛАТЕ'], ['Счёт (PDF)', 'СЧЁТ НА ОПЛАТУ'], ['Акт услуг (PDF)', 'АКТ ОКАЗАННЫХ УСЛУГ']]) {
      const [file] = await Promise.all([page.waitForEvent('download'), docs.getByRole('button', { name: button }).click()]);
      const bytes = readFileSync(await file.path());
      assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
      const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: bytes }).toString().replaceAll('\u00a0', ' ');
      for (const needle of ['ТОО «Емхана Қала»', 'БИН 123456789012', title, 'Әйгерім Қасымова', 'Жұмабаев Ерлан', 'Пломба', '15 000 ₸']) {
        assert.ok(text.includes(needle), `${needle} in ${button}:\n${text}`);
      }
      if (!button.startsWith('Акт')) {
        const due = button.startsWith('Счёт') ? 'К оплате:' : 'Остаток к оплате:';
        assert.ok(text.includes(due) && text.includes('5 000 ₸'), text);
      }
    }
  });
});
