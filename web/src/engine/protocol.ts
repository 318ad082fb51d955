// The messages between the page and an engine worker (./worker.ts).

/** Page -> worker. `init` first, once; then one job at a time. */
export type ToWorker =
  | { type: 'init'; module: WebAssembly.Module; engineUrl: string; files: string }
  | { type: 'call'; id: number; method: 'GET' | 'POST'; path: string; body: string }
  | { type: 'capacity'; id: number; body: string }
  | { type: 'point'; id: number; body: string; capacity: string; index: number }
  | { type: 'finish'; id: number; body: string; capacity: string; points: string };

export type Job = Extract<ToWorker, { id: number }>;
/** A job before the pool numbers it. */
export type JobSpec = Job extends infer J ? (J extends { id: number } ? Omit<J, 'id'> : never) : never;

/** Worker -> page: ready (or not) after init; each job's reply (HTTP status and JSON text). */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'reply'; id: number; status: number; body: string; ms: number; dead?: boolean };
