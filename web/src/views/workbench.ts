// The workbench: the part's controls, the instruments they drive, the
// headline number, the configurations tried against the target (the
// 10-iteration rule) and the stakeholder challenge. Requests are debounced
// and latest-wins; an error is shown next to the control that caused it.
import { describeError, isSuperseded, Latest, steadyRun, type ApiResult } from '../api/client';
import { applyOverrides, fmt, fmtHuman, getNumber, getPath, headline, targetMet } from '../api/report';
import type { FrontierResponse, JsonValue, Overrides, Part, Report, RunResponse } from '../api/types';
import type { EnergyPoint } from '../charts/EnergyPower';
import type { Engine } from '../engine/engine';
import { canonical, ITERATION_LIMIT, type Ledger } from '../ledger/ledger';
import { addFeed, markChange, markStep, markUpdated } from '../perf';
import { baselineOverrides, judgeChallenge, normalizeChallenge } from './challenge';
import { blameControl, controlActs, renderControl, type ControlView } from './controls';
import { h } from './dom';
import { budgetCheck, ownSettings } from './lesson';
import { makeInstrument, powerOf, type Instrument } from './instruments';

const DEBOUNCE_MS = 25;

export interface WorkbenchHooks { onReport(report: Report, scenario: Record<string, JsonValue>, overrides: Overrides): void; onFrontier?(): void }

declare global {
  interface Window {
    /** The last report the workbench showed (the e2e's lesson audit compares the page with it). */
    __fleetlabReport?: Report;
    __fleetlabFrontier?: FrontierResponse;
  }
}

/** The allocator the Part 3 users chart compares against the student's. */
const ALLOCATOR = 'replica.kv.allocator';

export class Workbench {
  private overrides: Overrides;
  private controls: ControlView[] = [];
  private instruments: Instrument[] = [];
  private lastChanged: string | null = null;
  private frontier: FrontierResponse | null = null;
  /** The settings (rate aside) the frontier on screen was computed for, and the ones asked for. */
  private frontierWanted: string | null = null;
  private lastReport: Report | null = null;
  private lastOther: Report | null = null;
  /** canonical(own settings) of the last completed run, and whether the change behind the current settings was final. */
  private completedKey: string | null = null;
  private lastCompleted: { o: Overrides; report: Report } | null = null;
  private final = true;
  // Serial: a frontier the student has moved past is not aborted (the server finishes it anyway) but waited
  // for, so at most one frontier holds a simulation worker and the runs keep the others.
  private frontiers = new Latest((q: { o: Overrides; scenario: Record<string, JsonValue> }, s: AbortSignal) =>
    this.api.frontier({ track: this.part.track, part: this.part.id, overrides: q.o, rates: this.rates(q.scenario), metric: 'replica' in q.scenario ? 'ttft' : 'e2e' }, s), 0, { serial: true });
  private baseline: Report | null = null;
  private baselineKey: string | null = null;
  private retried = false;
  private readonly challenge: ReturnType<typeof normalizeChallenge>;
  /** This workbench's latest control change (performance mark), null before the first. */
  private changeMark: string | null = null;
  // Leading edge: a single change runs at once; a burst of changes waits for DEBOUNCE_MS of quiet.
  private runs = new Latest((o: Overrides, s: AbortSignal) => this.fetchAll(o, s), DEBOUNCE_MS, { leading: true });
  private readonly headlineEl = h('p', { class: 'headline', 'aria-live': 'polite', 'data-testid': 'headline' });
  private readonly bannerEl = h('p', { class: 'unstable-banner', role: 'alert', 'data-testid': 'unstable-banner', hidden: true });
  private readonly figuresEl = h('dl', { class: 'figures', 'data-testid': 'figures', hidden: true });
  private readonly statusEl = h('p', { class: 'run-status', role: 'status' });
  private readonly triesEl = h('section', { class: 'tries', 'aria-label': 'Configurations tried' });
  private readonly challengeEl = h('section', { class: 'challenge', 'aria-label': 'Stakeholder challenge' });

  constructor(
    private readonly part: Part, private readonly api: Engine, private readonly ledger: Ledger,
    private readonly controlsEl: HTMLElement, private readonly instrumentsEl: HTMLElement, private readonly hooks: WorkbenchHooks,
  ) {
    this.overrides = { ...ledger.entry(part.track, part.id).config };
    this.challenge = normalizeChallenge(part.challenge);
  }

  start(): void {
    const s = this.scenario();
    for (const c of this.part.controls) {
      const at = getPath(s, c.path);
      const initial = at === undefined ? null : (at as JsonValue);
      const v = renderControl(c, initial, (path, value, final) => this.change(path, value, final));
      this.controls.push(v);
      this.controlsEl.append(v.root);
    }
    this.gateControls();
    this.controlsEl.append(this.headlineEl, this.bannerEl, this.figuresEl, this.statusEl);
    const grid = h('div', { class: 'instrument-grid' });
    this.instrumentsEl.append(grid);
    for (const name of this.part.instruments) this.instruments.push(makeInstrument(name, this.part, grid));
    if (this.part.target) this.instrumentsEl.append(this.triesEl);
    if (this.part.challenge) this.instrumentsEl.append(this.challengeEl);
    this.renderTries();
    void this.refresh();
  }

  currentOverrides(): Overrides { return { ...this.overrides }; }

  private scenario(o: Overrides = this.overrides): Record<string, JsonValue> { return applyOverrides(this.part.scenario ?? {}, o); }

  /** Disables every control that would act on nothing under the current settings, with its sentence. */
  private gateControls(): void {
    const s = this.scenario();
    for (const v of this.controls) {
      const acts = controlActs(v.control, (p) => getPath(s, p) as JsonValue | undefined);
      if (acts !== v.enabled) v.setEnabled(acts, v.control.when_text);
    }
  }

  private change(path: string, value: JsonValue | undefined, final: boolean): void {
    const same = JSON.stringify(this.overrides[path]) === JSON.stringify(value);
    this.final = final;
    if (same && final) {
      // A slider released where its last step already ran: that completed run is now a try.
      if (this.lastCompleted && canonical(ownSettings(this.part, this.lastCompleted.o)) === canonical(ownSettings(this.part, this.overrides))) {
        this.recordTry(this.lastCompleted.o, this.lastCompleted.report);
        this.renderTries();
      }
      return;
    }
    this.changeMark = markChange(`${this.part.track}/${this.part.id}`);
    this.lastChanged = path;
    if (value === undefined) delete this.overrides[path];
    else this.overrides[path] = value;
    if (value === null || typeof value === 'object') this.replaceChildren(path);
    this.ledger.setConfig(this.part.track, this.part.id, this.overrides);
    this.gateControls();
    void this.refresh();
  }

  /**
   * A setting that replaces a whole object (hedging on or off, a layout):
   * the settings inside it are dropped (they belonged to the old object) and
   * their controls show the new object's values.
   */
  private replaceChildren(path: string): void {
    for (const k of Object.keys(this.overrides)) if (k.startsWith(path + '.')) delete this.overrides[k];
    const s = this.scenario();
    for (const v of this.controls) {
      if (!v.control.path.startsWith(path + '.')) continue;
      const now = getPath(s, v.control.path);
      v.setValue(now === undefined ? null : (now as JsonValue));
    }
  }

  private async refresh(): Promise<void> {
    for (const c of this.controls) c.setError(null);
    const budget = budgetCheck(this.part, this.scenario(), this.lastChanged);
    if (!budget.ok) {
      // Refused before it is sent: the engine would refuse it too (the part's budget), and it is no try.
      this.runs.cancel();
      const at = this.controls[blameControl(this.controls.map((c) => c.control.path), budget.field, this.lastChanged)];
      at?.setError(budget.message);
      this.statusEl.textContent = `refused: ${budget.message}`;
      for (const i of this.instruments) i.chart.showError(`not updated: ${budget.message}`);
      markUpdated('update', this.changeMark);
      return;
    }
    this.statusEl.textContent = 'running…';
    const res = await this.runs.submit({ ...this.overrides });
    if (isSuperseded(res)) return;
    this.apply(res);
    // The frontier (a run per rate) is asked for once the run has answered: on a server with
    // few simulation workers it would otherwise hold them while the run's instruments wait.
    if (this.needs('frontier') && res.r.ok) {
      const rc = this.rateControl();
      const noRate = Object.fromEntries(Object.entries(this.overrides).filter(([k]) => k !== rc?.path));
      const key = JSON.stringify(noRate);
      if (key !== this.frontierWanted) { this.frontierWanted = key; void this.refreshFrontier(noRate); }
    }
    // A full worker pool answers 503 with Retry-After: try once more then, unless the student moved on.
    const e = res.r.ok ? null : res.r.error;
    if (e && e.kind === 'http' && e.code === 'busy' && e.retryAfterS !== undefined && !this.retried) {
      this.retried = true;
      setTimeout(() => void this.refresh(), e.retryAfterS * 1000);
    } else this.retried = false;
  }

  /** The frontier is slow work (a run per rate): it arrives on its own, after the run's instruments. */
  private async refreshFrontier(o: Overrides): Promise<void> {
    const start = this.changeMark;
    const key = this.frontierWanted;
    this.markFrontier(false);
    for (const i of this.instruments) if (i.needs === 'frontier' && this.frontier) i.chart.setInfo('recomputing the frontier for the new settings…');
    const res = await this.frontiers.submit({ o, scenario: this.scenario(o) });
    if (isSuperseded(res)) return;
    const fr = this.instruments.filter((i) => i.needs === 'frontier');
    if (!res.ok) {
      this.frontierWanted = null; // try again on the next change
      for (const i of fr) { i.chart.setInfo(''); i.chart.showError(`frontier not updated: ${describeError(res.error)}`); }
      return;
    }
    this.frontier = res.value;
    window.__fleetlabFrontier = res.value;
    this.markFrontier(key === this.frontierWanted);
    for (const i of fr) i.chart.setInfo('');
    if (this.lastReport) this.feed(fr, this.lastReport);
    this.hooks.onFrontier?.();
    markUpdated('frontier', start);
  }

  /** Whether the frontier on screen is the one for the current settings (the e2e waits for it). */
  private markFrontier(current: boolean): void {
    for (const i of this.instruments) if (i.needs === 'frontier') i.chart.root.dataset.current = String(current);
  }

  private feed(which: Instrument[], report: Report): void {
    const history: EnergyPoint[] = this.ledger.entry(this.part.track, this.part.id).tries
      .filter((t) => t.extra).map((t) => ({ power_w: t.extra!.power_w ?? null, joules_per_token: t.extra!.joules_per_token ?? null, latency_ms: t.extra!.latency_ms ?? null }));
    for (const i of which) {
      if (i.needs === 'frontier' && !this.frontier) continue; // still coming
      const t = performance.now();
      i.feed({ report, frontier: this.frontier, other: this.lastOther, overrides: this.overrides, baseline: this.baseline, history });
      addFeed(i.name, performance.now() - t, this.changeMark);
    }
  }

  private needs(kind: Instrument['needs']): boolean { return this.instruments.some((i) => i.needs === kind); }

  private rateControl() { return this.part.controls.find((c) => /(^|\.)rate(_per_s)?$/.test(c.path)); }

  /** The run; the other allocator's run (the users chart) and the challenge's "before" when needed; in parallel. */
  private async fetchAll(o: Overrides, signal: AbortSignal) {
    const mark = this.changeMark;
    markStep('run_start', mark);
    const base = { track: this.part.track, part: this.part.id };
    const series = this.part.instruments.includes('heatmap');
    const run = this.api.run({ ...base, overrides: o, series }, signal).then(steadyRun);
    const scenario = this.scenario(o);
    const allocator = getPath(scenario, ALLOCATOR);
    const other = this.needs('other') && typeof allocator === 'string'
      ? this.api.run({ ...base, overrides: { ...o, [ALLOCATOR]: allocator === 'paged' ? 'contiguous' : 'paged' } }, signal).then(steadyRun) : null;
    const c = this.challenge.challenge;
    const bo = c ? baselineOverrides(c, o) : null;
    const bkey = bo ? canonical(bo) : null;
    const baseline = bo && bkey !== this.baselineKey ? this.api.run({ ...base, overrides: bo }, signal).then(steadyRun) : null;
    const [r, m, b] = await Promise.all([run, other, baseline]);
    markStep('responses_parsed', mark);
    return { o, scenario, r, m, b, bkey };
  }

  private rates(scenario: Record<string, JsonValue>) {
    const f = this.part.frontier;
    if (f) return { low_load: f.low_load, high_load: f.high_load, points: f.points };
    const rc = this.rateControl();
    if (rc && rc.min !== undefined && rc.max !== undefined) return { low: Math.max(rc.min, rc.step ?? 0.1), high: rc.max, points: 10 };
    const rate = getNumber(scenario, 'workload.arrival.rate_per_s') ?? 10;
    return { low: rate * 0.1, high: rate * 1.1, points: 10 };
  }

  private apply(x: Awaited<ReturnType<Workbench['fetchAll']>>): void {
    if (x.b?.ok) { this.baseline = x.b.value.report; this.baselineKey = x.bkey; }
    if (!x.r.ok) return this.fail(x.r);
    const report = x.r.value.report;
    this.lastOther = x.m?.ok ? x.m.value.report : null;
    const err = firstError([x.m, x.b]);
    const hl = headline(this.part, report);
    const met = targetMet(this.part.target, hl.raw);
    this.headlineEl.replaceChildren(`${hl.label}: `,
      h('span', { 'data-figure': hl.path, 'data-value': hl.raw ?? '' }, hl.value === null ? 'no steady-state value (unstable run)' : fmtHuman(hl.value, hl.unit)),
      this.part.target ? ` — target ${this.part.target.label}: ${met === null ? 'not measurable (unstable run)' : met ? 'met' : 'not met'}` : '');
    this.headlineEl.dataset.value = hl.value === null ? '' : String(hl.value);
    this.headlineEl.classList.toggle('miss', met === false);
    this.renderBanner(report);
    this.renderFigures(report);
    this.statusEl.textContent = statusLine(report, x.r.value.wall_ms) + (err ? ` — ${err}` : '');
    this.lastCompleted = { o: { ...x.o }, report };
    if (this.final) this.recordTry(x.o, report);
    this.ledger.setResult(this.part.track, this.part.id, { label: hl.label, value: hl.value, unit: hl.unit });
    this.lastReport = report;
    window.__fleetlabReport = report;
    markStep('headline_set', this.changeMark);
    this.feed(this.instruments, report);
    markStep('charts_fed', this.changeMark);
    this.renderTries();
    this.renderChallenge(report, x.o);
    this.hooks.onReport(report, x.scenario, x.o);
    markStep('page_updated', this.changeMark);
    markUpdated('update', this.changeMark, x.r.value.wall_ms);
  }

  /** A completed run of final settings: one try per distinct configuration (the part's own values drop out). */
  private recordTry(o: Overrides, report: Report): void {
    const own = ownSettings(this.part, o);
    const key = canonical(own);
    if (key === this.completedKey) return;
    this.completedKey = key;
    if (Object.keys(own).length === 0) return; // the part's defaults are where the student starts, not a try
    const hl = headline(this.part, report);
    this.ledger.addTry(this.part.track, this.part.id, {
      overrides: ownSettings(this.part, o), metric: hl.path, value: hl.value, met: targetMet(this.part.target, hl.raw),
      extra: { power_w: powerOf(report).power_w, joules_per_token: powerOf(report).joules, latency_ms: hl.value },
    });
  }

  private renderBanner(r: Report): void {
    this.bannerEl.hidden = r.stable;
    this.bannerEl.textContent = r.stable ? '' : `Unstable: at these settings requests arrive faster than the system serves them, so the queue grows without bound (${r.stability}). There is no steady-state latency to show: lower the load or add capacity.`;
  }

  /** The part's labelled figures (weight-gather's trade, preemption's cost): label, number, unit. */
  private renderFigures(r: Report): void {
    const fs = this.part.figures ?? [];
    this.figuresEl.hidden = fs.length === 0;
    this.figuresEl.replaceChildren(...fs.flatMap((f) => {
      const raw = getNumber(r, f.metric);
      const v = raw === null ? null : raw * (f.scale ?? 1);
      return [h('dt', {}, f.label), h('dd', { 'data-figure': f.metric, 'data-value': raw ?? '' }, fmtHuman(v, f.unit ?? ''))];
    }));
  }

  private fail(r: Extract<ApiResult<RunResponse>, { ok: false }>): void {
    const msg = describeError(r.error);
    const field = r.error.kind === 'http' ? r.error.field : null;
    const at = this.controls[blameControl(this.controls.map((c) => c.control.path), field, this.lastChanged)];
    at?.setError(msg);
    this.statusEl.textContent = `refused: ${msg}`;
    for (const i of this.instruments) i.chart.showError(`not updated: ${msg}`);
    // A refused or unanswered configuration is not a try: tries are distinct configurations that ran.
    markUpdated('update', this.changeMark);
  }

  private renderTries(): void {
    const t = this.part.target;
    if (!t) return;
    const tries = this.ledger.entry(this.part.track, this.part.id).tries;
    const hit = tries.find((x) => x.met);
    const n = tries.length;
    let msg: string;
    if (n > ITERATION_LIMIT) msg = `The 10-iteration rule: your tenth try has passed (${n} configurations tried). ${hit ? `You hit the target on try ${hit.n}.` : 'Stop tuning at random: read the waterfall, decide which term dominates, and change that.'}`;
    else if (n === ITERATION_LIMIT) msg = `The 10-iteration rule: that was your tenth try. ${hit ? `You hit the target on try ${hit.n}.` : 'The target is not met yet: this is the moment to reason from the instruments, not to keep guessing.'}`;
    else msg = `Try ${n} of ${ITERATION_LIMIT} against the target ${t.label}.${hit ? ` Met on try ${hit.n}.` : ''}`;
    const names = new Map(this.part.controls.map((c) => [c.path, c.label]));
    this.triesEl.replaceChildren(
      h('h3', {}, 'Configurations tried'),
      h('p', { class: 'tries-note' }, 'A try is a distinct configuration that ran to completion: a refused one, a repeat, or the steps of a slider drag are not counted.'),
      h('p', { class: 'iteration-rule', 'data-testid': 'iteration-rule', 'data-count': n, 'data-met-at': hit?.n ?? '' }, msg),
      h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'settings'), h('th', {}, t.metric_label ?? t.label), h('th', {}, 'met'))),
        h('tbody', {}, ...tries.map((x) => h('tr', { class: x.met ? 'met' : '' },
          h('td', {}, x.n),
          h('td', {}, Object.entries(x.overrides).map(([k, v]) => `${names.get(k) ?? k.split('.').pop()} = ${settingText(this.part, k, v)}`).join(', ') || 'the part\'s defaults'),
          h('td', {}, x.error ? `refused: ${x.error}` : fmtHuman(x.value, t.unit ?? '')),
          h('td', {}, x.met === null ? '—' : x.met ? 'yes' : 'no')))))),
    );
  }

  private renderChallenge(report: Report, o: Overrides): void {
    const { challenge: c, stakeholder, text, problem } = this.challenge;
    if (!this.part.challenge) return;
    if (!c) {
      this.challengeEl.replaceChildren(h('h3', {}, `The ${stakeholder}'s challenge`), h('p', {}, text),
        h('p', { class: 'chart-note' }, `The lab cannot judge this challenge automatically: ${problem}.`));
      return;
    }
    const bkey = canonical(baselineOverrides(c, o));
    if (!this.baseline || this.baselineKey !== bkey) { this.challengeEl.replaceChildren(h('p', {}, 'waiting for the baseline run at your load…')); return; }
    const v = judgeChallenge(c, this.baseline, report);
    // Recorded as passed only when the student's own settings (not the part's defaults) pass.
    const own = Object.keys(ownSettings(this.part, o)).length > 0;
    const passed = v.passed && own;
    this.ledger.setChallenge(this.part.track, this.part.id, { passed, before: v.before, after: v.after, guardBefore: v.guardBefore, guardAfter: v.guardAfter });
    const same = c.same_load.length ? ` The "before" runs at your ${c.same_load.map((p) => (this.part.controls.find((x) => x.path === p)?.label ?? p).toLowerCase()).join(' and ')}, without the change.` : '';
    this.challengeEl.replaceChildren(
      h('h3', {}, `The ${stakeholder}'s challenge`),
      h('p', {}, text),
      ...(c.definition ? [h('p', { class: 'definition' }, h('strong', {}, 'Definition: '), c.definition)] : []),
      h('p', { class: 'challenge-note' }, `Judged against the same configuration without your change.${same}`),
      h('p', { class: `verdict ${passed ? 'pass' : 'fail'}`, 'data-testid': 'challenge-verdict', 'data-passed': String(passed) },
        passed ? 'PASS' : 'NOT YET', ': ', v.why),
    );
  }
}

/** A setting as the student reads it: the option's label for a layout, the value with the control's unit otherwise. */
function settingText(part: Part, path: string, v: JsonValue): string {
  const c = part.controls.find((x) => x.path === path);
  const i = c?.options?.findIndex((o) => JSON.stringify(o) === JSON.stringify(v)) ?? -1;
  if (c && i >= 0 && c.labels?.[i]) return c.labels[i]!;
  const s = typeof v === 'object' && v !== null ? '(layout)' : String(v);
  return c?.unit ? `${s} ${c.unit}` : s;
}

/** Stability, the offered load against the capacity, and how busy the servers were: named so they cannot be confused. */
function statusLine(r: Report, wallMs: number): string {
  const load = Number.isFinite(r.offered.load) && r.offered.load > 0 ? `offered load ${fmt(r.offered.load * 100)}% of the ${r.replica ? 'estimated ' : ''}capacity (${fmt(r.capacity_per_s)} req/s)` : '';
  const busy = `${r.replica ? 'GPUs' : 'busiest server'} busy ${fmt(r.utilization * 100)}% of the time`;
  return [r.stable ? 'stable' : 'UNSTABLE', load, busy, `simulated in ${fmt(wallMs, 'ms')}`].filter(Boolean).join(' · ');
}

function firstError(rs: (ApiResult<unknown> | null)[]): string | null {
  for (const r of rs) if (r && !r.ok && r.error.kind !== 'aborted') return describeError(r.error);
  return null;
}
