// The node and edge tables: the text equivalent of every drawing.
import { $, h, link, kindLabel } from './dom.js';
import { state } from './state.js';
import { encId } from './router.js';
import { select } from './provenance.js';

export function entityButton(id, name) {
  return h('button', { type: 'button', class: 'linkish', 'data-node': id, onclick: () => select(id) }, name);
}

export function renderTables(nodes, edges) {
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

// renderGroups lists the groups drawn as one node each, with a button that
// opens each as a list (the text equivalent of the group nodes).
export function renderGroups(groups) {
  if (state.view !== 'entity') return;
  $('listing').replaceChildren(...(groups.length ? [
    h('h2', {}, 'Grouped neighbours'),
    h('table', { class: 'data groups' },
      h('thead', {}, h('tr', {}, ['Group', 'Of', 'Relationship', 'Count'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, groups.map((n) => h('tr', { 'data-id': n.id },
        h('td', {}, h('button', { type: 'button', class: 'linkish', 'data-group': n.id, onclick: () => select(n.id) }, n.name)),
        h('td', {}, (state.nodes.get(n.group.centre) || { name: n.group.centre }).name),
        h('td', {}, `${n.group.type} (${n.group.direction.toLowerCase()})`),
        h('td', {}, n.group.count.toLocaleString('en-US')))))),
  ] : []));
}
