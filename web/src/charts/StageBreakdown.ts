// StageBreakdown: a request path's stages (links, pools, fan-outs and their
// branches) with each stage's median and P99 latency — where the fan-out
// tail comes from.
import type { PathStage } from '../api/types';
import { Chart, bars, categoryAxis, fmtLegend, type Built } from './base';
import { OKABE_ITO } from './palette';
import { flattenStages } from './transforms';

/** The last name of a branch path, marked: "perception › model-3" → "› model-3". */
const short = (l: string) => (l.includes(' › ') ? `› ${l.split(' › ').pop()}` : l);

export class StageBreakdown extends Chart<PathStage[]> {
  constructor(parent: HTMLElement, name = 'fanout', title = 'Fan-out tail: latency by stage') {
    super(parent, name, title, 'Median and P99 latency of every stage on the request path; a fan-out waits for its slowest branch.');
  }

  protected build(stages: PathStage[]): Built {
    const rows = flattenStages(stages);
    const labels = rows.map((r) => r.label);
    const x = rows.map((_, i) => i);
    const ms = fmtLegend('ms');
    return {
      key: `stages-${labels.join('|')}`,
      data: [x, rows.map((r) => r.p99), rows.map((r) => r.p50)],
      opts: {
        scales: { x: { time: false, range: [-0.6, rows.length - 0.4] }, y: { range: (_u, _min, max) => [0, max * 1.1 || 1] } },
        axes: [{ ...categoryAxis(labels.map(short), 'Stage (a fan-out\'s branches follow it, marked ›)'), rotate: -40, size: 80 }, { label: 'Latency (ms)', size: 60 }],
        series: [
          { label: 'Stage', value: (_u, i) => labels[i] ?? '' },
          { label: 'P99', stroke: OKABE_ITO.vermillion, fill: OKABE_ITO.vermillion, paths: bars, points: { show: false }, value: ms },
          { label: 'Median', stroke: OKABE_ITO.blue, fill: OKABE_ITO.skyBlue, paths: bars, points: { show: false }, value: ms },
        ],
      },
    };
  }
}
