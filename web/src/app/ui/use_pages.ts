// A list read page by page (AIP-158 page tokens): the items so far, whether there are more, and
// `more` to read the next page. Starts again when `deps` change; a page still on its way for the
// list before that is dropped, not appended to the new one.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

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
  // The list now shown; each start of the list replaces it, so late pages of an earlier one
  // find themselves no longer current.
  const current = useRef({ alive: true });

  const load = useCallback(
    async (token: string, replace: boolean, list: { alive: boolean }) => {
      setLoading(true);
      try {
        const page = await read(token);
        if (!list.alive) return;
        setItems((old) => (replace ? page.items : [...old, ...page.items]));
        setNext(page.nextPageToken);
        setProblem(undefined);
      } catch (error) {
        if (list.alive) setProblem(problemOf(error));
      }
      if (list.alive) setLoading(false);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    deps,
  );
  useEffect(() => {
    const list = { alive: true };
    current.current = list;
    void load("", true, list);
    return () => {
      list.alive = false;
    };
  }, [load]);
  const more = useCallback(() => {
    if (next) void load(next, false, current.current);
  }, [next, load]);
  return { items, loading, problem, hasMore: next !== "", more };
}
