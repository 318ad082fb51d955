// The student's outbox for the class server: events wait in localStorage
// until the server acknowledges them, so nothing is lost when the server
// blips, the network drops or the tab is closed. Sending is one batch at a
// time; a failure is retried with a growing delay (1 s doubling to 30 s,
// with jitter; the server's Retry-After when it gives one). An event the
// server refuses as malformed (400 naming "events[i]...") is set aside with
// the reason, so one bad event never blocks the rest.
import type { KeyValueStorage } from '../ledger/ledger';
import type { Marks } from './events';
import type { ClassErrorBody, ClassEvent, EventsResponse, JoinResponse } from './protocol';

export const OUTBOX_KEY = 'fleetlab.class.v1';
export const MAX_DELAY_MS = 30_000;
const FIRST_DELAY_MS = 1_000;
const DEFAULT_BATCH = 32;

export interface Membership { base: string; code: string; nickname: string; student: number; key: string; batch: number }

export interface OutboxState {
  v: 1;
  member: Membership | null;
  pending: ClassEvent[];
  marks: Marks;
  rejected: { id: string; message: string }[];
}

export type OutboxStatus =
  | { kind: 'out' }
  | { kind: 'sent'; pending: 0 }
  | { kind: 'sending'; pending: number }
  | { kind: 'retrying'; pending: number; inMs: number; why: string }
  | { kind: 'stopped'; pending: number; why: string };

type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export interface OutboxDeps {
  storage: KeyValueStorage;
  fetch: FetchFn;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (t: unknown) => void;
  random?: () => number;
}

function empty(): OutboxState { return { v: 1, member: null, pending: [], marks: {}, rejected: [] }; }

function read(storage: KeyValueStorage): OutboxState {
  try {
    const s = JSON.parse(storage.getItem(OUTBOX_KEY) ?? 'null') as OutboxState | null;
    if (s && s.v === 1 && Array.isArray(s.pending)) return { ...empty(), ...s };
  } catch { /* unreadable: start again (the ledger still holds the student's work) */ }
  return empty();
}

interface Reply { status: number; body: unknown; retryAfterS: number | null }

export class Outbox {
  private state: OutboxState;
  private status: OutboxStatus;
  private inflight = false;
  private timer: unknown = null;
  private attempt = 0;
  private readonly acked = new Set<string>();
  private listeners: ((s: OutboxStatus) => void)[] = [];

  constructor(private readonly deps: OutboxDeps) {
    this.state = read(deps.storage);
    this.status = this.state.member ? { kind: 'sending', pending: this.state.pending.length } : { kind: 'out' };
  }

  get member(): Membership | null { return this.state.member; }
  get pending(): readonly ClassEvent[] { return this.state.pending; }
  get marks(): Marks { return this.state.marks; }
  get rejected(): OutboxState['rejected'] { return this.state.rejected; }
  get current(): OutboxStatus { return this.status; }
  onStatus(fn: (s: OutboxStatus) => void): void { this.listeners.push(fn); }

  /** Joins `code` as `nickname` at `base` (".../api/v1/class"); resolves to an error message, or null. */
  async join(base: string, code: string, nickname: string): Promise<string | null> {
    const prior = this.state.member;
    const key = prior && prior.base === base && prior.code === code && prior.nickname.toLowerCase() === nickname.toLowerCase() ? prior.key : undefined;
    const r = await this.post(`${base}/join`, { code, nickname, ...(key ? { key } : {}) });
    if (r.status !== 200 && r.status !== 201) return describe(r);
    const j = r.body as JoinResponse;
    // A new membership: everything the ledger holds is sent again (marks cleared).
    const same = key !== undefined;
    this.state = { ...this.state, member: { base, code, nickname: j.nickname, student: j.student, key: j.key, batch: j.bounds?.max_events_per_request ?? DEFAULT_BATCH },
      ...(same ? {} : { pending: [], marks: {}, rejected: [] }) };
    this.save();
    this.attempt = 0;
    void this.flush();
    return null;
  }

  /** Leaves the class: the queue and the membership are dropped (the ledger keeps the work). */
  leave(): void {
    if (this.timer !== null) this.deps.clearTimer(this.timer);
    this.timer = null;
    this.state = empty();
    this.deps.storage.setItem(OUTBOX_KEY, JSON.stringify(this.state));
    this.setStatus({ kind: 'out' });
  }

  /** Queues `events` (and the marks they reach), then sends. */
  enqueue(events: ClassEvent[], marks: Marks): void {
    if (!this.state.member) return;
    const have = new Set(this.state.pending.map((e) => e.id));
    for (const e of events) if (!have.has(e.id)) { this.state.pending.push(e); have.add(e.id); }
    this.state.marks = { ...this.state.marks, ...marks };
    this.save();
    if (this.timer === null) void this.flush();
  }

  /** Sends the queue, batch after batch, until it is empty or a send fails (then a retry is scheduled). */
  async flush(): Promise<void> {
    const m = this.state.member;
    if (!m || this.inflight) return;
    if (this.timer !== null) { this.deps.clearTimer(this.timer); this.timer = null; }
    this.inflight = true;
    try {
      while (this.state.member === m && this.state.pending.length > 0) {
        this.setStatus({ kind: 'sending', pending: this.state.pending.length });
        const batch = this.state.pending.slice(0, m.batch);
        const r = await this.post(`${m.base}/events`, { code: m.code, student: m.student, key: m.key, events: batch });
        if (this.state.member !== m) return;
        if (!this.handle(r, batch)) return;
      }
      if (this.state.member === m) this.setStatus({ kind: 'sent', pending: 0 });
    } finally {
      this.inflight = false;
    }
  }

  /** True to go on sending; false when a retry was scheduled or sending stopped. */
  private handle(r: Reply, batch: ClassEvent[]): boolean {
    if (r.status === 200) {
      this.attempt = 0;
      this.drop(batch.map((e) => e.id));
      return true;
    }
    if (r.status === 413 && batch.length > 1) {
      this.state.member!.batch = Math.max(1, Math.floor(batch.length / 2));  // long reflections: smaller batches
      this.save();
      return true;
    }
    const err = (r.body as ClassErrorBody | null)?.error;
    const bad = err?.field?.match(/^events\[(\d+)\]/);
    if ((r.status === 400 || r.status === 404) && bad) {
      const e = batch[Number(bad[1])];
      if (e) { this.state.rejected.push({ id: e.id, message: err!.message }); this.drop([e.id]); return true; }
    }
    const pending = this.state.pending.length;
    if (r.status === 403 || r.status === 404 || r.status === 400 || r.status === 422) {
      // Not this batch's fault to retry: a membership the server no longer knows, or the student's quota.
      this.setStatus({ kind: 'stopped', pending, why: describe(r) });
      return false;
    }
    const inMs = r.retryAfterS !== null ? r.retryAfterS * 1000 : this.backoff();
    this.attempt++;
    this.timer = this.deps.setTimer(() => { this.timer = null; void this.flush(); }, inMs);
    this.setStatus({ kind: 'retrying', pending, inMs, why: describe(r) });
    return false;
  }

  private backoff(): number {
    const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.attempt);
    return Math.round(base * (0.5 + 0.5 * (this.deps.random ?? Math.random)()));
  }

  private drop(ids: string[]): void {
    for (const id of ids) this.acked.add(id);
    this.state.pending = this.state.pending.filter((e) => !this.acked.has(e.id));
    this.save();
  }

  /**
   * Writes the state, merged with what another tab may have written since:
   * pending events are united (less those this tab saw acknowledged), marks
   * take the larger stamp. A resend is harmless (the server stores an id once).
   */
  private save(): void {
    const stored = read(this.deps.storage);
    const s = this.state;
    if (stored.member && s.member && stored.member.student === s.member.student && stored.member.base === s.member.base) {
      const have = new Set(s.pending.map((e) => e.id));
      for (const e of stored.pending) if (!have.has(e.id) && !this.acked.has(e.id)) s.pending.push(e);
      for (const [k, v] of Object.entries(stored.marks)) s.marks[k] = Math.max(s.marks[k] ?? 0, v);
    }
    try { this.deps.storage.setItem(OUTBOX_KEY, JSON.stringify(s)); } catch { /* quota: the queue stays in memory */ }
  }

  private setStatus(s: OutboxStatus): void {
    this.status = s;
    for (const fn of this.listeners) fn(s);
  }

  private async post(url: string, body: unknown): Promise<Reply> {
    let res: Response;
    try {
      res = await this.deps.fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit' });
    } catch (err) {
      return { status: 0, body: { error: { code: 'network', field: null, message: `cannot reach the class server (${err instanceof Error ? err.message : String(err)})` } }, retryAfterS: null };
    }
    let parsed: unknown = null;
    try { parsed = await res.json(); } catch { /* not JSON: described by its status */ }
    const ra = Number(res.headers.get('Retry-After'));
    return { status: res.status, body: parsed, retryAfterS: res.headers.has('Retry-After') && Number.isFinite(ra) && ra >= 0 ? ra : null };
  }
}

function describe(r: Reply): string {
  const err = (r.body as ClassErrorBody | null)?.error;
  if (err?.message) return err.message;
  return r.status === 0 ? 'cannot reach the class server' : `the class server answered HTTP ${r.status}`;
}
