// armsgraph explorer: search, entity neighbourhoods, weapon lineages,
// shortest paths and country timelines, drawn from the public GraphQL API
// alone. Every view has a URL (see route), a text table of what it draws,
// the sources of each node and edge, and exports.
import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';
import { $ } from './explorer/dom.js';
import { CONFIDENCES, state, resetGraph } from './explorer/state.js';
import { navigate, render } from './explorer/router.js';
import { drawGraph } from './explorer/draw.js';
import { exportCSV, exportJSON, exportSVG, exportPNG } from './explorer/export.js';
import { setupSearch } from './explorer/search.js';
import './explorer.css';

cytoscape.use(dagre);


// window.armsgraph carries figures for tests and benchmarks: when the view
// was ready, how long its layout took, and a synthetic-lineage layout timer.
window.armsgraph = {
  readyAt: 0,
  layoutMs: 0,
  // benchLineageLayout lays out a synthetic lineage of n weapons (a tree of
  // derivations, four children each) with the lineage view's own renderer
  // and returns the milliseconds that took.
  benchLineageLayout(n) {
    resetGraph();
    state.view = 'lineage';
    state.centre = 'weapon/synth-0';
    for (let i = 0; i < n; i++) {
      state.nodes.set(`weapon/synth-${i}`, { id: `weapon/synth-${i}`, kind: 'WEAPON', name: `Synth ${i}`, aliases: [], confidence: null, country: `Country ${i % 7}`, countryId: `country/c${i % 7}`, citations: [], date: '' });
      if (i > 0) {
        const parent = `weapon/synth-${Math.floor((i - 1) / 4)}`;
        const id = `DERIVED_FROM|weapon/synth-${i}|${parent}`;
        state.edges.set(id, { id, source: parent, target: `weapon/synth-${i}`, type: 'DERIVED_FROM', label: 'variant', kind: 'variant', confidence: CONFIDENCES[i % 4], note: '', citations: [], properties: [] });
      }
    }
    state.total = n;
    drawGraph('dagre', true);
    return window.armsgraph.layoutMs;
  },
};

document.addEventListener('click', (ev) => {
  const a = ev.target.closest && ev.target.closest('a[href^="/"]');
  if (!a || a.hasAttribute('download') || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const path = a.getAttribute('href');
  if (!/^\/($|\?|entity\/|lineage\/|paths\/|timeline\/|flows($|\/|\?))/.test(path)) return;
  ev.preventDefault();
  navigate(path);
});
window.addEventListener('popstate', render);

document.addEventListener('DOMContentLoaded', () => {
  $('export-svg').addEventListener('click', exportSVG);
  $('export-png').addEventListener('click', exportPNG);
  $('export-csv').addEventListener('click', exportCSV);
  $('export-json').addEventListener('click', exportJSON);
  setupSearch();
  render();
});

