import type { ConnectionView } from "../../bindings";
import { ProgressBar } from "../../components/Feedback";
import { RelativeTime } from "../../components/Time";
import { PROVIDER_NAMES, syncCountsText } from "../../lib/connection";
import { formatCount } from "../../lib/format";
import { useCancelSync } from "../../queries";
import { useSyncControl } from "../../sync";

const COUNT_LABELS = [
  ["jobs", "Jobs"],
  ["stages", "Stages"],
  ["users", "Users"],
  ["candidates", "Candidates"],
  ["applications", "Applications"],
] as const;

export function Counts({ connection }: { connection: ConnectionView }) {
  return (
    <ul className="counts" aria-label="Synced records">
      {COUNT_LABELS.map(([k, label]) => (
        <li key={k}>
          <span className="counts__value">{formatCount(connection.counts[k])}</span>
          <span className="counts__label">{label}</span>
        </li>
      ))}
    </ul>
  );
}

/** Last sync, Sync now, and while it runs: what it fetches, how far, and Cancel. */
export function SyncPanel({ connection }: { connection: ConnectionView }) {
  const provider = connection.provider;
  const name = PROVIDER_NAMES[provider];
  const sync = useSyncControl(connection);
  const cancel = useCancelSync();
  const s = connection.sync;
  const running = s.state === "running";
  const cancelled = s.state === "idle" && s.last_error?.code === "cancelled";

  return (
    <div className="sync-panel">
      {running ? (
        <div className="sync-progress" data-testid={`sync-progress-${provider}`}>
          <div className="sync-progress__line">
            <span aria-live="polite">{syncCountsText(s)}</span>
            <button
              type="button"
              className="btn btn--small"
              disabled={cancel.isPending}
              onClick={() => cancel.mutate(connection.id)}
              data-testid={`sync-cancel-${provider}`}
            >
              {cancel.isPending ? "Cancelling…" : "Cancel"}
            </button>
          </div>
          <ProgressBar done={s.done} total={s.total} label={`${name} sync progress`} />
        </div>
      ) : (
        <p className="sync-panel__last">
          Last sync <RelativeTime iso={connection.last_sync_at} empty="never" />
          {cancelled && <span className="muted"> · cancelled; the next sync resumes where it stopped</span>}
        </p>
      )}
      <button
        type="button"
        className="btn btn--primary"
        onClick={sync.start}
        disabled={sync.running || connection.state === "needs_reconnect"}
        data-testid={`sync-now-${provider}`}
      >
        {sync.running ? "Syncing…" : "Sync now"}
      </button>
      {sync.error && (
        <p className="field-error sync-panel__error" role="alert">
          {sync.error.message}
        </p>
      )}
      {cancel.error && (
        <p className="field-error sync-panel__error" role="alert">
          {cancel.error.message}
        </p>
      )}
    </div>
  );
}
