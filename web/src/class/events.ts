// The ledger's work as class events: each lock, reveal, challenge result and
// reflection the ledger holds that was not queued yet, found by its stamp
// (the ledger stamps every field it writes). An event's id is
// "<track>/<part>/<kind>/<stamp>": the same write, seen again (a reload,
// another tab), is the same event, and the server stores it once.
import type { PartEntry } from '../ledger/ledger';
import type { ClassEvent } from './protocol';

/** `<track>/<part>/<kind>` -> the stamp of the last write queued. */
export type Marks = Record<string, number>;

export interface Collected {
  events: ClassEvent[];
  marks: Marks;
  /** A reflection is still being typed: look again after the quiet time. */
  waiting: boolean;
}

export interface CollectOptions {
  now: number;
  /** A reflection is sent once it has not changed for this long (typing makes a write per key). */
  reflectionQuietMs: number;
  /** Send reflections whatever their age (the page is being left). */
  final?: boolean;
}

type Kind = ClassEvent['kind'];

function payload(kind: Kind, e: PartEntry): Record<string, unknown> | null {
  switch (kind) {
    case 'lock':
      if (!e.lock) return null;
      return e.lock.kind === 'choice' ? { choice: e.lock.choice, at: e.lock.at } : { value: e.lock.value, at: e.lock.at };
    case 'reveal':
      return e.reveal ? { choice: e.reveal.choice, value: e.reveal.value, match: e.reveal.match, at: e.reveal.at } : null;
    case 'challenge':
      return e.challenge ? { passed: e.challenge.passed, at: e.challenge.at } : null;
    case 'reflection':
      return { text: e.reflection };
  }
}

const FIELD: Record<Kind, 'lock' | 'reveal' | 'challenge' | 'reflection'> = { lock: 'lock', reveal: 'reveal', challenge: 'challenge', reflection: 'reflection' };

/** The events of `entries` newer than `marks` (which is not changed; the new marks are returned). */
export function collectEvents(entries: Readonly<Record<string, PartEntry>>, marks: Readonly<Marks>, opts: CollectOptions): Collected {
  const out: ClassEvent[] = [];
  const next: Marks = { ...marks };
  let waiting = false;
  for (const [key, entry] of Object.entries(entries)) {
    const slash = key.indexOf('/');
    if (slash <= 0) continue;
    const track = key.slice(0, slash), part = key.slice(slash + 1);
    for (const kind of ['lock', 'reveal', 'challenge', 'reflection'] as const) {
      const stamp = entry.stamps?.[FIELD[kind]];
      const mark = `${key}/${kind}`;
      if (stamp === undefined || stamp <= (marks[mark] ?? 0)) continue;
      const body = payload(kind, entry);
      if (!body) continue;
      if (kind === 'reflection' && !opts.final && opts.now - stamp < opts.reflectionQuietMs) { waiting = true; continue; }
      out.push({ id: `${mark}/${stamp}`, track, part, kind, ...body } as ClassEvent);
      next[mark] = stamp;
    }
  }
  return { events: out, marks: next, waiting };
}
