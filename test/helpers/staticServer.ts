/**
 * A tiny static file server on 127.0.0.1 (a secure context, so WebGPU is exposed) for the
 * browser tests: each URL prefix maps to a folder; anything outside them, or missing, is a 404.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
};

/** A running server: its origin (`http://127.0.0.1:PORT`) and a way to stop it. */
export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves `routes` (`{ '/sub/': folder }`, prefixes ending in `/`); `/sub/` itself is the folder's
 * index.html.
 */
export async function serveStatic(routes: Record<string, string>): Promise<StaticServer> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const prefix = Object.keys(routes).find((p) => path.startsWith(p));
    const root = prefix === undefined ? undefined : routes[prefix];
    const rel = prefix === undefined ? '' : normalize(path.slice(prefix.length));
    const file = root === undefined ? '' : join(root, rel === '' || rel === '.' ? 'index.html' : rel);
    if (root === undefined || !file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(() => ok())) };
}
