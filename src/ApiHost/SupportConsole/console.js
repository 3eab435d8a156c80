// The support console: every read and every action goes through Tollgate's own HTTP API with the admin's session
// cookie (same origin), so each is authorized and audited exactly as the API does it.
const $ = (selector, root = document) => root.querySelector(selector);
const escape = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
let current = { userId: null, agentId: null };

async function api(method, path, body) {
  const response = await fetch(path, {
    method, credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    if (response.status === 401) location.href = '/console/login';
    throw new Error(`${data?.code ?? response.status}: ${data?.message ?? response.statusText}`);
  }
  return data;
}

const say = (text, isError = false) => { const m = $('#message'); m.textContent = text; m.className = isError ? 'error' : 'muted'; };

async function find(event) {
  event?.preventDefault();
  const query = $('#query').value.trim();
  current.agentId = $('#agent').value.trim() || null;
  try {
    const page = await api('GET', `/api/auth/admin/list-users?searchValue=${encodeURIComponent(query)}&limit=20`);
    const users = page.users ?? [];
    const results = $('#results');
    results.hidden = false;
    results.innerHTML = users.length === 0
      ? '<p class="muted">No user matches; trying it as a user id.</p>'
      : `<h2>Users</h2><table><tr><th>Email</th><th>Name</th><th>Role</th><th></th></tr>${users.map((u) =>
          `<tr><td>${escape(u.email)}</td><td>${escape(u.name)}</td><td>${escape(u.role)}</td><td><button data-user="${escape(u.id)}" class="open-user">Explain</button></td></tr>`).join('')}</table>`;
    results.querySelectorAll('.open-user').forEach((b) => b.addEventListener('click', () => explain(b.dataset.user)));
    if (users.length === 0) await explain(query);
  } catch (error) { say(error.message, true); }
}

async function explain(userId) {
  current.userId = userId;
  try {
    const agent = current.agentId ? `&agentId=${encodeURIComponent(current.agentId)}` : '';
    render(await api('GET', `/api/admin/explain?userId=${encodeURIComponent(userId)}${agent}`));
    say(`Explained ${userId} at ${new Date().toLocaleTimeString()}.`);
  } catch (error) { say(error.message, true); }
}

function render(x) {
  const verdicts = x.verdicts.map((v) => `<tr data-request="${escape(v.request)}"><td>${escape(v.request)}</td>
    <td class="${v.status === 200 ? 'status-200' : 'status-4xx'}" data-status="${v.status}">${v.status}${v.code ? ' ' + escape(v.code) : ''}</td><td>${escape(v.reason)}</td></tr>`).join('');
  const events = x.stripeEvents.map((e) => `<tr data-event="${escape(e.id)}"><td><code>${escape(e.id)}</code></td><td>${escape(e.type)}</td><td>${escape(e.created)}</td>
    <td>${e.processedAt ? 'applied ' + escape(e.processedAt) : '<strong>not applied</strong>'}</td><td>${e.attempts}</td><td>${escape(e.lastError)}</td>
    <td>${e.processedAt ? '' : `<button class="replay" data-event="${escape(e.id)}">Replay</button>`}</td></tr>`).join('');
  const s = x.subscription;
  $('#explained').innerHTML = `
    <section id="verdicts"><h2>What each request gets now</h2><table><tr><th>Request</th><th>Answer</th><th>Why</th></tr>${verdicts}</table></section>
    <section id="user"><h2>${escape(x.user.email)} <span class="muted">${escape(x.user.id)}</span></h2>
      <p>Roles: <strong>${escape(x.user.roles.join(', '))}</strong>${x.user.banned ? ` · <strong class="error">banned</strong> (${escape(x.user.banReason)})` : ''}
      · ${x.sessions.count} live session(s)${x.sessions.lastUsedAt ? ', last used ' + escape(x.sessions.lastUsedAt) : ''}</p>
      <form id="role-form"><label>Role <select id="role"><option>org_member</option><option>platform_admin</option></select></label><button>Set role</button></form>
      <form id="ban-form"><label>Ban reason <input id="ban-reason"></label><button>${x.user.banned ? 'Unban' : 'Ban'}</button></form>
      <button id="revoke-sessions" type="button">Revoke all sessions</button></section>
    <section id="memberships"><h2>Organizations</h2>${x.memberships.length === 0 ? '<p class="muted">None.</p>' :
      `<table>${x.memberships.map((m) => `<tr><td>${escape(m.name)}</td><td><code>${escape(m.organizationId)}</code></td><td>${escape(m.roles.join(', '))}</td></tr>`).join('')}</table>`}</section>
    <section id="keys"><h2>API keys</h2>${x.apiKeys.length === 0 ? '<p class="muted">None.</p>' :
      `<table><tr><th>Key</th><th>Organization</th><th>Creator's role there now</th><th>Permissions</th><th>Expires</th><th>Rate limit</th><th></th></tr>${x.apiKeys.map((k) =>
        `<tr><td>${escape(k.start)}… ${escape(k.name)}</td><td>${escape(k.organizationId)}</td><td>${escape(k.creatorRoleInOrganization)}</td><td><code>${escape(JSON.stringify(k.permissions))}</code></td>
        <td>${escape(k.expiresAt)}</td><td>${k.rateLimitMax ? `${k.rateLimitMax} / ${k.rateLimitWindowMs} ms` : ''}</td>
        <td><button class="delete-key" data-key="${escape(k.id)}">Delete</button></td></tr>`).join('')}</table>`}</section>
    ${s ? `<section id="subscription"><h2>Subscription to ${escape(s.agentId)}</h2>
      <p>Status <strong>${escape(s.status)}</strong> · period ${escape(s.currentPeriodStart)} → ${escape(s.currentPeriodEnd)} · used ${s.used} of ${s.limit}</p>
      <form id="adjust-form"><label>Adjust used by <input id="delta" type="number" value="0"></label><label>Reason <input id="adjust-reason"></label><button>Adjust quota</button></form>
      <h3>Stripe events</h3>${events ? `<table><tr><th>Id</th><th>Type</th><th>Created</th><th>State</th><th>Attempts</th><th>Last error</th><th></th></tr>${events}</table>` : '<p class="muted">None.</p>'}</section>` : ''}
    <section id="interactions"><h2>Recent interactions</h2><table>${x.interactions.map((i) =>
      `<tr><td>${escape(i.createdAt)}</td><td>${escape(i.kind)}</td><td><code>${escape(JSON.stringify(i.data))}</code></td></tr>`).join('')}</table></section>`;
  $('#role').value = x.user.roles.includes('platform_admin') ? 'platform_admin' : 'org_member';
  $('#role-form').addEventListener('submit', (e) => act(e, 'POST', '/api/auth/admin/set-role', { userId: x.user.id, role: $('#role').value }));
  $('#ban-form').addEventListener('submit', (e) => x.user.banned
    ? act(e, 'POST', '/api/auth/admin/unban-user', { userId: x.user.id })
    : act(e, 'POST', '/api/auth/admin/ban-user', { userId: x.user.id, banReason: $('#ban-reason').value || 'banned from the support console' }));
  $('#revoke-sessions').addEventListener('click', (e) => act(e, 'POST', '/api/auth/admin/revoke-user-sessions', { userId: x.user.id }));
  $('#adjust-form')?.addEventListener('submit', (e) => act(e, 'POST', '/api/admin/quota/adjust',
    { userId: x.user.id, agentId: s.agentId, delta: Number($('#delta').value), reason: $('#adjust-reason').value || 'support console' }));
  document.querySelectorAll('.delete-key').forEach((b) => b.addEventListener('click', (e) =>
    act(e, 'POST', '/api/auth/admin/delete-api-key', { keyId: b.dataset.key })));
  document.querySelectorAll('.replay').forEach((b) => b.addEventListener('click', (e) =>
    act(e, 'POST', `/api/admin/stripe-events/${encodeURIComponent(b.dataset.event)}/replay`)));
}

async function act(event, method, path, body) {
  event.preventDefault();
  try {
    await api(method, path, body);
    await explain(current.userId);
    say(`Done: ${path}.`);
  } catch (error) { say(error.message, true); }
}

$('#find').addEventListener('submit', find);
$('#sign-out').addEventListener('click', async () => { await api('POST', '/api/auth/sign-out').catch(() => {}); location.href = '/console/login'; });
