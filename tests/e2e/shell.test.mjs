// The SPA shell: WASM renders, talks to the API, routes deep links, draws ECharts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OWNER_PASSWORD, launchBrowser, loginAs, newPage, screenshot, startServer } from './harness.mjs';

describe('SPA shell', () => {
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

  test('the home page is rendered by WASM and shows the live server status', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    await page.goto(`${server.url}/`);
    const title = page.getByTestId('app-title');
    await title.waitFor({ timeout: 20_000 });
    assert.equal(await title.textContent(), 'Емхана');
    const status = page.getByTestId('api-status');
    await status.waitFor();
    assert.match(await status.textContent(), /работает \(v\d+\.\d+\.\d+\)/);
    await screenshot(page, 'home');
    assert.deepEqual(page.errors, []);
  });

  test('CRM comes first in the navigation and a deep link opens its page', async () => {
    const page = await newPage(browser);
    // The charting library is the analytics page's alone: login and CRM never download it.
    const requested = [];
    page.on('request', (r) => requested.push(r.url()));
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    await page.getByRole('heading', { name: 'CRM' }).waitFor({ timeout: 20_000 });
    assert.deepEqual(requested.filter((u) => u.includes('echarts')), [], 'no ECharts on login or CRM');
    // A full page load: the session comes back from the refresh cookie.
    await page.goto(`${server.url}/patients`);
    await page.getByRole('heading', { name: 'Клиенты' }).waitFor({ timeout: 20_000 });
    const links = await page.locator('nav a').allTextContents();
    assert.equal(links[0], 'CRM');
    assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), 'Клиенты');
    await page.locator('nav a', { hasText: 'CRM' }).click();
    await page.getByRole('heading', { name: 'CRM' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/crm');
    assert.deepEqual(page.errors, []);
  });

  test('the front desk signs in on the small bundle; an owner page moves to the full one and back', async () => {
    const page = await newPage(browser);
    const requested = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    const wasm = () => requested.filter((p) => p.endsWith('.wasm'));
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    await page.getByRole('heading', { name: 'CRM' }).waitFor({ timeout: 20_000 });
    assert.equal(wasm().length, 1);
    assert.match(wasm()[0], /^\/emhana-desk-[0-9a-f]+_bg\.wasm$/, 'login and CRM load the desk bundle only');
    // The desk bundle has no analytics: the click reloads into the full bundle, signed in.
    await page.locator('nav a', { hasText: 'Аналитика' }).click();
    await page.getByTestId('kpis').waitFor({ timeout: 20_000 });
    assert.equal(new URL(page.url()).pathname, '/analytics');
    assert.match(wasm().at(-1), /^\/emhana-web-[0-9a-f]+_bg\.wasm$/);
    // The full bundle has every page: back to CRM without another load.
    const loads = wasm().length;
    await page.locator('nav a', { hasText: 'CRM' }).click();
    await page.getByRole('heading', { name: 'CRM' }).waitFor();
    assert.equal(wasm().length, loads);
    // History is whole across the switch: Back twice returns to analytics, then to the first CRM.
    await page.goBack();
    await page.getByTestId('kpis').waitFor({ timeout: 20_000 });
    await page.goBack();
    await page.getByRole('heading', { name: 'CRM' }).waitFor({ timeout: 20_000 });
    assert.equal(new URL(page.url()).pathname, '/crm');
    assert.deepEqual(page.errors, []);
  });

  test('hashed assets are sent as brotli or gzip and cached as immutable; pages are revalidated', async () => {
    const html = await fetch(`${server.url}/crm`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(html.status, 200);
    assert.equal(html.headers.get('cache-control'), 'no-cache');
    const page = await html.text();
    const wasm = page.match(/\/(emhana-desk-[0-9a-f]+_bg\.wasm)/);
    assert.ok(wasm, 'the desk page names its wasm');
    const res = await fetch(`${server.url}/${wasm[1]}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    assert.equal(res.headers.get('content-type'), 'application/wasm');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    // A browser that takes brotli gets the smaller twin, and both inflate to the same wasm.
    const gzipped = new Uint8Array(await res.arrayBuffer());
    const br = await fetch(`${server.url}/${wasm[1]}`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(br.headers.get('content-encoding'), 'br');
    assert.ok(Number(br.headers.get('content-length')) < Number(res.headers.get('content-length')));
    const unpacked = new Uint8Array(await br.arrayBuffer());
    assert.deepEqual([...unpacked.slice(0, 4)], [0, 0x61, 0x73, 0x6d], 'a wasm module');
    assert.equal(Buffer.compare(unpacked, gzipped), 0, 'the brotli and gzip twins are the same file');
    const full = await fetch(`${server.url}/analytics`);
    assert.match(await full.text(), /emhana-web-[0-9a-f]+\.js/, 'an owner page boots the full bundle');
  });

  test('Swagger UI renders the Emhana API document from local assets', async () => {
    const page = await newPage(browser);
    const external = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(server.url)) external.push(r.url());
    });
    await page.goto(`${server.url}/swagger-ui/`);
    const title = page.locator('.swagger-ui .info .title');
    await title.waitFor({ timeout: 20_000 });
    assert.match(await title.textContent(), /Emhana API/);
    await page.locator('.opblock-summary-path', { hasText: '/readyz' }).waitFor();
    await screenshot(page, 'swagger-ui');
    assert.deepEqual(external, [], 'no request leaves the server');
    assert.deepEqual(page.errors, []);
  });

  test('unknown client routes show the not-found page, not a server error', async () => {
    const page = await newPage(browser);
    await loginAs(page, server.url, 'owner', OWNER_PASSWORD);
    const res = await page.goto(`${server.url}/no/such/page`);
    assert.equal(res.status(), 200);
    await page.getByRole('heading', { name: 'Страница не найдена' }).waitFor({ timeout: 20_000 });
    assert.deepEqual(page.errors, []);
  });
});
