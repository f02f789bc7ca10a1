// A list read page by page (AIP-158 page tokens): the items so far, whether there are more, and
// `more` to read the next page. Starts again when `deps` change.
import { useCallback, useEffect, useState } from "preact/hooks";

import { problemOf, type Problem } from "../problems.js";

export interface Pages<T> {
  items: T[];
  loading: boolean;
  problem?: Problem;
  hasMore: boolean;
  more: () => void;
}

export function usePages<T>(
  read: (pageToken: string) => Promise<{ items: T[]; nextPageToken: string }>,
  deps: unknown[],
): Pages<T> {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState("");
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<Problem>();
  const [generation, setGeneration] = useState(0);

  const load = useCallback(
    async (token: string, replace: boolean, current: { alive: boolean }) => {
      setLoading(true);
      try {
        const page = await read(token);
        if (!current.alive) return;
        setItems((old) => (replace ? page.items : [...old, ...page.items]));
        setNext(page.nextPageToken);
        setProblem(undefined);
      } catch (error) {
        if (current.alive) setProblem(problemOf(error));
      }
      if (current.alive) setLoading(false);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    deps,
  );
  useEffect(() => {
    const current = { alive: true };
    void load("", true, current);
    setGeneration((g) => g + 1);
    return () => {
      current.alive = false;
    };
  }, [load]);
  const more = useCallback(() => {
    if (next) void load(next, false, { alive: true });
    // generation keeps `more` tied to the current list
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [next, load, generation]);
  return { items, loading, problem, hasMore: next !== "", more };
}
