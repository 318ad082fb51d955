// The instructor's page: the class's summary (GET /api/v1/class/summary
// with the token printed by `fleetlab lab --class`), polled every 2 s and
// redrawn only when its ETag changes. Per part: the distribution of locked
// predictions (before the reveal), the engine's answer on request, the
// students' reveals, the challenge's pass rate and the reflections.
//
// The token arrives in the link's fragment (#token=...), which browsers
// never send to a server; it is moved to sessionStorage and the fragment
// cleared, then sent only in the Authorization header.
import '../style.css';
import './class.css';
import { PredictionDistribution } from '../charts/PredictionDistribution';
import { h } from '../views/dom';
import { lockDistribution } from './distribution';
import type { ClassErrorBody, ClassSummary, PartSummary } from './protocol';

const TOKEN_KEY = 'fleetlab.instructor.token';
const POLL_MS = 2000;
const root = document.getElementById('instructor')!;

function takeToken(): string | null {
  const m = location.hash.match(/token=([A-Za-z0-9_-]+)/);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, m[1]!);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function askToken(message: string): void {
  const input = h('input', { type: 'password', id: 'token', autocomplete: 'off', required: true });
  const form = h('form', { class: 'token-form' }, h('p', {}, message),
    h('label', { for: 'token' }, 'Instructor token '), input, ' ', h('button', { type: 'submit' }, 'Open'));
  form.addEventListener('submit', (e) => { e.preventDefault(); sessionStorage.setItem(TOKEN_KEY, input.value.trim()); start(); });
  root.replaceChildren(form);
}

interface Card { el: HTMLElement; chart: PredictionDistribution; body: HTMLElement; answer: HTMLElement }

class ClassView {
  private cards = new Map<string, Card>();
  private readonly head = h('div', { class: 'instructor-head' });
  private readonly grid = h('div', { class: 'instructor-parts' });
  readonly note = h('p', { class: 'class-status', role: 'status', 'data-testid': 'instructor-status' });

  constructor() { root.replaceChildren(this.head, this.note, this.grid); }

  render(s: ClassSummary): void {
    this.head.replaceChildren(h('h1', {}, `Class ${s.class}`),
      h('p', { 'data-testid': 'class-students' }, `${s.students} students · ${s.events} events`),
      h('details', {}, h('summary', {}, 'Who joined'), h('p', {}, s.roster.map((r) => r.nickname).join(', ') || 'nobody yet')));
    for (const p of s.parts) this.renderPart(p);
  }

  private card(p: PartSummary): Card {
    const key = `${p.track}/${p.part}`;
    let c = this.cards.get(key);
    if (c) return c;
    const el = h('section', { class: 'class-part', 'data-part': key },
      h('h2', {}, `${p.track_name} · Part ${p.number}: ${p.title}`), h('p', { class: 'question' }, p.question));
    this.grid.append(el);
    const chart = new PredictionDistribution(el);
    const answer = h('div', { class: 'engine-answer' });
    const show = h('button', { type: 'button' }, 'Show the engine\'s answer');
    show.addEventListener('click', () => void engineAnswer(p, answer, show));
    const body = h('div', {});
    el.append(h('p', {}, show), answer, body);
    c = { el, chart, body, answer };
    this.cards.set(key, c);
    return c;
  }

  private renderPart(p: PartSummary): void {
    const c = this.card(p);
    const d = lockDistribution(p);
    if (p.locks.students === 0) c.chart.showMessage('no prediction locked yet');
    else c.chart.update(d);
    const pct = (n: number, of: number) => (of ? ` (${Math.round((100 * n) / of)}%)` : '');
    const reflections = p.reflections.slice().reverse();
    c.body.replaceChildren(...[
      h('p', { 'data-testid': 'locks' }, `${p.locks.students} locked a prediction`),
      h('p', { 'data-testid': 'reveals' }, `${p.reveals.students} revealed the engine's answer; ${p.reveals.matched} of them had predicted it${pct(p.reveals.matched, p.reveals.students)}`),
      p.has_challenge ? h('p', { 'data-testid': 'challenge' }, `Challenge: ${p.challenge.passed} of ${p.challenge.students} passed${pct(p.challenge.passed, p.challenge.students)}`) : null,
      h('details', {}, h('summary', {}, `Reflections (${reflections.length})`),
        ...reflections.map((r) => h('blockquote', {}, r.text, h('footer', {}, `— ${r.nickname}`))))].filter((x) => x !== null));
  }
}

/** The engine's answer for the part's own settings (POST /api/v1/answer, this server's engine). */
async function engineAnswer(p: PartSummary, out: HTMLElement, btn: HTMLButtonElement): Promise<void> {
  btn.disabled = true;
  out.replaceChildren(h('p', { role: 'status' }, 'asking the engine…'));
  try {
    const r = await fetch('./api/v1/answer', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ track: p.track, part: p.part, overrides: {} }) });
    const body = (await r.json()) as { choice: string; value: number; reason: string } & Partial<ClassErrorBody>;
    if (!r.ok) throw new Error(body.error?.message ?? `HTTP ${r.status}`);
    const label = p.question_kind === 'choice' ? p.choices.find((c) => c.id === body.choice)?.label ?? body.choice : `${Number(body.value.toPrecision(4))} ${p.unit}`;
    out.replaceChildren(h('p', {}, h('strong', {}, `The engine (the part's own settings): ${label}. `), body.reason));
  } catch (err) {
    out.replaceChildren(h('p', { role: 'alert' }, `No answer: ${err instanceof Error ? err.message : String(err)}`));
  } finally {
    btn.disabled = false;
  }
}

let running = false;

function start(): void {
  const token = takeToken();
  if (!token) { askToken('Open the instructor link that `fleetlab lab --class` printed, or paste its token.'); return; }
  if (running) return;
  running = true;
  const view = new ClassView();
  let etag = '';
  const poll = async () => {
    try {
      const headers: Record<string, string> = { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}` };
      if (etag) headers['If-None-Match'] = etag;
      const r = await fetch('./api/v1/class/summary', { headers, cache: 'no-store' });
      if (r.status === 401) {
        running = false;
        sessionStorage.removeItem(TOKEN_KEY);
        askToken('The server refused this token (a restarted server prints a new one).');
        return;
      }
      if (r.status === 200) {
        etag = r.headers.get('ETag') ?? '';
        view.render((await r.json()) as ClassSummary);
      } else if (r.status !== 304) {
        throw new Error(`HTTP ${r.status}`);
      }
      view.note.textContent = `live: updated ${new Date().toLocaleTimeString()}`;
    } catch (err) {
      view.note.textContent = `the class server does not answer (${err instanceof Error ? err.message : String(err)}); retrying`;
    }
    window.setTimeout(() => void poll(), POLL_MS);
  };
  void poll();
}

start();
