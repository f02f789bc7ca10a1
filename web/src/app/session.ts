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
