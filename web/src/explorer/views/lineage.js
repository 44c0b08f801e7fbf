// The lineage view: a weapon's ancestors and descendants, drawn top-down.
import { gql } from '../../api.js';
import { Q_LINEAGE } from '../queries.js';
import { $, link, kindLabel } from '../dom.js';
import { CONFIDENCES, state, nodeRecord } from '../state.js';
import { encId, setParams } from '../router.js';
import { numberField, selectField, controlsForm, intParam } from '../controls.js';
import { drawGraph } from '../draw.js';

export async function showLineage(r, gen) {
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
  if (gen !== state.generation) return;
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
