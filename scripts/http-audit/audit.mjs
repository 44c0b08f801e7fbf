// Runs graphql-http's GraphQL-over-HTTP audit (auditServer) against a
// running GraphQL endpoint and prints every result that is not "ok". It
// exits 1 when any MUST audit fails or any SHOULD audit warns, so that CI
// holds the server to both; MAY audits ("notice") are printed only.
import { auditServer } from 'graphql-http';

const usage = `usage: node audit.mjs [--help] URL

Audits the GraphQL endpoint at URL (e.g. http://127.0.0.1:8080/graphql) with
graphql-http's auditServer: the GraphQL over HTTP specification's MUST,
SHOULD and MAY requirements. Prints one line per audit that is not ok and a
summary line "audit: N ok, N failures (MUST), N warnings (SHOULD), N notices (MAY)".

Exit status: 0 with no failure and no warning, 1 otherwise, 2 on bad usage
or when the server cannot be reached.

Install the pinned packages first: npm ci --prefer-offline --no-audit --no-fund`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(usage);
  process.exit(0);
}
if (args.length !== 1 || !/^https?:\/\//.test(args[0])) {
  console.error(`audit.mjs: want one http(s) URL of a GraphQL endpoint, got ${JSON.stringify(args)}\n\n${usage}`);
  process.exit(2);
}
const url = args[0];

let results;
try {
  results = await auditServer({ url });
} catch (err) {
  console.error(`audit.mjs: auditing ${url} failed: ${err?.stack ?? err}\n(is the server running and reachable at that URL?)`);
  process.exit(2);
}

// A failed audit's reason names what it saw; the body tells why the server answered so.
const describe = async (r) => {
  let body = '';
  try {
    body = (await r.response.text()).slice(0, 300);
  } catch {
    body = '(body not readable)';
  }
  return `${r.status.toUpperCase()} ${r.id} ${r.name}\n    reason: ${r.reason}\n    response: ${r.response.status} ${r.response.headers.get('content-type') ?? ''} ${body}`;
};

const count = { ok: 0, error: 0, warn: 0, notice: 0 };
for (const r of results) {
  count[r.status]++;
  if (r.status !== 'ok') console.log(await describe(r));
}
console.log(
  `audit: ${count.ok} ok, ${count.error} failures (MUST), ${count.warn} warnings (SHOULD), ${count.notice} notices (MAY) of ${results.length} audits at ${url}`,
);
process.exit(count.error + count.warn > 0 ? 1 : 0);
