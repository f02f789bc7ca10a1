// The WSE-loket pages. Each path is a page; without a session every page but the callback is
// the sign-in page, and a signed-in person who has not chosen where to act chooses first.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";

import { ApplicationPage } from "./pages/application_page.js";
import { CallbackPage } from "./pages/callback_page.js";
import { ChooseContextPage } from "./pages/choose_context_page.js";
import { GebruikersbeheerPage } from "./pages/gebruikersbeheer_page.js";
import { HomePage } from "./pages/home_page.js";
import { SignInPage } from "./pages/sign_in_page.js";
import { navigate, useLocation } from "./router.js";
import { currentSession, onSessionChange } from "./session.js";
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
};

function App() {
  const url = useLocation();
  const signedIn = useSignedIn();
  const path = url.pathname;
  useEffect(() => {
    document.title = `${TITLES[path] ?? "WSE-loket"} · WSE-loket`;
  }, [path]);
  useEffect(() => {
    if (signedIn && path === "/") navigate("/kies", true);
  }, [signedIn, path]);

  if (path === CALLBACK_PATH) return <CallbackPage url={url} />;
  if (!signedIn) return <SignInPage />;
  switch (path) {
    case "/kies":
      return <ChooseContextPage />;
    case "/loket":
      return <HomePage />;
    case "/aanvraag":
      return <ApplicationPage />;
    case "/gebruikersbeheer":
      return <GebruikersbeheerPage />;
    default:
      return <ChooseContextPage />;
  }
}

render(<App />, document.getElementById("app")!);
