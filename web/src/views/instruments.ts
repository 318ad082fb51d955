// The instruments a part names, as charts, fed from one run (and a frontier
// or memory request where the instrument needs one).
import type { FrontierResponse, InstrumentName, MemoryResponse, Part, Report } from '../api/types';
import { fmt, getNumber, isLlm, metricLabel } from '../api/report';
import type { Chart } from '../charts/base';
import { ConcurrentUsers } from '../charts/ConcurrentUsers';
import { CostPerUser } from '../charts/CostPerUser';
import { DeadlineMisses } from '../charts/DeadlineMisses';
import { EnergyPower, type EnergyPoint } from '../charts/EnergyPower';
import { KVCacheHeatmap } from '../charts/KVCacheHeatmap';
import { LatencyThroughputFrontier } from '../charts/LatencyThroughputFrontier';
import { LatencyWaterfall } from '../charts/LatencyWaterfall';
import { normalizeChallenge } from './challenge';
import { StageBreakdown } from '../charts/StageBreakdown';

export interface InstrumentData {
  report: Report;
  frontier: FrontierResponse | null;
  memory: MemoryResponse | null;
  baseline: Report | null;
  history: EnergyPoint[];
}

type Feed = (d: InstrumentData) => void;

export interface Instrument { name: string; chart: Chart<never>; feed: Feed; needs: 'run' | 'frontier' | 'memory' }

/** The percentile family a target names: "latency_ms.e2e.p99" → latency_ms.e2e. */
function family(part: Part, report: Report): { path: string; what: string } {
  const m = part.target?.metric ?? '';
  const f = m.match(/^(latency_ms\.[a-z0-9]+)\./);
  if (f) return { path: f[1]!, what: metricLabel(`${f[1]}.p99`).replace('P99 ', '') };
  return isLlm(report) ? { path: 'latency_ms.ttft', what: 'time to first token' } : { path: 'latency_ms.e2e', what: 'latency' };
}

export function makeInstrument(name: InstrumentName, part: Part, parent: HTMLElement): Instrument {
  const target = part.target;
  switch (name) {
    case 'frontier': {
      const c = new LatencyThroughputFrontier(parent);
      return { name, chart: c as Chart<never>, needs: 'frontier', feed: (d) => {
        if (!d.frontier) return c.showMessage('no frontier yet');
        const metric = d.frontier.knee?.metric === 'ttft' ? 'latency_ms.ttft.p99' : 'latency_ms.e2e.p99';
        c.update({ frontier: d.frontier, operating: { rate: d.report.offered.rate_per_s, p99: getNumber(d.report, metric) } });
      } };
    }
    case 'waterfall': {
      const c = new LatencyWaterfall(parent);
      return { name, chart: c as Chart<never>, needs: 'run', feed: (d) => {
        if (!d.report.ttft_waterfall) return c.showMessage('this scenario has no LLM replica, so no TTFT waterfall');
        c.update({ waterfall: d.report.ttft_waterfall, targetMs: target && target.metric.includes('ttft') ? target.max ?? null : null, targetLabel: target?.label ?? '' });
      } };
    }
    case 'heatmap': {
      const c = new KVCacheHeatmap(parent);
      return { name, chart: c as Chart<never>, needs: 'run', feed: (d) => {
        const hm = d.report.series?.kv_heatmap;
        if (!hm) return c.showMessage('the run returned no KV block map (an LLM replica run with series)');
        c.update(hm);
      } };
    }
    case 'users': {
      const c = new ConcurrentUsers(parent);
      return { name, chart: c as Chart<never>, needs: 'memory', feed: (d) => {
        if (!d.memory) return c.showMessage('no memory figures for this scenario');
        c.update(d.memory);
      } };
    }
    case 'energy': {
      const c = new EnergyPower(parent);
      return { name, chart: c as Chart<never>, needs: 'run', feed: (d) => {
        if (powerOf(d.report).power_w === null) return c.showMessage('this scenario has no power model (an LLM replica or a path with device power has one)');
        c.update({ points: d.history, latencyLabel: target ? metricLabel(target.metric) : 'P99 latency' });
      } };
    }
    case 'cost': {
      const c = new CostPerUser(parent);
      const ch = normalizeChallenge(part.challenge).challenge;
      const metric = ch?.metric ?? 'cost.usd_per_concurrent_user_hour';
      const guard = ch?.guard.metric ?? 'latency_ms.e2e.p99';
      return { name, chart: c as Chart<never>, needs: 'run', feed: (d) => {
        const b = d.baseline ?? d.report;
        if (getNumber(d.report, metric) === null) return c.showMessage(`the report has no ${metric}`);
        c.update({
          label: ch?.metric_label ?? metricLabel(metric), unit: unitFor(metric),
          before: getNumber(b, metric), after: getNumber(d.report, metric),
          guardLabel: ch?.guard.label ?? metricLabel(guard), guardBefore: getNumber(b, guard), guardAfter: getNumber(d.report, guard),
        });
      } };
    }
    case 'fanout': {
      const c = new StageBreakdown(parent);
      return { name, chart: c as Chart<never>, needs: 'run', feed: (d) => {
        if (!d.report.path) return c.showMessage('this scenario has no request path, so no stages to break down');
        c.update(d.report.path.stages);
        const fan = d.report.path.stages.find((s) => s.kind === 'fanout');
        c.setInfo(fan ? `${fan.name}: joins ${fan.need} of ${fan.branches?.length ?? 0} branches; P99 ${fmt(fan.latency_ms?.p99 ?? null, 'ms')}` : '');
      } };
    }
    default: {
      // deadline, and the fan-out / hedging views: the percentile distribution against the deadline.
      const title = name === 'deadline' ? 'Deadline misses and stutter' : name === 'fanout' ? 'Fan-out tail' : name === 'hedge' ? 'Hedged requests: the tail' : `Latency percentiles (${name})`;
      const c = new DeadlineMisses(parent, name, title);
      return { name, chart: c as Chart<never>, needs: 'run', feed: (d) => {
        const f = family(part, d.report);
        const p = getPathPercentiles(d.report, f.path);
        if (!p) return c.showMessage(d.report.stable ? 'no latency statistics in this run' : `unstable run: ${d.report.stability}`);
        const dl = d.report.deadline;
        c.update({ what: f.what, p, deadlineMs: dl?.budget_ms ?? target?.max ?? null, deadlineLabel: dl ? `${fmt(dl.budget_ms, 'ms')} budget` : target?.label ?? '' });
        const info: string[] = [];
        if (dl) info.push(`missed ${fmt(dl.miss_rate * 100)}% (${dl.missed} of ${dl.met + dl.missed}); ${dl.stutters} stutters (runs of 2+ misses), longest run ${dl.longest_miss_run}`);
        for (const s of d.report.path?.stages ?? []) {
          if (s.hedge) info.push(`${s.name} hedged after ${fmt(s.hedge.delay_ms, 'ms')}: ${fmt(s.hedge.backup_fraction * 100)}% extra copies, backup won ${s.hedge.backup_wins}, wasted work ${fmt(s.hedge.wasted_work_fraction * 100)}%`);
        }
        c.setInfo(info.join(' · '));
      } };
    }
  }
}

/** Power and energy: an LLM replica's, else a request path's (per request). */
export function powerOf(r: Report): { power_w: number | null; joules: number | null } {
  return {
    power_w: getNumber(r, 'energy.average_power_w') ?? getNumber(r, 'path.energy.mean_power_w'),
    joules: getNumber(r, 'energy.joules_per_output_token') ?? getNumber(r, 'path.energy.per_request_j'),
  };
}

function unitFor(metric: string): string {
  if (metric.startsWith('cost.usd_per_million')) return 'USD/M tok';
  if (metric.includes('user_hour')) return 'USD/user-h';
  if (metric.startsWith('energy')) return metric.endsWith('_w') ? 'W' : 'J/tok';
  return '';
}

function getPathPercentiles(r: Report, path: string) {
  const key = path.split('.')[1] as keyof Report['latency_ms'];
  return r.latency_ms[key] ?? null;
}
