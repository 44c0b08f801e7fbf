// The search box: suggestions by name and alias, keyboard driven.
import { gql } from '../api.js';
import { Q_SUGGEST } from './queries.js';
import { $, h, kindLabel } from './dom.js';
import { encId, navigate, showError } from './router.js';

export function setupSearch() {
  const input = $('q');
  const box = $('suggestions');
  let timer = 0;
  let items = [];
  let active = -1;
  let seq = 0;
  const close = () => { box.hidden = true; input.setAttribute('aria-expanded', 'false'); active = -1; };
  const go = (it) => { close(); input.value = ''; navigate(`/entity/${encId(it.id)}`); };
  const paint = () => {
    box.replaceChildren(...items.map((it, i) => h('li', {
      role: 'option', id: `sug-${i}`, 'aria-selected': i === active ? 'true' : 'false', 'data-id': it.id, class: i === active ? 'active' : '',
      onmousedown: (ev) => { ev.preventDefault(); go(it); },
    }, h('span', { class: 'name' }, it.name), ' ', h('span', { class: `kind kind-${it.kind.toLowerCase()}` }, kindLabel(it.kind)),
    it.aliases && it.aliases.length ? h('span', { class: 'aliases' }, ' ', it.aliases.slice(0, 3).join(', ')) : '')));
    if (active >= 0) input.setAttribute('aria-activedescendant', `sug-${active}`);
    else input.removeAttribute('aria-activedescendant');
    box.hidden = items.length === 0;
    input.setAttribute('aria-expanded', items.length ? 'true' : 'false');
  };
  const suggest = async () => {
    const q = input.value.trim();
    const mine = ++seq;
    if (q.length < 2) { items = []; paint(); return; }
    try {
      const data = await gql(Q_SUGGEST, { q });
      if (mine !== seq) return;
      const seen = new Set();
      items = [...data.resolve, ...data.search].filter((x) => !seen.has(x.id) && seen.add(x.id)).slice(0, 10);
      active = items.length ? 0 : -1;
      paint();
    } catch (err) {
      if (mine === seq) { items = []; paint(); showError(err.message); }
    }
  };
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(suggest, 120); });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' && items.length) { ev.preventDefault(); active = (active + 1) % items.length; paint(); }
    else if (ev.key === 'ArrowUp' && items.length) { ev.preventDefault(); active = (active - 1 + items.length) % items.length; paint(); }
    else if (ev.key === 'Enter' && items[active]) { ev.preventDefault(); go(items[active]); }
    else if (ev.key === 'Escape') close();
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
  document.addEventListener('keydown', (ev) => {
    if (ev.key === '/' && !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) { ev.preventDefault(); input.focus(); }
  });
}
