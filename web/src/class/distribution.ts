// The distribution of a part's locked predictions as bars: a choice
// question's choices with their counts, or a number question's values in
// at most `maxBins` equal bins.
import type { PartSummary } from './protocol';

export interface Distribution { labels: string[]; counts: number[]; axis: string }

function fmt(v: number): string { return String(Number(v.toPrecision(3))); }

/** Counts of `values` in `bins` equal bins from their min to their max (one bin when all are equal). */
export function histogram(values: readonly number[], maxBins: number): { edges: number[]; counts: number[] } {
  if (values.length === 0) return { edges: [], counts: [] };
  const lo = Math.min(...values), hi = Math.max(...values);
  if (lo === hi) return { edges: [lo, hi], counts: [values.length] };
  const bins = Math.max(1, Math.min(maxBins, Math.ceil(Math.sqrt(values.length))));
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]! += 1;
  return { edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * width), counts };
}

export function lockDistribution(p: PartSummary, maxBins = 8): Distribution {
  if (p.question_kind === 'choice') return { labels: p.choices.map((c) => c.label), counts: p.locks.counts, axis: 'Prediction' };
  const { edges, counts } = histogram(p.locks.values, maxBins);
  const unit = p.unit ? ` ${p.unit}` : '';
  const labels = counts.map((_, i) => (edges[i] === edges[i + 1] ? `${fmt(edges[i]!)}${unit}` : `${fmt(edges[i]!)}–${fmt(edges[i + 1]!)}${unit}`));
  return { labels, counts, axis: `Predicted value${unit ? ` (${p.unit})` : ''}` };
}
