// The student's ledger: every lock, result, configuration tried, reveal and
// reflection, and the final Fleet Serving Strategy. It lives in the browser
// (localStorage), is written on every change, and survives a reload or a
// server restart. Storage is injected so tests can use an in-memory one.
import type { JsonValue, Overrides } from '../api/types';

export type Lock =
  | { kind: 'choice'; choice: string; label: string; at: string }
  | { kind: 'number'; value: number; unit: string; at: string };

export interface Try {
  n: number;
  overrides: Overrides;
  metric: string;
  value: number | null;
  /** Against the part's target; null when the part has none or the run was refused. */
  met: boolean | null;
  error?: string;
  /** Figures the instruments chart over the tries (power, energy, latency). */
  extra?: Record<string, number | null>;
  at: string;
}

export interface Reveal { choice: string; choiceLabel: string; value: number; reason: string; match: boolean; at: string }

export interface ChallengeResult { passed: boolean; before: number | null; after: number | null; guardBefore: number | null; guardAfter: number | null; at: string }

export interface PartEntry {
  lock?: Lock;
  config: Overrides;
  tries: Try[];
  result?: { label: string; value: number | null; unit: string; at: string };
  reveal?: Reveal;
  reflection: string;
  challenge?: ChallengeResult;
}

export type Priority = '' | 'throughput' | 'responsiveness' | 'balanced';
export interface Strategy { priority: Priority; tail: string; justification: string }

export interface LedgerData {
  version: 1;
  startedAt: string;
  entries: Record<string, PartEntry>;
  strategy: Strategy;
  mathPeek: { capexPerGpuUsd: number | null; years: number };
}

export interface KeyValueStorage { getItem(k: string): string | null; setItem(k: string, v: string): void; removeItem(k: string): void }

export const LEDGER_KEY = 'fleetlab.ledger.v1';
export const ITERATION_LIMIT = 10;

export function partKey(track: string, part: string): string { return `${track}/${part}`; }

function now(): string { return new Date().toISOString(); }

function empty(): LedgerData {
  return {
    version: 1, startedAt: now(), entries: {},
    strategy: { priority: '', tail: '', justification: '' },
    mathPeek: { capexPerGpuUsd: null, years: 3 },
  };
}

/** A stable text for a configuration, so the same settings count once. */
export function canonical(o: Overrides): string {
  return JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k] as JsonValue]));
}

export class Ledger {
  private data: LedgerData;
  /** Set when stored data could not be read; the page shows it. */
  readonly loadError: string | null = null;
  private listeners: (() => void)[] = [];

  constructor(private readonly storage: KeyValueStorage, private readonly key = LEDGER_KEY) {
    const raw = storage.getItem(key);
    let data = empty();
    if (raw !== null) {
      try {
        const parsed = JSON.parse(raw) as Partial<LedgerData>;
        if (parsed.version !== 1 || typeof parsed.entries !== 'object') throw new Error('not a version-1 ledger');
        data = { ...empty(), ...parsed } as LedgerData;
      } catch (err) {
        // Keep the unreadable text rather than overwrite it.
        storage.setItem(`${key}.unreadable.${Date.now()}`, raw);
        this.loadError = `the saved ledger could not be read (${err instanceof Error ? err.message : String(err)}); a copy was kept and a new one started`;
      }
    }
    this.data = data;
  }

  get snapshot(): Readonly<LedgerData> { return this.data; }

  onChange(fn: () => void): void { this.listeners.push(fn); }

  entry(track: string, part: string): PartEntry {
    const k = partKey(track, part);
    let e = this.data.entries[k];
    if (!e) { e = { config: {}, tries: [], reflection: '' }; this.data.entries[k] = e; }
    return e;
  }

  lock(track: string, part: string, lock: Lock): void { this.entry(track, part).lock = lock; this.save(); }

  setConfig(track: string, part: string, config: Overrides): void { this.entry(track, part).config = { ...config }; this.save(); }

  /**
   * Records a configuration tried against the part's target. The same
   * settings tried again update their row instead of counting twice.
   * Returns the number of distinct configurations tried so far.
   */
  addTry(track: string, part: string, t: Omit<Try, 'n' | 'at'>): number {
    const e = this.entry(track, part);
    const c = canonical(t.overrides);
    const old = e.tries.find((x) => canonical(x.overrides) === c);
    if (old) Object.assign(old, t, { n: old.n, at: now() });
    else e.tries.push({ ...t, n: e.tries.length + 1, at: now() });
    this.save();
    return e.tries.length;
  }

  setResult(track: string, part: string, r: { label: string; value: number | null; unit: string }): void {
    this.entry(track, part).result = { ...r, at: now() };
    this.save();
  }

  setReveal(track: string, part: string, r: Omit<Reveal, 'at'>): void { this.entry(track, part).reveal = { ...r, at: now() }; this.save(); }

  setReflection(track: string, part: string, text: string): void { this.entry(track, part).reflection = text; this.save(); }

  setChallenge(track: string, part: string, c: Omit<ChallengeResult, 'at'>): void { this.entry(track, part).challenge = { ...c, at: now() }; this.save(); }

  setStrategy(s: Partial<Strategy>): void { this.data.strategy = { ...this.data.strategy, ...s }; this.save(); }

  setMathPeek(m: Partial<LedgerData['mathPeek']>): void { this.data.mathPeek = { ...this.data.mathPeek, ...m }; this.save(); }

  clear(): void { this.data = empty(); this.save(); }

  private save(): void {
    this.storage.setItem(this.key, JSON.stringify(this.data));
    for (const fn of this.listeners) fn();
  }
}
