import { QueryClient } from "@tanstack/react-query";
import { isRetryable } from "./errors";

export function createQueryClient(opts: { retry?: boolean } = {}): QueryClient {
  const retry = opts.retry ?? true;
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Background writes arrive as events (data_changed, sync_finished),
        // so there is no reason to refetch on a timer or on window focus.
        staleTime: Infinity,
        refetchOnWindowFocus: false,
        retry: retry ? (count, error) => count < 2 && isRetryable(error) : false,
      },
      mutations: { retry: false },
    },
  });
}
