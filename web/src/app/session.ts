// The signed-in session as the browser keeps it: access token (15 minutes), refresh token and
// the chosen context. Kept in sessionStorage, so it ends with the tab and survives a reload; the
// access token is renewed through RefreshSession shortly before it expires.
export interface ChosenContext {
  organization: string; // "organizations/{id}", or "" for the personal context
  displayName: string;
}

export interface StoredSession {
  session: string; // "sessions/{id}"
  accessToken: string;
  accessTokenExpireMs: number;
  refreshToken: string;
  refreshTokenExpireMs: number;
  context: ChosenContext;
}

const KEY = "wse.session";
const listeners = new Set<() => void>();

export function currentSession(): StoredSession | undefined {
  const text = sessionStorage.getItem(KEY);
  if (!text) return undefined;
  try {
    const stored = JSON.parse(text) as StoredSession;
    return stored.refreshTokenExpireMs > Date.now() ? stored : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: StoredSession | undefined): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

export function updateSession(change: Partial<StoredSession>): void {
  const session = currentSession();
  if (session) saveSession({ ...session, ...change });
}

export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// A duplicated tab (or window.open) copies sessionStorage, refresh token included. Refresh
// tokens rotate, and identity-svc ends the whole session when a rotated one is used again, so
// two tabs refreshing the same copy would sign both out. Each tab therefore carries an id; a tab
// that finds another live tab answering to its id is the copy and gives its session up (one
// sign-in away, at the identity provider's own session).
const TAB_KEY = "wse.tab";
const channel = typeof BroadcastChannel === "undefined" ? undefined : new BroadcastChannel("wse.tabs");

// Resolves once this tab knows whether it is a copy (an answer, or 200 ms of silence), so the
// app renders, and may renew a token, only after that.
export function watchForCopiedSession(): Promise<void> {
  if (!channel) return Promise.resolve();
  let id = sessionStorage.getItem(TAB_KEY);
  if (!id) {
    id = crypto.randomUUID();
    sessionStorage.setItem(TAB_KEY, id);
  }
  const mine = id;
  return new Promise((resolve) => {
    channel.onmessage = (event: MessageEvent<{ ask?: string; have?: string }>) => {
      if (event.data.ask === sessionStorage.getItem(TAB_KEY)) {
        channel.postMessage({ have: event.data.ask });
      } else if (event.data.have === mine && sessionStorage.getItem(TAB_KEY) === mine) {
        // Another tab holds this id: this one is the copy.
        sessionStorage.setItem(TAB_KEY, crypto.randomUUID());
        saveSession(undefined);
        resolve();
      }
    };
    channel.postMessage({ ask: mine });
    setTimeout(resolve, 200);
  });
}
