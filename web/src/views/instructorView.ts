// The instructor guide (docs/instructor.md, copied into the build as
// instructor.md): fetched and rendered with a small Markdown subset
// (headings, paragraphs, lists, tables, code, bold). Text is always set as
// text, never parsed as HTML.
import { h } from './dom';

export async function renderInstructor(root: HTMLElement): Promise<void> {
  root.replaceChildren(h('p', { role: 'status' }, 'loading the instructor guide…'));
  let text: string;
  try {
    const res = await fetch('./instructor.md');
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    text = await res.text();
  } catch (err) {
    root.replaceChildren(h('p', { class: 'page-error', role: 'alert' }, `The instructor guide could not be loaded (${err instanceof Error ? err.message : String(err)}); it is docs/instructor.md in the source tree.`));
    return;
  }
  root.replaceChildren(h('article', { class: 'instructor', 'data-testid': 'instructor' }, ...markdown(text)));
}

/** Inline: **bold** and `code`; the rest as text. */
function inline(s: string): (Node | string)[] {
  const out: (Node | string)[] = [];
  const re = /(\*\*[^*]+\*\*|`[^`]+`)/g;
  let at = 0;
  for (const m of s.matchAll(re)) {
    if (m.index! > at) out.push(s.slice(at, m.index));
    const t = m[0];
    out.push(t.startsWith('**') ? h('strong', {}, t.slice(2, -2)) : h('code', {}, t.slice(1, -1)));
    at = m.index! + t.length;
  }
  if (at < s.length) out.push(s.slice(at));
  return out;
}

export function markdown(text: string): HTMLElement[] {
  const lines = text.split('\n');
  const out: HTMLElement[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i]!;
    if (/^#{1,4} /.test(l)) {
      const level = l.match(/^#+/)![0].length;
      out.push(h(`h${Math.min(level + 1, 5)}` as 'h2', {}, ...inline(l.replace(/^#+ /, ''))));
      i++;
    } else if (l.startsWith('```')) {
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) code.push(lines[i]!);
      out.push(h('pre', {}, h('code', {}, code.join('\n'))));
      i++;
    } else if (/^\|/.test(l)) {
      const rows: string[][] = [];
      for (; i < lines.length && /^\|/.test(lines[i]!); i++) {
        if (/^\|[\s:|-]+\|?$/.test(lines[i]!)) continue;
        rows.push(lines[i]!.replace(/^\||\|$/g, '').split('|').map((c) => c.trim()));
      }
      const [head, ...body] = rows;
      out.push(h('table', {}, h('thead', {}, h('tr', {}, ...(head ?? []).map((c) => h('th', {}, ...inline(c))))),
        h('tbody', {}, ...body.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, ...inline(c))))))));
    } else if (/^\s*[-*] /.test(l) || /^\s*\d+\. /.test(l)) {
      const ordered = /^\s*\d+\. /.test(l);
      const items: HTMLElement[] = [];
      for (; i < lines.length && (/^\s*[-*] /.test(lines[i]!) || /^\s*\d+\. /.test(lines[i]!)); i++) {
        items.push(h('li', {}, ...inline(lines[i]!.replace(/^\s*([-*]|\d+\.) /, ''))));
      }
      out.push(ordered ? h('ol', {}, ...items) : h('ul', {}, ...items));
    } else if (l.trim() === '') {
      i++;
    } else {
      const para: string[] = [];
      for (; i < lines.length && lines[i]!.trim() !== '' && !/^(#|\||```|\s*[-*] |\s*\d+\. )/.test(lines[i]!); i++) para.push(lines[i]!);
      out.push(h('p', {}, ...inline(para.join(' '))));
    }
  }
  return out;
}
