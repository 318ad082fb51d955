// What makes a part's workbench a lesson rather than a form: the student's
// own settings (what differs from the part's defaults), and the part's
// resource budget checked before a run is sent.
import { getPath } from '../api/report';
import type { JsonValue, Overrides, Part } from '../api/types';

/** The overrides that differ from the part's scenario as written: a repeat of a default is not a new setting. */
export function ownSettings(part: Part, o: Overrides): Overrides {
  const out: Overrides = {};
  for (const [k, v] of Object.entries(o)) {
    const written = getPath(part.scenario ?? {}, k);
    if (written !== undefined && JSON.stringify(written) === JSON.stringify(v)) continue;
    out[k] = v;
  }
  return out;
}

export interface BudgetResult { ok: boolean; used: number; field: string | null; message: string }

/**
 * The part's budget (replicas x TP x PP <= 8 GPUs): the product of the values
 * at its factor paths (1 where absent). The message matches the engine's
 * (src/tracks/budget.cc), so a refusal reads the same wherever it is caught.
 */
export function budgetCheck(part: Part, scenario: Record<string, JsonValue>, blame: string | null = null): BudgetResult {
  const b = part.budget;
  if (!b) return { ok: true, used: 1, field: null, message: '' };
  const values = b.factors.map((f) => { const v = getPath(scenario, f); return typeof v === 'number' ? v : 1; });
  const used = values.reduce((a, x) => a * x, 1);
  if (used <= b.max) return { ok: true, used, field: null, message: '' };
  const field = blame && b.factors.includes(blame) ? blame : b.factors[0]!;
  const unit = b.unit ? ` ${b.unit}` : '';
  return { ok: false, used, field, message: `${field}: this configuration uses ${used}${unit} (${values.join(' x ')}); the part's budget is ${b.max}${unit}${b.rule ? ` (${b.rule})` : ''}` };
}
