// The ledger in two tabs of one browser: per-part keys and the storage
// event keep both tabs' work (the newest write of a field wins), an
// exported ledger imports, and a refused save is shown, not thrown.
const T = 15000;

function check(cond, what) { if (!cond) throw new Error(`check failed: ${what}`); }

async function openPart(page, base, track, part) {
  await page.goto(`${base}/#/track/${track}/${part}`);
  await page.waitForSelector('[data-testid=reflection]', { timeout: T });
}

const reflection = (page) => page.locator('[data-testid=reflection]').inputValue();

async function eventually(fn, what) {
  const until = Date.now() + 5000;
  while (Date.now() < until) { if (await fn()) return; await new Promise((r) => setTimeout(r, 50)); }
  check(false, what);
}

/** Returns the number of checks passed. */
export async function ledgerTabs(browser, base) {
  const tracks = await (await fetch(`${base}/api/v1/tracks`)).json();
  const t = tracks.tracks[0].id;
  const context = await browser.newContext();
  const a = await context.newPage(), b = await context.newPage();
  let n = 0;
  const ok = (cond, what) => { check(cond, what); n++; };
  try {
    await openPart(a, base, t, 'part1');
    await openPart(b, base, t, 'part2');
    await a.locator('[data-testid=reflection]').fill('A wrote part 1');
    await b.locator('[data-testid=reflection]').fill('B wrote part 2');  // B's tab had loaded before A's write
    // B opens part 1: A's text is there; B writes it later, and A's idle tab shows B's.
    await openPart(b, base, t, 'part1');
    ok((await reflection(b)) === 'A wrote part 1', 'tab B sees tab A\'s reflection');
    await a.locator('h1').first().click();  // A's textarea is no longer being typed in
    await b.locator('[data-testid=reflection]').fill('B rewrote part 1 later');
    await eventually(async () => (await reflection(a)) === 'B rewrote part 1 later', 'tab A shows tab B\'s later write');
    n++;
    await a.reload();
    await a.waitForSelector('[data-testid=reflection]', { timeout: T });
    ok((await reflection(a)) === 'B rewrote part 1 later', 'after a reload the newest write of part 1 is kept');
    await openPart(a, base, t, 'part2');
    ok((await reflection(a)) === 'B wrote part 2', 'part 2, written in tab B, survived tab A\'s writes');
    // Import an exported ledger (another browser's work) in the ledger view.
    await a.goto(`${base}/#/ledger`);
    await a.waitForSelector('[data-testid=import-json]', { timeout: T });
    const entry = { config: {}, tries: [], reflection: 'imported from another browser', stamps: { reflection: Date.now() + 60000 } };
    const file = (doc) => ({ name: 'ledger.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
    await a.setInputFiles('[data-testid=import-json]', file({ format: 'fleetlab-ledger', version: 2, entries: { [`${t}/part3`]: entry } }));
    await a.waitForFunction(() => document.querySelector('[data-testid=import-status]')?.textContent?.startsWith('Imported'), null, { timeout: T });
    n++;
    await a.setInputFiles('[data-testid=import-json]', file({ something: 'else' }));
    await a.waitForFunction(() => document.querySelector('[data-testid=import-status]')?.textContent?.startsWith('Import refused'), null, { timeout: T });
    n++;
    await openPart(a, base, t, 'part3');
    ok((await reflection(a)) === 'imported from another browser', 'the imported reflection is in the part');
    await openPart(b, base, t, 'part1');
    ok((await reflection(b)) === 'B rewrote part 1 later', 'the import kept tab B\'s work');
    // A browser that refuses to save: the page says so and keeps the text.
    await b.evaluate(() => { Storage.prototype.setItem = () => { throw new DOMException('full', 'QuotaExceededError'); }; });
    await b.locator('[data-testid=reflection]').fill('typed while storage is full');
    await b.waitForSelector('[data-testid=save-error]:not([hidden])', { timeout: T });
    const msg = await b.locator('[data-testid=save-error]').textContent();
    ok(/refused to save/.test(msg) && /export/.test(msg), `the refused save is shown (${msg})`);
    ok((await reflection(b)) === 'typed while storage is full', 'the text stays on the page');
  } finally {
    await context.close();
  }
  return n;
}
