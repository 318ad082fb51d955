// Writes the fixture tracks (test/fixtures) as track files in the format
// src/tracks/load.cc reads: OUT/<track>/track.json and part1..3.json (the
// scenario with its "lab" object). For running the real `fleetlab lab
// --tracks OUT` before the project's own tracks/ exist.
//   node e2e/fixture-tracks.mjs OUT
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFixtures } from './mock-engine.mjs';

export function writeFixtureTracks(out) {
  const fx = loadFixtures(resolve(fileURLToPath(new URL('.', import.meta.url)), '../test/fixtures'));
  fx.tracks.tracks.forEach((t, i) => {
    const dir = join(out, t.id);
    mkdirSync(dir, { recursive: true });
    const { parts, ...track } = t;
    writeFileSync(join(dir, 'track.json'), JSON.stringify({ ...track, order: i + 1 }, null, 1));
    for (const p of parts) {
      const controls = p.controls.map((c) => {
        const o = { path: c.path, label: c.label, kind: c.kind, unit: c.unit };
        if (c.kind === 'range') Object.assign(o, { min: c.min, max: c.max, step: c.step });
        if (c.kind === 'select') o.options = c.options;
        return o;
      });
      const lab = { title: p.title, question: p.question, question_kind: p.question_kind, unit: p.unit, controls, instruments: p.instruments, reflection: p.reflection };
      if (p.question_kind === 'choice') lab.choices = p.choices;
      if (p.target) lab.target = p.target;
      if (p.challenge) lab.challenge = p.challenge;
      writeFileSync(join(dir, `${p.id}.json`), JSON.stringify({ ...fx.scenarios[`${t.id}/${p.id}`], lab }, null, 1));
    }
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) { console.error('usage: node e2e/fixture-tracks.mjs OUT'); process.exit(2); }
  writeFixtureTracks(resolve(out));
  console.log(`wrote the fixture tracks to ${out}`);
}
