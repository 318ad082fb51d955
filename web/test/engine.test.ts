import { describe, expect, it } from 'vitest';
import { ApiClient } from '../src/api/client';
import { resultFromReply, type Engine } from '../src/engine/engine';
import type { FromWorker, ToWorker } from '../src/engine/protocol';
import { WorkerPool } from '../src/engine/pool';
import { FallbackEngine } from '../src/engine/select';

/** A stand-in for an engine worker: answers each job after `ms(job)` (never, for Infinity). */
class FakeWorker {
  onmessage: ((e: MessageEvent<FromWorker>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  terminated = false;
  readonly seen: ToWorker[] = [];
  constructor(private readonly ms: (job: ToWorker) => number, private readonly log: string[]) {}
  postMessage(m: ToWorker): void {
    this.seen.push(m);
    if (m.type === 'init') { setTimeout(() => this.emit({ type: 'ready' }), 0); return; }
    this.log.push(m.type === 'call' ? m.path : `${m.type}:${'index' in m ? m.index : ''}`);
    const wait = this.ms(m);
    if (Number.isFinite(wait)) setTimeout(() => { if (!this.terminated) this.emit({ type: 'reply', id: m.id, status: 200, body: `{"path":"${'path' in m ? m.path : m.type}"}`, ms: wait }); }, wait);
  }
  terminate(): void { this.terminated = true; }
  private emit(m: FromWorker): void { this.onmessage?.({ data: m } as MessageEvent<FromWorker>); }
}

function pool(size: number, ms: (job: ToWorker) => number, opts: { wallLimitMs?: number; abortGraceMs?: number } = {}) {
  const workers: FakeWorker[] = [];
  const log: string[] = [];
  const p = new WorkerPool({ module: {} as WebAssembly.Module, engineUrl: 'x', files: '{}' }, {
    size, wallLimitMs: opts.wallLimitMs ?? 10_000, abortGraceMs: opts.abortGraceMs ?? 50,
    makeWorker: () => { const w = new FakeWorker(ms, log); workers.push(w); return w as unknown as Worker; },
  });
  return { p, workers, log };
}

const call = (path: string) => ({ type: 'call' as const, method: 'POST' as const, path, body: '{}' });

describe('resultFromReply', () => {
  it('reads a reply as ApiClient reads the same HTTP reply', () => {
    expect(resultFromReply(200, '{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(resultFromReply(422, '{"error":{"code":"refused","field":"replica.tp","message":"does not fit"}}')).toEqual({
      ok: false, error: { kind: 'http', status: 422, code: 'refused', field: 'replica.tp', message: 'does not fit' } });
    expect(resultFromReply(500, 'oops')).toMatchObject({ ok: false, error: { kind: 'bad_response', status: 500 } });
  });
});

describe('WorkerPool', () => {
  it('runs jobs on every worker at once, the student\'s runs first; points leave one worker free', async () => {
    const { p, log } = pool(3, () => 20);
    await p.ready;
    const points = [0, 1, 2, 3].map((index) => p.submit({ type: 'point', body: '{}', capacity: '{}', index }, 1));
    await new Promise((r) => setTimeout(r, 5));
    expect(log).toEqual(['point:0', 'point:1']); // the third worker is kept for runs
    const runs = [p.submit(call('/api/v1/run'), 0), p.submit(call('/api/v1/answer'), 0)];
    await Promise.all([...points, ...runs]);
    // The first run takes the free worker at once; the second, the next worker to finish, before the points.
    expect(log).toEqual(['point:0', 'point:1', '/api/v1/run', '/api/v1/answer', 'point:2', 'point:3']);
  });

  it('runs background work (the warm-up) after frontier points', async () => {
    const { p, log } = pool(2, () => 10);
    await p.ready;
    const jobs = [p.submit(call('/run1'), 0), p.submit(call('/run2'), 0), p.submit(call('/background'), 2),
      p.submit({ type: 'point', body: '{}', capacity: '{}', index: 0 }, 1)];
    await Promise.all(jobs);
    expect(log).toEqual(['/run1', '/run2', 'point:0', '/background']);
  });

  it('gives a lone worker to points too', async () => {
    const { p, log } = pool(1, () => 5);
    await p.ready;
    await Promise.all([0, 1].map((index) => p.submit({ type: 'point', body: '{}', capacity: '{}', index }, 1)));
    expect(log).toEqual(['point:0', 'point:1']);
  });

  it('answers an abort at once; a job still running after the grace period ends its worker', async () => {
    const { p, workers } = pool(1, (j) => (j.type === 'call' && j.path === '/slow' ? Infinity : 5), { abortGraceMs: 30 });
    await p.ready;
    const ctl = new AbortController();
    const slow = p.submit(call('/slow'), 0, ctl.signal);
    await new Promise((r) => setTimeout(r, 10));
    ctl.abort();
    expect(await slow).toEqual({ aborted: true });
    const next = p.submit(call('/next'), 0);
    expect(await next).toMatchObject({ status: 200 });
    expect(workers[0]!.terminated).toBe(true);
    expect(workers.length).toBe(2);
  });

  it('drops a queued job that is aborted, and ends a job past the wall-time limit', async () => {
    const { p } = pool(1, (j) => (j.type === 'call' && j.path === '/forever' ? Infinity : 5), { wallLimitMs: 40 });
    await p.ready;
    const forever = p.submit(call('/forever'), 0);
    const ctl = new AbortController();
    const queued = p.submit(call('/queued'), 0, ctl.signal);
    ctl.abort();
    expect(await queued).toEqual({ aborted: true });
    expect(await forever).toEqual({ timedOut: true });
    expect(await p.submit(call('/after'), 0)).toMatchObject({ status: 200 });
  });
});

describe('FallbackEngine', () => {
  const reply = (status: number, body: unknown) => async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const browser = { run: async () => ({ ok: true, value: { report: { from: 'browser' }, wall_ms: 1 } }) } as unknown as Engine;

  it('runs in the browser what the server answers busy or cannot be reached for', async () => {
    const busy = new FallbackEngine(new ApiClient({ fetch: reply(503, { error: { code: 'busy', field: null, message: 'busy' } }) }), async () => ({ engine: browser }));
    expect(await busy.run({ track: 't', part: 'p', overrides: {} })).toMatchObject({ ok: true, value: { report: { from: 'browser' } } });
    const down = new FallbackEngine(new ApiClient({ fetch: async () => { throw new TypeError('Failed to fetch'); } }), async () => ({ engine: browser }));
    expect(await down.run({ track: 't', part: 'p', overrides: {} })).toMatchObject({ ok: true });
  });

  it('keeps every other server reply, errors included', async () => {
    const refused = new FallbackEngine(new ApiClient({ fetch: reply(422, { error: { code: 'refused', field: 'replica.tp', message: 'does not fit' } }) }), async () => ({ engine: browser }));
    expect(await refused.run({ track: 't', part: 'p', overrides: {} })).toMatchObject({ ok: false, error: { code: 'refused' } });
    const noWasm = new FallbackEngine(new ApiClient({ fetch: reply(503, { error: { code: 'busy', field: null, message: 'busy' } }) }), async () => ({ error: 'no engine' }));
    expect(await noWasm.run({ track: 't', part: 'p', overrides: {} })).toMatchObject({ ok: false, error: { code: 'busy' } });
  });
});
