// Exports of the current view: SVG, PNG, CSV and JSON.
import { $, h, SVGNS, s } from './dom.js';
import { state } from './state.js';
import { drawnElements, lineAttrs } from './draw.js';
import { isGroup } from './groups.js';

export function download(name, blob) {
  const a = h('a', { href: URL.createObjectURL(blob), download: name, hidden: true });
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

function exportRows() {
  if (state.timelineItems) {
    return {
      nodes: state.timelineItems.map((it) => ({ id: it.id, kind: it.kind, name: it.name, lane: it.lane, start: it.start, end: it.end, confidence: it.confidence, citations: it.citations })),
      edges: [],
    };
  }
  const drawn = drawnElements();
  const nodes = drawn.nodes.filter((n) => !isGroup(n));
  const edges = drawn.edges.filter((e) => !e.group);
  return {
    nodes: nodes.map((n) => ({ id: n.id, kind: n.kind, name: n.name, country: n.country, confidence: n.confidence, citations: n.citations })),
    edges: edges.map((e) => ({ from: e.source, to: e.target, type: e.type, kind: e.kind, confidence: e.confidence, note: e.note, citations: e.citations })),
  };
}

export const csvCell = (v) => {
  const t = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(t) || /^[=+\-@]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
};

export function exportCSV() {
  if (state.flowRows) {
    // Both units, in columns of their own: TIV is never turned into US$.
    const lines = [['supplier', 'recipient', 'from', 'to', 'value_usd', 'estimated', 'valued_records', 'tiv_delivered', 'tiv_order', 'tiv_estimated', 'tiv_records', 'match'].join(',')];
    for (const f of state.flowRows) {
      lines.push([f.supplier.name, f.recipient.name, f.from, f.to, f.valueUsd, f.valueEstimated, f.valuedCount,
        f.tivCount ? f.tivDelivered : '', f.tivCount ? f.tivOrder : '', f.tivEstimated, f.tivCount, f.match.toLowerCase()].map(csvCell).join(','));
    }
    download(`${state.fileStem}.csv`, new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv' }));
    return;
  }
  const { nodes, edges } = exportRows();
  const cite = (cs) => (cs || []).map((c) => `${c.source.title} (${c.source.document}, ${c.locator})`).join('; ');
  const lines = [['element', 'id', 'kind', 'name', 'country', 'from', 'to', 'type', 'confidence', 'sources'].join(',')];
  for (const n of nodes) lines.push(['node', n.id, n.kind, n.name, n.country || '', n.start || '', n.end || '', '', n.confidence || '', cite(n.citations)].map(csvCell).join(','));
  for (const e of edges) lines.push(['edge', '', e.kind, '', '', e.from, e.to, e.type, e.confidence || '', cite(e.citations)].map(csvCell).join(','));
  download(`${state.fileStem}.csv`, new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv' }));
}

export function exportJSON() {
  const out = { view: state.view, url: location.href, ...exportRows() };
  download(`${state.fileStem}.json`, new Blob([JSON.stringify(out, null, 2)], { type: 'application/json' }));
}

// buildSVG draws the current cytoscape drawing as standalone SVG from the
// node positions, with the same colours and line styles.
function buildSVG() {
  if (state.timelineItems) return new XMLSerializer().serializeToString($('timeline').querySelector('svg'));
  const cy = state.cy;
  const bb = cy.elements().boundingBox({ includeLabels: true });
  const pad = 20;
  const svg = s('svg', { xmlns: SVGNS, viewBox: `${bb.x1 - pad} ${bb.y1 - pad} ${bb.w + 2 * pad} ${bb.h + 2 * pad}`, width: Math.ceil(bb.w + 2 * pad), height: Math.ceil(bb.h + 2 * pad), 'font-family': 'sans-serif' });
  svg.append(s('title', {}, $('title').textContent));
  const defs = s('defs', {});
  for (const [id, colour] of [['arrow', '#6b7280'], ['arrow-disputed', '#b91c1c']]) {
    defs.append(s('marker', { id, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 Z', fill: colour })));
  }
  svg.append(defs, s('rect', { x: bb.x1 - pad, y: bb.y1 - pad, width: bb.w + 2 * pad, height: bb.h + 2 * pad, fill: '#ffffff' }));
  cy.edges().forEach((edge) => {
    const a = edge.sourceEndpoint();
    const b = edge.targetEndpoint();
    const conf = edge.data('confidence');
    svg.append(s('g', { class: 'edge' },
      s('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, ...lineAttrs(conf), 'marker-end': `url(#${conf === 'DISPUTED' ? 'arrow-disputed' : 'arrow'})` }),
      s('text', { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 - 3, 'font-size': 9, 'text-anchor': 'middle', fill: conf === 'DISPUTED' ? '#b91c1c' : '#374151' }, edge.data('label'))));
  });
  cy.nodes().forEach((node) => {
    const p = node.position();
    const r = node.width() / 2;
    svg.append(s('g', { class: 'node' },
      s('circle', { cx: p.x, cy: p.y, r, fill: node.data('color'), stroke: '#444', 'stroke-width': node.hasClass('centre') ? 4 : 1 }),
      s('text', { x: p.x, y: p.y + r + 12, 'font-size': 11, 'text-anchor': 'middle', fill: '#1b1f24' }, node.data('name'))));
  });
  return new XMLSerializer().serializeToString(svg);
}

export function exportSVG() {
  if (state.flowRows) { $('status').textContent = 'A flow matrix exports as CSV.'; return; }
  download(`${state.fileStem}.svg`, new Blob([buildSVG()], { type: 'image/svg+xml' }));
}

export function exportPNG() {
  if (state.flowRows) { $('status').textContent = 'A flow matrix exports as CSV.'; return; }
  if (state.cy && !state.timelineItems) {
    download(`${state.fileStem}.png`, state.cy.png({ output: 'blob', full: true, scale: 2, bg: '#ffffff' }));
    return;
  }
  const svgText = buildSVG();
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svgText], { type: 'image/svg+xml' }));
  img.onload = () => {
    const canvas = h('canvas', { width: img.width * 2, height: img.height * 2 });
    const ctx = canvas.getContext('2d');
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0);
    URL.revokeObjectURL(url);
    canvas.toBlob((blob) => download(`${state.fileStem}.png`, blob), 'image/png');
  };
  img.src = url;
}
