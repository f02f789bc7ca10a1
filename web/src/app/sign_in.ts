// Signing in: OpenID Connect authorization code with PKCE (RFC 7636) at the identity provider,
// then the ID token to identity-svc. StartLogin binds the nonce to a login id that, like the
// PKCE verifier, never leaves this tab; the state parameter ties the answer to this attempt.
import { timestampMs } from "@bufbuild/protobuf/wkt";

import { anonymousIdentity } from "./api.js";
import { frontEndConfig } from "./config.js";
import { saveSession } from "./session.js";

const PENDING_KEY = "wse.signIn";
const RETURN_KEY = "wse.returnTo";

// The page someone asked for before signing in (a link in a mail, a bookmark): after choosing
// where to act they land there. Only paths of this site.
export function rememberReturnPath(path: string): void {
  const page = path.split("?")[0];
  if (path.startsWith("/") && !path.startsWith("//") && !["/", "/kies", CALLBACK_PATH].includes(page)) {
    sessionStorage.setItem(RETURN_KEY, path);
  }
}

export function takeReturnPath(): string | undefined {
  const path = sessionStorage.getItem(RETURN_KEY) ?? undefined;
  sessionStorage.removeItem(RETURN_KEY);
  return path;
}
export const CALLBACK_PATH = "/aanmelden/terug";

interface PendingSignIn {
  state: string;
  verifier: string;
  loginId: string;
  nonce: string;
}

function randomText(bytes: number): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  return base64url(data);
}

function base64url(data: Uint8Array): string {
  let binary = "";
  for (const byte of data) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function redirectUri(): string {
  return `${location.origin}${CALLBACK_PATH}`;
}

// Leaves the page for the identity provider.
export async function beginSignIn(): Promise<void> {
  const config = await frontEndConfig();
  const login = await anonymousIdentity.startLogin({});
  const pending: PendingSignIn = {
    state: randomText(16),
    verifier: randomText(32),
    loginId: login.loginId,
    nonce: login.nonce,
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const target = new URL(config.identityProvider.authorizationEndpoint, location.origin);
  target.search = new URLSearchParams({
    response_type: "code",
    client_id: config.identityProvider.clientId,
    redirect_uri: redirectUri(),
    scope: config.identityProvider.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: "S256",
  }).toString();
  location.assign(target.toString());
}

// Back from the provider with ?code=...&state=...: the code for the ID token, the ID token for
// our session.
export async function completeSignIn(url: URL): Promise<void> {
  const text = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const pending = text ? (JSON.parse(text) as PendingSignIn) : undefined;
  // The state first: an answer that is not for this tab's attempt is not read at all.
  if (!pending || url.searchParams.get("state") !== pending.state) {
    throw new Error("Deze aanmelding hoort niet bij dit venster. Begin opnieuw.");
  }
  if (url.searchParams.get("error") === "access_denied") {
    throw new Error("U heeft de aanmelding afgebroken of geweigerd. Begin opnieuw.");
  }
  if (url.searchParams.has("error")) {
    throw new Error("De identiteitsprovider kon u niet aanmelden. Probeer het opnieuw.");
  }
  const config = await frontEndConfig();
  const tokenResponse = await fetch(new URL(config.identityProvider.tokenEndpoint, location.origin), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: url.searchParams.get("code") ?? "",
      redirect_uri: redirectUri(),
      client_id: config.identityProvider.clientId,
      code_verifier: pending.verifier,
    }),
  });
  if (!tokenResponse.ok) throw new Error("De aanmelding is verlopen of al gebruikt. Begin opnieuw.");
  const { id_token: idToken } = (await tokenResponse.json()) as { id_token?: string };
  if (!idToken) throw new Error("De identiteitsprovider gaf geen ID-token.");
  const opened = await anonymousIdentity.exchangeIdToken({
    idToken,
    loginId: pending.loginId,
    nonce: pending.nonce,
  });
  saveSession({
    session: opened.session?.name ?? "",
    accessToken: opened.accessToken,
    accessTokenExpireMs: opened.accessTokenExpireTime ? timestampMs(opened.accessTokenExpireTime) : 0,
    refreshToken: opened.refreshToken,
    refreshTokenExpireMs: opened.refreshTokenExpireTime ? timestampMs(opened.refreshTokenExpireTime) : 0,
    context: { organization: "", displayName: "" },
  });
}
