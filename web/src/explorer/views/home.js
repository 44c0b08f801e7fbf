// The home page: what the graph holds (entities per kind, relationships,
// datasets and when each was last ingested) and the largest flows between countries, above the examples.
import { gql } from '../../api.js';
import { $, h, kindLabel } from '../dom.js';
import { state } from '../state.js';
import { flowTotals, money } from './flows.js';
import { PLURAL } from '../groups.js';

const Q_HOME = `query Home {
  graphSummary { kinds { kind count } relationships datasets { name entities lastIngested loading } }
  transfers { supplier { id name } recipient { id name } }
}`;

const TOP_FLOWS = 5;

// ingested says when a dataset was last loaded (UTC, to the minute), or
// that a load of it is running (or was interrupted).
function ingested(d) {
  if (d.loading) return h('span', { class: 'dataset-loaded', 'data-dataset': d.name }, 'being loaded now');
  if (!d.lastIngested) return h('span', { class: 'dataset-loaded', 'data-dataset': d.name }, 'load time not recorded');
  const shown = `${d.lastIngested.slice(0, 10)} ${d.lastIngested.slice(11, 16)} UTC`;
  return h('span', { class: 'dataset-loaded', 'data-dataset': d.name }, 'last ingested ', h('time', { datetime: d.lastIngested }, shown));
}

export async function showHome(gen) {
  const data = await gql(Q_HOME);
  if (gen !== state.generation) return;
  const flows = (await flowTotals(data.transfers, '', '')).filter((f) => f.valuedCount > 0).sort((a, b) => b.valueUsd - a.valueUsd).slice(0, TOP_FLOWS);
  if (gen !== state.generation) return;
  const g = data.graphSummary;
  const n = (v) => v.toLocaleString('en-US');
  $('home-stats').replaceChildren(
    h('section', { class: 'stats' },
      h('h2', {}, 'What the graph holds'),
      h('ul', { class: 'counts' }, g.kinds.map((k) => h('li', { 'data-kind': k.kind }, h('strong', {}, n(k.count)), ' ', k.count === 1 ? kindLabel(k.kind).toLowerCase() : PLURAL[k.kind])),
        h('li', {}, h('strong', {}, n(g.relationships)), ' relationships')),
      h('p', {}, 'Datasets: ', g.datasets.flatMap((d, i) => [i ? ', ' : '', h('strong', {}, d.name), ' (', `${n(d.entities)} entities, `, ingested(d), ')']))),
    flows.length ? h('section', { class: 'stats' },
      h('h2', {}, 'Largest flows (all dates)'),
      h('ol', {}, flows.map((f) => h('li', {},
        h('a', { href: `/timeline/${f.supplier.id}/${f.recipient.id}` }, `${f.supplier.name} → ${f.recipient.name}`), ': ',
        `${f.valueEstimated ? '≈ ' : ''}${money(f.valueUsd)}`))),
      h('p', {}, h('a', { href: '/flows' }, 'All flows, as a supplier × recipient matrix'))) : '',
  );
}
