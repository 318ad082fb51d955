// The stakeholder challenge's verdict: the figure cut by at least the
// required fraction and the guarded latency not worse than allowed.
import type { Challenge, Report } from '../api/types';
import { getNumber } from '../api/report';
import { relChange } from '../charts/transforms';

export interface Verdict {
  passed: boolean;
  before: number | null; after: number | null; change: number | null;
  guardBefore: number | null; guardAfter: number | null; guardChange: number | null;
  costOk: boolean; guardOk: boolean;
  why: string;
}

export function judgeChallenge(c: Challenge, baseline: Report, mine: Report): Verdict {
  const before = getNumber(baseline, c.metric);
  const after = getNumber(mine, c.metric);
  const guardBefore = getNumber(baseline, c.guard.metric);
  const guardAfter = getNumber(mine, c.guard.metric);
  const change = relChange(before, after);
  const guardChange = relChange(guardBefore, guardAfter);
  const costOk = change !== null && change <= c.change;
  const guardOk = guardChange !== null && guardChange <= c.guard.max_regression;
  const pct = (v: number | null) => (v === null ? 'unknown' : `${v > 0 ? '+' : ''}${(v * 100).toFixed(1)}%`);
  const want = `${(c.change * 100).toFixed(0)}%`;
  const guardName = c.guard.label ?? c.guard.metric;
  const why = [
    `${c.metric_label ?? c.metric} ${pct(change)} (needs ${want} or better)`,
    `${guardName} ${pct(guardChange)} (allowed ${c.guard.max_regression > 0 ? '+' + (c.guard.max_regression * 100).toFixed(0) + '%' : 'no regression'})`,
  ].join('; ');
  return { passed: costOk && guardOk, before, after, change, guardBefore, guardAfter, guardChange, costOk, guardOk, why };
}
