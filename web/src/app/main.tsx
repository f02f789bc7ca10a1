// The WSE-loket pages. Each path is a page; without a session every page but the callback is
// the sign-in page, and a signed-in person who has not chosen where to act chooses first.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";

import { ApplicationPage } from "./pages/application_page.js";
import { CallbackPage } from "./pages/callback_page.js";
import { ChooseContextPage } from "./pages/choose_context_page.js";
import { GebruikersbeheerPage } from "./pages/gebruikersbeheer_page.js";
import { HomePage } from "./pages/home_page.js";
import { DraftPage } from "./pages/registration/draft_page.js";
import { ReceiptPage } from "./pages/registration/receipt_page.js";
import { RegistrationsPage } from "./pages/registration/registrations_page.js";
import { StartRegistrationPage } from "./pages/registration/start_page.js";
import { SignInPage } from "./pages/sign_in_page.js";
import { navigate, useLocation } from "./router.js";
import { currentSession, onSessionChange, watchForCopiedSession } from "./session.js";
import { CALLBACK_PATH } from "./sign_in.js";

function useSignedIn(): boolean {
  const [signedIn, setSignedIn] = useState(() => currentSession() !== undefined);
  useEffect(() => onSessionChange(() => setSignedIn(currentSession() !== undefined)), []);
  return signedIn;
}

const TITLES: Record<string, string> = {
  "/": "Aanmelden",
  "/kies": "Kies uw organisatie",
  "/loket": "WSE-loket",
  "/aanvraag": "Aanvraag",
  "/gebruikersbeheer": "Gebruikersbeheer",
  "/registreren": "Registreren",
  "/registraties": "Mijn registraties",
};

function App() {
  const url = useLocation();
  const signedIn = useSignedIn();
  const path = url.pathname;
  useEffect(() => {
    const title =
      TITLES[path] ??
      (path.startsWith("/registreren/")
        ? "Registreren"
        : path.startsWith("/ontvangstbevestiging/")
          ? "Ontvangstbevestiging"
          : "WSE-loket");
    document.title = `${title} · WSE-loket`;
  }, [path]);
  useEffect(() => {
    if (signedIn && path === "/") navigate("/kies", true);
  }, [signedIn, path]);
  // After a page change, focus its title, so a screen reader announces the new page and the
  // keyboard starts from its top (not on the first load: the browser does that itself).
  const [first, setFirst] = useState(true);
  useEffect(() => {
    if (first) {
      setFirst(false);
      return;
    }
    setTimeout(() => (document.querySelector("main h1") as HTMLElement | null)?.focus(), 0);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path]);

  if (path === CALLBACK_PATH) return <CallbackPage url={url} />;
  if (!signedIn) return <SignInPage />;
  const draft = /^\/registreren\/([A-Za-z0-9_-]+)$/.exec(path);
  if (draft) return <DraftPage id={draft[1]} />;
  const receipt = /^\/ontvangstbevestiging\/([A-Za-z0-9_-]+)\/(\d+)$/.exec(path);
  if (receipt) return <ReceiptPage registrationId={receipt[1]} version={receipt[2]} />;
  switch (path) {
    case "/kies":
      return <ChooseContextPage />;
    case "/loket":
      return <HomePage />;
    case "/aanvraag":
      return <ApplicationPage />;
    case "/gebruikersbeheer":
      return <GebruikersbeheerPage />;
    case "/registreren":
      return <StartRegistrationPage />;
    case "/registraties":
      return <RegistrationsPage />;
    default:
      return <ChooseContextPage />;
  }
}

void watchForCopiedSession().then(() => render(<App />, document.getElementById("app")!));
