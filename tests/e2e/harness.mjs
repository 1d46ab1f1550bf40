// Browser test harness: starts the real `emhana` binary on a free 127.0.0.1 port with a fresh SQLite
// database and the built SPA, and launches Debian's Chromium through playwright-core. Everything
// started here is stopped by PID.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

/** The first owner's password in every browser-test server. */
export const OWNER_PASSWORD = 'owner-password-1';

const ROOT = resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = join(ROOT, 'target', 'e2e-screenshots');

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

async function waitForHealth(url, child, deadlineMs) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`emhana exited early with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`emhana did not answer /healthz within ${deadlineMs} ms`);
}

/** Starts the server (with `env` added to its environment); returns { url, stop }. */
export async function startServer(env = {}) {
  const bin = process.env.EMHANA_BIN ?? join(ROOT, 'target/debug/emhana');
  const dist = process.env.EMHANA_DIST ?? join(ROOT, 'dist');
  const dataDir = mkdtempSync(join(tmpdir(), 'emhana-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(bin, ['serve'], {
    env: {
      ...process.env,
      EMHANA_BIND: `127.0.0.1:${port}`,
      DATABASE_URL: `sqlite://${dataDir}/emhana.db`,
      EMHANA_STATIC_DIR: dist,
      EMHANA_BACKUP_DIR: join(dataDir, 'backups'),
      EMHANA_OWNER_PASSWORD: OWNER_PASSWORD,
      RUST_LOG: process.env.RUST_LOG ?? 'warn',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    await waitForHealth(url, child, 30_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(child.pid, 'SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Launches headless Chromium with the flags this closed network needs. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** A new page that records every page error and failed console error, for "no errors" asserts. */
export async function newPage(browser) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') page.errors.push(`console: ${m.text()}`);
  });
  return page;
}

/** The clinic's UTC offset (the server's default zone, Asia/Almaty). */
const CLINIC_OFFSET_HOURS = 5;

/**
 * The instant of `hour`:`minute` clinic time on the clinic's today. Tests book "today" as the
 * clinic sees it: from 19:00 UTC the clinic is already on the next day, and pages open on its day.
 */
export function clinicToday(hour, minute = 0) {
  const local = new Date(Date.now() + CLINIC_OFFSET_HOURS * 3_600_000);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(),
    hour - CLINIC_OFFSET_HOURS, minute)).toISOString();
}

/** Saves a full-page screenshot under target/e2e-screenshots/NAME.png. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in through the login form and waits for the shell. */
export async function loginAs(page, url, login, password) {
  await page.goto(`${url}/`);
  await page.locator('input[name="login"]').fill(login, { timeout: 20_000 });
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.getByTestId('logout').waitFor({ timeout: 20_000 });
}

/** Calls the API as the owner (setting up data a test is not about); returns the parsed body. */
export async function ownerApi(url, method, path, body) {
  const auth = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: 'owner', password: OWNER_PASSWORD }),
  }).then((r) => r.json());
  const res = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${auth.access_token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

/** Creates an account through the API as the owner (for role tests). */
export async function createUser(url, { login, role, password }) {
  await ownerApi(url, 'POST', '/users', { login, display_name: 'Айгүл Сәрсенова', role, password });
}
