// End-to-end: every track, every part, in Debian's headless Chromium
// (playwright-core; no browser is ever downloaded).
//   npm run e2e          against the real server: $FLEETLAB_BIN (default
//                        ../build/bin/fleetlab) `lab --port P --static dist`;
//                        skips with a message if the binary has no `lab` yet
//   npm run e2e:mock     against e2e/mock-server.mjs (fixtures)
//   FLEETLAB_SITE=DIR    against the static site `make site` built in DIR,
//                        served as plain files by e2e/static-server.mjs: no
//                        API, the engine runs in the page's Web Workers (the
//                        walk's own reads of the tracks go to the same engine
//                        in Node); then the page is taken offline and must
//                        still answer
// Screenshots and a summary (with the P95 control-to-chart latency) go to
// ../build/e2e-screenshots/ (../build/e2e-site/ for the site).
import { spawn, spawnSync } from 'node:child_process';
import { ledgerTabs } from './ledger-tabs.mjs';
import { plannerPage } from './planner.mjs';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startMock } from './mock-server.mjs';
import { walkTracks } from './lab-flow.mjs';
import { writeFixtureTracks } from './fixture-tracks.mjs';
import { answerApiFromEngine, loadSiteEngine, siteChecks, startStatic } from './site.mjs';

const web = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const site = process.env.FLEETLAB_SITE ? resolve(process.env.FLEETLAB_SITE) : null;
const shots = resolve(web, site ? '../build/e2e-site' : '../build/e2e-screenshots');
const chromePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

function freePort() {
  return new Promise((ok, fail) => { const s = createServer(); s.on('error', fail); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });
}

async function waitHealthy(base, ms) {
  const end = Date.now() + ms;
  for (;;) {
    try { const r = await fetch(`${base}/api/v1/health`); if (r.ok) return; } catch { /* not up yet */ }
    if (Date.now() > end) throw new Error(`the server at ${base} did not answer /api/v1/health within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startServer() {
  if (site) {
    const { server, port, apiRequests } = await startStatic(site);
    const base = `http://127.0.0.1:${port}`;
    const engine = await loadSiteEngine(site);
    answerApiFromEngine(base, engine);
    return { base, mode: `static site (${site}, the engine in the page)`, apiRequests, stop: () => server.close() };
  }
  if (process.env.FLEETLAB_MOCK === '1') {
    const { server, port } = await startMock({ dist: resolve(web, 'dist') });
    return { base: `http://127.0.0.1:${port}`, mode: 'mock', stop: () => server.close() };
  }
  const bin = resolve(web, process.env.FLEETLAB_BIN ?? '../build/bin/fleetlab');
  if (!existsSync(bin)) { console.log(`SKIP e2e: no fleetlab binary at ${bin} (build it, or set FLEETLAB_BIN)`); process.exit(0); }
  // The subcommand list of `fleetlab --help` names `lab` once the server branch is merged.
  const help = spawnSync(bin, ['--help'], { encoding: 'utf8' });
  if (!/^\s+lab\s/m.test(help.stdout ?? '')) {
    console.log(`SKIP e2e: ${bin} has no \`lab\` command yet (the server branch is not merged). Run \`npm run e2e:mock\` to check the UI against the fixture server.`);
    process.exit(0);
  }
  const port = await freePort();
  const args = ['lab', '--port', String(port), '--static', resolve(web, 'dist')];
  // FLEETLAB_TRACKS=DIR serves those tracks; =fixtures the fixture tracks (e2e/fixture-tracks.mjs); unset: the server's default.
  let tracks = process.env.FLEETLAB_TRACKS;
  if (!tracks && !existsSync(resolve(web, '../tracks'))) {
    console.log('note: the project has no tracks/ yet: serving the fixture tracks (e2e/fixture-tracks.mjs)');
    tracks = 'fixtures';
  }
  let made = null;
  if (tracks === 'fixtures') { tracks = made = mkdtempSync(join(tmpdir(), 'fleetlab-tracks-')); writeFixtureTracks(tracks); }
  if (tracks) args.push('--tracks', resolve(tracks));
  const child = spawn(bin, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise((_, fail) => child.on('exit', (code) => fail(new Error(`fleetlab lab exited (${code}) before answering`))));
  exited.catch(() => {}); // after start-up, the exit we cause at the end is expected
  await Promise.race([waitHealthy(base, 15000), exited]);
  return { base, mode: `real (${bin}${tracks ? `, tracks ${tracks}` : ''})`, stop: () => { child.kill('SIGTERM'); if (made) rmSync(made, { recursive: true, force: true }); } };
}

async function main() {
  if (site && !existsSync(resolve(site, 'engine/manifest.json'))) { console.error(`e2e: ${site} is not a built site: run \`make site\` first`); process.exit(2); }
  if (!site && !existsSync(resolve(web, 'dist/index.html'))) { console.error('e2e: web/dist is missing: run `npm run build` first'); process.exit(2); }
  if (!existsSync(chromePath)) { console.error(`e2e: no Chromium at ${chromePath}: install Debian's chromium (scripts/install-deps.sh)`); process.exit(2); }
  mkdirSync(shots, { recursive: true });
  for (const f of readdirSync(shots)) if (f.endsWith('.png')) rmSync(resolve(shots, f));
  const srv = await startServer();
  const t0 = Date.now();
  const browser = await chromium.launch({ executablePath: chromePath, args: ['--no-sandbox', '--disable-gpu'] });
  let failed = false;
  try {
    // The lesson audit needs the project's own tracks (their winning paths): not the mock, not the fixture tracks.
    const audit = process.env.FLEETLAB_MOCK !== '1' && !process.env.FLEETLAB_TRACKS && (site !== null || (srv.mode.startsWith('real') && !/tracks /.test(srv.mode)));
    const summary = await walkTracks(browser, srv.base, shots, { audit });
    const tabChecks = await ledgerTabs(browser, srv.base);
    console.log(`e2e: the ledger in two tabs, import and a refused save: ${tabChecks} checks passed`);
    summary.checks += tabChecks;
    const plannerChecks = await plannerPage(browser, srv.base, web, shots, process.env.FLEETLAB_MOCK === '1' ? null : resolve(web, process.env.FLEETLAB_BIN ?? '../build/bin/fleetlab'));
    console.log(`e2e: the Planner page and the --html page: ${plannerChecks} checks passed`);
    summary.checks += plannerChecks;
    if (site) {
      const s = await siteChecks(browser, srv.base, srv.apiRequests);
      console.log(`e2e: the site: ${s.checks} checks passed (${s.note})`);
      summary.checks += s.checks;
      summary.site = s;
    }
    summary.mode = srv.mode;
    summary.wall_s = (Date.now() - t0) / 1000;
    writeFileSync(resolve(shots, 'summary.json'), JSON.stringify(summary, null, 2));
    console.log(`e2e (${srv.mode}): ${summary.parts} parts in ${summary.tracks} tracks, ${summary.checks} checks passed in ${summary.wall_s.toFixed(1)} s`);
    console.log(`control-change-to-chart-update latency: P95 ${summary.latency.p95_ms?.toFixed(1)} ms, median ${summary.latency.p50_ms?.toFixed(1)} ms over ${summary.latency.samples} updates (target < 150 ms)`);
    const sw = summary.server_wall, cs = summary.client_share;
    console.log(`  of which the server's simulation (wall_ms): P95 ${sw.p95_ms?.toFixed(1)} ms, median ${sw.p50_ms?.toFixed(1)} ms; the rest (network, front end, drawing): P95 ${cs.p95_ms?.toFixed(1)} ms, median ${cs.p50_ms?.toFixed(1)} ms`);
    // (The site has no HTTP request to split: its entries are empty there.)
    const split = Object.entries(summary.latency_split ?? {}).filter(([, v]) => v.p95_ms !== undefined).map(([k, v]) => `${k.replaceAll('_', ' ')} P95 ${v.p95_ms?.toFixed(1)} / median ${v.p50_ms?.toFixed(1)} ms`);
    if (split.length) console.log(`  the rest, split (ms): ${split.join('; ')}`);
    for (const [part, x] of Object.entries(summary.latency_by_part ?? {})) {
      console.log(`  ${part}: P95 ${x.p95_ms?.toFixed(1)} ms, median ${x.p50_ms?.toFixed(1)} ms over ${x.samples}; run body ${x.bytes_p50 ?? '?'} B; steps ${JSON.stringify(x.step_p50_ms, (_k, v) => (typeof v === 'number' ? Math.round(v) : v))}`);
    }
    if (summary.skipped.length) console.log(`SKIPPED ${summary.skipped.length} checks the server cannot serve yet:\n  ${summary.skipped.join('\n  ')}`);
    const fl = summary.frontier_latency;
    console.log(`control-change-to-frontier-update latency (slow work: a run per rate, only when a non-rate setting moves): P95 ${fl.p95_ms?.toFixed(1)} ms over ${fl.samples} updates`);
    console.log(`screenshots: ${shots}`);
  } catch (err) {
    failed = true;
    console.error(`e2e FAILED: ${err instanceof Error ? err.stack : err}`);
  } finally {
    await browser.close();
    srv.stop();
  }
  process.exit(failed ? 1 : 0);
}

await main();
