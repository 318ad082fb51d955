import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Ledger, LEDGER_KEY, META_KEY, partStorageKey, type KeyValueStorage } from '../src/ledger/ledger';
import { toJson, toMarkdown } from '../src/ledger/export';
import type { TracksResponse } from '../src/api/types';

class MemStorage implements KeyValueStorage {
  m = new Map<string, string>();
  writes: string[] = [];
  getItem(k: string) { return this.m.get(k) ?? null; }
  setItem(k: string, v: string) { this.writes.push(k); this.m.set(k, v); }
  removeItem(k: string) { this.m.delete(k); }
  get length() { return this.m.size; }
  key(i: number) { return [...this.m.keys()][i] ?? null; }
}

/** A storage that refuses every write, as a full one does. */
class FullStorage extends MemStorage {
  override setItem(): void { throw new DOMException('quota', 'QuotaExceededError'); }
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
    s.setItem(partStorageKey('t/p'), '[1');
    const l = new Ledger(s);
    expect(l.loadError).toMatch(/could not be read/);
    const kept = [...s.m.entries()].find(([k]) => k.startsWith(`${LEDGER_KEY}.unreadable.`));
    expect(kept?.[1]).toBe('{not json');
    expect([...s.m.keys()].some((k) => k.startsWith(`${partStorageKey('t/p')}.unreadable.`))).toBe(true);
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

  it('writes one key per part, so a write to one part never rewrites another', () => {
    const s = new MemStorage();
    const l = new Ledger(s);
    l.setReflection('a', 'part1', 'one');
    s.writes = [];
    l.setReflection('b', 'part2', 'two');
    expect(s.writes).toEqual([partStorageKey('b/part2')]);
    expect(JSON.parse(s.getItem(partStorageKey('a/part1'))!).reflection).toBe('one');
  });

  it('two tabs on one storage: each merges the other\'s writes and neither erases the other', () => {
    const s = new MemStorage();
    const a = new Ledger(s), b = new Ledger(s);
    const deliver = (to: Ledger, key: string) => to.applyStorageEvent(key, s.getItem(key));
    a.setReflection('t', 'part1', 'A wrote this');
    b.setReflection('t', 'part2', 'B wrote this');  // tab B had not seen A's write yet
    deliver(b, partStorageKey('t/part1'));
    deliver(a, partStorageKey('t/part2'));
    for (const l of [a, b, new Ledger(s)]) {
      expect(l.entry('t', 'part1').reflection).toBe('A wrote this');
      expect(l.entry('t', 'part2').reflection).toBe('B wrote this');
    }
    // The same field: the later write wins in both tabs; other fields are kept.
    a.lock('t', 'part1', { kind: 'choice', choice: 'x', label: 'X', at: 't' });
    deliver(b, partStorageKey('t/part1'));
    b.setReflection('t', 'part1', 'B, later');
    deliver(a, partStorageKey('t/part1'));
    expect(a.entry('t', 'part1').reflection).toBe('B, later');
    expect(a.entry('t', 'part1').lock).toMatchObject({ choice: 'x' });
    expect(new Ledger(s).entry('t', 'part1')).toMatchObject({ reflection: 'B, later', lock: { choice: 'x' } });
    // A stale event (older stamps) changes nothing.
    const old = JSON.stringify({ config: {}, tries: [], reflection: 'stale', stamps: { reflection: 1 } });
    expect(a.applyStorageEvent(partStorageKey('t/part1'), old)).toBeNull();
    expect(a.entry('t', 'part1').reflection).toBe('B, later');
  });

  it('tells listeners which part another tab changed', () => {
    const s = new MemStorage();
    const a = new Ledger(s), b = new Ledger(s);
    const seen: string[] = [];
    a.onExternalChange((k) => seen.push(k));
    b.setStrategy({ tail: 'hedge at P95' });
    a.applyStorageEvent(META_KEY, s.getItem(META_KEY));
    b.setReflection('t', 'p', 'x');
    a.applyStorageEvent(partStorageKey('t/p'), s.getItem(partStorageKey('t/p')));
    a.applyStorageEvent('someone.else', '{}');
    expect(seen).toEqual(['meta', 't/p']);
    expect(a.snapshot.strategy.tail).toBe('hedge at P95');
  });

  it('migrates a version-1 ledger into per-part keys and keeps the old key', () => {
    const s = new MemStorage();
    const v1 = { version: 1, startedAt: '2026-01-01T00:00:00Z', entries: { 't/part1': { config: { a: 1 }, tries: [], reflection: 'old work' } },
      strategy: { priority: 'balanced', tail: 'x', justification: '' }, mathPeek: { capexPerGpuUsd: 30000, years: 3 } };
    s.setItem(LEDGER_KEY, JSON.stringify(v1));
    const l = new Ledger(s);
    expect(l.loadError).toBeNull();
    expect(l.entry('t', 'part1').reflection).toBe('old work');
    expect(l.snapshot.strategy.priority).toBe('balanced');
    expect(l.snapshot.startedAt).toBe('2026-01-01T00:00:00Z');
    expect(s.getItem(LEDGER_KEY)).toBe(JSON.stringify(v1));
    expect(JSON.parse(s.getItem(partStorageKey('t/part1'))!).reflection).toBe('old work');
    l.setReflection('t', 'part1', 'new work');
    expect(new Ledger(s).entry('t', 'part1').reflection).toBe('new work');  // not migrated twice
  });

  it('imports an export: newer fields win, an older export fills only what is missing', () => {
    const src = new Ledger(new MemStorage());
    src.setReflection('t', 'part1', 'from the other browser');
    src.lock('t', 'part2', { kind: 'number', value: 3, unit: 'x', at: 't' });
    const exported = toJson(src.snapshot);
    const dst = new Ledger(new MemStorage());
    dst.setReflection('t', 'part2', 'mine');
    expect(dst.importJson(exported)).toBeNull();
    expect(dst.entry('t', 'part1').reflection).toBe('from the other browser');
    expect(dst.entry('t', 'part2')).toMatchObject({ reflection: 'mine', lock: { value: 3 } });
    const unstamped = JSON.stringify({ format: 'fleetlab-ledger', version: 1, entries: { 't/part2': { config: {}, tries: [], reflection: 'older' } } });
    expect(dst.importJson(unstamped)).toBeNull();
    expect(dst.entry('t', 'part2').reflection).toBe('mine');
    expect(dst.importJson('{nope')).toMatch(/not JSON/);
    expect(dst.importJson('{"format": "other"}')).toMatch(/not a ledger export/);
    expect(dst.importJson('{"format": "fleetlab-ledger", "entries": {"bad": {"tries": 3}}}')).toMatch(/malformed/);
  });

  it('a refused save is reported and the work stays in memory', () => {
    const l = new Ledger(new FullStorage());
    let notified = 0;
    l.onChange(() => notified++);
    expect(() => l.setReflection('t', 'p', 'precious')).not.toThrow();
    expect(l.saveError).toMatch(/refused to save.*QuotaExceededError.*export/);
    expect(l.entry('t', 'p').reflection).toBe('precious');
    expect(notified).toBeGreaterThan(0);
    expect(toJson(l.snapshot)).toContain('precious');
  });
});
