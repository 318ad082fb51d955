// The Planner page's data: reading sweep and sizing files (real CLI output,
// test/fixtures/planner/regenerate.sh) and the Pareto front by hand.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvFields, parsePlannerFile, PlannerFileError } from '../src/planner/load';
import { paretoFront } from '../src/planner/pareto';

const fixture = (f: string) => readFileSync(new URL(`./fixtures/planner/${f}`, import.meta.url), 'utf8');

describe('paretoFront', () => {
  // The engine's test (src/report/charts_page_test.cc), the same points:
  // A (1, 9) cheapest; B (2, 5) faster; C (3, 6) beaten by B; D (4, 2)
  // faster; E (5, 2) ties D at a higher cost; F has no latency; G costs 0.
  const pts = [{ c: 1, l: 9 }, { c: 2, l: 5 }, { c: 3, l: 6 }, { c: 4, l: 2 }, { c: 5, l: 2 }, { c: 0.5, l: null }, { c: 0, l: 1 }];
  it('keeps the points no other beats on both axes, in order of x', () => {
    expect(paretoFront(pts, 'c', 'l', false, true)).toEqual([0, 1, 3]);
    expect(paretoFront(pts, 'c', 'l', false, false)).toEqual([6]);
  });
  it('maximises x for a throughput', () => {
    expect(paretoFront(pts, 'c', 'l', true, true)).toEqual([4]);
  });
});

describe('parsePlannerFile', () => {
  it('splits quoted CSV fields as the sweep writer quotes them', () => {
    expect(csvFields('1,"a, ""b""",,x')).toEqual(['1', 'a, "b"', '', 'x']);
  });

  it('reads a sweep CSV: every row, its axes as fields, LLM charts', () => {
    const d = parsePlannerFile(fixture('sweep-llama3-70b.csv'), 'rows.csv');
    expect(d.kind).toBe('sweep');
    expect(d.points).toHaveLength(48);
    expect(d.points[0]!['replica.tp']).toBe(1);
    expect(d.points[0]!.point).toContain('replica.tp=1');
    expect(d.charts.map((c) => c.id)).toEqual(['cost-ttft', 'cost-tpot', 'throughput-latency']);
    // The six TP1 points do not fit one H100: an error and no figures.
    expect(d.points.filter((p) => typeof p.error === 'string' && p.error.includes('does not fit'))).toHaveLength(6);
    const front = paretoFront(d.points, 'usd_per_million_output_tokens', 'ttft_p99_ms', false, true, true);
    expect(front.length).toBeGreaterThan(1);
    // Along the front, cost rises and P99 TTFT falls.
    for (let k = 1; k < front.length; k++) {
      expect(d.points[front[k]!]!.usd_per_million_output_tokens as number).toBeGreaterThanOrEqual(d.points[front[k - 1]!]!.usd_per_million_output_tokens as number);
      expect(d.points[front[k]!]!.ttft_p99_ms as number).toBeLessThan(d.points[front[k - 1]!]!.ttft_p99_ms as number);
    }
  });

  it('reads sweep JSON rows of a station: a throughput-latency chart', () => {
    const d = parsePlannerFile(fixture('sweep-mm1.json'), 'rows.json');
    expect(d.points).toHaveLength(36);
    expect(d.charts.map((c) => c.x.key)).toEqual(['throughput_rps']);
    expect(d.points[0]!['station.servers']).toBe(1);
  });

  it('reads a sizing result: every fleet found', () => {
    const raw = JSON.parse(fixture('sizing.json')) as { columns: { name: unknown[] }; counts: { fleet: number } };
    const d = parsePlannerFile(fixture('sizing.json'), 'sizing.json');
    expect(d.kind).toBe('sizing');
    expect(d.points).toHaveLength(raw.columns.name.length);
    expect(d.points).toHaveLength(raw.counts.fleet);
    expect(d.points[0]!.fleet).toMatch(/^\d+ x /);
    expect(d.charts[0]!.x.key).toBe('usd_per_hour');
  });

  it('names what is wrong with a file', () => {
    expect(() => parsePlannerFile('a,b\n1,2\n', 'x.csv')).toThrow(PlannerFileError);
    expect(() => parsePlannerFile('{"kind": "other"}', 'x.json')).toThrow(/neither sweep rows nor a sizing result/);
    expect(() => parsePlannerFile('{oops', 'x.json')).toThrow(/x.json: not valid JSON/);
  });
});
