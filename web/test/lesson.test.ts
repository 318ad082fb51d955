// The lesson's pure pieces: the student's own settings, the part's budget,
// the challenge's same-load baseline, headline formatting and the frontier's
// columns with unstable points and the knee as a plotted point.
import { describe, expect, it } from 'vitest';
import type { Challenge, FrontierResponse, Part } from '../src/api/types';
import { applyOverrides, fmtHuman, headline, metricLabel } from '../src/api/report';
import { frontierColumns, hedgeRows } from '../src/charts/transforms';
import { baselineOverrides } from '../src/views/challenge';
import { controlActs } from '../src/views/controls';
import { budgetCheck, ownSettings } from '../src/views/lesson';

const part = (over: Partial<Part>): Part => ({
  track: 't', id: 'part2', number: 2, title: '', question: '', question_kind: 'choice', choices: [], unit: '', controls: [],
  instruments: [], target: null, challenge: null, reflection: '', ...over,
});

describe('ownSettings and the budget', () => {
  const p = part({ scenario: { replica: { tp: 2, pp: 4 }, fleet: { replicas: 1 } }, budget: { max: 8, factors: ['fleet.replicas', 'replica.tp', 'replica.pp'], unit: 'GPUs', rule: 'replicas x TP x PP <= 8' } });
  it('drops settings equal to the part\'s own values: a repeat of a default is no new try', () => {
    expect(ownSettings(p, { 'replica.tp': 2, 'replica.pp': 1 })).toEqual({ 'replica.pp': 1 });
    expect(ownSettings(p, { 'replica.tp': 2 })).toEqual({});
    expect(ownSettings(p, { 'replica.weight_gathered': true })).toEqual({ 'replica.weight_gathered': true });
  });
  it('refuses replicas x TP x PP over 8 with the reason, blaming the control just moved', () => {
    expect(budgetCheck(p, applyOverrides(p.scenario!, { 'replica.tp': 8, 'replica.pp': 1 })).ok).toBe(true);
    const b = budgetCheck(p, applyOverrides(p.scenario!, { 'replica.tp': 8 }), 'replica.tp');
    expect(b.ok).toBe(false);
    expect(b.used).toBe(32);
    expect(b.field).toBe('replica.tp');
    expect(b.message).toBe("replica.tp: this configuration uses 32 GPUs (1 x 8 x 4); the part's budget is 8 GPUs (replicas x TP x PP <= 8)");
  });
});

describe('the challenge runs its "before" at the student\'s load', () => {
  const c: Challenge = { stakeholder: 'CFO', text: '', metric: 'cost.usd_per_request', change: -0.5, guard: { metric: 'latency_ms.e2e.p99', max_regression: 0 },
    baseline: { 'replica.speculative': null }, same_load: ['workload.closed.users'] };
  it('copies the load paths and takes away the change', () => {
    expect(baselineOverrides(c, { 'workload.closed.users': 50, 'replica.speculative.enabled': true, 'replica.kv.block_tokens': 32 }))
      .toEqual({ 'workload.closed.users': 50, 'replica.speculative': null });
    expect(baselineOverrides(c, {})).toEqual({ 'replica.speculative': null });
  });
});

describe('controls that act only under a condition', () => {
  const base = { path: 'x', label: '', kind: 'range' as const, unit: '', value: null };
  it('reads in and not_in against the value at the path (absent reads as null)', () => {
    expect(controlActs({ ...base, when: { path: 'p', in: ['dynamic'] } }, () => 'dynamic')).toBe(true);
    expect(controlActs({ ...base, when: { path: 'p', in: ['dynamic'] } }, () => 'continuous')).toBe(false);
    expect(controlActs({ ...base, when: { path: 'p', not_in: [null] } }, () => undefined)).toBe(false);
    expect(controlActs({ ...base, when: { path: 'p', not_in: [null] } }, () => ({ after_quantile: 0.95 }))).toBe(true);
    expect(controlActs(base, () => undefined)).toBe(true);
  });
  it('walks arrays by index and keeps them arrays', () => {
    const s = applyOverrides({ path: { stages: [{ link: { bytes: 1 } }, { pool: { replicas: 2 } }] } }, { 'path.stages.1.pool.replicas': 4 });
    expect(s).toEqual({ path: { stages: [{ link: { bytes: 1 } }, { pool: { replicas: 4 } }] } });
  });
  it('applies overrides parent first, as the server does (sorted paths)', () => {
    const s = applyOverrides({ a: { h: null } }, { 'a.h.q': 0.9, 'a.h': { q: 0.95, c: true } });
    expect(s).toEqual({ a: { h: { q: 0.9, c: true } } });
  });
});

describe('headlines read as a label, a number and a unit', () => {
  it('scales watts and names report paths in words', () => {
    expect(fmtHuman(0.000525, 'W')).toBe('525.0 µW');
    expect(fmtHuman(0.0021, 'W')).toBe('2.10 mW');
    expect(fmtHuman(0.0263, 'share')).toBe('2.63 %');
    expect(metricLabel('path.stages.1.branches.0.latency_ms.p50')).not.toMatch(/\./);
    const p = part({ target: { metric: 'path.energy.mean_power_w', max: 0.001, label: '1 mW', metric_label: 'average power', unit: 'mW', scale: 1000 } });
    const h = headline(p, { path: { energy: { mean_power_w: 0.000525 } } } as never);
    expect(h).toEqual({ path: 'path.energy.mean_power_w', label: 'average power', unit: 'mW', value: 0.525, raw: 0.000525 });
  });
});

describe('frontierColumns', () => {
  const f: FrontierResponse = {
    seed: 1, capacity_per_s: 100, capacity_source: 'exact',
    knee: { index: 2, rate_per_s: 85, factor: 5, unloaded_p99_ms: 10, rule: '', metric: 'e2e', point_rate_per_s: 80, point_p99_ms: 45, point_load: 0.8 },
    series: {
      rate_per_s: [20, 50, 80, 110], offered_load: [], throughput_rps: [], utilization: [], e2e_mean_ms: [], e2e_p50_ms: [],
      e2e_p99_ms: [12, 20, 45, null], reference_p99_ms: [12.5, 20, 50, null], stable: [true, true, true, false],
    },
  };
  it('pins an unstable point at the top, keeps the knee on the curve and marks 50/80/90% of the capacity', () => {
    const c = frontierColumns(f, null, 50);
    expect(c.top).toBeCloseTo(62.5, 9); // 1.25 x the largest of the P99s and the target
    expect(c.simulated).toEqual([12, 20, 45, 62.5]);
    expect(c.unstable).toEqual([null, null, null, 62.5]);
    expect(c.knee).toEqual([null, null, 45, null]);
    expect([c.kneeRate, c.kneeP99]).toEqual([80, 45]);
    expect(c.reference).toEqual([12.5, 20, 50, null]);
    expect(c.target).toEqual([50, 50, 50, 50]);
    expect(c.utilisation.map((u) => u.rate)).toEqual([50, 80, 90]);
  });
});

it('hedgeRows reads a pool\'s hedge and a late-started branch, averaging repeated branches', () => {
  const hedge = (b: number, w: number) => ({ backups: b, backup_wins: 1, requests: 100, backup_fraction: b / 100, wasted_work_fraction: w });
  const rows = hedgeRows([{ name: 'f', kind: 'fanout', latency_ms: null, branches: [
    { name: 'vit', kind: 'pool', latency_ms: null, hedge: hedge(5, 0.02), started: 100, skipped: 0 },
    { name: 'resnet#1', kind: 'pool', latency_ms: null, hedge: hedge(4, 0.01), started: 100, skipped: 0 },
    { name: 'resnet#2', kind: 'pool', latency_ms: null, hedge: hedge(6, 0.03), started: 100, skipped: 0 },
    { name: 'edge-b', kind: 'path', latency_ms: null, started: 30, skipped: 70 },
  ] }]);
  expect(rows.map((r) => r.name)).toEqual(['vit', 'resnet', 'edge-b (started late)']);
  expect(rows[1]!.backupPct).toBeCloseTo(5, 12);
  expect(rows[1]!.wastedPct).toBeCloseTo(2, 12);
  expect(rows[2]!.backupPct).toBeCloseTo(30, 12);
});
