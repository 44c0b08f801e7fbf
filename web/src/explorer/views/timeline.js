// The timeline view: transfers, agreements and events of one country or a pair, on a time axis.
import { gql } from '../../api.js';
import { Q_TIMELINE_ONE, Q_TIMELINE_TWO } from '../queries.js';
import { $, h, SVGNS, s, kindLabel } from '../dom.js';
import { colourOf } from '../colours.js';
import { state } from '../state.js';
import { renderStatus, lineAttrs } from '../draw.js';
import { entityButton } from '../tables.js';
import { select } from '../provenance.js';
import { setParams } from '../router.js';
import { matchParam, matchValue, matchURL, matchField } from '../controls.js';

// parseRange reads "1993-2000" (years) into {lo, hi}; anything else is none.
function parseRange(v) {
  const m = /^(\d{4})-(\d{4})$/.exec(v || '');
  if (!m) return null;
  const [lo, hi] = [parseInt(m[1], 10), parseInt(m[2], 10)].sort((a, b) => a - b);
  return { lo, hi };
}

export async function showTimeline(r, gen) {
  state.fileStem = `timeline-${r.a.replace('/', '-')}${r.b ? '-' + r.b.replace('/', '-') : ''}`;
  // The brush's range (?range=1993-2000) filters through the API's own date
  // filters, by overlap or, with ?match=within, keeping only what lies
  // within it: the same rule as every date filter of the API.
  const range = parseRange(r.params.get('range'));
  const mode = matchParam(r.params);
  const vars = range
    ? { from: String(range.lo), to: String(range.hi), match: matchValue(mode), ranged: true }
    : { from: null, to: null, match: null, ranged: false };
  const data = r.b
    ? await gql(Q_TIMELINE_TWO, { a: r.a, b: r.b, ...vars })
    : await gql(Q_TIMELINE_ONE, { a: r.a, ...vars });
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
  const add = (lane, x, start, end, open) => {
    if (seen.has(x.id)) return;
    seen.add(x.id);
    items.push({ lane, id: x.id, name: x.name, kind: x.kind, confidence: x.confidence, citations: x.citations, start, end, open, raw: x });
  };
  // A fact's extent: its period when the sources give one (from/to), else
  // its dates; open says the period has a start and no end (drawn fading).
  for (const t of [...data.out, ...data.in]) {
    const start = t.from || t.ordered || t.delivered || t.to || '';
    const end = t.to || t.delivered || '';
    add('Transfers', t, start, end, !!t.from && !end);
  }
  for (const a of data.agreements) {
    const start = a.from || a.date || a.to || '';
    add('Agreements', a, start, a.to || '', !!a.from && a.from !== a.date && !a.to);
  }
  for (const ev of data.events) {
    if (r.b && !ev.participants.some((x) => x.id === r.b)) continue;
    add('Events', ev, ev.date || '', ev.endDate || '', false);
  }
  items.sort((x, y) => (x.start || '9999').localeCompare(y.start || '9999') || x.name.localeCompare(y.name));
  if (range) {
    const ids = new Set([...data.allOut, ...data.allIn, ...data.allAgreements].map((x) => x.id));
    for (const ev of data.allEvents) if (!r.b || ev.participants.some((x) => x.id === r.b)) ids.add(ev.id);
    const how = mode === 'within' ? 'lie within' : 'overlap';
    state.rangeNote = `Range ${range.lo}–${range.hi}: ${items.length} of ${ids.size} items ${how} it.`;
  } else state.rangeNote = '';
  state.range = range;
  const modeSelect = matchField(mode, 'Keep items that');
  modeSelect.querySelector('select').addEventListener('change', (ev) => setParams({ match: matchURL(ev.target.value) }));
  $('controls').replaceChildren(...(range ? [
    h('span', {}, `Range ${range.lo}–${range.hi} (drag along the years to change it)`), ' ', modeSelect, ' ',
    h('button', { type: 'button', onclick: () => setParams({ range: '', match: '' }) }, 'Clear range'),
  ] : [h('span', { class: 'hint' }, 'Drag along the years at the top to filter by a range.')]));
  state.timelineItems = items;
  for (const it of items) {
    state.nodes.set(it.id, {
      id: it.id, kind: it.kind, name: it.name, confidence: it.confidence, citations: it.citations, aliases: [],
      country: it.raw.supplier ? it.raw.supplier.name : '', countryId: it.raw.supplier ? it.raw.supplier.id : '',
      date: it.end && it.end !== it.start ? `${it.start} → ${it.end}` : it.start,
      category: it.raw.eventType || it.raw.status || '', raw: it.kind === 'TRANSFER' ? it.raw : null,
    });
  }
  state.total = items.length;
  drawTimeline(items);
}


// FADE is how far an open period's bar runs before it fades out.
const FADE = 60;

// addBrush lets a drag along the time axis choose a range of years; the
// range goes into the URL (?range=1993-2000) and filters the items by overlap.
function addBrush(svg, { left, right, H, yearAt }) {
  const band = s('rect', { x: left, y: 0, width: right - left, height: 22, fill: '#f3f4f6', 'fill-opacity': 0.01, class: 'brush', 'aria-label': 'Drag along the years to filter by a range' });
  const sel = s('rect', { x: 0, y: 0, width: 0, height: H, fill: '#2563eb', 'fill-opacity': 0.12, 'pointer-events': 'none' });
  svg.append(band, sel);
  const at = (ev) => {
    const p = svg.createSVGPoint();
    p.x = ev.clientX;
    p.y = ev.clientY;
    return Math.min(right, Math.max(left, p.matrixTransform(svg.getScreenCTM().inverse()).x));
  };
  let start = null;
  band.addEventListener('mousedown', (ev) => { start = at(ev); ev.preventDefault(); });
  svg.addEventListener('mousemove', (ev) => {
    if (start === null) return;
    const now = at(ev);
    sel.setAttribute('x', Math.min(start, now));
    sel.setAttribute('width', Math.abs(now - start));
  });
  window.addEventListener('mouseup', function up(ev) {
    if (start === null) return;
    const a = Math.floor(yearAt(start));
    const b = Math.floor(yearAt(at(ev)));
    start = null;
    window.removeEventListener('mouseup', up);
    setParams({ range: `${Math.min(a, b)}-${Math.max(a, b)}` });
  });
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
      const x0 = x(it.start);
      const x1 = it.open ? x0 + FADE : it.end ? Math.max(x0, x(it.end)) : x0;
      let row = ends.findIndex((e) => e < x0 - 8);
      if (row < 0) { row = ends.length; ends.push(x1 + 8); } else ends[row] = x1 + 8;
      placed.push({ it, row, x0, x1 });
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
  const defs = s('defs', {});
  svg.append(defs);
  const fades = new Map();
  // fade is a gradient of colour that fades out: the open end of a period.
  const fade = (colour) => {
    if (!fades.has(colour)) {
      const id = `fade-${fades.size}`;
      fades.set(colour, id);
      defs.append(s('linearGradient', { id, x1: 0, y1: 0, x2: 1, y2: 0 },
        s('stop', { offset: '0', 'stop-color': colour, 'stop-opacity': 0.55 }), s('stop', { offset: '1', 'stop-color': colour, 'stop-opacity': 0 })));
    }
    return `url(#${fades.get(colour)})`;
  };
  for (const { it, row, x0, x1 } of placed) {
    const y = laneTop[it.lane] + row * rowH + 8;
    const colour = it.lane === 'Transfers' ? colourOf(it.raw.supplier && it.raw.supplier.id) : it.lane === 'Agreements' ? '#2563eb' : '#7c3aed';
    const span = x1 > x0;
    const when = `${it.start}${it.open ? ' → open' : it.end && it.end !== it.start ? ' → ' + it.end : ''}`;
    const g = s('g', { tabindex: 0, role: 'button', 'data-id': it.id, class: span ? 'mark span' : 'mark', 'aria-label': `${it.name}, ${when}` },
      s('title', {}, `${it.name} (${when})`));
    // A period is a bar; an open one fades out.
    if (span) g.append(s('rect', { x: x0, y: y - 4, width: x1 - x0, height: 8, rx: 3, fill: it.open ? fade(colour) : colour, 'fill-opacity': it.open ? 1 : 0.3, class: it.open ? 'period open' : 'period' }));
    if (it.lane === 'Transfers') {
      // Ordered ▲ → delivered ●, where the sources give those dates.
      const o = it.raw.ordered ? x(it.raw.ordered) : null;
      const d = it.raw.delivered ? x(it.raw.delivered) : null;
      if (o !== null && d !== null && d > o) g.append(s('line', { x1: o, y1: y, x2: d, y2: y, ...lineAttrs(it.confidence), stroke: colour }));
      if (o !== null) g.append(s('path', { d: `M${o - 5},${y + 4} L${o},${y - 5} L${o + 5},${y + 4} Z`, fill: colour }));
      if (d !== null) g.append(s('circle', { cx: d, cy: y, r: 4.5, fill: colour }));
      if (o === null && d === null && !span) g.append(s('circle', { cx: x0, cy: y, r: 3, fill: colour }));
    } else if (it.lane === 'Agreements') {
      const a = it.raw.date ? x(it.raw.date) : x0;
      g.append(s('path', { d: `M${a},${y - 6} L${a + 6},${y} L${a},${y + 6} L${a - 6},${y} Z`, fill: colour }));
    } else {
      g.append(s('rect', { x: x0 - 5, y: y - 5, width: 10, height: 10, fill: colour }));
    }
    g.addEventListener('click', () => select(it.id));
    g.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); select(it.id); } });
    svg.append(g);
  }
  if (state.range) {
    const rx0 = left + ((state.range.lo - minY) / (maxY - minY)) * (W - left - right);
    const rx1 = left + ((state.range.hi + 1 - minY) / (maxY - minY)) * (W - left - right);
    svg.append(s('rect', { x: rx0, y: 20, width: Math.max(1, rx1 - rx0), height: H - 30, fill: '#2563eb', 'fill-opacity': 0.06, stroke: '#2563eb', 'stroke-dasharray': '4 3', class: 'range' }));
  }
  addBrush(svg, { left, right: W - right, H, yearAt: (px) => minY + ((px - left) / (W - left - right)) * (maxY - minY) });
  box.replaceChildren(svg);
  // Undated: neither a date nor a period.
  const undated = items.length - dated.length;
  state.extraNote = [state.rangeNote, undated ? `${undated} undated item${undated === 1 ? '' : 's'} (no date and no period) appear in the table only.` : ''].filter(Boolean).join(' ');
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
