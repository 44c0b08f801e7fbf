// armsgraph explorer: search, entity neighbourhoods, weapon lineages,
// shortest paths and country timelines, drawn from the public GraphQL API
// alone. Every view has a URL (see route), a text table of what it draws,
// the sources of each node and edge, and exports.
import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';
import { gql } from './api.js';
import './explorer.css';

cytoscape.use(dagre);

// DRAW_CAP bounds how many nodes one drawing holds by default (the entity
// view's "Draw at most" changes it, 10-1000); larger answers are cut with
// "showing N of M" so that the page stays responsive.
const DRAW_CAP = 300;
const KINDS = ['COUNTRY', 'ORGANIZATION', 'PERSON', 'WEAPON', 'AGREEMENT', 'TRANSFER', 'EVENT', 'RESOLUTION'];
const CONFIDENCES = ['CONFIRMED', 'REPORTED', 'ALLEGED', 'DISPUTED'];

// ---------------------------------------------------------------- queries

const CITE = 'locator note source { id title author publisher published publishedInferred document }';
// Nodes come without citations (they would multiply the cost of a large
// neighbourhood); select fetches a node's citations when it is selected.
const NODE = `fragment N on Entity {
  id kind name aliases confidence
  ... on Weapon { category origin { id name } }
  ... on Person { country { id name } }
  ... on Organization { country { id name } }
  ... on Agreement { date }
  ... on Event { date }
  ... on Resolution { date }
  ... on Transfer { ordered delivered supplier { id name } }
}`;
const REL = `type key kind note confidence from { id } to { id } properties { key value } citations { ${CITE} }`;
// Neighbourhoods leave citations out too (they can hold hundreds of
// relationships); select fetches an edge's citations through paths of one hop.
const REL_LITE = 'type key kind note confidence from { id } to { id } properties { key value }';
const Q_EDGE_CITATIONS = `query EdgeCitations($from: ID!, $to: ID!, $type: String!) {
  paths(from: $from, to: $to, maxHops: 1, relationshipTypes: [$type], limit: 25) {
    relationships { type key from { id } to { id } citations { ${CITE} } }
  }
}`;

const Q_SUGGEST = `query Suggest($q: String!) {
  resolve(name: $q, limit: 6) { id kind name aliases }
  search(text: $q, first: 6) { id kind name aliases }
}`;

const Q_ENTITY = `query Entity($id: ID!, $depth: Int, $types: [String!], $limit: Int) {
  entity(id: $id) {
    ...N description citations { ${CITE} }
    ... on Weapon { rangeKm introduced manufacturer { id name } }
    ... on Person { positions { title from to confidence organization { id name } country { id name } } }
    ... on Agreement { status areas location parties { id name } signatories { id name } }
    ... on Transfer { status item quantityOrdered quantityDelivered quantityUnit recipient { id name } weapon { id name } }
    ... on Event { endDate location eventType: type participants { id name } }
  }
  neighborhood(id: $id, depth: $depth, relationshipTypes: $types, limit: $limit) {
    nodes { ...N } relationships { ${REL_LITE} } truncated
  }
}
${NODE}`;

const Q_EXPAND = `query Expand($id: ID!, $types: [String!], $limit: Int) {
  neighborhood(id: $id, depth: 1, relationshipTypes: $types, limit: $limit) {
    nodes { ...N } relationships { ${REL_LITE} } truncated
  }
}
${NODE}`;

const Q_CITATIONS = `query Citations($id: ID!) { entity(id: $id) { id citations { ${CITE} } } }`;

const Q_LINEAGE = `query Lineage($weapon: String!, $direction: LineageDirection, $depth: Int, $min: Confidence) {
  lineage(weapon: $weapon, direction: $direction, maxDepth: $depth, minConfidence: $min) {
    weapon { id name }
    nodes { depth weapon { ...N } }
    derivations { kind note confidence child { id } parent { id } citations { ${CITE} } }
  }
}
${NODE}`;

const Q_PATHS = `query Paths($from: ID!, $to: ID!, $hops: Int, $types: [String!], $via: [EntityKind!], $limit: Int) {
  a: entity(id: $from) { id name }
  b: entity(id: $to) { id name }
  paths(from: $from, to: $to, maxHops: $hops, relationshipTypes: $types, via: $via, limit: $limit) {
    length nodes { ...N } relationships { ${REL} }
  }
}
${NODE}`;

const TRANSFER = `id kind name confidence citations { ${CITE} } supplier { id name } recipient { id name }
  weapon { id name } item quantityOrdered quantityDelivered quantityUnit ordered delivered status`;
const AGREEMENT = `id kind name date confidence status citations { ${CITE} } parties { id name }`;
const EVENT = `id kind name date endDate eventType: type confidence citations { ${CITE} } participants { id }`;

const Q_TIMELINE_ONE = `query Timeline($a: ID!) {
  a: entity(id: $a) { id name kind }
  out: transfers(supplier: $a) { ${TRANSFER} }
  in: transfers(recipient: $a) { ${TRANSFER} }
  agreements(parties: [$a]) { ${AGREEMENT} }
  events(participant: $a) { ${EVENT} }
}`;

const Q_TIMELINE_TWO = `query TimelinePair($a: ID!, $b: ID!) {
  a: entity(id: $a) { id name kind }
  b: entity(id: $b) { id name kind }
  out: transfers(supplier: $a, recipient: $b) { ${TRANSFER} }
  in: transfers(supplier: $b, recipient: $a) { ${TRANSFER} }
  agreements(parties: [$a, $b]) { ${AGREEMENT} }
  events(participant: $a) { ${EVENT} }
}`;

// ---------------------------------------------------------------- DOM helpers

const $ = (id) => document.getElementById(id);

// h builds an element; attributes never include style (the CSP forbids
// inline styles), text always goes through text nodes.
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const SVGNS = 'http://www.w3.org/2000/svg';
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function link(path, text) {
  return h('a', { href: path }, text);
}

const kindLabel = (k) => (k ? k.charAt(0) + k.slice(1).toLowerCase() : '');

// ---------------------------------------------------------------- colours

const FIXED_COLOURS = {
  'country/china': '#d62728',
  'country/iran': '#2ca02c',
  'country/soviet-union': '#8c2d04',
  'country/russia': '#1f77b4',
  'country/north-korea': '#9467bd',
  'country/united-states': '#17becf',
};
const PALETTE = ['#e377c2', '#bcbd22', '#ff7f0e', '#7f7f7f', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd', '#e6550d', '#31a354'];
const NO_COUNTRY = '#b0b0b0';

function colourOf(countryId) {
  if (!countryId) return NO_COUNTRY;
  if (FIXED_COLOURS[countryId]) return FIXED_COLOURS[countryId];
  let x = 0;
  for (const ch of countryId) x = (x * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[x % PALETTE.length];
}

// countryOf is the country a node is drawn in: a weapon's origin, a
// person's or organization's country, a transfer's supplier, a country itself.
function countryOf(e) {
  if (e.kind === 'COUNTRY') return { id: e.id, name: e.name };
  return e.origin || e.country || e.supplier || null;
}

const SHAPES = {
  COUNTRY: 'hexagon', ORGANIZATION: 'round-rectangle', PERSON: 'ellipse', WEAPON: 'round-triangle',
  AGREEMENT: 'diamond', TRANSFER: 'tag', EVENT: 'star', RESOLUTION: 'octagon',
};

// ---------------------------------------------------------------- state

const state = {
  view: '',
  nodes: new Map(), // id → node record
  edges: new Map(), // id → edge record
  centre: null,
  total: 0, // nodes in the answer before the draw cap
  cy: null,
  timelineItems: null,
  fileStem: 'armsgraph',
  extraNote: '',
  expanded: new Set(),
  cap: DRAW_CAP,
};

function nodeRecord(e) {
  const c = countryOf(e);
  return {
    id: e.id, kind: e.kind, name: e.name, aliases: e.aliases || [], confidence: e.confidence || null,
    country: c ? c.name : '', countryId: c ? c.id : '', citations: e.citations || null,
    date: e.date || e.ordered || e.delivered || '', category: e.category || '',
  };
}

function relRecord(r) {
  return {
    id: `${r.type}|${r.from.id}|${r.to.id}|${r.key}`, source: r.from.id, target: r.to.id, type: r.type,
    label: r.kind ? `${r.type} (${r.kind})` : r.type, kind: r.kind || '', confidence: r.confidence || null,
    note: r.note || '', citations: r.citations || null, properties: r.properties || [],
    key: r.key,
  };
}

function resetGraph() {
  state.nodes = new Map();
  state.edges = new Map();
  state.centre = null;
  state.total = 0;
  state.timelineItems = null;
  state.extraNote = '';
  state.expanded = new Set();
  state.cap = DRAW_CAP;
}

// ---------------------------------------------------------------- routing

// route reads the view from the URL. Ids are "<kind>/<slug>": two segments.
function parseRoute() {
  const parts = location.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(location.search);
  const [view, ...rest] = parts;
  switch (view) {
    case undefined: return { view: 'home', params };
    case 'entity': return { view, id: rest.join('/'), params };
    case 'lineage': return { view, id: rest.join('/'), params };
    case 'paths': return { view, from: rest.slice(0, 2).join('/'), to: rest.slice(2).join('/'), params };
    case 'timeline': return { view, a: rest.slice(0, 2).join('/'), b: rest.slice(2, 4).join('/'), params };
    default: return { view: 'unknown', params };
  }
}

const encId = (id) => id.split('/').map(encodeURIComponent).join('/');

function navigate(url, replace) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

// setParams rewrites the query string of the current view and redraws it.
function setParams(values) {
  const u = new URL(location.href);
  for (const [k, v] of Object.entries(values)) {
    if (v === '' || v === null || v === undefined || (Array.isArray(v) && !v.length)) u.searchParams.delete(k);
    else u.searchParams.set(k, Array.isArray(v) ? v.join(',') : v);
  }
  navigate(u.pathname + u.search, false);
}

let generation = 0;

async function render() {
  const r = parseRoute();
  const gen = ++generation;
  document.body.dataset.state = 'loading';
  document.body.dataset.view = r.view;
  $('error').hidden = true;
  $('home').hidden = r.view !== 'home';
  $('graph').hidden = r.view === 'home' || r.view === 'unknown';
  if (r.view === 'home') {
    document.title = 'armsgraph explorer';
    document.body.dataset.state = 'ready';
    return;
  }
  if (r.view === 'unknown') {
    showError(`No such view: ${location.pathname}. Use /entity/<id>, /lineage/<id>, /paths/<from>/<to> or /timeline/<country>[/<country>].`);
    return;
  }
  resetGraph();
  clearPanels();
  try {
    if (r.view === 'entity') await showEntity(r, gen);
    else if (r.view === 'lineage') await showLineage(r, gen);
    else if (r.view === 'paths') await showPaths(r, gen);
    else if (r.view === 'timeline') await showTimeline(r, gen);
    if (gen !== generation) return;
    window.armsgraph.readyAt = performance.now();
    document.body.dataset.state = 'ready';
  } catch (err) {
    if (gen !== generation) return;
    showError(err.message || String(err));
  }
}

function showError(msg) {
  const el = $('error');
  el.textContent = msg;
  el.hidden = false;
  document.body.dataset.state = 'error';
}

function clearPanels() {
  for (const id of ['title', 'subtitle', 'controls', 'legend', 'facts', 'listing', 'nodes-table', 'edges-table', 'status']) $(id).replaceChildren();
  $('provenance').replaceChildren(h('p', { class: 'hint' }, 'Select a node or an edge (in the drawing or the tables) to see its sources.'));
  $('timeline').hidden = true;
  $('timeline').replaceChildren();
  $('cy').hidden = false;
  if (state.cy) { state.cy.destroy(); state.cy = null; }
}

// ---------------------------------------------------------------- controls

function numberField(label, name, value, min, max) {
  return h('label', {}, label, ' ', h('input', { type: 'number', name, value, min, max, step: 1 }));
}

function selectField(label, name, options, value) {
  return h('label', {}, label, ' ', h('select', { name },
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))));
}

function textField(label, name, value, placeholder, size) {
  return h('label', {}, label, ' ', h('input', { type: 'text', name, value: value || '', placeholder, size: size || 12 }));
}

function kindChecks(name, selected) {
  return h('fieldset', { class: 'kinds' }, h('legend', {}, 'Via kinds'),
    KINDS.map((k) => h('label', {}, h('input', { type: 'checkbox', name, value: k, checked: selected.includes(k) }), ' ', kindLabel(k))));
}

// controlsForm fills #controls and calls apply with the form's values on submit.
function controlsForm(children, apply) {
  const form = $('controls');
  form.replaceChildren(...children, h('button', { type: 'submit' }, 'Apply'));
  form.onsubmit = (e) => {
    e.preventDefault();
    apply(new FormData(form));
  };
}

const list = (v) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : []);
const intParam = (p, name, def) => {
  const v = parseInt(p.get(name), 10);
  return Number.isFinite(v) ? v : def;
};

// ---------------------------------------------------------------- views

async function showEntity(r, gen) {
  const p = r.params;
  const depth = intParam(p, 'depth', 1);
  const limit = intParam(p, 'limit', 200);
  const types = list(p.get('types'));
  const from = p.get('from') || '';
  const to = p.get('to') || '';
  const cap = Math.min(1000, Math.max(10, intParam(p, 'cap', DRAW_CAP)));
  state.cap = cap;
  state.fileStem = `entity-${r.id.replace('/', '-')}`;
  controlsForm([
    numberField('Depth', 'depth', depth, 1, 3),
    numberField('Limit', 'limit', limit, 1, 1000),
    numberField('Draw at most', 'cap', cap, 10, 1000),
    textField('Relationship types', 'types', types.join(','), 'e.g. SIGNED,MET_WITH', 24),
    textField('From', 'from', from, 'YYYY[-MM[-DD]]', 10),
    textField('To', 'to', to, 'YYYY[-MM[-DD]]', 10),
  ], (f) => setParams({ depth: f.get('depth'), limit: f.get('limit'), cap: f.get('cap') === String(DRAW_CAP) ? '' : f.get('cap'), types: list(f.get('types')), from: f.get('from'), to: f.get('to') }));

  const { data, granted } = await withinCost(limit, (l) => gql(Q_ENTITY, { id: r.id, depth, types: types.length ? types : null, limit: l }));
  if (gen !== generation) return;
  const e = data.entity;
  if (!e) throw new Error(`No entity has the id "${r.id}". Search for it by name above.`);
  document.title = `${e.name} · armsgraph`;
  $('title').textContent = e.name;
  $('subtitle').replaceChildren(`${kindLabel(e.kind)} · neighbourhood within ${depth} hop${depth > 1 ? 's' : ''}; click a node to expand its neighbours. `,
    e.kind === 'WEAPON' ? link(`/lineage/${encId(e.id)}`, 'Show its lineage') : '',
    e.kind === 'COUNTRY' ? link(`/timeline/${encId(e.id)}`, 'Show its timeline') : '');
  renderFacts(e);
  state.centre = e.id;
  state.view = 'entity';
  addSubgraph(data.neighborhood, [e]);
  state.total = state.nodes.size;
  if (granted < limit) {
    state.extraNote = `The service's cost limit allows ${granted} of the ${limit} entities asked for in one request${data.neighborhood.truncated ? '; the neighbourhood was cut there' : ''}: lower the depth or filter by type for the rest.`;
  } else if (data.neighborhood.truncated) {
    state.extraNote = `The service cut the neighbourhood at its limit (${limit}); raise the limit, lower the depth or filter by type for the rest.`;
  }
  applyDateFilter(from, to);
  state.expandTypes = types.length ? types : null;
  drawGraph('concentric');
}

// withinCost runs query(limit); when the service refuses it as too large
// (LIMIT_EXCEEDED), it asks again for less and says which limit it used:
// refused up front on its estimate ("complexity"), for the share of the
// limit that the estimate says fits; stopped while answering over the
// object budget ("objects", whose full size is not known), for half as
// many, up to four times.
async function withinCost(limit, query) {
  let granted = limit;
  for (let attempt = 0; ; attempt++) {
    try {
      return { data: await query(granted), granted };
    } catch (err) {
      const ext = err.extensions || {};
      let next = granted;
      if (ext.limit === 'complexity' && ext.estimate > 0 && ext.max > 0) {
        next = Math.floor((granted * ext.max) / ext.estimate * 0.95);
      } else if (ext.limit === 'objects') {
        next = Math.floor(granted / 2);
      }
      next = Math.max(1, next);
      if (next >= granted || attempt >= 4) throw err;
      granted = next;
    }
  }
}

function addSubgraph(sub, extra) {
  for (const n of [...(extra || []), ...sub.nodes]) if (!state.nodes.has(n.id)) state.nodes.set(n.id, nodeRecord(n));
  for (const rel of sub.relationships) {
    const rec = relRecord(rel);
    if (!state.edges.has(rec.id)) state.edges.set(rec.id, rec);
  }
}

// applyDateFilter hides dated nodes and relationships outside [from, to];
// undated ones stay (the API's filters treat them the same way on lists).
function applyDateFilter(from, to) {
  if (!from && !to) return;
  const lo = from ? startOf(from) : '0000-00-00';
  const hi = to ? endOf(to) : '9999-99-99';
  const outside = (d) => d && (endOf(d) < lo || startOf(d) > hi);
  let hidden = 0;
  for (const [id, n] of state.nodes) {
    if (id !== state.centre && outside(n.date)) { state.nodes.delete(id); hidden++; }
  }
  for (const [id, e] of state.edges) {
    const d = e.properties.find((pr) => /^(date|from|since|start|ordered|signed)$/.test(pr.key));
    if ((d && outside(d.value)) || !state.nodes.has(e.source) || !state.nodes.has(e.target)) state.edges.delete(id);
  }
  state.extraNote = [state.extraNote, `Dates ${from || '…'} to ${to || '…'}: ${hidden} dated entit${hidden === 1 ? 'y' : 'ies'} outside the range hidden.`].filter(Boolean).join(' ');
}

const startOf = (d) => (d.length === 4 ? `${d}-01-01` : d.length === 7 ? `${d}-01` : d);
const endOf = (d) => (d.length === 4 ? `${d}-12-31` : d.length === 7 ? `${d}-31` : d);

async function expand(id) {
  if (state.view !== 'entity' || state.expanded.has(id) || id === state.centre) return;
  state.expanded.add(id);
  const before = state.nodes.size;
  const { data } = await withinCost(200, (l) => gql(Q_EXPAND, { id, types: state.expandTypes, limit: l }));
  addSubgraph(data.neighborhood);
  state.total = state.nodes.size;
  const added = state.nodes.size - before;
  state.extraNote = `Expanded ${state.nodes.get(id).name}: ${added} new entit${added === 1 ? 'y' : 'ies'}.`;
  drawGraph('concentric');
  select(id);
}

async function showLineage(r, gen) {
  const p = r.params;
  const direction = p.get('direction') || 'BOTH';
  const depth = intParam(p, 'depth', 10);
  const min = p.get('min') || '';
  state.fileStem = `lineage-${r.id.replace('/', '-')}`;
  controlsForm([
    selectField('Direction', 'direction', [['BOTH', 'Ancestors and descendants'], ['ANCESTORS', 'Ancestors'], ['DESCENDANTS', 'Descendants']], direction),
    numberField('Depth', 'depth', depth, 0, 20),
    selectField('Minimum confidence', 'min', [['', 'Any'], ...CONFIDENCES.slice(0, 3).map((c) => [c, kindLabel(c)])], min),
  ], (f) => setParams({ direction: f.get('direction') === 'BOTH' ? '' : f.get('direction'), depth: f.get('depth') === '10' ? '' : f.get('depth'), min: f.get('min') }));

  const data = await gql(Q_LINEAGE, { weapon: r.id, direction, depth, min: min || null });
  if (gen !== generation) return;
  const l = data.lineage;
  if (!l) throw new Error(`No weapon matches "${r.id}". Search for it by name above.`);
  document.title = `Lineage of ${l.weapon.name} · armsgraph`;
  $('title').textContent = `Lineage of ${l.weapon.name}`;
  $('subtitle').replaceChildren(`${l.nodes.length} weapon${l.nodes.length === 1 ? '' : 's'}, ${l.derivations.length} derivation${l.derivations.length === 1 ? '' : 's'}: ancestors above, descendants below; colour is the country of origin. `,
    link(`/entity/${encId(l.weapon.id)}`, `Facts and neighbourhood of ${l.weapon.name}`));
  state.view = 'lineage';
  state.centre = l.weapon.id;
  for (const n of l.nodes) state.nodes.set(n.weapon.id, { ...nodeRecord(n.weapon), depth: n.depth });
  for (const d of l.derivations) {
    // Drawn parent → child, so that dagre puts ancestors above.
    const id = `DERIVED_FROM|${d.child.id}|${d.parent.id}`;
    state.edges.set(id, {
      id, source: d.parent.id, target: d.child.id, type: 'DERIVED_FROM', label: d.kind, kind: d.kind,
      confidence: d.confidence, note: d.note || '', citations: d.citations, properties: [],
    });
  }
  state.total = state.nodes.size;
  drawGraph('dagre');
}

async function showPaths(r, gen) {
  const p = r.params;
  const hops = intParam(p, 'hops', 6);
  const limit = intParam(p, 'limit', 5);
  const types = list(p.get('types'));
  const via = list(p.get('via'));
  state.fileStem = `paths-${r.from.replace('/', '-')}-${r.to.replace('/', '-')}`;
  controlsForm([
    numberField('Max hops', 'hops', hops, 1, 8),
    numberField('Paths', 'limit', limit, 1, 25),
    textField('Relationship types', 'types', types.join(','), 'e.g. MET_WITH,HOLDS_POSITION', 24),
    kindChecks('via', via),
  ], (f) => setParams({ hops: f.get('hops') === '6' ? '' : f.get('hops'), limit: f.get('limit') === '5' ? '' : f.get('limit'), types: list(f.get('types')), via: f.getAll('via') }));

  const data = await gql(Q_PATHS, { from: r.from, to: r.to, hops, types: types.length ? types : null, via: via.length ? via : null, limit });
  if (gen !== generation) return;
  const a = data.a ? data.a.name : r.from;
  const b = data.b ? data.b.name : r.to;
  document.title = `Paths from ${a} to ${b} · armsgraph`;
  $('title').textContent = `Paths from ${a} to ${b}`;
  const n = data.paths.length;
  $('subtitle').textContent = n
    ? `${n} path${n === 1 ? '' : 's'}, shortest first (${data.paths[0].length} hop${data.paths[0].length === 1 ? '' : 's'}); relationships are followed either way.`
    : `No path of at most ${hops} hops; raise the hops or loosen the filters.`;
  state.view = 'paths';
  state.centre = r.from;
  state.pathEnds = [r.from, r.to];
  for (const path of data.paths) addSubgraph(path);
  state.total = state.nodes.size;
  renderPathListing(data.paths);
  drawGraph('paths');
}

function renderPathListing(paths) {
  const out = $('listing');
  out.replaceChildren(h('h2', {}, 'Paths, hop by hop'));
  const ol = h('ol', { class: 'paths' });
  for (const path of paths) {
    const li = h('li', {});
    path.nodes.forEach((n, i) => {
      li.append(entityButton(n.id, n.name));
      const rel = path.relationships[i];
      if (!rel) return;
      const rec = relRecord(rel);
      const forward = rel.from.id === n.id;
      li.append(' ', h('button', { type: 'button', class: 'hop', 'data-edge': rec.id, onclick: () => select(rec.id) },
        forward ? `—${rec.label}→` : `←${rec.label}—`), ' ');
    });
    ol.append(li);
  }
  out.append(ol);
}

async function showTimeline(r, gen) {
  state.fileStem = `timeline-${r.a.replace('/', '-')}${r.b ? '-' + r.b.replace('/', '-') : ''}`;
  const data = r.b
    ? await gql(Q_TIMELINE_TWO, { a: r.a, b: r.b })
    : await gql(Q_TIMELINE_ONE, { a: r.a });
  if (gen !== generation) return;
  if (!data.a) throw new Error(`No entity has the id "${r.a}".`);
  if (r.b && !data.b) throw new Error(`No entity has the id "${r.b}".`);
  const names = r.b ? `${data.a.name} and ${data.b.name}` : data.a.name;
  document.title = `Timeline of ${names} · armsgraph`;
  $('title').textContent = `Timeline of ${names}`;
  $('subtitle').textContent = r.b
    ? 'Transfers between the two (ordered ▲, delivered ●), their agreements (◆) and the events both took part in (■).'
    : 'Transfers supplied and received (ordered ▲, delivered ●), agreements (◆) and events (■).';
  $('controls').replaceChildren();
  state.view = 'timeline';
  const items = [];
  const seen = new Set();
  const add = (lane, x, start, end) => {
    if (seen.has(x.id)) return;
    seen.add(x.id);
    items.push({ lane, id: x.id, name: x.name, kind: x.kind, confidence: x.confidence, citations: x.citations, start, end, raw: x });
  };
  for (const t of [...data.out, ...data.in]) add('Transfers', t, t.ordered || t.delivered || '', t.delivered || '');
  for (const a of data.agreements) add('Agreements', a, a.date || '', '');
  for (const ev of data.events) {
    if (r.b && !ev.participants.some((x) => x.id === r.b)) continue;
    add('Events', ev, ev.date || '', ev.endDate || '');
  }
  items.sort((x, y) => (x.start || '9999').localeCompare(y.start || '9999') || x.name.localeCompare(y.name));
  state.timelineItems = items;
  for (const it of items) {
    state.nodes.set(it.id, {
      id: it.id, kind: it.kind, name: it.name, confidence: it.confidence, citations: it.citations, aliases: [],
      country: it.raw.supplier ? it.raw.supplier.name : '', countryId: it.raw.supplier ? it.raw.supplier.id : '',
      date: it.end && it.end !== it.start ? `${it.start} → ${it.end}` : it.start,
      category: it.raw.eventType || it.raw.status || '',
    });
  }
  state.total = items.length;
  drawTimeline(items);
}

// ---------------------------------------------------------------- drawing

const STYLE = [
  { selector: 'node', style: {
    label: 'data(name)', 'background-color': 'data(color)', shape: 'data(shape)', width: 26, height: 26,
    'font-size': 11, 'text-valign': 'bottom', 'text-margin-y': 4, 'text-wrap': 'wrap', 'text-max-width': 120,
    color: '#1b1f24', 'text-background-color': '#ffffff', 'text-background-opacity': 0.8, 'text-background-padding': 1,
    'border-width': 1, 'border-color': '#444',
  } },
  { selector: 'node.centre', style: { width: 36, height: 36, 'border-width': 4, 'border-color': '#111', 'font-weight': 'bold' } },
  { selector: 'edge', style: {
    width: 2, 'line-color': '#6b7280', 'target-arrow-color': '#6b7280', 'target-arrow-shape': 'triangle',
    'curve-style': 'bezier', label: 'data(label)', 'font-size': 9, color: '#374151', 'text-rotation': 'autorotate',
    'text-background-color': '#ffffff', 'text-background-opacity': 0.85, 'text-background-padding': 1,
  } },
  { selector: 'edge[confidence = "REPORTED"]', style: { 'line-style': 'dashed' } },
  { selector: 'edge[confidence = "ALLEGED"]', style: { 'line-style': 'dotted', width: 2.5 } },
  { selector: 'edge[confidence = "DISPUTED"]', style: { 'line-style': 'dashed', 'line-dash-pattern': [2, 3, 8, 3], 'line-color': '#b91c1c', 'target-arrow-color': '#b91c1c', color: '#b91c1c' } },
  { selector: ':selected', style: { 'overlay-color': '#2563eb', 'overlay-opacity': 0.25, 'overlay-padding': 6 } },
  { selector: 'edge:selected', style: { width: 4, 'line-color': '#2563eb', 'target-arrow-color': '#2563eb' } },
];

const CONF_MARK = { CONFIRMED: '', REPORTED: ' (reported)', ALLEGED: ' (alleged)', DISPUTED: ' ✕ disputed' };

// drawnElements applies the draw cap: nearest nodes first (the order the
// API answered in, the centre first), and the edges among those kept.
function drawnElements() {
  const ids = [...state.nodes.keys()];
  if (state.centre && state.nodes.has(state.centre)) ids.sort((x, y) => (x === state.centre ? -1 : y === state.centre ? 1 : 0));
  const keep = new Set(ids.slice(0, state.cap));
  const nodes = ids.filter((id) => keep.has(id)).map((id) => state.nodes.get(id));
  const edges = [...state.edges.values()].filter((e) => keep.has(e.source) && keep.has(e.target));
  return { nodes, edges };
}

function drawGraph(layout) {
  const { nodes, edges } = drawnElements();
  const elements = [
    ...nodes.map((n) => ({ group: 'nodes', data: { id: n.id, name: n.name, color: colourOf(n.countryId), shape: SHAPES[n.kind] || 'ellipse' }, classes: n.id === state.centre ? 'centre' : '' })),
    ...edges.map((e) => ({ group: 'edges', data: { id: e.id, source: e.source, target: e.target, label: e.label + (CONF_MARK[e.confidence] || ''), confidence: e.confidence || 'NONE' } })),
  ];
  if (state.cy) state.cy.destroy();
  const cy = cytoscape({
    container: $('cy'), elements, style: STYLE, layout: { name: 'preset' },
    wheelSensitivity: 0.3, minZoom: 0.1, maxZoom: 4, boxSelectionEnabled: false,
  });
  state.cy = cy;
  window.armsgraph.cy = cy;
  const t0 = performance.now();
  cy.layout(layoutOptions(layout, cy)).run();
  // A small graph fitted to the canvas would be drawn huge.
  if (cy.zoom() > 1.4) { cy.zoom(1.4); cy.center(); }
  window.armsgraph.layoutMs = performance.now() - t0;
  cy.on('tap', 'node', (ev) => {
    select(ev.target.id());
    expand(ev.target.id()).catch((err) => showError(err.message));
  });
  cy.on('tap', 'edge', (ev) => select(ev.target.id()));
  renderTables(nodes, edges);
  renderLegend(nodes, edges);
  renderStatus(nodes.length, edges.length);
}

function layoutOptions(name, cy) {
  if (name === 'dagre') return { name: 'dagre', rankDir: 'TB', nodeSep: 40, rankSep: 70, edgeSep: 10, animate: false, fit: true, padding: 30 };
  if (name === 'paths') {
    // Columns by hop distance from the start, the end in the last column.
    const [a, b] = state.pathEnds;
    const dist = hopDistances(cy, a);
    let last = 0;
    for (const [id, d] of dist) if (id !== b) last = Math.max(last, d);
    const columns = new Map();
    cy.nodes().forEach((n) => {
      const d = n.id() === b ? last + 1 : (dist.get(n.id()) ?? last);
      if (!columns.has(d)) columns.set(d, []);
      columns.get(d).push(n.id());
    });
    const pos = {};
    for (const [d, ids] of columns) ids.forEach((id, i) => { pos[id] = { x: d * 230, y: (i - (ids.length - 1) / 2) * 95 }; });
    return { name: 'preset', positions: (n) => pos[n.id()], fit: true, padding: 40 };
  }
  // concentric: rings by hop distance from the centre.
  const dist = hopDistances(cy, state.centre);
  return {
    name: 'concentric', concentric: (n) => 100 - (dist.get(n.id()) ?? 50), levelWidth: () => 1,
    minNodeSpacing: 28, animate: false, fit: true, padding: 30,
  };
}

function hopDistances(cy, from) {
  const dist = new Map([[from, 0]]);
  let frontier = [from];
  while (frontier.length) {
    const next = [];
    for (const id of frontier) {
      cy.getElementById(id).neighborhood('node').forEach((n) => {
        if (!dist.has(n.id())) { dist.set(n.id(), dist.get(id) + 1); next.push(n.id()); }
      });
    }
    frontier = next;
  }
  return dist;
}

function renderStatus(nNodes, nEdges) {
  const parts = [];
  if (state.total > nNodes) parts.push(`Showing ${nNodes} of ${state.total} entities (the nearest); narrow the question to see the rest.`);
  else parts.push(`Showing ${nNodes} entit${nNodes === 1 ? 'y' : 'ies'} and ${nEdges} relationship${nEdges === 1 ? '' : 's'}.`);
  if (state.extraNote) parts.push(state.extraNote);
  $('status').textContent = parts.join(' ');
}

function renderLegend(nodes, edges) {
  const countries = new Map();
  for (const n of nodes) countries.set(n.countryId || '', n.country || 'no country');
  const items = [...countries].sort((x, y) => x[1].localeCompare(y[1])).map(([id, name]) =>
    h('li', {}, s('svg', { width: 12, height: 12, 'aria-hidden': 'true' }, s('rect', { width: 12, height: 12, fill: colourOf(id) })), ' ', name));
  const lines = CONFIDENCES.filter((c) => edges.some((e) => e.confidence === c)).map((c) =>
    h('li', {}, s('svg', { width: 36, height: 10, 'aria-hidden': 'true' }, s('line', { x1: 0, y1: 5, x2: 36, y2: 5, ...lineAttrs(c) })), ' ', kindLabel(c)));
  $('legend').replaceChildren(h('ul', { 'aria-label': 'Colours: country' }, items), h('ul', { 'aria-label': 'Lines: confidence' }, lines));
}

function lineAttrs(conf) {
  const base = { stroke: '#6b7280', 'stroke-width': 2 };
  if (conf === 'REPORTED') return { ...base, 'stroke-dasharray': '6 4' };
  if (conf === 'ALLEGED') return { ...base, 'stroke-dasharray': '2 3' };
  if (conf === 'DISPUTED') return { ...base, stroke: '#b91c1c', 'stroke-dasharray': '2 3 8 3' };
  return base;
}

// ---------------------------------------------------------------- timeline

function drawTimeline(items) {
  $('cy').hidden = true;
  const box = $('timeline');
  box.hidden = false;
  const dated = items.filter((it) => it.start);
  const years = dated.flatMap((it) => [it.start, it.end].filter(Boolean).map((d) => parseInt(d.slice(0, 4), 10)));
  const lanes = ['Transfers', 'Agreements', 'Events'];
  const W = 1000;
  const left = 110;
  const right = 20;
  const minY = years.length ? Math.min(...years) : 2000;
  const maxY = years.length ? Math.max(...years) + 1 : 2001;
  const x = (d) => {
    const y = parseInt(d.slice(0, 4), 10);
    const m = d.length >= 7 ? parseInt(d.slice(5, 7), 10) - 1 : 6;
    return left + ((y - minY + m / 12) / (maxY - minY)) * (W - left - right);
  };
  // Stack markers that would overlap into rows within their lane.
  const rowsOf = {};
  const placed = [];
  for (const lane of lanes) {
    const ends = [];
    for (const it of dated.filter((d) => d.lane === lane)) {
      const x0 = x(it.start) - 8;
      const x1 = (it.end ? x(it.end) : x(it.start)) + 8;
      let row = ends.findIndex((e) => e < x0);
      if (row < 0) { row = ends.length; ends.push(x1); } else ends[row] = x1;
      placed.push({ it, row, x0: x0 + 8, x1: x1 - 8 });
    }
    rowsOf[lane] = Math.max(1, ends.length);
  }
  const rowH = 16;
  let top = 30;
  const laneTop = {};
  for (const lane of lanes) { laneTop[lane] = top; top += rowsOf[lane] * rowH + 24; }
  const H = top + 10;
  const svg = s('svg', { xmlns: SVGNS, viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': 'Timeline; the tables below list the same items', class: 'timeline-svg' });
  svg.append(s('rect', { x: 0, y: 0, width: W, height: H, fill: '#ffffff' }));
  for (let y = minY; y <= maxY; y++) {
    const gx = left + ((y - minY) / (maxY - minY)) * (W - left - right);
    const step = Math.ceil((maxY - minY) / 20);
    if ((y - minY) % step) continue;
    svg.append(s('line', { x1: gx, y1: 20, x2: gx, y2: H - 10, stroke: '#e5e7eb' }), s('text', { x: gx, y: 14, 'font-size': 10, 'text-anchor': 'middle', fill: '#374151' }, y));
  }
  for (const lane of lanes) {
    svg.append(s('text', { x: 8, y: laneTop[lane] + 12, 'font-size': 12, 'font-weight': 'bold', fill: '#111827' }, lane));
    svg.append(s('line', { x1: left, y1: laneTop[lane] - 6, x2: W - right, y2: laneTop[lane] - 6, stroke: '#9ca3af' }));
  }
  for (const { it, row, x0, x1 } of placed) {
    const y = laneTop[it.lane] + row * rowH + 8;
    const colour = it.lane === 'Transfers' ? colourOf(it.raw.supplier && it.raw.supplier.id) : it.lane === 'Agreements' ? '#2563eb' : '#7c3aed';
    const g = s('g', { tabindex: 0, role: 'button', 'data-id': it.id, class: 'mark', 'aria-label': `${it.name}, ${it.start}${it.end ? ' to ' + it.end : ''}` },
      s('title', {}, `${it.name} (${it.start}${it.end && it.end !== it.start ? ' → ' + it.end : ''})`));
    if (it.lane === 'Transfers') {
      if (it.end && x1 > x0) g.append(s('line', { x1: x0, y1: y, x2: x1, y2: y, ...lineAttrs(it.confidence), stroke: colour }));
      g.append(s('path', { d: `M${x0 - 5},${y + 4} L${x0},${y - 5} L${x0 + 5},${y + 4} Z`, fill: colour }));
      if (it.end) g.append(s('circle', { cx: x1, cy: y, r: 4.5, fill: colour }));
    } else if (it.lane === 'Agreements') {
      g.append(s('path', { d: `M${x0},${y - 6} L${x0 + 6},${y} L${x0},${y + 6} L${x0 - 6},${y} Z`, fill: colour }));
    } else {
      g.append(s('rect', { x: x0 - 5, y: y - 5, width: 10, height: 10, fill: colour }));
      if (it.end && x1 > x0) g.append(s('line', { x1: x0 + 5, y1: y, x2: x1, y2: y, stroke: colour, 'stroke-width': 2 }));
    }
    g.addEventListener('click', () => select(it.id));
    g.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); select(it.id); } });
    svg.append(g);
  }
  box.replaceChildren(svg);
  const undated = items.length - dated.length;
  state.extraNote = undated ? `${undated} undated item${undated === 1 ? '' : 's'} appear in the table only.` : '';
  renderTimelineTable(items);
  $('legend').replaceChildren();
  renderStatus(items.length, 0);
  $('status').textContent = `${items.length} item${items.length === 1 ? '' : 's'} on the timeline. ${state.extraNote}`;
}

function renderTimelineTable(items) {
  $('nodes-table').replaceChildren(
    h('thead', {}, h('tr', {}, ['Item', 'Kind', 'Date', 'Supplier / parties', 'Status / type', 'Confidence', 'Sources'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, items.map((it) => h('tr', { 'data-id': it.id },
      h('td', {}, entityButton(it.id, it.name)), h('td', {}, kindLabel(it.kind)),
      h('td', {}, it.end && it.end !== it.start ? `${it.start || '?'} → ${it.end}` : it.start || 'undated'),
      h('td', {}, it.raw.supplier ? `${it.raw.supplier.name} → ${it.raw.recipient.name}` : (it.raw.parties || []).map((x) => x.name).join(', ')),
      h('td', {}, it.raw.eventType || it.raw.status || ''), h('td', {}, it.confidence ? kindLabel(it.confidence) : ''),
      h('td', {}, String(it.citations.length))))),
  );
  $('edges-table').replaceChildren(h('caption', {}, 'A timeline has no edges.'));
}

// ---------------------------------------------------------------- tables

function entityButton(id, name) {
  return h('button', { type: 'button', class: 'linkish', 'data-node': id, onclick: () => select(id) }, name);
}

function renderTables(nodes, edges) {
  $('nodes-table').replaceChildren(
    h('thead', {}, h('tr', {}, ['Name', 'Kind', 'Country', 'Confidence', 'Sources', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, nodes.map((n) => h('tr', { 'data-id': n.id },
      h('td', {}, entityButton(n.id, n.name)), h('td', {}, kindLabel(n.kind)), h('td', {}, n.country),
      h('td', {}, n.confidence ? kindLabel(n.confidence) : ''), h('td', {}, n.citations ? String(n.citations.length) : 'on selection'),
      h('td', {}, link(`/entity/${encId(n.id)}`, 'open'))))),
  );
  const name = (id) => (state.nodes.get(id) || { name: id }).name;
  $('edges-table').replaceChildren(
    h('thead', {}, h('tr', {}, ['From', 'Relationship', 'To', 'Confidence', 'Sources'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, edges.map((e) => h('tr', { 'data-id': e.id },
      h('td', {}, name(e.source)),
      h('td', {}, h('button', { type: 'button', class: 'linkish', 'data-edge': e.id, onclick: () => select(e.id) }, e.label)),
      h('td', {}, name(e.target)), h('td', {}, e.confidence ? kindLabel(e.confidence) : ''), h('td', {}, e.citations ? String(e.citations.length) : 'on selection')))),
  );
}

// ---------------------------------------------------------------- selection and provenance

function select(id) {
  const n = state.nodes.get(id);
  const e = state.edges.get(id);
  if (!n && !e) return;
  if (e && !e.citations) {
    const gen = generation;
    gql(Q_EDGE_CITATIONS, { from: e.source, to: e.target, type: e.type }).then((data) => {
      if (gen !== generation) return;
      const rel = data.paths.flatMap((p) => p.relationships)
        .find((x) => x.type === e.type && x.key === e.key && x.from.id === e.source && x.to.id === e.target);
      e.citations = rel ? rel.citations : [];
      if ($('provenance').dataset.selected === id) select(id);
    }).catch((err) => showError(err.message));
  }
  if (n && !n.citations) {
    const gen = generation;
    gql(Q_CITATIONS, { id }).then((data) => {
      if (gen !== generation) return;
      n.citations = data.entity ? data.entity.citations : [];
      if ($('provenance').dataset.selected === id) select(id);
    }).catch((err) => showError(err.message));
  }
  if (state.cy) {
    state.cy.elements().unselect();
    state.cy.getElementById(id).select();
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

function citationsList(cits) {
  if (!cits || !cits.length) return h('p', { class: 'hint' }, 'No citation recorded.');
  return h('div', { class: 'citations' }, h('h3', {}, `Sources (${cits.length})`),
    cits.map((c) => h('article', { class: 'citation' },
      h('h4', {}, c.source.title),
      h('dl', {},
        field('Author', c.source.author), field('Publisher', c.source.publisher),
        field('Published', c.source.published ? c.source.published + (c.source.publishedInferred ? ' (inferred)' : '') : ''),
        field('File', c.source.document), field('Locator', c.locator), field('Note', c.note)))));
}

function field(label, value) {
  if (!value) return [];
  return [h('dt', {}, label), h('dd', {}, value)];
}

function renderFacts(e) {
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
    positions.length ? h('div', {}, h('h3', {}, 'Positions'), h('ul', {}, positions)) : '',
    h('details', {}, h('summary', {}, `Sources of ${e.name} (${e.citations.length})`), citationsList(e.citations)),
  );
}

// ---------------------------------------------------------------- exports

function download(name, blob) {
  const a = h('a', { href: URL.createObjectURL(blob), download: name, hidden: true });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

function exportRows() {
  if (state.timelineItems) {
    return {
      nodes: state.timelineItems.map((it) => ({ id: it.id, kind: it.kind, name: it.name, lane: it.lane, start: it.start, end: it.end, confidence: it.confidence, citations: it.citations })),
      edges: [],
    };
  }
  const { nodes, edges } = drawnElements();
  return {
    nodes: nodes.map((n) => ({ id: n.id, kind: n.kind, name: n.name, country: n.country, confidence: n.confidence, citations: n.citations })),
    edges: edges.map((e) => ({ from: e.source, to: e.target, type: e.type, kind: e.kind, confidence: e.confidence, note: e.note, citations: e.citations })),
  };
}

const csvCell = (v) => {
  const t = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(t) || /^[=+\-@]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
};

function exportCSV() {
  const { nodes, edges } = exportRows();
  const cite = (cs) => (cs || []).map((c) => `${c.source.title} (${c.source.document}, ${c.locator})`).join('; ');
  const lines = [['element', 'id', 'kind', 'name', 'country', 'from', 'to', 'type', 'confidence', 'sources'].join(',')];
  for (const n of nodes) lines.push(['node', n.id, n.kind, n.name, n.country || '', n.start || '', n.end || '', '', n.confidence || '', cite(n.citations)].map(csvCell).join(','));
  for (const e of edges) lines.push(['edge', '', e.kind, '', '', e.from, e.to, e.type, e.confidence || '', cite(e.citations)].map(csvCell).join(','));
  download(`${state.fileStem}.csv`, new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv' }));
}

function exportJSON() {
  const out = { view: state.view, url: location.href, ...exportRows() };
  download(`${state.fileStem}.json`, new Blob([JSON.stringify(out, null, 2)], { type: 'application/json' }));
}

// buildSVG draws the current cytoscape drawing as standalone SVG from the
// node positions, with the same colours and line styles.
function buildSVG() {
  if (state.timelineItems) return new XMLSerializer().serializeToString($('timeline').querySelector('svg'));
  const cy = state.cy;
  const bb = cy.elements().boundingBox({ includeLabels: true });
  const pad = 20;
  const svg = s('svg', { xmlns: SVGNS, viewBox: `${bb.x1 - pad} ${bb.y1 - pad} ${bb.w + 2 * pad} ${bb.h + 2 * pad}`, width: Math.ceil(bb.w + 2 * pad), height: Math.ceil(bb.h + 2 * pad), 'font-family': 'sans-serif' });
  svg.append(s('title', {}, $('title').textContent));
  const defs = s('defs', {});
  for (const [id, colour] of [['arrow', '#6b7280'], ['arrow-disputed', '#b91c1c']]) {
    defs.append(s('marker', { id, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 Z', fill: colour })));
  }
  svg.append(defs, s('rect', { x: bb.x1 - pad, y: bb.y1 - pad, width: bb.w + 2 * pad, height: bb.h + 2 * pad, fill: '#ffffff' }));
  cy.edges().forEach((edge) => {
    const a = edge.sourceEndpoint();
    const b = edge.targetEndpoint();
    const conf = edge.data('confidence');
    svg.append(s('g', { class: 'edge' },
      s('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, ...lineAttrs(conf), 'marker-end': `url(#${conf === 'DISPUTED' ? 'arrow-disputed' : 'arrow'})` }),
      s('text', { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 - 3, 'font-size': 9, 'text-anchor': 'middle', fill: conf === 'DISPUTED' ? '#b91c1c' : '#374151' }, edge.data('label'))));
  });
  cy.nodes().forEach((node) => {
    const p = node.position();
    const r = node.width() / 2;
    svg.append(s('g', { class: 'node' },
      s('circle', { cx: p.x, cy: p.y, r, fill: node.data('color'), stroke: '#444', 'stroke-width': node.hasClass('centre') ? 4 : 1 }),
      s('text', { x: p.x, y: p.y + r + 12, 'font-size': 11, 'text-anchor': 'middle', fill: '#1b1f24' }, node.data('name'))));
  });
  return new XMLSerializer().serializeToString(svg);
}

function exportSVG() {
  download(`${state.fileStem}.svg`, new Blob([buildSVG()], { type: 'image/svg+xml' }));
}

function exportPNG() {
  if (state.cy && !state.timelineItems) {
    download(`${state.fileStem}.png`, state.cy.png({ output: 'blob', full: true, scale: 2, bg: '#ffffff' }));
    return;
  }
  const svgText = buildSVG();
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  img.onload = () => {
    const canvas = h('canvas', { width: img.width * 2, height: img.height * 2 });
    const ctx = canvas.getContext('2d');
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0);
    URL.revokeObjectURL(url);
    canvas.toBlob((blob) => download(`${state.fileStem}.png`, blob), 'image/png');
  };
  img.src = url;
}

// ---------------------------------------------------------------- search

function setupSearch() {
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

// ---------------------------------------------------------------- start

// window.armsgraph carries figures for tests and benchmarks: when the view
// was ready, how long its layout took, and a synthetic-lineage layout timer.
window.armsgraph = {
  readyAt: 0,
  layoutMs: 0,
  // benchLineageLayout lays out a synthetic lineage of n weapons (a tree of
  // derivations, four children each) with the lineage view's own renderer
  // and returns the milliseconds that took.
  benchLineageLayout(n) {
    resetGraph();
    state.view = 'lineage';
    state.centre = 'weapon/synth-0';
    for (let i = 0; i < n; i++) {
      state.nodes.set(`weapon/synth-${i}`, { id: `weapon/synth-${i}`, kind: 'WEAPON', name: `Synth ${i}`, aliases: [], confidence: null, country: `Country ${i % 7}`, countryId: `country/c${i % 7}`, citations: [], date: '' });
      if (i > 0) {
        const parent = `weapon/synth-${Math.floor((i - 1) / 4)}`;
        const id = `DERIVED_FROM|weapon/synth-${i}|${parent}`;
        state.edges.set(id, { id, source: parent, target: `weapon/synth-${i}`, type: 'DERIVED_FROM', label: 'variant', kind: 'variant', confidence: CONFIDENCES[i % 4], note: '', citations: [], properties: [] });
      }
    }
    state.total = n;
    drawGraph('dagre');
    return window.armsgraph.layoutMs;
  },
};

document.addEventListener('click', (ev) => {
  const a = ev.target.closest && ev.target.closest('a[href^="/"]');
  if (!a || a.hasAttribute('download') || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const path = a.getAttribute('href');
  if (!/^\/($|\?|entity\/|lineage\/|paths\/|timeline\/)/.test(path)) return;
  ev.preventDefault();
  navigate(path);
});
window.addEventListener('popstate', render);

document.addEventListener('DOMContentLoaded', () => {
  $('export-svg').addEventListener('click', exportSVG);
  $('export-png').addEventListener('click', exportPNG);
  $('export-csv').addEventListener('click', exportCSV);
  $('export-json').addEventListener('click', exportJSON);
  setupSearch();
  render();
});
