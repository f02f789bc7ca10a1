// The frame of every signed-in page: the WSE-loket header with who is signed in and for whom,
// 'Afmelden', the page itself and, on the right, the menu with the black 'Aanvraag' button.
import type { ComponentChildren } from "preact";

import type { GetCurrentUserResponse } from "../../gen/wse/identity/v1/identity_service_pb.js";
import { identity, rights } from "../api.js";
import { navigate, onLinkClick } from "../router.js";
import { currentSession, saveSession } from "../session.js";
import { useCall } from "./use_call.js";

// Who is signed in, and whether they manage users here: asked once per session and
// organisation (rights-svc answers live; a right given or taken later shows on the next sign-in
// or change of organisation, and the page itself is refused without it).
const whoCache = new Map<string, Promise<{ user: GetCurrentUserResponse; manages: boolean }>>();

function whoAmI(): Promise<{ user: GetCurrentUserResponse; manages: boolean }> {
  const session = currentSession();
  const key = `${session?.session}|${session?.context.organization}`;
  let answer = whoCache.get(key);
  if (!answer) {
    answer = (async () => {
      const user = await identity.getCurrentUser({});
      const organization = session?.context.organization ?? "";
      const manages =
        organization !== "" &&
        (
          await rights.checkPermission({
            person: user.person?.name ?? "",
            organization,
            permission: "rights.manage",
          })
        ).allowed;
      return { user, manages };
    })();
    answer.catch(() => whoCache.delete(key));
    whoCache.set(key, answer);
  }
  return answer;
}

export function Layout(props: { title: string; children: ComponentChildren; menu?: boolean }) {
  const who = useCall(whoAmI, []);
  const user = { data: who.data?.user };
  const session = currentSession();
  const person = user.data?.person;
  const signOut = async () => {
    const name = currentSession()?.session;
    try {
      if (name) await identity.logout({ session: name });
    } finally {
      saveSession(undefined);
      navigate("/", true);
    }
  };
  return (
    <div class="frame">
      <header class="top">
        <a href="/loket" class="brand" onClick={onLinkClick}>
          WSE-loket
        </a>
        <div class="who">
          {person && (
            <span>
              {person.givenName} {person.familyName}
              {session?.context.displayName && <> · {session.context.displayName}</>}
            </span>
          )}
          {session?.context.organization && (
            <a href="/kies" onClick={onLinkClick}>
              Andere organisatie
            </a>
          )}
          <button type="button" class="link" onClick={signOut}>
            Afmelden
          </button>
        </div>
      </header>
      <div class="body">
        <main class="page" id="inhoud">
          <h1 tabIndex={-1}>{props.title}</h1>
          {props.children}
        </main>
        {props.menu !== false && (
          <nav class="menu" aria-label="Menu">
            <a href="/aanvraag" class="button black" onClick={onLinkClick}>
              Aanvraag
            </a>
            {session?.context.organization && (
              <a href="/registraties" class="button secondary" onClick={onLinkClick}>
                Mijn registraties
              </a>
            )}
            {who.data?.manages && (
              <a href="/gebruikersbeheer" class="button secondary" onClick={onLinkClick}>
                Gebruikersbeheer
              </a>
            )}
          </nav>
        )}
      </div>
    </div>
  );
}
