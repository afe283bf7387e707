#!/usr/bin/env node
// Search benchmark (issue 5): bytes downloaded and time to the first result
// of /search/?q=… on a generated corpus, in Chromium via playwright-core.
//
//   cargo build --release
//   (cd tests/browser && npm install)
//   node benches/search_bench.mjs [N=10000] [--corpus DIR] [--runs 3] [--node] [--keep]
//
// Generates the corpus with `python3 benches/gen_corpus.py N DIR` (in
// $TMPDIR/yishi-search-corpus-N; --corpus DIR uses an existing site folder
// as it is, including any themes/ copy in it), builds it with
// target/release/yishi (or $YISHI_BIN), serves the output with
// `python3 -m http.server` (a plain static server: no compression; --node
// uses the browser tests' node server instead), and for each query opens the
// page in a fresh browser context (empty cache).
//
// Bytes: the sum of the bodies of every response the page got until its
// first page of results (10) and the count were shown: page, CSS, scripts,
// index parts (sizes of the files served; the browser's own /favicon.ico
// request left out), and what gzip -6 (node's zlib, file by file) would make
// of the same files.
// Time: to the `yishi-search-results` performance mark that search.js sets
// when it draws the first result (`yishi-search-done` when there is none),
// from the page's load event (the budget: ≤ 200 ms after the page loads),
// from the end of the HTML response, and from the page's first paint. The
// median of the runs is printed, with the machine's load average (on a busy
// machine, rendering the page itself takes most of the time).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { launch, serveStatic } = await import(path.join(repo, 'tests', 'browser', 'helpers.mjs'));

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const runs = Number(opt('--runs', '3'));
let corpus = opt('--corpus', null);
const useNode = args.includes('--node');
if (useNode) args.splice(args.indexOf('--node'), 1);
const given = !!corpus;
const n = Number(args[0] || 10000);
corpus ||= path.join(os.tmpdir(), `yishi-search-corpus-${n}`);
const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'yishi-search-bench-')), 'public');

const QUERIES = [
  ['养老', '2 characters, frequent'],
  ['嵌入式养老', 'phrase'],
  ['加装电梯', 'phrase'],
  ['夫子庙', '3 characters'],
  ['停车', '2 characters'],
  ['物业', '2 characters'],
  ['梯', '1 character'],
  ['老旧小区 加装电梯', 'two words (AND)'],
  ['量子计算机', 'no match'],
  ['&street=fuzimiao&year=2022', 'filters only'],
];

function yishi() {
  if (process.env.YISHI_BIN) return process.env.YISHI_BIN;
  return path.join(repo, 'target', 'release', 'yishi');
}

const ms = (x) => `${x.toFixed(0)} ms`;
const kb = (x) => `${(x / 1024).toFixed(1)} KB`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function kind(url) {
  const p = new URL(url).pathname;
  if (p.endsWith('/search/')) return 'page';
  if (/\/search\/[0-9a-f]+\/d\//.test(p)) return 'cases';
  if (/\/search\/[0-9a-f]+\/(b|u|f)\//.test(p)) return 'postings';
  if (p.endsWith('/search/meta.json')) return 'meta';
  return 'assets';
}

/** The file a plain static server sends for `url` (a folder: its index.html). */
function fileOf(url) {
  let p = decodeURIComponent(new URL(url).pathname);
  if (p.endsWith('/')) p += 'index.html';
  return path.join(out, p);
}

async function measure(browser, base, query) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Only URLs and statuses during the run (reading bodies over the DevTools
  // protocol would slow the page down); sizes come from the files on disk.
  const seen = [];
  let done = false;
  page.on('response', (r) => {
    // The browser's own favicon request is not the page's.
    if (!done && !new URL(r.url()).pathname.endsWith('/favicon.ico')) seen.push({ url: r.url(), status: r.status() });
  });
  const q = query.startsWith('&') ? '?' + query.slice(1) : '?q=' + encodeURIComponent(query);
  await page.goto(base + 'search/' + q, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => document.querySelector('.search-output')?.getAttribute('aria-busy') === 'false', null, {
    timeout: 60_000,
  });
  done = true;
  const t = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const mark =
      performance.getEntriesByName('yishi-search-results')[0] || performance.getEntriesByName('yishi-search-done')[0];
    return {
      first: mark ? mark.startTime : performance.now(),
      responseEnd: nav.responseEnd,
      load: nav.loadEventEnd,
      paint: (performance.getEntriesByName('first-paint')[0] || {}).startTime,
      status: document.getElementById('search-status').textContent,
    };
  });
  await context.close();
  const files = seen.map((f) => {
    const body = f.status === 200 ? readFileSync(fileOf(f.url)) : Buffer.alloc(0);
    return { ...f, bytes: body.length, gz: zlib.gzipSync(body, { level: 6 }).length };
  });
  const by = {};
  for (const f of files) by[kind(f.url)] = (by[kind(f.url)] || 0) + f.bytes;
  return {
    bytes: files.reduce((s, f) => s + f.bytes, 0),
    gz: files.reduce((s, f) => s + f.gz, 0),
    requests: files.length,
    bad: files.filter((f) => f.status !== 200).map((f) => `${f.status} ${f.url}`),
    by,
    afterLoad: t.first - t.responseEnd,
    afterLoadEvent: t.load ? t.first - t.load : NaN,
    afterPaint: t.paint != null ? t.first - t.paint : NaN,
    paintAt: t.paint != null ? t.paint - t.responseEnd : NaN,
    fromNav: t.first,
    ...t,
  };
}

// 1. Corpus: regenerated unless --corpus names one (the generator copies the
// repository's themes/ into it, so a stale copy would test an old search.js).
if (!given || !existsSync(path.join(corpus, 'site.yaml'))) {
  console.error(`generating ${n} cases in ${corpus} …`);
  execFileSync('python3', [path.join(repo, 'benches', 'gen_corpus.py'), String(n), corpus], { stdio: 'inherit' });
}

// 2. A free port, the build for it, and a plain static server on it:
// `python3 -m http.server` (no compression), or with --node the test helper.
const port = await new Promise((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const p = probe.address().port;
    probe.close(() => resolve(p));
  });
});
const baseUrl = `http://127.0.0.1:${port}/`;
const t0 = performance.now();
let log;
try {
  log = execFileSync(yishi(), ['build', '--root', corpus, '--output', out, '--base-url', baseUrl], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
} catch (e) {
  rmSync(path.dirname(out), { recursive: true, force: true });
  console.error(e.stderr || e.message);
  process.exit(1);
}
const buildMs = performance.now() - t0;
let server;
if (useNode) {
  server = await serveStatic(out, '/');
} else {
  const py = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', out], {
    stdio: 'ignore',
  });
  for (let i = 0; ; i++) {
    try {
      await fetch(baseUrl + 'search/meta.json');
      break;
    } catch (e) {
      if (i > 100) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  server = { url: baseUrl, close: async () => py.kill() };
}
const indexBytes = execFileSync('du', ['-sb', path.join(out, 'search')], { encoding: 'utf8' }).split('\t')[0];
const indexFiles = execFileSync('find', [path.join(out, 'search'), '-type', 'f'], { encoding: 'utf8' }).trim().split('\n').length;
console.log(`corpus: ${n} cases (${corpus})`);
console.log(`build: ${ms(buildMs)} — ${log.trim().split('\n').pop()}`);
console.log(`index: ${indexFiles} files, ${(indexBytes / 1048576).toFixed(1)} MB in search/`);
console.log(`median of ${runs} runs, fresh browser cache each; budget: ≤ 300 KB, first result ≤ 200 ms after the load event\n`);

// 3. Queries.
const load0 = os.loadavg()[0];
const browser = await launch();
const rows = [];
try {
  for (const [query, what] of QUERIES) {
    const ms_ = [];
    for (let i = 0; i < runs; i++) ms_.push(await measure(browser, server.url, query));
    const r = ms_[ms_.length - 1];
    rows.push({
      query,
      what,
      result: r.status.replace(/。$/, ''),
      requests: r.requests,
      bytes: r.bytes,
      gz: r.gz,
      by: r.by,
      afterLoad: median(ms_.map((m) => m.afterLoad)),
      afterLoadEvent: median(ms_.map((m) => m.afterLoadEvent)),
      afterPaint: median(ms_.map((m) => m.afterPaint)),
      paintAt: median(ms_.map((m) => m.paintAt)),
      fromNav: median(ms_.map((m) => m.fromNav)),
      bad: r.bad,
    });
  }
} finally {
  await browser.close();
  await server.close();
  if (!process.argv.includes('--keep')) rmSync(path.dirname(out), { recursive: true, force: true });
}

const pad = (s, w) => String(s) + ' '.repeat(Math.max(0, w - [...String(s)].reduce((a, c) => a + (c.charCodeAt(0) > 0x2e80 ? 2 : 1), 0)));
console.log(
  pad('query', 28) + pad('requests', 10) + pad('bytes', 11) + pad('gzip', 10) + pad('page+assets', 13) + pad('postings', 10) +
    pad('cases', 10) + pad('1st result', 12) + pad('-load evt', 12) + pad('paint', 10) + pad('-paint', 12) + 'shown',
);
for (const r of rows) {
  console.log(
    pad(r.query, 28) + pad(r.requests, 10) + pad(kb(r.bytes), 11) + pad(kb(r.gz), 10) +
      pad(kb((r.by.page || 0) + (r.by.assets || 0) + (r.by.meta || 0)), 13) + pad(kb(r.by.postings || 0), 10) +
      pad(kb(r.by.cases || 0), 10) + pad(ms(r.afterLoad), 12) + pad(ms(r.afterLoadEvent), 12) + pad(ms(r.paintAt), 10) + pad(ms(r.afterPaint), 12) + r.result,
  );
  for (const b of r.bad) console.log('    ! ' + b);
}
console.log(`\nmachine: ${os.cpus().length} CPUs, load average ${load0.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after`);
console.log(
  '1st result: ms from the end of the HTML response to the first result drawn; -load evt: the same from the load event\n' +
    '(negative: before it); paint: the page\'s first paint (from the end of the HTML); -paint: first result after first paint',
);
const worst = rows.reduce((a, r) => (r.bytes > a.bytes ? r : a));
const slowest = rows.reduce((a, r) => (r.afterLoad > a.afterLoad ? r : a));
console.log(`\nmost bytes: ${worst.query} ${kb(worst.bytes)} (gzip ${kb(worst.gz)}); slowest: ${slowest.query} ${ms(slowest.afterLoad)}`);
// "After the page loads": after its load event.
const over = rows.filter((r) => r.bytes > 300 * 1024 || r.afterLoadEvent > 200);
if (over.length) {
  console.log('OVER BUDGET: ' + over.map((r) => r.query).join(', '));
  process.exitCode = 1;
}
