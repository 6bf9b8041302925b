// The console in a real browser (Debian's Chromium, headless, driven by playwright-core), against a
// running Sluice in front of a fake upstream. Run by ConsoleBrowserTest with:
//   BASE_URL, ADMIN_KEY, MODEL, CHROMIUM (executable), PLAYWRIGHT_DIR (holds node_modules/playwright-core),
//   SCREENSHOT (where the overview's picture goes), USER_DATA_DIR (a fresh profile).
// Prints one "ok <check>" line per check passed; exits non-zero at the first failure, naming it.
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const env = process.env;
const require = createRequire(env.PLAYWRIGHT_DIR + '/');
const { chromium } = require('playwright-core');
const BASE = env.BASE_URL;
const XSS = '<img src=x onerror=alert(1)>';

function ok(what) { console.log('ok ' + what); }

async function chat(key, messages = [{ role: 'user', content: 'hello from the browser test' }], model = env.MODEL) {
  const r = await fetch(BASE + '/v1/chat/completions', {
    method: 'POST',
    headers: { 'Authorization': 'Bearer ' + key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model, messages }),
  });
  return { status: r.status, requestId: r.headers.get('x-request-id'), body: await r.json() };
}

const context = await chromium.launchPersistentContext(env.USER_DATA_DIR, {
  executablePath: env.CHROMIUM,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1400, height: 1000 },
});
const alerts = [];
const problems = [];
try {
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(20000);
  page.on('dialog', (d) => { if (d.type() !== 'confirm') alerts.push(d.type() + ': ' + d.message()); d.accept(); });
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text()); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
  });

  // sign in: a wrong key is refused, the right one gives an HttpOnly SameSite=Strict cookie and nothing readable
  const resp = await page.goto(BASE + '/console/');
  const csp = resp.headers()['content-security-policy'];
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  ok('served with a strict CSP');
  await page.fill('#admin-key', 'not-the-admin-key');
  await page.click('#sign-in-form button');
  await page.waitForFunction(() => document.getElementById('sign-in-error').textContent.includes('invalid admin key'));
  ok('wrong admin key refused');
  await page.fill('#admin-key', env.ADMIN_KEY);
  await page.click('#sign-in-form button');
  await page.waitForSelector('#nav:not([hidden])');
  const cookies = await context.cookies(BASE + '/console/');
  const session = cookies.find((c) => c.name === 'sluice_console');
  assert.ok(session, 'a session cookie');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  assert.notEqual(session.value, env.ADMIN_KEY);
  const readable = await page.evaluate(() => [document.cookie, JSON.stringify(localStorage), JSON.stringify(sessionStorage)]);
  assert.deepEqual(readable, ['', '{}', '{}']);
  assert.ok(!page.url().includes(env.ADMIN_KEY));
  ok('signed in: HttpOnly SameSite=Strict cookie, key in no URL or script-readable storage');

  // a state-changing call without the CSRF token is refused, even with the cookie
  const csrfless = await page.evaluate(async () => (await fetch('/console/api/keys', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'forged' }),
  })).status);
  assert.equal(csrfless, 403);
  ok('POST without the CSRF token refused 403');

  // create a key with a plan, allowed models and an expiry, shown once
  await page.click('a[data-page=keys]');
  await page.fill('#key-name', 'browser laptop');
  await page.fill('#key-plan', 'standard');
  await page.fill('#key-models', env.MODEL + ', gpt-4o-mini');
  await page.fill('#key-expires', '2030-01-31');
  await page.click('#key-form button[type=submit]');
  await page.waitForSelector('#key-secret:not([hidden])');
  const secret = (await page.textContent('#key-secret-value')).trim();
  assert.match(secret, /^sk-sluice-/);
  await page.click('#key-secret-done');
  const created = page.locator('#keys-table tr:has(td.key-name:text-is("browser laptop"))');
  await created.waitFor();
  ok('key created and shown once');
  assert.equal(await created.locator('td.key-plan').textContent(), 'standard');
  assert.equal(await created.locator('td.key-models').textContent(), env.MODEL + ', gpt-4o-mini');
  assert.equal(await created.locator('td.key-expires').textContent(), '2030-02-01 00:00:00', 'valid through 2030-01-31 (UTC)');
  assert.equal(await created.locator('td.key-status').textContent(), 'active');
  ok('the list shows its plan, models and expiry');

  // a key named like markup is shown as text
  await page.fill('#key-name', XSS);
  await page.click('#key-form button[type=submit]');
  await page.waitForSelector('#key-secret:not([hidden])');
  await page.click('#key-secret-done');
  const names = await page.$$eval('#keys-table td.key-name', (tds) => tds.map((td) => td.textContent));
  assert.ok(names.includes(XSS), 'the name as text: ' + JSON.stringify(names));
  assert.equal(await page.locator('#keys-table img').count(), 0);
  ok('a key named ' + XSS + ' rendered as text');

  // the key works through the gateway
  const first = await chat(secret);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.ok(first.body.choices[0].message.content.length > 0);
  ok('chat completion with the new key: 200');
  const outside = await chat(secret, undefined, 'a-model-the-key-may-not-use');
  assert.equal(outside.status, 403, JSON.stringify(outside.body));
  assert.equal(outside.body.error.code, 'model_not_allowed');
  ok('a model outside the key\'s list refused 403');
  const marked = await chat(secret, [{ role: 'user', content: XSS }]);
  assert.equal(marked.status, 200);
  // more traffic for the charts: a few more completions and some the validator refuses
  for (let i = 0; i < 12; i++) assert.equal((await chat(secret)).status, 200);
  for (let i = 0; i < 3; i++) assert.equal((await chat(secret, 'not a list')).status, 400);

  // it shows in the request log, with the key's name
  await page.click('a[data-page=requests]');
  const row = page.locator(`#requests-table tr[data-request-id="${first.requestId}"]`);
  await row.waitFor();
  assert.equal(await row.locator('td.req-key').textContent(), 'browser laptop');
  assert.equal(await row.locator('td.req-model').textContent(), env.MODEL);
  assert.match(await row.locator('td.req-status').textContent(), /^200/);
  ok('request ' + first.requestId + ' in the request log');
  // its bodies, on demand (logging.bodies is on for this gateway), as text
  await row.locator('button.req-toggle').click();
  const opened = page.locator(`#requests-table tr.req-details[data-details-for="${first.requestId}"]`);
  await opened.waitFor();
  assert.equal(JSON.parse(await opened.locator('pre.req-request-body').textContent()).messages[0].content, 'hello from the browser test');
  assert.equal(JSON.parse(await opened.locator('pre.req-response-body').textContent()).choices[0].message.content,
    first.body.choices[0].message.content);
  await page.waitForTimeout(5500); // a refresh of the page keeps it open
  await opened.waitFor();
  const markedRow = page.locator(`#requests-table tr[data-request-id="${marked.requestId}"]`);
  await markedRow.locator('button.req-toggle').click();
  const markedBodies = page.locator(`#requests-table tr.req-details[data-details-for="${marked.requestId}"]`);
  await markedBodies.waitFor();
  assert.ok((await markedBodies.locator('pre.req-request-body').textContent()).includes(XSS));
  assert.equal(await page.locator('#requests-table img').count(), 0);
  ok('request and response bodies shown under Details, as text');
  await page.fill('#filter-status', '4xx');
  await page.click('#requests-form button');
  await page.waitForFunction((id) => !document.querySelector(`#requests-table tr[data-request-id="${id}"]`), first.requestId);
  await page.fill('#filter-status', '');
  ok('request log filtered by status');

  // and in the overview's charts
  await page.click('a[data-page=overview]');
  await page.waitForFunction(() => Number((document.getElementById('tile-total').textContent || '0').replace(/,/g, '')) >= 16);
  assert.notEqual(await page.textContent('#tile-errors'), '0.0 %');
  assert.equal(await page.locator('#page-overview .uplot canvas').count(), 4);
  const plotted = await page.$$eval('#chart-tokens .u-legend .u-series th', (ths) => ths.map((t) => t.textContent.trim()));
  assert.ok(plotted.some((s) => s.includes(env.MODEL)), 'tokens chart has a series for the model: ' + JSON.stringify(plotted));
  await page.waitForTimeout(300); // let the canvases paint before the picture
  await page.screenshot({ path: env.SCREENSHOT, fullPage: true });
  ok('overview charts show the request (tokens by ' + env.MODEL + ')');

  // revoke it: the next request is refused
  await page.click('a[data-page=keys]');
  const keyRow = page.locator('#keys-table tr:has(td.key-name:text-is("browser laptop"))');
  await keyRow.locator('button[data-action=revoke]').click();
  await page.waitForSelector('#keys-table tr:has(td.key-name:text-is("browser laptop")) td.key-status:text-is("revoked")');
  const after = await chat(secret);
  assert.equal(after.status, 401, JSON.stringify(after.body));
  assert.equal(after.body.error.code, 'invalid_api_key');
  ok('revoked in the console: the next request is refused 401');

  // upstreams, accounts, usage and sign-out render
  await page.click('a[data-page=upstreams]');
  await page.waitForSelector('#upstreams-table tbody tr');
  await page.click('a[data-page=accounts]');
  await page.waitForSelector('#accounts-none:not([hidden])');
  assert.match(await page.textContent('#accounts-none'), /No ChatGPT account pool/);
  assert.equal(await page.locator('#accounts-login').isHidden(), true);
  await page.click('a[data-page=usage]');
  await page.waitForSelector('#usage-table tbody tr');
  ok('upstreams, accounts and usage pages render');
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in:not([hidden])');
  const signedOut = await page.evaluate(async () => (await fetch('/console/api/keys')).status);
  assert.equal(signedOut, 401);
  ok('signed out: the API refuses the old session');

  const violations = await page.evaluate(() => window.__csp);
  assert.deepEqual(violations, [], 'CSP violations');
  assert.deepEqual(alerts, [], 'alerts');
  assert.deepEqual(problems.filter((p) => !/the server responded with a status of 40[13]/.test(p)), [], 'console errors');
  ok('no CSP violation, no alert, no script error');
} finally {
  await context.close();
}
