// Doctors, the price list and lead sources in the browser: create through the forms (with a
// validation error first), tie a service to a doctor, sort and page tables, deactivate.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser, launchBrowser, loginAs, newPage, ownerApi, screenshot, startServer } from './harness.mjs';

describe('directories', () => {
  let server;
  let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await createUser(server.url, { login: 'chief', role: 'admin', password: 'password-123' });
    await createUser(server.url, { login: 'desk', role: 'receptionist', password: 'password-123' });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('an admin adds a doctor and a priced service tied to them', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'chief', 'password-123');
    await page.locator('nav a', { hasText: 'Врачи' }).click();
    await page.getByText('Записей нет').waitFor();
    await page.getByRole('button', { name: 'Новый врач' }).click();
    const form = page.getByTestId('doctor-form');
    await form.locator('input[name="last_name"]').fill('Жұмабаев');
    await form.locator('input[name="first_name"]').fill('Ерлан');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    const specError = form.locator('[data-field="specialization"]');
    await page.waitForFunction((el) => el.textContent.length > 0, await specError.elementHandle());
    await form.locator('input[name="specialization"]').fill('Стоматолог');
    // The mask re-spells the number when the field is left.
    await form.locator('input[name="phone"]').fill('87272500010');
    await form.locator('input[name="phone"]').blur();
    assert.equal(await form.locator('input[name="phone"]').inputValue(), '+7 (727) 250-00-10');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await page.getByTestId('doctors-table').getByText('Жұмабаев Ерлан').waitFor();

    await page.locator('nav a', { hasText: 'Прайс-лист' }).click();
    await page.getByRole('button', { name: 'Новая услуга' }).click();
    const svc = page.getByTestId('service-form');
    await svc.locator('input[name="name"]').fill('Лечение кариеса');
    await svc.locator('input[name="base_price"]').fill('-5');
    await svc.getByRole('button', { name: 'Сохранить' }).click();
    const priceError = svc.locator('[data-field="base_price"]');
    await page.waitForFunction((el) => el.textContent.length > 0, await priceError.elementHandle());
    await screenshot(page, 'service-validation');
    await svc.locator('input[name="base_price"]').fill('25 000');
    await svc.locator('input[name="duration_minutes"]').fill('60');
    await svc.locator('select[name="doctor_id"]').selectOption({ label: 'Жұмабаев Ерлан' });
    await svc.getByRole('button', { name: 'Сохранить' }).click();
    const row = page.getByTestId('services-table').locator('tr', { hasText: 'Лечение кариеса' });
    await row.waitFor();
    assert.equal(await row.locator('td').nth(1).textContent(), '25\u00a0000\u00a0₸');
    assert.equal(await row.locator('td').nth(3).textContent(), 'Жұмабаев Ерлан');
    await screenshot(page, 'services');
    assert.deepEqual(page.errors.filter((e) => !e.includes('422')), []);
  });

  test('the price list sorts by price and pages through 25 services', async () => {
    for (let i = 1; i <= 25; i += 1) {
      await ownerApi(server.url, 'POST', '/services', { name: `Анализ №${String(i).padStart(2, '0')}`, base_price: `${i * 1000}`, duration_minutes: 10 });
    }
    const page = await newPage(browser);
    await loginAs(page, server.url, 'desk', 'password-123');
    await page.locator('nav a', { hasText: 'Прайс-лист' }).click();
    const table = page.getByTestId('services-table');
    await table.waitFor();
    // Receptionists read the price list but do not edit it.
    assert.equal(await page.getByRole('button', { name: 'Новая услуга' }).count(), 0);
    await page.getByTestId('pager-range').getByText(/^1–20 из 2\d$/).waitFor();
    await table.getByRole('button', { name: /Цена/ }).click();
    const firstPrice = () => table.locator('tbody tr').first().locator('td').nth(1).textContent();
    assert.equal(await firstPrice(), '1\u00a0000\u00a0₸');
    await table.getByRole('button', { name: /Цена/ }).click();
    assert.equal(await table.locator('th').nth(1).getAttribute('aria-sort'), 'descending');
    assert.notEqual(await firstPrice(), '1\u00a0000\u00a0₸');
    await page.getByRole('button', { name: 'Вперёд ›' }).click();
    await page.getByTestId('pager-range').getByText(/^21–2\d из 2\d$/).waitFor();
    assert.ok((await table.locator('tbody tr').count()) <= 7);
    assert.deepEqual(page.errors, []);
  });

  test('an admin adds a lead source, renames it, deactivates it; the default stays', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'chief', 'password-123');
    await page.locator('nav a', { hasText: 'Источники' }).click();
    const table = page.getByTestId('sources-table');
    await table.getByText('Повторное посещение').waitFor();
    assert.equal(await table.locator('tbody tr').count(), 7);
    await page.getByRole('button', { name: 'Новый источник' }).click();
    const form = page.getByTestId('source-form');
    await form.locator('input[name="code"]').fill('tiktok');
    await form.locator('input[name="label"]').fill('TikTok');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await table.getByText('TikTok', { exact: true }).click();
    await form.locator('input[name="label"]').fill('TikTok реклама');
    await form.getByRole('button', { name: 'Сохранить' }).click();
    await table.getByText('TikTok реклама').click();
    await form.getByRole('button', { name: 'Отключить' }).click();
    await form.waitFor({ state: 'detached' });
    // The list reloads after the form closes: wait for it rather than race it.
    await table.getByText('TikTok реклама').waitFor({ state: 'detached' });
    assert.equal(await table.getByText('TikTok реклама').count(), 0);
    await page.getByLabel('Показать отключённых').check();
    await table.locator('tr', { hasText: 'TikTok реклама' }).getByText('отключён').waitFor();
    // The default source offers no deactivation.
    await table.getByText('Повторное посещение').click();
    assert.equal(await form.getByRole('button', { name: 'Отключить' }).count(), 0);
    await screenshot(page, 'sources');
    assert.deepEqual(page.errors, []);
  });

  test('directories search as you type, the price list filters by doctor, specializations are suggested', async () => {
    const a = await ownerApi(server.url, 'POST', '/doctors', { first_name: 'Асель', last_name: 'Нұрланова', specialization: 'Кардиолог' });
    const b = await ownerApi(server.url, 'POST', '/doctors', { first_name: 'Бауыржан', last_name: 'Серіков', specialization: 'Невролог' });
    await ownerApi(server.url, 'POST', '/services', { name: 'ЭКГ', base_price: '4000', duration_minutes: 20, doctor_id: a.id });
    await ownerApi(server.url, 'POST', '/services', { name: 'ЭЭГ', base_price: '9000', duration_minutes: 40, doctor_id: b.id });
    const page = await newPage(browser);
    await loginAs(page, server.url, 'chief', 'password-123');

    await page.locator('nav a', { hasText: 'Врачи' }).click();
    const doctors = page.getByTestId('doctors-table');
    await doctors.getByText('Нұрланова Асель').waitFor();
    await page.locator('input[name="search"]').fill('невро');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="doctors-table"] tbody tr').length === 1);
    assert.match(await doctors.locator('tbody tr').textContent(), /Серіков Бауыржан/);
    await page.getByRole('button', { name: 'Новый врач' }).click();
    const suggested = await page.locator('datalist#specializations option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(suggested.includes('Кардиолог') && suggested.includes('Терапевт'), suggested.join(','));
    assert.equal(new Set(suggested.map((x) => x.toLowerCase())).size, suggested.length, 'each once');

    await page.locator('nav a', { hasText: 'Прайс-лист' }).click();
    const services = page.getByTestId('services-table');
    await services.waitFor();
    const rows = () => services.locator('tbody tr').allTextContents();
    // The price list is long (and paged): one doctor's services are two clicks away.
    await page.locator('select[name="only_doctor"]').selectOption(String(a.id));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="services-table"] tbody tr').length === 1);
    assert.match((await rows())[0], /ЭКГ/);
    await page.locator('select[name="only_doctor"]').selectOption(String(b.id));
    await services.getByText('ЭЭГ').waitFor();
    assert.equal((await rows()).length, 1);
    await page.locator('select[name="only_doctor"]').selectOption('');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="services-table"] tbody tr').length > 1);
    await page.locator('input[name="search"]').fill('ээг');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="services-table"] tbody tr').length === 1);
    assert.match((await rows())[0], /ЭЭГ/);
    await screenshot(page, 'services-search');
    assert.deepEqual(page.errors, []);
  });
});
