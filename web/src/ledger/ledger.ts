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
  /** When each field was last written (a per-tab monotonic clock); merges keep the newest field. */
  stamps?: Partial<Record<PartField, number>>;
}

export const PART_FIELDS = ['lock', 'config', 'tries', 'result', 'reveal', 'reflection', 'challenge'] as const;
export type PartField = typeof PART_FIELDS[number];

export type Priority = '' | 'throughput' | 'responsiveness' | 'balanced';
export interface Strategy { priority: Priority; tail: string; justification: string }

export interface LedgerData {
  version: 2;
  startedAt: string;
  entries: Record<string, PartEntry>;
  strategy: Strategy;
  mathPeek: { capexPerGpuUsd: number | null; years: number };
}

/** The part of the Web Storage interface the ledger uses (injected so tests can use an in-memory one). */
export interface KeyValueStorage {
  getItem(k: string): string | null;
  setItem(k: string, v: string): void;
  removeItem(k: string): void;
  readonly length: number;
  key(i: number): string | null;
}

/** The single-object ledger of the first version: read once and split into per-part keys (kept, never deleted). */
export const LEDGER_KEY = 'fleetlab.ledger.v1';
/** Version 2: one key per part (`<prefix>part.<track>/<part>`) and one for the rest (`<prefix>meta`). */
export const LEDGER_PREFIX = 'fleetlab.ledger.v2.';
export const META_KEY = `${LEDGER_PREFIX}meta`;
export const ITERATION_LIMIT = 10;

export function partKey(track: string, part: string): string { return `${track}/${part}`; }
export function partStorageKey(key: string): string { return `${LEDGER_PREFIX}part.${key}`; }

function now(): string { return new Date().toISOString(); }

interface Meta { version: 2; startedAt: string; strategy: Strategy; mathPeek: LedgerData['mathPeek']; stamps: { strategy?: number; mathPeek?: number } }

function emptyMeta(): Meta {
  return { version: 2, startedAt: now(), strategy: { priority: '', tail: '', justification: '' }, mathPeek: { capexPerGpuUsd: null, years: 3 }, stamps: {} };
}

function emptyEntry(): PartEntry { return { config: {}, tries: [], reflection: '' }; }

/** A stored or imported part entry, checked field by field; null if it is not one. */
export function readEntry(v: unknown): PartEntry | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  if (o.config !== undefined && (typeof o.config !== 'object' || o.config === null)) return null;
  if (o.tries !== undefined && !Array.isArray(o.tries)) return null;
  if (o.reflection !== undefined && typeof o.reflection !== 'string') return null;
  return { ...emptyEntry(), ...(o as Partial<PartEntry>) } as PartEntry;
}

/**
 * `into` with every field of `from` that was written later (a larger
 * stamp); equal stamps keep `into`. Returns whether anything changed.
 */
export function mergeEntry(into: PartEntry, from: PartEntry): boolean {
  let changed = false;
  const mine = into.stamps ?? {}, theirs = from.stamps ?? {};
  for (const f of PART_FIELDS) {
    if ((theirs[f] ?? 0) <= (mine[f] ?? 0) || from[f] === undefined) continue;
    (into as unknown as Record<string, unknown>)[f] = from[f];
    mine[f] = theirs[f]!;
    changed = true;
  }
  into.stamps = mine;
  return changed;
}

/** A stable text for a configuration, so the same settings count once. */
export function canonical(o: Overrides): string {
  return JSON.stringify(Object.keys(o).sort().map((k) => [k, o[k] as JsonValue]));
}

export class Ledger {
  private meta: Meta;
  private entries: Record<string, PartEntry> = {};
  private clock = 0;
  /** Set when stored data could not be read; the page shows it. */
  readonly loadError: string | null = null;
  /** Set while the browser refuses to save (quota, private mode); cleared by the next good save. */
  saveError: string | null = null;
  private listeners: (() => void)[] = [];
  private external: ((key: string) => void)[] = [];

  constructor(private readonly storage: KeyValueStorage) {
    const problems: string[] = [];
    this.meta = this.readMeta(problems);
    for (const k of this.storedKeys()) {
      const e = this.parseStored(k, problems);
      if (e) this.entries[k.slice(partStorageKey('').length)] = e;
    }
    if (storage.getItem(META_KEY) === null) this.migrate(problems);
    if (problems.length) this.loadError = `part of the saved ledger could not be read (${problems.join('; ')}); a copy was kept`;
  }

  get snapshot(): Readonly<LedgerData> {
    return { version: 2, startedAt: this.meta.startedAt, entries: this.entries, strategy: this.meta.strategy, mathPeek: this.meta.mathPeek };
  }

  onChange(fn: () => void): void { this.listeners.push(fn); }
  /** Called with the part key ("track/part", or "meta") another tab changed, after it was merged in. */
  onExternalChange(fn: (key: string) => void): void { this.external.push(fn); }

  entry(track: string, part: string): PartEntry {
    const k = partKey(track, part);
    let e = this.entries[k];
    if (!e) { e = emptyEntry(); this.entries[k] = e; }
    return e;
  }

  lock(track: string, part: string, lock: Lock): void { this.write(track, part, 'lock', lock); }

  setConfig(track: string, part: string, config: Overrides): void { this.write(track, part, 'config', { ...config }); }

  /**
   * Records a configuration tried against the part's target. The same
   * settings tried again update their row instead of counting twice.
   * Returns the number of distinct configurations tried so far.
   */
  addTry(track: string, part: string, t: Omit<Try, 'n' | 'at'>): number {
    const tries = [...this.entry(track, part).tries];
    const c = canonical(t.overrides);
    const i = tries.findIndex((x) => canonical(x.overrides) === c);
    if (i >= 0) tries[i] = { ...tries[i]!, ...t, n: tries[i]!.n, at: now() };
    else tries.push({ ...t, n: tries.length + 1, at: now() });
    this.write(track, part, 'tries', tries);
    return tries.length;
  }

  setResult(track: string, part: string, r: { label: string; value: number | null; unit: string }): void {
    this.write(track, part, 'result', { ...r, at: now() });
  }

  setReveal(track: string, part: string, r: Omit<Reveal, 'at'>): void { this.write(track, part, 'reveal', { ...r, at: now() }); }

  setReflection(track: string, part: string, text: string): void { this.write(track, part, 'reflection', text); }

  setChallenge(track: string, part: string, c: Omit<ChallengeResult, 'at'>): void { this.write(track, part, 'challenge', { ...c, at: now() }); }

  setStrategy(s: Partial<Strategy>): void {
    this.meta.strategy = { ...this.meta.strategy, ...s };
    this.meta.stamps.strategy = this.tick();
    this.saveMeta();
  }

  setMathPeek(m: Partial<LedgerData['mathPeek']>): void {
    this.meta.mathPeek = { ...this.meta.mathPeek, ...m };
    this.meta.stamps.mathPeek = this.tick();
    this.saveMeta();
  }

  clear(): void {
    for (const k of this.storedKeys()) this.storage.removeItem(k);
    this.entries = {};
    this.meta = emptyMeta();
    this.saveMeta();
  }

  /**
   * Merges a change another tab made (the window's `storage` event): each
   * field keeps its newest write. Returns the part key merged, or null.
   */
  applyStorageEvent(key: string | null, newValue: string | null): string | null {
    if (key === null || newValue === null || !key.startsWith(LEDGER_PREFIX)) return null;
    let merged: string | null = null;
    try {
      if (key === META_KEY) merged = this.mergeMeta(JSON.parse(newValue) as Meta) ? 'meta' : null;
      else {
        const e = readEntry(JSON.parse(newValue));
        const k = key.slice(partStorageKey('').length);
        if (e) { this.see(e); merged = mergeEntry(this.entries[k] ??= emptyEntry(), e) ? k : null; }
      }
    } catch { return null; }
    if (merged) { for (const fn of this.external) fn(merged); this.notify(); }
    return merged;
  }

  /**
   * Merges an exported ledger (toJson) into this one, newest field winning;
   * fields the export holds without a stamp (an older export) fill only
   * what this ledger lacks. Returns an error message, or null.
   */
  importJson(text: string): string | null {
    let doc: unknown;
    try { doc = JSON.parse(text); } catch { return 'not a ledger export: the file is not JSON'; }
    const d = doc as Partial<LedgerData> & { format?: string };
    if (typeof d !== 'object' || d === null || d.format !== 'fleetlab-ledger' || typeof d.entries !== 'object' || d.entries === null) {
      return 'not a ledger export: expected the JSON that "Export JSON" writes (format "fleetlab-ledger")';
    }
    for (const [k, v] of Object.entries(d.entries)) {
      const e = readEntry(v);
      if (!e || !/^[^/]+\/[^/]+$/.test(k)) return `not a ledger export: entry "${k}" is malformed`;
      for (const f of PART_FIELDS) if (e[f] !== undefined && e.stamps?.[f] === undefined) (e.stamps ??= {})[f] = 1;
      this.see(e);
      const local = this.entries[k] ??= emptyEntry();
      if (mergeEntry(local, e)) this.savePart(k);
    }
    if (d.strategy && typeof d.strategy === 'object' && !this.meta.stamps.strategy) { this.meta.strategy = { ...this.meta.strategy, ...d.strategy }; this.saveMeta(); }
    this.notify();
    return null;
  }

  private write<F extends PartField>(track: string, part: string, field: F, value: PartEntry[F]): void {
    const e = this.entry(track, part);
    e[field] = value;
    (e.stamps ??= {})[field] = this.tick();
    this.savePart(partKey(track, part));
  }

  private tick(): number { this.clock = Math.max(this.clock + 1, Date.now()); return this.clock; }

  private see(e: PartEntry): void { for (const s of Object.values(e.stamps ?? {})) this.clock = Math.max(this.clock, s ?? 0); }

  private savePart(k: string): void { this.put(partStorageKey(k), JSON.stringify(this.entries[k])); }

  private saveMeta(): void { this.put(META_KEY, JSON.stringify(this.meta)); }

  /** One setItem of one key: atomic in Web Storage. A refusal is shown, the state in memory kept. */
  private put(key: string, value: string): void {
    try {
      this.storage.setItem(key, value);
      this.saveError = null;
    } catch (err) {
      const why = err instanceof Error ? err.name || err.message : String(err);
      this.saveError = `your browser refused to save the ledger (${why}); what you did is still on this page: export your ledger now`;
    }
    this.notify();
  }

  private notify(): void { for (const fn of this.listeners) fn(); }

  private storedKeys(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.storage.length; i++) {
      const k = this.storage.key(i);
      if (k !== null && k.startsWith(partStorageKey(''))) out.push(k);
    }
    return out;
  }

  private keepUnreadable(key: string, raw: string, problems: string[], why: string): void {
    try { this.storage.setItem(`${key}.unreadable.${Date.now()}`, raw); } catch { /* quota: the text stays under its own key */ }
    problems.push(`${key}: ${why}`);
  }

  private parseStored(key: string, problems: string[]): PartEntry | null {
    const raw = this.storage.getItem(key);
    if (raw === null) return null;
    try {
      const e = readEntry(JSON.parse(raw));
      if (!e) throw new Error('not a part entry');
      this.see(e);
      return e;
    } catch (err) {
      this.keepUnreadable(key, raw, problems, err instanceof Error ? err.message : String(err));
      return null;
    }
  }

  private readMeta(problems: string[]): Meta {
    const raw = this.storage.getItem(META_KEY);
    if (raw === null) return emptyMeta();
    try {
      const m = JSON.parse(raw) as Partial<Meta>;
      if (m.version !== 2) throw new Error('not a version-2 ledger');
      return { ...emptyMeta(), ...m, stamps: { ...(m.stamps ?? {}) } } as Meta;
    } catch (err) {
      this.keepUnreadable(META_KEY, raw, problems, err instanceof Error ? err.message : String(err));
      return emptyMeta();
    }
  }

  private mergeMeta(m: Meta): boolean {
    let changed = false;
    for (const f of ['strategy', 'mathPeek'] as const) {
      if ((m.stamps?.[f] ?? 0) > (this.meta.stamps[f] ?? 0)) {
        (this.meta as unknown as Record<string, unknown>)[f] = m[f];
        this.meta.stamps[f] = m.stamps[f]!;
        this.clock = Math.max(this.clock, m.stamps[f]!);
        changed = true;
      }
    }
    return changed;
  }

  /** The first version's single object, split into per-part keys (its key is left as it was). */
  private migrate(problems: string[]): void {
    const raw = this.storage.getItem(LEDGER_KEY);
    if (raw !== null) {
      try {
        const old = JSON.parse(raw) as { version?: number; startedAt?: string; entries?: Record<string, unknown>; strategy?: Strategy; mathPeek?: Meta['mathPeek'] };
        if (old.version !== 1 || typeof old.entries !== 'object' || old.entries === null) throw new Error('not a version-1 ledger');
        if (old.startedAt) this.meta.startedAt = old.startedAt;
        if (old.strategy) this.meta.strategy = { ...this.meta.strategy, ...old.strategy };
        if (old.mathPeek) this.meta.mathPeek = { ...this.meta.mathPeek, ...old.mathPeek };
        for (const [k, v] of Object.entries(old.entries)) {
          const e = readEntry(v);
          if (!e || this.entries[k]) continue;
          for (const f of PART_FIELDS) if (e[f] !== undefined) (e.stamps ??= {})[f] = this.tick();
          this.entries[k] = e;
          this.savePart(k);
        }
      } catch (err) {
        this.keepUnreadable(LEDGER_KEY, raw, problems, err instanceof Error ? err.message : String(err));
      }
    }
    this.saveMeta();
  }
}
