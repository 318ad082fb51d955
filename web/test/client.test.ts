import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, describeError, isSuperseded, Latest } from '../src/api/client';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

describe('ApiClient', () => {
  it('returns a 422 as a typed error naming the field', async () => {
    const api = new ApiClient({ fetch: async () => json(422, { error: { code: 'refused', field: 'replica.tp', message: 'does not fit: needs 141 GB, has 80 GB' } }) });
    const r = await api.run({ track: 'cloud-titan', part: 'part2', overrides: { 'replica.tp': 1 } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toEqual({ kind: 'http', status: 422, code: 'refused', field: 'replica.tp', message: 'does not fit: needs 141 GB, has 80 GB' });
    expect(describeError(r.error)).toBe('does not fit: needs 141 GB, has 80 GB');
  });

  it('reads Retry-After on 503, and turns network failures and non-JSON into typed errors', async () => {
    const busy = await new ApiClient({ fetch: async () => json(503, { error: { code: 'busy', field: null, message: 'busy' } }, { 'Retry-After': '2' }) }).health();
    expect(!busy.ok && busy.error.kind === 'http' && busy.error.retryAfterS).toBe(2);
    const down = await new ApiClient({ fetch: async () => { throw new TypeError('Failed to fetch'); } }).health();
    expect(!down.ok && down.error).toEqual({ kind: 'network', message: 'Failed to fetch' });
    const html = await new ApiClient({ fetch: async () => new Response('<html>', { status: 200 }) }).health();
    expect(!html.ok && html.error.kind).toBe('bad_response');
  });

  it('posts JSON to the contract path', async () => {
    const seen: [string, RequestInit | undefined][] = [];
    const api = new ApiClient({ fetch: async (i, init) => { seen.push([i, init]); return json(200, { report: {}, wall_ms: 1 }); } });
    await api.run({ track: 't', part: 'p', overrides: { a: 1 }, series: true });
    expect(seen[0]![0]).toBe('/api/v1/run');
    expect(seen[0]![1]!.method).toBe('POST');
    expect(JSON.parse(seen[0]![1]!.body as string)).toEqual({ track: 't', part: 'p', overrides: { a: 1 }, series: true });
  });
});

describe('Latest (debounce, supersede)', () => {
  afterEach(() => vi.useRealTimers());

  it('debounces a burst into one call with the last request', async () => {
    vi.useFakeTimers();
    const calls: number[] = [];
    const ch = new Latest(async (n: number) => { calls.push(n); return n * 10; }, 50);
    const p1 = ch.submit(1);
    const p2 = ch.submit(2);
    const p3 = ch.submit(3);
    await vi.advanceTimersByTimeAsync(49);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([3]);
    expect(isSuperseded(await p1)).toBe(true);
    expect(isSuperseded(await p2)).toBe(true);
    expect(await p3).toBe(30);
  });

  it('aborts the running request when a newer one arrives; only the newest answer is delivered', async () => {
    const signals: AbortSignal[] = [];
    const resolvers: ((v: string) => void)[] = [];
    const ch = new Latest((req: string, signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<string>((ok) => resolvers.push(() => ok(req)));
    }, 0);
    const old = ch.submit('old');
    const fresh = ch.submit('new');
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[1]!.aborted).toBe(false);
    resolvers[1]!('');
    resolvers[0]!(''); // the old one answers late: it must not win
    expect(isSuperseded(await old)).toBe(true);
    expect(await fresh).toBe('new');
  });
});

describe('Latest with leading / serial', () => {
  afterEach(() => vi.useRealTimers());

  it('leading: a lone request runs at once; a burst behind it waits for quiet and keeps only the last', async () => {
    vi.useFakeTimers();
    const calls: number[] = [];
    const ch = new Latest(async (n: number) => { calls.push(n); return n * 10; }, 50, { leading: true });
    const p1 = ch.submit(1);
    expect(calls).toEqual([1]); // no debounce delay for a single change
    const p2 = ch.submit(2);
    const p3 = ch.submit(3);
    await vi.advanceTimersByTimeAsync(49);
    expect(calls).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual([1, 3]);
    expect(isSuperseded(await p1)).toBe(true);
    expect(isSuperseded(await p2)).toBe(true);
    expect(await p3).toBe(30);
    // Quiet again (nothing waiting or running, the last submit long ago): the next one runs at once.
    await vi.advanceTimersByTimeAsync(100);
    const p4 = ch.submit(4);
    expect(calls).toEqual([1, 3, 4]);
    expect(await p4).toBe(40);
  });

  it('serial: a newer request waits for the running call instead of aborting it; only the newest answer wins', async () => {
    const signals: AbortSignal[] = [];
    const started: string[] = [];
    const resolvers: (() => void)[] = [];
    const ch = new Latest((req: string, signal: AbortSignal) => {
      signals.push(signal);
      started.push(req);
      return new Promise<string>((ok) => resolvers.push(() => ok(req)));
    }, 0, { serial: true });
    const a = ch.submit('a');
    const b = ch.submit('b');
    const c = ch.submit('c');
    expect(started).toEqual(['a']);
    expect(signals[0]!.aborted).toBe(false);
    expect(isSuperseded(await b)).toBe(true); // never ran: c replaced it while a was at work
    resolvers[0]!();
    expect(isSuperseded(await a)).toBe(true);
    await vi.waitFor(() => expect(started).toEqual(['a', 'c']));
    resolvers[1]!();
    expect(await c).toBe('c');
  });
});

describe('blameControl (where an error is shown)', async () => {
  const { blameControl } = await import('../src/views/controls');
  const paths = ['workload.arrival.rate_per_s', 'replica.tp', 'replica.pp'];
  it('puts the error beside the named control, else the moved one under the named field', () => {
    expect(blameControl(paths, 'replica.pp', 'replica.tp')).toBe(2);
    expect(blameControl(paths, 'replica', 'replica.pp')).toBe(2); // the engine blames "replica": the student moved PP
    expect(blameControl(paths, 'replica', 'workload.arrival.rate_per_s')).toBe(1);
    expect(blameControl(paths, 'overrides.replica.tp.x', null)).toBe(0);
    expect(blameControl(paths, null, 'replica.pp')).toBe(2);
    expect(blameControl(paths, null, null)).toBe(0);
  });
});
