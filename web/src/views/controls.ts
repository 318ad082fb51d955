// The workbench's controls, generated from the part's "controls": a labelled
// range (slider + number), select or toggle per scenario path, each with its
// own error slot so a refused value is explained next to it, and a note
// slot that says why a control is disabled when it would act on nothing.
import type { Control, JsonValue } from '../api/types';
import { h, nextId } from './dom';

export interface ControlView {
  control: Control; root: HTMLElement; setError(msg: string | null): void; value(): JsonValue;
  /** Disabled (with the sentence saying what enables it) or enabled. */
  setEnabled(enabled: boolean, why?: string): void;
  /** Shows `v` without reporting a change (a parent setting replaced this one's value). */
  setValue(v: JsonValue): void;
  readonly enabled: boolean;
}

/**
 * Called with the new value (undefined: back to the default, the override
 * dropped) and whether the move is final: a slider reports every step of a
 * drag as not final and its release as final; selects and toggles are final.
 */
export type OnChange = (path: string, v: JsonValue | undefined, final: boolean) => void;

/** The text an option shows: its label when the part gives one, else its value. */
export function optionText(c: Control, i: number): string {
  const l = c.labels?.[i];
  if (l) return l;
  const o = c.options?.[i];
  return typeof o === 'object' && o !== null ? JSON.stringify(o) : String(o);
}

/**
 * `initial` null: the scenario leaves the field to the engine's default, and
 * the control says so until the student moves it.
 */
export function renderControl(c: Control, initial: JsonValue, onChange: OnChange): ControlView {
  const id = nextId('ctl');
  const err = h('p', { class: 'control-error', role: 'alert', 'aria-live': 'polite', id: `${id}-err` });
  const note = h('p', { class: 'control-note', id: `${id}-note`, hidden: true });
  const unit = c.unit ? ` (${c.unit})` : '';
  let read: () => JsonValue;
  let write: (v: JsonValue) => void;
  let input: HTMLElement;
  let field: HTMLInputElement | HTMLSelectElement;
  if (c.kind === 'range') {
    const out = h('output', { for: id, class: 'control-value' });
    const range = h('input', {
      id, type: 'range', min: c.min ?? 0, max: c.max ?? 100, step: c.step ?? 1, value: String(initial ?? c.min ?? 0),
      'data-path': c.path, 'aria-describedby': `${id}-err ${id}-note`,
    });
    const show = () => { out.textContent = `${range.value}${c.unit ? ' ' + c.unit : ''}`; };
    if (initial === null) out.textContent = 'engine default';
    else show();
    range.addEventListener('input', () => { show(); onChange(c.path, Number(range.value), false); });
    range.addEventListener('change', () => { show(); onChange(c.path, Number(range.value), true); });
    read = () => Number(range.value);
    write = (v) => { range.value = String(v ?? c.min ?? 0); if (v === null) out.textContent = 'engine default'; else show(); };
    input = h('span', { class: 'range' }, range, out);
    field = range;
  } else if (c.kind === 'select') {
    const opts = c.options ?? [];
    const sel = h('select', { id, 'data-path': c.path, 'aria-describedby': `${id}-err ${id}-note` },
      initial === null ? h('option', { value: '-1', selected: true }, 'engine default') : null,
      ...opts.map((o, i) => h('option', { value: String(i), selected: JSON.stringify(o) === JSON.stringify(initial) }, optionText(c, i))));
    sel.addEventListener('change', () => onChange(c.path, sel.value === '-1' ? undefined : opts[Number(sel.value)], true));
    read = () => opts[Number(sel.value)] ?? null;
    write = (v) => { const i = opts.findIndex((o) => JSON.stringify(o) === JSON.stringify(v)); if (i >= 0) sel.value = String(i); };
    input = sel;
    field = sel;
  } else {
    // A toggle: options [off, on] when given (e.g. ["dynamic", "continuous"]), else false/true.
    const [off, on] = c.options && c.options.length === 2 ? c.options : [false, true];
    const box = h('input', { id, type: 'checkbox', role: 'switch', 'data-path': c.path, 'aria-describedby': `${id}-err ${id}-note`, checked: JSON.stringify(initial) === JSON.stringify(on) });
    box.addEventListener('change', () => onChange(c.path, box.checked ? on! : off!, true));
    read = () => (box.checked ? on! : off!);
    write = (v) => { box.checked = JSON.stringify(v) === JSON.stringify(on); };
    input = box;
    field = box;
  }
  const root = h('div', { class: `control control-${c.kind}`, 'data-control': c.path },
    h('label', { for: id }, c.label + unit), input, note, err);
  let enabled = true;
  return {
    control: c, root, value: () => read(),
    get enabled() { return enabled; },
    setError(msg) { err.textContent = msg ?? ''; root.classList.toggle('has-error', !!msg); },
    setValue(v) { write(v); },
    setEnabled(on, why) {
      enabled = on;
      field.disabled = !on;
      root.classList.toggle('disabled', !on);
      note.hidden = on;
      note.textContent = on ? '' : why ?? '';
    },
  };
}

/** Whether a control acts under `scenario` (its `when` condition, if any). */
export function controlActs(c: Control, valueAt: (path: string) => JsonValue | undefined): boolean {
  if (!c.when) return true;
  const v = JSON.stringify(valueAt(c.when.path) ?? null);
  if (c.when.in) return c.when.in.some((x) => JSON.stringify(x) === v);
  return !(c.when.not_in ?? []).some((x) => JSON.stringify(x) === v);
}

/**
 * Which control an error belongs beside: the one whose path the error names;
 * else the one the student just moved, if it lies under the named field
 * ("replica" covers "replica.tp"); else the first under it; else the one
 * just moved; else the first. Returns an index into `paths`.
 */
export function blameControl(paths: string[], field: string | null, lastChanged: string | null): number {
  const under = (p: string) => field !== null && (p === field || p.startsWith(field + '.') || field.startsWith(p + '.'));
  const tries = [
    paths.findIndex((p) => p === field),
    lastChanged !== null && under(lastChanged) ? paths.indexOf(lastChanged) : -1,
    paths.findIndex(under),
    lastChanged !== null ? paths.indexOf(lastChanged) : -1,
  ];
  return tries.find((i) => i >= 0) ?? 0;
}
