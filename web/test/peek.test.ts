import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Challenge, JsonValue, Part, Report } from '../src/api/types';
import { costDominance, costLaw, erlangC, fanoutSlow, hedgedLate, leviathanTokensPerStep, mm1, pipelineBubble, ringAllReduceMs, ttftTpot } from '../src/math/formulas';
import { peekItems } from '../src/math/peek';
import { fmt } from '../src/api/report';
import { judgeChallenge } from '../src/views/challenge';
import { predictionMatches } from '../src/views/part';

const fx = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./fixtures/engine/${name}.json`, import.meta.url), 'utf8')) as T;

describe('formulas (hand-computed)', () => {
  it('M/M/1 at lambda 90, mu 100: rho 0.9, P99 = ln(100)/10 s = 460.517 ms', () => {
    const q = mm1(90, 100);
    expect(q.rho).toBeCloseTo(0.9, 12);
    expect(q.p99Ms).toBeCloseTo(460.517, 3);
    expect(q.meanMs).toBeCloseTo(100, 9);
    expect(mm1(100, 100).stable).toBe(false);
  });
  it("Leviathan: alpha 0.8, gamma 5 gives 3.69 tokens per step (Leviathan et al. 2023)", () => {
    expect(leviathanTokensPerStep(0.8, 5)).toBeCloseTo((1 - 0.8 ** 6) / 0.2, 12);
    expect(leviathanTokensPerStep(0.8, 5)).toBeCloseTo(3.69, 2);
    expect(leviathanTokensPerStep(1, 4)).toBe(5);
  });
  it('pipeline bubble (p-1)/(m+p-1): p 4, m 4 is 3/7; ring all-reduce factor 2(n-1)/n', () => {
    expect(pipelineBubble(4, 4)).toBeCloseTo(3 / 7, 12);
    expect(pipelineBubble(1, 8)).toBe(0);
    const r = ringAllReduceMs(8, 16e6, 450, 2); // 16 MB over 450 GB/s, 2 us steps
    expect(r.factor).toBeCloseTo(1.75, 12);
    expect(r.ms).toBeCloseTo((1.75 * 16e6) / 450e9 * 1000 + (14 * 2) / 1000, 12);
  });
  it('TTFT vs TPOT and the cost dominance law', () => {
    expect(ttftTpot(30, 13, 257).e2eMs).toBeCloseTo(30 + 256 * 13, 9);
    const c = costDominance(24, 3, 8, 30000);
    expect(c.opexUsd).toBeCloseTo(24 * 8760 * 3, 6);
    expect(c.ratio).toBeCloseTo((24 * 8760 * 3) / 240000, 9);
  });
});

describe('Math Peek items', () => {
  const part = (over: Partial<Part>): Part => ({
    track: 't', id: 'part1', number: 1, title: '', question: '', question_kind: 'choice', choices: [], unit: '', controls: [],
    instruments: [], target: null, challenge: null, reflection: '', ...over,
  });
  const cost = { capex_usd_per_device: 25000, capex_source: 'test', usd_per_kwh: 0.15, usd_per_kwh_source: 'test', years: 3 };
  it('always shows the cost law and TTFT vs TPOT, then the part\'s own formulas', () => {
    const r = fx<Report>('run-mm1');
    const items = peekItems({ part: part({ math: ['knee'] }), report: r, scenario: fx<Record<string, JsonValue>>('scenario-mm1'), frontier: null, catalog: null });
    expect(items.map((i) => i.id)).toEqual(['cost-dominance', 'ttft-tpot', 'knee']);
    const m = items.find((i) => i.id === 'knee')!;
    expect(m.filled).toContain(`${Number(r.offered.rate_per_s.toPrecision(3))}/${Number(r.capacity_per_s.toPrecision(3))}`);
    const rho = r.offered.rate_per_s / r.capacity_per_s;
    expect(m.result).toContain(`${Number((1 / (1 - rho)).toPrecision(3))}×`);
    // A station answers once: TTFT = E2E, and the item says TPOT does not apply, quoting the report's own P99.
    const t = items.find((i) => i.id === 'ttft-tpot')!;
    expect(t.filled).toMatch(/TPOT does not apply/);
    expect(t.figures[0]).toEqual({ path: 'latency_ms.e2e.p99', value: r.latency_ms.e2e!.p99, text: fmt(r.latency_ms.e2e!.p99, 'ms') });
  });
  it('for an LLM replica: TTFT vs TPOT from the run, Leviathan, and the cost law with one GPU count on both sides', () => {
    const r = fx<Report>('run-llama3-70b-speculative');
    const items = peekItems({ part: part({ math: ['allreduce', 'bubble', 'leviathan'], cost }), report: r, scenario: fx<Record<string, JsonValue>>('scenario-llama3-70b-speculative'), frontier: null, catalog: null });
    expect(items.map((i) => i.id)).toEqual(['cost-dominance', 'ttft-tpot', 'allreduce', 'bubble', 'leviathan']);
    expect(items.find((i) => i.id === 'leviathan')!.result).toBe(`${Number(leviathanTokensPerStep(0.7, 4).toPrecision(3))} tokens per target step`);
    const c = items.find((i) => i.id === 'cost-dominance')!;
    const gpus = r.cost!.gpus!;
    const law = costLaw({ devices: gpus, rentUsdPerDeviceHour: r.cost!.usd_per_hour / gpus, powerW: r.energy!.average_power_w, usdPerKwh: 0.15, capexUsdPerDevice: 25000, years: 3 });
    expect(c.filled).toContain(`CapEx = ${gpus} × 25000 USD`);
    expect(c.filled).toContain(`OpEx = ${gpus} × `);
    expect(c.result).toContain(`${Number(law.ratio.toPrecision(3))}× the CapEx`);
    expect(c.result).toContain(`month ${Math.ceil(law.crossoverMonth)}`);
    expect(c.figures.map((f) => f.path)).toEqual(['cost.usd_per_hour', 'energy.average_power_w']);
  });
  it('the cost law by hand: 8 GPUs at 3 USD/h and 5.6 kW at 0.15 USD/kWh against 8 x 25,000 USD', () => {
    const law = costLaw({ devices: 8, rentUsdPerDeviceHour: 3, powerW: 5600, usdPerKwh: 0.15, capexUsdPerDevice: 25000, years: 3 });
    expect(law.opexPerHour).toBeCloseTo(24 + 0.84, 12);
    expect(law.capex).toBe(200000);
    expect(law.ratio).toBeCloseTo((24.84 * 8760 * 3) / 200000, 9);
    expect(law.crossoverMonth).toBeCloseTo(200000 / (24.84 * 730), 9);
  });
  it('Erlang C, the fan-out and hedging laws by hand', () => {
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12); // by hand: c = 2, a = 1 gives (1/2 · 2) / (1 + 1 + 1) = 1/3
    expect(erlangC(1, 0.9)).toBeCloseTo(0.9, 12); // M/M/1: P(wait) = rho
    expect(fanoutSlow(0.01, 10)).toBeCloseTo(1 - 0.99 ** 10, 12);
    expect(fanoutSlow(0.01, 100)).toBeCloseTo(0.634, 3); // Dean & Barroso: 63%
    expect(hedgedLate(0.01, 0.01)).toBeCloseTo(1e-4, 15);
  });
});

describe('the CFO challenge and the reveal', () => {
  const ch: Challenge = { stakeholder: 'CFO', text: '', metric: 'cost.usd_per_million_output_tokens', change: -0.5,
    guard: { metric: 'latency_ms.e2e.p99', max_regression: 0 }, baseline: { 'replica.speculative.enabled': false }, same_load: [] };
  const before = fx<Report>('run-llama3-70b-nospec');
  const after = fx<Report>('run-llama3-70b-speculative');
  it('judges the real runs: speculation cuts P99 but not 50% of the token cost, so it fails', () => {
    const v = judgeChallenge(ch, before, after);
    expect(v.guardOk).toBe(true);
    expect(v.costOk).toBe(false);
    expect(v.passed).toBe(false);
    expect(v.change).toBeCloseTo(after.cost!.usd_per_million_output_tokens / before.cost!.usd_per_million_output_tokens - 1, 12);
  });
  it('passes when cost halves and P99 holds; fails on any P99 regression', () => {
    const cheap = structuredClone(before);
    cheap.cost!.usd_per_million_output_tokens *= 0.5;
    expect(judgeChallenge(ch, before, cheap).passed).toBe(true);
    cheap.latency_ms.e2e!.p99 *= 1.001;
    expect(judgeChallenge(ch, before, cheap).passed).toBe(false);
  });
  it('a number prediction counts within 20% of the engine', () => {
    expect(predictionMatches({ kind: 'number', value: 3.3, unit: '×', at: '' }, { choice: '', value: 4 })).toBe(true);
    expect(predictionMatches({ kind: 'number', value: 3.1, unit: '×', at: '' }, { choice: '', value: 4 })).toBe(false);
    expect(predictionMatches({ kind: 'choice', choice: 'tp', label: '', at: '' }, { choice: 'tp', value: 0 })).toBe(true);
  });
});

describe('normalizeChallenge and targetMet', async () => {
  const { normalizeChallenge } = await import('../src/views/challenge');
  const { targetMet } = await import('../src/api/report');
  it('accepts the documented spellings', () => {
    const a = normalizeChallenge({ stakeholder: 'CFO', description: 'halve it', metric: 'cost.usd_per_hour', reduction: 0.5, no_regression: 'latency_ms.e2e.p99', baseline_overrides: { 'replica.speculative.enabled': false } });
    expect(a.challenge).toEqual({ stakeholder: 'CFO', text: 'halve it', metric: 'cost.usd_per_hour', change: -0.5,
      guard: { metric: 'latency_ms.e2e.p99', max_regression: 0 }, baseline: { 'replica.speculative.enabled': false }, same_load: [] });
    const b = normalizeChallenge({ metric: 'm', change: -0.3, guard: { metric: 'g', max_regression: 0.1, label: 'G' } });
    expect(b.challenge?.guard).toEqual({ metric: 'g', max_regression: 0.1, label: 'G' });
    expect(b.challenge?.baseline).toEqual({});
    expect(b.stakeholder).toBe('Stakeholder');
  });
  it('says why it cannot judge an unknown shape instead of failing', () => {
    const c = normalizeChallenge({ stakeholder: 'CFO', text: 'cut cost' });
    expect(c.challenge).toBeNull();
    expect(c.text).toBe('cut cost');
    expect(c.problem).toMatch(/metric/);
    expect(normalizeChallenge({ metric: 'm', change: -0.5 }).problem).toMatch(/guard/);
  });
  it('judges max and min targets', () => {
    expect(targetMet({ metric: 'x', max: 50, label: '' }, 50)).toBe(true);
    expect(targetMet({ metric: 'x', max: 50, label: '' }, 50.1)).toBe(false);
    expect(targetMet({ metric: 'x', min: 100, label: '' }, 99)).toBe(false);
    expect(targetMet({ metric: 'x', min: 100, label: '' }, 100)).toBe(true);
    expect(targetMet(null, 1)).toBeNull();
  });
});
