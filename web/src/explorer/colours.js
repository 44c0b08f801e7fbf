// Colours by country and shapes by kind, shared by the drawing, the legend and the exports.

const FIXED_COLOURS = {
  'country/china': '#d62728',
  'country/iran': '#2ca02c',
  'country/soviet-union': '#8c2d04',
  'country/russia': '#1f77b4',
  'country/north-korea': '#9467bd',
  'country/united-states': '#17becf',
};
const PALETTE = ['#e377c2', '#bcbd22', '#ff7f0e', '#7f7f7f', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd', '#e6550d', '#31a354'];
const NO_COUNTRY = '#b0b0b0';

export function colourOf(countryId) {
  if (!countryId) return NO_COUNTRY;
  if (FIXED_COLOURS[countryId]) return FIXED_COLOURS[countryId];
  let x = 0;
  for (const ch of countryId) x = (x * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[x % PALETTE.length];
}

// countryOf is the country a node is drawn in: a weapon's origin, a
// person's or organization's country, a transfer's supplier, a country itself.
export function countryOf(e) {
  if (e.kind === 'COUNTRY') return { id: e.id, name: e.name };
  return e.origin || e.country || e.supplier || null;
}

export const SHAPES = {
  COUNTRY: 'hexagon', ORGANIZATION: 'round-rectangle', PERSON: 'ellipse', WEAPON: 'round-triangle',
  AGREEMENT: 'diamond', TRANSFER: 'tag', EVENT: 'star', RESOLUTION: 'octagon',
};
