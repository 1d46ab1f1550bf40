// The owner's dashboard in the browser: KPI tiles, both donuts with their tables, the revenue
// line and the bars for a chosen range; the doctor filter (any number at once) narrows everything.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launchBrowser, loginAs, newPage, OWNER_PASSWORD, ownerApi, screenshot, startServer, clinicToday } from './harness.mjs';

describe('analytics', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const d = await ownerApi(server.url, 'POST', '/doctors', { first_name: 'Ерлан', last_name: 'Жұмабаев', specialization: 'Стоматолог' });
    const s = await ownerApi(server.url, 'POST', '/services', { name: 'Консультация', base_price: '8000', duration_minutes: 30 });
    const p = await ownerApi(server.url, 'POST', '/patients', { first_name: 'Айгерим', phone: '87011234567' });
    const q = await ownerApi(server.url, 'POST', '/patients', { first_name: 'Нурлан', phone: '87021234567' });
    // UTC-hour h of the old helper, on the clinic's today (h + 5 clinic time).
    const at = (h) => clinicToday(h + 5);
    const v1 = await ownerApi(server.url, 'POST', '/appointments', { patient_id: p.id, doctor_id: d.id, starts_at: at(3), service_ids: [s.id], source: 'instagram' });
    const v2 = await ownerApi(server.url, 'POST', '/appointments', { patient_id: q.id, doctor_id: d.id, starts_at: at(4), service_ids: [s.id], source: '2gis' });
    // Yesterday's visit (clinic time, same source): the previous period of "Сегодня".
    const yesterday = new Date(Date.parse(at(3)) - 86_400_000).toISOString();
    await ownerApi(server.url, 'POST', '/appointments', { patient_id: p.id, doctor_id: d.id, starts_at: yesterday, service_ids: [s.id], source: 'instagram' });
    await ownerApi(server.url, 'POST', '/registers/1/shifts', { counted_opening: '0' });
    await ownerApi(server.url, 'POST', `/appointments/${v1.id}/payments`, { payments: [{ method: 'card', amount: '5000' }, { method: 'cash', amount: '3000' }] });
    await ownerApi(server.url, 'POST', `/appointments/${v2.id}/payments`, { payments: [{ method: 'qr', amount: '4000' }] });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the dashboard draws both donuts with their tables for this month', async () => {
    const page = await newPage(browser);
    await page.setViewportSize({ width: 1400, height: 1000 });
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    await page.locator('nav a', { hasText: 'Аналитика' }).click();
    // The quarter quick range starts on the quarter's first day (clinic time).
    await page.getByRole('button', { name: 'Этот квартал' }).click();
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Almaty' });
    const [year, month] = today.split('-').map(Number);
    const quarterStart = `${year}-${String(Math.floor((month - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
    assert.equal(await page.locator('input[name="from"]').inputValue(), quarterStart);
    assert.equal(await page.locator('input[name="to"]').inputValue(), today);
    await page.getByRole('button', { name: 'Этот месяц' }).click();
    const kpis = page.getByTestId('kpis');
    await kpis.locator('.kpi', { hasText: 'Выручка' }).getByText('12\u00a0000\u00a0₸').waitFor();
    for (const id of ['sources-donut', 'methods-donut', 'revenue-line', 'doctors-bars', 'services-bars', 'visits-line', 'status-donut', 'doctor-visits-bars', 'sources-trend', 'methods-trend']) {
      const canvas = page.locator(`#${id} canvas`);
      await canvas.waitFor({ timeout: 20_000 });
      const box = await canvas.boundingBox();
      assert.ok(box && box.width > 200 && box.height > 200, `${id} ${JSON.stringify(box)}`);
    }
    assert.equal(await page.locator('.status-error').count(), 0, 'no chart failed to draw');
    const sources = page.getByTestId('sources-report');
    assert.equal(await sources.locator('tbody tr').count(), 2);
    assert.match(await sources.locator('tr.best').textContent(), /Instagram/);
    const methods = page.getByTestId('methods-report');
    assert.equal(await methods.locator('tbody tr').count(), 3);
    assert.match(await methods.locator('tr', { hasText: 'Карта' }).textContent(), /5\u00a0000\u00a0₸/);
    assert.match(await methods.locator('tr', { hasText: 'Карта' }).textContent(), /41,67/, 'a decimal comma');
    assert.match(await kpis.textContent(), /75,00 %/, 'cashless share 9 000 of 12 000, in Russian format');
    // Chart numbers in the page's language: the tooltip writes 12 000, not 12,000.
    const bars = page.locator('#doctors-bars canvas');
    const size = await bars.boundingBox();
    await bars.hover({ position: { x: size.width * 0.6, y: size.height * 0.45 } });
    const tip = page.locator('#doctors-bars div', { hasText: 'Выручка' }).last();
    await tip.waitFor({ timeout: 10_000 });
    assert.match(await tip.textContent(), /12[\u00a0\u202f ]000/);
    assert.doesNotMatch(await tip.textContent(), /12,000/);
    // Charts follow the window.
    const before = (await page.locator('#sources-donut canvas').boundingBox()).width;
    await page.setViewportSize({ width: 800, height: 1000 });
    await page.waitForFunction((w) => Math.abs(document.querySelector('#sources-donut canvas').getBoundingClientRect().width - w) > 5, before);
    await screenshot(page, 'analytics');
    assert.deepEqual(page.errors, []);
  });

  test('each KPI shows its change against the period of equal length before', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    await page.locator('nav a', { hasText: 'Аналитика' }).click();
    await page.getByRole('button', { name: 'Сегодня' }).click();
    const kpis = page.getByTestId('kpis');
    await kpis.locator('.kpi', { hasText: 'Выручка' }).getByText('12\u00a0000\u00a0₸').waitFor();
    const tile = (label) => kpis.locator('.kpi', { has: page.locator('small', { hasText: label }) });
    // Today 2 visits, yesterday 1: up 100 %, good news.
    const visits = tile('Визиты').getByTestId('kpi-change');
    // The range re-renders the tiles: wait for today's figures, not the month's.
    await visits.getByText('▲ 100,00 %').waitFor();
    assert.equal(await visits.textContent(), '▲ 100,00 %');
    assert.match(await visits.getAttribute('class'), /\bgood\b/);
    // Nothing was paid yesterday: no ratio to show.
    assert.equal(await tile('Выручка').getByTestId('kpi-change').textContent(), 'в прошлом периоде не было');
    // A rate changes in points; no no-shows either day.
    assert.equal(await tile('Неявки').getByTestId('kpi-change').textContent(), '= 0,00 п.п.');
    // Today's two visits are booked: the status table has them all, every status listed.
    const statuses = page.getByTestId('status-report');
    await statuses.locator('tr', { hasText: 'записан' }).getByText('100,00').waitFor();
    assert.equal(await statuses.locator('tbody tr').count(), 5);
    assert.match(await statuses.locator('tr', { hasText: 'записан' }).textContent(), /записан\s*2\s*100,00/);
    const yesterday = new Date(Date.now() + 5 * 3_600_000 - 86_400_000).toISOString().slice(0, 10).split('-').reverse().join('.');
    assert.equal(await page.getByTestId('kpi-previous').textContent(), `Изменение к периоду ${yesterday} – ${yesterday}`);
    await screenshot(page, 'analytics-kpi-changes');
    assert.deepEqual(page.errors, []);
  });
  test('several doctors at once: their visits add up, a patient of both counts once', async () => {
    // A second doctor sees Айгерим today too (last test: the figures above are without her).
    const [d1] = await ownerApi(server.url, 'GET', '/doctors');
    const d2 = await ownerApi(server.url, 'POST', '/doctors', { first_name: 'Әлия', last_name: 'Сапарова', specialization: 'Терапевт' });
    const [service] = await ownerApi(server.url, 'GET', '/services');
    const { items: patients } = await ownerApi(server.url, 'GET', '/patients?q=Айгерим');
    const v = await ownerApi(server.url, 'POST', '/appointments', { patient_id: patients[0].id, doctor_id: d2.id, starts_at: clinicToday(16), service_ids: [service.id] });
    await ownerApi(server.url, 'POST', `/appointments/${v.id}/payments`, { payments: [{ method: 'card', amount: '3000' }] });

    const page = await newPage(browser);
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    await page.locator('nav a', { hasText: 'Аналитика' }).click();
    await page.getByRole('button', { name: 'Сегодня' }).click();
    const kpis = page.getByTestId('kpis');
    const value = (label) => kpis.locator('.kpi', { has: page.locator('small', { hasText: label }) }).locator('strong');
    await value('Выручка').getByText('15\u00a0000\u00a0₸').waitFor();
    const filter = page.getByTestId('analytics-doctors');
    await filter.getByLabel(`${d1.last_name} ${d1.first_name}`).check();
    await value('Выручка').getByText('12\u00a0000\u00a0₸').waitFor();
    assert.equal(await value('Визиты').textContent(), '2');
    await filter.getByLabel('Сапарова Әлия').check();
    await value('Выручка').getByText('15\u00a0000\u00a0₸').waitFor();
    assert.equal(await value('Визиты').textContent(), '3');
    assert.match(await value('Пациенты').textContent(), /^2 /, 'Айгерим saw both doctors: 2 patients, not 2 + 1');
    await filter.getByLabel(`${d1.last_name} ${d1.first_name}`).uncheck();
    await value('Выручка').getByText('3\u00a0000\u00a0₸').waitFor();
    assert.match(await value('Пациенты').textContent(), /^1 /);
    await screenshot(page, 'analytics-doctors');
    assert.deepEqual(page.errors, []);
  });
});
