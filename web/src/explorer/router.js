// Routing: every view has a URL; render draws the view the URL names.
import { $, h } from './dom.js';
import { state, resetGraph } from './state.js';
import { showEntity } from './views/entity.js';
import { showLineage } from './views/lineage.js';
import { showPaths } from './views/paths.js';
import { showTimeline } from './views/timeline.js';
import { showFlows } from './views/flows.js';
import { showHome } from './views/home.js';

// route reads the view from the URL. Ids are "<kind>/<slug>": two segments.
function parseRoute() {
  const parts = location.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(location.search);
  const [view, ...rest] = parts;
  switch (view) {
    case undefined: return { view: 'home', params };
    case 'entity': return { view, id: rest.join('/'), params };
    case 'lineage': return { view, id: rest.join('/'), params };
    case 'paths': return { view, from: rest.slice(0, 2).join('/'), to: rest.slice(2).join('/'), params };
    case 'timeline': return { view, a: rest.slice(0, 2).join('/'), b: rest.slice(2, 4).join('/'), params };
    case 'flows': return { view, country: rest.slice(0, 2).join('/'), params };
    default: return { view: 'unknown', params };
  }
}

export const encId = (id) => id.split('/').map(encodeURIComponent).join('/');

export function navigate(url, replace) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

// setParams rewrites the query string of the current view and redraws it.
export function setParams(values) {
  const u = new URL(location.href);
  for (const [k, v] of Object.entries(values)) {
    if (v === '' || v === null || v === undefined || (Array.isArray(v) && !v.length)) u.searchParams.delete(k);
    else u.searchParams.set(k, Array.isArray(v) ? v.join(',') : v);
  }
  navigate(u.pathname + u.search, false);
}


export async function render() {
  const r = parseRoute();
  const gen = ++state.generation;
  // Where a view's time goes, for the browser tests' figures: from
  // navigation start to render (page and script), waiting on the API, the
  // layout, and the rest of the drawing (Cytoscape, labels, tables).
  window.armsgraph.timing = { renderAt: performance.now(), apiMs: 0, requests: 0, layoutMs: 0, drawMs: 0 };
  document.body.dataset.state = 'loading';
  document.body.dataset.view = r.view;
  $('error').hidden = true;
  $('home').hidden = r.view !== 'home';
  $('graph').hidden = r.view === 'home' || r.view === 'unknown';
  if (r.view === 'home') {
    document.title = 'armsgraph explorer';
    try {
      await showHome(gen);
    } catch (err) {
      if (gen === state.generation) showError(err.message || String(err));
      return;
    }
    if (gen !== state.generation) return;
    window.armsgraph.readyAt = performance.now();
    document.body.dataset.state = 'ready';
    return;
  }
  if (r.view === 'unknown') {
    showError(`No such view: ${location.pathname}. Use /entity/<id>, /lineage/<id>, /paths/<from>/<to> or /timeline/<country>[/<country>] or /flows[/<country>].`);
    return;
  }
  resetGraph();
  clearPanels();
  try {
    if (r.view === 'entity') await showEntity(r, gen);
    else if (r.view === 'lineage') await showLineage(r, gen);
    else if (r.view === 'paths') await showPaths(r, gen);
    else if (r.view === 'timeline') await showTimeline(r, gen);
    else if (r.view === 'flows') await showFlows(r, gen);
    if (gen !== state.generation) return;
    window.armsgraph.readyAt = performance.now();
    document.body.dataset.state = 'ready';
  } catch (err) {
    if (gen !== state.generation) return;
    showError(err.message || String(err));
  }
}

export function showError(msg) {
  const el = $('error');
  el.textContent = msg;
  el.hidden = false;
  document.body.dataset.state = 'error';
}

function clearPanels() {
  for (const id of ['title', 'subtitle', 'controls', 'legend', 'facts', 'listing', 'nodes-table', 'edges-table', 'status']) $(id).replaceChildren();
  $('provenance').replaceChildren(h('p', { class: 'hint' }, 'Select a node or an edge (in the drawing or the tables) to see its sources.'));
  $('timeline').hidden = true;
  $('timeline').replaceChildren();
  $('cy').hidden = false;
  if (state.cy) { state.cy.destroy(); state.cy = null; }
}
