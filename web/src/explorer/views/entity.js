// The entity view: a neighbourhood around one entity, expanded by clicks.
import { gql } from '../../api.js';
import { Q_ENTITY, Q_EXPAND, Q_ENTITY_GROUPED, Q_GROUPS, withinCost } from '../queries.js';
import { $, link, kindLabel } from '../dom.js';
import { DRAW_CAP, state, addSubgraph, nodeRecord } from '../state.js';
import { encId, setParams } from '../router.js';
import { numberField, textField, controlsForm, list, intParam, matchField, matchParam, matchURL } from '../controls.js';
import { startOf, endOf } from '../dates.js';
import { drawGraph } from '../draw.js';
import { select, renderFacts } from '../provenance.js';
import { ELEMENT_BUDGET, GROUP_FIRST, addGroups, isGroup } from '../groups.js';

export async function showEntity(r, gen) {
  const p = r.params;
  const depth = intParam(p, 'depth', 1);
  const limit = intParam(p, 'limit', 200);
  const types = list(p.get('types'));
  const from = p.get('from') || '';
  const to = p.get('to') || '';
  const mode = matchParam(p);
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
    matchField(mode, 'Keep entities whose dates'),
  ], (f) => setParams({ depth: f.get('depth'), limit: f.get('limit'), cap: f.get('cap') === String(DRAW_CAP) ? '' : f.get('cap'), types: list(f.get('types')), from: f.get('from'), to: f.get('to'), match: matchURL(f.get('match')) }));

  // One hop with no type filter opens grouped (the default): a hub of any
  // size draws at most ELEMENT_BUDGET elements. ?groups=off, a depth or a
  // type filter asks for the plain neighbourhood, cut at its limit.
  state.grouped = depth === 1 && !types.length && p.get('groups') !== 'off';
  if (state.grouped) return showGrouped(r, gen, from, to, mode);
  const { data, granted } = await withinCost(limit, (l) => gql(Q_ENTITY, { id: r.id, depth, types: types.length ? types : null, limit: l }));
  if (gen !== state.generation) return;
  const e = data.entity;
  if (!e) throw new Error(`No entity has the id "${r.id}". Search for it by name above.`);
  document.title = `${e.name} · armsgraph`;
  $('title').textContent = e.name;
  showHeading(e, `neighbourhood within ${depth} hop${depth > 1 ? 's' : ''}; click a node to expand its neighbours. `);
  addSubgraph(data.neighborhood, [e]);
  state.total = state.nodes.size;
  if (granted < limit) {
    state.extraNote = `The service's cost limit allows ${granted} of the ${limit} entities asked for in one request${data.neighborhood.truncated ? '; the neighbourhood was cut there' : ''}: lower the depth or filter by type for the rest.`;
  } else if (data.neighborhood.truncated) {
    state.extraNote = `The service cut the neighbourhood at its limit (${limit}); raise the limit, lower the depth or filter by type for the rest.`;
  }
  applyDateFilter(from, to, mode);
  state.expandTypes = types.length ? types : null;
  drawGraph('force');
}

function showHeading(e, what) {
  document.title = `${e.name} · armsgraph`;
  $('title').textContent = e.name;
  $('subtitle').replaceChildren(`${kindLabel(e.kind)} · ${what}`,
    e.kind === 'WEAPON' ? link(`/lineage/${encId(e.id)}`, 'Show its lineage') : '',
    e.kind === 'COUNTRY' ? link(`/timeline/${encId(e.id)}`, 'Show its timeline') : '');
  renderFacts(e);
  state.centre = e.id;
  state.view = 'entity';
}

async function showGrouped(r, gen, from, to, mode) {
  const data = await gql(Q_ENTITY_GROUPED, { id: r.id, first: GROUP_FIRST });
  if (gen !== state.generation) return;
  const e = data.entity;
  if (!e) throw new Error(`No entity has the id "${r.id}". Search for it by name above.`);
  showHeading(e, 'neighbours grouped by relationship and kind; a large group is one node: click it to list, search and add its members. Click an entity to expand it. ');
  state.nodes.set(e.id, nodeRecord(e));
  addGroups(e.id, data.neighborhoodSummary, ELEMENT_BUDGET - 1);
  state.total = state.nodes.size;
  applyDateFilter(from, to, mode);
  state.expandTypes = null;
  drawGraph('force');
}

// applyDateFilter hides dated nodes and relationships that do not match
// [from, to] as the API's date filters would: overlapping it, or with
// mode within, lying within it (a partial date covers all its days);
// undated ones stay.
function applyDateFilter(from, to, mode) {
  if (!from && !to) return;
  const lo = from ? startOf(from) : '0000-00-00';
  const hi = to ? endOf(to) : '9999-99-99';
  const outside = mode === 'within'
    ? (d) => d && (startOf(d) < lo || endOf(d) > hi)
    : (d) => d && (endOf(d) < lo || startOf(d) > hi);
  let hidden = 0;
  for (const [id, n] of state.nodes) {
    if (id !== state.centre && outside(n.date)) { state.nodes.delete(id); hidden++; }
  }
  for (const [id, e] of state.edges) {
    const d = e.properties.find((pr) => /^(date|from|since|start|ordered|signed)$/.test(pr.key));
    if ((d && outside(d.value)) || !state.nodes.has(e.source) || !state.nodes.has(e.target)) state.edges.delete(id);
  }
  const how = mode === 'within' ? 'not within' : 'outside';
  state.extraNote = [state.extraNote, `Dates ${from || '…'} to ${to || '…'}: ${hidden} dated entit${hidden === 1 ? 'y' : 'ies'} ${how} the range hidden.`].filter(Boolean).join(' ');
}


export async function expand(id) {
  if (state.view !== 'entity' || state.expanded.has(id) || id === state.centre || isGroup(state.nodes.get(id))) return;
  state.expanded.add(id);
  const before = state.nodes.size;
  if (state.grouped) {
    const data = await gql(Q_GROUPS, { id, first: GROUP_FIRST });
    addGroups(id, data.neighborhoodSummary, ELEMENT_BUDGET);
  } else {
    const { data } = await withinCost(200, (l) => gql(Q_EXPAND, { id, types: state.expandTypes, limit: l }));
    addSubgraph(data.neighborhood);
  }
  state.total = state.nodes.size;
  const added = state.nodes.size - before;
  state.extraNote = `Expanded ${state.nodes.get(id).name}: ${added} new entit${added === 1 ? 'y' : 'ies'}.`;
  drawGraph('force');
  select(id);
}
