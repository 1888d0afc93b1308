import type { ApiError } from "./bindings";
import { useAppStatus, useSyncNow } from "./queries";

/** "Sync now" state shared by every place that offers it. */
export function useSyncControl() {
  const status = useAppStatus();
  const mutation = useSyncNow();
  const running = status.data?.sync.state === "running" || mutation.isPending;
  // Another window or the scheduler already started one: not an error to show.
  const error: ApiError | null =
    mutation.error && mutation.error.code !== "sync_in_progress" ? mutation.error : null;
  return {
    running,
    error,
    start: () => {
      if (!running) mutation.mutate();
    },
    dismiss: () => mutation.reset(),
  };
}

export function SyncNowButton({ className = "btn btn--primary" }: { className?: string }) {
  const sync = useSyncControl();
  return (
    <button type="button" className={className} onClick={sync.start} disabled={sync.running}>
      {sync.running ? "Syncing…" : "Sync now"}
    </button>
  );
}
