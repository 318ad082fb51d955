// The class client: ledger events found by stamp, the outbox that loses
// nothing while the server blips, the address a student types, and the
// prediction histogram of the instructor's page.
import { describe, expect, it } from 'vitest';
import { Ledger, type KeyValueStorage } from '../src/ledger/ledger';
import { collectEvents } from '../src/class/events';
import { Outbox, OUTBOX_KEY, MAX_DELAY_MS } from '../src/class/outbox';
import { classBase } from '../src/class/address';
import { histogram, lockDistribution } from '../src/class/distribution';
import type { ClassEvent, PartSummary } from '../src/class/protocol';

class MemStorage implements KeyValueStorage {
  m = new Map<string, string>();
  getItem(k: string) { return this.m.get(k) ?? null; }
  setItem(k: string, v: string) { this.m.set(k, v); }
  removeItem(k: string) { this.m.delete(k); }
  get length() { return this.m.size; }
  key(i: number) { return [...this.m.keys()][i] ?? null; }
}

/** A class server in memory: stores events once by id; `down` makes it unreachable, `status` answers that instead. */
class FakeServer {
  stored = new Map<string, ClassEvent>();
  down = false;
  status: number | null = null;
  retryAfter: string | null = null;
  refuse: ((e: ClassEvent) => string | null) | null = null;
  intercept: ((url: string) => Response | null) | null = null;
  requests = 0;
  fetch = async (url: string, init?: RequestInit): Promise<Response> => {
    this.requests++;
    if (this.down) throw new TypeError('Failed to fetch');
    const intercepted = this.intercept?.(url);
    if (intercepted) return intercepted;
    const body = JSON.parse(String(init?.body));
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.retryAfter !== null) headers['Retry-After'] = this.retryAfter;
    if (this.status !== null) return new Response(JSON.stringify({ error: { code: 'x', field: null, message: `status ${this.status}` } }), { status: this.status, headers });
    if (url.endsWith('/join')) return new Response(JSON.stringify({ student: 7, nickname: body.nickname, key: 'k'.repeat(22), bounds: { max_events_per_request: 3 } }), { status: body.key ? 200 : 201, headers });
    const events = body.events as ClassEvent[];
    for (let i = 0; i < events.length; i++) {
      const why = this.refuse?.(events[i]!);
      if (why) return new Response(JSON.stringify({ error: { code: 'invalid_field', field: `events[${i}].text`, message: why } }), { status: 400, headers });
    }
    let dup = 0;
    for (const e of events) { if (this.stored.has(e.id)) dup++; else this.stored.set(e.id, e); }
    return new Response(JSON.stringify({ stored: events.length - dup, duplicates: dup, events_left: 100 }), { status: 200, headers });
  };
}

/** Timers run by hand: `due()` fires those whose time has come. */
class Timers {
  now = 0;
  list: { at: number; fn: () => void; id: number }[] = [];
  delays: number[] = [];
  private n = 0;
  set = (fn: () => void, ms: number) => { this.delays.push(ms); const id = ++this.n; this.list.push({ at: this.now + ms, fn, id }); return id; };
  clear = (id: unknown) => { this.list = this.list.filter((t) => t.id !== id); };
  async advance(ms: number): Promise<void> {
    this.now += ms;
    for (const t of this.list.filter((x) => x.at <= this.now)) { this.clear(t.id); t.fn(); }
    await settle();
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const lock = (i: number): ClassEvent => ({ id: `t/part1/lock/${i}`, track: 't', part: 'part1', kind: 'lock', choice: 'linear' });

function setup() {
  const server = new FakeServer(), timers = new Timers(), storage = new MemStorage();
  const make = () => new Outbox({ storage, fetch: server.fetch, setTimer: timers.set, clearTimer: timers.clear, random: () => 1 });
  return { server, timers, storage, make };
}

describe('collectEvents', () => {
  it('finds each write once, by its stamp, and waits for a reflection to settle', () => {
    const ledger = new Ledger(new MemStorage());
    ledger.lock('cloud-titan', 'part1', { kind: 'choice', choice: 'exponential', label: 'E', at: '2025-01-01T00:00:00Z' });
    ledger.setReveal('cloud-titan', 'part1', { choice: 'exponential', choiceLabel: 'E', value: 0, reason: 'r', match: true });
    ledger.setChallenge('cloud-titan', 'part3', { passed: true, before: 1, after: 0.4, guardBefore: 1, guardAfter: 1 });
    ledger.lock('cloud-titan', 'part2', { kind: 'number', value: 16, unit: 'GPUs', at: 'x' });
    ledger.setReflection('cloud-titan', 'part1', 'queues');
    const stamp = ledger.snapshot.entries['cloud-titan/part1']!.stamps!.reflection!;
    const first = collectEvents(ledger.snapshot.entries, {}, { now: stamp + 500, reflectionQuietMs: 2000 });
    expect(first.events.map((e) => `${e.part}/${e.kind}`).sort()).toEqual(['part1/lock', 'part1/reveal', 'part2/lock', 'part3/challenge']);
    expect(first.waiting).toBe(true);
    expect(first.events.find((e) => e.part === 'part2')).toMatchObject({ kind: 'lock', value: 16 });
    expect(first.events.find((e) => e.kind === 'reveal')).toMatchObject({ choice: 'exponential', value: 0, match: true });
    const again = collectEvents(ledger.snapshot.entries, first.marks, { now: stamp + 500, reflectionQuietMs: 2000 });
    expect(again.events).toEqual([]);
    const settled = collectEvents(ledger.snapshot.entries, first.marks, { now: stamp + 2000, reflectionQuietMs: 2000 });
    expect(settled.events).toEqual([{ id: `cloud-titan/part1/reflection/${stamp}`, track: 'cloud-titan', part: 'part1', kind: 'reflection', text: 'queues' }]);
    expect(settled.waiting).toBe(false);
    ledger.setReflection('cloud-titan', 'part1', 'queues explode');
    const edited = collectEvents(ledger.snapshot.entries, settled.marks, { now: 0, reflectionQuietMs: 2000, final: true });
    expect(edited.events.map((e) => (e.kind === 'reflection' ? e.text : ''))).toEqual(['queues explode']);
  });
});

describe('Outbox', () => {
  it('sends in batches of the server\'s size and keeps nothing once acknowledged', async () => {
    const { server, make, storage } = setup();
    const box = make();
    expect(await box.join('http://s/api/v1/class', 'cs101', 'Ada')).toBeNull();
    box.enqueue([lock(1), lock(2), lock(3), lock(4), lock(5)], { 'a': 5 });
    await settle(); await settle();
    expect(server.stored.size).toBe(5);
    expect(server.requests).toBe(1 + 2);  // join, then batches of 3 and 2
    expect(box.pending).toEqual([]);
    expect(box.current.kind).toBe('sent');
    expect(JSON.parse(storage.getItem(OUTBOX_KEY)!).pending).toEqual([]);
  });

  it('loses nothing while the server is down, retrying with a growing delay up to 30 s', async () => {
    const { server, timers, make } = setup();
    const box = make();
    await box.join('http://s/api/v1/class', 'cs101', 'Ada');
    server.down = true;
    box.enqueue([lock(1), lock(2)], {});
    await settle();
    expect(box.current).toMatchObject({ kind: 'retrying', pending: 2 });
    for (let i = 0; i < 8; i++) await timers.advance(MAX_DELAY_MS);
    expect(timers.delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
    box.enqueue([lock(3)], {});  // queued while waiting: no extra request before the timer
    const before = server.requests;
    await settle();
    expect(server.requests).toBe(before);
    server.down = false;
    await timers.advance(MAX_DELAY_MS);
    expect([...server.stored.keys()].sort()).toEqual([lock(1).id, lock(2).id, lock(3).id]);
    expect(box.current.kind).toBe('sent');
  });

  it('honours Retry-After on 429 and 503', async () => {
    const { server, timers, make } = setup();
    const box = make();
    await box.join('http://s/api/v1/class', 'cs101', 'Ada');
    server.status = 429;
    server.retryAfter = '7';
    box.enqueue([lock(1)], {});
    await settle();
    expect(timers.delays.at(-1)).toBe(7000);
    server.status = 503;
    server.retryAfter = '1';
    await timers.advance(7000);
    expect(timers.delays.at(-1)).toBe(1000);
    server.status = null;
    server.retryAfter = null;
    await timers.advance(1000);
    expect(server.stored.size).toBe(1);
  });

  it('keeps the queue across a reload (a new page on the same storage)', async () => {
    const { server, make } = setup();
    const box = make();
    await box.join('http://s/api/v1/class', 'cs101', 'Ada');
    server.down = true;
    box.enqueue([lock(1), lock(2)], { 't/part1/lock': 2 });
    await settle();
    server.down = false;
    const reloaded = make();
    expect(reloaded.member?.nickname).toBe('Ada');
    expect(reloaded.pending.map((e) => e.id)).toEqual([lock(1).id, lock(2).id]);
    expect(reloaded.marks).toEqual({ 't/part1/lock': 2 });
    await reloaded.flush();
    expect(server.stored.size).toBe(2);
  });

  it('sets aside an event the server refuses, with the reason, and sends the rest', async () => {
    const { server, make } = setup();
    const box = make();
    await box.join('http://s/api/v1/class', 'cs101', 'Ada');
    const long: ClassEvent = { id: 'big', track: 't', part: 'part1', kind: 'reflection', text: 'x'.repeat(3000) };
    server.refuse = (e) => (e.kind === 'reflection' ? 'events[i].text: at most 2000 characters' : null);
    box.enqueue([lock(1), long, lock(2)], {});
    await settle(); await settle(); await settle();
    expect([...server.stored.keys()].sort()).toEqual([lock(1).id, lock(2).id]);
    expect(box.rejected).toEqual([{ id: 'big', message: 'events[i].text: at most 2000 characters' }]);
    expect(box.pending).toEqual([]);
  });

  it('stops on a membership the server no longer knows, keeping the queue', async () => {
    const { server, make } = setup();
    const box = make();
    await box.join('http://s/api/v1/class', 'cs101', 'Ada');
    server.status = 403;
    box.enqueue([lock(1)], {});
    await settle();
    expect(box.current).toMatchObject({ kind: 'stopped', pending: 1 });
    expect(box.pending).toHaveLength(1);
  });

  it('rejoins with its key, and two tabs sharing a queue lose neither\'s events', async () => {
    const { server, make } = setup();
    const a = make();
    await a.join('http://s/api/v1/class', 'cs101', 'Ada');
    const b = make();
    server.down = true;
    a.enqueue([lock(1)], { x: 1 });
    b.enqueue([lock(2)], { y: 2 });  // b had not seen a's event
    await settle();
    const c = make();
    expect(c.pending.map((e) => e.id).sort()).toEqual([lock(1).id, lock(2).id]);
    expect(c.marks).toEqual({ x: 1, y: 2 });
    server.down = false;
    expect(await c.join('http://s/api/v1/class', 'cs101', 'ada')).toBeNull();  // same nickname: rejoins, queue kept
    await settle(); await settle();
    expect(server.stored.size).toBe(2);
  });

  it('halves its batch when the server finds the body too large', async () => {
    const { server, make } = setup();
    const box = make();
    await box.join('http://s/api/v1/class', 'cs101', 'Ada');
    let refusals = 1;
    server.intercept = (url) => {
      if (refusals > 0 && url.endsWith('/events')) { refusals--; return new Response('{}', { status: 413 }); }
      return null;
    };
    box.enqueue([lock(1), lock(2), lock(3)], {});
    await settle(); await settle(); await settle(); await settle();
    expect(server.stored.size).toBe(3);
    expect(box.member?.batch).toBe(1);
  });
});

describe('classBase', () => {
  it('turns what a student types into the class routes\' base', () => {
    expect(classBase('10.0.0.5:8080')).toEqual({ base: 'http://10.0.0.5:8080/api/v1/class' });
    expect(classBase(' https://Lab.Example/ ')).toEqual({ base: 'https://lab.example/api/v1/class' });
    expect(classBase('')).toHaveProperty('error');
    expect(classBase('ftp://x')).toHaveProperty('error');
    expect(classBase('http://u:p@x')).toHaveProperty('error');
  });
});

describe('lockDistribution', () => {
  const part = (over: Partial<PartSummary>): PartSummary => ({
    track: 't', track_name: 'T', part: 'part1', number: 1, title: '', question: '', question_kind: 'choice', unit: '',
    choices: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], has_challenge: false,
    locks: { students: 3, counts: [1, 2], values: [] }, reveals: { students: 0, matched: 0, counts: [0, 0], values: [] },
    challenge: { students: 0, passed: 0 }, reflections: [], ...over,
  });
  it('counts choices as they are, and bins numbers', () => {
    expect(lockDistribution(part({}))).toEqual({ labels: ['A', 'B'], counts: [1, 2], axis: 'Prediction' });
    const n = lockDistribution(part({ question_kind: 'number', unit: 'GPUs', choices: [], locks: { students: 9, counts: [], values: [1, 2, 2, 3, 4, 5, 6, 7, 8] } }));
    // sqrt(9) = 3 bins of width 7/3 from 1: [1, 3.33) holds 1 2 2 3, [3.33, 5.67) 4 5, [5.67, 8] 6 7 8
    expect(n.counts).toEqual([4, 2, 3]);
    expect(n.counts.reduce((a, b) => a + b)).toBe(9);
    expect(n.labels[0]).toBe('1–3.33 GPUs');
    expect(histogram([5, 5, 5], 8)).toEqual({ edges: [5, 5], counts: [3] });
    expect(histogram([], 8)).toEqual({ edges: [], counts: [] });
  });
});
