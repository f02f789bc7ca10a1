// Generates src/gen from proto/ (our API, and the google.rpc.Status it imports) and from
// Debian's googleapis (google.rpc error details: BadRequest, ErrorInfo, LocalizedMessage), the
// same file the C++ services are built with.
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const web = join(dirname(fileURLToPath(import.meta.url)), "..");
const proto = join(web, "..", "proto");
const googleapis = "/usr/share/gocode/src/github.com/gogo/googleapis";
if (!existsSync(join(googleapis, "google/rpc/error_details.proto"))) {
  throw new Error(`${googleapis} is missing: install golang-github-gogo-googleapis-dev`);
}

const bin = join(web, "node_modules", ".bin");
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
const generate = (input, ...paths) =>
  execFileSync(
    join(bin, "buf"),
    [
      "generate",
      input,
      "--template",
      join(web, "buf.gen.yaml"),
      "--output",
      web,
      ...paths.flatMap((p) => ["--path", join(input, p)]),
    ],
    { cwd: web, env, stdio: "inherit" },
  );

rmSync(join(web, "src", "gen"), { recursive: true, force: true });
generate(proto, "wse", "google/rpc/status.proto");
generate(googleapis, "google/rpc/error_details.proto");
