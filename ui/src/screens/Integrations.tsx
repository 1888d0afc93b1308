import type { ConnectionState, ConnectionView, Provider } from "../bindings";
import { Badge, type Tone } from "../components/Badge";
import { EmptyState, ErrorBanner, Loading, ProgressBar } from "../components/Feedback";
import { Page } from "../components/Page";
import { RelativeTime } from "../components/Time";
import { formatCount } from "../lib/format";
import { useAppStatus, useConnections, useSyncTarget } from "../queries";
import { useSyncControl } from "../sync";
import { syncProgressText } from "../components/StatusBar";

export const PROVIDER_NAMES: Record<Provider, string> = {
  greenhouse: "Greenhouse",
  lever: "Lever",
  workday: "Workday",
  interview_platform: "Interview platform",
};

const ATS: ReadonlySet<Provider> = new Set<Provider>(["greenhouse", "lever", "workday"]);

const STATE_TONES: Record<ConnectionState, Tone> = {
  connected: "green",
  not_connected: "grey",
  needs_reconnect: "amber",
  error: "red",
};

function stateText(c: ConnectionView): string {
  switch (c.state) {
    case "connected":
      return "Connected";
    case "not_connected":
      return "Not connected";
    case "needs_reconnect":
      return "Needs reconnect";
    case "error":
      return c.detail ? `Error: ${c.detail}` : "Error";
  }
}

const COUNT_LABELS = [
  ["jobs", "Jobs"],
  ["stages", "Stages"],
  ["users", "Users"],
  ["candidates", "Candidates"],
  ["applications", "Applications"],
] as const;

function ConnectionCard({ c }: { c: ConnectionView }) {
  const sync = useSyncControl();
  const status = useAppStatus();
  const target = useSyncTarget();
  const isAts = ATS.has(c.provider);
  const sync_ = status.data?.sync;
  const showProgress = isAts && sync_?.state === "running" && (target === null || target === c.id);
  const countsShown = COUNT_LABELS.filter(([k]) => isAts || c.counts[k] > 0);

  return (
    <article className="card" data-testid="connection-card" aria-label={`${PROVIDER_NAMES[c.provider]}: ${c.label}`}>
      <header className="card__header">
        <div className={`provider-mark provider-mark--${c.provider}`} aria-hidden="true">
          {PROVIDER_NAMES[c.provider].charAt(0)}
        </div>
        <div className="card__heading">
          <h2 className="card__title">
            {PROVIDER_NAMES[c.provider]}
            {c.sandbox && (
              <Badge tone="amber" title="Emulated locally: no real ATS is contacted">
                Sandbox
              </Badge>
            )}
          </h2>
          <p className="card__subtitle">{c.label}</p>
        </div>
        <Badge tone={STATE_TONES[c.state]}>{stateText(c)}</Badge>
      </header>
      {c.detail && c.state !== "error" && <p className="card__detail">{c.detail}</p>}
      <dl className="facts facts--inline">
        <dt>Authentication</dt>
        <dd>{c.auth_style}</dd>
        <dt>Base URL</dt>
        <dd className="mono" title={c.base_url}>
          {c.base_url}
        </dd>
        <dt>Last sync</dt>
        <dd>
          <RelativeTime iso={c.last_sync_at} empty="Never" />
        </dd>
      </dl>
      {countsShown.length > 0 && (
        <ul className="counts">
          {countsShown.map(([k, label]) => (
            <li key={k}>
              <span className="counts__value">{formatCount(c.counts[k])}</span>
              <span className="counts__label">{label}</span>
            </li>
          ))}
        </ul>
      )}
      {isAts && (
        <footer className="card__footer">
          {showProgress && sync_ ? (
            <div className="card__progress">
              <span>{syncProgressText(sync_)}</span>
              <ProgressBar done={sync_.done} total={sync_.total} label="Sync progress" />
            </div>
          ) : (
            <span className="muted">Pulls jobs, stages, users, candidates and applications.</span>
          )}
          <button type="button" className="btn btn--primary" onClick={sync.start} disabled={sync.running || c.state === "not_connected"}>
            {sync.running ? "Syncing…" : "Sync now"}
          </button>
        </footer>
      )}
      {isAts && sync.error && <ErrorBanner error={sync.error} onRetry={sync.start} title="Sync could not start." />}
    </article>
  );
}

function ComingSoonCard({ provider }: { provider: "lever" | "workday" }) {
  const name = PROVIDER_NAMES[provider];
  return (
    <article className="card card--muted" data-testid="coming-soon-card" aria-label={`${name}: not connected`}>
      <header className="card__header">
        <div className={`provider-mark provider-mark--${provider}`} aria-hidden="true">
          {name.charAt(0)}
        </div>
        <div className="card__heading">
          <h2 className="card__title">{name}</h2>
          <p className="card__subtitle">Applicant tracking system</p>
        </div>
        <Badge tone="grey">Not connected</Badge>
      </header>
      <p className="card__detail">Not connected — connecting {name} arrives in a coming release.</p>
    </article>
  );
}

export function Integrations() {
  const connections = useConnections();
  const data = connections.data ?? [];
  const missing = (["lever", "workday"] as const).filter((p) => !data.some((c) => c.provider === p));

  return (
    <Page screen="integrations" title="Integrations" subtitle="Where Reqlink reads requisitions and candidates, and where interview agents live.">
      {connections.isError ? (
        <ErrorBanner error={connections.error} onRetry={() => void connections.refetch()} title="Could not load connections." />
      ) : connections.isPending ? (
        <Loading label="Loading connections…" />
      ) : (
        <>
          {data.length === 0 && (
            <EmptyState title="No connections yet.">
              No ATS or interview platform is connected to this workspace. The README explains how to connect a real
              Greenhouse account; the sandbox workspace comes connected out of the box.
            </EmptyState>
          )}
          <div className="cards">
            {data.map((c) => (
              <ConnectionCard key={c.id} c={c} />
            ))}
            {missing.map((p) => (
              <ComingSoonCard key={p} provider={p} />
            ))}
          </div>
        </>
      )}
    </Page>
  );
}
