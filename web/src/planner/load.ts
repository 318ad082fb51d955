// Reading a planner file: a sweep's rows (`fleetlab sweep --out F.csv` or
// F.json) or a sizing result (`fleetlab size --json`), as points, and which
// charts suit them. Pure data: unit-tested without a DOM.

export type Value = number | string | boolean | null;
export type Point = Record<string, Value>;

export interface AxisSpec { key: string; label: string; log: boolean }

export interface ChartSpec {
  id: string;
  title: string;
  caption: string;
  x: AxisSpec;
  y: AxisSpec;
  /** True when more is better on x (a throughput); else less (a cost). */
  maximizeX: boolean;
}

export interface PlannerData {
  kind: 'sweep' | 'sizing';
  title: string;
  points: Point[];
  /** The field naming a point in tooltips and tables. */
  labelKey: string;
  /** Fields shown for a point, after its label. */
  details: string[];
  charts: ChartSpec[];
}

export class PlannerFileError extends Error {}

/** CSV fields of one line, quotes undone (the sweep writer's quoting). */
export function csvFields(line: string): string[] {
  const out: string[] = [''];
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"' && quoted && line[i + 1] === '"') { out[out.length - 1] += '"'; i++; }
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) out.push('');
    else out[out.length - 1] += c;
  }
  return out;
}

function cell(text: string): Value {
  if (text === '') return null;
  if (text === 'true' || text === 'false') return text === 'true';
  const n = Number(text);
  return Number.isFinite(n) && /^[-+0-9.eE]+$/.test(text) ? n : text;
}

const LLM_DETAILS = ['usd_per_hour', 'usd_per_million_output_tokens', 'gpus', 'ttft_p99_ms', 'tpot_p99_ms',
  'output_tokens_per_s', 'slo_attainment', 'error'];
const STATION_DETAILS = ['throughput_rps', 'e2e_p50_ms', 'e2e_p99_ms', 'utilization', 'error'];

function sweepCharts(llm: boolean): ChartSpec[] {
  if (!llm) {
    return [{ id: 'throughput-latency', title: 'Throughput vs latency', caption: 'The front: no configuration serves more requests per second at a lower P99 end-to-end latency.',
      x: { key: 'throughput_rps', label: 'requests/s', log: false }, y: { key: 'e2e_p99_ms', label: 'P99 end-to-end latency (ms)', log: true }, maximizeX: true }];
  }
  const cost = { key: 'usd_per_million_output_tokens', label: '$ per 1M output tokens', log: true };
  return [
    { id: 'cost-ttft', title: 'Cost vs P99 TTFT', caption: 'The front: no cheaper configuration has a lower P99 time to first token.', x: cost, y: { key: 'ttft_p99_ms', label: 'P99 TTFT (ms)', log: true }, maximizeX: false },
    { id: 'cost-tpot', title: 'Cost vs P99 TPOT', caption: 'The front: no cheaper configuration decodes faster at the P99.', x: cost, y: { key: 'tpot_p99_ms', label: 'P99 TPOT (ms)', log: true }, maximizeX: false },
    { id: 'throughput-latency', title: 'Throughput vs latency', caption: 'The front: no configuration serves more tokens per second at a lower P99 TTFT.',
      x: { key: 'output_tokens_per_s', label: 'output tokens/s', log: true }, y: { key: 'ttft_p99_ms', label: 'P99 TTFT (ms)', log: true }, maximizeX: true },
  ];
}

/** Sweep rows (objects with params) as flat points, labelled by their axis values. */
function sweepData(rows: Record<string, unknown>[], axes: string[], title: string): PlannerData {
  const points = rows.map((r) => {
    const p: Point = {};
    for (const [k, v] of Object.entries(r)) if (k !== 'params') p[k] = v as Value;
    const params = (r.params ?? {}) as Record<string, Value>;
    for (const [k, v] of Object.entries(params)) p[k] = v;
    p.point = axes.map((a) => `${a}=${String(params[a] ?? p[a] ?? '')}`).join(', ');
    return p;
  });
  const llm = points.some((p) => typeof p.ttft_p99_ms === 'number');
  return { kind: 'sweep', title, points, labelKey: 'point', details: ['index', ...(llm ? LLM_DETAILS : STATION_DETAILS)], charts: sweepCharts(llm) };
}

function fromCsv(text: string, name: string): PlannerData {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = csvFields(lines[0] ?? '');
  if (header[0] !== 'index' || header[1] !== 'key') throw new PlannerFileError(`${name}: not a sweep CSV (its header must start with "index,key")`);
  const stable = header.indexOf('stable');
  if (stable < 0) throw new PlannerFileError(`${name}: not a sweep CSV (no "stable" column)`);
  const axes = header.slice(2, stable);
  const rows = lines.slice(1).map((line) => {
    const f = csvFields(line);
    const row: Record<string, unknown> = { params: {} };
    header.forEach((h, i) => {
      const v = cell(f[i] ?? '');
      if (i >= 2 && i < stable) (row.params as Record<string, Value>)[h] = v; else row[h] = v;
    });
    return row;
  }).filter((r) => typeof r.index === 'number');
  return sweepData(rows, axes, name);
}

function fromSizing(doc: Record<string, unknown>, name: string): PlannerData {
  const cols = doc.columns as Record<string, Value[]> | undefined;
  if (!cols || !Array.isArray(cols.name)) throw new PlannerFileError(`${name}: a sizing result without "columns" (write it with fleetlab size --json)`);
  const sizing = (doc.sizing ?? {}) as Record<string, unknown>;
  const fleets = (doc.fleets ?? []) as Record<string, unknown>[];
  const stat = String(fleets[0]?.statistic ?? 'p99');
  const points: Point[] = cols.name.map((_, i) => {
    const p: Point = {};
    for (const [k, v] of Object.entries(cols)) p[k] = v[i] ?? null;
    p.fleet = `${String(p.units)} x ${String(p.name)}`;
    return p;
  });
  const cost = { key: 'usd_per_hour', label: '$ per hour', log: false };
  return {
    kind: 'sizing', title: `${name}: ${String(sizing.model ?? '')} at ${String(sizing.rate_per_s ?? '?')} req/s`, points, labelKey: 'fleet',
    details: ['gpus', 'usd_per_hour', 'usd_per_million_input_tokens', 'usd_per_million_output_tokens', 'ttft_ms', 'tpot_ms', 'goodput_rps', 'headroom', 'binding', 'listed'],
    charts: [
      { id: 'cost-ttft', title: `Cost vs TTFT ${stat}`, caption: 'Every fleet found that meets the SLOs; the front: no cheaper fleet has a lower TTFT.', x: cost, y: { key: 'ttft_ms', label: `TTFT ${stat} (ms)`, log: false }, maximizeX: false },
      { id: 'cost-tpot', title: `Cost vs TPOT ${stat}`, caption: 'The front: no cheaper fleet decodes faster.', x: cost, y: { key: 'tpot_ms', label: `TPOT ${stat} (ms)`, log: false }, maximizeX: false },
      { id: 'token-cost-ttft', title: `$ per 1M output tokens vs TTFT ${stat}`, caption: 'Steady state at the target rate, the bill split by GPU time.',
        x: { key: 'usd_per_million_output_tokens', label: '$ per 1M output tokens', log: false }, y: { key: 'ttft_ms', label: `TTFT ${stat} (ms)`, log: false }, maximizeX: false },
    ],
  };
}

/** Reads a planner file by its content (CSV, a JSON array of sweep rows, or a sizing result). */
export function parsePlannerFile(text: string, name: string): PlannerData {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return fromCsv(text, name);
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (e) { throw new PlannerFileError(`${name}: not valid JSON (${(e as Error).message})`); }
  if (Array.isArray(doc)) {
    const rows = doc.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null && 'index' in r);
    if (!rows.length) throw new PlannerFileError(`${name}: no sweep rows (objects with "index") in the array`);
    return sweepData(rows, Object.keys((rows[0]!.params ?? {}) as object), name);
  }
  if (typeof doc === 'object' && doc !== null && (doc as Record<string, unknown>).kind === 'sizing') return fromSizing(doc as Record<string, unknown>, name);
  throw new PlannerFileError(`${name}: neither sweep rows nor a sizing result (fleetlab sweep --out, fleetlab size --json)`);
}
