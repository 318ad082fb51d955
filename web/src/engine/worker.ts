// An engine worker: one instance of the engine compiled to WebAssembly
// (src/wasm/engine.cc, the lab server's request handling in-process), one
// job at a time. The page (./pool.ts) hands over the compiled module, the
// emscripten loader's URL and the catalog and tracks files at init.
import type { FromWorker, ToWorker } from './protocol';

interface EngineModule {
  _fleetlab_init(files: number): number;
  _fleetlab_call(method: number, path: number, body: number): number;
  _fleetlab_frontier_capacity(body: number): number;
  _fleetlab_frontier_point(body: number, capacity: number, index: number): number;
  _fleetlab_frontier_finish(body: number, capacity: number, points: number): number;
  _fleetlab_reply(): number;
  _malloc(n: number): number;
  _free(p: number): void;
  UTF8ToString(p: number): string;
  stringToUTF8(s: string, p: number, max: number): void;
  lengthBytesUTF8(s: string): number;
}
type Factory = (opts: Record<string, unknown>) => Promise<EngineModule>;

const scope = self as unknown as { onmessage: ((e: MessageEvent<ToWorker>) => void) | null; postMessage(m: FromWorker): void };
let engine: EngineModule | null = null;

/** Calls `fn` with the strings copied into the engine's memory, then frees them. */
function withStrings<T>(m: EngineModule, strings: string[], fn: (ptrs: number[]) => T): T {
  const ptrs = strings.map((s) => {
    const n = m.lengthBytesUTF8(s) + 1;
    const p = m._malloc(n);
    m.stringToUTF8(s, p, n);
    return p;
  });
  try { return fn(ptrs); } finally { for (const p of ptrs) m._free(p); }
}

async function init(msg: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  const { default: create } = (await import(/* @vite-ignore */ msg.engineUrl)) as { default: Factory };
  const m = await create({
    // The page compiled the module once for every worker.
    instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
      void WebAssembly.instantiate(msg.module, imports).then((instance) => done(instance, msg.module));
      return {};
    },
    print: () => {},
    printErr: (s: string) => console.warn(`engine: ${s}`),
  });
  const status = withStrings(m, [msg.files], ([f]) => m._fleetlab_init(f!));
  if (status !== 200) throw new Error(m.UTF8ToString(m._fleetlab_reply()));
  engine = m;
}

function run(m: EngineModule, msg: Exclude<ToWorker, { type: 'init' }>): number {
  switch (msg.type) {
    case 'call': return withStrings(m, [msg.method, msg.path, msg.body], ([a, b, c]) => m._fleetlab_call(a!, b!, c!));
    case 'capacity': return withStrings(m, [msg.body], ([b]) => m._fleetlab_frontier_capacity(b!));
    case 'point': return withStrings(m, [msg.body, msg.capacity], ([b, c]) => m._fleetlab_frontier_point(b!, c!, msg.index));
    case 'finish': return withStrings(m, [msg.body, msg.capacity, msg.points], ([b, c, p]) => m._fleetlab_frontier_finish(b!, c!, p!));
  }
}

scope.onmessage = (e) => {
  const msg = e.data;
  if (msg.type === 'init') {
    init(msg).then(() => scope.postMessage({ type: 'ready' }),
      (err: unknown) => scope.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err) }));
    return;
  }
  const t0 = performance.now();
  if (!engine) {
    scope.postMessage({ type: 'reply', id: msg.id, status: 500, body: internal('the engine is not loaded'), ms: 0, dead: true });
    return;
  }
  try {
    const status = run(engine, msg);
    const body = engine.UTF8ToString(engine._fleetlab_reply());
    scope.postMessage({ type: 'reply', id: msg.id, status, body, ms: performance.now() - t0 });
  } catch (err) {
    // An abort (out of memory, a bug): this instance is done; the pool starts another.
    engine = null;
    const why = err instanceof Error ? err.message : String(err);
    scope.postMessage({ type: 'reply', id: msg.id, status: 500, body: internal(`the engine stopped: ${why}`), ms: performance.now() - t0, dead: true });
  }
};

function internal(message: string): string {
  return JSON.stringify({ error: { code: 'internal', field: null, message } });
}
