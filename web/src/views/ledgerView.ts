// The ledger page: every part's record, the Fleet Serving Strategy form, and
// export to Markdown and JSON.
import type { Track } from '../api/types';
import { fmt } from '../api/report';
import { toJson, toMarkdown } from '../ledger/export';
import type { Ledger, Priority } from '../ledger/ledger';
import { h } from './dom';

function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** "Import JSON": merges an exported ledger (newest field wins), then shows the result. */
function importControl(root: HTMLElement, tracks: Track[], ledger: Ledger): HTMLElement {
  const input = h('input', { type: 'file', id: 'import-json', accept: 'application/json,.json', 'data-testid': 'import-json' });
  const status = h('span', { role: 'status', 'data-testid': 'import-status' });
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (!file) return;
    void file.text().then((text) => {
      const err = ledger.importJson(text);
      if (err) { status.textContent = `Import refused: ${err}`; return; }
      renderLedger(root, tracks, ledger);
      root.querySelector('[data-testid=import-status]')!.textContent = `Imported ${file.name}.`;
    });
  });
  return h('span', {}, h('label', { for: 'import-json' }, 'Import JSON '), input, ' ', status);
}

export function renderLedger(root: HTMLElement, tracks: Track[], ledger: Ledger): void {
  const d = ledger.snapshot;
  const rows = tracks.flatMap((t) => t.parts.map((p) => ({ t, p, e: d.entries[`${t.id}/${p.id}`] }))).filter((x) => x.e);
  const s = d.strategy;
  const radios: [Priority, string][] = [
    ['throughput', 'Throughput: continuous batching, saturated batches'],
    ['responsiveness', 'Responsiveness: small or zero batches, isolated requests'],
    ['balanced', 'Balanced: batching bounded by a latency objective'],
  ];
  const form = h('form', { class: 'strategy', 'aria-labelledby': 'strategy-h' },
    h('h2', { id: 'strategy-h' }, 'Fleet Serving Strategy'),
    h('fieldset', {}, h('legend', {}, 'Did you prioritise throughput or responsiveness?'),
      ...radios.map(([v, label]) => h('div', { class: 'choice' },
        h('input', { type: 'radio', name: 'priority', id: `prio-${v}`, value: v, checked: s.priority === v }), h('label', { for: `prio-${v}` }, label)))),
    h('label', { for: 'tail' }, 'How did you solve the "Tail at Scale" problem?'),
    h('textarea', { id: 'tail', rows: 4 }),
    h('label', { for: 'justification' }, 'Defend your strategy with your numbers'),
    h('textarea', { id: 'justification', rows: 6 }));
  const tail = form.querySelector<HTMLTextAreaElement>('#tail')!;
  const just = form.querySelector<HTMLTextAreaElement>('#justification')!;
  tail.value = s.tail;
  just.value = s.justification;
  form.addEventListener('input', () => {
    const p = form.querySelector<HTMLInputElement>('input[name=priority]:checked');
    ledger.setStrategy({ priority: (p?.value ?? '') as Priority, tail: tail.value, justification: just.value });
  });
  form.addEventListener('submit', (e) => e.preventDefault());

  root.replaceChildren(
    h('nav', { class: 'part-nav' }, h('a', { href: '#/' }, '← Tracks')),
    h('h1', {}, 'Your ledger'),
    h('p', {}, 'Everything here is kept in this browser and survives a reload or a server restart. Export it to keep a copy.'),
    h('p', { class: 'export' },
      h('button', { type: 'button', 'data-testid': 'export-md', onclick: () => download('fleet-serving-ledger.md', 'text/markdown', toMarkdown(ledger.snapshot, tracks)) }, 'Export Markdown'),
      ' ',
      h('button', { type: 'button', 'data-testid': 'export-json', onclick: () => download('fleet-serving-ledger.json', 'application/json', toJson(ledger.snapshot)) }, 'Export JSON'),
      ' ',
      importControl(root, tracks, ledger)),
    rows.length === 0 ? h('p', {}, 'Nothing yet: lock a prediction in any part.') :
      h('table', { class: 'ledger-table' },
        h('thead', {}, h('tr', {}, ...['Track', 'Part', 'Prediction', 'Engine', 'Result', 'Tries', 'Reflection'].map((x) => h('th', {}, x)))),
        h('tbody', {}, ...rows.map(({ t, p, e }) => h('tr', {},
          h('td', {}, t.name), h('td', {}, h('a', { href: `#/track/${t.id}/${p.id}` }, `${p.number}. ${p.title}`)),
          h('td', {}, !e!.lock ? '—' : e!.lock.kind === 'choice' ? e!.lock.label : `${e!.lock.value} ${e!.lock.unit}`),
          h('td', {}, e!.reveal ? `${e!.reveal.choiceLabel} (${e!.reveal.match ? 'match' : 'differs'})` : '—'),
          h('td', {}, e!.result ? `${e!.result.label} ${fmt(e!.result.value, e!.result.unit)}` : '—'),
          h('td', {}, e!.tries.length), h('td', {}, e!.reflection.trim() ? e!.reflection.trim().slice(0, 80) : '—'))))),
    form);
}
