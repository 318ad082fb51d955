// Which engine the lab uses. With a lab server (`fleetlab lab`): the server,
// and, when the page also has the in-browser engine (`make site`, served
// with `fleetlab lab --static build/site`), the browser for any request the
// server answers "busy" (503) or cannot be reached for. Without a server (a
// static host: GitHub Pages, any folder served as files): the browser.
// `?engine=server` or `?engine=browser` in the page's address forces one.
import { ApiClient, type ApiResult } from '../api/client';
import type { Engine, EngineKind } from './engine';
import { ENGINE_MANIFEST, WasmEngine } from './wasm';

export interface Chosen { engine: Engine; kind: EngineKind; note: string }

/** Probes the server (health, 3 s) and the in-browser engine's files; picks as above. */
export async function chooseEngine(search = location.search): Promise<Chosen> {
  const forced = new URLSearchParams(search).get('engine');
  const http = new ApiClient();
  if (forced === 'server') return { engine: http, kind: 'server', note: 'simulations run on the lab server' };
  const server = forced === 'browser' ? false : await serverAnswers(http);
  const hasWasm = await engineShipped();
  if (server && !hasWasm) return { engine: http, kind: 'server', note: 'simulations run on the lab server' };
  if (server) {
    return { engine: new FallbackEngine(http, () => loadWasm()), kind: 'server, browser when busy',
      note: 'simulations run on the lab server, and in this browser when the server is busy or unreachable' };
  }
  if (!hasWasm) return { engine: http, kind: 'server', note: 'no lab server answered and this page has no in-browser engine' };
  const w = await loadWasm();
  if ('error' in w) return { engine: http, kind: 'server', note: `the in-browser engine could not start: ${w.error}` };
  return { engine: w.engine, kind: 'browser', note: `simulations run in this browser (WebAssembly, ${w.engine.workers} workers)` };
}

async function serverAnswers(http: ApiClient): Promise<boolean> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), 3000);
  const r = await http.request<{ api?: unknown }>('GET', '/health', undefined, timeout.signal);
  clearTimeout(timer);
  return r.ok && r.value !== null && typeof r.value === 'object' && r.value.api === 1;
}

async function engineShipped(): Promise<boolean> {
  try {
    const r = await fetch(new URL(ENGINE_MANIFEST, document.baseURI), { cache: 'no-cache' });
    return r.ok && (r.headers.get('content-type') ?? '').includes('json');
  } catch {
    return false;
  }
}

let loading: ReturnType<typeof WasmEngine.load> | null = null;
function loadWasm(): ReturnType<typeof WasmEngine.load> { return (loading ??= WasmEngine.load()); }

type Method = { [K in keyof Engine]: Engine[K] extends (...a: infer A) => Promise<ApiResult<infer _R>> ? A : never };

/**
 * The server first; a request it answers 503 (busy) or cannot be reached
 * for is run in the browser instead (loaded on first need). Any other reply,
 * errors included, is the server's.
 */
export class FallbackEngine implements Engine {
  constructor(private readonly primary: Engine, private readonly secondary: () => Promise<{ engine: Engine } | { error: string }>) {}

  health() { return this.call('health'); }
  catalog() { return this.call('catalog'); }
  tracks() { return this.call('tracks'); }
  part(...a: Method['part']) { return this.call('part', ...a); }
  run(...a: Method['run']) { return this.call('run', ...a); }
  frontier(...a: Method['frontier']) { return this.call('frontier', ...a); }
  answer(...a: Method['answer']) { return this.call('answer', ...a); }
  memory(...a: Method['memory']) { return this.call('memory', ...a); }
  plan(...a: Method['plan']) { return this.call('plan', ...a); }

  private call<K extends keyof Engine>(name: K, ...args: Method[K]): ReturnType<Engine[K]> {
    type R = ApiResult<unknown>;
    const invoke = (e: Engine) => (e[name] as unknown as (...a: Method[K]) => Promise<R>).apply(e, args);
    return invoke(this.primary).then(async (first) => {
      const e = first.ok ? null : first.error;
      if (e === null || !(e.kind === 'network' || (e.kind === 'http' && e.code === 'busy'))) return first;
      const s = await this.secondary();
      return 'error' in s ? first : invoke(s.engine);
    }) as ReturnType<Engine[K]>;
  }
}
