// The frame of every signed-in page: the WSE-loket header with who is signed in and for whom,
// 'Afmelden', the page itself and, on the right, the menu with the black 'Aanvraag' button.
import type { ComponentChildren } from "preact";

import { identity } from "../api.js";
import { navigate, onLinkClick } from "../router.js";
import { currentSession, saveSession } from "../session.js";
import { useCall } from "./use_call.js";

export function Layout(props: { title: string; children: ComponentChildren; menu?: boolean }) {
  const user = useCall(() => identity.getCurrentUser({}), []);
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
            {session?.context.organization && (
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
