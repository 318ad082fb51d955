// HedgeChart: what hedging costs and buys, per hedged stage: the extra
// copies sent, how often the backup answered first, and the work wasted on
// losing copies (all as % of the stage's requests or work).
import { Chart, bars, categoryAxis, fmtLegend, type Built } from './base';
import { OKABE_ITO } from './palette';
import type { HedgeRow } from './transforms';

export class HedgeChart extends Chart<HedgeRow[]> {
  constructor(parent: HTMLElement) {
    super(parent, 'hedge', 'Hedging: backups sent, won and wasted', 'For each hedged stage: extra copies sent, backups that answered first (% of its requests) and the work spent on losing copies (% of its work).');
  }

  protected build(rows: HedgeRow[]): Built {
    const labels = rows.map((r) => r.name);
    const pct = fmtLegend('%');
    const x = rows.map((_, i) => i);
    return {
      key: `hedge-${labels.join('|')}`,
      data: [x, rows.map((r) => r.backupPct), rows.map((r) => r.wonPct), rows.map((r) => r.wastedPct)],
      attrs: { stages: String(rows.length) },
      opts: {
        scales: { x: { time: false, range: [-0.6, Math.max(rows.length, 1) - 0.4] }, y: { range: (_u, _min, max) => [0, Math.max(max, 1) * 1.15] } },
        axes: [{ ...categoryAxis(labels, 'Hedged stage'), rotate: rows.length > 3 ? -30 : 0, size: rows.length > 3 ? 70 : 40 }, { label: 'Share (%)', size: 50 }],
        series: [
          { label: 'Stage', value: (_u, i) => labels[i] ?? '' },
          { label: 'Backups sent (% of requests)', stroke: OKABE_ITO.orange, fill: OKABE_ITO.orange, paths: bars, points: { show: false }, value: pct },
          { label: 'Backup answered first', stroke: OKABE_ITO.green, fill: OKABE_ITO.green, paths: bars, points: { show: false }, value: pct },
          { label: 'Wasted work (% of the stage\'s work)', stroke: OKABE_ITO.vermillion, fill: OKABE_ITO.vermillion, paths: bars, points: { show: false }, value: pct },
        ],
      },
    };
  }
}
