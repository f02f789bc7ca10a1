// What a form does when it is submitted: busy while the call runs (its button disabled), the
// problem of the last attempt, nothing else. `run` takes the work; an error becomes `problem`.
import { useCallback, useState } from "preact/hooks";

import { problemOf, type Problem } from "../problems.js";

export interface Action {
  busy: boolean;
  problem?: Problem;
  run: (work: () => Promise<void>) => Promise<void>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await work();
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, problem, run };
}

// For a form's onSubmit: no page load, then the work.
export function submitWith(action: Action, work: () => Promise<void>) {
  return (event: Event) => {
    event.preventDefault();
    void action.run(work);
  };
}
