// The in-browser engine: the engine compiled to WebAssembly (`make site`)
// in a pool of Web Workers, one per hardware thread (at most 8). Every call
// is the lab server's own request handling (src/server/local_api.h), so
// the replies are the server's, byte for byte. A frontier's points run in
// parallel, one job each, then one job puts them together (the knee, the
// unloaded P99) exactly as the server's frontier does.
import type { ApiResult } from '../api/client';
import type {
  AnswerRequest, AnswerResponse, CatalogResponse, FrontierRequest, FrontierResponse, Health, MemoryRequest,
  MemoryResponse, Part, PlanRequest, PlanResponse, RunRequest, RunResponse, TracksResponse,
} from '../api/types';
import { resultFromReply, type Engine } from './engine';
import type { JobSpec } from './protocol';
import { WorkerPool, type Assets, type JobReply, type Priority } from './pool';

/** Where `make site` puts the engine's manifest, relative to the page. */
export const ENGINE_MANIFEST = 'engine/manifest.json';

/** What `make site` writes beside the engine: file names and sizes. */
export interface EngineManifest { engine: string; wasm: string; files: string; version: string }

export interface WasmEngineOptions {
  /** Workers (default: navigator.hardwareConcurrency, at most 8). */
  workers?: number;
  /** The lab server's wall-time limit (10 s): a job running longer is ended. */
  wallLimitMs?: number;
  /** The manifest's URL, relative to the page (default ENGINE_MANIFEST); the files it names are beside it. */
  manifest?: string;
}

const RUN = 0;
const POINT = 1;
const BACKGROUND = 2;

export class WasmEngine implements Engine {
  readonly workers: number;
  private readonly wallLimitMs: number;

  private constructor(private readonly pool: WorkerPool, opts: WasmEngineOptions) {
    this.workers = pool.size;
    this.wallLimitMs = opts.wallLimitMs ?? 10_000;
  }

  /** Loads the engine (module compiled once, shared by every worker); null with the reason when it cannot. */
  static async load(opts: WasmEngineOptions = {}): Promise<{ engine: WasmEngine } | { error: string }> {
    const at = new URL(opts.manifest ?? ENGINE_MANIFEST, document.baseURI);
    const base = new URL('.', at);
    try {
      const manifest = await fetchOk(at).then((r) => r.json() as Promise<EngineManifest>);
      const [module, files] = await Promise.all([
        compile(new URL(manifest.wasm, base)),
        fetchOk(new URL(manifest.files, base)).then((r) => r.text()),
      ]);
      const assets: Assets = { module, files, engineUrl: new URL(manifest.engine, base).href };
      const size = Math.max(1, Math.min(8, opts.workers ?? navigator.hardwareConcurrency ?? 2));
      const pool = new WorkerPool(assets, {
        size, wallLimitMs: opts.wallLimitMs ?? 10_000,
        makeWorker: () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }),
      });
      if (!(await pool.ready)) { pool.close(); return { error: pool.startError ?? 'no engine worker started' }; }
      const engine = new WasmEngine(pool, opts);
      void engine.warmUp();
      return { engine };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }

  health(): Promise<ApiResult<Health>> { return this.get('/health'); }
  catalog(): Promise<ApiResult<CatalogResponse>> { return this.get('/catalog'); }
  tracks(): Promise<ApiResult<TracksResponse>> { return this.get('/tracks'); }
  part(track: string, part: string): Promise<ApiResult<Part>> {
    return this.get(`/tracks/${encodeURIComponent(track)}/${encodeURIComponent(part)}`);
  }
  run(req: RunRequest, signal?: AbortSignal): Promise<ApiResult<RunResponse>> { return this.post('/run', req, signal); }
  answer(req: AnswerRequest, signal?: AbortSignal): Promise<ApiResult<AnswerResponse>> { return this.post('/answer', req, signal); }
  memory(req: MemoryRequest, signal?: AbortSignal): Promise<ApiResult<MemoryResponse>> { return this.post('/memory', req, signal); }
  plan(req: PlanRequest, signal?: AbortSignal): Promise<ApiResult<PlanResponse>> { return this.post('/plan', req, signal); }

  /**
   * The frontier: the capacity its loads are fractions of (one saturation run
   * for an LLM replica), its points on every worker at once, then one job puts
   * them together.
   */
  async frontier(req: FrontierRequest, signal?: AbortSignal): Promise<ApiResult<FrontierResponse>> {
    const n = req?.rates?.points;
    const body = JSON.stringify(req);
    // A body the server would refuse (or an odd count) goes through the server's own route for its error.
    if (!Number.isInteger(n) || n < 2 || n > 40) return this.post('/frontier', req, signal);
    const c = await this.job({ type: 'capacity', body }, POINT, signal);
    if (!('body' in c) || c.status !== 200) return this.result(c);
    const capacity = c.body;
    const points = await Promise.all(Array.from({ length: n }, (_, index) => this.job({ type: 'point', body, capacity, index }, POINT, signal)));
    for (const p of points) if (!('body' in p) || p.status !== 200) return this.result(p);
    const figures = `[${points.map((p) => ('body' in p ? p.body : 'null')).join(',')}]`;
    return this.result(await this.job({ type: 'finish', body, capacity, points: figures }, RUN, signal));
  }

  close(): void { this.pool.close(); }

  /**
   * V8 compiles WebAssembly with a baseline compiler and optimises what runs
   * hot, but a function running when its optimised code is ready keeps its
   * baseline code until its next call: a simulation's event loop, called once
   * per run, would run a part's first run at baseline speed (2-10x slower).
   * So every part runs once, tiny (100 requests), as soon as the engine is
   * loaded, behind anything the student asks for, frontiers included; the
   * workers share the module, so its optimised code serves all of them.
   */
  private async warmUp(): Promise<void> {
    const t = await this.job({ type: 'call', method: 'GET', path: '/api/v1/tracks', body: '' }, BACKGROUND).then((r) => this.result<TracksResponse>(r));
    if (!t.ok) return;
    const small = { 'workload.requests': 100, 'workload.warmup_requests': 0 };
    await Promise.all(t.value.tracks.flatMap((track) => track.parts.map((p) =>
      this.job({ type: 'call', method: 'POST', path: '/api/v1/run', body: JSON.stringify({ track: track.id, part: p.id, overrides: small }) }, BACKGROUND))));
  }

  private get<T>(path: string): Promise<ApiResult<T>> {
    return this.job({ type: 'call', method: 'GET', path: `/api/v1${path}`, body: '' }, RUN).then((r) => this.result<T>(r));
  }

  private post<T>(path: string, req: unknown, signal?: AbortSignal): Promise<ApiResult<T>> {
    return this.job({ type: 'call', method: 'POST', path: `/api/v1${path}`, body: JSON.stringify(req) }, RUN, signal)
      .then((r) => this.result<T>(r));
  }

  private job(spec: JobSpec, priority: Priority, signal?: AbortSignal): Promise<JobReply> {
    return this.pool.submit(spec, priority, signal);
  }

  private result<T>(r: JobReply): ApiResult<T> {
    if ('aborted' in r) return { ok: false, error: { kind: 'aborted' } };
    if ('timedOut' in r) {
      return resultFromReply(422, JSON.stringify({ error: { code: 'limit_exceeded', field: null,
        message: `the simulation ran past this browser's wall-time limit of ${(this.wallLimitMs / 1000).toFixed(1)} s and was cancelled; ask for fewer requests or a smaller system` } }));
    }
    return resultFromReply<T>(r.status, r.body);
  }
}

/** Compiles while downloading; a host that does not send .wasm as application/wasm gets the plain way. */
async function compile(url: URL): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compileStreaming(fetchOk(url));
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return WebAssembly.compile(await (await fetchOk(url)).arrayBuffer());
  }
}

async function fetchOk(url: URL): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url.pathname}: HTTP ${r.status}`);
  return r;
}
