import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Challenge, JsonValue, Report } from '../src/api/types';
import { costDominance, leviathanTokensPerStep, mm1, pipelineBubble, ringAllReduceMs, ttftTpot } from '../src/math/formulas';
import { peekItems } from '../src/math/peek';
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
  it("Leviathan: alpha 0.8, gamma 5 gives 3.69 tokens per step (facts.md)", () => {
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
  it('fills M/M/1 with the run\'s own rate and capacity', () => {
    const r = fx<Report>('run-mm1');
    const items = peekItems({ report: r, scenario: fx<Record<string, JsonValue>>('scenario-mm1'), capexPerGpuUsd: null, years: 3 });
    const m = items.find((i) => i.id === 'mm1')!;
    const q = mm1(r.offered.rate_per_s, r.capacity_per_s);
    expect(m.filled).toContain(`${Number(r.offered.rate_per_s.toPrecision(3))}/${Number(r.capacity_per_s.toPrecision(3))}`);
    expect(m.result).toContain(`${q.p99Ms!.toFixed(1)} ms`);
    expect(items.some((i) => i.id === 'ttft-tpot')).toBe(false); // a station has no TTFT
  });
  it('for an LLM replica shows TTFT/TPOT, all-reduce, bubble, Leviathan and the cost law with the student\'s price', () => {
    const r = fx<Report>('run-llama3-70b-speculative');
    const items = peekItems({ report: r, scenario: fx<Record<string, JsonValue>>('scenario-llama3-70b-speculative'), capexPerGpuUsd: 25000, years: 3 });
    expect(items.map((i) => i.id)).toEqual(['mm1', 'ttft-tpot', 'allreduce', 'bubble', 'leviathan', 'cost-dominance']);
    expect(items.find((i) => i.id === 'leviathan')!.result).toBe(`${Number(leviathanTokensPerStep(0.7, 4).toPrecision(3))} tokens per step`);
    const cost = items.find((i) => i.id === 'cost-dominance')!;
    expect(cost.filled).toContain('8 × 25000 USD');
    expect(cost.result).toContain(`${Number(((24 * 8760 * 3) / 200000).toPrecision(3))}×`);
  });
});

describe('the CFO challenge and the reveal', () => {
  const ch: Challenge = { stakeholder: 'CFO', text: '', metric: 'cost.usd_per_million_output_tokens', change: -0.5,
    guard: { metric: 'latency_ms.e2e.p99', max_regression: 0 }, baseline: { 'replica.speculative.enabled': false } };
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
      guard: { metric: 'latency_ms.e2e.p99', max_regression: 0 }, baseline: { 'replica.speculative.enabled': false } });
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
