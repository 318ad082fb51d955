// The lab API's fetch wrapper. Every call resolves (never throws) to an
// ApiResult: the value, or a typed error the page shows next to the control
// that caused it. `Latest` debounces a stream of requests and lets a newer
// one supersede (abort) an older one, so slow work is never stacked.
import type {
  AnswerRequest, AnswerResponse, CatalogResponse, ErrorCode, FrontierRequest, FrontierResponse,
  Health, MemoryRequest, MemoryResponse, Part, PlanRequest, PlanResponse, RunRequest, RunResponse,
  TracksResponse,
} from './types';
import { steadyView } from './report';

export type ApiError =
  | { kind: 'http'; status: number; code: ErrorCode | 'unknown'; field: string | null; message: string; retryAfterS?: number }
  | { kind: 'network'; message: string }
  | { kind: 'bad_response'; status: number; message: string }
  | { kind: 'aborted' };

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** One line a student can read: "does not fit: ..." or "network: ...". */
export function describeError(e: ApiError): string {
  switch (e.kind) {
    case 'http':
      return e.code === 'busy' && e.retryAfterS !== undefined
        ? `${e.message} (server busy: retry in ${e.retryAfterS} s)`
        : e.message;
    case 'network': return `cannot reach the lab server: ${e.message}`;
    case 'bad_response': return `unexpected answer from the server (HTTP ${e.status}): ${e.message}`;
    case 'aborted': return 'superseded by a newer request';
  }
}

type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

export class ApiClient {
  private readonly base: string;
  private readonly fetchFn: FetchFn;

  constructor(opts: { base?: string; fetch?: FetchFn } = {}) {
    this.base = opts.base ?? '/api/v1';
    this.fetchFn = opts.fetch ?? ((i, init) => fetch(i, init));
  }

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<ApiResult<T>> {
    let res: Response;
    try {
      const init: RequestInit = { method, signal: signal ?? null };
      if (body !== undefined) {
        init.headers = { 'Content-Type': 'application/json' };
        init.body = JSON.stringify(body);
      }
      res = await this.fetchFn(this.base + path, init);
    } catch (err) {
      if (isAbort(err) || signal?.aborted) return { ok: false, error: { kind: 'aborted' } };
      return { ok: false, error: { kind: 'network', message: errMessage(err) } };
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      if (isAbort(err) || signal?.aborted) return { ok: false, error: { kind: 'aborted' } };
      return { ok: false, error: { kind: 'network', message: errMessage(err) } };
    }
    let parsed: unknown;
    try {
      parsed = text.length ? JSON.parse(text) : null;
    } catch {
      return { ok: false, error: { kind: 'bad_response', status: res.status, message: `not JSON: ${text.slice(0, 120)}` } };
    }
    if (!res.ok) return { ok: false, error: httpError(res, parsed) };
    return { ok: true, value: parsed as T };
  }

  health(): Promise<ApiResult<Health>> { return this.request('GET', '/health'); }
  catalog(): Promise<ApiResult<CatalogResponse>> { return this.request('GET', '/catalog'); }
  tracks(): Promise<ApiResult<TracksResponse>> { return this.request('GET', '/tracks'); }
  part(track: string, part: string): Promise<ApiResult<Part>> {
    return this.request('GET', `/tracks/${encodeURIComponent(track)}/${encodeURIComponent(part)}`);
  }
  run(req: RunRequest, signal?: AbortSignal): Promise<ApiResult<RunResponse>> { return this.request('POST', '/run', req, signal); }
  frontier(req: FrontierRequest, signal?: AbortSignal): Promise<ApiResult<FrontierResponse>> {
    return this.request('POST', '/frontier', req, signal);
  }
  answer(req: AnswerRequest, signal?: AbortSignal): Promise<ApiResult<AnswerResponse>> { return this.request('POST', '/answer', req, signal); }
  memory(req: MemoryRequest, signal?: AbortSignal): Promise<ApiResult<MemoryResponse>> { return this.request('POST', '/memory', req, signal); }
  plan(req: PlanRequest, signal?: AbortSignal): Promise<ApiResult<PlanResponse>> { return this.request('POST', '/plan', req, signal); }
}

function httpError(res: Response, body: unknown): ApiError {
  const retry = res.headers.get('Retry-After');
  const retryAfterS = retry !== null && retry !== '' && Number.isFinite(Number(retry)) ? Number(retry) : undefined;
  const e = (body as { error?: { code?: unknown; field?: unknown; message?: unknown } } | null)?.error;
  if (e && typeof e.message === 'string') {
    const out: ApiError = {
      kind: 'http', status: res.status,
      code: typeof e.code === 'string' ? (e.code as ErrorCode) : 'unknown',
      field: typeof e.field === 'string' ? e.field : null,
      message: e.message,
    };
    if (retryAfterS !== undefined) out.retryAfterS = retryAfterS;
    return out;
  }
  return { kind: 'bad_response', status: res.status, message: `HTTP ${res.status} without an error body` };
}

function isAbort(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: string }).name === 'AbortError';
}
function errMessage(err: unknown): string { return err instanceof Error ? err.message : String(err); }

export type Superseded = { superseded: true };

/**
 * A debounced, latest-wins channel. `submit` waits `debounceMs` of quiet,
 * then runs `fn` with an AbortSignal; a later `submit` aborts the running
 * call and makes every earlier promise resolve to {superseded: true}, so
 * only the newest request's answer is ever applied.
 *
 * With `leading`, a request that finds the channel idle (nothing waiting or
 * running, and no submit in the last `debounceMs`) runs at once; requests
 * arriving while one waits or runs are debounced as above. A single change
 * is then answered without the debounce delay, while a burst (a slider
 * drag, a held arrow key) still collapses into its last request.
 *
 * With `serial`, a newer request does not abort the running call (the
 * server would go on computing it anyway): it waits for that call to end,
 * then runs; the older answer still resolves to {superseded: true}. At most
 * one call of the channel is then ever at work on the server.
 */
export class Latest<Req, Res> {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private controller: AbortController | null = null;
  private pending: ((v: Res | Superseded) => void) | null = null;
  private generation = 0;
  private lastSubmit = -Infinity;
  /** The call at work (serial channels wait for it), null when none. */
  private running: Promise<void> | null = null;

  constructor(
    private readonly fn: (req: Req, signal: AbortSignal) => Promise<Res>, private readonly debounceMs: number,
    private readonly opts: { leading?: boolean; serial?: boolean } = {},
  ) {}

  submit(req: Req): Promise<Res | Superseded> {
    const now = Date.now();
    const idle = this.pending === null && now - this.lastSubmit >= this.debounceMs;
    this.lastSubmit = now;
    this.supersede();
    const gen = ++this.generation;
    return new Promise((resolve) => {
      this.pending = resolve;
      const fire = () => {
        this.timer = null;
        if (gen !== this.generation) return; // superseded while waiting for the running call
        if (this.opts.serial && this.running) { void this.running.then(fire); return; }
        const controller = new AbortController();
        this.controller = controller;
        const call = this.fn(req, controller.signal).then(
          (v) => this.settle(gen, resolve, v),
          () => this.settle(gen, resolve, { superseded: true }),
        );
        const running: Promise<void> = call.then(() => { if (this.running === running) this.running = null; });
        this.running = running;
      };
      if (this.debounceMs > 0 && !(this.opts.leading && idle)) this.timer = setTimeout(fire, this.debounceMs);
      else fire();
    });
  }

  /** Drops whatever is waiting or running (a serial channel's running call too). */
  cancel(): void { this.supersede(true); this.generation++; }

  private supersede(abort = !this.opts.serial): void {
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
    if (this.controller && abort) { this.controller.abort(); this.controller = null; }
    if (this.pending) { const p = this.pending; this.pending = null; p({ superseded: true }); }
  }

  private settle(gen: number, resolve: (v: Res | Superseded) => void, v: Res | Superseded): void {
    if (gen !== this.generation) { resolve({ superseded: true }); return; }
    this.controller = null;
    this.pending = null;
    resolve(v);
  }
}

export function isSuperseded(v: unknown): v is Superseded {
  return typeof v === 'object' && v !== null && (v as Superseded).superseded === true;
}

/** A run's reply as the lab shows it, whichever engine answered (steadyView: an unstable run's latencies are null). */
export function steadyRun(r: ApiResult<RunResponse>): ApiResult<RunResponse> {
  return r.ok && r.value?.report ? { ok: true, value: { ...r.value, report: steadyView(r.value.report) } } : r;
}
