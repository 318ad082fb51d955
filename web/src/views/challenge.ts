// The stakeholder challenge's verdict: the figure cut by at least the
// required fraction and the guarded latency not worse than allowed.
import type { Challenge, JsonValue, Overrides, Report } from '../api/types';
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

type Raw = { [k: string]: JsonValue } | null | undefined;

/**
 * The "before" run's overrides: the student's values of the challenge's
 * same-load paths (so both runs carry the same load), then the baseline's
 * own overrides (what the challenge takes away, e.g. speculative decoding).
 */
export function baselineOverrides(c: Challenge, mine: Overrides): Overrides {
  const out: Overrides = {};
  for (const p of c.same_load) if (p in mine) out[p] = mine[p]!;
  return { ...out, ...c.baseline };
}

/**
 * The challenge object of a track file, as the lab judges it. Accepted:
 *   stakeholder (default "Stakeholder"), text | description | demand;
 *   metric (report dot path, required); metric_label;
 *   change (e.g. -0.5) | reduction (e.g. 0.5, meaning change -0.5) (required);
 *   guard {metric, max_regression (default 0), label} | guard "path" | no_regression "path" (required);
 *   baseline | baseline_overrides (overrides of the "before"; default {}: the scenario as written);
 *   same_load (paths copied from the student's settings into the "before", e.g. the users or the rate);
 *   definition (one sentence defining the figure); winning_path ([{path: value}, ...] from the defaults).
 * Anything else is shown as text with the reason the lab cannot judge it.
 */
export function normalizeChallenge(raw: Raw): { challenge: Challenge | null; stakeholder: string; text: string; problem: string } {
  const str = (v: JsonValue | undefined) => (typeof v === 'string' ? v : undefined);
  const num = (v: JsonValue | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const obj = (v: JsonValue | undefined) => (v && typeof v === 'object' && !Array.isArray(v) ? v : undefined);
  const stakeholder = str(raw?.['stakeholder']) ?? 'Stakeholder';
  const text = str(raw?.['text']) ?? str(raw?.['description']) ?? str(raw?.['demand']) ?? '';
  const fail = (problem: string) => ({ challenge: null, stakeholder, text, problem });
  if (!raw) return fail('no challenge');
  const metric = str(raw['metric']);
  if (!metric) return fail('it names no "metric" (a report field)');
  const reduction = num(raw['reduction']);
  const change = num(raw['change']) ?? (reduction !== undefined ? -Math.abs(reduction) : undefined);
  if (change === undefined) return fail('it gives no "change" (e.g. -0.5) or "reduction" (e.g. 0.5)');
  const g = raw['guard'] ?? raw['no_regression'];
  const go = obj(g);
  const guardMetric = str(g ?? undefined) ?? str(go?.['metric']);
  if (!guardMetric) return fail('it names no "guard" metric that must not regress');
  const baseline = (obj(raw['baseline']) ?? obj(raw['baseline_overrides']) ?? {}) as Overrides;
  const guard: Challenge['guard'] = { metric: guardMetric, max_regression: num(go?.['max_regression']) ?? 0 };
  const gl = str(go?.['label']);
  if (gl) guard.label = gl;
  const sl = raw['same_load'];
  const same_load = Array.isArray(sl) ? sl.filter((x): x is string => typeof x === 'string') : [];
  const c: Challenge = { stakeholder, text, metric, change, guard, baseline, same_load };
  const ml = str(raw['metric_label']);
  if (ml) c.metric_label = ml;
  const def = str(raw['definition']);
  if (def) c.definition = def;
  const wp = raw['winning_path'];
  if (Array.isArray(wp)) c.winning_path = wp.filter((s): s is { [k: string]: JsonValue } => !!obj(s)) as Overrides[];
  return { challenge: c, stakeholder, text, problem: '' };
}
