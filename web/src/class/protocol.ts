// The typed mirror of the class server's routes (docs/api.md, "Classroom").
// Kept apart from api/types.ts: a class server may be another machine than
// the one serving the lab (a static site posts to it), and only these
// routes are shared.

export interface ClassBounds {
  max_students: number;
  max_nickname_chars: number;
  max_reflection_chars: number;
  max_events_per_student: number;
  max_events_per_request: number;
}

/** GET /api/v1/class */
export interface ClassInfo { classroom: true; bounds: ClassBounds }

/** POST /api/v1/class/join: `key` rejoins as the student who holds it. */
export interface JoinRequest { code: string; nickname: string; key?: string }
export interface JoinResponse { student: number; nickname: string; key: string; bounds: ClassBounds }

interface EventBase { id: string; track: string; part: string; at?: string }
export type ClassEvent = EventBase & (
  | { kind: 'lock'; choice: string }
  | { kind: 'lock'; value: number }
  | { kind: 'reveal'; choice: string; value: number; match: boolean }
  | { kind: 'challenge'; passed: boolean }
  | { kind: 'reflection'; text: string });

/** POST /api/v1/class/events */
export interface EventsRequest { code: string; student: number; key: string; events: ClassEvent[] }
export interface EventsResponse { stored: number; duplicates: number; events_left: number }

/** GET /api/v1/class/summary (Authorization: Bearer <instructor token>) */
export interface PartSummary {
  track: string; track_name: string; part: string; number: number; title: string; question: string;
  question_kind: 'choice' | 'number'; unit: string; choices: { id: string; label: string }[];
  has_challenge: boolean;
  /** Each student's latest lock: counts aligned with `choices`, or the values (sorted) of a number question. */
  locks: { students: number; counts: number[]; values: number[] };
  reveals: { students: number; matched: number; counts: number[]; values: number[] };
  challenge: { students: number; passed: number };
  reflections: { nickname: string; text: string; at: string }[];
}
export interface ClassSummary {
  class: string; version: string; students: number; events: number;
  roster: { nickname: string; events: number }[];
  parts: PartSummary[];
}

export interface ClassErrorBody { error: { code: string; field: string | null; message: string } }
