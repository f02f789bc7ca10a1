// Back from the identity provider: finish the sign-in, then choose where to act.
import { useEffect, useState } from "preact/hooks";

import { problemOf, type Problem } from "../problems.js";
import { navigate, onLinkClick } from "../router.js";
import { completeSignIn } from "../sign_in.js";
import { Loading, ProblemBox } from "../ui/parts.js";

export function CallbackPage({ url }: { url: URL }) {
  const [problem, setProblem] = useState<Problem>();
  useEffect(() => {
    completeSignIn(url).then(
      () => navigate("/kies", true),
      (error) => setProblem(problemOf(error)),
    );
    // Once per arrival.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <main class="page narrow" id="inhoud">
      <h1 tabIndex={-1}>Aanmelden</h1>
      {problem ? (
        <>
          <ProblemBox problem={problem} />
          <a href="/" onClick={onLinkClick}>
            Opnieuw aanmelden
          </a>
        </>
      ) : (
        <Loading what="Uw sessie" />
      )}
    </main>
  );
}
