// The workbench: the part's controls, the instruments they drive, the
// headline number, the configurations tried against the target (the
// 10-iteration rule) and the stakeholder challenge. Requests are debounced
// and latest-wins; an error is shown next to the control that caused it.
import { describeError, isSuperseded, Latest, type ApiResult } from '../api/client';
import { applyOverrides, fmt, getNumber, headline, targetMet } from '../api/report';
import type { FrontierResponse, JsonValue, MemoryResponse, Overrides, Part, Report, RunResponse } from '../api/types';
import type { EnergyPoint } from '../charts/EnergyPower';
import type { Engine } from '../engine/engine';
import { ITERATION_LIMIT, type Ledger } from '../ledger/ledger';
import { addFeed, markChange, markStep, markUpdated } from '../perf';
import { judgeChallenge, normalizeChallenge } from './challenge';
import { blameControl, renderControl, type ControlView } from './controls';
import { h } from './dom';
import { makeInstrument, powerOf, type Instrument } from './instruments';

const DEBOUNCE_MS = 25;

export interface WorkbenchHooks { onReport(report: Report, scenario: Record<string, JsonValue>, overrides: Overrides): void }

export class Workbench {
  private overrides: Overrides;
  private controls: ControlView[] = [];
  private instruments: Instrument[] = [];
  private lastChanged: string | null = null;
  private frontier: FrontierResponse | null = null;
  /** The settings (rate aside) the frontier on screen was computed for, and the ones asked for. */
  private frontierKey = '';
  private frontierWanted: string | null = null;
  private lastReport: Report | null = null;
  // Serial: a frontier the student has moved past is not aborted (the server finishes it anyway) but waited
  // for, so at most one frontier holds a simulation worker and the runs keep the others.
  private frontiers = new Latest((q: { o: Overrides; scenario: Record<string, JsonValue> }, s: AbortSignal) =>
    this.api.frontier({ track: this.part.track, part: this.part.id, overrides: q.o, rates: this.rates(q.scenario), metric: 'replica' in q.scenario ? 'ttft' : 'e2e' }, s), 0, { serial: true });
  private baseline: Report | null = null;
  private retried = false;
  private readonly challenge: ReturnType<typeof normalizeChallenge>;
  /** This workbench's latest control change (performance mark), null before the first. */
  private changeMark: string | null = null;
  // Leading edge: a single change runs at once; a burst of changes waits for DEBOUNCE_MS of quiet.
  private runs = new Latest((o: Overrides, s: AbortSignal) => this.fetchAll(o, s), DEBOUNCE_MS, { leading: true });
  private readonly headlineEl = h('p', { class: 'headline', 'aria-live': 'polite', 'data-testid': 'headline' });
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
    for (const c of this.part.controls) {
      const initial = c.path in this.overrides ? this.overrides[c.path]! : c.value;
      const v = renderControl(c, initial, (path, value) => this.change(path, value));
      this.controls.push(v);
      this.controlsEl.append(v.root);
    }
    this.controlsEl.append(this.headlineEl, this.statusEl);
    const grid = h('div', { class: 'instrument-grid' });
    this.instrumentsEl.append(grid);
    for (const name of this.part.instruments) this.instruments.push(makeInstrument(name, this.part, grid));
    if (this.part.target) this.instrumentsEl.append(this.triesEl);
    if (this.part.challenge) this.instrumentsEl.append(this.challengeEl);
    this.renderTries();
    void this.refresh();
  }

  currentOverrides(): Overrides { return { ...this.overrides }; }

  private change(path: string, value: JsonValue | undefined): void {
    this.changeMark = markChange(`${this.part.track}/${this.part.id}`);
    this.lastChanged = path;
    if (value === undefined) delete this.overrides[path];
    else this.overrides[path] = value;
    this.ledger.setConfig(this.part.track, this.part.id, this.overrides);
    void this.refresh();
  }

  private async refresh(): Promise<void> {
    this.statusEl.textContent = 'running…';
    const res = await this.runs.submit({ ...this.overrides });
    if (isSuperseded(res)) return;
    this.apply(res);
    // The frontier (a run per rate) is asked for once the run has answered: on a server with
    // few simulation workers it would otherwise hold them while the run's instruments wait.
    if (this.needs('frontier')) {
      const rc = this.rateControl();
      const noRate = Object.fromEntries(Object.entries(this.overrides).filter(([k]) => k !== rc?.path));
      const key = JSON.stringify(noRate);
      if (key !== this.frontierWanted) { this.frontierWanted = key; void this.refreshFrontier(noRate, key); }
    }
    // A full worker pool answers 503 with Retry-After: try once more then, unless the student moved on.
    const e = res.r.ok ? null : res.r.error;
    if (e && e.kind === 'http' && e.code === 'busy' && e.retryAfterS !== undefined && !this.retried) {
      this.retried = true;
      setTimeout(() => void this.refresh(), e.retryAfterS * 1000);
    } else this.retried = false;
  }

  /** The frontier is slow work (a run per rate): it arrives on its own, after the run's instruments. */
  private async refreshFrontier(o: Overrides, key: string): Promise<void> {
    const start = this.changeMark;
    for (const i of this.instruments) if (i.needs === 'frontier' && this.frontier) i.chart.setInfo('recomputing the frontier for the new settings…');
    const res = await this.frontiers.submit({ o, scenario: applyOverrides(this.part.scenario ?? {}, o) });
    if (isSuperseded(res)) return;
    const fr = this.instruments.filter((i) => i.needs === 'frontier');
    if (!res.ok) {
      this.frontierWanted = null; // try again on the next change
      for (const i of fr) { i.chart.setInfo(''); i.chart.showError(`frontier not updated: ${describeError(res.error)}`); }
      return;
    }
    this.frontier = res.value;
    this.frontierKey = key;
    for (const i of fr) i.chart.setInfo('');
    if (this.lastReport) this.feed(fr, this.lastReport, null);
    markUpdated('frontier', start);
  }

  private feed(which: Instrument[], report: Report, memory: MemoryResponse | null): void {
    const history: EnergyPoint[] = this.ledger.entry(this.part.track, this.part.id).tries
      .filter((t) => t.extra).map((t) => ({ power_w: t.extra!.power_w ?? null, joules_per_token: t.extra!.joules_per_token ?? null, latency_ms: t.extra!.latency_ms ?? null }));
    for (const i of which) {
      if (i.needs === 'frontier' && !this.frontier) continue; // still coming
      const t = performance.now();
      i.feed({ report, frontier: this.frontier, memory, baseline: this.baseline, history });
      addFeed(i.name, performance.now() - t, this.changeMark);
    }
  }

  private needs(kind: Instrument['needs']): boolean { return this.instruments.some((i) => i.needs === kind); }

  private rateControl() { return this.part.controls.find((c) => /(^|\.)rate(_per_s)?$/.test(c.path)); }

  /** The run, and the memory figures and challenge baseline when needed, in parallel. */
  private async fetchAll(o: Overrides, signal: AbortSignal) {
    const mark = this.changeMark;
    markStep('run_start', mark);
    const base = { track: this.part.track, part: this.part.id };
    const series = this.part.instruments.includes('heatmap');
    const run = this.api.run({ ...base, overrides: o, series }, signal);
    const scenario = applyOverrides(this.part.scenario ?? {}, o);
    const memory = this.needs('memory') && 'replica' in scenario ? this.api.memory(memoryRequest(scenario), signal) : null;
    const baseline = this.challenge.challenge && !this.baseline
      ? this.api.run({ ...base, overrides: this.challenge.challenge.baseline }, signal) : null;
    const [r, m, b] = await Promise.all([run, memory, baseline]);
    markStep('responses_parsed', mark);
    return { o, scenario, r, m, b };
  }

  private rates(scenario: Record<string, JsonValue>) {
    const rc = this.rateControl();
    if (rc && rc.min !== undefined && rc.max !== undefined) return { low: Math.max(rc.min, rc.step ?? 0.1), high: rc.max, points: 10 };
    const rate = getNumber(scenario, 'workload.arrival.rate_per_s') ?? 10;
    return { low: rate * 0.1, high: rate * 1.1, points: 10 };
  }

  private apply(x: Awaited<ReturnType<Workbench['fetchAll']>>): void {
    if (x.b?.ok) this.baseline = x.b.value.report;
    for (const c of this.controls) c.setError(null);
    if (!x.r.ok) return this.fail(x.r, x.o);
    const report = x.r.value.report;
    const err = firstError([x.m, x.b]);
    const hl = headline(this.part, report);
    const met = targetMet(this.part.target, hl.value);
    this.headlineEl.textContent = `${hl.label}: ${fmt(hl.value, hl.unit)}${this.part.target ? ` — target ${this.part.target.label}: ${met ? 'met' : 'not met'}` : ''}`;
    this.headlineEl.dataset.value = hl.value === null ? '' : String(hl.value);
    this.headlineEl.classList.toggle('miss', met === false);
    this.statusEl.textContent = `${report.stable ? 'stable' : 'UNSTABLE'}: ${report.stability}; utilisation ${fmt(report.utilization * 100)}%; simulated in ${fmt(x.r.value.wall_ms, 'ms')}${err ? ` — ${err}` : ''}`;
    this.ledger.addTry(this.part.track, this.part.id, {
      overrides: x.o, metric: hl.path, value: hl.value, met,
      extra: { power_w: powerOf(report).power_w, joules_per_token: powerOf(report).joules, latency_ms: hl.value },
    });
    this.ledger.setResult(this.part.track, this.part.id, { label: hl.label, value: hl.value, unit: hl.unit });
    this.lastReport = report;
    markStep('headline_set', this.changeMark);
    this.feed(this.instruments, report, x.m?.ok ? x.m.value : null);
    markStep('charts_fed', this.changeMark);
    this.renderTries();
    this.renderChallenge(report);
    this.hooks.onReport(report, x.scenario, x.o);
    markStep('page_updated', this.changeMark);
    markUpdated('update', this.changeMark, x.r.value.wall_ms);
  }

  private fail(r: Extract<ApiResult<RunResponse>, { ok: false }>, o: Overrides): void {
    const msg = describeError(r.error);
    const field = r.error.kind === 'http' ? r.error.field : null;
    const at = this.controls[blameControl(this.controls.map((c) => c.control.path), field, this.lastChanged)];
    at?.setError(msg);
    this.statusEl.textContent = `refused: ${msg}`;
    for (const i of this.instruments) i.chart.showError(`not updated: ${msg}`);
    if (r.error.kind !== 'aborted') {
      this.ledger.addTry(this.part.track, this.part.id, { overrides: o, metric: this.part.target?.metric ?? '', value: null, met: null, error: msg });
      this.renderTries();
    }
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
    this.triesEl.replaceChildren(
      h('h3', {}, 'Configurations tried'),
      h('p', { class: 'iteration-rule', 'data-testid': 'iteration-rule', 'data-count': n }, msg),
      h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', {}, 'settings'), h('th', {}, t.label), h('th', {}, 'met'))),
        h('tbody', {}, ...tries.map((x) => h('tr', { class: x.met ? 'met' : '' },
          h('td', {}, x.n),
          h('td', {}, Object.entries(x.overrides).map(([k, v]) => `${k.split('.').pop()}=${JSON.stringify(v)}`).join(', ') || 'as written'),
          h('td', {}, x.error ? `refused: ${x.error}` : fmt(x.value)),
          h('td', {}, x.met === null ? '—' : x.met ? 'yes' : 'no'))))),
    );
  }

  private renderChallenge(report: Report): void {
    const { challenge: c, stakeholder, text, problem } = this.challenge;
    if (!this.part.challenge) return;
    if (!c) {
      this.challengeEl.replaceChildren(h('h3', {}, `The ${stakeholder}'s challenge`), h('p', {}, text),
        h('p', { class: 'chart-note' }, `The lab cannot judge this challenge automatically: ${problem}.`));
      return;
    }
    if (!this.baseline) { this.challengeEl.replaceChildren(h('p', {}, 'waiting for the baseline run…')); return; }
    const v = judgeChallenge(c, this.baseline, report);
    this.ledger.setChallenge(this.part.track, this.part.id, { passed: v.passed, before: v.before, after: v.after, guardBefore: v.guardBefore, guardAfter: v.guardAfter });
    this.challengeEl.replaceChildren(
      h('h3', {}, `The ${stakeholder}'s challenge`),
      h('p', {}, text),
      h('p', { class: `verdict ${v.passed ? 'pass' : 'fail'}`, 'data-testid': 'challenge-verdict', 'data-passed': String(v.passed) },
        v.passed ? 'PASS' : 'NOT YET', ': ', v.why),
    );
  }
}

function firstError(rs: (ApiResult<unknown> | null)[]): string | null {
  for (const r of rs) if (r && !r.ok && r.error.kind !== 'aborted') return describeError(r.error);
  return null;
}

function memoryRequest(s: Record<string, JsonValue>) {
  const n = (p: string, d: number) => getNumber(s, p) ?? d;
  const str = (p: string, d: string) => { const v = p.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], s); return typeof v === 'string' ? v : d; };
  return {
    model: str('replica.model', ''), gpu: str('replica.gpu', ''),
    tp: n('replica.tp', 1), pp: n('replica.pp', 1),
    context: Math.round(n('workload.prompt_tokens.mean', 512) + n('workload.output_tokens.mean', 256)),
    block_size: n('replica.kv.block_tokens', 16), reservation: str('replica.kv.reservation', 'max_length'),
  };
}
