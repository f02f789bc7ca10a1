// Loading data for a page: the answer, the problem, or still waiting; `reload` asks again.
import { useCallback, useEffect, useState } from "preact/hooks";

import { problemOf, type Problem } from "../problems.js";

export interface CallState<T> {
  data?: T;
  problem?: Problem;
  loading: boolean;
  reload: () => void;
}

export function useCall<T>(call: () => Promise<T>, deps: unknown[]): CallState<T> {
  const [state, setState] = useState<{ data?: T; problem?: Problem; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    call().then(
      (data) => current && setState({ data, loading: false }),
      (error) => current && setState({ problem: problemOf(error), loading: false }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}
