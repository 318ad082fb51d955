// EnergyPower: the power–latency seesaw over the configurations tried:
// average power (W) on the left axis, energy per output token and the
// headline latency on the right.
import { Chart, fmtLegend, type Built } from './base';
import { OKABE_ITO } from './palette';

export interface EnergyPoint { power_w: number | null; joules_per_token: number | null; latency_ms: number | null }
export interface EnergyInput { points: EnergyPoint[]; latencyLabel: string }

export class EnergyPower extends Chart<EnergyInput> {
  constructor(parent: HTMLElement) {
    super(parent, 'energy', 'Energy and power', 'Average power and latency for each configuration you ran, in order: the power–latency seesaw.');
  }

  protected build(d: EnergyInput): Built {
    const x = d.points.map((_, i) => i + 1);
    return {
      key: 'energy',
      data: [x, d.points.map((p) => p.power_w), d.points.map((p) => p.latency_ms), d.points.map((p) => p.joules_per_token)],
      opts: {
        scales: { x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] }, ms: { range: (_u, _min, max) => [0, max * 1.1 || 1] }, J: {} },
        axes: [
          { label: 'Configuration run (#)', incrs: [1, 2, 5, 10] },
          { label: 'Average power (W)', size: 60 },
          { label: `${d.latencyLabel} (ms)`, scale: 'ms', side: 1, grid: { show: false }, size: 60 },
        ],
        series: [
          { label: 'Run', value: (_u, v) => (v === null || v === undefined ? '—' : `#${v}`) },
          { label: 'Power', stroke: OKABE_ITO.vermillion, width: 2, points: { show: true, size: 7 }, value: fmtLegend('W') },
          { label: d.latencyLabel, stroke: OKABE_ITO.blue, width: 2, dash: [6, 3], points: { show: true, size: 7 }, scale: 'ms', value: fmtLegend('ms') },
          { label: 'Energy per token (LLM) or request (path)', stroke: OKABE_ITO.green, show: true, paths: () => null, points: { show: false }, scale: 'J', value: fmtLegend('J') },
        ],
      },
    };
  }
}
