// Exports in the browser: the owner downloads visits as Excel and payments and the price list as
// CSV from the «Экспорт» page, and the test opens each file (unzips the workbook, parses the CSV)
// and finds the clinic's names and sums; a receptionist is offered today's payments only.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { OWNER_PASSWORD, createUser, launchBrowser, loginAs, newPage, ownerApi, screenshot, startServer, clinicToday } from './harness.mjs';

/** Chooses the export options and returns the downloaded file's name and bytes. */
async function download(page, { kind, format }) {
  await page.locator('select[name="kind"]').selectOption(kind);
  await page.locator('select[name="format"]').selectOption(format);
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-download').click(),
  ]);
  await page.getByTestId('export-progress').getByText('Готово').waitFor();
  return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
}

/** RFC 4180 rows of a CSV export (after its byte-order mark). */
function csvRows(bytes) {
  const text = bytes.toString('utf8');
  assert.equal(text.charCodeAt(0), 0xfeff, 'a byte-order mark for Excel');
  const rows = [];
  let row = [''];
  let quoted = false;
  for (let i = 1; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { row[row.length - 1] += '"'; i += 1; }
      else if (c === '"') quoted = false;
      else row[row.length - 1] += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push('');
    else if (c === '\n') { rows.push(row); row = ['']; }
    else if (c !== '\r') row[row.length - 1] += c;
  }
  return rows;
}

/** The text and numbers of the first sheet of a workbook, cell by cell, row by row (inline
 * strings of streamed sheets and the shared-string table of small ones both read). */
function xlsxRows(bytes) {
  const files = unzipSync(new Uint8Array(bytes));
  const shared = files['xl/sharedStrings.xml']
    ? [...strFromU8(files['xl/sharedStrings.xml']).matchAll(/<si>(.*?)<\/si>/gs)]
      .map(([, si]) => [...si.matchAll(/<t[^>]*>(.*?)<\/t>/gs)].map(([, t]) => t).join(''))
    : [];
  const xml = strFromU8(files['xl/worksheets/sheet1.xml']);
  return [...xml.matchAll(/<row[^>]*>(.*?)<\/row>/gs)].map(([, cells]) =>
    [...cells.matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>(.*?)<\/c>)/gs)].map(([, col, attrs, inner = '']) => {
      const text = inner.match(/<t[^>]*>(.*?)<\/t>/s);
      const value = inner.match(/<v>(.*?)<\/v>/s);
      if (value && /t="s"/.test(attrs)) return { col, value: shared[Number(value[1])] };
      return { col, value: text ? text[1] : value ? Number(value[1]) : null };
    }));
}

describe('exports', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const d = await ownerApi(server.url, 'POST', '/doctors', { first_name: 'Ерлан', last_name: 'Жұмабаев', specialization: 'Стоматолог' });
    const s = await ownerApi(server.url, 'POST', '/services', { name: 'Консультация', base_price: '8000.50', duration_minutes: 30 });
    const p = await ownerApi(server.url, 'POST', '/patients', { first_name: 'Әйгерім', last_name: 'Қасымова', phone: '87011234567' });
    // UTC-hour h of the old helper, on the clinic's today (h + 5 clinic time).
    const at = (h) => clinicToday(h + 5);
    const v = await ownerApi(server.url, 'POST', '/appointments', { patient_id: p.id, doctor_id: d.id, starts_at: at(3), service_ids: [s.id], source: 'instagram' });
    await ownerApi(server.url, 'POST', '/registers/1/shifts', { counted_opening: '0' });
    await ownerApi(server.url, 'POST', `/appointments/${v.id}/payments`, { payments: [{ method: 'card', amount: '5000' }, { method: 'cash', amount: '3000.50' }] });
    await createUser(server.url, { login: 'desk', role: 'receptionist', password: 'desk-password-1' });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the owner downloads visits as Excel, payments and the price list as CSV, and each opens', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    await page.locator('nav a', { hasText: 'Экспорт' }).click();
    await page.getByRole('heading', { name: 'Экспорт' }).waitFor();

    const visits = await download(page, { kind: 'appointments', format: 'xlsx' });
    assert.match(visits.name, /^Визиты .*\.xlsx$/);
    const sheet = xlsxRows(visits.bytes);
    assert.equal(sheet.length, 2, 'a header and the visit');
    assert.equal(sheet[0][0].value, '№ визита');
    const cell = (col) => sheet[1].find((c) => c.col === col)?.value;
    assert.equal(cell('F'), 'Жұмабаев Ерлан');
    assert.equal(cell('G'), 'Әйгерім Қасымова');
    assert.equal(cell('K'), 8000.5, 'the visit total, a number');
    assert.equal(cell('M'), 8000.5, 'paid');
    assert.equal(cell('N'), 0, 'no debt');
    assert.ok(typeof cell('B') === 'number', 'the day is a date serial');
    await screenshot(page, 'exports');

    const payments = await download(page, { kind: 'payments', format: 'csv' });
    assert.match(payments.name, /^Оплаты и возвраты .*\.csv$/);
    const rows = csvRows(payments.bytes);
    assert.deepEqual(rows.slice(1).map((r) => [r[0], r[3], r[4]]), [['Оплата', 'Карта', '5000.00'], ['Оплата', 'Наличные', '3000.50']]);
    assert.equal(rows[1][8], 'Әйгерім Қасымова');

    await page.locator('select[name="kind"]').selectOption('services');
    await page.locator('input[name="from"]').waitFor({ state: 'detached' });
    const prices = await download(page, { kind: 'services', format: 'csv' });
    assert.deepEqual(csvRows(prices.bytes).slice(1).map((r) => [r[1], r[2]]), [['Консультация', '8000.50']]);
    const status = await page.getByTestId('export-progress').textContent();
    assert.ok(status.includes('строк: 1'), status);

    // Every other kind downloads and opens in the other format too.
    for (const [kind, format, header, rows] of [
      ['appointment-lines', 'xlsx', '№ визита', 1],
      ['patients', 'xlsx', '№', 1],
      ['audit-log', 'csv', '№', null],
      ['appointments', 'csv', '№ визита', 1],
      ['analytics', 'xlsx', 'Показатель', null],
    ]) {
      const file = await download(page, { kind, format });
      const table = format === 'csv'
        ? csvRows(file.bytes).map((r) => r.map((value) => ({ value })))
        : xlsxRows(file.bytes);
      assert.equal(table[0][0].value, header, `${kind}.${format}`);
      if (rows !== null) assert.equal(table.length - 1, rows, `${kind}.${format}`);
      else assert.ok(table.length > 5, `${kind}: the setup's audit rows, the summary's KPIs`);
    }
  });

  test('the owner checks a patients file, sees the bad cells, then loads a clean one', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    await page.locator('nav a', { hasText: 'Экспорт' }).click();
    await page.getByRole('heading', { name: 'Импорт из Excel' }).waitFor();
    const file = page.locator('input[name="import_file"]');
    const messy = 'Фамилия;Имя;Телефон\nСейітова;Гүлнар;8 702 555 11 22\n;;87025551123\n';
    await file.setInputFiles({ name: 'пациенты.csv', mimeType: 'text/csv', buffer: Buffer.from(messy) });
    const summary = page.getByTestId('import-summary');
    await summary.getByText('ошибки: 1').waitFor();
    assert.ok((await summary.textContent()).includes('будет создано: 1'));
    const bad = page.locator('[data-testid="import-rows"] tr[data-row="3"]');
    assert.ok((await bad.textContent()).includes('«Имя»'), await bad.textContent());
    assert.ok(await page.getByTestId('import-apply').isDisabled(), 'a file with errors is not loaded');
    await screenshot(page, 'import-check');
    const clean = 'Фамилия;Имя;Телефон\nСейітова;Гүлнар;8 702 555 11 22\n;Бауыржан;87025551123\n';
    await file.setInputFiles({ name: 'пациенты.csv', mimeType: 'text/csv', buffer: Buffer.from(clean) });
    await summary.getByText('будет создано: 2').waitFor();
    await page.getByTestId('import-apply').click();
    await summary.getByText('Загружено').waitFor();
    const found = await ownerApi(server.url, 'GET', '/patients?q=Бауыржан');
    assert.equal(found.items.length, 1);
    assert.equal(found.items[0].phone, '+77025551123');
  });

  test('a receptionist is offered today\'s payments only, and takes them', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'desk', 'desk-password-1');
    await page.locator('nav a', { hasText: 'Экспорт' }).click();
    // The export page is in the full bundle: it loads first.
    await page.locator('select[name="kind"]').waitFor({ timeout: 20_000 });
    const kinds = await page.locator('select[name="kind"] option').allTextContents();
    assert.deepEqual(kinds, ['Оплаты и возвраты']);
    assert.ok(await page.locator('input[name="from"]').isDisabled(), 'the period is today, fixed');
    const payments = await download(page, { kind: 'payments', format: 'csv' });
    assert.equal(csvRows(payments.bytes).length, 3);
  });
});
