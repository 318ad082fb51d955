// One part of a track, in the storyboard's five steps: lock the prediction,
// the workbench, the instruments, the reveal, the reflection; with Math Peek.
import { describeError } from '../api/client';
import type { CatalogResponse, FrontierResponse, JsonValue, Overrides, Part, Report, Track } from '../api/types';
import type { Engine } from '../engine/engine';
import type { Ledger, Lock } from '../ledger/ledger';
import { peekItems } from '../math/peek';
import { h } from './dom';
import { Workbench } from './workbench';

export interface PartContext { api: Engine; ledger: Ledger; tracks: Track[] }

export async function renderPart(root: HTMLElement, ctx: PartContext, track: Track, partId: string): Promise<void> {
  root.replaceChildren(h('p', { role: 'status' }, 'loading the part…'));
  const res = await ctx.api.part(track.id, partId);
  if (!res.ok) {
    root.replaceChildren(h('p', { class: 'page-error', role: 'alert' }, `This part could not be loaded: ${describeError(res.error)}`), h('a', { href: '#/' }, 'Back to the tracks'));
    return;
  }
  const part = res.value;
  const { ledger } = ctx;
  const entry = ledger.entry(track.id, part.id);

  const idx = track.parts.findIndex((p) => p.id === part.id);
  const prev = track.parts[idx - 1];
  const next = track.parts[idx + 1];
  const nav = h('nav', { class: 'part-nav', 'aria-label': 'Parts' },
    h('a', { href: '#/' }, '← Tracks'),
    prev ? h('a', { href: `#/track/${track.id}/${prev.id}` }, `← Part ${prev.number}`) : null,
    next ? h('a', { href: `#/track/${track.id}/${next.id}`, 'data-testid': 'next-part' }, `Part ${next.number} →`) : h('a', { href: '#/ledger' }, 'Your ledger and Fleet Serving Strategy →'));

  const peekPanel = h('section', { class: 'math-peek', id: 'math-peek', hidden: true, 'aria-label': 'Math Peek' });
  const peekBtn = h('button', { type: 'button', class: 'peek-toggle', 'aria-expanded': 'false', 'aria-controls': 'math-peek' }, 'Math Peek');
  peekBtn.addEventListener('click', () => {
    const open = peekPanel.hidden;
    peekPanel.hidden = !open;
    peekBtn.setAttribute('aria-expanded', String(open));
  });

  const header = h('header', { class: 'part-header' },
    h('p', { class: 'persona' }, `${track.name} · ${track.persona}`),
    h('h1', {}, `Part ${part.number}: ${part.title}`),
    h('p', { class: 'brief' }, h('strong', {}, 'North star: '), track.north_star, ' ', h('strong', {}, 'Crisis: '), track.crisis),
    peekBtn);

  const lockSec = h('section', { class: 'step lock', 'aria-labelledby': 'lock-h' }, h('h2', { id: 'lock-h' }, '1 · Lock your prediction'));
  const benchSec = h('section', { class: 'step workbench', 'aria-labelledby': 'bench-h', hidden: !entry.lock },
    h('h2', { id: 'bench-h' }, '2 · Workbench'));
  const controlsEl = h('div', { class: 'controls' });
  benchSec.append(controlsEl);
  const instSec = h('section', { class: 'step instruments', 'aria-labelledby': 'inst-h', hidden: !entry.lock }, h('h2', { id: 'inst-h' }, '3 · Instruments'));
  const revealSec = h('section', { class: 'step reveal', 'aria-labelledby': 'reveal-h', hidden: !entry.lock }, h('h2', { id: 'reveal-h' }, '4 · Reveal'));
  const reflSec = h('section', { class: 'step reflection', 'aria-labelledby': 'refl-h' }, h('h2', { id: 'refl-h' }, '5 · Reflect'));

  root.replaceChildren(nav, header, peekPanel, lockSec, benchSec, instSec, revealSec, reflSec);

  let workbench: Workbench | null = null;
  let last: { report: Report; scenario: Record<string, JsonValue>; overrides: Overrides } | null = null;
  let catalog: CatalogResponse | null = null;
  void ctx.api.catalog().then((c) => { if (c.ok) { catalog = c.value; renderPeek(); } });
  const renderPeek = () => {
    if (!last) { peekPanel.replaceChildren(h('p', {}, 'Run the workbench to fill the formulas with your numbers.')); return; }
    const frontier: FrontierResponse | null = window.__fleetlabFrontier ?? null;
    const items = peekItems({ part, report: last.report, scenario: last.scenario, frontier, catalog });
    peekPanel.replaceChildren(h('h2', {}, 'Math Peek: the formulas with your numbers'),
      ...items.map((i) => h('div', { class: 'peek-item', 'data-peek': i.id },
        h('h3', {}, i.title), h('p', { class: 'formula' }, i.formula), h('p', { class: 'filled' }, i.filled),
        h('p', { class: 'result' }, '= ', i.result),
        h('p', { class: 'engine' }, i.engine ? `Engine (${i.engine}): ` : '',
          ...i.figures.flatMap((f, k) => [k ? '; ' : '', h('span', { 'data-report-path': f.path, 'data-value': f.value ?? '' }, f.text)])),
        i.source ? h('p', { class: 'source' }, i.source) : null)));
  };
  renderPeek();

  const openBench = () => {
    benchSec.hidden = false; instSec.hidden = false; revealSec.hidden = false;
    if (workbench) return;
    window.__fleetlabFrontier = undefined;
    workbench = new Workbench(part, ctx.api, ledger, controlsEl, instSec, {
      onReport: (report, scenario, overrides) => { last = { report, scenario, overrides }; renderPeek(); },
      onFrontier: () => renderPeek(),
    });
    workbench.start();
  };

  renderLock(lockSec, part, entry.lock, (lock) => { ledger.lock(track.id, part.id, lock); openBench(); });
  renderReveal(revealSec, part, ctx, () => workbench?.currentOverrides() ?? {});
  renderReflection(reflSec, part, ledger, track.id);
  if (entry.lock) openBench();
}

function renderLock(sec: HTMLElement, part: Part, lock: Lock | undefined, onLock: (l: Lock) => void): void {
  const form = h('form', { class: 'lock-form' });
  const fs = h('fieldset', {}, h('legend', {}, part.question));
  const err = h('p', { class: 'control-error', role: 'alert' });
  if (part.question_kind === 'choice') {
    for (const c of part.choices) {
      const id = `lock-${c.id}`;
      fs.append(h('div', { class: 'choice' },
        h('input', { type: 'radio', name: 'lock', id, value: c.id, checked: lock?.kind === 'choice' && lock.choice === c.id, disabled: !!lock }),
        h('label', { for: id }, c.label)));
    }
  } else {
    fs.append(h('label', { for: 'lock-number' }, `Your estimate${part.unit ? ` (${part.unit})` : ''} `),
      h('input', { type: 'number', id: 'lock-number', name: 'lock', step: 'any', required: true, disabled: !!lock, value: lock?.kind === 'number' ? lock.value : '' }));
  }
  const btn = h('button', { type: 'submit', disabled: !!lock }, lock ? 'Locked' : 'Lock my prediction');
  form.append(fs, err, btn);
  const note = h('p', { class: 'lock-note' }, lock ? 'Prediction locked: the workbench is open.' : 'Answer to open the workbench. Once locked, the prediction stays.');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const at = new Date().toISOString();
    let l: Lock;
    if (part.question_kind === 'choice') {
      const sel = form.querySelector<HTMLInputElement>('input[name=lock]:checked');
      if (!sel) { err.textContent = 'Choose one answer first.'; return; }
      l = { kind: 'choice', choice: sel.value, label: part.choices.find((c) => c.id === sel.value)?.label ?? sel.value, at };
    } else {
      const inp = form.querySelector<HTMLInputElement>('#lock-number')!;
      const v = Number(inp.value);
      if (inp.value === '' || !Number.isFinite(v)) { err.textContent = 'Enter a number first.'; return; }
      l = { kind: 'number', value: v, unit: part.unit, at };
    }
    err.textContent = '';
    form.querySelectorAll('input,button').forEach((x) => ((x as HTMLInputElement).disabled = true));
    btn.textContent = 'Locked';
    note.textContent = 'Prediction locked: the workbench is open.';
    onLock(l);
  });
  sec.append(form, note);
}

/** A number prediction counts as right within this relative distance of the engine's value. */
export const NUMBER_TOLERANCE = 0.2;

export function predictionMatches(lock: Lock, engine: { choice: string; value: number }): boolean {
  if (lock.kind === 'choice') return lock.choice === engine.choice;
  if (engine.value === 0) return lock.value === 0;
  return Math.abs(lock.value - engine.value) <= NUMBER_TOLERANCE * Math.abs(engine.value);
}

function renderReveal(sec: HTMLElement, part: Part, ctx: PartContext, overrides: () => Overrides): void {
  const out = h('div', { class: 'reveal-out', 'aria-live': 'polite', 'data-testid': 'reveal' });
  const btn = h('button', { type: 'button' }, 'Reveal the engine\'s answer for my settings');
  const show = () => {
    const e = ctx.ledger.entry(part.track, part.id);
    if (!e.reveal || !e.lock) return;
    const mine = e.lock.kind === 'choice' ? e.lock.label : `${e.lock.value} ${e.lock.unit}`;
    out.replaceChildren(
      h('div', { class: 'side-by-side' },
        h('div', {}, h('h3', {}, 'Your prediction'), h('p', { 'data-testid': 'reveal-mine' }, mine)),
        h('div', {}, h('h3', {}, 'The engine found'), h('p', { 'data-testid': 'reveal-engine', ...(part.question_kind === 'number' ? { 'data-figure': 'reveal-value', 'data-value': e.reveal.value } : {}) }, e.reveal.choiceLabel))),
      h('p', { class: `verdict ${e.reveal.match ? 'pass' : 'fail'}` }, e.reveal.match ? 'Your prediction holds. ' : 'Your prediction differs. ', h('span', { class: 'reason' }, e.reveal.reason)));
  };
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    out.replaceChildren(h('p', { role: 'status' }, 'asking the engine…'));
    const r = await ctx.api.answer({ track: part.track, part: part.id, overrides: overrides() });
    btn.disabled = false;
    if (!r.ok) { out.replaceChildren(h('p', { class: 'page-error', role: 'alert' }, `No answer: ${describeError(r.error)}`)); return; }
    const lock = ctx.ledger.entry(part.track, part.id).lock;
    if (!lock) return;
    const a = r.value;
    const label = part.question_kind === 'choice' ? part.choices.find((c) => c.id === a.choice)?.label ?? a.choice : `${Number(a.value.toPrecision(4))} ${part.unit}`;
    ctx.ledger.setReveal(part.track, part.id, { choice: a.choice, choiceLabel: label, value: a.value, reason: a.reason, match: predictionMatches(lock, a) });
    show();
  });
  sec.append(h('p', {}, part.question_kind === 'number' ? `Within ${NUMBER_TOLERANCE * 100}% of the engine's value counts as right.` : ''), btn, out);
  show();
}

function renderReflection(sec: HTMLElement, part: Part, ledger: Ledger, track: string): void {
  const id = `refl-${part.id}`;
  const ta = h('textarea', { id, rows: 5, 'data-testid': 'reflection' });
  ta.value = ledger.entry(track, part.id).reflection;
  const saved = h('span', { class: 'saved', 'aria-live': 'polite' });
  ta.addEventListener('input', () => { ledger.setReflection(track, part.id, ta.value); saved.textContent = 'saved to your ledger'; });
  // Another tab wrote this reflection later: show it, unless the student is typing here.
  ledger.onExternalChange((key) => {
    if (key === `${track}/${part.id}` && ta.isConnected && document.activeElement !== ta) ta.value = ledger.entry(track, part.id).reflection;
  });
  sec.append(h('label', { for: id }, part.reflection), ta, saved);
}
