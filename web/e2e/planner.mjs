// The Planner page (#/planner) in Chromium: a sweep's rows and a sizing
// result load from files and draw their Pareto charts and front table; with
// the real binary, `fleetlab size --html` writes a page that draws offline
// and shows a point's figures on hover.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const T = 15000;

function check(cond, what) { if (!cond) throw new Error(`check failed: ${what}`); }

/** Returns the number of checks passed. */
export async function plannerPage(browser, base, web, shots, bin) {
  const page = await browser.newPage();
  let n = 0;
  const ok = (cond, what) => { check(cond, what); n++; };
  const fixtures = resolve(web, 'test/fixtures/planner');
  try {
    await page.goto(`${base}/#/planner`);
    await page.waitForSelector('[data-testid=planner-file]', { timeout: T });
    await page.setInputFiles('[data-testid=planner-file]', resolve(fixtures, 'sweep-llama3-70b.csv'));
    await page.waitForSelector('figure[data-chart=planner-cost-ttft][data-points]', { timeout: T });
    const points = Number(await page.getAttribute('figure[data-chart=planner-cost-ttft]', 'data-points'));
    ok(points > 10, `the sweep's cost-TTFT chart draws its points (${points})`);
    ok(Number(await page.getAttribute('figure[data-chart=planner-cost-ttft]', 'data-front')) > 1, 'a front of several points');
    ok(await page.locator('figure[data-chart^=planner-]').count() === 3, 'three charts for an LLM sweep');
    ok(await page.locator('[data-testid=planner-front] tr').count() > 2, 'the front table lists the front');
    const plot = page.locator('figure[data-chart=planner-cost-ttft] .u-over');
    const box = await plot.boundingBox();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.waitForFunction(() => (document.querySelector('figure[data-chart=planner-cost-ttft] .chart-info')?.textContent ?? '').includes('replica.tp='), null, { timeout: T });
    ok(true, 'hovering names the point under the cursor');
    await page.screenshot({ path: resolve(shots, 'planner-sweep.png'), fullPage: true });
    await page.setInputFiles('[data-testid=planner-file]', resolve(fixtures, 'sizing.json'));
    await page.waitForFunction(() => document.getElementById('app')?.dataset.planner === 'sizing', null, { timeout: T });
    ok((await page.textContent('[data-testid=planner-status]')).includes('fleets'), 'a sizing result loads as fleets');
    await page.setInputFiles('[data-testid=planner-file]', resolve(fixtures, 'sizing-question.json'));
    await page.waitForSelector('[data-testid=planner-status][role=alert]', { timeout: T });
    ok((await page.textContent('[data-testid=planner-status]')).includes('neither sweep rows nor a sizing result'), 'a wrong file is named, not drawn');
    if (bin && existsSync(bin)) {
      const dir = mkdtempSync(join(tmpdir(), 'fleetlab-html-'));
      const html = join(dir, 'size.html');
      const r = spawnSync(bin, ['size', resolve(fixtures, 'sizing-question.json'), '--html', html], { encoding: 'utf8' });
      ok(r.status === 0, `fleetlab size --html ran (${r.stderr})`);
      await page.goto(`file://${html}`);
      await page.waitForSelector('body[data-ready="1"] svg circle', { timeout: T });
      ok(await page.locator('section[data-chart="0"] circle').count() > 1, 'the --html page draws its fleets offline');
      await page.locator('section[data-chart="0"] circle.fr').first().hover();
      ok((await page.textContent('#tip')).includes('usd_per_hour'), 'hovering a point of the --html page shows its figures');
      await page.screenshot({ path: resolve(shots, 'size-html.png'), fullPage: true });
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await page.close();
  }
  return n;
}
