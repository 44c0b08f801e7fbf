// Drawing a graph with Cytoscape: styles, layouts, the legend and the status line.
import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import { $, h, s, kindLabel } from './dom.js';
import { colourOf, SHAPES } from './colours.js';
import { CONFIDENCES, state } from './state.js';
import { showError } from './router.js';
import { expand } from './views/entity.js';
import { renderTables } from './tables.js';
import { select } from './provenance.js';
import { isGroup } from './groups.js';
import { renderGroups } from './tables.js';

cytoscape.use(fcose);

const STYLE = [
  { selector: 'node', style: {
    label: 'data(name)', 'background-color': 'data(color)', shape: 'data(shape)', width: 26, height: 26,
    'font-size': 11, 'text-valign': 'bottom', 'text-margin-y': 4, 'text-wrap': 'wrap', 'text-max-width': 120,
    color: '#1b1f24', 'text-background-color': '#ffffff', 'text-background-opacity': 0.8, 'text-background-padding': 1,
    'border-width': 1, 'border-color': '#444',
  } },
  { selector: 'node.group', style: {
    shape: 'round-rectangle', width: 150, height: 44, 'text-valign': 'center', 'text-halign': 'center', 'text-margin-y': 0, 'text-max-width': 140,
    'background-color': '#f3f4f6', 'border-style': 'dashed', 'border-color': '#6b7280', 'text-background-opacity': 0, 'font-size': 11,
  } },
  { selector: 'node.centre', style: { width: 36, height: 36, 'border-width': 4, 'border-color': '#111', 'font-weight': 'bold' } },
  { selector: 'edge', style: {
    width: 'data(width)', 'line-color': 'data(colour)', 'target-arrow-color': 'data(colour)', 'target-arrow-shape': 'triangle',
    'curve-style': 'bezier', label: '', 'font-size': 9, color: '#374151', 'text-rotation': 'autorotate',
    'text-background-color': '#ffffff', 'text-background-opacity': 0.85, 'text-background-padding': 1,
  } },
  // Edge labels show on hover and selection only; the colour and the legend
  // say the type otherwise.
  { selector: 'edge.hover, edge:selected', style: { label: 'data(label)', 'z-index': 10 } },
  // A lineage's edges are all DERIVED_FROM: the kind (copy, variant …) is
  // what they say, so a small lineage keeps its edge labels.
  { selector: 'edge.labelled', style: { label: 'data(label)' } },
  { selector: 'node.nolabel', style: { label: '' } },
  { selector: 'node.hover', style: { label: 'data(name)', 'z-index': 20, 'text-background-opacity': 1 } },
  { selector: '.filtered', style: { display: 'none' } },
  { selector: 'edge[confidence = "REPORTED"]', style: { 'line-style': 'dashed' } },
  { selector: 'edge[confidence = "ALLEGED"]', style: { 'line-style': 'dotted', width: 2.5 } },
  { selector: 'edge[confidence = "DISPUTED"]', style: { 'line-style': 'dashed', 'line-dash-pattern': [2, 3, 8, 3], 'line-color': '#b91c1c', 'target-arrow-color': '#b91c1c', color: '#b91c1c' } },
  { selector: ':selected', style: { 'overlay-color': '#2563eb', 'overlay-opacity': 0.25, 'overlay-padding': 6 } },
  { selector: 'edge:selected', style: { width: 4, 'line-color': '#2563eb', 'target-arrow-color': '#2563eb' } },
];

// Relationship types get fixed colours (the legend names them).
const TYPE_PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f', '#393b79', '#637939', '#843c39'];
export function typeColour(type) {
  let x = 0;
  for (const ch of type) x = (x * 31 + ch.charCodeAt(0)) >>> 0;
  return TYPE_PALETTE[x % TYPE_PALETTE.length];
}

// mergeParallel draws the edges between the same two nodes in the same
// direction as one, labelled with their types and a count; drawnEdge maps
// each edge id to the id of the element that draws it.
function mergeParallel(edges) {
  const byPair = new Map();
  for (const e of edges) {
    const k = `${e.source}\u0000${e.target}`;
    if (!byPair.has(k)) byPair.set(k, []);
    byPair.get(k).push(e);
  }
  state.drawnEdge = new Map();
  return [...byPair.values()].map((es) => {
    const [e] = es;
    const id = es.length === 1 ? e.id : `merged|${e.source}|${e.target}`;
    for (const x of es) state.drawnEdge.set(x.id, id);
    const types = [...new Set(es.map((x) => x.type))];
    const confs = new Set(es.map((x) => x.confidence || 'NONE'));
    const label = es.length === 1 ? e.label + (CONF_MARK[e.confidence] || '') : `${types.join(', ')} ×${es.length}`;
    return { group: 'edges', data: {
      id, source: e.source, target: e.target, label, types: types.join(' '), first: e.id, count: es.length,
      confidence: confs.size === 1 ? [...confs][0] : 'NONE', colour: types.length === 1 ? typeColour(types[0]) : '#6b7280', width: Math.min(2 + (es.length - 1), 6),
    } };
  });
}

// declutter hides the labels that would overlap another label or another
// node, keeping the centre's label always, then the groups', then the
// best-connected nodes' (a hidden label shows on hover). Label boxes are in
// model coordinates, so the answer holds at every zoom.
function declutter(cy) {
  const order = cy.nodes(':visible').sort((a, b) => (b.hasClass('centre') - a.hasClass('centre')) || (b.hasClass('group') - a.hasClass('group')) || (b.degree() - a.degree()));
  cy.nodes().removeClass('nolabel');
  const kept = [];
  const bodies = order.map((n) => ({ id: n.id(), box: n.boundingBox({ includeLabels: false, includeEdges: false, includeOverlays: false }) }));
  const overlaps = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  order.forEach((n) => {
    if (!n.data('name')) return;
    const box = n.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false });
    const clash = kept.some((k) => overlaps(k, box)) || bodies.some((b) => b.id !== n.id() && overlaps(b.box, box));
    if (clash && !n.hasClass('centre')) n.addClass('nolabel');
    else kept.push(box);
  });
}

const CONF_MARK = { CONFIRMED: '', REPORTED: ' (reported)', ALLEGED: ' (alleged)', DISPUTED: ' ✕ disputed' };

// drawnElements applies the draw cap: nearest nodes first (the order the
// API answered in, the centre first), and the edges among those kept.
export function drawnElements() {
  const ids = [...state.nodes.keys()];
  if (state.centre && state.nodes.has(state.centre)) ids.sort((x, y) => (x === state.centre ? -1 : y === state.centre ? 1 : 0));
  const keep = new Set(ids.slice(0, state.cap));
  const nodes = ids.filter((id) => keep.has(id)).map((id) => state.nodes.get(id));
  const edges = [...state.edges.values()].filter((e) => keep.has(e.source) && keep.has(e.target));
  return { nodes, edges };
}

export function drawGraph(layout, nocache) {
  const began = performance.now();
  const { nodes, edges } = drawnElements();
  const elements = [
    ...nodes.map((n) => ({ group: 'nodes', data: { id: n.id, name: n.name, kind: n.kind, color: isGroup(n) ? '#e5e7eb' : colourOf(n.countryId), shape: SHAPES[n.kind] || 'ellipse' }, classes: n.id === state.centre ? 'centre' : isGroup(n) ? 'group' : '' })),
    ...mergeParallel(edges).map((e) => (state.view === 'lineage' && edges.length <= 60 ? { ...e, classes: 'labelled' } : e)),
  ];
  if (state.cy) state.cy.destroy();
  const cy = cytoscape({
    container: $('cy'), elements, style: STYLE, layout: { name: 'preset' },
    wheelSensitivity: 0.3, minZoom: 0.1, maxZoom: 4, boxSelectionEnabled: false,
  });
  state.cy = cy;
  window.armsgraph.cy = cy;
  const t0 = performance.now();
  // A drawing seen before in this tab (the same view and the same
  // elements) takes the positions its layout gave then: no layout to run,
  // and the picture does not move between visits.
  const key = nocache ? '' : layoutKey(layout, elements);
  const cached = key && cachedPositions(key);
  cy.layout(cached ? { name: 'preset', positions: (n) => cached[n.id()], fit: true, padding: 30 } : layoutOptions(layout, cy)).run();
  if (key && !cached) keepPositions(key, cy);
  if (window.armsgraph.timing) window.armsgraph.timing.layoutCached = !!cached;
  // A small graph fitted to the canvas would be drawn huge.
  if (cy.zoom() > 1.4) { cy.zoom(1.4); cy.center(); }
  window.armsgraph.layoutMs = performance.now() - t0;
  cy.on('tap', 'node', (ev) => {
    select(ev.target.id());
    expand(ev.target.id()).catch((err) => showError(err.message));
  });
  cy.on('tap', 'edge', (ev) => select(ev.target.data('first')));
  cy.on('mouseover', 'node, edge', (ev) => ev.target.addClass('hover'));
  cy.on('mouseout', 'node, edge', (ev) => ev.target.removeClass('hover'));
  const d0 = performance.now();
  declutter(cy);
  if (window.armsgraph.timing) window.armsgraph.timing.declutterMs = performance.now() - d0;
  state.declutter = () => declutter(cy);
  // Groups are drawn, but the tables and the legend list entities.
  const entities = nodes.filter((n) => !isGroup(n));
  const rels = edges.filter((e) => !e.group);
  renderTables(entities, rels);
  renderGroups(nodes.filter(isGroup));
  renderLegend(entities, rels);
  renderStatus(entities.length, rels.length, nodes.length - entities.length);
  const timing = window.armsgraph.timing;
  if (timing) { timing.layoutMs += window.armsgraph.layoutMs; timing.drawMs += performance.now() - began; }
}

// Layout cache: positions per drawing in sessionStorage (this tab only),
// at most LAYOUTS_KEPT drawings, keyed by the layout, the URL and a hash of
// the element ids.
const LAYOUT_PREFIX = 'armsgraph.layout.';
const LAYOUTS_KEPT = 30;

function layoutKey(layout, elements) {
  let x = 2166136261;
  const ids = elements.map((e) => e.data.id).sort().join('\n');
  for (let i = 0; i < ids.length; i++) x = Math.imul(x ^ ids.charCodeAt(i), 16777619) >>> 0;
  return `${LAYOUT_PREFIX}${layout}|${location.pathname}${location.search}|${elements.length}|${x.toString(36)}`;
}

function cachedPositions(key) {
  try {
    const v = sessionStorage.getItem(key);
    return v ? JSON.parse(v) : null;
  } catch { return null; }
}

function keepPositions(key, cy) {
  const pos = {};
  cy.nodes().forEach((n) => { const p = n.position(); pos[n.id()] = { x: Math.round(p.x), y: Math.round(p.y) }; });
  try {
    const keys = Object.keys(sessionStorage).filter((k) => k.startsWith(LAYOUT_PREFIX));
    if (keys.length >= LAYOUTS_KEPT) for (const k of keys.slice(0, keys.length - LAYOUTS_KEPT + 1)) sessionStorage.removeItem(k);
    sessionStorage.setItem(key, JSON.stringify(pos));
  } catch { /* storage full or off: draw without the cache */ }
}

const LARGE_DRAWING = 150;

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
  // A neighbourhood: force-directed, long edges so that labels have room.
  // A large drawing (an ungrouped neighbourhood of hundreds) takes fcose's
  // draft quality (its spectral layout alone) and fewer iterations: the
  // polishing costs seconds there and changes little at that density.
  const large = cy.nodes().length > LARGE_DRAWING;
  return {
    name: 'fcose', quality: large ? 'draft' : 'default', randomize: true, animate: false, fit: true, padding: 30,
    nodeDimensionsIncludeLabels: true, idealEdgeLength: () => 110, nodeRepulsion: () => 9000, nodeSeparation: 90,
    numIter: large ? 1000 : 2500,
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

export function renderStatus(nNodes, nEdges, nGroups = 0) {
  const parts = [];
  if (state.total > nNodes + nGroups) parts.push(`Showing ${nNodes} of ${state.total} entities (the nearest); narrow the question to see the rest.`);
  else parts.push(`Showing ${nNodes} entit${nNodes === 1 ? 'y' : 'ies'} and ${nEdges} relationship${nEdges === 1 ? '' : 's'}${nGroups ? `, and ${nGroups} group${nGroups === 1 ? '' : 's'} of neighbours` : ''}.`);
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
  // Filters: relationship types (by colour) and kinds, applied to the drawing.
  const types = [...new Set(edges.map((e) => e.type))].sort();
  const kinds = [...new Set(nodes.map((n) => n.kind))].sort();
  const check = (name, value, label) => h('label', {}, h('input', { type: 'checkbox', name, value, checked: true, onchange: applyFilters }), ' ', label);
  $('legend').replaceChildren(
    h('ul', { 'aria-label': 'Colours: country' }, items),
    h('ul', { 'aria-label': 'Lines: confidence' }, lines),
    types.length ? h('ul', { class: 'filter', 'aria-label': 'Relationship types (colour); untick to hide' }, types.map((ty) =>
      h('li', {}, check('show-type', ty, [s('svg', { width: 24, height: 10, 'aria-hidden': 'true' }, s('line', { x1: 0, y1: 5, x2: 24, y2: 5, stroke: typeColour(ty), 'stroke-width': 3 })), ' ', ty])))) : '',
    kinds.length > 1 ? h('ul', { class: 'filter', 'aria-label': 'Kinds; untick to hide' }, kinds.map((k) => h('li', {}, check('show-kind', k, kindLabel(k))))) : '',
  );
}

// applyFilters hides the drawn edges whose types are all unticked and the
// nodes whose kind is unticked (the centre stays).
function applyFilters() {
  const cy = state.cy;
  if (!cy) return;
  const off = (name) => new Set([...document.querySelectorAll(`#legend input[name="${name}"]`)].filter((x) => !x.checked).map((x) => x.value));
  const types = off('show-type');
  const kinds = off('show-kind');
  cy.batch(() => {
    cy.edges().forEach((e) => e.toggleClass('filtered', e.data('types').split(' ').every((ty) => types.has(ty))));
    cy.nodes().forEach((n) => n.toggleClass('filtered', !n.hasClass('centre') && kinds.has(n.data('kind'))));
  });
  declutter(cy);
}

export function lineAttrs(conf) {
  const base = { stroke: '#6b7280', 'stroke-width': 2 };
  if (conf === 'REPORTED') return { ...base, 'stroke-dasharray': '6 4' };
  if (conf === 'ALLEGED') return { ...base, 'stroke-dasharray': '2 3' };
  if (conf === 'DISPUTED') return { ...base, stroke: '#b91c1c', 'stroke-dasharray': '2 3 8 3' };
  return base;
}
