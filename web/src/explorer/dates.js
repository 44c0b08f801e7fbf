// Partial dates (YYYY, YYYY-MM, YYYY-MM-DD) as the first and last day they cover.

export const startOf = (d) => (d.length === 4 ? `${d}-01-01` : d.length === 7 ? `${d}-01` : d);
export const endOf = (d) => (d.length === 4 ? `${d}-12-31` : d.length === 7 ? `${d}-31` : d);
