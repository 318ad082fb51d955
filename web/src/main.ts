// The lab's entry point: loads the tracks, keeps the ledger, routes
// #/ (tracks), #/track/<track>/<part>, #/ledger, #/planner and #/instructor.
import './style.css';
import { describeError } from './api/client';
import { mountClassJoin } from './class/join';
import type { Track } from './api/types';
import type { Engine } from './engine/engine';
import { chooseEngine, type Chosen } from './engine/select';
import { Ledger } from './ledger/ledger';
import { renderChooser } from './views/chooser';
import { h } from './views/dom';
import { renderLedger } from './views/ledgerView';
import { renderInstructor } from './views/instructorView';
import { renderPart } from './views/part';
import { renderPlanner } from './planner/page';

const app = document.getElementById('app')!;
const banner = document.getElementById('banner')!;
// Set by main(): the lab server's API, or the engine running in this browser (src/engine/).
let api: Engine;
const ledger = new Ledger(window.localStorage);
const saveBanner = h('p', { role: 'alert', 'data-testid': 'save-error', hidden: true });
banner.replaceChildren(...(ledger.loadError ? [h('p', { role: 'alert' }, ledger.loadError)] : []), saveBanner);
ledger.onChange(() => {
  saveBanner.hidden = ledger.saveError === null;
  saveBanner.textContent = ledger.saveError ?? '';
});
// Another tab's writes: merged field by field (newest wins) so neither tab
// erases the other's work.
window.addEventListener('storage', (e) => { ledger.applyStorageEvent(e.key, e.newValue); });
// "Join a class": the ledger's events go to a class server once the student joins.
mountClassJoin(document.querySelector('header.site')!, ledger);

declare global { interface Window { __fleetlabEngine?: Chosen } }

let tracks: Track[] = [];

async function route(): Promise<void> {
  const m = location.hash.match(/^#\/track\/([^/]+)\/([^/]+)$/);
  window.scrollTo(0, 0);
  if (m) {
    const t = tracks.find((x) => x.id === m[1]);
    if (!t) { app.replaceChildren(h('p', { class: 'page-error', role: 'alert' }, `No track "${m[1]}".`), h('a', { href: '#/' }, 'Back')); return; }
    await renderPart(app, { api, ledger, tracks }, t, m[2]!);
  } else if (location.hash === '#/planner') {
    renderPlanner(app);
  } else if (location.hash === '#/instructor') {
    await renderInstructor(app);
  } else if (location.hash === '#/ledger') {
    renderLedger(app, tracks, ledger);
  } else {
    renderChooser(app, tracks, ledger);
  }
  app.dataset.ready = location.hash || '#/';
}

async function main(): Promise<void> {
  const chosen = await chooseEngine();
  api = chosen.engine;
  document.documentElement.dataset.engine = chosen.kind;
  window.__fleetlabEngine = chosen; // for the e2e (e2e/site.mjs), as window.__fleetlabPerf
  banner.prepend(h('p', { class: 'engine-note', 'data-testid': 'engine-note' }, chosen.note));
  const r = await api.tracks();
  if (!r.ok) {
    app.replaceChildren(h('p', { class: 'page-error', role: 'alert' }, `The lab server did not answer with its tracks: ${describeError(r.error)}`));
    return;
  }
  tracks = r.value.tracks;
  window.addEventListener('hashchange', () => void route());
  await route();
}

void main();
