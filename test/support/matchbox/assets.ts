// /assets/: Go's http.FileServer(http.Dir(assetsPath)) behind StripPrefix("/assets/"):
// files (streamed, with single-range requests and If-Modified-Since), directory listings,
// index.html, and the same redirects for a directory without "/" or a file with one.
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { basename, join, posix } from "node:path";

// Go's builtin table; anything else is sniffed below as Go's DetectContentType would
const TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".gif": "image/gif",
  ".htm": "text/html; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".jpeg": "image/jpeg",
  ".jpg": "image/jpeg",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".mjs": "text/javascript; charset=utf-8",
  ".pdf": "application/pdf",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
  ".webp": "image/webp",
  ".xml": "text/xml; charset=utf-8",
};

/** notFound is Go's http.NotFound. */
export function notFound(res: ServerResponse): void {
  res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
  res.end("404 page not found\n");
}

function redirect(res: ServerResponse, location: string, rawQuery: string): void {
  res.writeHead(301, { Location: rawQuery ? `${location}?${rawQuery}` : location });
  res.end();
}

async function sniff(path: string): Promise<string> {
  const head = await new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    createReadStream(path, { start: 0, end: 511 })
      .on("data", (c) => chunks.push(c as Buffer))
      .on("end", () => resolve(Buffer.concat(chunks)))
      .on("error", () => resolve(Buffer.alloc(0)));
  });
  if (head[0] === 0x1f && head[1] === 0x8b && head[2] === 0x08) return "application/x-gzip";
  const binary = head.some((b) => b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b));
  return binary ? "application/octet-stream" : "text/plain; charset=utf-8";
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;" })[c]!);
}

async function listDirectory(res: ServerResponse, dir: string): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  const links = entries.map((e) => {
    const name = e.isDirectory() ? `${e.name}/` : e.name;
    return `<a href="${encodeURI(name).replace(/[?#]/g, encodeURIComponent)}">${escapeHtml(name)}</a>\n`;
  });
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
  res.end(`<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n${links.join("")}</pre>\n`);
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | "unsatisfiable" | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? "");
  if (!m || (m[1] === "" && m[2] === "")) return undefined; // no range, or several: the whole file
  let start: number;
  let end: number;
  if (m[1] === "") [start, end] = [Math.max(0, size - Number(m[2])), size - 1];
  else [start, end] = [Number(m[1]), m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1)];
  return start >= size || start > end ? "unsatisfiable" : { start, end };
}

async function serveFile(req: IncomingMessage, res: ServerResponse, path: string, size: number, mtime: Date): Promise<void> {
  const modified = new Date(Math.floor(mtime.getTime() / 1000) * 1000);
  const since = req.headers["if-modified-since"] ? Date.parse(req.headers["if-modified-since"]) : NaN;
  if (!Number.isNaN(since) && modified.getTime() <= since) {
    res.writeHead(304, { "Last-Modified": modified.toUTCString() });
    return void res.end();
  }
  const headers = { "Accept-Ranges": "bytes", "Content-Type": TYPES[posix.extname(path).toLowerCase()] ?? (await sniff(path)), "Last-Modified": modified.toUTCString() };
  const range = parseRange(req.headers.range, size);
  if (range === "unsatisfiable") {
    res.writeHead(416, { "Content-Range": `bytes */${size}`, "Content-Type": "text/plain; charset=utf-8" });
    return void res.end("invalid range: failed to overlap\n");
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  res.writeHead(range ? 206 : 200, { ...headers, "Content-Length": String(Math.max(0, end - start + 1)), ...(range ? { "Content-Range": `bytes ${start}-${end}/${size}` } : {}) });
  if (req.method === "HEAD" || size === 0) return void res.end();
  await new Promise<void>((resolve) => createReadStream(path, { start, end }).on("error", () => (res.destroy(), resolve())).on("end", resolve).pipe(res));
}

/** serveAsset answers a request under /assets/ from root; urlPath is the request's path. */
export async function serveAsset(req: IncomingMessage, res: ServerResponse, root: string, urlPath: string, rawQuery: string): Promise<void> {
  const rest = "/" + urlPath.slice("/assets/".length);
  if (rest.endsWith("/index.html")) return redirect(res, "./", rawQuery);
  // http.Dir cleans the name: a file asked for with a trailing "/" is found (then redirected)
  const name = posix.normalize(rest).replace(/(.)\/$/, "$1");
  const full = join(root, name);
  let info;
  try {
    info = await stat(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EACCES") {
      res.writeHead(403, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" });
      return void res.end("403 Forbidden\n");
    }
    return notFound(res);
  }
  if (info.isDirectory()) {
    if (!rest.endsWith("/")) return redirect(res, basename(rest) + "/", rawQuery);
    const index = join(full, "index.html");
    const indexInfo = await stat(index).catch(() => undefined);
    if (indexInfo?.isFile()) return serveFile(req, res, index, indexInfo.size, indexInfo.mtime);
    return listDirectory(res, full);
  }
  if (rest.endsWith("/")) return redirect(res, "../" + basename(rest), rawQuery);
  return serveFile(req, res, full, info.size, info.mtime);
}
