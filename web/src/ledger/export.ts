// The ledger as a Markdown report and as JSON, for the student to keep.
import type { Track } from '../api/types';
import { fmt } from '../api/report';
import { ITERATION_LIMIT, partKey, type LedgerData, type Lock } from './ledger';

export function toJson(data: Readonly<LedgerData>): string {
  return JSON.stringify({ format: 'fleetlab-ledger', ...data }, null, 2);
}

function lockText(l: Lock | undefined): string {
  if (!l) return '_not answered_';
  return l.kind === 'choice' ? l.label : `${l.value}${l.unit ? ' ' + l.unit : ''}`;
}

const PRIORITY: Record<string, string> = {
  throughput: 'Throughput (continuous batching, saturated batches)',
  responsiveness: 'Responsiveness (small or zero batches, isolated requests)',
  balanced: 'Balanced (batching bounded by a latency objective)',
  '': '_not chosen_',
};

/** Markdown, one section per part the student opened, then the strategy. */
export function toMarkdown(data: Readonly<LedgerData>, tracks: Track[]): string {
  const out: string[] = ['# Fleet Serving Lab — ledger', '', `Started ${data.startedAt}.`, ''];
  for (const track of tracks) {
    const parts = track.parts.filter((p) => data.entries[partKey(track.id, p.id)]);
    if (parts.length === 0) continue;
    out.push(`## ${track.name} — ${track.persona}`, '', `North star: ${track.north_star}`, '');
    for (const p of parts) {
      const e = data.entries[partKey(track.id, p.id)]!;
      out.push(`### Part ${p.number}: ${p.title}`, '', `**Prediction** (${p.question}): ${lockText(e.lock)}`, '');
      if (e.reveal) {
        out.push(`**Engine's answer**: ${e.reveal.choiceLabel} — ${e.reveal.match ? 'matches' : 'differs from'} the prediction. ${e.reveal.reason}`, '');
      }
      if (e.result) out.push(`**Result**: ${e.result.label} ${fmt(e.result.value, e.result.unit)}`, '');
      if (e.tries.length) {
        out.push(`**Configurations tried** (${e.tries.length}${p.target ? `; the ${ITERATION_LIMIT}-iteration rule, target ${p.target.label}` : ''}):`, '');
        out.push('| # | settings | value | target met |', '|---|---|---|---|');
        for (const t of e.tries) {
          const s = Object.entries(t.overrides).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ') || '(as written)';
          out.push(`| ${t.n} | ${s} | ${t.error ? 'refused: ' + t.error : fmt(t.value)} | ${t.met === null ? '—' : t.met ? 'yes' : 'no'} |`);
        }
        out.push('');
      }
      if (e.challenge) {
        out.push(`**${p.challenge?.stakeholder ?? 'Stakeholder'} challenge**: ${e.challenge.passed ? 'PASSED' : 'not met'} (before ${fmt(e.challenge.before)}, after ${fmt(e.challenge.after)}; guard before ${fmt(e.challenge.guardBefore)}, after ${fmt(e.challenge.guardAfter)})`, '');
      }
      out.push(`**Reflection** (${p.reflection}):`, '', e.reflection.trim() ? e.reflection.trim() : '_not written_', '');
    }
  }
  const s = data.strategy;
  out.push('## Fleet Serving Strategy', '', `**Priority**: ${PRIORITY[s.priority] ?? s.priority}`, '',
    `**How the tail was handled**: ${s.tail.trim() || '_not written_'}`, '', `**Justification**: ${s.justification.trim() || '_not written_'}`, '');
  return out.join('\n');
}
