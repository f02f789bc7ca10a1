// The development identity provider's pages: an OpenID Connect authorization-code flow with PKCE
// in miniature, so the browser signs in locally exactly as it will at the real provider (the
// app redirects to /dev-idp/authorize, comes back with a code, exchanges it at /dev-idp/token).
// Only the local stack starts the front door with it (--dev-idp-key-dir); the ID token is
// minted by wse-dev-idp, the same tool the tests and the demo use, with the key identity-svc
// trusts only under --allow_dev_idp.
import { execFile } from "node:child_process";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type * as http from "node:http";
import { promisify } from "node:util";

import { securityHeaders } from "./static_files.js";

const run = promisify(execFile);

export interface DemoPerson {
  insz: string;
  givenName: string;
  familyName: string;
  emailAddress?: string;
}

export interface DevIdpOptions {
  tool: string; // path of wse-dev-idp
  keyDir: string; // its --key_dir
  clientId: string; // the audience identity-svc expects
  persons: DemoPerson[];
}

interface IssuedCode {
  idToken: string;
  redirectUri: string;
  codeChallenge: string;
  expires: number;
}

const CODE_LIFETIME_MS = 60_000;
// The app's redirect URI path (src/app/sign_in.ts CALLBACK_PATH).
const CALLBACK_PATH = "/aanmelden/terug";
const KEY_TYPES: Array<[string, string]> = [
  ["eid", "eID (identiteitskaart)"],
  ["itsme", "itsme"],
  ["app", "beveiligingscode via mobiele app"],
  ["sms", "beveiligingscode via sms"],
  ["token", "token"],
];

export function loadDemoPersons(path: string): DemoPerson[] {
  const parsed = JSON.parse(readFileSync(path, "utf8")) as { persons?: DemoPerson[] };
  return parsed.persons ?? [];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(request: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 16_384) throw new Error("form too large");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function base64url(bytes: Buffer): string {
  return bytes.toString("base64url");
}

export class DevIdentityProvider {
  private readonly codes = new Map<string, IssuedCode>();

  constructor(private readonly options: DevIdpOptions) {}

  // True when the request was for the development provider (and answered).
  async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<boolean> {
    const url = new URL(request.url ?? "/", "http://front-door");
    if (url.pathname === "/dev-idp/authorize" && request.method === "GET") {
      this.authorizePage(url.searchParams, request, response);
      return true;
    }
    if (url.pathname === "/dev-idp/authorize" && request.method === "POST") {
      await this.authorize(await readForm(request), request, response);
      return true;
    }
    if (url.pathname === "/dev-idp/token" && request.method === "POST") {
      this.token(await readForm(request), response);
      return true;
    }
    return false;
  }

  // The authorization request's parameters, checked as a provider checks them; a redirect URI
  // must be on the front door's own origin.
  private checkRequest(params: URLSearchParams, request: http.IncomingMessage): string | undefined {
    if (params.get("response_type") !== "code") return "response_type moet 'code' zijn.";
    if (params.get("client_id") !== this.options.clientId) return "Onbekende client_id.";
    if (params.get("code_challenge_method") !== "S256") return "PKCE met S256 is verplicht.";
    if (!/^[A-Za-z0-9_-]{43}$/.test(params.get("code_challenge") ?? "")) return "Ongeldige code_challenge.";
    if (!params.get("state")) return "state ontbreekt.";
    // Exactly the app's callback on this site, as a provider matches a registered redirect URI.
    if (params.get("redirect_uri") !== `http://${request.headers.host ?? ""}${CALLBACK_PATH}`) {
      return "Onbekende redirect_uri.";
    }
    return undefined;
  }

  private authorizePage(
    params: URLSearchParams,
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ): void {
    const problem = this.checkRequest(params, request);
    if (problem) {
      this.html(response, 400, "Aanmelden mislukt", `<p role="alert">${escapeHtml(problem)}</p>`);
      return;
    }
    const hidden = [
      "response_type",
      "client_id",
      "redirect_uri",
      "state",
      "nonce",
      "code_challenge",
      "code_challenge_method",
    ]
      .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name) ?? "")}">`)
      .join("");
    const keyOptions = KEY_TYPES.map(
      ([value, label]) => `<option value="${value}">${escapeHtml(label)}</option>`,
    ).join("");
    const persons = this.options.persons
      .map(
        (p) =>
          `<li><form method="post" action="/dev-idp/authorize">${hidden}` +
          `<input type="hidden" name="insz" value="${escapeHtml(p.insz)}">` +
          `<input type="hidden" name="given_name" value="${escapeHtml(p.givenName)}">` +
          `<input type="hidden" name="family_name" value="${escapeHtml(p.familyName)}">` +
          `<input type="hidden" name="amr" value="eid">` +
          `<button type="submit" class="button">${escapeHtml(`${p.givenName} ${p.familyName}`)}</button>` +
          ` <span class="muted">INSZ ${escapeHtml(p.insz)}</span></form></li>`,
      )
      .join("");
    this.html(
      response,
      200,
      "Aanmelden met een digitale sleutel (ontwikkelomgeving)",
      `<p class="notice">Alleen in de ontwikkelomgeving: dit vervangt de echte identiteitsprovider. ` +
        `Kies een demopersoon, of typ een INSZ.</p>` +
        `<h2>Demopersonen</h2><ul class="plain" aria-label="Demopersonen">${persons}</ul>` +
        `<h2>Een ander INSZ</h2>` +
        `<form method="post" action="/dev-idp/authorize" class="form">${hidden}` +
        `<label for="insz">INSZ (rijksregisternummer)</label>` +
        `<input id="insz" name="insz" required inputmode="numeric" autocomplete="off">` +
        `<label for="given_name">Voornaam</label><input id="given_name" name="given_name">` +
        `<label for="family_name">Familienaam</label><input id="family_name" name="family_name">` +
        `<label for="amr">Digitale sleutel</label><select id="amr" name="amr">${keyOptions}</select>` +
        `<label for="email">E-mailadres dat de provider bevestigt (optioneel)</label>` +
        `<input id="email" name="email" type="email" autocomplete="off">` +
        `<button type="submit" class="button">Aanmelden</button></form>`,
    );
  }

  private async authorize(
    form: URLSearchParams,
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ): Promise<void> {
    const problem = this.checkRequest(form, request);
    const insz = (form.get("insz") ?? "").replace(/[^0-9]/g, "");
    const amr = form.get("amr") ?? "eid";
    if (problem || insz.length !== 11 || !KEY_TYPES.some(([value]) => value === amr)) {
      this.html(
        response,
        400,
        "Aanmelden mislukt",
        `<p role="alert">${escapeHtml(problem ?? "Een INSZ heeft 11 cijfers.")}</p>`,
      );
      return;
    }
    const args = [
      "--dev_environment",
      `--key_dir=${this.options.keyDir}`,
      `--insz=${insz}`,
      `--amr=${amr}`,
      `--audience=${this.options.clientId}`,
      `--nonce=${form.get("nonce") ?? ""}`,
      `--given_name=${form.get("given_name") ?? ""}`,
      `--family_name=${form.get("family_name") ?? ""}`,
    ];
    const email = form.get("email") ?? "";
    if (email) args.push(`--email=${email}`);
    let idToken: string;
    try {
      idToken = (await run(this.options.tool, args, { timeout: 10_000 })).stdout.trim();
    } catch (error) {
      console.error("dev-idp: wse-dev-idp failed:", (error as { stderr?: string }).stderr ?? error);
      this.html(
        response,
        400,
        "Aanmelden mislukt",
        `<p role="alert">Er kon geen ID-token gemaakt worden (zie het log van de front door).</p>`,
      );
      return;
    }
    const code = base64url(randomBytes(32));
    this.forgetExpired();
    this.codes.set(code, {
      idToken,
      redirectUri: form.get("redirect_uri") ?? "",
      codeChallenge: form.get("code_challenge") ?? "",
      expires: Date.now() + CODE_LIFETIME_MS,
    });
    const target = new URL(form.get("redirect_uri") ?? "");
    target.searchParams.set("code", code);
    target.searchParams.set("state", form.get("state") ?? "");
    response.writeHead(303, { location: target.toString(), "cache-control": "no-store" }).end();
  }

  // RFC 6749 §4.1.3 with RFC 7636: the code once, for the same redirect URI, with the verifier
  // whose S256 is the challenge.
  private token(form: URLSearchParams, response: http.ServerResponse): void {
    const refuse = (error: string): void => {
      response
        .writeHead(400, { "content-type": "application/json", "cache-control": "no-store" })
        .end(JSON.stringify({ error }));
    };
    const code = form.get("code") ?? "";
    const issued = this.codes.get(code);
    this.codes.delete(code);
    if (form.get("grant_type") !== "authorization_code") return refuse("unsupported_grant_type");
    if (form.get("client_id") !== this.options.clientId) return refuse("invalid_client");
    if (!issued || issued.expires < Date.now() || issued.redirectUri !== form.get("redirect_uri")) {
      return refuse("invalid_grant");
    }
    const challenge = Buffer.from(
      base64url(
        createHash("sha256")
          .update(form.get("code_verifier") ?? "")
          .digest(),
      ),
    );
    const expected = Buffer.from(issued.codeChallenge);
    if (challenge.length !== expected.length || !timingSafeEqual(challenge, expected)) {
      return refuse("invalid_grant");
    }
    response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(
      JSON.stringify({
        // The provider's own access token is not used by the suite; OIDC's response carries one.
        access_token: base64url(randomBytes(32)),
        id_token: issued.idToken,
        token_type: "Bearer",
        expires_in: 300,
      }),
    );
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [code, issued] of this.codes) if (issued.expires < now) this.codes.delete(code);
  }

  private html(response: http.ServerResponse, status: number, title: string, body: string): void {
    securityHeaders(response, []);
    response.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    response.end(
      `<!doctype html><html lang="nl"><head><meta charset="utf-8">` +
        `<meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/app.css"></head>` +
        `<body><main class="page narrow"><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`,
    );
  }
}
