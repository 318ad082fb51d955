// What Math Peek shows: each formula written out, then with the student's
// own values filled in, its result, and the engine's figure beside it, the
// statistic named. Every part shows the Serving Cost Dominance Law and
// TTFT vs TPOT; the part's own formulas follow (lab.math).
import type { CatalogResponse, FrontierResponse, JsonValue, Part, Report } from '../api/types';
import { fmt, fmtHuman, getNumber, getPath } from '../api/report';
import { costLaw, energyPerRequestJ, erlangC, fanoutSlow, hedgedLate, leviathanTokensPerStep, linkMs, mm1, pipelineBubble, ringAllReduceMs, ttftTpot } from './formulas';

/** A number Math Peek shows that the engine's report also holds: the audit compares the two. */
export interface PeekFigure { path: string; value: number | null; text: string }

export interface PeekItem {
  id: string; title: string; formula: string; filled: string; result: string;
  /** The engine's figure in words, with the report figures it quotes. */
  engine: string; figures: PeekFigure[];
  source?: string;
}

export interface PeekInput {
  part: Part;
  report: Report;
  /** The scenario with the student's overrides applied. */
  scenario: Record<string, JsonValue>;
  frontier: FrontierResponse | null;
  catalog: CatalogResponse | null;
}

const n = (v: number | null | undefined, d = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : Number(v.toPrecision(d)).toString());
const fig = (r: Report, path: string, unit: string): PeekFigure => { const v = getNumber(r, path); return { path, value: v, text: fmtHuman(v, unit) }; };

export function peekItems(p: PeekInput): PeekItem[] {
  const out: PeekItem[] = [costItem(p), ttftTpotItem(p)];
  for (const id of p.part.math ?? []) {
    const item = BUILDERS[id]?.(p);
    if (item) out.push(item);
  }
  return out;
}

/** The part's statistic: its target's metric when that is a latency, else P99 end-to-end. */
function statistic(p: PeekInput): { path: string; label: string } {
  const m = p.part.target?.metric ?? '';
  if (/^latency_ms\./.test(m)) return { path: m, label: p.part.target?.metric_label ?? m };
  const path = p.report.replica ? 'latency_ms.ttft.p99' : 'latency_ms.e2e.p99';
  return { path, label: p.report.replica ? 'P99 time to first token' : 'P99 latency' };
}

function capacity(p: PeekInput): number | null {
  return p.frontier?.capacity_per_s ?? getNumber(p.report, 'capacity_per_s');
}

const BUILDERS: Record<string, (p: PeekInput) => PeekItem | null> = {
  knee: (p) => {
    const lambda = getNumber(p.report, 'offered.rate_per_s');
    const mu = capacity(p);
    if (lambda === null || mu === null) return null;
    const q = mm1(lambda, mu);
    const st = statistic(p);
    const growth = q.stable ? 1 / (1 - q.rho) : null;
    return {
      id: 'knee', title: 'M/M/1: utilisation and the knee',
      formula: 'ρ = λ/μ;  P99 = ln(100)/(μ − λ) = P99(unloaded) × 1/(1 − ρ);  1/(1 − ρ) = 2 at 50%, 5 at 80%, 10 at 90%',
      filled: `ρ = ${n(lambda)}/${n(mu)} = ${n(q.rho)}${p.frontier?.capacity_source === 'saturation' ? ' (μ measured: the throughput when overloaded)' : ''}`,
      result: q.stable ? `an M/M/1 queue's P99 would be ${n(growth)}× its unloaded value here` : `ρ = ${n(q.rho)} ≥ 1: no steady state, the queue grows without bound`,
      engine: `the engine's ${st.label} at this load`, figures: [fig(p.report, st.path, 'ms')],
    };
  },
  mmc: (p) => {
    const lambda = getNumber(p.report, 'offered.rate_per_s');
    const mu = capacity(p);
    const slots = (getNumber(p.scenario, 'replica.scheduler.max_running') ?? 256) * (getNumber(p.scenario, 'replica.pp') ?? 1) * (getNumber(p.scenario, 'fleet.replicas') ?? 1);
    if (lambda === null || mu === null) return null;
    const rho = lambda / mu;
    const wait = erlangC(slots, rho * slots);
    return {
      id: 'mmc', title: 'M/M/c: many servers, a later knee',
      formula: 'P(wait) = C(c, a) (Erlang C), a = λ/μ per server;  the knee sits near ρ ≈ 1 − 1/√c (Halfin–Whitt)',
      filled: `c = ${slots} batch slots, ρ = ${n(rho)}: C(${slots}, ${n(rho * slots)}); 1 − 1/√${slots} = ${n(1 - 1 / Math.sqrt(slots))}`,
      result: rho < 1 ? `${n(wait * 100)}% of requests would wait for a slot; M/M/1 would make every one wait ${n(rho * 100)}% of the time` : 'ρ ≥ 1: every slot busy, the queue grows without bound',
      engine: 'the engine\'s P99 time to first token (queueing for a slot shows here)', figures: [fig(p.report, 'latency_ms.ttft.p99', 'ms')],
    };
  },
  fanout: (p) => {
    const { pSlow, branches } = fanoutShape(p.scenario);
    if (pSlow === null || branches < 2) return null;
    return {
      id: 'fanout', title: 'The tail at scale: fan-out',
      formula: 'P(a request meets a slow call) = 1 − (1 − p)^n',
      filled: `p = ${n(pSlow)} (each sub-model's slow mode), n = ${branches}: 1 − (1 − ${n(pSlow)})^${branches}`,
      result: `${n(fanoutSlow(pSlow, branches) * 100)}% of frames wait for a stalled sub-model: above 1%, so the P99 is the stall`,
      engine: 'the engine\'s share of frames missing the deadline, and its P99', figures: [fig(p.report, 'deadline.miss_rate', 'share'), fig(p.report, 'latency_ms.e2e.p99', 'ms')],
    };
  },
  hedge: (p) => {
    const { pSlow } = fanoutShape(p.scenario);
    const delay = hedgeDelay(p.report);
    const ps = pSlow ?? 0.01;
    return {
      id: 'hedge', title: 'Hedging: the survival of two copies',
      formula: 'P(T > t) = P(T₁ > t) × P(T₂ > t − d)   (independent copies, the backup sent after d)',
      filled: `each copy slow with p = ${n(ps)}${delay !== null ? `, backup after d = ${n(delay)} ms` : ''}: ${n(ps)} × ${n(ps)}`,
      result: `both slow with probability ${n(hedgedLate(ps, ps))}: the stall leaves the tail if the backup has time to finish before the deadline`,
      engine: 'the engine\'s share of frames missing the deadline', figures: [fig(p.report, 'deadline.miss_rate', 'share')],
    };
  },
  link: (p) => {
    const l = firstLink(p.scenario);
    const spec = l && p.catalog?.links.find((x) => x.id === l.link);
    if (!l || !spec) return null;
    const ms = linkMs(spec.latency_us / 1000, l.bytes, spec.bandwidth_gbps);
    return {
      id: 'link', title: 'A message over a link: α + bytes/β',
      formula: 'T = α + bytes / β',
      filled: `${l.name}: α = ${n(spec.latency_us / 1000)} ms (median), ${l.bytes} B / ${n(spec.bandwidth_gbps)} GB/s`,
      result: `${n(ms)} ms at the median: ${n((spec.latency_us / 1000 / ms) * 100)}% of it is α, the start-up latency`,
      engine: `the engine's median time in ${l.name} (its α is drawn per message: lognormal, with retries)`, figures: [fig(p.report, `path.stages.${l.index}.latency_ms.p50`, 'ms')],
    };
  },
  energy: (p) => {
    const w = getNumber(p.report, 'path.energy.mean_power_w') ?? getNumber(p.report, 'energy.average_power_w');
    const rate = getNumber(p.report, 'throughput.requests_per_s');
    if (w === null || rate === null) return null;
    return {
      id: 'energy', title: 'Energy per inference',
      formula: 'E per request = mean power / request rate   (J = W ÷ 1/s)',
      filled: `${fmtHuman(w, 'W')} ÷ ${n(rate)} /s`,
      result: fmtHuman(energyPerRequestJ(w, rate), 'J'),
      engine: 'the engine\'s energy per request and mean power', figures: [fig(p.report, 'path.energy.per_request_j', 'J'), fig(p.report, 'path.energy.mean_power_w', 'W')],
    };
  },
  allreduce: (p) => {
    const tp = getNumber(p.report, 'replica.tp');
    if (tp === null) return null;
    const a = ringAllReduceMs(tp, 1, 1, 0);
    return {
      id: 'allreduce', title: 'Ring all-reduce (tensor parallelism)',
      formula: 'T = 2(p − 1)/p × S/β + 2(p − 1) × α;  weight-gather instead all-gathers the weights: (p − 1)/p × W/β per layer',
      filled: `p = ${tp}: each rank sends 2(${tp} − 1)/${tp} = ${n(a.factor)} × the activations, twice per layer`,
      result: tp === 1 ? 'no all-reduce with one rank' : `${2 * (tp - 1)} latency steps per all-reduce`,
      engine: 'the engine\'s TP link bytes per token and TP communication in the mean TTFT', figures: [fig(p.report, 'tp_link.bytes_per_token', 'B'), fig(p.report, 'ttft_waterfall.tp_comm_ms', 'ms')],
    };
  },
  bubble: (p) => {
    const pp = getNumber(p.report, 'replica.pp');
    if (pp === null) return null;
    const b = pipelineBubble(pp, pp); // docs/scenario.md: pp is also the number of micro-batches in flight
    return {
      id: 'bubble', title: 'Pipeline bubble',
      formula: 'bubble = (p − 1)/(m + p − 1);  one request still passes all p stages in turn',
      filled: `p = ${pp}, m = ${pp}: (${pp} − 1)/(${pp} + ${pp} − 1)`,
      result: `${n(b * 100)}% of a pipeline's time idle`,
      engine: 'the engine\'s bubbles and PP communication in the mean TTFT', figures: [fig(p.report, 'ttft_waterfall.bubble_ms', 'ms'), fig(p.report, 'ttft_waterfall.pp_comm_ms', 'ms')],
    };
  },
  leviathan: (p) => {
    const spec = getPath(p.scenario, 'replica.speculative') as Record<string, JsonValue> | undefined;
    const on = !!spec && typeof spec === 'object' && spec['enabled'] !== false;
    const a = on && typeof spec['acceptance'] === 'number' ? spec['acceptance'] : 0.7;
    const g = on && typeof spec['gamma'] === 'number' ? spec['gamma'] : 4;
    return {
      id: 'leviathan', title: "Leviathan's speculative decoding",
      formula: 'tokens per target step = (1 − α^(γ+1))/(1 − α);  it pays while decoding is memory-bound (small batches)',
      filled: `α = ${n(a)}, γ = ${g}: (1 − ${n(a)}^${g + 1})/(1 − ${n(a)})`,
      result: on ? `${n(leviathanTokensPerStep(a, g))} tokens per target step` : `${n(leviathanTokensPerStep(a, g))} tokens per step once you turn speculative decoding on (off now: 1 token per step)`,
      engine: 'the engine\'s tokens per step per sequence and mean batch', figures: [fig(p.report, 'speculative.tokens_per_step', ''), fig(p.report, 'batching.mean_batch_size', '')],
    };
  },
  kv: (p) => {
    const cap = getNumber(p.report, 'kv.capacity_tokens');
    const prompt = getNumber(p.scenario, 'workload.prompt_tokens.mean');
    const output = getNumber(p.scenario, 'workload.output_tokens.mean');
    if (cap === null || prompt === null || output === null) return null;
    const maxLen = 8192;
    return {
      id: 'kv', title: 'The memory wall: users that fit',
      formula: 'users ≈ KV capacity (tokens) / tokens held per user;  contiguous holds the max length, paging the context rounded up to a block',
      filled: `${n(cap, 4)} tokens ÷ ${maxLen} (max length) vs ÷ ~${n(prompt + output / 2)} (mean context mid-answer)`,
      result: `contiguous ≈ ${n(cap / maxLen)} users, paged ≈ ${n(cap / (prompt + output / 2))} users: ${n(maxLen / (prompt + output / 2))}×`,
      engine: 'the engine\'s users running at once (time-averaged) and preemptions', figures: [fig(p.report, 'concurrency.running', ''), fig(p.report, 'preemption.count', '')],
    };
  },
};

function costItem(p: PeekInput): PeekItem {
  const c = p.part.cost;
  const r = p.report;
  const power = getNumber(r, 'energy.average_power_w') ?? getNumber(r, 'path.energy.mean_power_w');
  const llm = !!r.replica;
  const devices = llm ? getNumber(r, 'cost.gpus') : countDevices(p.scenario);
  const device = llm ? String(getPath(p.scenario, 'replica.gpu') ?? '') : c?.device ?? firstDevice(p.scenario) ?? '';
  const rent = llm ? (getNumber(r, 'cost.usd_per_hour') ?? 0) / Math.max(1, devices ?? 1) : p.catalog?.gpus.find((g) => g.id === device)?.price_per_hour_usd ?? 0;
  const years = c?.years ?? 3;
  const title = 'The Serving Cost Dominance Law (OpEx ≫ CapEx)';
  const formula = 'OpEx/h = devices × rental price + power × energy price;  CapEx = devices × purchase price (the same devices);  ratio = OpEx × lifetime / CapEx;  crossover month = CapEx / OpEx per month';
  if (!c || devices === null || power === null) {
    return { id: 'cost-dominance', title, formula, filled: 'this part states no purchase price for its devices', result: '—', engine: '', figures: [] };
  }
  const law = costLaw({ devices, rentUsdPerDeviceHour: rent, powerW: power, usdPerKwh: c.usd_per_kwh, capexUsdPerDevice: c.capex_usd_per_device, years });
  const figures = [llm ? fig(r, 'cost.usd_per_hour', 'USD/h') : null, fig(r, llm ? 'energy.average_power_w' : 'path.energy.mean_power_w', 'W')].filter((x): x is PeekFigure => x !== null);
  return {
    id: 'cost-dominance', title, formula,
    filled: `${devices} × ${device}: OpEx = ${devices} × ${n(rent)} USD/h + ${fmtHuman(power, 'W')} × ${n(c.usd_per_kwh)} USD/kWh = ${n(law.opexPerHour, 4)} USD/h;  CapEx = ${devices} × ${n(c.capex_usd_per_device, 6)} USD = ${n(law.capex, 6)} USD`,
    result: `over ${years} years OpEx is ${n(law.lifetimeOpex, 4)} USD: ${n(law.ratio)}× the CapEx; cumulative OpEx passes the CapEx in month ${Number.isFinite(law.crossoverMonth) ? Math.ceil(law.crossoverMonth) : '— (never)'}${law.ratio < 1 ? '. Here the one-time bill dominates: the law is about fleets that rent or run hot hardware for years' : ''}`,
    engine: llm ? 'the engine\'s fleet cost per hour and average power at your load' : 'the engine\'s average power at your load',
    figures,
    source: `Purchase price: ${c.capex_source}. Energy price: ${c.usd_per_kwh_source}. Rental price: the catalog (data/gpus).`,
  };
}

function ttftTpotItem(p: PeekInput): PeekItem {
  const r = p.report;
  const ttft = getNumber(r, 'latency_ms.ttft.mean');
  const tpot = getNumber(r, 'latency_ms.tpot.mean');
  const outTok = getNumber(p.scenario, 'workload.output_tokens.mean');
  if (ttft !== null && tpot !== null && outTok !== null) {
    const t = ttftTpot(ttft, tpot, outTok);
    return {
      id: 'ttft-tpot', title: 'TTFT vs TPOT',
      formula: 'E2E ≈ TTFT + (n − 1) × TPOT   (means; n output tokens)',
      filled: `E2E ≈ ${n(ttft)} + (${n(outTok)} − 1) × ${n(tpot)} ms`,
      result: `${fmt(t.e2eMs, 'ms')}; decoding is ${(t.decodeShare * 100).toFixed(0)}% of it: the queue shows in TTFT, the batch in TPOT`,
      engine: 'the engine\'s mean TTFT, mean TPOT and mean end-to-end latency',
      figures: [fig(r, 'latency_ms.ttft.mean', 'ms'), fig(r, 'latency_ms.tpot.mean', 'ms'), fig(r, 'latency_ms.e2e.mean', 'ms')],
    };
  }
  return {
    id: 'ttft-tpot', title: 'TTFT vs TPOT',
    formula: 'E2E ≈ TTFT + (n − 1) × TPOT',
    filled: 'these models answer each frame once (n = 1): there is no decode, so TPOT does not apply',
    result: 'E2E = TTFT: the whole latency is the time to the first (only) answer',
    engine: 'the engine\'s P99 and mean end-to-end latency', figures: [fig(r, 'latency_ms.e2e.p99', 'ms'), fig(r, 'latency_ms.e2e.mean', 'ms')],
  };
}

type Stage = Record<string, JsonValue>;
const stagesOf = (s: Record<string, JsonValue>) => ((getPath(s, 'path.stages') as Stage[] | undefined) ?? []);

/** Devices a path runs on: each pool's replicas × TP × PP, fan-out branches times their repeat. */
export function countDevices(s: Record<string, JsonValue>): number | null {
  let total = 0;
  const walk = (stages: Stage[], times: number) => {
    for (const st of stages) {
      const pool = (st['pool'] ?? null) as Stage | null;
      if (pool) total += times * poolDevices(pool);
      const fan = (st['fanout'] ?? null) as Stage | null;
      for (const b of ((fan?.['branches'] as Stage[] | undefined) ?? [])) {
        const rep = typeof b['repeat'] === 'number' ? b['repeat'] : 1;
        if (b['stages']) walk(b['stages'] as Stage[], times * rep);
        else total += times * rep * poolDevices(b);
      }
    }
  };
  walk(stagesOf(s), 1);
  return total > 0 ? total : null;
}

function poolDevices(pool: Stage): number {
  const model = ((pool['station'] as Stage | undefined)?.['model'] ?? {}) as Stage;
  const num = (v: JsonValue | undefined) => (typeof v === 'number' ? v : 1);
  return num(pool['replicas']) * num(model['tp']) * num(model['pp']);
}

function firstDevice(s: Record<string, JsonValue>): string | null {
  const m = JSON.stringify(stagesOf(s)).match(/"device":"([^"]+)"/);
  return m ? m[1]! : null;
}

function firstLink(s: Record<string, JsonValue>): { name: string; link: string; bytes: number; index: number } | null {
  const stages = stagesOf(s);
  for (let i = 0; i < stages.length; i++) {
    const l = stages[i]!['link'] as Stage | undefined;
    if (l && typeof l['link'] === 'string') return { name: String(l['name'] ?? l['link']), link: l['link'], bytes: typeof l['bytes'] === 'number' ? l['bytes'] : 0, index: i };
  }
  return null;
}

/** The slow-mode probability of the first mixture service on the path, and the branches a fan-out joins. */
function fanoutShape(s: Record<string, JsonValue>): { pSlow: number | null; branches: number } {
  let pSlow: number | null = null;
  let branches = 0;
  const text = JSON.stringify(stagesOf(s));
  const m = text.match(/"components":\[\{"weight":([0-9.]+)[^\]]*\},\{"weight":([0-9.]+)/);
  if (m) pSlow = Number(m[2]) / (Number(m[1]) + Number(m[2]));
  for (const st of stagesOf(s)) {
    const fan = st['fanout'] as Stage | undefined;
    if (!fan) continue;
    const bs = (fan['branches'] as Stage[] | undefined) ?? [];
    const all = bs.reduce((a, b) => a + (typeof b['repeat'] === 'number' ? b['repeat'] : 1), 0);
    branches = typeof fan['need'] === 'number' ? fan['need'] : all;
  }
  return { pSlow, branches };
}

function hedgeDelay(r: Report): number | null {
  const m = JSON.stringify(r.path?.stages ?? []).match(/"delay_ms":([0-9.e+-]+)/);
  return m ? Number(m[1]) : null;
}
