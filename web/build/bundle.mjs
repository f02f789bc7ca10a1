// Bundles the browser app (dist/www: index.html, app.js, app.css) and the front door
// (dist/front-door.mjs) with esbuild.
import { build } from "esbuild";
import { cpSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(web, "dist");
rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "www"), { recursive: true });

await build({
  entryPoints: [join(web, "src/app/main.tsx")],
  outfile: join(dist, "www/app.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["chrome110", "firefox110", "safari16"],
  jsx: "automatic",
  jsxImportSource: "preact",
  minify: true,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "warning",
});
cpSync(join(web, "www/index.html"), join(dist, "www/index.html"));
cpSync(join(web, "www/app.css"), join(dist, "www/app.css"));

await build({
  entryPoints: [join(web, "src/frontdoor/main.ts")],
  outfile: join(dist, "front-door.mjs"),
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node18",
  sourcemap: true,
  logLevel: "warning",
  // Bundled CommonJS code may still call require().
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
});

// The browser tests (node --test dist/tests): their packages stay in node_modules.
await build({
  entryPoints: readdirSync(join(web, "tests"))
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => join(web, "tests", name)),
  outdir: join(dist, "tests"),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node18",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
