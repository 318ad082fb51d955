// "Join a class": a small control in the site header. The student gives the
// class code and a nickname (and, when this page's own server keeps no
// class, as on the static site, the class server's address); from then on
// every lock, reveal, challenge result and reflection the ledger records is
// queued (outbox.ts) and sent to the class server. Nothing is sent before
// the student joins, and nothing but the nickname identifies them.
import './class.css';
import type { Ledger } from '../ledger/ledger';
import { h } from '../views/dom';
import { classBase } from './address';
import { collectEvents } from './events';
import { Outbox, type OutboxStatus } from './outbox';
import type { ClassInfo } from './protocol';

/** A reflection is sent once it has not changed for this long. */
export const REFLECTION_QUIET_MS = 2000;
const OWN_BASE = '/api/v1/class';

function statusText(s: OutboxStatus, rejected: number): string {
  const refused = rejected ? ` (${rejected} refused by the server)` : '';
  switch (s.kind) {
    case 'out': return '';
    case 'sent': return `all sent${refused}`;
    case 'sending': return `sending ${s.pending}…`;
    case 'retrying': return `${s.pending} waiting: ${s.why}; retrying in ${Math.ceil(s.inMs / 1000)} s`;
    case 'stopped': return `${s.pending} not sent: ${s.why}`;
  }
}

/** Whether this page's own server keeps a class (then no address is asked for). */
async function ownServerHasClass(): Promise<boolean> {
  try {
    const r = await fetch(OWN_BASE, { credentials: 'omit' });
    return r.ok && ((await r.json()) as ClassInfo).classroom === true;
  } catch { return false; }
}

export function mountClassJoin(host: HTMLElement, ledger: Ledger): Outbox {
  const outbox = new Outbox({ storage: window.localStorage, fetch: (u, i) => fetch(u, i), setTimer: (f, ms) => window.setTimeout(f, ms), clearTimer: (t) => window.clearTimeout(t as number) });
  const summary = h('summary', { 'data-testid': 'class-summary' }, 'Join a class');
  const address = h('input', { id: 'class-address', type: 'url', placeholder: 'http://10.0.0.5:8080', autocomplete: 'off' });
  const addressRow = h('p', { hidden: true }, h('label', { for: 'class-address' }, 'Class server '), address);
  const code = h('input', { id: 'class-code', required: true, maxlength: 32, autocomplete: 'off', 'data-testid': 'class-code' });
  const nick = h('input', { id: 'class-nickname', required: true, maxlength: 32, autocomplete: 'off', 'data-testid': 'class-nickname' });
  const status = h('p', { class: 'class-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'class-status' });
  const join = h('button', { type: 'submit' }, 'Join');
  const leave = h('button', { type: 'button', hidden: true }, 'Leave the class');
  const form = h('form', { class: 'class-form' }, addressRow,
    h('p', {}, h('label', { for: 'class-code' }, 'Class code '), code),
    h('p', {}, h('label', { for: 'class-nickname' }, 'Nickname '), nick),
    h('p', { class: 'class-note' }, 'The class gets your nickname and your locked predictions, reveals, challenge results and reflections; nothing else.'),
    join);
  const box = h('details', { class: 'class-join', 'data-testid': 'class-join' }, summary, form, leave, status);
  host.append(box);

  const render = () => {
    const m = outbox.member;
    form.hidden = m !== null;
    leave.hidden = m === null;
    summary.textContent = m ? `Class ${m.code} · ${m.nickname}` : 'Join a class';
    status.textContent = statusText(outbox.current, outbox.rejected.length);
  };
  // Asked only once the student opens the control: a lab without a class
  // sends nothing (not even this probe) unless the student wants to join.
  let own: Promise<boolean> | null = null;
  const probe = () => (own ??= ownServerHasClass().then((yes) => {
    addressRow.hidden = yes;
    box.dataset.ownClass = yes ? 'yes' : 'no';
    return yes;
  }));
  box.addEventListener('toggle', () => { if (box.open && !outbox.member) void probe(); });

  // Look for new ledger events: at once for a lock, reveal or challenge; a reflection once typing stops.
  let quiet: number | null = null;
  const scan = (final = false) => {
    if (!outbox.member) return;
    const c = collectEvents(ledger.snapshot.entries, outbox.marks, { now: Date.now(), reflectionQuietMs: REFLECTION_QUIET_MS, final });
    if (c.events.length) outbox.enqueue(c.events, c.marks);
    if (quiet !== null) window.clearTimeout(quiet);
    quiet = c.waiting ? window.setTimeout(() => { quiet = null; scan(); }, REFLECTION_QUIET_MS) : null;
  };
  ledger.onChange(() => scan());
  window.addEventListener('pagehide', () => scan(true));
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') scan(true); });
  window.addEventListener('online', () => void outbox.flush());
  outbox.onStatus(render);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const where = (await probe()) ? { base: OWN_BASE } : classBase(address.value);
    if ('error' in where) { status.textContent = where.error; return; }
    join.disabled = true;
    status.textContent = 'joining…';
    const err = await outbox.join(where.base, code.value.trim(), nick.value.trim());
    join.disabled = false;
    if (err) { status.textContent = `Not joined: ${err}`; return; }
    render();
    scan(true);
  });
  leave.addEventListener('click', () => { outbox.leave(); render(); });
  render();
  if (outbox.member) { scan(); void outbox.flush(); }
  return outbox;
}
