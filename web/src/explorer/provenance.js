// Selection and provenance: what a selected node or edge is, and its sources.
import { gql } from '../api.js';
import { Q_EDGE_CITATIONS, Q_CITATIONS } from './queries.js';
import { $, h, s, link, kindLabel } from './dom.js';
import { state } from './state.js';
import { encId, showError } from './router.js';
import { expand } from './views/entity.js';
import { isGroup, openGroup } from './groups.js';
import { drawGraph } from './draw.js';

export function select(id) {
  const n = state.nodes.get(id);
  const e = state.edges.get(id);
  if (!n && !e) return;
  if (isGroup(n)) {
    if (state.cy) { state.cy.elements().unselect(); state.cy.getElementById(id).select(); }
    openGroup(n, () => drawGraph('force')).catch((err) => showError(err.message));
    return;
  }
  if (e && !e.citations) {
    const gen = state.generation;
    gql(Q_EDGE_CITATIONS, { from: e.source, to: e.target, type: e.type }).then((data) => {
      if (gen !== state.generation) return;
      const rel = data.paths.flatMap((p) => p.relationships)
        .find((x) => x.type === e.type && x.key === e.key && x.from.id === e.source && x.to.id === e.target);
      e.citations = rel ? rel.citations : [];
      if ($('provenance').dataset.selected === id) select(id);
    }).catch((err) => showError(err.message));
  }
  if (n && !n.citations) {
    const gen = state.generation;
    gql(Q_CITATIONS, { id }).then((data) => {
      if (gen !== state.generation) return;
      n.citations = data.entity ? data.entity.citations : [];
      if (data.entity && data.entity.kind === 'TRANSFER') n.raw = data.entity;
      if ($('provenance').dataset.selected === id) select(id);
    }).catch((err) => showError(err.message));
  }
  if (state.cy) {
    state.cy.elements().unselect();
    state.cy.getElementById((state.drawnEdge && state.drawnEdge.get(id)) || id).select();
  }
  for (const tr of document.querySelectorAll('tr.selected, g.selected')) tr.classList.remove('selected');
  for (const el of document.querySelectorAll(`[data-id="${CSS.escape(id)}"]`)) el.classList.add('selected');
  const box = $('provenance');
  if (n) {
    box.replaceChildren(
      h('h2', {}, n.name),
      h('p', { class: 'meta' }, kindLabel(n.kind), n.country ? ` · ${n.country}` : '', n.date ? ` · ${n.date}` : '',
        n.confidence ? ' · confidence ' : '', n.confidence ? badge(n.confidence) : ''),
      n.aliases && n.aliases.length ? h('p', { class: 'meta' }, 'Also: ', n.aliases.join(', ')) : '',
      h('p', { class: 'actions' },
        state.view === 'entity' && id !== state.centre && !state.expanded.has(id)
          ? [h('button', { type: 'button', onclick: () => expand(id).catch((err) => showError(err.message)) }, 'Expand its neighbours'), ' ']
          : '',
        link(`/entity/${encId(n.id)}`, 'Open'), ' ',
        n.kind === 'WEAPON' ? link(`/lineage/${encId(n.id)}`, 'Lineage') : '', ' ',
        n.kind === 'COUNTRY' ? link(`/timeline/${encId(n.id)}`, 'Timeline') : ''),
      n.raw && n.citations ? registerRow({ ...n.raw, citations: n.citations }) : '',
      n.citations ? citationsList(n.citations) : h('p', { class: 'hint' }, 'Loading sources…'),
    );
  } else {
    const from = (state.nodes.get(e.source) || { name: e.source }).name;
    const to = (state.nodes.get(e.target) || { name: e.target }).name;
    box.replaceChildren(
      h('h2', {}, state.view === 'lineage' ? `${to} ← ${e.kind} ← ${from}` : `${from} → ${e.label} → ${to}`),
      h('p', { class: 'meta' }, e.type, e.confidence ? ' · confidence ' : '', e.confidence ? badge(e.confidence) : ''),
      e.note ? h('p', { class: 'note' }, e.note) : '',
      e.properties.length ? h('dl', { class: 'props' }, e.properties.flatMap((pr) => [h('dt', {}, pr.key), h('dd', {}, pr.value)])) : '',
      e.citations ? citationsList(e.citations) : h('p', { class: 'hint' }, 'Loading sources…'),
    );
  }
  box.dataset.selected = id;
}

function badge(conf) {
  return h('span', { class: `badge conf-${conf.toLowerCase()}` }, kindLabel(conf));
}

export function citationsList(cits) {
  if (!cits || !cits.length) return h('p', { class: 'hint' }, 'No citation recorded.');
  return h('div', { class: 'citations' }, h('h3', {}, `Sources (${cits.length})`),
    cits.map((c) => h('article', { class: 'citation' },
      h('h4', {}, c.source.title),
      h('dl', {},
        field('Author', c.source.author), field('Publisher', c.source.publisher),
        field('Published', c.source.published ? c.source.published + (c.source.publishedInferred ? ' (inferred)' : '') : ''),
        field('File', c.source.document), field('Locator', c.locator), field('Note', c.note)))));
}

// REGISTER names the citations of a deal imported from a SIPRI trade
// register (armsgraph import sipri): "SIPRI Arms Transfers Database, <release>".
const REGISTER = /^SIPRI Arms Transfers Database, (.+)$/;

// registerRow shows, for a transfer imported from a register, the row it
// came from: the register, its release, the line, and the row's values as
// the register gives them, with SIPRI's own marks: a bracketed figure is an
// estimate, ". ." is unknown. TIV stays TIV (a volume measure, not US$).
export function registerRow(t) {
  const cits = (t.citations || []).filter((c) => REGISTER.test(c.source.title));
  if (!cits.length) return '';
  const est = new Set(t.estimated || []);
  const raw = (v, f) => (v === null || v === undefined || v === '' ? '. .' : est.has(f) ? `(${v})` : String(v));
  const delivery = t.from || t.to
    ? [raw(t.from, 'from'), raw(t.to || t.delivered, 'to')].join('–')
    : raw(t.delivered, 'delivered');
  const rows = [
    ['Supplier', t.supplier ? t.supplier.name : '. .'],
    ['Recipient', t.recipient ? t.recipient.name : '. .'],
    t.item ? ['Weapon designation', t.item] : ['Weapon (as matched)', t.weapon ? t.weapon.name : '. .'],
    ['Year of order', raw(t.ordered, 'ordered')],
    ['Number ordered', raw(t.quantityOrdered, 'quantity_ordered')],
    ['Number delivered', raw(t.quantityDelivered, 'quantity_delivered')],
    ['Year(s) of delivery', delivery],
    ['Status (as imported)', t.status ? kindLabel(t.status).replace(/-/g, ' ') : '. .'],
    ['SIPRI TIV per unit', raw(t.tivUnit, 'tiv_unit')],
    ['SIPRI TIV for total order', raw(t.tivOrder, 'tiv_order')],
    ['SIPRI TIV of delivered weapons', raw(t.tivDelivered, 'tiv_delivered')],
  ];
  return h('section', { class: 'register-row' }, cits.flatMap((c) => [
    h('h3', {}, 'Register row'),
    h('dl', { class: 'register-source' },
      field('Register', 'SIPRI Arms Transfers Database'), field('Release', REGISTER.exec(c.source.title)[1]),
      field('File', c.source.document), field('Row', c.locator), field('Note', c.note)),
    h('table', { class: 'data register' },
      h('caption', {}, 'The row as the register gives it: (…) an estimate, . . unknown; TIV in millions of SIPRI trend-indicator values, not US$.'),
      h('tbody', {}, rows.map(([k, v]) => h('tr', { 'data-field': k }, h('th', { scope: 'row' }, k), h('td', {}, v))))),
    est.size ? h('p', { class: 'meta estimated-fields' }, `Estimated (bracketed) in the register: ${[...est].join(', ')}.`) : '',
  ]));
}

function field(label, value) {
  if (!value) return [];
  return [h('dt', {}, label), h('dd', {}, value)];
}

// tenureChart draws a person's tenures as bars on a time axis (an open
// tenure fades out); positions without dates are in the list only.
function tenureChart(positions) {
  const dated = positions.filter((p) => p.from || p.to);
  if (!dated.length) return '';
  const year = (d) => parseInt(d.slice(0, 4), 10) + (d.length >= 7 ? (parseInt(d.slice(5, 7), 10) - 1) / 12 : 0);
  const now = new Date().getFullYear();
  const lo = Math.floor(Math.min(...dated.map((p) => year(p.from || p.to))));
  const hi = Math.ceil(Math.max(...dated.map((p) => (p.to ? year(p.to) : Math.max(year(p.from), now))))) + 1;
  const W = 340;
  const rowH = 18;
  const x = (v) => 8 + ((v - lo) / Math.max(1, hi - lo)) * (W - 16);
  const svg = s('svg', { class: 'tenures', width: W, height: dated.length * rowH + 18, viewBox: `0 0 ${W} ${dated.length * rowH + 18}`, role: 'img', 'aria-label': 'Tenures on a time axis; the list below gives the same' },
    s('defs', {}, s('linearGradient', { id: 'tenure-fade', x1: 0, y1: 0, x2: 1, y2: 0 },
      s('stop', { offset: '0', 'stop-color': '#2563eb', 'stop-opacity': 0.7 }), s('stop', { offset: '1', 'stop-color': '#2563eb', 'stop-opacity': 0 }))),
    s('text', { x: 8, y: 12, 'font-size': 10, fill: '#57606a' }, lo), s('text', { x: W - 8, y: 12, 'font-size': 10, fill: '#57606a', 'text-anchor': 'end' }, hi));
  dated.forEach((p, i) => {
    const a = x(year(p.from || p.to));
    const open = !p.to;
    const b = open ? Math.min(W - 8, a + 50) : Math.max(a + 3, x(year(p.to) + (p.to.length === 4 ? 1 : 1 / 12)));
    svg.append(s('rect', { class: open ? 'tenure open' : 'tenure', x: a, y: 18 + i * rowH, width: b - a, height: rowH - 6, rx: 3, fill: open ? 'url(#tenure-fade)' : '#2563eb', 'fill-opacity': open ? 1 : 0.7 },
      s('title', {}, `${p.title}: ${p.from || '?'} – ${p.to || 'open'}`)));
  });
  return svg;
}

export function renderFacts(e) {
  const rows = [];
  const add = (k, v) => { if (v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && !v.length)) rows.push(h('dt', {}, k), h('dd', {}, v)); };
  const names = (xs) => (xs || []).map((x) => x.name).join(', ');
  add('Kind', kindLabel(e.kind));
  add('Also known as', (e.aliases || []).join(', '));
  if (e.confidence) add('Confidence', badge(e.confidence));
  add('Category', e.category);
  add('Origin', e.origin && e.origin.name);
  add('Manufacturer', e.manufacturer && e.manufacturer.name);
  add('Range', e.rangeKm ? `${e.rangeKm} km` : '');
  add('Introduced', e.introduced);
  add('Country', e.country && e.country.name);
  add('Date', e.date);
  add('Type', e.eventType);
  add('Status', e.status);
  add('Location', e.location);
  add('Parties', names(e.parties));
  add('Signatories', names(e.signatories));
  add('Areas', (e.areas || []).join(', '));
  if (e.kind === 'TRANSFER') {
    add('Supplier', e.supplier && e.supplier.name);
    add('Recipient', e.recipient && e.recipient.name);
    add('Weapon', e.weapon ? e.weapon.name : e.item);
    add('Ordered', [e.ordered, e.quantityOrdered && `${e.quantityOrdered} ${e.quantityUnit || ''}`].filter(Boolean).join(': '));
    add('Delivered', [e.delivered, e.quantityDelivered && `${e.quantityDelivered} ${e.quantityUnit || ''}`].filter(Boolean).join(': '));
  }
  const positions = (e.positions || []).map((p) => h('li', {}, `${p.title}${p.organization ? ', ' + p.organization.name : p.country ? ', ' + p.country.name : ''}`,
    p.from || p.to ? ` (${p.from || '?'} – ${p.to || ''})` : '', ' ', badge(p.confidence)));
  $('facts').replaceChildren(
    h('h2', {}, 'Facts'),
    e.description ? h('p', {}, e.description) : '',
    h('dl', { class: 'facts' }, rows),
    e.kind === 'TRANSFER' ? registerRow(e) : '',
    positions.length ? h('div', {}, h('h3', {}, 'Positions'), tenureChart(e.positions), h('ul', {}, positions)) : '',
    h('details', {}, h('summary', {}, `Sources of ${e.name} (${e.citations.length})`), citationsList(e.citations)),
  );
}
