import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { FrontierResponse, MemoryResponse, Report } from '../src/api/types';
import { frontierColumns, heatmapRows, rowRuns, usersBars, waterfallSteps, digest } from '../src/charts/transforms';

const fx = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./fixtures/engine/${name}.json`, import.meta.url), 'utf8')) as T;

describe('frontierColumns', () => {
  const f = fx<FrontierResponse>('frontier-mm1');
  it('keeps the simulated and analytic P99 columns, marks the knee and inserts the operating point in order', () => {
    const c = frontierColumns(f, { rate: 50, p99: 99 });
    expect(c.x).toHaveLength(f.series.rate_per_s.length + 1);
    expect([...c.x].sort((a, b) => a - b)).toEqual(c.x);
    const at = c.x.indexOf(50);
    expect(c.operating[at]).toBe(99);
    expect(c.simulated[at]).toBeNull();
    expect(c.operating.filter((v) => v !== null)).toHaveLength(1);
    const k = c.knee.findIndex((v) => v !== null);
    expect(c.x[k]).toBe(f.series.rate_per_s[f.knee!.index]);
    expect(c.knee[k]).toBe(f.series.e2e_p99_ms[f.knee!.index]);
    expect(c.analytic[c.x.indexOf(90)]).toBeCloseTo(460.517, 3); // ln(100)/(100-90) s
  });
  it('puts the operating point on an existing rate without adding a row', () => {
    const c = frontierColumns(f, { rate: 90, p99: 500 });
    expect(c.x).toHaveLength(f.series.rate_per_s.length);
    expect(c.operating[c.x.length - 1]).toBe(500);
  });
  it('uses P99 TTFT when the knee was judged on it', () => {
    const t = fx<FrontierResponse>('frontier-llama3-70b-ttft');
    const c = frontierColumns(t, null);
    expect(c.metric).toBe('ttft');
    expect(c.simulated).toEqual(t.series.ttft_p99_ms);
  });
});

describe('waterfallSteps', () => {
  it('splits the real run\'s mean TTFT into components that sum to its total', () => {
    const r = fx<Report>('run-llama3-70b-h100');
    const w = waterfallSteps(r.ttft_waterfall!);
    expect(w.steps.map((s) => s.label)).toEqual(['Queueing', 'Compute', 'Communication', 'Bubbles', 'Overhead', 'TTFT']);
    expect(Math.abs(w.residualMs)).toBeLessThan(1e-9 * w.totalMs + 1e-9);
    expect(w.totalMs).toBeCloseTo(r.latency_ms.ttft!.mean, 6); // docs/report.md: the waterfall is the mean TTFT
    for (let i = 1; i < 5; i++) expect(w.steps[i]!.start).toBeCloseTo(w.steps[i - 1]!.start + w.steps[i - 1]!.ms, 9);
  });
  it('counts the expert-parallel all-to-all as communication, so the parts still sum to the TTFT', () => {
    const r = fx<Report>('run-deepseek-v3-ep16');
    const wf = r.ttft_waterfall!;
    expect(wf.ep_comm_ms).toBeGreaterThan(1); // EP16 over InfiniBand: ms, not µs
    const w = waterfallSteps(wf);
    const comm = w.steps.find((s) => s.label === 'Communication')!;
    expect(comm.ms).toBeCloseTo(wf.tp_comm_ms + wf.pp_comm_ms + wf.ep_comm_ms!, 9);
    expect(Math.abs(w.residualMs)).toBeLessThan(1e-9 * w.totalMs + 1e-9);
  });
});

describe('workload classes in the report', () => {
  it('carries each class with its own objectives and attainment, in the scenario\'s order', () => {
    const r = fx<Report>('run-diurnal-classes');
    expect(r.classes!.map((c) => c.name)).toEqual(['chat', 'summarise']);
    const [chat, summarise] = r.classes!;
    expect(chat!.slo).toEqual({ ttft_ms: 500, tpot_ms: 50, e2e_ms: null });
    expect(summarise!.slo.ttft_ms).toBe(2000);
    expect(chat!.latency_ms.ttft!.p99).toBeGreaterThan(0);
    for (const c of r.classes!) expect(c.slo_attainment).toBeGreaterThanOrEqual(0);
    expect(chat!.completed + summarise!.completed).toBe(r.requests.completed);
  });
});

describe('heatmapRows and rowRuns', () => {
  const h = fx<Report>('run-llama3-70b-contiguous').series!.kv_heatmap;
  it('gives every row state shares that sum to 1', () => {
    const r = heatmapRows(h);
    expect(r.rows).toBe(h.time_s.length);
    for (let row = 0; row < r.rows; row++) expect(r.shares.reduce((s, st) => s + st[row]!, 0)).toBeCloseTo(1, 9);
  });
  it('run-length encodes a row without losing cells', () => {
    for (const row of [0, Math.floor(h.time_s.length / 2)]) {
      const runs = rowRuns(h.states, row, h.cells);
      expect(runs.reduce((s, [, len]) => s + len, 0)).toBe(h.cells);
      for (const [start, len, state] of runs) for (let c = start; c < start + len; c++) expect(h.states[row * h.cells + c]).toBe(state);
    }
  });
});

it('usersBars reads contiguous and paged users from the memory report', () => {
  const m = fx<MemoryResponse>('memory-llama3-70b-tp8');
  const b = usersBars(m);
  expect(b.users).toEqual([m.users_contiguous, m.users_paged]);
  expect(b.gain).toBeCloseTo(m.paged_over_contiguous, 2);
});

it('digest changes when any value changes', () => {
  expect(digest([[1, 2], [3, null]])).toBe(digest([[1, 2], [3, null]]));
  expect(digest([[1, 2], [3, null]])).not.toBe(digest([[1, 2], [3.0001, null]]));
});

it("getNumber reads the contract's llm.*_ms shorthand as the report's latency_ms path", async () => {
  const { getNumber } = await import('../src/api/report');
  const r = fx<Report>('run-llama3-70b-h100');
  expect(getNumber(r, 'llm.ttft_ms.p99')).toBe(r.latency_ms.ttft!.p99);
  expect(getNumber(r, 'latency_ms.ttft.p99')).toBe(r.latency_ms.ttft!.p99);
  expect(getNumber(r, 'latency_ms.nothing.p99')).toBeNull();
});

it('steadyView hides an unstable run\'s latencies, which the engine reports beside its verdict', async () => {
  const { steadyView, getNumber } = await import('../src/api/report');
  const r = fx<Report>('run-llama3-70b-h100');
  expect(steadyView(r)).toBe(r);  // a stable run comes back as it is
  const p = (x: number) => ({ count: 1, mean: x, p50: x, p90: x, p95: x, p99: x, p999: x, max: x });
  const unstable = { ...r, stable: false, path: { stages: [{ name: 'fan', kind: 'fanout', latency_ms: p(9), branches: [{ name: 'a', kind: 'pool', latency_ms: p(4) }] }] } } as unknown as Report;
  const v = steadyView(unstable);
  expect(v.latency_ms.e2e).toBeNull();
  expect(v.latency_ms.ttft).toBeNull();
  expect(v.path!.stages[0]!.latency_ms).toBeNull();
  expect(v.path!.stages[0]!.branches![0]!.latency_ms).toBeNull();
  expect(unstable.latency_ms.e2e).not.toBeNull();  // the engine's report is not changed
  expect(getNumber(unstable, 'llm.ttft_ms.p99')).toBeNull();
  expect(getNumber(unstable, 'throughput.requests_per_s')).toBe(r.throughput.requests_per_s);
});

it('flattenStages lists each fan-out followed by its branches', async () => {
  const { flattenStages } = await import('../src/charts/transforms');
  const p = (p50: number, p99: number) => ({ count: 1, mean: p50, p50, p90: p99, p95: p99, p99, p999: p99, max: p99 });
  const rows = flattenStages([
    { name: 'link', kind: 'link', latency_ms: p(1, 2), utilization: 0.1 },
    { name: 'fan', kind: 'fanout', latency_ms: p(5, 9), utilization: 0.5, branches: [
      { name: 'a', kind: 'pool', latency_ms: p(3, 4), utilization: 0.4 }, { name: 'b', kind: 'pool', latency_ms: null, utilization: 0 }] },
  ]);
  expect(rows.map((r) => [r.label, r.p50, r.p99])).toEqual([['link', 1, 2], ['fan', 5, 9], ['fan › a', 3, 4], ['fan › b', null, null]]);
});

it('marks no knee when the frontier never crosses the rule (knee.rate_per_s null)', () => {
  const f = fx<FrontierResponse>('frontier-mm1');
  const none = { ...f, knee: { ...f.knee!, rate_per_s: null } };
  const c = frontierColumns(none, null);
  expect(c.knee.every((v) => v === null)).toBe(true);
  expect(c.kneeRate).toBeNull();
});
