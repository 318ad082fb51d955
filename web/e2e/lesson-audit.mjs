// The lesson audit (issue 11): for every part of every track, in Chromium
// against the real server, the checks that say the part teaches rather
// than merely runs. Each check is pass, fail (with why) or n/a; the table
// of parts x checks is printed, and any failure fails the e2e.
//
//   lock       the workbench is closed until the prediction is locked
//   controls   every control moved from the defaults changes a figure on the page,
//              or is disabled with its sentence (and then, enabled, changes one)
//   frontier   points past the knee are drawn (unstable ones pinned), the knee is a
//              plotted point with an agreeing label, the M/M/1 reference and the
//              50/80/90% marks are drawn
//   banner     an unstable run (rate pushed past capacity) gets the banner
//   challenge  unmet at the defaults (and not recorded passed); the stored winning
//              path passes it at the same load and only then is it recorded
//   rule       the Part 2 target: not met by the defaults, met by the stored winning
//              path within 10 tries
//   headline   a label, a number and a unit; no raw report path
//   same       every figure shown more than once on the page shows one value
//   peek       Math Peek's engine figures equal the report's, on every part with the
//              cost law and TTFT vs TPOT
//   hedge      where hedging is a control, backups and wasted work are shown
//   narrow     at 390 px the page has no sideways scroll
const T = 15000;

export const AUDIT_CHECKS = ['lock', 'controls', 'frontier', 'banner', 'challenge', 'rule', 'headline', 'same', 'peek', 'hedge', 'narrow'];

async function waitRun(page) {
  await page.waitForFunction(() => document.querySelector('[data-testid=headline]')?.dataset.value !== undefined
    && !/^running/.test(document.querySelector('.run-status')?.textContent ?? ''), null, { timeout: T });
  // The challenge's "before" and the other allocator's run arrive with the run; give the page a frame to draw.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
}

/** Everything the page shows as a figure: the headline, the labelled figures, every chart's data and info line, the challenge verdict. */
async function snapshot(page) {
  return page.evaluate(() => JSON.stringify({
    headline: document.querySelector('[data-testid=headline]')?.textContent ?? '',
    figures: document.querySelector('[data-testid=figures]')?.textContent ?? '',
    charts: [...document.querySelectorAll('figure.chart')].map((f) => [f.dataset.chart, f.dataset.digest ?? '', f.querySelector('.chart-info')?.textContent ?? '']),
    challenge: document.querySelector('.challenge')?.textContent ?? '',
    status: (document.querySelector('.run-status')?.textContent ?? '').replace(/simulated in [^·]*/, ''),
  }));
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b ?? null);

/** The value a control shows, in the part's terms (select: the option's value; toggle: off/on). */
async function controlValue(page, c) {
  const loc = page.locator(`[data-path="${c.path}"]`);
  if (c.kind === 'range') return Number(await loc.inputValue());
  if (c.kind === 'toggle') {
    const [off, on] = c.options?.length === 2 ? c.options : [false, true];
    return (await loc.isChecked()) ? on : off;
  }
  const i = Number(await loc.inputValue());
  return i < 0 ? undefined : c.options[i];
}

/** Sets a control to `v` as a student would (a slider is dragged and released); returns whether anything was sent. */
export async function setControl(page, c, v) {
  const loc = page.locator(`[data-path="${c.path}"]`);
  if (c.kind === 'select') {
    const idx = c.options.findIndex((o) => same(o, v));
    if (idx < 0) throw new Error(`${c.path}: no option ${JSON.stringify(v)}`);
    if (Number(await loc.inputValue()) === idx) return false;
    await loc.selectOption({ value: String(idx) });
  } else if (c.kind === 'toggle') {
    const on = c.options?.length === 2 ? same(v, c.options[1]) : v === true;
    if ((await loc.isChecked()) === on) return false;
    await loc.setChecked(on);
  } else {
    if (Number(await loc.inputValue()) === v) return false;
    await loc.fill(String(v));
  }
  await waitRun(page);
  return true;
}

/** A value for `c` other than `from`: a slider's far end, the next option, the other toggle state. */
function otherValue(c, from) {
  if (c.kind === 'range') return from === c.max ? c.min : c.max;
  if (c.kind === 'toggle') { const [off, on] = c.options?.length === 2 ? c.options : [false, true]; return same(from, on) ? off : on; }
  // From the engine's default (no option selected), the last option: the first is often the default itself.
  if (from === undefined) return c.options[c.options.length - 1];
  const i = c.options.findIndex((o) => same(o, from));
  return c.options[(i + 1) % c.options.length];
}

async function disabledNote(page, c) {
  return page.evaluate((p) => {
    const root = document.querySelector(`[data-control="${p}"]`);
    const input = root?.querySelector('[data-path]');
    return input?.disabled ? (root.querySelector('.control-note')?.textContent ?? '') : null;
  }, c.path);
}

/** Called before the audit reloads a page (the walk collects the page's latency samples then). */
export const reloadHooks = { before: null };

/** Back to the part's defaults: the stored settings cleared, the page reloaded (the lock stays). */
export async function resetPart(page, track, part) {
  if (reloadHooks.before) await reloadHooks.before(page);
  await page.evaluate(({ key }) => {
    const k = `fleetlab.ledger.v2.part.${key}`;
    const e = JSON.parse(localStorage.getItem(k) ?? '{}');
    e.config = {};
    e.stamps = { ...(e.stamps ?? {}), config: Date.now() + 1 };
    localStorage.setItem(k, JSON.stringify(e));
  }, { key: `${track}/${part}` });
  await page.reload();
  await page.waitForSelector('[data-testid=headline]', { timeout: T });
  await waitRun(page);
}

async function applyPath(page, full, path) {
  for (const step of path) {
    for (const [p, v] of Object.entries(step)) {
      const c = full.controls.find((x) => x.path === p);
      if (!c) throw new Error(`the winning path sets ${p}, which no control offers`);
      await setControl(page, c, v);
    }
  }
}

async function ledgerEntry(page, key) {
  return page.evaluate((k) => JSON.parse(localStorage.getItem(`fleetlab.ledger.v2.part.${k}`) ?? '{}'), key);
}

/** Runs one check; its outcome goes into `row` (true, 'n/a' or the reason it failed). */
async function check(row, name, fn) {
  try {
    const r = await fn();
    row[name] = r === undefined ? true : r;
  } catch (err) {
    row[name] = `✗ ${err instanceof Error ? err.message : err}`;
  }
}

function must(cond, why) { if (!cond) throw new Error(why); }

/**
 * The audit of one part, the workbench already open on the part's defaults
 * (locked, first run answered). Leaves the part on its defaults.
 */
export async function auditPart(page, track, full, lockedBefore) {
  const key = `${track.id}/${full.id}`;
  const row = { part: key };
  row.lock = lockedBefore ? true : '✗ the workbench was open before the lock';

  await check(row, 'headline', async () => {
    const h = await page.evaluate(() => {
      const el = document.querySelector('[data-testid=headline]');
      return { text: el?.textContent ?? '', figure: el?.querySelector('[data-figure]')?.textContent ?? '' };
    });
    must(!/[a-z_]+\.[a-z0-9_]+\.[a-z0-9_.]+/.test(h.text), `a raw report path in "${h.text}"`);
    must(/^[^:]{3,}: /.test(h.text), `no label before the number in "${h.text}"`);
    must(/^-?[\d.,]+ ?[^\s\d][^\s]*$/.test(h.figure.trim()), `no number with a unit in "${h.figure}" (headline "${h.text}")`);
  });

  await check(row, 'rule', async () => {
    const t = full.target;
    if (full.number !== 2 || !t) return 'n/a';
    must(Array.isArray(t.winning_path) && t.winning_path.length > 0, 'the part stores no winning path (lab.target.winning_path)');
    const before = await page.locator('[data-testid=headline]').textContent();
    must(/not met/.test(before), `the defaults already meet the target: "${before}"`);
    await applyPath(page, full, t.winning_path);
    const rule = page.locator('[data-testid=iteration-rule]');
    const n = Number(await rule.getAttribute('data-count'));
    const at = await rule.getAttribute('data-met-at');
    const after = await page.locator('[data-testid=headline]').textContent();
    must(/: met/.test(after), `the winning path does not meet the target: "${after}"`);
    must(at !== '' && Number(at) <= 10 && n <= 10, `met on try ${at} of ${n} (must be within 10)`);
    await resetPart(page, track.id, full.id);
    return true;
  });

  await check(row, 'challenge', async () => {
    const ch = full.challenge;
    if (!ch) return 'n/a';
    must(Array.isArray(ch.winning_path) && ch.winning_path.length > 0, 'the challenge stores no winning path (lab.challenge.winning_path)');
    await page.waitForSelector('[data-testid=challenge-verdict]', { timeout: T });
    const v0 = await page.locator('[data-testid=challenge-verdict]').getAttribute('data-passed');
    must(v0 === 'false', 'the challenge passes at the defaults');
    const e0 = await ledgerEntry(page, key);
    must(!e0.challenge?.passed, 'the ledger records the challenge passed before any attempt');
    await applyPath(page, full, ch.winning_path);
    await page.waitForFunction(() => !/waiting/.test(document.querySelector('.challenge')?.textContent ?? 'waiting'), null, { timeout: T });
    const v1 = await page.locator('[data-testid=challenge-verdict]').getAttribute('data-passed');
    const why = await page.locator('[data-testid=challenge-verdict]').textContent();
    must(v1 === 'true', `the stored winning path does not pass: ${why}`);
    const e1 = await ledgerEntry(page, key);
    must(e1.challenge?.passed === true, 'the pass is not recorded in the ledger');
    await resetPart(page, track.id, full.id);
    const v2 = await page.locator('[data-testid=challenge-verdict]').getAttribute('data-passed');
    must(v2 === 'false', 'back at the defaults the challenge still shows passed');
    return true;
  });

  await check(row, 'controls', async () => {
    const bad = [];
    for (const c of full.controls) {
      const note = await disabledNote(page, c);
      if (note !== null) {
        if (note.trim().length < 20) { bad.push(`${c.path}: disabled without a sentence`); continue; }
        // Enabled through its condition (the control that sets the field it names, or a whole object around it), it must act.
        const w = c.when?.path ?? '';
        const gate = full.controls.find((x) => x.path === w || w.startsWith(x.path + '.'));
        if (!gate) { bad.push(`${c.path}: disabled, and no control enables it`); continue; }
        const g0 = await controlValue(page, gate);
        const candidates = gate.kind === 'range' ? [gate.max, gate.min] : gate.kind === 'toggle' ? (gate.options?.length === 2 ? gate.options : [false, true]) : gate.options;
        let enabled = false;
        for (const gv of candidates) {
          if (same(gv, g0)) continue;
          await setControl(page, gate, gv);
          if (await disabledNote(page, c) === null) { enabled = true; break; }
        }
        if (!enabled) bad.push(`${c.path}: no value of ${gate.path} enables it`);
        else if (!(await movesAFigure(page, c))) bad.push(`${c.path}: enabled, it changes no figure`);
        await setControl(page, gate, g0);
        continue;
      }
      if (!(await movesAFigure(page, c))) bad.push(`${c.path}: moving it changes no figure`);
    }
    must(bad.length === 0, bad.join('; '));
  });

  await check(row, 'frontier', async () => {
    if (!full.instruments.includes('frontier')) return 'n/a';
    await page.waitForFunction(() => {
      const f = document.querySelector('figure[data-chart=frontier]');
      return f?.dataset.current === 'true' && f.dataset.kneeX !== undefined;
    }, null, { timeout: 60000 });
    const f = await page.evaluate(() => {
      const el = document.querySelector('figure[data-chart=frontier]');
      const fr = window.__fleetlabFrontier;
      return { ...el.dataset, label: el.querySelector('[data-figure=knee-rate]')?.dataset.value ?? null, rates: fr?.series.rate_per_s ?? [], sim: (fr?.knee?.metric === 'ttft' ? fr?.series.ttft_p99_ms : fr?.series.e2e_p99_ms) ?? [] };
    });
    if (full.number !== 1) return true; // drawn; the knee lesson is Part 1's
    must(Number(f.unstable) > 0, 'no point past saturation is drawn (no unstable point)');
    must(Number(f.pastKnee) > 0, 'no point past the knee is drawn');
    must(f.kneeX !== '' && f.kneeY !== '', 'no knee within the rates shown');
    const i = f.rates.findIndex((x) => x === Number(f.kneeX));
    must(i >= 0 && f.sim[i] === Number(f.kneeY), `the knee (${f.kneeX}, ${f.kneeY}) is not a plotted point of the curve`);
    must(f.label !== null && Number(f.label) === Number(f.kneeX), `the knee's label (${f.label}) disagrees with its dot (${f.kneeX})`);
    must(f.reference === 'true', 'no analytic or M/M/1 reference curve');
    must((f.utilMarks ?? '').split(',').filter(Boolean).length === 3, 'no 50/80/90% utilisation marks');
    return true;
  });

  await check(row, 'banner', async () => {
    const rc = full.controls.find((c) => c.kind === 'range' && /(^|\.)rate(_per_s)?$/.test(c.path));
    if (!rc || full.number !== 1) return 'n/a';
    const v0 = await controlValue(page, rc);
    await setControl(page, rc, rc.max);
    const stable = await page.evaluate(() => window.__fleetlabReport?.stable);
    const banner = await page.locator('[data-testid=unstable-banner]').isVisible();
    const text = banner ? await page.locator('[data-testid=unstable-banner]').textContent() : '';
    await setControl(page, rc, v0);
    const after = await page.locator('[data-testid=unstable-banner]').isVisible();
    must(stable === false, `the rate's maximum (${rc.max}) is not past saturation: no unstable run to show`);
    must(banner && /grows without bound/.test(text), 'an unstable run shows no banner saying what it means');
    must(!after, 'the banner stays on a stable run');
    return true;
  });

  await check(row, 'hedge', async () => {
    const hedgeCtl = full.controls.find((c) => /hedge/i.test(c.label) && c.kind === 'toggle' && !/^Withdraw/.test(c.label));
    if (!hedgeCtl) return 'n/a';
    const v0 = await controlValue(page, hedgeCtl);
    await setControl(page, hedgeCtl, hedgeCtl.options?.length === 2 ? hedgeCtl.options[1] : true);
    const shown = await page.evaluate(() => {
      const f = document.querySelector('figure[data-chart=hedge]');
      const text = [...document.querySelectorAll('.chart-info')].map((e) => e.textContent).join(' ');
      return { stages: Number(f?.dataset.stages ?? 0), text };
    });
    await setControl(page, hedgeCtl, v0);
    must(shown.stages > 0 && /backups/.test(shown.text) && (/wasted/.test(shown.text) || /started late/.test(shown.text)), `hedging on, the backups and wasted work are not shown (${shown.text.slice(0, 120)})`);
    return true;
  });

  await check(row, 'same', async () => {
    const groups = await page.evaluate(() => {
      const g = {};
      for (const el of document.querySelectorAll('[data-figure], [data-report-path]')) {
        const k = el.dataset.figure ?? el.dataset.reportPath;
        (g[k] ??= []).push(el.dataset.value ?? '');
      }
      return g;
    });
    const bad = Object.entries(groups).filter(([, vs]) => vs.some((v) => Math.abs(Number(v) - Number(vs[0])) > 1e-9 * Math.max(1, Math.abs(Number(vs[0]))) || (v === '') !== (vs[0] === '')));
    must(bad.length === 0, bad.map(([k, vs]) => `${k}: ${vs.join(' vs ')}`).join('; '));
  });

  await check(row, 'peek', async () => {
    const open = await page.locator('#math-peek').isVisible();
    if (!open) await page.getByRole('button', { name: 'Math Peek' }).click();
    await page.waitForSelector('.peek-item', { timeout: T });
    const r = await page.evaluate(() => {
      const rep = window.__fleetlabReport;
      const get = (p) => p.split('.').reduce((o, k) => (o === null || o === undefined ? undefined : o[k]), rep);
      const ids = [...document.querySelectorAll('.peek-item')].map((e) => e.dataset.peek);
      const figs = [...document.querySelectorAll('#math-peek [data-report-path]')].map((e) => ({ path: e.dataset.reportPath, shown: e.dataset.value, report: get(e.dataset.reportPath) }));
      const filled = [...document.querySelectorAll('#math-peek .filled')].map((e) => e.textContent);
      return { ids, figs, filled };
    });
    if (!open) await page.getByRole('button', { name: 'Math Peek' }).click();
    must(r.ids.includes('cost-dominance') && r.ids.includes('ttft-tpot'), `Math Peek lacks the cost law or TTFT vs TPOT (${r.ids.join(', ')})`);
    must(r.ids.length >= 3, `Math Peek shows none of the part's own formulas (${r.ids.join(', ')})`);
    must(r.filled.every((t) => /\d/.test(t)), 'a formula is not filled with numbers');
    must(r.figs.length > 0, 'Math Peek quotes no engine figure');
    const bad = r.figs.filter((f) => (typeof f.report === 'number' ? Number(f.shown) !== f.report : f.shown !== ''));
    must(bad.length === 0, bad.map((f) => `${f.path}: shown ${f.shown}, report ${f.report}`).join('; '));
  });

  await check(row, 'narrow', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(150);
    const w = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    await page.setViewportSize({ width: 1280, height: 900 });
    must(w.scroll <= w.client, `at 390 px the page is ${w.scroll} px wide (sideways scroll)`);
  });
  return row;
}

/** Moves `c` away from its value and back; whether a displayed figure changed (it is left where it was). */
async function movesAFigure(page, c) {
  const v0 = await controlValue(page, c);
  const before = await snapshot(page);
  const to = otherValue(c, v0);
  if (!(await setControl(page, c, to))) return false;
  const after = await snapshot(page);
  if (v0 === undefined) await page.locator(`[data-path="${c.path}"]`).selectOption({ value: '-1' }).then(() => waitRun(page));
  else await setControl(page, c, v0);
  return after !== before;
}

/** The audit's table: parts down, checks across (✓ pass, – not applicable, ✗ fail), the failures listed below it. */
export function auditTable(rows) {
  const w = Math.max(...rows.map((r) => r.part.length), 4);
  const cell = (v) => (v === true ? '✓' : v === 'n/a' ? '–' : v === undefined ? '?' : '✗');
  const lines = [`${'part'.padEnd(w)}  ${AUDIT_CHECKS.map((c) => c.padEnd(9)).join(' ')}`];
  for (const r of rows) lines.push(`${r.part.padEnd(w)}  ${AUDIT_CHECKS.map((c) => cell(r[c]).padEnd(9)).join(' ')}`);
  const fails = rows.flatMap((r) => AUDIT_CHECKS.filter((c) => typeof r[c] === 'string' && r[c] !== 'n/a').map((c) => `${r.part} ${c}: ${r[c]}`));
  return { text: lines.join('\n'), fails };
}
