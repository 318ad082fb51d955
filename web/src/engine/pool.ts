// A pool of engine workers (./worker.ts): jobs wait in three queues (the
// student's runs, then frontier points, then background work; the last two
// never take the last free worker), each worker does one at a time.
// A simulation cannot be interrupted inside WebAssembly: a job aborted while
// it runs is answered at once and its worker ends it (most take
// milliseconds) unless it is still at it a second later; a job past the
// wall-time limit ends its worker. A fresh worker then takes the place (the
// compiled module is shared, so that is quick).
import type { FromWorker, Job, JobSpec } from './protocol';

export interface Assets { module: WebAssembly.Module; engineUrl: string; files: string }

/** 0: the student's runs; 1: frontier points; 2: background work. */
export type Priority = 0 | 1 | 2;

export type JobReply = { status: number; body: string; ms: number } | { aborted: true } | { timedOut: true };

interface Pending {
  job: Job;
  priority: Priority;
  resolve(r: JobReply): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
  done?: boolean;
}

interface Slot { worker: Worker; ready: Promise<boolean>; job: Pending | null; timer: ReturnType<typeof setTimeout> | null }

export interface PoolOptions {
  size: number;
  /** A job running longer is ended (the lab server's --wall-limit: 10 s). */
  wallLimitMs: number;
  /** An aborted job still running this long after the abort ends its worker (default 1000). */
  abortGraceMs?: number;
  makeWorker(): Worker;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queues: [Pending[], Pending[], Pending[]] = [[], [], []];
  private nextId = 1;
  /** Settles when the first worker is ready: true, or false if none can start. */
  readonly ready: Promise<boolean>;
  private failure: string | null = null;

  constructor(private readonly assets: Assets, private readonly opts: PoolOptions) {
    for (let i = 0; i < opts.size; i++) this.slots.push(this.spawn());
    this.ready = Promise.all(this.slots.map((s) => s.ready)).then((r) => r.some(Boolean));
  }

  get size(): number { return this.slots.length; }
  /** Why the workers could not start, or null. */
  get startError(): string | null { return this.failure; }

  /**
   * Runs `spec` on the next free worker: `priority` 0 (the student's runs)
   * before 1 (frontier points) before 2 (background work: the warm-up).
   */
  submit(spec: JobSpec, priority: Priority, signal?: AbortSignal): Promise<JobReply> {
    if (signal?.aborted) return Promise.resolve({ aborted: true });
    return new Promise((resolve) => {
      const p: Pending = { job: { ...spec, id: this.nextId++ } as Job, priority, resolve, signal, onAbort: null };
      if (signal) {
        p.onAbort = () => this.abort(p);
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.queues[priority].push(p);
      this.pump();
    });
  }

  /** Starts a worker in `slot` (a new slot when none is given). */
  private spawn(slot?: Slot): Slot {
    const s: Slot = slot ?? { worker: null as unknown as Worker, ready: Promise.resolve(false), job: null, timer: null };
    const worker = this.opts.makeWorker();
    s.worker = worker;
    s.ready = new Promise<boolean>((ok) => {
      worker.onmessage = (e: MessageEvent<FromWorker>) => {
        const m = e.data;
        if (m.type === 'ready') { ok(true); this.pump(); } else if (m.type === 'failed') { this.failure = m.message; ok(false); } else this.finish(s, m);
      };
      worker.onerror = (e) => { this.failure = e.message || 'the engine worker failed to load'; ok(false); };
    });
    worker.postMessage({ type: 'init', ...this.assets });
    return s;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job) continue;
      // One worker stays free of frontier points (when there are two or more), so that the
      // student's next run never waits behind a frontier.
      const busyWithPoints = this.slots.filter((s) => s.job !== null && s.job.priority > 0).length;
      const roomForPoints = busyWithPoints < Math.max(1, this.slots.length - 1);
      const next = this.queues[0].shift() ?? (roomForPoints ? this.queues[1].shift() ?? this.queues[2].shift() : undefined);
      if (!next) return;
      slot.job = next;
      void slot.ready.then((ok) => {
        if (slot.job !== next) return; // aborted while the worker started
        if (!ok) {
          slot.job = null;
          this.settle(next, { status: 500, body: internal(`the in-browser engine could not start: ${this.failure ?? 'unknown'}`), ms: 0 });
          this.pump();
          return;
        }
        slot.timer = setTimeout(() => this.restart(slot, { timedOut: true }), this.opts.wallLimitMs);
        slot.worker.postMessage(next.job);
      });
    }
  }

  private finish(slot: Slot, m: Extract<FromWorker, { type: 'reply' }>): void {
    const p = slot.job;
    if (!p || p.job.id !== m.id) return;
    if (m.dead) { this.restart(slot, { status: m.status, body: m.body, ms: m.ms }); return; }
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = null;
    slot.timer = null;
    this.settle(p, { status: m.status, body: m.body, ms: m.ms });
    this.pump();
  }

  /** Ends the slot's worker (its job gets `reply`) and starts a fresh one in its place. */
  private restart(slot: Slot, reply: JobReply): void {
    const p = slot.job;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    slot.worker.terminate();
    this.spawn(slot);
    if (p) this.settle(p, reply);
    this.pump();
  }

  private abort(p: Pending): void {
    for (const q of this.queues) {
      const i = q.indexOf(p);
      if (i >= 0) { q.splice(i, 1); this.settle(p, { aborted: true }); return; }
    }
    // Running: answered "aborted" at once. The worker finishes the job (most take milliseconds; a
    // fresh worker would be fetched again, which a page gone offline cannot) unless it is still at it
    // abortGraceMs later: then it is ended and replaced.
    const slot = this.slots.find((s) => s.job === p);
    if (!slot) return;
    this.settle(p, { aborted: true });
    const worker = slot.worker;
    setTimeout(() => { if (slot.job === p && slot.worker === worker) this.restart(slot, { aborted: true }); }, this.opts.abortGraceMs ?? 1000);
  }

  /** Resolves `p` (the first time only: an aborted job may still finish later). */
  private settle(p: Pending, r: JobReply): void {
    if (p.done) return;
    p.done = true;
    if (p.signal && p.onAbort) p.signal.removeEventListener('abort', p.onAbort);
    p.resolve(r);
  }

  /** Ends every worker; pending jobs resolve as aborted. */
  close(): void {
    for (const q of this.queues) for (const p of q.splice(0)) this.settle(p, { aborted: true });
    for (const s of this.slots) { s.worker.terminate(); if (s.job) this.settle(s.job, { aborted: true }); s.job = null; }
  }
}

function internal(message: string): string {
  return JSON.stringify({ error: { code: 'internal', field: null, message } });
}
