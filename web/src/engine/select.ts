// Which engine the lab uses. A page built by `make site` carries
// <meta name="fleetlab-engine" content="engine/manifest.json">; without it
// (web/dist as `make run` serves it) the page has only the lab server. With
// it: when a lab server serves the page (its files carry X-Fleetlab-Api,
// e.g. `fleetlab lab --static build/site`), the server, and the engine in
// the browser for any request the server answers busy (503) or cannot be
// reached for; on a static host (GitHub Pages, any folder of files), the
// browser. `?engine=server` or `?engine=browser` in the address forces one.
// Nothing is probed that a static host would answer 404.
import { ApiClient, type ApiResult } from '../api/client';
import type { Engine, EngineKind } from './engine';
import { WasmEngine } from './wasm';

export interface Chosen { engine: Engine; kind: EngineKind; note: string }

export async function chooseEngine(search = location.search): Promise<Chosen> {
  const forced = new URLSearchParams(search).get('engine');
  const http = new ApiClient();
  const manifest = document.querySelector<HTMLMetaElement>('meta[name="fleetlab-engine"]')?.content ?? null;
  const serverOnly: Chosen = { engine: http, kind: 'server', note: 'simulations run on the lab server' };
  if (forced === 'server' || (manifest === null && forced !== 'browser')) return serverOnly;
  const load = () => (loading ??= WasmEngine.load({ manifest: manifest ?? undefined }));
  if (forced !== 'browser' && (await servedByLabServer())) {
    return { engine: new FallbackEngine(http, load), kind: 'server, browser when busy',
      note: 'simulations run on the lab server, and in this browser when the server is busy or unreachable' };
  }
  const w = await load();
  if ('error' in w) return { engine: http, kind: 'server', note: `the in-browser engine could not start: ${w.error}` };
  return { engine: w.engine, kind: 'browser', note: `simulations run in this browser (WebAssembly, ${w.engine.workers} workers)` };
}

/** Whether the page came from a lab server: its files carry X-Fleetlab-Api (src/server/static_files.cc). */
async function servedByLabServer(): Promise<boolean> {
  try {
    const r = await fetch(location.href.split('#')[0]!, { method: 'HEAD', cache: 'no-store' });
    return r.headers.get('x-fleetlab-api') === '1';
  } catch {
    return false;
  }
}

let loading: ReturnType<typeof WasmEngine.load> | null = null;

type Method = { [K in keyof Engine]: Engine[K] extends (...a: infer A) => Promise<ApiResult<infer _R>> ? A : never };

/**
 * The server first; a request it answers 503 (busy) or cannot be reached
 * for is run in the browser instead (loaded on first need). Any other reply,
 * errors included, is the server's.
 */
export class FallbackEngine implements Engine {
  /** Requests the browser answered in the server's place. */
  fallbacks = 0;

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
      if ('error' in s) return first;
      this.fallbacks++;
      return invoke(s.engine);
    }) as ReturnType<Engine[K]>;
  }
}
