// Shared helpers for the browser tests: launch Chromium, build a fixture site
// with the yishi binary, and serve the output under a sub-path like a real
// deployment (`/yshsl/`).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** The repository root (two levels above this file). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The yishi binary: $YISHI_BIN, else target/release/yishi, else target/debug/yishi. */
export function yishiBin() {
  if (process.env.YISHI_BIN) return process.env.YISHI_BIN;
  const release = path.join(repoRoot, 'target', 'release', 'yishi');
  if (existsSync(release)) return release;
  return path.join(repoRoot, 'target', 'debug', 'yishi');
}

/** Launch the system Chromium, headless, with no network chatter. */
export function launch(options = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    ...options,
  });
}

/**
 * Build the site in `fixtureDir` with `baseUrl` into a fresh temporary folder.
 * Resolves to the output folder; rejects with yishi's messages on failure.
 * The caller removes the folder (or leaves it to the OS temp cleanup).
 */
export function buildSite(fixtureDir, baseUrl) {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'yishi-browser-'));
  const output = path.join(parent, 'public');
  const args = ['build', '--root', fixtureDir, '--output', output, '--base-url', baseUrl];
  return new Promise((resolve, reject) => {
    execFile(yishiBin(), args, { timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) {
        rmSync(parent, { recursive: true, force: true });
        reject(new Error(`yishi ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      } else {
        resolve(output);
      }
    });
  });
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
};

/**
 * Serve `dir` (set later with `setDir` if not known yet) at
 * http://127.0.0.1:<port><prefix>, like a plain static web server:
 * `/prefix/x/` serves x/index.html, anything missing gets the output's
 * 404.html with status 404. Resolves to { url, port, close, setDir }.
 */
export function serveStatic(dir, prefix = '/') {
  if (!prefix.startsWith('/')) prefix = '/' + prefix;
  if (!prefix.endsWith('/')) prefix += '/';
  let root = dir ? path.resolve(dir) : null;
  const server = http.createServer(async (req, res) => {
    const send = (status, body, type) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const notFound = async () => {
      try {
        send(404, await readFile(path.join(root, '404.html')), TYPES['.html']);
      } catch {
        send(404, 'not found', TYPES['.txt']);
      }
    };
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      return send(400, 'bad request', TYPES['.txt']);
    }
    if (!root || !pathname.startsWith(prefix)) return notFound();
    const rel = pathname.slice(prefix.length);
    let file = path.resolve(root, rel);
    if (file !== root && !file.startsWith(root + path.sep)) return notFound();
    try {
      let st = await stat(file);
      if (st.isDirectory()) {
        if (!pathname.endsWith('/')) {
          res.writeHead(301, { location: pathname + '/' });
          return res.end();
        }
        file = path.join(file, 'index.html');
        st = await stat(file);
      }
      const type = TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
      send(200, await readFile(file), type);
    } catch {
      return notFound();
    }
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}${prefix}`,
        port,
        setDir(d) {
          root = path.resolve(d);
        },
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * Convenience: serve first (to learn the port), then build `fixtureDir`
 * with that URL as base_url, and point the server at the output.
 * Resolves to { url, output, close }.
 */
export async function buildAndServe(fixtureDir, prefix = '/yshsl/') {
  const server = await serveStatic(null, prefix);
  try {
    const output = await buildSite(fixtureDir, server.url);
    server.setDir(output);
    return {
      url: server.url,
      output,
      close: async () => {
        await server.close();
        rmSync(path.dirname(output), { recursive: true, force: true });
      },
    };
  } catch (e) {
    await server.close();
    throw e;
  }
}

/** Path of axe-core's browser bundle, for page.addScriptTag({ path }). */
export const axePath = path.join(repoRoot, 'tests', 'browser', 'node_modules', 'axe-core', 'axe.min.js');

/**
 * Run axe-core on the current page; resolves to the violations of impact
 * serious or critical, each as a short readable string.
 */
export async function seriousViolations(page, options = {}) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async (opts) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      resultTypes: ['violations'],
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      ...opts,
    });
    return r.violations;
  }, options);
  return result
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n` +
        v.nodes
          .slice(0, 5)
          .map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1).join(' ')}`)
          .join('\n'),
    );
}
