// Grouped neighbourhoods: an entity's neighbours come per relationship type,
// direction and kind (Query.neighborhoodSummary). Small groups are drawn as
// they are; each large one is drawn as one node ("1,043 weapons originated
// here") that opens as a paged, searchable list whose members can join the
// drawing. So a hub of any size opens with at most ELEMENT_BUDGET elements.
import { gql } from '../api.js';
import { Q_GROUP_PAGE } from './queries.js';
import { $, h, kindLabel } from './dom.js';
import { state, nodeRecord, relRecord } from './state.js';
import { encId } from './router.js';

// ELEMENT_BUDGET bounds the nodes and edges a grouped neighbourhood draws.
export const ELEMENT_BUDGET = 60;
// GROUP_FIRST is how many members of each group the summary brings: a group
// that small can be drawn whole.
export const GROUP_FIRST = 8;
const PAGE = 25;

export const PLURAL = {
  COUNTRY: 'countries', ORGANIZATION: 'organizations', PERSON: 'people', WEAPON: 'weapons',
  AGREEMENT: 'agreements', TRANSFER: 'transfers', EVENT: 'events', RESOLUTION: 'resolutions',
};

// What a group of each type and direction is, as a reader says it.
const PHRASES = {
  'ORIGINATES_FROM INCOMING': 'originated here',
  'SUPPLIER INCOMING': 'supplied',
  'RECIPIENT INCOMING': 'received',
  'NATIONAL_OF INCOMING': 'nationals',
  'HOLDS_POSITION INCOMING': 'held posts here',
  'PART_OF INCOMING': 'part of it',
  'PARTY_TO OUTGOING': 'party to',
  'PARTICIPATED_IN OUTGOING': 'took part in',
  'LOCATED_IN INCOMING': 'located here',
  'DERIVED_FROM INCOMING': 'derived from it',
  'DERIVED_FROM OUTGOING': 'it derives from',
  'ITEM INCOMING': 'transfers of it',
  'MANUFACTURED_BY INCOMING': 'made',
  'SIGNED INCOMING': 'signed it',
  'TARGETS INCOMING': 'targeting it',
};

const number = (n) => n.toLocaleString('en-US');

export function groupLabel(g) {
  const what = PLURAL[g.kind] || kindLabel(g.kind);
  const phrase = PHRASES[`${g.type} ${g.direction}`] || `${g.direction === 'INCOMING' ? '←' : '→'} ${g.type}`;
  return `${number(g.count)} ${what} ${phrase}`;
}

const groupId = (centre, g) => `group|${centre}|${g.type}|${g.direction}|${g.kind}`;

// addGroups adds the groups of centre to the drawing's state within budget
// elements: the smallest groups whole while they fit (keeping room for one
// node and one edge per group left), every other group as one node.
export function addGroups(centre, groups, budget) {
  let used = 0;
  const sorted = [...groups].sort((a, b) => a.count - b.count);
  sorted.forEach((g, i) => {
    const left = sorted.length - i - 1;
    const fresh = g.nodes.filter((n) => !state.nodes.has(n.id)).length;
    const whole = g.count <= g.nodes.length;
    if (whole && used + fresh + g.relationships.length + 2 * left <= budget) {
      for (const n of g.nodes) if (!state.nodes.has(n.id)) state.nodes.set(n.id, nodeRecord(n));
      for (const r of g.relationships) {
        const rec = relRecord(r);
        if (!state.edges.has(rec.id)) state.edges.set(rec.id, rec);
      }
      used += fresh + g.relationships.length;
      return;
    }
    const id = groupId(centre, g);
    if (state.nodes.has(id)) return;
    state.nodes.set(id, {
      id, kind: 'GROUP', name: groupLabel(g), aliases: [], confidence: null, country: '', countryId: '', citations: [], date: '', category: '',
      group: { centre, type: g.type, direction: g.direction, kind: g.kind, count: g.count },
    });
    const [source, target] = g.direction === 'INCOMING' ? [id, centre] : [centre, id];
    const eid = `${g.type}|${source}|${target}|group`;
    state.edges.set(eid, { id: eid, source, target, type: g.type, label: g.type, kind: '', confidence: null, note: '', citations: [], properties: [], key: 'group', group: true });
    used += 2;
  });
}

export const isGroup = (n) => n && n.kind === 'GROUP';

// openGroup shows a group as a paged, searchable list in the details panel.
export async function openGroup(n, redraw, text = '', offset = 0) {
  const g = n.group;
  const box = $('provenance');
  box.dataset.selected = n.id;
  const gen = state.generation;
  const data = await gql(Q_GROUP_PAGE, { id: g.centre, type: g.type, direction: g.direction, kind: g.kind, text: text || null, first: PAGE, offset });
  if (gen !== state.generation || box.dataset.selected !== n.id) return;
  const page = data.neighborGroup;
  const centreName = (state.nodes.get(g.centre) || { name: g.centre }).name;
  const search = h('input', { type: 'search', name: 'group-text', value: text, placeholder: 'Filter by name or alias', 'aria-label': `Filter the ${PLURAL[g.kind] || 'members'}` });
  let timer = 0;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => openGroup(n, redraw, search.value.trim(), 0).then(() => {
      const el = box.querySelector('input[name="group-text"]');
      if (el) { el.focus(); el.setSelectionRange(el.value.length, el.value.length); }
    }), 200);
  });
  const rels = new Map(page.relationships.map((r) => [g.direction === 'INCOMING' ? r.from.id : r.to.id, r]));
  const end = Math.min(offset + page.nodes.length, page.count);
  box.replaceChildren(
    h('h2', {}, groupLabel({ ...g, count: g.count })),
    h('p', { class: 'meta' }, `${kindLabel(g.kind)} · ${g.type} ${g.direction === 'INCOMING' ? 'to' : 'from'} ${centreName}; dated first by date, then by name.`),
    h('p', {}, search),
    h('p', { class: 'meta', role: 'status' }, page.count ? `${offset + 1}–${end} of ${number(page.count)}${text ? ` matching “${text}”` : ''}` : `None matches “${text}”.`),
    h('ul', { class: 'group-members' }, page.nodes.map((m) => h('li', { 'data-id': m.id },
      h('span', { class: 'name' }, m.name), ' ',
      h('span', { class: 'meta' }, [m.date || m.ordered || m.delivered || '', m.origin && m.origin.name, m.country && m.country.name].filter(Boolean).join(' · ')), ' ',
      state.nodes.has(m.id)
        ? h('span', { class: 'hint' }, 'drawn')
        : h('button', { type: 'button', 'data-add': m.id, onclick: () => { addMember(m, rels.get(m.id)); redraw(); openGroup(n, redraw, text, offset); } }, 'Add to drawing'),
      ' ', h('a', { href: `/entity/${encId(m.id)}` }, 'open')))),
    h('p', { class: 'actions' },
      offset > 0 ? h('button', { type: 'button', onclick: () => openGroup(n, redraw, text, Math.max(0, offset - PAGE)) }, '← Previous') : '', ' ',
      end < page.count ? h('button', { type: 'button', 'data-next': 'true', onclick: () => openGroup(n, redraw, text, offset + PAGE) }, 'Next →') : ''),
  );
}

function addMember(m, rel) {
  state.nodes.set(m.id, nodeRecord(m));
  if (rel) {
    const rec = relRecord(rel);
    state.edges.set(rec.id, rec);
  }
  state.extraNote = `Added ${m.name} to the drawing.`;
}
