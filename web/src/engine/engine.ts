// The lab's one engine interface, with two implementations: the lab server's
// HTTP API (ApiClient, src/api/client.ts) and the engine compiled to
// WebAssembly in the page's Web Workers (WasmEngine, ./wasm.ts). Both take
// the same requests and give the same replies (docs/api.md); every call
// resolves to an ApiResult, never throws.
import type { ApiError, ApiResult } from '../api/client';
import type {
  AnswerRequest, AnswerResponse, CatalogResponse, ErrorCode, FrontierRequest, FrontierResponse,
  Health, MemoryRequest, MemoryResponse, Part, PlanRequest, PlanResponse, RunRequest, RunResponse,
  TracksResponse,
} from '../api/types';

export interface Engine {
  health(): Promise<ApiResult<Health>>;
  catalog(): Promise<ApiResult<CatalogResponse>>;
  tracks(): Promise<ApiResult<TracksResponse>>;
  part(track: string, part: string): Promise<ApiResult<Part>>;
  run(req: RunRequest, signal?: AbortSignal): Promise<ApiResult<RunResponse>>;
  frontier(req: FrontierRequest, signal?: AbortSignal): Promise<ApiResult<FrontierResponse>>;
  answer(req: AnswerRequest, signal?: AbortSignal): Promise<ApiResult<AnswerResponse>>;
  memory(req: MemoryRequest, signal?: AbortSignal): Promise<ApiResult<MemoryResponse>>;
  plan(req: PlanRequest, signal?: AbortSignal): Promise<ApiResult<PlanResponse>>;
}

/** Where the lab's simulations run, for the page to say so. */
export type EngineKind = 'server' | 'browser' | 'server, browser when busy';

/**
 * A reply as the engine gives it (HTTP status and JSON text) as an
 * ApiResult, read as ApiClient reads an HTTP reply.
 */
export function resultFromReply<T>(status: number, text: string): ApiResult<T> {
  let parsed: unknown;
  try {
    parsed = text.length ? JSON.parse(text) : null;
  } catch {
    return { ok: false, error: { kind: 'bad_response', status, message: `not JSON: ${text.slice(0, 120)}` } };
  }
  if (status >= 200 && status < 300) return { ok: true, value: parsed as T };
  const e = (parsed as { error?: { code?: unknown; field?: unknown; message?: unknown } } | null)?.error;
  if (e && typeof e.message === 'string') {
    const out: ApiError = {
      kind: 'http', status,
      code: typeof e.code === 'string' ? (e.code as ErrorCode) : 'unknown',
      field: typeof e.field === 'string' ? e.field : null,
      message: e.message,
    };
    return { ok: false, error: out };
  }
  return { ok: false, error: { kind: 'bad_response', status, message: `HTTP ${status} without an error body` } };
}
