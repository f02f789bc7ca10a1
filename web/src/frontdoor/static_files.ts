// The pages: files of the bundle, and index.html for every other path (the app routes in the
// browser). Strict security headers: only our own scripts and styles run, nothing frames us.
import { createReadStream, statSync } from "node:fs";
import { pipeline } from "node:stream";
import type * as http from "node:http";
import { extname, join, normalize, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json",
};

// Headers every answer carries, pages or not.
export function baseHeaders(response: http.ServerResponse): void {
  response.setHeader("x-content-type-options", "nosniff");
  response.setHeader("referrer-policy", "no-referrer");
}

export function securityHeaders(response: http.ServerResponse, connectSources: string[]): void {
  response.setHeader(
    "content-security-policy",
    [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src 'self' ${connectSources.join(" ")}`.trim(),
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "object-src 'none'",
    ].join("; "),
  );
  baseHeaders(response);
  response.setHeader("x-frame-options", "DENY");
}

export function serveStatic(
  root: string,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  connectSources: string[],
): void {
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
  } catch {
    response.writeHead(400).end();
    return;
  }
  let file = normalize(join(root, path));
  if (!file.startsWith(root + sep) && file !== root) {
    response.writeHead(404).end();
    return;
  }
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error("not a file");
    size = stat.size;
  } catch {
    // A page of the app ("/aanvraag"), not a file: the app decides. A missing asset is a 404.
    if (extname(path) !== "") {
      response.writeHead(404).end();
      return;
    }
    file = join(root, "index.html");
    size = statSync(file).size;
  }
  securityHeaders(response, connectSources);
  response.writeHead(200, {
    "content-type": TYPES[extname(file)] ?? "application/octet-stream",
    "content-length": size,
    // The bundle's names do not change with its content: always revalidate.
    "cache-control": "no-cache",
  });
  if (request.method === "HEAD") {
    response.end();
    return;
  }
  // A file that vanished between stat and open (a rebuild) ends this response, not the process.
  pipeline(createReadStream(file), response, (error) => {
    if (error) response.destroy();
  });
}
