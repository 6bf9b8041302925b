// Sluice console. Every name, model or message from the server is put on the page as text
// (textContent / text nodes), never as HTML. The admin key is sent once, to POST /console/session, and
// never kept: the session lives in an HttpOnly cookie; the CSRF token only in this script's memory.
'use strict';
(function () {
  let csrf = null;
  let refreshTimer = null;
  const charts = {};

  const $ = (id) => document.getElementById(id);

  /** An element with text children; attrs are set as properties or attributes, never as HTML. */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
    return e;
  }

  function num(n) { return n == null ? '–' : Number(n).toLocaleString('en-US'); }
  function ms(n) { return n == null || n < 0 ? '–' : n + ' ms'; }
  function time(epochSeconds) { return epochSeconds == null ? '–' : new Date(epochSeconds * 1000).toISOString().replace('T', ' ').slice(0, 19); }
  function clockTime(epochMillis) { return new Date(epochMillis).toISOString().slice(11, 23); }

  class SignedOut extends Error {}

  async function api(method, path, body) {
    const headers = { 'Accept': 'application/json' };
    if (method !== 'GET') headers['X-CSRF-Token'] = csrf || '';
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const r = await fetch('/console/api' + path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (r.status === 401) { showSignIn(); throw new SignedOut('signed out'); }
    const json = r.status === 204 ? {} : await r.json().catch(() => ({}));
    if (!r.ok) throw new Error((json.error && json.error.message) || ('HTTP ' + r.status));
    return json;
  }

  function fill(tbody, rows) { tbody.replaceChildren(...rows); }
  function showError(id, e) { if (!(e instanceof SignedOut)) $(id).textContent = e.message; }
  function clearError(id) { $(id).textContent = ''; }

  // ---- sign-in ----

  function showSignIn() {
    csrf = null;
    stopRefresh();
    $('nav').hidden = true;
    $('sign-out').hidden = true;
    document.querySelectorAll('.page').forEach((p) => { p.hidden = true; });
    $('sign-in').hidden = false;
    $('admin-key').focus();
  }

  async function signIn(ev) {
    ev.preventDefault();
    const input = $('admin-key');
    const r = await fetch('/console/session', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      body: JSON.stringify({ admin_key: input.value }),
    });
    input.value = '';
    const json = await r.json().catch(() => ({}));
    if (!r.ok) {
      $('sign-in-error').textContent = (json.error && json.error.message) || ('HTTP ' + r.status);
      return;
    }
    csrf = json.csrf_token;
    $('sign-in-error').textContent = '';
    signedIn();
  }

  async function signOut() {
    await fetch('/console/session', { method: 'DELETE', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf || '' } });
    showSignIn();
  }

  function signedIn() {
    $('sign-in').hidden = true;
    $('nav').hidden = false;
    $('sign-out').hidden = false;
    route();
  }

  // ---- pages ----

  const pages = { overview, keys, upstreams, accounts, usage, requests };

  function route() {
    if (!csrf) return;
    const name = (location.hash || '#overview').slice(1);
    const page = pages[name] ? name : 'overview';
    document.querySelectorAll('.page').forEach((p) => { p.hidden = p.id !== 'page-' + page; });
    document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.dataset.page === page));
    stopRefresh();
    const load = () => pages[page]().catch((e) => { if (!(e instanceof SignedOut)) console.error(e); });
    load();
    if (page === 'overview' || page === 'requests' || page === 'upstreams') refreshTimer = setInterval(load, 5000);
  }

  function stopRefresh() { if (refreshTimer) { clearInterval(refreshTimer); refreshTimer = null; } }

  // overview

  function chart(id, title, series, data) {
    const target = $(id);
    if (charts[id]) charts[id].destroy();
    const width = Math.max(300, target.clientWidth || 500);
    const colors = ['#2456c7', '#b42318', '#12b76a', '#f79009', '#7a5af8', '#0ba5ec', '#ee46bc', '#667085'];
    charts[id] = new uPlot({
      width, height: 220, scales: { x: { time: true } }, legend: { show: true },
      series: [{}].concat(series.map((s, i) => ({ label: s, stroke: colors[i % colors.length], width: 1.5, spanGaps: false,
        points: { show: true, size: 5 } }))),
      axes: [{}, { size: 60 }],
    }, data, target);
  }

  async function overview() {
    const stats = await api('GET', '/stats?minutes=15');
    const pts = stats.data;
    const secs = stats.bucket_seconds;
    const xs = pts.map((p) => p.time);
    const nul = (v) => (v == null ? null : v);
    chart('chart-requests', 'requests', ['requests/s', 'errors/s'],
      [xs, pts.map((p) => p.requests / secs), pts.map((p) => p.errors / secs)]);
    chart('chart-latency', 'latency', ['p50', 'p99'], [xs, pts.map((p) => nul(p.p50_ms)), pts.map((p) => nul(p.p99_ms))]);
    chart('chart-ttfb', 'ttfb', ['p50', 'p99'], [xs, pts.map((p) => nul(p.ttfb_p50_ms)), pts.map((p) => nul(p.ttfb_p99_ms))]);
    const models = [...new Set(pts.flatMap((p) => Object.keys(p.tokens_by_model)))].sort();
    chart('chart-tokens', 'tokens', models.length ? models : ['(no tokens yet)'],
      [xs].concat(models.length ? models.map((m) => pts.map((p) => p.tokens_by_model[m] || 0)) : [pts.map(() => 0)]));

    const last = pts.slice(-6);
    const req = last.reduce((a, p) => a + p.requests, 0);
    const err = last.reduce((a, p) => a + p.errors, 0);
    $('tile-rps').textContent = (req / (last.length * secs)).toFixed(2);
    $('tile-errors').textContent = req ? (100 * err / req).toFixed(1) + ' %' : '–';
    const lastWith = [...pts].reverse().find((p) => p.requests > 0);
    $('tile-latency').textContent = lastWith ? ms(lastWith.p50_ms) + ' / ' + ms(lastWith.p99_ms) : '–';
    $('tile-ttfb').textContent = lastWith ? ms(lastWith.ttfb_p50_ms) + ' / ' + ms(lastWith.ttfb_p99_ms) : '–';
    $('tile-total').textContent = num(pts.reduce((a, p) => a + p.requests, 0));
  }

  // keys

  function showSecret(secret) {
    $('key-secret-value').textContent = secret;
    $('key-secret').hidden = false;
  }

  async function keys() {
    const list = await api('GET', '/keys');
    fill($('keys-table').tBodies[0], list.data.map((k) => {
      const actions = el('td', {});
      if (k.status === 'active') {
        actions.append(
          el('button', { type: 'button', class: 'secondary', 'data-action': 'rotate', onclick: () => act(k, 'rotate') }, 'Rotate'), ' ',
          el('button', { type: 'button', class: 'danger', 'data-action': 'revoke', onclick: () => act(k, 'revoke') }, 'Revoke'));
      }
      return el('tr', { 'data-key-id': k.id },
        el('td', { class: 'key-name' }, k.name), el('td', {}, el('code', {}, k.prefix)),
        el('td', { class: k.plan_configured === false ? 'key-plan status-bad' : 'key-plan' },
          !k.plan ? 'unlimited' : k.plan_configured === false ? k.plan + ' (not configured: requests refused)' : k.plan),
        el('td', { class: 'key-models' }, k.models.length ? k.models.join(', ') : 'all'),
        el('td', { class: k.status === 'active' ? 'key-status' : 'key-status status-bad' }, k.status),
        el('td', {}, time(k.created_at)), el('td', { class: 'key-expires' }, time(k.expires_at)), el('td', {}, time(k.last_used_at)), actions);
    }));
  }

  async function act(k, action) {
    clearError('keys-error');
    if (action === 'revoke' && !confirm('Revoke the key "' + k.name + '"? Clients using it are refused from now on.')) return;
    try {
      const r = await api('POST', '/keys/' + encodeURIComponent(k.id) + '/' + action);
      if (action === 'rotate') showSecret(r.key);
      await keys();
    } catch (e) { showError('keys-error', e); }
  }

  async function createKey(ev) {
    ev.preventDefault();
    clearError('keys-error');
    const body = { name: $('key-name').value };
    const plan = $('key-plan').value.trim();
    if (plan) body.plan = plan;
    const models = $('key-models').value.split(',').map((s) => s.trim()).filter(Boolean);
    if (models.length) body.models = models;
    if ($('key-expires').value) body.expires_at = $('key-expires').value;
    try {
      const r = await api('POST', '/keys', body);
      showSecret(r.key);
      $('key-form').reset();
      await keys();
    } catch (e) { showError('keys-error', e); }
  }

  // upstreams & routes

  async function upstreams() {
    const s = await api('GET', '/upstreams');
    fill($('upstreams-table').tBodies[0], s.data.map((u) => el('tr', {},
      el('td', {}, u.name), el('td', {}, u.type), el('td', {}, u.base_url),
      el('td', { class: u.state === 'healthy' ? '' : 'status-bad' }, u.state), el('td', { class: 'num' }, u.consecutive_failures),
      el('td', {}, u.cooldown_remaining_ms > 0 ? Math.ceil(u.cooldown_remaining_ms / 1000) + ' s' : '–'),
      el('td', {}, u.last_error ? u.last_error + (u.last_error_ago_ms != null ? ' (' + Math.round(u.last_error_ago_ms / 1000) + ' s ago)' : '') : '–'))));
    fill($('routes-table').tBodies[0], s.routes.map((r) => el('tr', {}, el('td', {}, el('code', {}, r.name)),
      el('td', {}, r.targets.join(' → ')))));
  }

  // ChatGPT accounts

  function windowText(w) {
    if (!w) return '–';
    return w.used_percent.toFixed(0) + ' % used' + (w.resets_at ? ', resets ' + time(w.resets_at) : '');
  }

  async function accounts() {
    clearError('accounts-error');
    const list = await api('GET', '/accounts');
    $('accounts-none').hidden = list.pool;
    $('accounts-login').hidden = !list.pool;
    fill($('accounts-table').tBodies[0], list.data.map((a) => el('tr', {},
      el('td', {}, el('code', {}, a.id)), el('td', {}, a.email || '–'), el('td', {}, a.plan || '–'),
      el('td', { class: a.state === 'active' ? '' : 'status-bad' }, a.state + (a.state_reason ? ' (' + a.state_reason + ')' : '')),
      el('td', {}, windowText(a.primary)), el('td', {}, windowText(a.secondary)),
      el('td', {}, a.cooldown_until ? time(a.cooldown_until) : a.backoff_until ? time(a.backoff_until) : '–'),
      el('td', {}, el('button', { type: 'button', class: 'danger', onclick: () => removeAccount(a) }, 'Remove')))));
  }

  async function removeAccount(a) {
    if (!confirm('Remove the account ' + (a.email || a.id) + ' from the pool? Its stored tokens are deleted.')) return;
    try { await api('DELETE', '/accounts/' + encodeURIComponent(a.id)); await accounts(); } catch (e) { showError('accounts-error', e); }
  }

  let login = null;

  async function startLogin(method) {
    clearError('accounts-error');
    try {
      login = await api('POST', '/accounts/logins', { method });
      $('login-box').hidden = false;
      $('login-status').textContent = 'Waiting for the sign-in …';
      const link = $('login-link');
      if (method === 'device') {
        $('login-instructions').textContent = 'On any device, open this address and enter the one-time code (never share it):';
        link.href = login.verification_url;
        link.textContent = login.verification_url;
        $('login-code').textContent = login.user_code;
        $('callback-form').hidden = true;
        pollLogin(login.id);
      } else {
        $('login-instructions').textContent = 'Open this address, sign in with ChatGPT, then copy the address the browser ends on (it may show an error page) and paste it below:';
        link.href = login.authorize_url;
        link.textContent = 'Sign in with ChatGPT';
        $('login-code').textContent = '';
        $('callback-form').hidden = false;
      }
    } catch (e) { showError('accounts-error', e); }
  }

  async function pollLogin(id) {
    while (login && login.id === id) {
      const s = await api('GET', '/accounts/logins/' + encodeURIComponent(id)).catch((e) => ({ status: 'failed', error: e.message }));
      if (s.status !== 'pending') { loginDone(s); return; }
      await new Promise((r) => setTimeout(r, 3000));
    }
  }

  function loginDone(s) {
    login = null;
    $('callback-form').hidden = true;
    $('login-status').textContent = s.status === 'signed_in' ? 'Signed in account ' + s.account_id + '.' : 'Sign-in failed: ' + (s.error || s.status);
    accounts().catch(() => {});
  }

  async function finishCallback(ev) {
    ev.preventDefault();
    if (!login) return;
    try {
      const s = await api('POST', '/accounts/logins/' + encodeURIComponent(login.id) + '/callback', { url: $('callback-url').value });
      $('callback-url').value = '';
      loginDone(s);
    } catch (e) { showError('accounts-error', e); }
  }

  // usage

  function usageQuery() {
    const q = new URLSearchParams({ by: $('usage-by').value });
    if ($('usage-since').value.trim()) q.set('since', $('usage-since').value.trim());
    return q;
  }

  async function usage() {
    clearError('usage-error');
    const q = usageQuery();
    const csv = new URLSearchParams(q);
    csv.set('format', 'csv');
    $('usage-csv').href = '/console/api/usage?' + csv.toString();
    let names = {};
    if (q.get('by') === 'key') {
      const ks = await api('GET', '/keys');
      names = Object.fromEntries(ks.data.map((k) => [k.id, k.name]));
    }
    try {
      const r = await api('GET', '/usage?' + q.toString());
      $('usage-group').textContent = r.by;
      const row = (g) => [el('td', { class: 'num' }, num(g.requests)), el('td', { class: 'num' }, num(g.prompt_tokens)),
        el('td', { class: 'num' }, num(g.completion_tokens)), el('td', { class: 'num' }, num(g.cached_tokens)),
        el('td', { class: 'num' }, num(g.reasoning_tokens)), el('td', { class: 'num' }, num(g.errors))];
      fill($('usage-table').tBodies[0], r.data.map((g) => el('tr', {},
        el('td', {}, names[g.group] ? names[g.group] + ' (' + g.group + ')' : g.group), ...row(g))));
      $('usage-table').tFoot.replaceChildren(el('tr', {}, el('td', {}, 'total'), ...row(r.total)));
    } catch (e) { showError('usage-error', e); }
  }

  // request log

  /** Request ids whose details are open; they stay open across the page's refreshes. */
  const openDetails = new Set();
  let lastRequests = null;

  function details(x, keepsBodies) {
    const body = (label, text, truncated, cls) => [el('dt', {}, label + (truncated ? ' (first 16 KiB)' : '')),
      el('dd', {}, text == null ? '–' : el('pre', { class: cls }, text))];
    const dl = el('dl', { class: 'req-details-list' },
      el('dt', {}, 'Endpoint'), el('dd', {}, x.endpoint + ' (' + (x.path || '–') + ')'),
      el('dt', {}, 'Route'), el('dd', {}, x.route || '–'),
      el('dt', {}, 'Attempts'), el('dd', {}, num(x.attempts)),
      el('dt', {}, 'Error code'), el('dd', {}, x.error_code || '–'),
      el('dt', {}, 'Tokens cached / reasoning'), el('dd', {}, num(x.cached_tokens) + ' / ' + num(x.reasoning_tokens)));
    if (keepsBodies) {
      dl.append(...body('Request body', x.request_body, x.request_body_truncated, 'req-request-body'),
        ...body('Response body', x.response_body, x.response_body_truncated, 'req-response-body'));
    } else {
      dl.append(el('dt', {}, 'Bodies'), el('dd', {}, 'not kept (logging.bodies is off)'));
    }
    return el('tr', { class: 'req-details', 'data-details-for': x.request_id }, el('td', { colspan: '11' }, dl));
  }

  function toggleDetails(id) {
    if (openDetails.has(id)) openDetails.delete(id); else openDetails.add(id);
    if (lastRequests) renderRequests(lastRequests);
  }

  function renderRequests(r) {
    const rows = [];
    for (const x of r.data) {
      const open = openDetails.has(x.request_id);
      rows.push(el('tr', { 'data-request-id': x.request_id },
        el('td', {}, clockTime(x.time)), el('td', { class: 'req-key' }, x.key_name || x.key_id || '–'),
        el('td', { class: 'req-model' }, x.model || '–'),
        el('td', {}, x.upstream ? x.upstream + (x.upstream_model && x.upstream_model !== x.model ? ' as ' + x.upstream_model : '') : '–'),
        el('td', {}, x.account || '–'),
        el('td', { class: x.status >= 400 ? 'req-status status-bad' : 'req-status' }, x.status + (x.error_code ? ' ' + x.error_code : '')),
        el('td', { class: 'num' }, ms(x.latency_ms)), el('td', { class: 'num' }, ms(x.ttfb_ms)),
        el('td', { class: 'num' }, num(x.prompt_tokens) + ' / ' + num(x.completion_tokens)),
        el('td', {}, el('code', {}, x.request_id)),
        el('td', {}, el('button', { type: 'button', class: 'secondary req-toggle', 'aria-expanded': String(open),
          onclick: () => toggleDetails(x.request_id) }, open ? 'Hide' : 'Details'))));
      if (open) rows.push(details(x, r.bodies));
    }
    fill($('requests-table').tBodies[0], rows);
  }

  async function requests() {
    const q = new URLSearchParams({ limit: '200' });
    for (const f of ['key', 'model', 'status', 'upstream']) {
      const v = $('filter-' + f).value.trim();
      if (v) q.set(f, v);
    }
    try {
      const r = await api('GET', '/requests?' + q.toString());
      clearError('requests-error');
      $('requests-capacity').textContent = 'the last ' + num(r.capacity) + ' requests, newest first'
        + (r.bodies ? ' (with bodies, up to 16 KiB each: logging.bodies is on)' : ' (no bodies)');
      lastRequests = r;
      renderRequests(r);
    } catch (e) { showError('requests-error', e); }
  }

  // ---- start ----

  document.addEventListener('DOMContentLoaded', async () => {
    $('sign-in-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', signOut);
    $('key-form').addEventListener('submit', createKey);
    $('key-secret-done').addEventListener('click', () => { $('key-secret').hidden = true; $('key-secret-value').textContent = ''; });
    $('usage-form').addEventListener('submit', (ev) => { ev.preventDefault(); usage(); });
    $('requests-form').addEventListener('submit', (ev) => { ev.preventDefault(); requests(); });
    $('device-login').addEventListener('click', () => startLogin('device'));
    $('browser-login').addEventListener('click', () => startLogin('browser'));
    $('callback-form').addEventListener('submit', finishCallback);
    window.addEventListener('hashchange', route);
    const r = await fetch('/console/session', { credentials: 'same-origin', headers: { 'Accept': 'application/json' } });
    if (r.ok) { csrf = (await r.json()).csrf_token; signedIn(); } else { showSignIn(); }
  });
}());
