// Builds the explorer and GraphiQL into dist/ with esbuild. The output is
// deterministic (same sources and lock file, same bytes), so `make test`
// can compare a fresh build with the committed dist/.
//
//   node build.mjs           build once
//   node build.mjs --watch   rebuild on every change (serve with --web-dir web/dist)
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const dist = 'dist';
const watch = process.argv.includes('--watch');

// The CSP allows fonts from 'self' only, while GraphiQL's stylesheet inlines
// its fonts as data: URLs. Write each font to dist/assets/fonts/<hash>.woff2
// and point the stylesheet at it.
const externalizeFonts = {
  name: 'externalize-fonts',
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length) return;
      const css = `${dist}/assets/graphiql.css`;
      let text;
      try { text = readFileSync(css, 'utf8'); } catch { return; }
      mkdirSync(`${dist}/assets/fonts`, { recursive: true });
      text = text.replace(/url\(["']?data:font\/(woff2?);base64,([A-Za-z0-9+/=]+)["']?\)/g, (_, ext, b64) => {
        const bytes = Buffer.from(b64, 'base64');
        const name = createHash('sha256').update(bytes).digest('hex').slice(0, 16) + '.' + ext;
        writeFileSync(`${dist}/assets/fonts/${name}`, bytes);
        return `url(/assets/fonts/${name})`;
      });
      writeFileSync(css, text);
    });
  },
};

const options = {
  entryPoints: {
    explorer: 'src/explorer.js',
    graphiql: 'src/graphiql.js',
  },
  outdir: `${dist}/assets`,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  legalComments: 'linked',
  loader: { '.graphql': 'text' },
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'info',
  plugins: [externalizeFonts],
};

rmSync(dist, { recursive: true, force: true });
mkdirSync(`${dist}/assets`, { recursive: true });
for (const page of ['index.html', 'graphiql.html']) cpSync(`src/${page}`, `${dist}/${page}`);
cpSync('src/favicon.svg', `${dist}/assets/favicon.svg`);

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log('watching src/ (Ctrl-C stops)');
} else {
  await esbuild.build(options);
}
