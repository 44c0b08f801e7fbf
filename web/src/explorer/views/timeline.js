// The timeline view: transfers, agreements and events of one country or a pair, on a time axis.
import { gql } from '../../api.js';
import { Q_TIMELINE_ONE, Q_TIMELINE_TWO } from '../queries.js';
import { $, h, SVGNS, s, kindLabel } from '../dom.js';
import { colourOf } from '../colours.js';
import { state } from '../state.js';
import { renderStatus, lineAttrs } from '../draw.js';
import { entityButton } from '../tables.js';
import { select } from '../provenance.js';

export async function showTimeline(r, gen) {
  state.fileStem = `timeline-${r.a.replace('/', '-')}${r.b ? '-' + r.b.replace('/', '-') : ''}`;
  const data = r.b
    ? await gql(Q_TIMELINE_TWO, { a: r.a, b: r.b })
    : await gql(Q_TIMELINE_ONE, { a: r.a });
  if (gen !== state.generation) return;
  if (!data.a) throw new Error(`No entity has the id "${r.a}".`);
  if (r.b && !data.b) throw new Error(`No entity has the id "${r.b}".`);
  const names = r.b ? `${data.a.name} and ${data.b.name}` : data.a.name;
  document.title = `Timeline of ${names} · armsgraph`;
  $('title').textContent = `Timeline of ${names}`;
  $('subtitle').textContent = r.b
    ? 'Transfers between the two (ordered ▲, delivered ●), their agreements (◆) and the events both took part in (■).'
    : 'Transfers supplied and received (ordered ▲, delivered ●), agreements (◆) and events (■).';
  $('controls').replaceChildren();
  state.view = 'timeline';
  const items = [];
  const seen = new Set();
  const add = (lane, x, start, end) => {
    if (seen.has(x.id)) return;
    seen.add(x.id);
    items.push({ lane, id: x.id, name: x.name, kind: x.kind, confidence: x.confidence, citations: x.citations, start, end, raw: x });
  };
  for (const t of [...data.out, ...data.in]) add('Transfers', t, t.ordered || t.delivered || '', t.delivered || '');
  for (const a of data.agreements) add('Agreements', a, a.date || '', '');
  for (const ev of data.events) {
    if (r.b && !ev.participants.some((x) => x.id === r.b)) continue;
    add('Events', ev, ev.date || '', ev.endDate || '');
  }
  items.sort((x, y) => (x.start || '9999').localeCompare(y.start || '9999') || x.name.localeCompare(y.name));
  state.timelineItems = items;
  for (const it of items) {
    state.nodes.set(it.id, {
      id: it.id, kind: it.kind, name: it.name, confidence: it.confidence, citations: it.citations, aliases: [],
      country: it.raw.supplier ? it.raw.supplier.name : '', countryId: it.raw.supplier ? it.raw.supplier.id : '',
      date: it.end && it.end !== it.start ? `${it.start} → ${it.end}` : it.start,
      category: it.raw.eventType || it.raw.status || '',
    });
  }
  state.total = items.length;
  drawTimeline(items);
}


function drawTimeline(items) {
  $('cy').hidden = true;
  const box = $('timeline');
  box.hidden = false;
  const dated = items.filter((it) => it.start);
  const years = dated.flatMap((it) => [it.start, it.end].filter(Boolean).map((d) => parseInt(d.slice(0, 4), 10)));
  const lanes = ['Transfers', 'Agreements', 'Events'];
  const W = 1000;
  const left = 110;
  const right = 20;
  const minY = years.length ? Math.min(...years) : 2000;
  const maxY = years.length ? Math.max(...years) + 1 : 2001;
  const x = (d) => {
    const y = parseInt(d.slice(0, 4), 10);
    const m = d.length >= 7 ? parseInt(d.slice(5, 7), 10) - 1 : 6;
    return left + ((y - minY + m / 12) / (maxY - minY)) * (W - left - right);
  };
  // Stack markers that would overlap into rows within their lane.
  const rowsOf = {};
  const placed = [];
  for (const lane of lanes) {
    const ends = [];
    for (const it of dated.filter((d) => d.lane === lane)) {
      const x0 = x(it.start) - 8;
      const x1 = (it.end ? x(it.end) : x(it.start)) + 8;
      let row = ends.findIndex((e) => e < x0);
      if (row < 0) { row = ends.length; ends.push(x1); } else ends[row] = x1;
      placed.push({ it, row, x0: x0 + 8, x1: x1 - 8 });
    }
    rowsOf[lane] = Math.max(1, ends.length);
  }
  const rowH = 16;
  let top = 30;
  const laneTop = {};
  for (const lane of lanes) { laneTop[lane] = top; top += rowsOf[lane] * rowH + 24; }
  const H = top + 10;
  const svg = s('svg', { xmlns: SVGNS, viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': 'Timeline; the tables below list the same items', class: 'timeline-svg' });
  svg.append(s('rect', { x: 0, y: 0, width: W, height: H, fill: '#ffffff' }));
  for (let y = minY; y <= maxY; y++) {
    const gx = left + ((y - minY) / (maxY - minY)) * (W - left - right);
    const step = Math.ceil((maxY - minY) / 20);
    if ((y - minY) % step) continue;
    svg.append(s('line', { x1: gx, y1: 20, x2: gx, y2: H - 10, stroke: '#e5e7eb' }), s('text', { x: gx, y: 14, 'font-size': 10, 'text-anchor': 'middle', fill: '#374151' }, y));
  }
  for (const lane of lanes) {
    svg.append(s('text', { x: 8, y: laneTop[lane] + 12, 'font-size': 12, 'font-weight': 'bold', fill: '#111827' }, lane));
    svg.append(s('line', { x1: left, y1: laneTop[lane] - 6, x2: W - right, y2: laneTop[lane] - 6, stroke: '#9ca3af' }));
  }
  for (const { it, row, x0, x1 } of placed) {
    const y = laneTop[it.lane] + row * rowH + 8;
    const colour = it.lane === 'Transfers' ? colourOf(it.raw.supplier && it.raw.supplier.id) : it.lane === 'Agreements' ? '#2563eb' : '#7c3aed';
    const g = s('g', { tabindex: 0, role: 'button', 'data-id': it.id, class: 'mark', 'aria-label': `${it.name}, ${it.start}${it.end ? ' to ' + it.end : ''}` },
      s('title', {}, `${it.name} (${it.start}${it.end && it.end !== it.start ? ' → ' + it.end : ''})`));
    if (it.lane === 'Transfers') {
      if (it.end && x1 > x0) g.append(s('line', { x1: x0, y1: y, x2: x1, y2: y, ...lineAttrs(it.confidence), stroke: colour }));
      g.append(s('path', { d: `M${x0 - 5},${y + 4} L${x0},${y - 5} L${x0 + 5},${y + 4} Z`, fill: colour }));
      if (it.end) g.append(s('circle', { cx: x1, cy: y, r: 4.5, fill: colour }));
    } else if (it.lane === 'Agreements') {
      g.append(s('path', { d: `M${x0},${y - 6} L${x0 + 6},${y} L${x0},${y + 6} L${x0 - 6},${y} Z`, fill: colour }));
    } else {
      g.append(s('rect', { x: x0 - 5, y: y - 5, width: 10, height: 10, fill: colour }));
      if (it.end && x1 > x0) g.append(s('line', { x1: x0 + 5, y1: y, x2: x1, y2: y, stroke: colour, 'stroke-width': 2 }));
    }
    g.addEventListener('click', () => select(it.id));
    g.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); select(it.id); } });
    svg.append(g);
  }
  box.replaceChildren(svg);
  const undated = items.length - dated.length;
  state.extraNote = undated ? `${undated} undated item${undated === 1 ? '' : 's'} appear in the table only.` : '';
  renderTimelineTable(items);
  $('legend').replaceChildren();
  renderStatus(items.length, 0);
  $('status').textContent = `${items.length} item${items.length === 1 ? '' : 's'} on the timeline. ${state.extraNote}`;
}

function renderTimelineTable(items) {
  $('nodes-table').replaceChildren(
    h('thead', {}, h('tr', {}, ['Item', 'Kind', 'Date', 'Supplier / parties', 'Status / type', 'Confidence', 'Sources'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, items.map((it) => h('tr', { 'data-id': it.id },
      h('td', {}, entityButton(it.id, it.name)), h('td', {}, kindLabel(it.kind)),
      h('td', {}, it.end && it.end !== it.start ? `${it.start || '?'} → ${it.end}` : it.start || 'undated'),
      h('td', {}, it.raw.supplier ? `${it.raw.supplier.name} → ${it.raw.recipient.name}` : (it.raw.parties || []).map((x) => x.name).join(', ')),
      h('td', {}, it.raw.eventType || it.raw.status || ''), h('td', {}, it.confidence ? kindLabel(it.confidence) : ''),
      h('td', {}, String(it.citations.length))))),
  );
  $('edges-table').replaceChildren(h('caption', {}, 'A timeline has no edges.'));
}
