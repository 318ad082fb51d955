// The classroom in Debian's Chromium: `fleetlab lab --class e2e` on the
// fixture tracks. A student joins on the lab page and locks a prediction
// and writes a reflection; the instructor's page (the printed link) shows
// the lock in the part's distribution and the reflection, and has taken the
// token out of its URL. Then CORS as a browser enforces it: a page of the
// --class-origin site may join, a page of another origin may not, and no
// page of another origin may read the instructor's summary.
//   npm run e2e:class   (FLEETLAB_BIN, default ../build/bin/fleetlab)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { writeFixtureTracks } from './fixture-tracks.mjs';

const web = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const chromePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const T = 15000;
let checks = 0;
function check(cond, what) { if (!cond) throw new Error(`check failed: ${what}`); checks++; }

/** A page server on a free loopback port: its own origin, serving a blank page. */
function blankSite() {
  return new Promise((ok) => {
    const s = createServer((_req, res) => { res.writeHead(200, { 'Content-Type': 'text/html' }); res.end('<!doctype html><title>site</title>'); });
    s.listen(0, '127.0.0.1', () => ok({ server: s, origin: `http://127.0.0.1:${s.address().port}` }));
  });
}

/** Starts the class server; resolves to its base URL and the instructor's link. */
function startLab(bin, args) {
  return new Promise((ok, fail) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.on('exit', (code) => fail(new Error(`fleetlab lab exited (${code}) before printing the instructor link:\n${out}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const base = out.match(/serving (http:\/\/\S+)/), link = out.match(/instructor page[^:]*: (\S+#token=\S+)/);
      if (base && link) ok({ child, base: base[1], link: link[1] });
    });
  });
}

async function studentLocks(browser, base) {
  const page = await browser.newPage();
  await page.goto(`${base}/#/`);
  await page.waitForSelector('main#app[data-ready]', { timeout: T });
  await page.click('[data-testid=class-summary]');
  await page.waitForSelector('[data-testid=class-join][data-own-class]', { timeout: T });
  check(await page.locator('[data-testid=class-join]').getAttribute('data-own-class') === 'yes' && await page.locator('#class-address').isHidden(),
    'the lab served by the class server asks for no address');
  await page.fill('[data-testid=class-code]', 'e2e');
  await page.fill('[data-testid=class-nickname]', 'Ada');
  await page.click('.class-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('[data-testid=class-summary]')?.textContent === 'Class e2e · Ada', null, { timeout: T });
  checks++;
  await page.goto(`${base}/#/track/cloud-titan/part1`);
  await page.waitForSelector('#lock-exponential', { timeout: T });
  await page.check('#lock-exponential');
  await page.click('.lock-form button[type=submit]');
  await page.fill('[data-testid=reflection]', 'P99 bends upward near saturation');
  await page.waitForFunction(() => document.querySelector('[data-testid=class-status]')?.textContent === 'all sent', null, { timeout: T });
  checks++;
  return page;
}

async function instructorSees(browser, link) {
  const page = await browser.newPage();
  await page.goto(link);
  const part = '[data-part="cloud-titan/part1"]';
  await page.waitForFunction((sel) => document.querySelector(`${sel} [data-testid=locks]`)?.textContent === '1 locked a prediction', part, { timeout: T });
  checks++;
  check(await page.evaluate(() => location.hash) === '', 'the token was taken out of the instructor page\'s URL');
  check(await page.locator(`${part} figure[data-chart=predictions]`).getAttribute('data-points') === '2', 'the distribution has a bar per choice');
  // The reflection arrives once typing has stopped for 2 s.
  await page.waitForFunction((sel) => document.querySelector(`${sel} blockquote`)?.textContent?.startsWith('P99 bends upward'), part, { timeout: T });
  checks++;
  await page.close();
}

/** In `page`, a fetch of `url`: its HTTP status, or "blocked" when the browser refuses it (CORS). */
function browserFetch(page, url, init) {
  return page.evaluate(([u, i]) => fetch(u, i).then((r) => r.status, () => 'blocked'), [url, init]);
}

async function corsAsTheBrowserSees(browser, base, site, other) {
  const join = (nickname) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: 'e2e', nickname }) });
  const page = await browser.newPage();
  await page.goto(site.origin);
  check(await browserFetch(page, `${base}/api/v1/class/join`, join('Site')) === 201, 'a page of --class-origin may join (after the preflight)');
  check(await browserFetch(page, `${base}/api/v1/class/summary`, { headers: { Authorization: 'Bearer x' } }) === 'blocked',
    'a page of the site may not call the instructor\'s summary');
  check(await browserFetch(page, `${base}/api/v1/health`) === 'blocked', 'nor read the lab\'s own API');
  await page.goto(other.origin);
  check(await browserFetch(page, `${base}/api/v1/class/join`, join('Eve')) === 'blocked', 'a page of another origin may not join');
  await page.close();
}

async function main() {
  const bin = resolve(web, process.env.FLEETLAB_BIN ?? '../build/bin/fleetlab');
  if (!existsSync(bin)) { console.log(`SKIP e2e:class: no fleetlab binary at ${bin}`); return 0; }
  if (!/--class\b/.test(spawnSync(bin, ['lab', '--help'], { encoding: 'utf8' }).stdout ?? '')) { console.log(`SKIP e2e:class: ${bin} has no --class`); return 0; }
  if (!existsSync(resolve(web, 'dist/instructor.html'))) { console.error('e2e:class: web/dist/instructor.html is missing: run `npm run build` first'); return 2; }
  const dir = mkdtempSync(join(tmpdir(), 'fleetlab-class-e2e-'));
  writeFixtureTracks(join(dir, 'tracks'));
  const site = await blankSite(), other = await blankSite();
  const lab = await startLab(bin, ['lab', '--port', '0', '--static', resolve(web, 'dist'), '--tracks', join(dir, 'tracks'),
    '--class', 'e2e', '--class-db', join(dir, 'class.db'), '--class-origin', site.origin]);
  const browser = await chromium.launch({ executablePath: chromePath, args: ['--no-sandbox', '--disable-gpu'] });
  const t0 = Date.now();
  try {
    await studentLocks(browser, lab.base);
    await instructorSees(browser, lab.link);
    await corsAsTheBrowserSees(browser, lab.base, site, other);
    console.log(`e2e:class: ${checks} checks passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  } catch (err) {
    console.error(`e2e:class FAILED: ${err instanceof Error ? err.stack : err}`);
    return 1;
  } finally {
    await browser.close();
    lab.child.removeAllListeners('exit');
    lab.child.kill('SIGTERM');
    site.server.close();
    other.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exit(await main());
