// The flows view: a supplier × recipient matrix of transfer values over a
// chosen period, from Query.transferTotals (one total per pair, so an
// aggregate record and the records it covers never count twice). A cell
// lists the transfers behind it, with their sources; the matrix exports as
// CSV. /flows/<country> keeps the pairs that country is part of.
import { gql } from '../../api.js';
import { $, h, kindLabel } from '../dom.js';
import { state } from '../state.js';
import { setParams } from '../router.js';
import { textField, selectField, controlsForm, matchField, matchParam, matchValue, matchURL } from '../controls.js';
import { citationsList, registerRow } from '../provenance.js';

const CITE = 'locator note source { id title author publisher published publishedInferred document }';

const PAIR = 'supplier { id name } recipient { id name }';
const DATES = '$from: PartialDate, $to: PartialDate, $match: DateMatch';
const WHEN = 'from: $from, to: $to, match: $match';
const Q_PAIRS_ALL = `query FlowPairs(${DATES}) {
  all: transfers(${WHEN}) { ${PAIR} }
}`;
const Q_PAIRS_OF = `query FlowPairsOf($country: ID!, ${DATES}) {
  country: entity(id: $country) { id name }
  out: transfers(supplier: $country, ${WHEN}) { ${PAIR} }
  in: transfers(recipient: $country, ${WHEN}) { ${PAIR} }
}`;

const TOTALS = 'valueUsd valueEstimated valuedCount tivOrder tivDelivered tivCount tivEstimated';
const Q_CELL = `query FlowCell($s: ID!, $r: ID!, ${DATES}) {
  transferTotals(supplier: $s, recipient: $r, ${WHEN}) {
    ${TOTALS}
    parts { counted partial coveredBy { name }
      transfer { id name valueUsd valueEstimated tivUnit tivOrder tivDelivered estimated ordered delivered from to item quantityOrdered quantityDelivered quantityUnit status citations { ${CITE} } } }
  }
}`;

// totalsQuery asks for the totals of every pair in one request (aliases).
function totalsQuery(pairs) {
  const vars = pairs.map((_, i) => `$s${i}: ID!, $r${i}: ID!`).join(', ');
  const fields = pairs.map((_, i) => `p${i}: transferTotals(supplier: $s${i}, recipient: $r${i}, ${WHEN}) { ${TOTALS} }`).join('\n  ');
  return `query FlowTotals(${vars}, ${DATES}) {\n  ${fields}\n}`;
}

// The two units of the matrix. US$ is what the sources state a deal is
// worth; TIV is SIPRI's trend-indicator value, a measure of the volume of
// military capability transferred, not a price. The API sums them apart
// and the explorer never turns one into the other: a cell shows the unit
// chosen, or says that it holds only the other one.
export const UNITS = {
  usd: {
    name: 'US$', has: (x) => x.valuedCount > 0, estimated: (x) => x.valueEstimated, value: (x) => x.valueUsd,
    text: (v) => money(v),
    meaning: 'US$: the value of the deals in US dollars, as the sources state it (contract values at the time, not adjusted for inflation).',
  },
  tiv: {
    name: 'TIV', has: (x) => x.tivCount > 0, estimated: (x) => x.tivEstimated, value: (x) => x.tivDelivered,
    text: (v) => `TIV ${tiv(v)}`,
    meaning: 'TIV: SIPRI trend-indicator values of the weapons delivered (millions of TIV), a volume measure of the military capability transferred; not a price, and not convertible into US$.',
  },
};

export const tiv = (v) => (Math.round(v * 100) / 100).toLocaleString('en-US');

export const money = (v) => (v >= 1e9 ? `US$ ${(v / 1e9).toFixed(2)} bn` : v >= 1e6 ? `US$ ${(v / 1e6).toFixed(1)} m` : `US$ ${Math.round(v).toLocaleString('en-US')}`);

// flowTotals answers the totals of the pairs of transfers listed, in the
// period: [{supplier, recipient, valueUsd, valueEstimated, valuedCount,
// tivOrder, tivDelivered, tivCount, tivEstimated}].
export async function flowTotals(transfers, from, to, match) {
  const pairs = new Map();
  for (const t of transfers) pairs.set(`${t.supplier.id}|${t.recipient.id}`, { supplier: t.supplier, recipient: t.recipient });
  const list = [...pairs.values()];
  if (!list.length) return [];
  const vars = { from: from || null, to: to || null, match: match || null };
  list.forEach((p, i) => { vars[`s${i}`] = p.supplier.id; vars[`r${i}`] = p.recipient.id; });
  const data = await gql(totalsQuery(list), vars);
  return list.map((p, i) => ({ ...p, ...data[`p${i}`], from, to, match: match || 'OVERLAPS' }));
}

export async function showFlows(r, gen) {
  const p = r.params;
  const from = p.get('from') || '';
  const to = p.get('to') || '';
  const mode = matchParam(p);
  const unit = p.get('unit') === 'tiv' ? 'tiv' : 'usd';
  const match = from || to ? matchValue(mode) : null;
  state.view = 'flows';
  state.fileStem = `flows${r.country ? '-' + r.country.replace('/', '-') : ''}${from ? '-' + from : ''}${to ? '-' + to : ''}${match === 'WITHIN' ? '-within' : ''}`;
  controlsForm([
    textField('From', 'from', from, 'YYYY[-MM[-DD]]', 10),
    textField('To', 'to', to, 'YYYY[-MM[-DD]]', 10),
    matchField(mode, 'Count transfers that'),
    selectField('Unit', 'unit', [['usd', 'US$ (values the sources state)'], ['tiv', 'TIV (SIPRI trend-indicator values)']], unit),
  ], (f) => setParams({ from: f.get('from'), to: f.get('to'), match: matchURL(f.get('match')), unit: f.get('unit') === 'tiv' ? 'tiv' : '' }));
  const one = !!r.country;
  const dates = { from: from || null, to: to || null, match };
  const data = one ? await gql(Q_PAIRS_OF, { country: r.country, ...dates }) : await gql(Q_PAIRS_ALL, dates);
  if (gen !== state.generation) return;
  if (one && !data.country) throw new Error(`No entity has the id "${r.country}".`);
  const rows = await flowTotals(one ? [...data.out, ...data.in] : data.all, from, to, match);
  if (gen !== state.generation) return;
  state.flowRows = rows;
  const where = one ? ` to and from ${data.country.name}` : '';
  const when = from || to ? `, ${from || '…'} to ${to || '…'}${match === 'WITHIN' ? ' (transfers within the dates)' : ''}` : ', all dates';
  const u = UNITS[unit];
  document.title = `Arms flows${where} · armsgraph`;
  $('title').textContent = `Arms flows${where}${when}, in ${u.name}`;
  $('subtitle').textContent = `${unit === 'tiv' ? 'SIPRI trend-indicator value of the weapons delivered' : 'Value of transfers'} from each supplier (rows) to each recipient (columns), from transferTotals: an aggregate record and the records it covers count once. ≈ marks totals that include estimates. Click a cell for its transfers and their sources.`;
  $('cy').hidden = true;
  drawMatrix(rows, { from, to, match, unit });
  const valued = rows.filter((x) => u.has(x)).length;
  $('status').textContent = `${rows.length} supplier–recipient pair${rows.length === 1 ? '' : 's'}, ${valued} with ${u.name} figures.`;
}

// cellText is what a cell says in the unit chosen: the total, marked ≈
// when it includes estimates, or which unit the cell has instead.
function cellText(x, unit) {
  const u = UNITS[unit];
  if (u.has(x)) return `${u.estimated(x) ? '≈ ' : ''}${u.text(u.value(x))}`;
  const other = UNITS[unit === 'usd' ? 'tiv' : 'usd'];
  return other.has(x) ? `${other.name} only` : 'no value given';
}

function drawMatrix(rows, opts) {
  const { unit } = opts;
  const u = UNITS[unit];
  const suppliers = [...new Map(rows.map((x) => [x.supplier.id, x.supplier])).values()].sort((a, b) => a.name.localeCompare(b.name));
  const recipients = [...new Map(rows.map((x) => [x.recipient.id, x.recipient])).values()].sort((a, b) => a.name.localeCompare(b.name));
  const cell = new Map(rows.map((x) => [`${x.supplier.id}|${x.recipient.id}`, x]));
  const table = h('table', { class: 'data flows' },
    h('caption', {}, `Suppliers (rows) × recipients (columns), in ${u.name}`),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Supplier ↓ / recipient →'), recipients.map((c) => h('th', { scope: 'col' }, c.name)))),
    h('tbody', {}, suppliers.map((s) => h('tr', {}, h('th', { scope: 'row' }, s.name), recipients.map((c) => {
      const x = cell.get(`${s.id}|${c.id}`);
      if (!x) return h('td', {});
      const has = u.has(x);
      const units = Object.entries(UNITS).filter(([, v]) => v.has(x)).map(([k]) => k).join(' ');
      return h('td', { class: [has && u.estimated(x) ? 'estimated' : '', has ? '' : 'other-unit'].filter(Boolean).join(' ') },
        h('button', {
          type: 'button', class: 'linkish', 'data-cell': `${s.id}|${c.id}`, 'data-unit': unit, 'data-units': units,
          'data-value': has ? u.value(x) : '', 'data-estimated': has && u.estimated(x) ? 'true' : 'false',
          title: [units ? `figures in ${units.split(' ').map((k) => UNITS[k].name).join(' and ')}` : 'no figures', has && u.estimated(x) ? 'includes estimated values' : ''].filter(Boolean).join('; '),
          onclick: () => openCell(x, opts),
        }, cellText(x, unit)));
    })))));
  $('timeline').hidden = false;
  $('timeline').replaceChildren(table);
  $('legend').replaceChildren(
    h('p', {}, `${u.meaning} ≈ the total includes estimated values (the sources estimate them, or SIPRI brackets them).`),
    h('p', {}, `A cell with figures only in the other unit says so ("${UNITS[unit === 'usd' ? 'tiv' : 'usd'].name} only"): the two are never converted into each other.`));
  $('nodes-table').replaceChildren();
  $('edges-table').replaceChildren(h('caption', {}, 'A flow matrix has no edges; the cells list their transfers.'));
}

// figures says what one record or total holds in both units.
function figures(x, estimated) {
  const out = [];
  if (x.valueUsd) out.push(`${estimated.usd ? '≈ ' : ''}${money(x.valueUsd)}`);
  if (x.tivDelivered !== null && x.tivDelivered !== undefined) out.push(`${estimated.tiv ? '≈ ' : ''}TIV ${tiv(x.tivDelivered)} delivered`);
  if (x.tivOrder !== null && x.tivOrder !== undefined) out.push(`TIV ${tiv(x.tivOrder)} ordered`);
  return out;
}

async function openCell(x, { from, to, match }) {
  const box = $('provenance');
  const key = `${x.supplier.id}|${x.recipient.id}`;
  box.dataset.selected = key;
  box.replaceChildren(h('p', { class: 'hint' }, 'Loading the transfers…'));
  const gen = state.generation;
  const data = await gql(Q_CELL, { s: x.supplier.id, r: x.recipient.id, from: from || null, to: to || null, match: match || null });
  if (gen !== state.generation || box.dataset.selected !== key) return;
  const tt = data.transferTotals;
  const totals = [
    tt.valuedCount ? `${tt.valueEstimated ? '≈ ' : ''}${money(tt.valueUsd)} from ${tt.valuedCount} valued record${tt.valuedCount === 1 ? '' : 's'}` : 'No US$ value given',
    tt.tivCount ? `${tt.tivEstimated ? '≈ ' : ''}TIV ${tiv(tt.tivDelivered)} delivered (TIV ${tiv(tt.tivOrder)} ordered) from ${tt.tivCount} record${tt.tivCount === 1 ? '' : 's'} with TIV` : 'no TIV given',
  ];
  box.replaceChildren(
    h('h2', {}, `${x.supplier.name} → ${x.recipient.name}`),
    h('p', { class: 'meta' }, `${totals.join('; ')}.`),
    h('ul', { class: 'cell-transfers' }, tt.parts.map((pt) => {
      const t = pt.transfer;
      const period = [t.from || t.ordered, t.to || t.delivered].filter(Boolean).join(' → ');
      const tivEstimated = (t.estimated || []).some((f) => f.startsWith('tiv'));
      const shown = figures(t, { usd: t.valueEstimated, tiv: tivEstimated });
      return h('li', { 'data-id': t.id },
        h('h3', {}, h('a', { href: `/entity/${t.id.split('/').map(encodeURIComponent).join('/')}` }, t.name)),
        h('p', { class: 'meta' }, [period, shown.length ? shown.join(', ') : 'no value', kindLabel(t.status || '')].filter(Boolean).join(' · '),
          pt.counted ? '' : ` · not counted: covered by ${pt.coveredBy ? pt.coveredBy.name : 'another record'}`,
          pt.partial ? ' · its period reaches outside the one asked for' : ''),
        registerRow(t),
        citationsList(t.citations));
    })),
  );
}
