// A tiny mock of the lab server (node:http): serves web/dist and answers the
// API contract from test/fixtures through mock-engine.mjs. For developing the
// front end and running the e2e flow before `fleetlab lab` exists; CI runs
// the e2e against the real binary.
//   node e2e/mock-server.mjs [port]     (default 8090)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFixtures, MockError, mockFrontier, mockMemory, mockRun } from './mock-engine.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.json': 'application/json', '.svg': 'image/svg+xml' };

export function startMock({ port = 0, dist = resolve(here, '../dist'), fixtures = resolve(here, '../test/fixtures') } = {}) {
  const fx = loadFixtures(fixtures);
  const send = (res, status, body) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(body)); };
  const api = async (req, res, path) => {
    let body = null;
    if (req.method === 'POST') {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.length > 256 * 1024) return send(res, 413, { error: { code: 'too_large', field: null, message: 'body over 256 KiB' } });
      try { body = JSON.parse(text); } catch { return send(res, 400, { error: { code: 'bad_json', field: null, message: 'body is not JSON' } }); }
    }
    const key = body ? `${body.track}/${body.part}` : '';
    try {
      if (req.method === 'GET' && path === '/api/v1/health') return send(res, 200, fx.errors.health);
      if (req.method === 'GET' && path === '/api/v1/catalog') return send(res, 200, fx.catalog);
      if (req.method === 'GET' && path === '/api/v1/tracks') return send(res, 200, fx.tracks);
      const m = path.match(/^\/api\/v1\/tracks\/([^/]+)\/([^/]+)$/);
      if (req.method === 'GET' && m) {
        const t = fx.tracks.tracks.find((x) => x.id === m[1]);
        const p = t?.parts.find((x) => x.id === m[2]);
        if (!p) return send(res, 404, { error: { code: 'not_found', field: null, message: `no part ${m[1]}/${m[2]}` } });
        return send(res, 200, { ...p, scenario: fx.scenarios[`${m[1]}/${m[2]}`] });
      }
      if (req.method === 'POST' && path === '/api/v1/run') return send(res, 200, mockRun(fx, key, body.overrides, body.series));
      if (req.method === 'POST' && path === '/api/v1/frontier') return send(res, 200, mockFrontier(fx, key, body));
      if (req.method === 'POST' && path === '/api/v1/memory') return send(res, 200, mockMemory(body));
      if (req.method === 'POST' && path === '/api/v1/answer') {
        const a = fx.answers[key];
        return a ? send(res, 200, a) : send(res, 404, { error: { code: 'not_found', field: null, message: `no part ${key}` } });
      }
      return send(res, 404, { error: { code: 'not_found', field: null, message: `no such endpoint: ${req.method} ${path}` } });
    } catch (err) {
      if (err instanceof MockError) return send(res, err.status, err.body);
      return send(res, 500, { error: { code: 'refused', field: null, message: String(err) } });
    }
  };
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path.startsWith('/api/')) return api(req, res, path);
    const file = normalize(join(dist, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dist)) { res.writeHead(404); return res.end(); }
    try {
      const data = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(data);
    } catch { res.writeHead(404, { 'Content-Type': 'text/plain' }); res.end('not found'); }
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok({ server, port: server.address().port })));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { port } = await startMock({ port: Number(process.argv[2] ?? 8090) });
  console.log(`mock lab server on http://127.0.0.1:${port}/`);
}
