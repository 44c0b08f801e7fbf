// The state of the current view: the nodes and edges it holds, and how API answers become records.
import { countryOf } from './colours.js';

// DRAW_CAP bounds how many nodes one drawing holds by default (the entity
// view's "Draw at most" changes it, 10-1000); larger answers are cut with
// "showing N of M" so that the page stays responsive.
export const DRAW_CAP = 300;
export const KINDS = ['COUNTRY', 'ORGANIZATION', 'PERSON', 'WEAPON', 'AGREEMENT', 'TRANSFER', 'EVENT', 'RESOLUTION'];
export const CONFIDENCES = ['CONFIRMED', 'REPORTED', 'ALLEGED', 'DISPUTED'];


export const state = {
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
  generation: 0, // bumped by every render; answers to an older one are dropped
};

export function nodeRecord(e) {
  const c = countryOf(e);
  return {
    id: e.id, kind: e.kind, name: e.name, aliases: e.aliases || [], confidence: e.confidence || null,
    country: c ? c.name : '', countryId: c ? c.id : '', citations: e.citations || null,
    date: e.date || e.ordered || e.delivered || '', category: e.category || '',
  };
}

export function relRecord(r) {
  return {
    id: `${r.type}|${r.from.id}|${r.to.id}|${r.key}`, source: r.from.id, target: r.to.id, type: r.type,
    label: r.kind ? `${r.type} (${r.kind})` : r.type, kind: r.kind || '', confidence: r.confidence || null,
    note: r.note || '', citations: r.citations || null, properties: r.properties || [],
    key: r.key,
  };
}

export function resetGraph() {
  state.nodes = new Map();
  state.edges = new Map();
  state.centre = null;
  state.total = 0;
  state.timelineItems = null;
  state.flowRows = null;
  state.extraNote = '';
  state.expanded = new Set();
  state.cap = DRAW_CAP;
}


export function addSubgraph(sub, extra) {
  for (const n of [...(extra || []), ...sub.nodes]) if (!state.nodes.has(n.id)) state.nodes.set(n.id, nodeRecord(n));
  for (const rel of sub.relationships) {
    const rec = relRecord(rel);
    if (!state.edges.has(rec.id)) state.edges.set(rec.id, rec);
  }
}

