import { keepPreviousData, useQueries, type QueryKey } from "@tanstack/react-query";
import { useCallback, useMemo, useState } from "react";

/** Rows per backend call. The commands accept 1-500; 100 keeps calls small. */
export const PAGE_SIZE = 100;

export interface Page<Row> {
  items: Row[];
  total: number;
}

export interface PagedList<Row> {
  /** Rows matching the query; `null` until the first page arrives. */
  total: number | null;
  /** The row at absolute index `i`, or undefined while its page loads. */
  rowAt: (i: number) => Row | undefined;
  /** True until the first page of this query (or a previous one) is here. */
  isPending: boolean;
  /** True while any visible page is being (re)fetched. */
  isFetching: boolean;
  /** The first error among the visible pages. */
  error: unknown;
  /** Refetches every page that failed. */
  retry: () => void;
  /** Tell the list which rows are on screen; it fetches the pages they need. */
  setVisibleRows: (first: number, last: number) => void;
}

/**
 * Random-access paging for long lists: only the pages under the viewport
 * (plus page 0, which carries the total) are fetched and kept observed, so a
 * 100,000-row list costs a couple of 100-row calls wherever it is scrolled.
 */
export function usePagedList<Row>(opts: {
  /** Identifies the query (command + filters); each page appends its index. */
  queryKey: QueryKey;
  fetchPage: (offset: number, limit: number) => Promise<Page<Row>>;
}): PagedList<Row> {
  const { queryKey, fetchPage } = opts;
  const hash = JSON.stringify(queryKey);
  const [range, setRange] = useState({ hash, firstPage: 0, lastPage: 0 });
  // A new query starts at the top again (derived reset, no effect needed).
  const current = range.hash === hash ? range : { hash, firstPage: 0, lastPage: 0 };

  const pages = useMemo(() => {
    const list = [0];
    for (let p = Math.max(1, current.firstPage); p <= current.lastPage; p++) list.push(p);
    return list;
  }, [current.firstPage, current.lastPage]);

  const results = useQueries({
    queries: pages.map((page) => ({
      queryKey: [...queryKey, page],
      queryFn: () => fetchPage(page * PAGE_SIZE, PAGE_SIZE),
      // Keep showing the previous results while a new search loads.
      placeholderData: page === 0 ? keepPreviousData : undefined,
    })),
  });

  const first = results[0];
  const byPage = new Map<number, Page<Row> | undefined>();
  pages.forEach((p, k) => byPage.set(p, results[k]?.data));

  const rowAt = (i: number): Row | undefined => byPage.get(Math.floor(i / PAGE_SIZE))?.items[i % PAGE_SIZE];

  const failed = results.filter((r) => r.isError);
  const setVisibleRows = useCallback(
    (firstRow: number, lastRow: number) => {
      const firstPage = Math.floor(Math.max(0, firstRow) / PAGE_SIZE);
      const lastPage = Math.floor(Math.max(0, lastRow) / PAGE_SIZE);
      setRange((r) => (r.hash === hash && r.firstPage === firstPage && r.lastPage === lastPage ? r : { hash, firstPage, lastPage }));
    },
    [hash],
  );

  return {
    total: first?.data?.total ?? null,
    rowAt,
    isPending: first?.data === undefined && !first?.isError,
    isFetching: results.some((r) => r.isFetching),
    error: failed[0]?.error ?? null,
    retry: () => {
      for (const r of failed) void r.refetch();
    },
    setVisibleRows,
  };
}
