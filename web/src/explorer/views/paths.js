// The paths view: the shortest paths between two entities, hop by hop.
import { gql } from '../../api.js';
import { Q_PATHS } from '../queries.js';
import { $, h } from '../dom.js';
import { state, relRecord, addSubgraph } from '../state.js';
import { setParams } from '../router.js';
import { numberField, textField, kindChecks, controlsForm, list, intParam } from '../controls.js';
import { drawGraph } from '../draw.js';
import { entityButton } from '../tables.js';
import { select } from '../provenance.js';

export async function showPaths(r, gen) {
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
  if (gen !== state.generation) return;
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
