// The engine in WebAssembly against the native engine, request by request:
// the native lab server (`fleetlab lab`, $FLEETLAB_BIN) and the site's engine
// (`make site`; loaded in Node's V8, and in Chromium's through the page) get
// the same requests, and must give the same JSON at 9 significant digits
// (wall_ms, the measured simulation time, aside). For every track part: its
// defaults, each control moved (up to 3), the frontier (as /frontier and as
// points run apart, then put together), the answer; plus the catalog, the
// tracks, memory, plan and error replies. Then the simulation time per part,
// native vs WASM in Node and in Chromium (7 interleaved runs each): the
// ratios are printed and written to ../build/wasm-equality.json. Exit 1 on
// any difference.
//   node e2e/wasm-equality.mjs SITE_DIR
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { loadSiteEngine, startStatic } from './site.mjs';

const web = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const site = resolve(process.argv[2] ?? resolve(web, '../build/site'));
const bin = resolve(web, process.env.FLEETLAB_BIN ?? '../build/bin/fleetlab');
const SIG = 9;
const REPEAT = 7;
const WARMUP = 3;

/** `v` with every number rounded to 9 significant digits and wall_ms dropped. */
function canonical(v) {
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 53 ? v : Number(v.toPrecision(SIG));
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().filter((k) => k !== 'wall_ms').map((k) => [k, canonical(v[k])]));
  return v;
}

/** The first path where a and b differ, or null. */
function firstDifference(a, b, path = '') {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) return `${path}: ${JSON.stringify(a)?.slice(0, 80)} vs ${JSON.stringify(b)?.slice(0, 80)}`;
  if (a && typeof a === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) { const d = firstDifference(a[k], b[k], `${path}.${k}`); if (d) return d; }
    return null;
  }
  return a === b ? null : `${path}: ${a} vs ${b}`;
}

async function startNative(flags = ['--workers', '1', '--queue', '64']) {
  const child = spawn(bin, ['lab', '--port', '0', '--static', site, ...flags, '--idle-timeout', '3600', '--wall-limit', '600'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; const m = out.match(/serving (http:\/\/\S+)/); if (m) ok(m[1]); });
    child.on('exit', (code) => fail(new Error(`fleetlab lab exited (${code})`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** A value for control `c` other than its default: the far end of a range, another option, the other toggle. */
function moved(c) {
  if (c.kind === 'range') return Math.abs(c.max - c.value) >= Math.abs(c.value - c.min) ? c.max : c.min;
  if (c.kind === 'select') return c.options.find((o) => JSON.stringify(o) !== JSON.stringify(c.value)) ?? c.value;
  return !c.value;
}

/** The frontier the workbench asks for (web/src/views/workbench.ts). */
function frontierRequest(part, scenario) {
  const rc = part.controls.find((c) => /(^|\.)rate(_per_s)?$/.test(c.path));
  const rate = scenario?.workload?.arrival?.rate_per_s ?? 10;
  const rates = rc ? { low: Math.max(rc.min, rc.step || 0.1), high: rc.max, points: 10 } : { low: rate * 0.1, high: rate * 1.1, points: 10 };
  return { track: part.track, part: part.id, overrides: {}, rates, metric: 'replica' in scenario ? 'ttft' : 'e2e' };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  if (!existsSync(resolve(site, 'engine/manifest.json'))) { console.error(`wasm-equality: ${site} is not a built site (make site)`); process.exit(2); }
  if (!existsSync(bin)) { console.error(`wasm-equality: no fleetlab binary at ${bin} (make build)`); process.exit(2); }
  const wasm = await loadSiteEngine(site);
  const native = await startNative();
  const nativeCall = async (method, path, body) => {
    const r = await fetch(native.url + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body || undefined });
    return { status: r.status, body: await r.text() };
  };
  let compared = 0, exact = 0, fallback = null;
  const failures = [];
  const same = async (what, method, path, req, wasmReply) => {
    const body = req === undefined ? '' : typeof req === 'string' ? req : JSON.stringify(req);
    const n = await nativeCall(method, path, body);
    const w = wasmReply ?? wasm.call(method, path, body);
    compared++;
    const d = n.status !== w.status ? `status ${n.status} vs ${w.status}: ${w.body.slice(0, 200)}`
      : firstDifference(canonical(JSON.parse(n.body)), canonical(JSON.parse(w.body)));
    if (d) failures.push(`${what}: ${d}`);
    else if (n.body.replace(/"wall_ms":[^,}]*/, '') === w.body.replace(/"wall_ms":[^,}]*/, '')) exact++;
    return { n, w };
  };
  // The frontier as the page's workers run it: the capacity, each point apart, then the finish.
  const samePieces = async (what, fr) => {
    const body = JSON.stringify(fr);
    const c = wasm.capacity(body);
    if (c.status !== 200) return same(what, 'POST', '/api/v1/frontier', fr, c);
    const points = Array.from({ length: fr.rates.points }, (_, i) => wasm.point(body, c.body, i));
    const bad = points.find((x) => x.status !== 200);
    return same(what, 'POST', '/api/v1/frontier', fr, bad ?? wasm.finish(body, c.body, `[${points.map((x) => x.body).join(',')}]`));
  };
  try {
    await same('health', 'GET', '/api/v1/health');
    await same('catalog', 'GET', '/api/v1/catalog');
    const { n: tr } = await same('tracks', 'GET', '/api/v1/tracks');
    const tracks = JSON.parse(tr.body).tracks;
    const speedRequests = {};
    for (const t of tracks) for (const p of t.parts) {
      const key = `${t.id}/${p.id}`;
      const { n: full } = await same(`${key} part`, 'GET', `/api/v1/tracks/${t.id}/${p.id}`);
      const part = JSON.parse(full.body);
      const base = { track: t.id, part: p.id };
      await same(`${key} run (defaults)`, 'POST', '/api/v1/run', { ...base, overrides: {}, series: true });
      for (const c of part.controls.slice(0, 3)) {
        const o = { [c.path]: moved(c) };
        await same(`${key} run ${JSON.stringify(o)}`, 'POST', '/api/v1/run', { ...base, overrides: o, series: p.number === 1 });
      }
      const fr = frontierRequest(part, part.scenario);
      await same(`${key} frontier`, 'POST', '/api/v1/frontier', fr);
      await samePieces(`${key} frontier from points`, fr);
      if (p.number === 1) await samePieces(`${key} frontier by load, from points`, { ...fr, rates: { low_load: 0.2, high_load: 0.95, points: 8 } });
      await same(`${key} answer`, 'POST', '/api/v1/answer', { ...base, overrides: {} });
      speedRequests[key] = { ...base, overrides: {}, series: p.instruments.includes('heatmap') };
    }
    // Refusals and the other endpoints: the same errors, field and message included.
    await same('run refused (unknown field)', 'POST', '/api/v1/run', { track: 'cloud-titan', part: 'part1', overrides: { 'workload.nope': 1 } });
    await same('run refused (range)', 'POST', '/api/v1/run', { track: 'cloud-titan', part: 'part1', overrides: { 'workload.arrival.rate_per_s': -3 } });
    await same('run refused (does not fit)', 'POST', '/api/v1/run', { track: 'cloud-titan', part: 'part2', overrides: { 'replica.tp': 1, 'replica.pp': 1 } });
    await same('run refused (bad json)', 'POST', '/api/v1/run', '{"track": ');
    await same('frontier refused (points)', 'POST', '/api/v1/frontier', { track: 'cloud-titan', part: 'part1', overrides: {}, rates: { low: 1, high: 2, points: 99 } });
    await same('unknown track', 'POST', '/api/v1/run', { track: 'nope', part: 'part1', overrides: {} });
    await same('memory', 'POST', '/api/v1/memory', { model: 'llama-3-70b', gpu: 'h100-sxm', tp: 4, context: 4096 });
    await same('memory refused', 'POST', '/api/v1/memory', { model: 'llama-3-70b', gpu: 'h100-sxm', tp: 1, context: 4096 });
    await same('plan', 'POST', '/api/v1/plan', { model: 'llama-3-8b', gpu: 'h100-sxm', gpus: 4, prompt: 1024, output: 256, ttft_slo_ms: 500 });
    await same('not found', 'GET', '/api/v1/nope');
    // Speed: the simulation time (wall_ms, measured by each engine itself) of each part's default run,
    // native, WASM in Node and WASM in Chromium (through the page's engine, in its Web Workers), the
    // three interleaved so that a busy machine slows them alike; the minimum and the median of REPEAT.
    const speed = await measureSpeed(speedRequests, nativeCall, wasm);
    fallback = await fallbackCheck();
    console.log(`wasm-equality: ${compared} replies compared (native vs WASM at ${SIG} significant digits): ${compared - failures.length} equal, ${exact} of them byte for byte`);
    console.log(`simulation time of each part's default run, ms (min / median of ${REPEAT} after ${WARMUP} warm-up runs, interleaved; ratio = WASM / native, of the minima):`);
    for (const [k, x] of Object.entries(speed)) {
      const f = (v) => `${v.min.toFixed(2)} / ${v.median.toFixed(2)}`.padStart(17);
      console.log(`  ${k.padEnd(22)} native ${f(x.native)}  WASM Node ${f(x.node)} x${x.ratio_node.toFixed(2)}  WASM Chromium ${f(x.chromium)} x${x.ratio_chromium.toFixed(2)}`);
    }
    console.log(`the site served by the lab server with one worker and no queue: ${fallback.ok} of ${fallback.sent} concurrent runs answered, ${fallback.fallbacks} of them by the browser after a 503 (engine: ${fallback.kind})`);
    if (fallback.kind !== 'server, browser when busy' || fallback.ok !== fallback.sent || fallback.fallbacks < 1) failures.push(`fallback: ${JSON.stringify(fallback)}`);
    mkdirSync(resolve(web, '../build'), { recursive: true });
    writeFileSync(resolve(web, '../build/wasm-equality.json'), JSON.stringify({ compared, equal: compared - failures.length, exact, failures, speed, fallback }, null, 2));
  } finally {
    native.stop();
  }
  if (failures.length) {
    console.error(`wasm-equality FAILED: ${failures.length} replies differ:\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
}

/**
 * The site from a lab server that has one simulation worker and no queue:
 * the page uses the server, and runs in the browser what it answers 503.
 */
async function fallbackCheck() {
  const server = await startNative(['--workers', '1', '--queue', '0']);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => window.__fleetlabEngine !== undefined, null, { timeout: 60000 });
    return await page.evaluate(async () => {
      const { engine, kind } = window.__fleetlabEngine;
      // 20,000 requests a run (~10x the part's default, ~0.1 s on the server) so that the
      // server is still busy with the first when the others arrive, however the browser
      // staggers them: with the default 2,000 all four were once answered one after another.
      const runs = await Promise.all([20, 30, 40, 50].map((r) => engine.run({ track: 'cloud-titan', part: 'part1',
        overrides: { 'workload.arrival.rate_per_s': r, 'workload.requests': 20000 } })));
      return { kind, sent: runs.length, ok: runs.filter((r) => r.ok).length, fallbacks: engine.fallbacks ?? 0 };
    });
  } finally {
    await browser.close();
    server.stop();
  }
}

async function measureSpeed(requests, nativeCall, wasm) {
  const { server, port } = await startStatic(site);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const out = {};
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/?engine=browser`);
    await page.waitForFunction(() => window.__fleetlabEngine !== undefined, null, { timeout: 60000 });
    const inPage = (req) => page.evaluate(async (r) => { const x = await window.__fleetlabEngine.engine.run(r); return x.ok ? x.value.wall_ms : NaN; }, req);
    for (const [key, req] of Object.entries(requests)) {
      const body = JSON.stringify(req);
      const t = { native: [], node: [], chromium: [] };
      // Warm-up: V8 compiles WebAssembly with a baseline compiler first and optimises the functions
      // that turn out hot (dynamic tiering): a part's first runs in a fresh page are slower (docs/site.md).
      for (let i = 0; i < WARMUP; i++) { await inPage(req); wasm.call('POST', '/api/v1/run', body); }
      for (let i = 0; i < REPEAT; i++) {
        t.native.push(JSON.parse((await nativeCall('POST', '/api/v1/run', body)).body).wall_ms);
        t.node.push(JSON.parse(wasm.call('POST', '/api/v1/run', body).body).wall_ms);
        t.chromium.push(await inPage(req));
      }
      const stats = (xs) => ({ min: Math.min(...xs), median: median(xs) });
      const x = { native: stats(t.native), node: stats(t.node), chromium: stats(t.chromium) };
      out[key] = { ...x, ratio_node: x.node.min / x.native.min, ratio_chromium: x.chromium.min / x.native.min };
    }
  } finally {
    await browser.close();
    server.close();
  }
  return out;
}

await main();
