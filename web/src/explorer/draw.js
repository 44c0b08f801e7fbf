// Drawing a graph with Cytoscape: styles, layouts, the legend and the status line.
import cytoscape from 'cytoscape';
import { $, h, s, kindLabel } from './dom.js';
import { colourOf, SHAPES } from './colours.js';
import { CONFIDENCES, state } from './state.js';
import { showError } from './router.js';
import { expand } from './views/entity.js';
import { renderTables } from './tables.js';
import { select } from './provenance.js';

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
export function drawnElements() {
  const ids = [...state.nodes.keys()];
  if (state.centre && state.nodes.has(state.centre)) ids.sort((x, y) => (x === state.centre ? -1 : y === state.centre ? 1 : 0));
  const keep = new Set(ids.slice(0, state.cap));
  const nodes = ids.filter((id) => keep.has(id)).map((id) => state.nodes.get(id));
  const edges = [...state.edges.values()].filter((e) => keep.has(e.source) && keep.has(e.target));
  return { nodes, edges };
}

export function drawGraph(layout) {
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

export function renderStatus(nNodes, nEdges) {
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

export function lineAttrs(conf) {
  const base = { stroke: '#6b7280', 'stroke-width': 2 };
  if (conf === 'REPORTED') return { ...base, 'stroke-dasharray': '6 4' };
  if (conf === 'ALLEGED') return { ...base, 'stroke-dasharray': '2 3' };
  if (conf === 'DISPUTED') return { ...base, stroke: '#b91c1c', 'stroke-dasharray': '2 3 8 3' };
  return base;
}
