// The student's walk through the lab, with assertions: for each track and
// part, lock → move a control (charts and headline must change) → reveal →
// reflect → Math Peek; the error path; the 10-iteration rule; the CFO
// challenge; then the ledger's export and a reload.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const T = 15000;
let checks = 0;
function check(cond, what) { if (!cond) throw new Error(`check failed: ${what}`); checks++; }

/** Console messages the walk provokes on purpose: the 422 of a refused configuration. */
const EXPECTED_CONSOLE = /Failed to load resource: the server responded with a status of 422/;

async function state(page) {
  return page.evaluate(() => ({
    headline: document.querySelector('[data-testid=headline]')?.dataset.value ?? null,
    digests: Object.fromEntries([...document.querySelectorAll('figure.chart')].map((f) => [f.dataset.chart, f.dataset.digest ?? null])),
  }));
}

async function waitChange(page, before, what, timeout = T) {
  return page.waitForFunction((b) => {
    const h = document.querySelector('[data-testid=headline]')?.dataset.value ?? null;
    const d = [...document.querySelectorAll('figure.chart')].map((f) => [f.dataset.chart, f.dataset.digest ?? null]);
    return h !== b.headline && d.some(([k, v]) => v && v !== b.digests[k]);
  }, before, { timeout }).then(() => true, () => false);
}

async function waitRun(page) {
  await page.waitForFunction(() => document.querySelector('[data-testid=headline]')?.dataset.value !== undefined
    && document.querySelector('.run-status')?.textContent !== 'running…', null, { timeout: T });
}

/** Moves one control with the keyboard (range: arrows; select: arrows; toggle: space). */
async function moveControl(page, c, i) {
  const loc = page.locator(`[data-path="${c.path}"]`);
  await loc.focus();
  if (c.kind === 'range') await page.keyboard.press(Number(await loc.inputValue()) >= (c.max ?? 0) ? 'ArrowLeft' : 'ArrowRight');
  else if (c.kind === 'select') {
    const opts = await loc.locator('option').count();
    const cur = await loc.evaluate((e) => e.selectedIndex);
    await loc.selectOption({ index: cur === 0 || (i % 2 === 1 && cur + 1 < opts) ? cur + 1 : cur - 1 });
  } else await page.keyboard.press('Space');
  return c;
}

async function pick(page, path, index) { await page.locator(`[data-path="${path}"]`).selectOption({ index }); }

async function doPart(page, base, track, part, shots, extras) {
  await page.goto(`${base}/#/track/${track.id}/${part.id}`);
  await page.waitForFunction((h) => document.getElementById('app')?.dataset.ready === h, `#/track/${track.id}/${part.id}`, { timeout: T });
  check(await page.locator('.step.workbench').isHidden(), `${track.id}/${part.id}: the workbench is closed before the lock`);
  if (part.question_kind === 'choice') await page.locator('input[name=lock]').first().check();
  else await page.locator('#lock-number').fill('3');
  await page.getByRole('button', { name: 'Lock my prediction' }).click();
  check(await page.locator('.step.workbench').isVisible(), `${track.id}/${part.id}: the lock opens the workbench`);
  await waitRun(page);
  // Move controls with the keyboard until three moves have changed a chart and the headline
  // (a control may legitimately change nothing at this load; then the next one is tried).
  const order = [...part.controls.filter((x) => x.kind === 'range'), ...part.controls.filter((x) => x.kind !== 'range')];
  let moved = 0;
  for (let i = 0; i < 2 * order.length + 4 && moved < 3; i++) {
    const before = await state(page);
    const c = await moveControl(page, order[i % order.length], i);
    if (await waitChange(page, before, c.path, 5000)) moved++;
  }
  check(moved >= 1, `${track.id}/${part.id}: moving a control changed a chart and the headline`);
  const blank = await page.evaluate(() => [...document.querySelectorAll('figure.chart')]
    .filter((f) => !f.dataset.digest && !f.querySelector('.chart-note')?.textContent?.trim()).map((f) => f.dataset.chart));
  check(blank.length === 0, `${track.id}/${part.id}: no blank chart (${blank.join(', ')})`);
  check(await page.locator('figure.chart').count() === part.instruments.length, `${track.id}/${part.id}: one chart per instrument`);
  if (extras) await extras(page);
  await page.getByRole('button', { name: /Reveal the engine/ }).click();
  await page.waitForSelector('[data-testid=reveal-engine]', { timeout: T });
  const engine = await page.locator('[data-testid=reveal-engine]').textContent();
  check(engine && engine.trim().length > 0, `${track.id}/${part.id}: the reveal shows the engine's answer`);
  check((await page.locator('.reveal .reason').textContent()).length > 10, `${track.id}/${part.id}: the reveal gives a reason`);
  await page.locator('[data-testid=reflection]').fill(`Reflection on ${track.id} ${part.id}: the queue is the model.`);
  await page.getByRole('button', { name: 'Math Peek' }).click();
  check(await page.locator('.peek-item').count() > 0, `${track.id}/${part.id}: Math Peek shows formulas`);
  const filled = await page.locator('.peek-item .filled').first().textContent();
  check(/\d/.test(filled), `${track.id}/${part.id}: Math Peek fills in numbers`);
  await page.screenshot({ path: resolve(shots, `${track.id}-${part.id}.png`), fullPage: true });
}

/** Cloud Titan Part 2: a refused split is explained next to its control; then the 10-iteration rule. */
async function sharding(page) {
  await pick(page, 'replica.pp', 0);
  await waitRun(page);
  await pick(page, 'replica.tp', 0); // TP1 PP1 on one H100: 141 GB of weights do not fit
  await page.waitForFunction(() => /does not fit/.test(document.querySelector('[data-control="replica.tp"] .control-error')?.textContent ?? ''), null, { timeout: T });
  check(true, 'a refused configuration is shown next to its control');
  check(await page.locator('figure.chart.error').count() > 0, 'the chart says it was not updated');
  const splits = [[3, 0], [2, 0], [2, 1], [1, 0], [1, 1], [1, 2], [3, 1], [2, 2], [3, 2], [1, 3]];
  for (const [tp, pp] of splits) {
    await pick(page, 'replica.tp', tp);
    await pick(page, 'replica.pp', pp);
    await waitRun(page);
  }
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=iteration-rule]')?.dataset.count) >= 10, null, { timeout: T });
  const rule = await page.locator('[data-testid=iteration-rule]').textContent();
  check(/tenth try/.test(rule), `the 10-iteration rule speaks after ten tries: "${rule}"`);
  await pick(page, 'replica.tp', 3);
  await pick(page, 'replica.pp', 0);
  await waitRun(page);
}

/** Cloud Titan Part 3: the CFO challenge gives a verdict; speculative decoding with a good draft passes. */
async function cfo(page) {
  const spec = page.locator('[data-path="replica.speculative.enabled"]');
  if (!(await spec.isChecked())) await spec.check();
  await page.waitForSelector('[data-testid=challenge-verdict]', { timeout: T });
  const v = await page.locator('[data-testid=challenge-verdict]').getAttribute('data-passed');
  check(v === 'true' || v === 'false', `the CFO challenge gives a verdict (${v})`);
}

export async function walkTracks(browser, base, shots) {
  const ctx = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error' && !EXPECTED_CONSOLE.test(m.text())) consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  const tracks = (await (await fetch(`${base}/api/v1/tracks`)).json()).tracks;
  check(tracks.length === 4, 'four tracks');
  await page.goto(base + '/');
  await page.waitForSelector('.track-card', { timeout: T });
  check(await page.locator('.track-card').count() === 4, 'the chooser shows four personas');
  let parts = 0;
  for (const t of tracks) {
    check(t.parts.length === 3, `${t.id} has three parts`);
    for (const p of t.parts) {
      const extras = t.id === 'cloud-titan' && p.number === 2 ? sharding : t.id === 'cloud-titan' && p.number === 3 ? cfo : null;
      try {
        await doPart(page, base, t, p, shots, extras);
      } catch (err) {
        await page.screenshot({ path: resolve(shots, `FAILED-${t.id}-${p.id}.png`), fullPage: true });
        throw new Error(`${t.id}/${p.id}: ${err instanceof Error ? err.message : err}; page status: ${await page.locator('.run-status').textContent().catch(() => '?')}`);
      }
      parts++;
    }
  }
  const perf = await page.evaluate(() => window.__fleetlabPerf ?? []);
  const perfFrontier = await page.evaluate(() => window.__fleetlabPerfFrontier ?? []);
  // The ledger: strategy form, exports.
  await page.goto(`${base}/#/ledger`);
  await page.waitForSelector('form.strategy', { timeout: T });
  await page.locator('#prio-balanced').check();
  await page.locator('#tail').fill('Hedged the slowest replica; paged KV to keep the batch full.');
  await page.locator('#justification').fill('Throughput within a P99 objective.');
  const md = await download(page, 'export-md');
  const js = JSON.parse(await download(page, 'export-json'));
  for (const t of tracks) for (const p of t.parts) {
    const e = js.entries[`${t.id}/${p.id}`];
    check(e && e.lock && e.reveal && e.reflection.includes(`${t.id} ${p.id}`) && e.tries.length > 0, `the JSON export holds ${t.id}/${p.id}`);
    check(md.includes(`Reflection on ${t.id} ${p.id}`), `the Markdown export holds ${t.id}/${p.id}'s reflection`);
  }
  check(js.strategy.priority === 'balanced' && md.includes('Hedged the slowest replica'), 'the exports hold the Fleet Serving Strategy');
  check(js.entries['cloud-titan/part2'].tries.length >= 10, 'the ledger keeps the configurations tried');
  // Reload: nothing lost.
  await page.reload();
  await page.waitForSelector('form.strategy', { timeout: T });
  check(await page.locator('#tail').inputValue() === 'Hedged the slowest replica; paged KV to keep the batch full.', 'the strategy survives a reload');
  check(await page.locator('.ledger-table tbody tr').count() === 12, 'the ledger lists all twelve parts after a reload');
  await page.goto(`${base}/#/track/cloud-titan/part1`);
  await page.waitForSelector('[data-testid=reflection]', { timeout: T });
  check((await page.locator('[data-testid=reflection]').inputValue()).includes('cloud-titan part1'), 'a reflection survives a reload');
  check(await page.locator('.step.workbench').isVisible(), 'a lock survives a reload (the workbench stays open)');
  await waitRun(page);
  check(consoleErrors.length === 0, `no console errors (got: ${consoleErrors.join(' | ')})`);
  await ctx.close();
  return { tracks: tracks.length, parts, checks, latency: stats(perf), frontier_latency: stats(perfFrontier) };
}

/** Nearest-rank percentiles of the measured latencies (ms). */
function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (f) => (s.length ? s[Math.min(s.length - 1, Math.ceil(f * s.length) - 1)] : null);
  return { samples: s.length, p50_ms: q(0.5), p95_ms: q(0.95), max_ms: s.at(-1) ?? null };
}

async function download(page, testid) {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: T }), page.locator(`[data-testid=${testid}]`).click()]);
  return readFileSync(await d.path(), 'utf8');
}
