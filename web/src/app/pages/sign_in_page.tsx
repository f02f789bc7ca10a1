// 'Meld u aan met één van de digitale sleutels': the way to the identity provider.
import { useEffect, useState } from "preact/hooks";

import { frontEndConfig } from "../config.js";
import { useAction } from "../ui/use_action.js";
import { beginSignIn, rememberReturnPath } from "../sign_in.js";
import { ProblemBox } from "../ui/parts.js";

export function SignInPage() {
  const action = useAction();
  const { problem, busy } = action;
  const [development, setDevelopment] = useState(false);
  useEffect(() => {
    frontEndConfig().then(
      (c) => setDevelopment(c.developmentSignIn),
      () => undefined,
    );
  }, []);
  const start = () =>
    action.run(async () => {
      rememberReturnPath(location.pathname + location.search);
      await beginSignIn();
    });
  return (
    <main class="page narrow" id="inhoud">
      <h1 tabIndex={-1}>Aanmelden in het WSE-loket</h1>
      <p>
        Meld u aan met één van de digitale sleutels (eID, itsme, beveiligingscode via mobiele app of sms,
        token) om aanwezigheden en deelnames voor Vlaams opleidingsverlof te registreren.
      </p>
      {development && (
        <p class="notice">Ontwikkelomgeving: u meldt aan bij de ontwikkel-identiteitsprovider.</p>
      )}
      <ProblemBox problem={problem} />
      <button type="button" class="button blue" onClick={start} disabled={busy}>
        Aanmelden met een digitale sleutel
      </button>
    </main>
  );
}
