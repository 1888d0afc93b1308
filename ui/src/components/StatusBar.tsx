import { useEffect, useState } from "react";
import type { AppStatus, SyncStatus } from "../bindings";
import { useBackend } from "../backend/context";
import { toApiError } from "../lib/errors";
import { formatCount } from "../lib/format";
import { formatAbsolute, formatRelative } from "../lib/time";
import { useNow } from "../lib/useNow";
import { useAppStatus } from "../queries";
import { ProgressBar } from "./Feedback";

/** "Syncing candidates… 1,200 / 4,000" */
export function syncProgressText(sync: SyncStatus): string {
  const what = sync.phase ?? "data";
  const count = sync.total !== null ? `${formatCount(sync.done)} / ${formatCount(sync.total)}` : formatCount(sync.done);
  return `Syncing ${what}… ${count}`;
}

function useNavigatorOnline(): boolean {
  const [online, setOnline] = useState(() => (typeof navigator === "undefined" ? true : navigator.onLine));
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);
  return online;
}

function WorkspaceBadge({ status }: { status: AppStatus | undefined }) {
  if (!status) return <span className="ws-badge" data-testid="workspace-badge">…</span>;
  const { workspace } = status;
  if (workspace.kind === "sandbox") {
    return (
      <span
        className="ws-badge ws-badge--sandbox"
        data-testid="workspace-badge"
        title="Sandbox workspace: every ATS and the interview platform are emulated locally on this computer. Nothing is sent to a real system."
      >
        Sandbox workspace
      </span>
    );
  }
  return (
    <span className="ws-badge" data-testid="workspace-badge" title={`Workspace ${workspace.name}: connected to real systems`}>
      {workspace.name}
    </span>
  );
}

function SyncState({ sync }: { sync: SyncStatus | undefined }) {
  const now = useNow();
  let content;
  if (!sync) content = <span className="muted">…</span>;
  else if (sync.state === "running") {
    content = (
      <>
        <span>{syncProgressText(sync)}</span>
        <ProgressBar done={sync.done} total={sync.total} label="Sync progress" />
      </>
    );
  } else if (sync.state === "failed") {
    content = (
      <span className="status-bar__error" title={sync.last_error?.message}>
        Sync failed: {sync.last_error?.message ?? "unknown error"}
      </span>
    );
  } else if (sync.last_finished_at) {
    content = <span title={formatAbsolute(sync.last_finished_at)}>Synced {formatRelative(sync.last_finished_at, now)}</span>;
  } else {
    content = <span className="muted">Not synced yet</span>;
  }
  return (
    <span className="status-bar__item status-bar__sync" data-testid="sync-state" aria-live="polite">
      {content}
    </span>
  );
}

function OnlineState({ remoteOk }: { remoteOk: boolean | undefined }) {
  const networkUp = useNavigatorOnline();
  let cls = "dot dot--green";
  let text = "Online";
  let title = "Connected";
  if (!networkUp) {
    cls = "dot dot--grey";
    text = "Offline";
    title = "This computer has no network connection. Local data stays available.";
  } else if (remoteOk === false) {
    cls = "dot dot--amber";
    text = "Server unreachable";
    title = "The last call to the ATS or interview platform failed. Local data stays available.";
  }
  return (
    <span className="status-bar__item" data-testid="online-state" title={title}>
      <span className={cls} aria-hidden="true" />
      {text}
    </span>
  );
}

export function StatusBar() {
  const backend = useBackend();
  const status = useAppStatus();
  return (
    <footer className="status-bar" aria-label="Status">
      <span className="status-bar__item">
        <WorkspaceBadge status={status.data} />
      </span>
      {status.isError ? (
        <span className="status-bar__item status-bar__error" data-testid="sync-state">
          Status unavailable: {toApiError(status.error).message}
        </span>
      ) : (
        <SyncState sync={status.data?.sync} />
      )}
      <span className="status-bar__spacer" />
      {backend.kind === "mock" && (
        <span className="status-bar__item preview-tag" title="Running in a browser: data comes from an in-memory mock, not the desktop app">
          Preview with mock data
        </span>
      )}
      <OnlineState remoteOk={status.data?.online} />
      {status.data && <span className="status-bar__item muted">v{status.data.version}</span>}
    </footer>
  );
}
