import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Ledger, LEDGER_KEY, type KeyValueStorage } from '../src/ledger/ledger';
import { toJson, toMarkdown } from '../src/ledger/export';
import type { TracksResponse } from '../src/api/types';

class MemStorage implements KeyValueStorage {
  m = new Map<string, string>();
  getItem(k: string) { return this.m.get(k) ?? null; }
  setItem(k: string, v: string) { this.m.set(k, v); }
  removeItem(k: string) { this.m.delete(k); }
}
const tracks = (JSON.parse(readFileSync(new URL('./fixtures/tracks.json', import.meta.url), 'utf8')) as TracksResponse).tracks;

describe('Ledger', () => {
  it('survives a reload: a new Ledger on the same storage reads everything back', () => {
    const s = new MemStorage();
    const a = new Ledger(s);
    a.lock('cloud-titan', 'part1', { kind: 'choice', choice: 'exponential', label: 'Exponentially', at: 't' });
    a.setConfig('cloud-titan', 'part1', { 'workload.arrival.rate_per_s': 20 });
    a.setReflection('cloud-titan', 'part1', 'rho near 1');
    a.setStrategy({ priority: 'throughput', tail: 'hedging' });
    const b = new Ledger(s);
    const e = b.entry('cloud-titan', 'part1');
    expect(e.lock).toMatchObject({ kind: 'choice', choice: 'exponential' });
    expect(e.config).toEqual({ 'workload.arrival.rate_per_s': 20 });
    expect(e.reflection).toBe('rho near 1');
    expect(b.snapshot.strategy).toMatchObject({ priority: 'throughput', tail: 'hedging', justification: '' });
  });

  it('counts distinct configurations: the same settings tried again update their row', () => {
    const l = new Ledger(new MemStorage());
    expect(l.addTry('t', 'p', { overrides: { a: 1, b: 2 }, metric: 'm', value: 60, met: false })).toBe(1);
    expect(l.addTry('t', 'p', { overrides: { b: 2, a: 1 }, metric: 'm', value: 61, met: false })).toBe(1);
    expect(l.addTry('t', 'p', { overrides: { a: 2, b: 2 }, metric: 'm', value: 40, met: true })).toBe(2);
    const tries = l.entry('t', 'p').tries;
    expect(tries.map((t) => [t.n, t.value])).toEqual([[1, 61], [2, 40]]);
  });

  it('keeps unreadable stored text instead of overwriting it, and says so', () => {
    const s = new MemStorage();
    s.setItem(LEDGER_KEY, '{not json');
    const l = new Ledger(s);
    expect(l.loadError).toMatch(/could not be read/);
    const kept = [...s.m.entries()].find(([k]) => k.startsWith(`${LEDGER_KEY}.unreadable.`));
    expect(kept?.[1]).toBe('{not json');
  });

  it('exports Markdown and JSON with locks, tries, reveal, reflection and strategy', () => {
    const l = new Ledger(new MemStorage());
    l.lock('cloud-titan', 'part2', { kind: 'choice', choice: 'tp', label: 'Yes: tensor parallelism', at: 't' });
    l.addTry('cloud-titan', 'part2', { overrides: { 'replica.tp': 4 }, metric: 'ttft_waterfall.total_ms', value: 48.4, met: true });
    l.addTry('cloud-titan', 'part2', { overrides: { 'replica.tp': 1 }, metric: 'ttft_waterfall.total_ms', value: null, met: null, error: 'does not fit' });
    l.setReveal('cloud-titan', 'part2', { choice: 'tp', choiceLabel: 'Yes: tensor parallelism', value: 0, reason: 'TP8 23.8 ms vs PP8 106.9 ms', match: true });
    l.setReflection('cloud-titan', 'part2', 'Weight-gather halves the all-reduce.');
    l.setStrategy({ priority: 'balanced', justification: 'P99 bound' });
    const md = toMarkdown(l.snapshot, tracks);
    expect(md).toContain('### Part 2: Sharding the heavyweight');
    expect(md).toContain('**Prediction**');
    expect(md).toContain('| 1 | replica.tp=4 | 48.40 | yes |');
    expect(md).toContain('| 2 | replica.tp=1 | refused: does not fit | — |');
    expect(md).toContain('matches the prediction. TP8 23.8 ms vs PP8 106.9 ms');
    expect(md).toContain('Weight-gather halves the all-reduce.');
    expect(md).toContain('**Priority**: Balanced');
    expect(md).not.toContain('Part 1: The throughput knee'); // parts never opened are left out
    const js = JSON.parse(toJson(l.snapshot));
    expect(js.format).toBe('fleetlab-ledger');
    expect(js.entries['cloud-titan/part2'].tries).toHaveLength(2);
    expect(js.strategy.priority).toBe('balanced');
  });
});
