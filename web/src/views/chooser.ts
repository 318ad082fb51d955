// The track chooser: the four personas with their north star and crisis,
// and where the student stands in each part.
import type { Track } from '../api/types';
import type { Ledger } from '../ledger/ledger';
import { h } from './dom';

export function renderChooser(root: HTMLElement, tracks: Track[], ledger: Ledger): void {
  root.replaceChildren(
    h('h1', {}, 'Fleet Serving Lab: choose your track'),
    h('p', { class: 'lede' }, 'At fleet scale the queue is the model. Pick a mission; each has three parts: the throughput knee, sharding the heavyweight, the memory wall.'),
    h('div', { class: 'track-grid' }, ...tracks.map((t) => h('article', { class: 'track-card', 'data-track': t.id },
      h('h2', {}, t.name), h('p', { class: 'persona' }, t.persona),
      h('p', {}, h('strong', {}, 'North star: '), t.north_star),
      h('p', {}, h('strong', {}, 'Crisis: '), t.crisis),
      h('ol', { class: 'parts' }, ...t.parts.map((p) => {
        const e = ledger.snapshot.entries[`${t.id}/${p.id}`];
        const state = !e?.lock ? '' : e.reflection.trim() ? ' ✓ reflected' : ' · locked';
        return h('li', {}, h('a', { href: `#/track/${t.id}/${p.id}` }, `Part ${p.number}: ${p.title}`), h('span', { class: 'state' }, state));
      }))))),
  );
}
