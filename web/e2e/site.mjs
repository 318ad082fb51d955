// The static site (`make site`) under test: a tiny static file server (what
// any static host does, nothing more), the site's engine loaded in Node (the
// same .js/.wasm/files the page loads), and the checks only the site needs.
import { createServer } from 'node:http';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain',
};

/** Serves `dir` read-only on 127.0.0.1 (a free port); /api/ paths are recorded and answered 404, as a static host would. */
export function startStatic(dir) {
  const root = realpathSync(dir);
  const apiRequests = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path.startsWith('/api/')) apiRequests.push(path);
    const file = resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
    let ok = (req.method === 'GET' || req.method === 'HEAD') && (file === root || file.startsWith(root + sep));
    try { ok = ok && statSync(file).isFile(); } catch { ok = false; }
    if (!ok) { res.writeHead(404, { 'content-type': 'text/html' }); res.end('<h1>404</h1>'); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, port: server.address().port, apiRequests })));
}

/**
 * The site's engine in Node: call(method, path, body), point(body, i),
 * finish(body, points) give { status, body } as the page's workers get them.
 */
export async function loadSiteEngine(dir) {
  const engineDir = join(dir, 'engine');
  const manifest = JSON.parse(readFileSync(join(engineDir, 'manifest.json'), 'utf8'));
  const js = join(engineDir, manifest.engine);
  // emscripten 3.1.6's loader, an ES module, still uses CommonJS's require and __dirname under Node.
  globalThis.require ??= createRequire(js);
  globalThis.__dirname ??= dirname(js);
  const { default: create } = await import(pathToFileURL(js).href);
  const listeners = { uncaughtException: process.listeners('uncaughtException'), unhandledRejection: process.listeners('unhandledRejection') };
  const m = await create({ wasmBinary: readFileSync(join(engineDir, manifest.wasm)), print() {}, printErr: (s) => console.warn(`engine: ${s}`) });
  // Its Node branch also makes every unhandled error rethrow (printing its whole minified source): undone.
  for (const [event, before] of Object.entries(listeners)) {
    for (const l of process.listeners(event)) if (!before.includes(l)) process.removeListener(event, l);
  }
  const strings = (list, fn) => {
    const ptrs = list.map((s) => { const n = m.lengthBytesUTF8(s) + 1; const p = m._malloc(n); m.stringToUTF8(s, p, n); return p; });
    try { return fn(ptrs); } finally { for (const p of ptrs) m._free(p); }
  };
  const reply = (status) => ({ status, body: m.UTF8ToString(m._fleetlab_reply()) });
  const init = strings([readFileSync(join(engineDir, manifest.files), 'utf8')], ([f]) => m._fleetlab_init(f));
  if (init !== 200) throw new Error(`the site's engine did not load its files: ${m.UTF8ToString(m._fleetlab_reply())}`);
  return {
    call: (method, path, body = '') => strings([method, path, body], ([a, b, c]) => reply(m._fleetlab_call(a, b, c))),
    capacity: (body) => strings([body], ([b]) => reply(m._fleetlab_frontier_capacity(b))),
    point: (body, capacity, index) => strings([body, capacity], ([b, c]) => reply(m._fleetlab_frontier_point(b, c, index))),
    finish: (body, capacity, points) => strings([body, capacity, points], ([b, c, p]) => reply(m._fleetlab_frontier_finish(b, c, p))),
  };
}

/**
 * The walk reads the tracks itself (to know what to check) with fetch from
 * Node; a static host has no API, so those reads of `base`/api/v1/... are
 * answered by the site's engine in Node. The page never sees this.
 */
export function answerApiFromEngine(base, engine) {
  const fetchFn = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.startsWith(`${base}/api/v1/`)) return fetchFn(input, init);
    const r = engine.call(init?.method ?? 'GET', url.slice(base.length), init?.body ? String(init.body) : '');
    return new Response(r.body, { status: r.status, headers: { 'content-type': 'application/json' } });
  };
}

/**
 * What only the site must show: the page chose the engine in the browser,
 * asked the static host for nothing but its probe of /api/v1/health, and
 * goes on answering with the network gone.
 */
export async function siteChecks(browser, base, apiRequests) {
  let checks = 0;
  const check = (cond, what) => { if (!cond) throw new Error(`check failed: ${what}`); checks++; };
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/`);
  await page.waitForSelector('.track-card', { timeout: 30000 });
  const kind = await page.evaluate(() => document.documentElement.dataset.engine);
  check(kind === 'browser', `the site runs the engine in the browser (data-engine = ${kind})`);
  const note = await page.locator('[data-testid=engine-note]').textContent();
  check(/WebAssembly, \d+ workers/.test(note ?? ''), `the page says where simulations run (${note})`);
  const other = apiRequests.filter((p) => p !== '/api/v1/health');
  check(other.length === 0, `the page asked the static host for no API but its health probe (got ${other.join(', ')})`);
  // Offline: every file is loaded; the engine must go on answering, a part page must still open.
  await ctx.setOffline(true);
  const offline = await page.evaluate(async () => {
    const e = window.__fleetlabEngine.engine;
    const run = await e.run({ track: 'cloud-titan', part: 'part1', overrides: { 'workload.arrival.rate_per_s': 20 } });
    const fr = await e.frontier({ track: 'cloud-titan', part: 'part1', overrides: {}, rates: { low: 5, high: 40, points: 6 }, metric: 'ttft' });
    const why = (r) => (r.ok ? 'ok' : JSON.stringify(r.error));
    return { run: run.ok && run.value.report.requests.completed > 0, frontier: fr.ok && fr.value.series.rate_per_s.length === 6, why: `${why(run)}; ${why(fr)}` };
  });
  check(offline.run, `offline: a run is answered by the engine in the page (${offline.why})`);
  check(offline.frontier, `offline: a frontier (points in parallel workers) is answered (${offline.why})`);
  await page.evaluate(() => { location.hash = '#/track/edge-guardian/part2'; });
  await page.waitForSelector('.part-header', { timeout: 30000 });
  check(true, 'offline: a part page opens');
  await ctx.setOffline(false);
  check(errors.length === 0, `no page errors (${errors.join(' | ')})`);
  await ctx.close();
  return { checks, note, api_requests: apiRequests.length };
}
