// What Math Peek shows: each formula written out, then with the student's
// own values filled in, its result, and the engine's figure beside it.
import type { JsonValue, Report } from '../api/types';
import { fmt, getNumber } from '../api/report';
import { costDominance, leviathanTokensPerStep, mm1, pipelineBubble, ringAllReduceMs, ttftTpot } from './formulas';

export interface PeekItem { id: string; title: string; formula: string; filled: string; result: string; engine: string }

export interface PeekInput {
  report: Report;
  /** The scenario with the student's overrides applied. */
  scenario: Record<string, JsonValue>;
  capexPerGpuUsd: number | null;
  years: number;
}

const n = (v: number | null, d = 3) => (v === null || !Number.isFinite(v) ? '—' : Number(v.toPrecision(d)).toString());

export function peekItems(p: PeekInput): PeekItem[] {
  const r = p.report;
  const out: PeekItem[] = [];
  const lambda = getNumber(r, 'offered.rate_per_s');
  const mu = getNumber(r, 'capacity_per_s');
  if (lambda !== null && mu !== null) {
    const q = mm1(lambda, mu);
    out.push({
      id: 'mm1', title: 'M/M/1 queue: utilisation and the P99 sojourn',
      formula: 'ρ = λ/μ;  P99 = ln(100)/(μ − λ)',
      filled: `ρ = ${n(lambda)}/${n(mu)} = ${n(q.rho)};  P99 = 4.605/(${n(mu)} − ${n(lambda)}) s`,
      result: q.stable ? `ρ = ${n(q.rho)}, P99 = ${fmt(q.p99Ms, 'ms')} ${r.analytic?.exact ? `(the engine's twin, ${r.analytic.method}, applies here)` : '(the M/M/1 idealisation: this system has no closed form, so compare the shape, not the number)'}` : `ρ = ${n(q.rho)} ≥ 1: no steady state, the queue grows without bound`,
      engine: `simulated P99 ${fmt(getNumber(r, 'latency_ms.e2e.p99'), 'ms')} at utilisation ${n(getNumber(r, 'utilization'))}`,
    });
  }
  const ttft = getNumber(r, 'latency_ms.ttft.mean');
  const tpot = getNumber(r, 'latency_ms.tpot.mean');
  const outTok = numberAt(p.scenario, 'workload.output_tokens.mean');
  if (ttft !== null && tpot !== null && outTok !== null) {
    const t = ttftTpot(ttft, tpot, outTok);
    out.push({
      id: 'ttft-tpot', title: 'TTFT vs TPOT',
      formula: 'E2E ≈ TTFT + (n − 1) × TPOT',
      filled: `E2E ≈ ${n(ttft)} + (${n(outTok)} − 1) × ${n(tpot)} ms`,
      result: `${fmt(t.e2eMs, 'ms')}; decoding is ${(t.decodeShare * 100).toFixed(0)}% of it`,
      engine: `simulated mean E2E ${fmt(getNumber(r, 'latency_ms.e2e.mean'), 'ms')}`,
    });
  }
  const tp = getNumber(r, 'replica.tp');
  const pp = getNumber(r, 'replica.pp');
  if (tp !== null) {
    const a = ringAllReduceMs(tp, 1, 1, 0);
    out.push({
      id: 'allreduce', title: 'Ring all-reduce (tensor parallelism)',
      formula: 'T = 2(p − 1)/p × S/B + 2(p − 1) × α',
      filled: `p = ${tp}: 2(${tp} − 1)/${tp} = ${n(a.factor)} × S/B, plus ${2 * (tp - 1)} × α`,
      result: tp === 1 ? 'no all-reduce with one rank' : `each rank sends ${n(a.factor)}× the message over its link, ${2 * (tp - 1)} latency steps`,
      engine: `TP communication in the mean TTFT: ${fmt(getNumber(r, 'ttft_waterfall.tp_comm_ms'), 'ms')}`,
    });
  }
  if (pp !== null) {
    const m = pp; // docs/scenario.md: pp is also the number of micro-batches in flight
    const b = pipelineBubble(pp, m);
    out.push({
      id: 'bubble', title: 'Pipeline bubble',
      formula: 'bubble = (p − 1)/(m + p − 1)',
      filled: `p = ${pp}, m = ${m}: (${pp} − 1)/(${m} + ${pp} − 1)`,
      result: `${(b * 100).toFixed(1)}% of a pipeline's time idle`,
      engine: `bubbles in the mean TTFT: ${fmt(getNumber(r, 'ttft_waterfall.bubble_ms'), 'ms')}`,
    });
  }
  const spec = p.scenario['replica'] && (p.scenario['replica'] as Record<string, JsonValue>)['speculative'];
  if (spec && typeof spec === 'object' && !Array.isArray(spec) && spec['enabled'] !== false) {
    const a = typeof spec['acceptance'] === 'number' ? spec['acceptance'] : 0.7;
    const g = typeof spec['gamma'] === 'number' ? spec['gamma'] : 4;
    out.push({
      id: 'leviathan', title: "Leviathan's speculative decoding",
      formula: 'tokens per target step = (1 − α^(γ+1))/(1 − α)',
      filled: `α = ${n(a)}, γ = ${g}: (1 − ${n(a)}^${g + 1})/(1 − ${n(a)})`,
      result: `${n(leviathanTokensPerStep(a, g))} tokens per step`,
      engine: `simulated ${n(getNumber(r, 'speculative.tokens_per_step'))} tokens per step`,
    });
  }
  const usdH = getNumber(r, 'cost.usd_per_hour');
  const gpus = getNumber(r, 'replica.gpus');
  if (usdH !== null && gpus !== null) {
    const c = p.capexPerGpuUsd === null ? null : costDominance(usdH, p.years, gpus, p.capexPerGpuUsd);
    out.push({
      id: 'cost-dominance', title: 'Serving Cost Dominance Law',
      formula: 'lifetime OpEx = cost per hour × 8760 h × years  vs  CapEx = GPUs × purchase price',
      filled: `OpEx = ${n(usdH)} USD/h × 8760 × ${p.years};  CapEx = ${gpus} × ${p.capexPerGpuUsd === null ? '(enter a price)' : n(p.capexPerGpuUsd, 6)} USD`,
      result: c ? `OpEx ${fmt(c.opexUsd, 'USD')} vs CapEx ${fmt(c.capexUsd, 'USD')}: ${n(c.ratio)}×` : 'enter a purchase price per GPU to compare',
      engine: `fleet cost ${fmt(usdH, 'USD/h')}, ${fmt(getNumber(r, 'cost.usd_per_million_output_tokens'), 'USD per M tokens')}`,
    });
  }
  return out;
}

function numberAt(o: Record<string, JsonValue>, path: string): number | null {
  let cur: JsonValue | undefined = o;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return null;
    cur = cur[k];
  }
  return typeof cur === 'number' ? cur : null;
}
