// The workbench's controls, generated from the part's "controls": a labelled
// range (slider + number), select or toggle per scenario path, each with its
// own error slot so a refused value is explained next to it.
import type { Control, JsonValue } from '../api/types';
import { h, nextId } from './dom';

export interface ControlView { control: Control; root: HTMLElement; setError(msg: string | null): void; value(): JsonValue }

/**
 * `initial` null: the scenario leaves the field to the engine's default, and
 * the control says so until the student moves it; onChange(path, undefined)
 * means "back to the default" (the override is dropped).
 */
export function renderControl(c: Control, initial: JsonValue, onChange: (path: string, v: JsonValue | undefined) => void): ControlView {
  const id = nextId('ctl');
  const err = h('p', { class: 'control-error', role: 'alert', 'aria-live': 'polite', id: `${id}-err` });
  const unit = c.unit ? ` (${c.unit})` : '';
  let read: () => JsonValue;
  let input: HTMLElement;
  if (c.kind === 'range') {
    const out = h('output', { for: id, class: 'control-value' });
    const range = h('input', {
      id, type: 'range', min: c.min ?? 0, max: c.max ?? 100, step: c.step ?? 1, value: String(initial ?? c.min ?? 0),
      'data-path': c.path, 'aria-describedby': `${id}-err`,
    });
    const show = () => { out.textContent = `${range.value}${c.unit ? ' ' + c.unit : ''}`; };
    if (initial === null) out.textContent = 'engine default';
    else show();
    range.addEventListener('input', () => { show(); onChange(c.path, Number(range.value)); });
    read = () => Number(range.value);
    input = h('span', { class: 'range' }, range, out);
  } else if (c.kind === 'select') {
    const opts = c.options ?? [];
    const sel = h('select', { id, 'data-path': c.path, 'aria-describedby': `${id}-err` },
      initial === null ? h('option', { value: '-1', selected: true }, 'engine default') : null,
      ...opts.map((o, i) => h('option', { value: String(i), selected: JSON.stringify(o) === JSON.stringify(initial) }, String(o))));
    sel.addEventListener('change', () => onChange(c.path, sel.value === '-1' ? undefined : opts[Number(sel.value)]));
    read = () => opts[Number(sel.value)] ?? null;
    input = sel;
  } else {
    // A toggle: options [off, on] when given (e.g. ["dynamic", "continuous"]), else false/true.
    const [off, on] = c.options && c.options.length === 2 ? c.options : [false, true];
    const box = h('input', { id, type: 'checkbox', role: 'switch', 'data-path': c.path, 'aria-describedby': `${id}-err`, checked: JSON.stringify(initial) === JSON.stringify(on) });
    box.addEventListener('change', () => onChange(c.path, box.checked ? on! : off!));
    read = () => (box.checked ? on! : off!);
    input = box;
  }
  const root = h('div', { class: `control control-${c.kind}`, 'data-control': c.path },
    h('label', { for: id }, c.label + unit), input, err);
  return {
    control: c, root, value: () => read(),
    setError(msg) { err.textContent = msg ?? ''; root.classList.toggle('has-error', !!msg); },
  };
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
