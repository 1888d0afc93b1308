import type { ApiError, ConnectionView } from "./bindings";
import { useAppStatus, useSyncNow } from "./queries";

/**
 * "Sync now" state shared by every place that offers it: for one
 * connection, or (`null`) every connected ATS.
 */
export function useSyncControl(connection: ConnectionView | null) {
  const status = useAppStatus();
  const mutation = useSyncNow();
  const syncing = connection ? connection.sync.state === "running" : status.data?.sync.state === "running";
  const running = syncing || mutation.isPending;
  // Another window or the scheduler already started one: not an error to show.
  const error: ApiError | null =
    mutation.error && mutation.error.code !== "sync_in_progress" ? mutation.error : null;
  return {
    running,
    error,
    start: () => {
      if (!running) mutation.mutate(connection?.id ?? null);
    },
    dismiss: () => mutation.reset(),
  };
}

/** Syncs every connected ATS (empty states); a failure shows next to the button. */
export function SyncNowButton({ className = "btn btn--primary" }: { className?: string }) {
  const sync = useSyncControl(null);
  return (
    <span className="inline-action">
      <button type="button" className={className} onClick={sync.start} disabled={sync.running}>
        {sync.running ? "Syncing…" : "Sync now"}
      </button>
      {sync.error && (
        <span className="field-error" role="alert">
          {sync.error.message}
        </span>
      )}
    </span>
  );
}
