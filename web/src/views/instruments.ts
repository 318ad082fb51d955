// The instruments a part names, as charts, fed from one run (and the
// frontier, or the other allocator's run, where the instrument needs it).
import type { FrontierResponse, InstrumentName, Overrides, Part, Report } from '../api/types';
import { fmt, fmtHuman, getNumber, isLlm, metricLabel } from '../api/report';
import type { Chart } from '../charts/base';
import { ConcurrentUsers } from '../charts/ConcurrentUsers';
import { CostPerUser } from '../charts/CostPerUser';
import { DeadlineMisses } from '../charts/DeadlineMisses';
import { EnergyPower, type EnergyPoint } from '../charts/EnergyPower';
import { HedgeChart } from '../charts/HedgeChart';
import { KVCacheHeatmap } from '../charts/KVCacheHeatmap';
import { LatencyThroughputFrontier } from '../charts/LatencyThroughputFrontier';
import { LatencyWaterfall } from '../charts/LatencyWaterfall';
import { StageBreakdown } from '../charts/StageBreakdown';
import { hedgeRows } from '../charts/transforms';
import { normalizeChallenge } from './challenge';

export interface InstrumentData {
  report: Report;
  frontier: FrontierResponse | null;
  /** The same settings with the other KV allocator (Part 3's users chart). */
  other: Report | null;
  overrides: Overrides;
  baseline: Report | null;
  history: EnergyPoint[];
}

type Feed = (d: InstrumentData) => void;

export interface Instrument { name: string; chart: Chart<never>; feed: Feed; needs: 'run' | 'frontier' | 'other' }

/** The percentile family a target names: "latency_ms.e2e.p99" → latency_ms.e2e. */
function family(part: Part, report: Report): { path: string; what: string } {
  const m = part.target?.metric ?? '';
  const f = m.match(/^(latency_ms\.[a-z0-9]+)\./);
  if (f) return { path: f[1]!, what: metricLabel(`${f[1]}.p99`).replace('P99 ', '') };
  return isLlm(report) ? { path: 'latency_ms.ttft', what: 'time to first token' } : { path: 'latency_ms.e2e', what: 'latency' };
}

/** "figure" spans: a number the page shows, tagged with its source so the audit can compare every copy. */
export function figure(key: string, value: number | null, text: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.dataset.figure = key;
  s.dataset.value = value === null ? '' : String(value);
  s.textContent = text;
  return s;
}

export function makeInstrument(name: InstrumentName, part: Part, parent: HTMLElement): Instrument {
  const target = part.target;
  switch (name) {
    case 'frontier': {
      const c = new LatencyThroughputFrontier(parent);
      const rc = part.controls.find((x) => /(^|\.)rate(_per_s)?$/.test(x.path));
      return { name, chart: c as Chart<never>, needs: 'frontier', feed: (d) => {
        if (!d.frontier) return c.showMessage('no frontier yet');
        const metric = d.frontier.knee?.metric === 'ttft' ? 'latency_ms.ttft.p99' : 'latency_ms.e2e.p99';
        const onCurve = target && target.metric === metric && typeof target.max === 'number' ? { ms: target.max, label: target.label } : null;
        c.update({ frontier: d.frontier, operating: { rate: d.report.offered.rate_per_s, p99: getNumber(d.report, metric) }, target: onCurve, rateUnit: rc?.unit || 'req/s' });
        const k = d.frontier.knee;
        const cap = d.frontier.capacity_per_s;
        const info: (string | Node)[] = [];
        if (cap) info.push(`Capacity ${fmt(cap)} ${rc?.unit || 'req/s'} (${d.frontier.capacity_source === 'saturation' ? 'measured: the throughput when overloaded' : d.frontier.capacity_source === 'exact' ? 'exact' : 'estimated'}). `);
        if (k && k.point_rate_per_s !== null && k.point_rate_per_s !== undefined) {
          info.push('Knee: ', figure('knee-rate', k.point_rate_per_s, `${fmt(k.point_rate_per_s)} ${rc?.unit || 'req/s'}`),
            k.point_load ? ` (${fmt(k.point_load * 100)}% of capacity)` : '', `, the last rate whose P99 stays within ${k.factor}× the unloaded ${fmt(k.unloaded_p99_ms, 'ms')}. `);
        }
        const unstable = d.frontier.series.stable.filter((s) => !s).length;
        if (unstable) info.push(`${unstable} rate${unstable > 1 ? 's' : ''} past saturation: the queue grows without bound (pinned at the top).`);
        c.setInfo('');
        c.infoEl.replaceChildren(...info);
      } };
    }
    case 'waterfall': {
      const c = new LatencyWaterfall(parent);
      return { name, chart: c as Chart<never>, needs: 'run', feed: (d) => {
        if (!d.report.ttft_waterfall) return c.showMessage('this scenario has no LLM replica, so no TTFT waterfall');
        const ttftTarget = target && target.metric.includes('ttft') && typeof target.max === 'number' ? target : null;
        c.update({ waterfall: d.report.ttft_waterfall, p99Ms: getNumber(d.report, 'latency_ms.ttft.p99'), targetMs: ttftTarget?.max ?? null, targetLabel: ttftTarget?.label ?? '' });
        c.infoEl.replaceChildren(...tpTrade(d.report));
      } };
    }
    case 'heatmap': {
      const c = new KVCacheHeatmap(parent);
      return { name, chart: c as Chart<never>, needs: 'run', feed: (d) => {
        const hm = d.report.series?.kv_heatmap;
        if (!hm) return c.showMessage('the run returned no KV block map (an LLM replica run with series)');
        c.update(hm);
        const kv = d.report.kv;
        if (kv) c.setInfo(`Mean over the run: tokens ${fmt(kv.mean_share.stored * 100)}%, reserved ${fmt(kv.mean_share.reserved * 100)}%, internal fragmentation ${fmt(kv.mean_share.internal * 100)}%, external ${fmt(kv.mean_share.external * 100)}%, free ${fmt(kv.mean_share.free * 100)}% of ${fmt(kv.capacity_gb ?? null, 'GB')}.`);
      } };
    }
    case 'users': {
      const c = new ConcurrentUsers(parent);
      // The ratio is the part's answer when its question asks for it: tagged so the audit holds the two equal.
      const ratioKey = part.question_kind === 'number' ? 'reveal-value' : 'users-ratio';
      return { name, chart: c as Chart<never>, needs: 'other', feed: (d) => {
        if (!d.other) return c.showMessage('waiting for the run with the other allocator');
        const paged = (d.overrides['replica.kv.allocator'] ?? 'paged') !== 'contiguous';
        const [pr, cr] = paged ? [d.report, d.other] : [d.other, d.report];
        const up = getNumber(pr, 'concurrency.running'), uc = getNumber(cr, 'concurrency.running');
        c.update({ contiguous: uc, paged: up, context: 'simulated at your settings' });
        c.infoEl.replaceChildren(...crisisFigures(cr, pr, ratioKey));
      } };
    }
    case 'energy': {
      const c = new EnergyPower(parent);
      return { name, chart: c as Chart<never>, needs: 'run', feed: (d) => {
        if (powerOf(d.report).power_w === null) return c.showMessage('this scenario has no power model (an LLM replica or a path with device power has one)');
        c.update({ points: d.history, latencyLabel: target ? target.metric_label ?? metricLabel(target.metric) : 'P99 latency' });
        const p = powerOf(d.report);
        const llm = isLlm(d.report);
        c.infoEl.replaceChildren('This run: average power ', figure(llm ? 'energy.average_power_w' : 'path.energy.mean_power_w', p.power_w, fmtHuman(p.power_w, 'W')),
          `, energy per ${llm ? 'output token' : 'request'} `, figure(llm ? 'energy.joules_per_output_token' : 'path.energy.per_request_j', p.joules, fmtHuman(p.joules, 'J')), '.');
      } };
    }
    case 'cost': {
      const c = new CostPerUser(parent);
      const ch = normalizeChallenge(part.challenge).challenge;
      const metric = ch?.metric ?? 'cost.usd_per_request';
      const guard = ch?.guard.metric ?? 'latency_ms.e2e.p99';
      return { name, chart: c as Chart<never>, needs: 'run', feed: (d) => {
        if (getNumber(d.report, metric) === null) return c.showMessage(`the report has no ${metricLabel(metric)}`);
        if (!d.baseline) return c.showMessage('waiting for the baseline run at your load');
        const unit = unitFor(metric);
        c.update({
          label: ch?.metric_label ?? metricLabel(metric), unit,
          before: getNumber(d.baseline, metric), after: getNumber(d.report, metric),
          guardLabel: ch?.guard.label ?? metricLabel(guard), guardBefore: getNumber(d.baseline, guard), guardAfter: getNumber(d.report, guard),
        });
        c.setInfo(ch?.definition ?? '');
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
    case 'hedge': {
      const c = new HedgeChart(parent);
      return { name, chart: c as Chart<never>, needs: 'run', feed: (d) => {
        const rows = hedgeRows((d.report.path?.stages ?? []) as Parameters<typeof hedgeRows>[0]);
        if (!rows.length) return c.showMessage('no stage is hedged at these settings: turn hedging on to see what it sends and wastes');
        c.update(rows);
        c.setInfo(rows.map((r) => `${r.name}: backups ${fmt(r.backupPct)}% of requests${r.wonPct !== null ? `, backup first ${fmt(r.wonPct)}%` : ''}${r.wastedPct !== null ? `, wasted work ${fmt(r.wastedPct)}%` : ''}`).join(' · '));
      } };
    }
    default: {
      // deadline (and any other name): the percentile distribution against the deadline.
      const title = name === 'deadline' ? 'Deadline misses and stutter' : `Latency percentiles (${name})`;
      const c = new DeadlineMisses(parent, name, title);
      return { name, chart: c as Chart<never>, needs: 'run', feed: (d) => {
        const f = family(part, d.report);
        const p = getPathPercentiles(d.report, f.path);
        if (!p) return c.showMessage(d.report.stable ? 'no latency statistics in this run' : `unstable run: ${d.report.stability}`);
        const dl = d.report.deadline;
        c.update({ what: f.what, p, deadlineMs: dl?.budget_ms ?? target?.max ?? null, deadlineLabel: dl ? `${fmt(dl.budget_ms, 'ms')} budget` : target?.label ?? '' });
        const info: string[] = [];
        if (dl) info.push(`missed ${fmt(dl.miss_rate * 100)}% (${dl.missed} of ${dl.met + dl.missed}); ${dl.stutters} stutters (runs of 2+ misses), longest run ${dl.longest_miss_run}`);
        const hedged = hedgeRows((d.report.path?.stages ?? []) as Parameters<typeof hedgeRows>[0]);
        if (hedged.length && !part.instruments.includes('hedge')) info.push(hedged.map((r) => `${r.name}: backups ${fmt(r.backupPct)}%${r.wastedPct !== null ? `, wasted work ${fmt(r.wastedPct)}%` : ''}`).join(' · '));
        c.setInfo(info.join(' · '));
      } };
    }
  }
}

/**
 * The crisis in numbers: under contiguous reservations, the share of the KV
 * memory that holds tokens; and the memory paging reclaims (the waste
 * contiguous reservations hold minus what paging wastes), in GB and as a
 * share of the replica's HBM.
 */
function crisisFigures(contiguous: Report, paged: Report, ratioKey: string): (string | Node)[] {
  const stored = getNumber(contiguous, 'kv.mean_share.stored');
  const waste = (r: Report) => (r.kv ? r.kv.mean_share.reserved + r.kv.mean_share.internal + r.kv.mean_share.external : null);
  const wc = waste(contiguous), wp = waste(paged);
  const kvGb = getNumber(contiguous, 'kv.capacity_gb');
  const hbm = (getNumber(contiguous, 'replica.memory.gpu_memory_gb') ?? 0) * (getNumber(contiguous, 'replica.gpus') ?? 0);
  const reclaimed = wc !== null && wp !== null && kvGb !== null ? (wc - wp) * kvGb : null;
  const up = getNumber(paged, 'concurrency.running'), uc = getNumber(contiguous, 'concurrency.running');
  return [
    'Contiguous (max-length) reservations: the KV cache holds tokens in ', figure('kv-stored-contiguous', stored === null ? null : stored * 100, `${fmt(stored === null ? null : stored * 100)}%`),
    ' of its memory. Paging reclaims ', figure('vram-reclaimed-gb', reclaimed, fmt(reclaimed, 'GB')),
    ', ', figure('vram-reclaimed-share', reclaimed !== null && hbm > 0 ? (100 * reclaimed) / hbm : null, `${fmt(reclaimed !== null && hbm > 0 ? (100 * reclaimed) / hbm : null)}%`),
    ` of the replica's ${fmt(hbm, 'GB')} of HBM: `, figure(ratioKey, up && uc ? up / uc : null, `${fmt(up && uc ? up / uc : null)}×`), ' as many users running at once.',
  ];
}

/**
 * What the tensor-parallel layout trades, beside the waterfall: the TP
 * link's traffic per token and how busy it is (activations all-reduced, or
 * weights all-gathered), and the memory each GPU holds.
 */
function tpTrade(r: Report): (string | Node)[] {
  const t = r.tp_link;
  if (!t || !r.replica) return [];
  const f = (path: string, scale: number, unit: string) => { const v = getNumber(r, path); return figure(path, v, fmtHuman(v === null ? null : v * scale, unit)); };
  return [
    `TP link (${t.layout === 'weight_gathered' ? 'weight-gathered: each layer\'s weights all-gathered every iteration' : 'weight-stationary: activations all-reduced twice per layer'}): `,
    f('tp_link.bytes_per_token', 1e-6, 'MB'), ' per token from each GPU, busy ', f('tp_link.busy_fraction', 100, '%'),
    ' of the time; TP communication in the mean TTFT ', f('ttft_waterfall.tp_comm_ms', 1, 'ms'),
    '. Per GPU: weights ', f('replica.memory.weights_gb_per_gpu', 1, 'GB'), ', workspace ', f('replica.memory.activation_gb_per_gpu', 1, 'GB'), '.',
  ];
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
  if (metric === 'cost.usd_per_request') return 'USD';
  if (metric.includes('user_hour')) return 'USD/user-h';
  if (metric.endsWith('miss_rate')) return 'share';
  if (metric.endsWith('_w')) return 'W';
  if (metric.endsWith('_j')) return 'J';
  return '';
}

function getPathPercentiles(r: Report, path: string) {
  if (!r.stable) return null; // reported beside the verdict, but no steady state to draw
  const key = path.split('.')[1] as keyof Report['latency_ms'];
  return r.latency_ms[key] ?? null;
}
