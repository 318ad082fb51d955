// A stand-in for the lab server's engine, for developing and testing the
// front end before the real `fleetlab lab` exists. It is NOT a simulator:
// it starts from real `fleetlab` outputs (test/fixtures/engine, regenerated
// by test/fixtures/regenerate.sh) and bends them with simple closed forms
// (M/M/1 scaling for the rate, 1/TP for compute, a fit check for memory) so
// that moving a control moves the numbers the way the contract shapes them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function loadFixtures(dir) {
  const j = (p) => JSON.parse(readFileSync(join(dir, p), 'utf8'));
  const engine = (name) => j(`engine/${name}.json`);
  const partScenarios = j('part-scenarios.json');
  const scenarios = Object.fromEntries(Object.entries(partScenarios).map(([k, v]) => [k, engine(`scenario-${v}`)]));
  return {
    tracks: j('tracks.json'), answers: j('answers.json'), errors: j('errors.json'), scenarios,
    runs: {
      paged: engine('run-llama3-70b-h100'), contiguous: engine('run-llama3-70b-contiguous'),
      spec: engine('run-llama3-70b-speculative'), nospec: engine('run-llama3-70b-nospec'), station: engine('run-mm1'),
    },
    catalog: engine('catalog'),
  };
}

const clone = (x) => structuredClone(x);

export function applyOverrides(scenario, overrides) {
  const out = clone(scenario);
  for (const [path, value] of Object.entries(overrides ?? {})) {
    const keys = path.split('.');
    let cur = out;
    for (const k of keys.slice(0, -1)) { if (typeof cur[k] !== 'object' || cur[k] === null) cur[k] = {}; cur = cur[k]; }
    cur[keys.at(-1)] = value;
  }
  return out;
}

function hash(s) { let h = 2166136261; for (const c of s) { h ^= c.charCodeAt(0); h = Math.imul(h, 16777619); } return h >>> 0; }
/** A deterministic ±4% wobble per configuration, so every control visibly moves the numbers. */
function wobble(overrides) { return 1 + ((hash(JSON.stringify(Object.entries(overrides ?? {}).sort())) % 81) - 40) / 1000; }

function scalePercentiles(p, f) { if (!p) return p; for (const k of ['mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max']) p[k] *= f; return p; }

const WEIGHTS_GB = 141.104775168, USABLE_GB = 72, KV_BYTES_PER_TOKEN = 327680;

export class MockError extends Error { constructor(status, body) { super(body.error.message); this.status = status; this.body = body; } }

function refuse(field, message) { return new MockError(422, { error: { code: 'refused', field, message } }); }

export function stationCapacity(s) {
  const st = s.station ?? {};
  const b = st.batching ?? {};
  const mb = b.max_batch ?? 1;
  const ms = (st.service?.mean_ms ?? 10) + (b.fixed_ms ?? 0) + (b.per_item_ms ?? 0) * mb;
  return ((st.servers ?? 1) * mb * 1000 / ms) * (s.fleet?.replicas ?? 1);
}

function checkFit(s) {
  const tp = s.replica.tp ?? 1, pp = s.replica.pp ?? 1;
  const per = WEIGHTS_GB / (tp * pp);
  if (per > USABLE_GB) throw refuse('replica.tp', `replica: does not fit: weights need ${per.toFixed(1)} GB per GPU (llama-3-70b bf16, TP${tp} PP${pp}) but one h100-sxm offers 72.0 GB (80.0 GB x 0.90)`);
}

export function mockRun(fx, key, overrides, series) {
  const base = fx.scenarios[key];
  if (!base) throw new MockError(404, { error: { code: 'not_found', field: null, message: `no part ${key}` } });
  const s = applyOverrides(base, overrides);
  const rate = s.workload?.arrival?.rate_per_s;
  if (!(rate > 0)) throw new MockError(422, fx.errors.invalid_field);
  const w = wobble(overrides);
  const [track, part] = key.split('/');
  const p = fx.tracks.tracks.find((t) => t.id === track)?.parts.find((x) => x.id === part);
  const report = s.replica ? llmRun(fx, s, w, series) : stationRun(fx, s, w);
  if (!s.replica && p?.target && report.stable) addPath(report, p.target.max, w);
  return { report, wall_ms: 3 + (w - 1) * 10 };
}

function stationRun(fx, s, w) {
  const r = clone(fx.runs.station);
  const cap = stationCapacity(s);
  const lambda = s.workload.arrival.rate_per_s;
  const rho = lambda / cap;
  r.scenario = s.name; r.capacity_per_s = cap; r.offered = { rate_per_s: lambda, load: rho };
  r.utilization = Math.min(rho, 1);
  if (rho >= 0.97) {
    r.stable = false; r.stability = `offered load ${rho.toFixed(3)} of capacity: the queue grows without bound`;
    r.latency_ms.e2e = null; r.latency_ms.queue = null; r.analytic = null;
    return r;
  }
  // Exponential sojourn of rate (mu - lambda), burstiness stretching it (Kingman: (1 + cv^2)/2).
  const cv = s.workload.arrival.process === 'gamma' ? s.workload.arrival.cv ?? 1 : 1;
  const baseMean = r.latency_ms.e2e.mean;
  const mean = (1000 / (cap - lambda)) * ((1 + cv * cv) / 2) * w;
  scalePercentiles(r.latency_ms.e2e, mean / baseMean);
  scalePercentiles(r.latency_ms.queue, mean / baseMean);
  r.stability = `offered load ${rho.toFixed(3)} of capacity`;
  r.analytic = { method: 'M/M/1 exact', exact: true, stable: true, utilization: rho,
    e2e_ms: { mean: 1000 / (cap - lambda), p50: 1000 * Math.log(2) / (cap - lambda), p99: 1000 * Math.log(100) / (cap - lambda), p999: 1000 * Math.log(1000) / (cap - lambda) }, queue_ms: null };
  r.throughput.requests_per_s = lambda;
  return r;
}

/**
 * A request path and a deadline in the shape src/report/path_render.cc writes
 * (main b1891f4): a link, a fan-out of ten sub-model pools joined on all, a
 * hedged planner pool. Stage latencies split the run's own; the miss rate is
 * the exponential tail P(T > budget) of the run's mean.
 */
function addPath(r, budgetMs, w) {
  const e2e = r.latency_ms.e2e;
  const part = (f) => scalePercentiles(clone(e2e), f);
  const n = r.requests.completed;
  const miss = Math.exp(-budgetMs / e2e.mean);
  const branches = Array.from({ length: 10 }, (_, i) => ({ name: `model-${i}`, kind: 'pool', latency_ms: part(0.5 + 0.02 * i * w), capacity_per_s: r.capacity_per_s, utilization: r.utilization * (0.9 + 0.01 * i), energy_j: 0, replicas: 1, replica_utilization: [r.utilization], wakeups: 0, hedge: null }));
  r.path = {
    stages: [
      { name: 'sensor-link', kind: 'link', latency_ms: part(0.05), capacity_per_s: 1e4, utilization: 0.02, energy_j: 0.4, messages: n, attempts: n, lost: 0 },
      { name: 'perception', kind: 'fanout', latency_ms: part(0.75), capacity_per_s: r.capacity_per_s, utilization: r.utilization, energy_j: 0, need: 10, branches },
      { name: 'planner', kind: 'pool', latency_ms: part(0.2), capacity_per_s: r.capacity_per_s * 4, utilization: r.utilization / 4, energy_j: 12.5 * w, replicas: 2, replica_utilization: [r.utilization / 4, r.utilization / 4], wakeups: 0,
        hedge: { trigger: 'quantile', delay_ms: e2e.p95 * 0.2, requests: n, backups: Math.round(n * 0.05), backup_wins: Math.round(n * 0.03), cancelled: Math.round(n * 0.05), backup_fraction: 0.05, wasted_work_fraction: 0.02 } },
    ],
    energy: { total_j: 40 * w, compute_j: 36 * w, radio_j: 4 * w, mean_power_w: (40 * w) / r.sim.window_s, per_request_j: (40 * w) / n },
  };
  r.deadline = { budget_ms: budgetMs, met: Math.round(n * (1 - miss)), missed: Math.round(n * miss), miss_rate: miss, longest_miss_run: Math.ceil(Math.log(n) / Math.log(1 / Math.max(miss, 1e-9))), stutters: Math.round(n * miss * miss) };
}

function llmRun(fx, s, w, series) {
  checkFit(s);
  const rep = s.replica;
  const spec = rep.speculative && rep.speculative.enabled !== false;
  const contiguous = rep.kv?.allocator === 'contiguous';
  const r = clone(contiguous ? fx.runs.contiguous : rep.speculative ? (spec ? fx.runs.spec : fx.runs.nospec) : fx.runs.paged);
  const tp = rep.tp ?? 1, pp = rep.pp ?? 1;
  const lambda = s.workload.arrival.rate_per_s;
  const rho0 = r.offered.load, rho = Math.min(lambda / r.capacity_per_s, 0.99);
  const q = ((1 - rho0) / (1 - rho)) * w;
  const wf = r.ttft_waterfall;
  const old = wf.total_ms;
  const k = 8 / tp;
  wf.matmul_ms *= k; wf.weight_memory_ms *= k; wf.attention_ms *= k;
  wf.tp_comm_ms *= tp === 1 ? 0 : ((2 * (tp - 1)) / tp) / 1.75 * (rep.weight_gathered ? 0.55 : 1);
  wf.pp_comm_ms = (pp - 1) * 0.08;
  wf.bubble_ms = pp > 1 ? (wf.matmul_ms * (pp - 1)) / (2 * pp - 1) : 0;
  wf.overhead_ms = 0.5 * pp;
  wf.queue_ms *= q * (rep.scheduler?.policy === 'dynamic' ? 2.5 : 1);
  wf.total_ms = wf.queue_ms + wf.matmul_ms + wf.weight_memory_ms + wf.attention_ms + wf.kv_memory_ms + wf.tp_comm_ms + wf.pp_comm_ms + wf.bubble_ms + wf.overhead_ms;
  const f = wf.total_ms / old;
  scalePercentiles(r.latency_ms.ttft, f);
  scalePercentiles(r.latency_ms.queue, q);
  r.offered = { rate_per_s: lambda, load: rho };
  r.stability = `offered load ${rho.toFixed(3)} of estimated capacity`;
  r.replica = { ...r.replica, tp, pp, gpus: tp * pp };
  r.cost.usd_per_hour = 3 * tp * pp;
  if (spec) {
    const a = rep.speculative.acceptance ?? 0.7, g = rep.speculative.gamma ?? 4;
    const tps = (1 - a ** (g + 1)) / (1 - a);
    r.speculative.tokens_per_step = tps;
    const n = fx.runs.nospec;
    r.cost.usd_per_million_output_tokens = (n.cost.usd_per_million_output_tokens * 1.6 * w) / tps;
    r.energy.joules_per_output_token = (n.energy.joules_per_output_token * 1.5) / tps;
    r.latency_ms.e2e = scalePercentiles(clone(n.latency_ms.e2e), 1.9 / tps);
    scalePercentiles(r.latency_ms.tpot, 1.9 / tps);
  } else {
    scalePercentiles(r.latency_ms.e2e, (f + 1) / 2);
    r.cost.usd_per_million_output_tokens *= w * (tp * pp) / 8;
    scalePercentiles(r.latency_ms.tpot, w * Math.sqrt(8 / tp));
  }
  r.energy.average_power_w *= w * (tp * pp) / 8;
  r.cost.usd_per_concurrent_user_hour *= w;
  scalePercentiles(r.latency_ms.itl, w);
  if (!series) delete r.series;
  else if (!r.series) r.series = clone((contiguous ? fx.runs.contiguous : fx.runs.paged).series);
  return r;
}

export function mockFrontier(fx, key, body) {
  const base = fx.scenarios[key];
  if (!base) throw new MockError(404, { error: { code: 'not_found', field: null, message: `no part ${key}` } });
  const s = applyOverrides(base, body.overrides);
  const { low, high, points } = body.rates ?? {};
  if (!(low > 0) || !(high > low) || !(points >= 2 && points <= 64)) throw new MockError(422, { error: { code: 'invalid_field', field: 'rates', message: 'rates: need 0 < low < high and 2 <= points <= 64' } });
  const w = wobble(body.overrides);
  let mu, unloaded;
  if (s.replica) {
    checkFit(s);
    mu = fx.runs.paged.capacity_per_s * (8 / ((s.replica.tp ?? 1) * (s.replica.pp ?? 1))) ** 0.2;
    unloaded = fx.runs.paged.latency_ms.ttft.p50 * w;
  } else { mu = stationCapacity(s); unloaded = (1000 * Math.log(100)) / mu; }
  const x = Array.from({ length: points }, (_, i) => low + ((high - low) * i) / (points - 1));
  const p99 = x.map((l, i) => (l < mu ? (s.replica ? unloaded * 4 / (1 - l / mu) : (1000 * Math.log(100)) / (mu - l)) * (1 + 0.03 * Math.sin(i + w)) : null));
  const ana = x.map((l) => (l < mu && !s.replica ? (1000 * Math.log(100)) / (mu - l) : null));
  const first = p99[0] ?? unloaded;
  let knee = -1;
  p99.forEach((v, i) => { if (v !== null && v <= 5 * first) knee = i; });
  const series = {
    rate_per_s: x, offered_load: x.map((l) => l / mu), throughput_rps: x.map((l) => Math.min(l, mu)), utilization: x.map((l) => Math.min(l / mu, 1)),
    e2e_mean_ms: p99.map((v) => (v === null ? null : v / 4.6)), e2e_p50_ms: p99.map((v) => (v === null ? null : v / 6.6)), e2e_p99_ms: p99,
    e2e_p999_ms: p99.map((v) => (v === null ? null : v * 1.5)), analytic_e2e_mean_ms: ana.map((v) => (v === null ? null : v / 4.6)), analytic_e2e_p99_ms: ana,
    stable: p99.map((v) => v !== null),
  };
  if (s.replica) Object.assign(series, { ttft_p50_ms: p99.map((v) => (v === null ? null : v / 3)), ttft_p99_ms: p99, tpot_mean_ms: x.map(() => 13.5), output_tokens_per_s: x.map((l) => Math.min(l, mu) * 256) });
  return {
    analytic_method: s.replica ? null : 'M/M/1 exact', seed: 1, series,
    knee: knee < 0 ? null : { factor: 5, index: knee, metric: body.metric ?? 'e2e', rate_per_s: x[knee], unloaded_p99_ms: first, rule: `the last rate whose P99 stays within 5 x its unloaded P99 (${first.toFixed(3)} ms)` },
  };
}

export function mockMemory(body) {
  const tp = body.tp ?? 1, pp = body.pp ?? 1;
  const per = WEIGHTS_GB / (tp * pp);
  if (per > USABLE_GB) throw refuse('tp', `does not fit: needs ${per.toFixed(1)} GB of weights per GPU, has ${USABLE_GB.toFixed(1)} GB`);
  const kvGb = USABLE_GB - per - 0.386;
  const cap = Math.floor((kvGb * 1e9) / (KV_BYTES_PER_TOKEN / (tp * pp)));
  const ctx = body.context;
  if (!(ctx > 0)) throw new MockError(422, { error: { code: 'invalid_field', field: 'context', message: `context: must be > 0, got ${ctx}` } });
  const block = body.block_size ?? 16;
  const paged = Math.ceil(ctx / block) * block;
  const res = body.reservation ?? 'max_length';
  const contig = res === 'oracle' ? ctx : res === 'power_of_two' ? 2 ** Math.ceil(Math.log2(ctx)) : 8192;
  const up = Math.floor(cap / paged), uc = Math.floor(cap / contig);
  return { model: body.model, gpu: body.gpu, tp, pp, context: ctx, block_tokens: block, reservation: res, usable_gb_per_gpu: USABLE_GB,
    weights_gb_per_gpu: per, kv_capacity_tokens: cap, slots_per_user_paged: paged, slots_per_user_contiguous: contig,
    users_paged: up, users_contiguous: uc, paged_over_contiguous: up / uc };
}
