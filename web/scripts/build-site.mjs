// Puts the static site together (`make site`, docs/site.md): the built front
// end (web/dist), the engine compiled to WebAssembly (build-wasm/) and the
// catalog (data/) and tracks (tracks/) as one JSON file the engine loads.
//   node scripts/build-site.mjs --dist DIR --engine DIR --root DIR --out DIR
// The engine's files get a content hash in their names (engine/manifest.json
// names them), so a host's cache never mixes two builds.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { join, relative, resolve } from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
for (const k of ['dist', 'engine', 'root', 'out']) if (!args[k]) { console.error(`build-site: --${k} DIR is required`); process.exit(2); }
const [dist, engineDir, root, out] = ['dist', 'engine', 'root', 'out'].map((k) => resolve(args[k]));
for (const f of [join(dist, 'index.html'), join(engineDir, 'fleetlab-engine.js'), join(engineDir, 'fleetlab-engine.wasm')]) {
  if (!existsSync(f)) { console.error(`build-site: ${f} is missing (make web; make wasm)`); process.exit(2); }
}

/** Every *.json file under `dir`, by path relative to `root` ("data/gpus/h100-sxm.json"). */
function jsonFiles(dir) {
  const found = {};
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) Object.assign(found, jsonFiles(p));
    else if (name.endsWith('.json')) found[relative(root, p).split('\\').join('/')] = readFileSync(p, 'utf8');
  }
  return found;
}

const hash = (buf) => createHash('sha256').update(buf).digest('hex').slice(0, 12);
rmSync(out, { recursive: true, force: true });
cpSync(dist, out, { recursive: true });
// Source maps stay out of the site (they would double its size); web/dist keeps them.
for (const f of readdirSync(join(out, 'assets'))) if (f.endsWith('.map')) rmSync(join(out, 'assets', f));
mkdirSync(join(out, 'engine'), { recursive: true });
const files = Buffer.from(JSON.stringify({ ...jsonFiles(join(root, 'data')), ...jsonFiles(join(root, 'tracks')) }));
const js = readFileSync(join(engineDir, 'fleetlab-engine.js'));
const wasm = readFileSync(join(engineDir, 'fleetlab-engine.wasm'));
const manifest = {
  engine: `fleetlab-engine.${hash(js)}.js`,
  wasm: `fleetlab-engine.${hash(wasm)}.wasm`,
  files: `files.${hash(files)}.json`,
  version: '0.1.0',
};
writeFileSync(join(out, 'engine', manifest.engine), js);
writeFileSync(join(out, 'engine', manifest.wasm), wasm);
writeFileSync(join(out, 'engine', manifest.files), files);
writeFileSync(join(out, 'engine', 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
// The page's sign that it carries the engine (src/engine/select.ts).
const index = readFileSync(join(out, 'index.html'), 'utf8');
if (!index.includes('</head>')) { console.error('build-site: index.html has no </head>'); process.exit(2); }
writeFileSync(join(out, 'index.html'), index.replace('</head>', '  <meta name="fleetlab-engine" content="engine/manifest.json" />\n  </head>'));
// GitHub Pages runs Jekyll unless told not to (it would hide nothing here, but costs a build).
writeFileSync(join(out, '.nojekyll'), '');

// The bundle's size, raw and as a host would send it compressed.
function walk(dir) { return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)])); }
const rows = walk(out).filter((f) => !f.endsWith('.nojekyll')).map((f) => {
  const b = readFileSync(f);
  return { file: relative(out, f), raw: b.length, gzip: gzipSync(b, { level: 9 }).length, brotli: brotliCompressSync(b).length };
});
const total = rows.reduce((a, r) => ({ raw: a.raw + r.raw, gzip: a.gzip + r.gzip, brotli: a.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
for (const r of rows.sort((a, b) => b.raw - a.raw)) console.log(`  ${r.file.padEnd(46)} ${kb(r.raw).padStart(9)} raw ${kb(r.gzip).padStart(8)} gzip ${kb(r.brotli).padStart(8)} brotli`);
console.log(`site: ${out}: ${rows.length} files, ${kb(total.raw)} raw, ${kb(total.gzip)} gzip, ${kb(total.brotli)} brotli`);
writeFileSync(join(out, 'engine', 'sizes.json'), JSON.stringify({ files: rows, total }, null, 2) + '\n');
