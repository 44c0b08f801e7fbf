// The flows view: a supplier × recipient matrix of transfer values over a
// chosen period, from Query.transferTotals (one total per pair, so an
// aggregate record and the records it covers never count twice). A cell
// lists the transfers behind it, with their sources; the matrix exports as
// CSV. /flows/<country> keeps the pairs that country is part of.
import { gql } from '../../api.js';
import { $, h, kindLabel } from '../dom.js';
import { state } from '../state.js';
import { setParams } from '../router.js';
import { textField, controlsForm } from '../controls.js';
import { citationsList } from '../provenance.js';

const CITE = 'locator note source { id title author publisher published publishedInferred document }';

const PAIR = 'supplier { id name } recipient { id name }';
const Q_PAIRS_ALL = `query FlowPairs($from: PartialDate, $to: PartialDate) {
  all: transfers(from: $from, to: $to) { ${PAIR} }
}`;
const Q_PAIRS_OF = `query FlowPairsOf($country: ID!, $from: PartialDate, $to: PartialDate) {
  country: entity(id: $country) { id name }
  out: transfers(supplier: $country, from: $from, to: $to) { ${PAIR} }
  in: transfers(recipient: $country, from: $from, to: $to) { ${PAIR} }
}`;

const Q_CELL = `query FlowCell($s: ID!, $r: ID!, $from: PartialDate, $to: PartialDate) {
  transferTotals(supplier: $s, recipient: $r, from: $from, to: $to) {
    valueUsd valueEstimated valuedCount
    parts { counted partial coveredBy { name }
      transfer { id name valueUsd valueEstimated ordered delivered from to item quantityOrdered quantityDelivered quantityUnit status citations { ${CITE} } } }
  }
}`;

// totalsQuery asks for the totals of every pair in one request (aliases).
function totalsQuery(pairs) {
  const vars = pairs.map((_, i) => `$s${i}: ID!, $r${i}: ID!`).join(', ');
  const fields = pairs.map((_, i) => `p${i}: transferTotals(supplier: $s${i}, recipient: $r${i}, from: $from, to: $to) { valueUsd valueEstimated valuedCount }`).join('\n  ');
  return `query FlowTotals(${vars}, $from: PartialDate, $to: PartialDate) {\n  ${fields}\n}`;
}

export const money = (v) => (v >= 1e9 ? `US$ ${(v / 1e9).toFixed(2)} bn` : v >= 1e6 ? `US$ ${(v / 1e6).toFixed(1)} m` : `US$ ${Math.round(v).toLocaleString('en-US')}`);

// flowTotals answers the totals of the pairs of transfers listed, in the
// period: [{supplier, recipient, valueUsd, valueEstimated, valuedCount}].
export async function flowTotals(transfers, from, to) {
  const pairs = new Map();
  for (const t of transfers) pairs.set(`${t.supplier.id}|${t.recipient.id}`, { supplier: t.supplier, recipient: t.recipient });
  const list = [...pairs.values()];
  if (!list.length) return [];
  const vars = { from: from || null, to: to || null };
  list.forEach((p, i) => { vars[`s${i}`] = p.supplier.id; vars[`r${i}`] = p.recipient.id; });
  const data = await gql(totalsQuery(list), vars);
  return list.map((p, i) => ({ ...p, ...data[`p${i}`], from, to }));
}

export async function showFlows(r, gen) {
  const p = r.params;
  const from = p.get('from') || '';
  const to = p.get('to') || '';
  state.view = 'flows';
  state.fileStem = `flows${r.country ? '-' + r.country.replace('/', '-') : ''}${from ? '-' + from : ''}${to ? '-' + to : ''}`;
  controlsForm([
    textField('From', 'from', from, 'YYYY[-MM[-DD]]', 10),
    textField('To', 'to', to, 'YYYY[-MM[-DD]]', 10),
  ], (f) => setParams({ from: f.get('from'), to: f.get('to') }));
  const one = !!r.country;
  const dates = { from: from || null, to: to || null };
  const data = one ? await gql(Q_PAIRS_OF, { country: r.country, ...dates }) : await gql(Q_PAIRS_ALL, dates);
  if (gen !== state.generation) return;
  if (one && !data.country) throw new Error(`No entity has the id "${r.country}".`);
  const rows = await flowTotals(one ? [...data.out, ...data.in] : data.all, from, to);
  if (gen !== state.generation) return;
  state.flowRows = rows;
  const where = one ? ` to and from ${data.country.name}` : '';
  const when = from || to ? `, ${from || '…'} to ${to || '…'}` : ', all dates';
  document.title = `Arms flows${where} · armsgraph`;
  $('title').textContent = `Arms flows${where}${when}`;
  $('subtitle').textContent = 'Value of transfers from each supplier (rows) to each recipient (columns), from transferTotals: an aggregate record and the records it covers count once. ≈ marks totals that include estimates. Click a cell for its transfers and their sources.';
  $('cy').hidden = true;
  drawMatrix(rows, from, to);
  const valued = rows.filter((x) => x.valuedCount > 0).length;
  $('status').textContent = `${rows.length} supplier–recipient pair${rows.length === 1 ? '' : 's'}, ${valued} with values.`;
}

function drawMatrix(rows, from, to) {
  const suppliers = [...new Map(rows.map((x) => [x.supplier.id, x.supplier])).values()].sort((a, b) => a.name.localeCompare(b.name));
  const recipients = [...new Map(rows.map((x) => [x.recipient.id, x.recipient])).values()].sort((a, b) => a.name.localeCompare(b.name));
  const cell = new Map(rows.map((x) => [`${x.supplier.id}|${x.recipient.id}`, x]));
  const table = h('table', { class: 'data flows' },
    h('caption', {}, 'Suppliers (rows) × recipients (columns)'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Supplier ↓ / recipient →'), recipients.map((c) => h('th', { scope: 'col' }, c.name)))),
    h('tbody', {}, suppliers.map((s) => h('tr', {}, h('th', { scope: 'row' }, s.name), recipients.map((c) => {
      const x = cell.get(`${s.id}|${c.id}`);
      if (!x) return h('td', {});
      const text = x.valuedCount ? `${x.valueEstimated ? '≈ ' : ''}${money(x.valueUsd)}` : 'no value given';
      return h('td', { class: x.valueEstimated ? 'estimated' : '' },
        h('button', {
          type: 'button', class: 'linkish', 'data-cell': `${s.id}|${c.id}`, 'data-value': x.valueUsd, 'data-estimated': x.valueEstimated ? 'true' : 'false',
          title: x.valueEstimated ? 'includes estimated values' : '', onclick: () => openCell(x, from, to),
        }, text));
    })))));
  $('timeline').hidden = false;
  $('timeline').replaceChildren(table);
  $('legend').replaceChildren(h('p', {}, '≈ the total includes estimated values (the sources estimate them).'));
  $('nodes-table').replaceChildren();
  $('edges-table').replaceChildren(h('caption', {}, 'A flow matrix has no edges; the cells list their transfers.'));
}

async function openCell(x, from, to) {
  const box = $('provenance');
  const key = `${x.supplier.id}|${x.recipient.id}`;
  box.dataset.selected = key;
  box.replaceChildren(h('p', { class: 'hint' }, 'Loading the transfers…'));
  const gen = state.generation;
  const data = await gql(Q_CELL, { s: x.supplier.id, r: x.recipient.id, from: from || null, to: to || null });
  if (gen !== state.generation || box.dataset.selected !== key) return;
  const tt = data.transferTotals;
  box.replaceChildren(
    h('h2', {}, `${x.supplier.name} → ${x.recipient.name}`),
    h('p', { class: 'meta' }, `${tt.valuedCount ? `${tt.valueEstimated ? '≈ ' : ''}${money(tt.valueUsd)}` : 'No value given'} from ${tt.valuedCount} valued record${tt.valuedCount === 1 ? '' : 's'}${tt.valueEstimated ? ', including estimates' : ''}.`),
    h('ul', { class: 'cell-transfers' }, tt.parts.map((pt) => {
      const t = pt.transfer;
      const period = [t.from || t.ordered, t.to || t.delivered].filter(Boolean).join(' → ');
      return h('li', { 'data-id': t.id },
        h('h3', {}, h('a', { href: `/entity/${t.id.split('/').map(encodeURIComponent).join('/')}` }, t.name)),
        h('p', { class: 'meta' }, [period, t.valueUsd ? `${t.valueEstimated ? '≈ ' : ''}${money(t.valueUsd)}` : 'no value', kindLabel(t.status || '')].filter(Boolean).join(' · '),
          pt.counted ? '' : ` · not counted: covered by ${pt.coveredBy ? pt.coveredBy.name : 'another record'}`,
          pt.partial ? ' · its period reaches outside the one asked for' : ''),
        citationsList(t.citations));
    })),
  );
}
