// The GraphQL client shared by the explorer and GraphiQL: POST /graphql,
// and, when the service answers 401, a bearer token asked for once and kept
// in sessionStorage (this tab only, never localStorage).

const TOKEN_KEY = 'armsgraph.token';

export function token() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch { return ''; }
}

function headers() {
  const h = { 'Content-Type': 'application/json', Accept: 'application/json' };
  const t = token();
  if (t) h.Authorization = `Bearer ${t}`;
  return h;
}

// tokenDialog returns the page's token dialog, made on first use.
function tokenDialog() {
  let dialog = document.getElementById('token-dialog');
  if (dialog) return dialog;
  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    e.append(...children);
    return e;
  };
  dialog = el('dialog', { id: 'token-dialog', 'aria-labelledby': 'token-title' },
    el('form', { method: 'dialog', id: 'token-form' },
      el('h2', { id: 'token-title' }, 'This service needs a token'),
      el('p', {}, 'The GraphQL endpoint answered 401. Paste a bearer token; it is kept in this tab only (sessionStorage).'),
      el('label', { for: 'token' }, 'Token'),
      el('input', { id: 'token', type: 'password', autocomplete: 'off', required: '' }),
      el('menu', {}, el('button', { type: 'button', id: 'token-cancel' }, 'Cancel'), ' ', el('button', { value: 'ok' }, 'Use token'))));
  document.body.append(dialog);
  return dialog;
}

// askToken shows the token dialog and resolves to the token typed, or ''
// when the user cancels.
function askToken() {
  const dialog = tokenDialog();
  const input = document.getElementById('token');
  const form = document.getElementById('token-form');
  const cancel = document.getElementById('token-cancel');
  if (!dialog.showModal) return Promise.resolve('');
  input.value = '';
  return new Promise((resolve) => {
    const done = (value) => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      dialog.close();
      resolve(value);
    };
    const onSubmit = (e) => { e.preventDefault(); done(input.value.trim()); };
    const onCancel = () => done('');
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.showModal();
    input.focus();
  });
}

// post sends one GraphQL request body and returns the decoded response;
// on 401 it asks for a token and tries again.
export async function post(body, signal) {
  // The explorer's figures (window.armsgraph.timing): time spent waiting on
  // the API and how many requests a view made.
  const timing = globalThis.armsgraph && globalThis.armsgraph.timing;
  const t0 = performance.now();
  try {
    return await send(body, signal);
  } finally {
    if (timing) { timing.apiMs += performance.now() - t0; timing.requests++; }
  }
}

async function send(body, signal) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch('/graphql', { method: 'POST', headers: headers(), body: JSON.stringify(body), signal, credentials: 'same-origin' });
    if (res.status === 401 && attempt < 3) {
      try { sessionStorage.removeItem(TOKEN_KEY); } catch { /* storage off */ }
      const t = await askToken();
      if (!t) throw new Error('The service needs a bearer token (401); none was given.');
      try { sessionStorage.setItem(TOKEN_KEY, t); } catch { /* storage off */ }
      continue;
    }
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { throw new Error(`/graphql answered ${res.status}: ${text.slice(0, 200)}`); }
    return json;
  }
}

// gql runs a query and returns its data, throwing the first error.
export async function gql(query, variables = {}, signal) {
  const json = await post({ query, variables }, signal);
  if (json.errors && json.errors.length) {
    const e = json.errors[0];
    const code = e.extensions && e.extensions.code ? ` (${e.extensions.code})` : '';
    const err = new Error(e.message + code);
    err.extensions = e.extensions || {};
    err.graphqlMessage = e.message;
    throw err;
  }
  return json.data;
}
