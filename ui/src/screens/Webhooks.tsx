import { useEffect, useState, type FormEvent } from "react";
import type { AgentView, DeliveryRow, DeliveryStatus, ReceiverStatus, WebhookTarget, WebhookView } from "../bindings";
import { Badge, type Tone } from "../components/Badge";
import { EmptyState, ErrorBanner, Loading } from "../components/Feedback";
import { Icon } from "../components/Icon";
import { Page, Segmented } from "../components/Page";
import { RelativeTime } from "../components/Time";
import { formatCount, plural } from "../lib/format";
import { formatAbsolute } from "../lib/time";
import { AgentLinks } from "./links/AgentLinks";
import {
  DELIVERY_LIMIT,
  useAgents,
  useDeactivateWebhook,
  useDeliveries,
  useDelivery,
  useReceiverStatus,
  useReplayDelivery,
  useSetPublicBaseUrl,
  useSubscribeAll,
  useCheckDelivery,
} from "../queries";

const TUNNEL_HELP =
  "The platform must reach this URL. On a desktop behind NAT, run a tunnel (e.g. cloudflared or ngrok) to the listen address and paste its https URL here.";

/* ---- Receiver --------------------------------------------------------- */

function PublicUrlForm({ status }: { status: ReceiverStatus }) {
  const save = useSetPublicBaseUrl();
  const saved = status.public_base_url ?? "";
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? saved;
  const inlineError = save.error?.code === "invalid_input" ? save.error.message : null;
  const otherError = save.error && save.error.code !== "invalid_input" ? save.error : null;

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate(value.trim() === "" ? null : value.trim(), { onSuccess: () => setDraft(null) });
  }

  return (
    <form className="url-form" onSubmit={submit} noValidate>
      <label className="url-form__label" htmlFor="public-base-url">
        Public base URL
      </label>
      <div className="url-form__row">
        <input
          id="public-base-url"
          className={inlineError ? "input input--wide input--invalid" : "input input--wide"}
          type="url"
          spellCheck={false}
          autoComplete="off"
          placeholder={status.listen_address ? `http://${status.listen_address}` : "https://example.trycloudflare.com"}
          value={value}
          aria-invalid={inlineError ? true : undefined}
          aria-describedby={inlineError ? "public-base-url-error" : "public-base-url-help"}
          onChange={(e) => {
            setDraft(e.target.value);
            if (save.error) save.reset();
          }}
        />
        <button type="submit" className="btn btn--primary" disabled={save.isPending || value.trim() === saved}>
          {save.isPending ? "Saving…" : "Save"}
        </button>
      </div>
      {inlineError && (
        <p className="field-error" id="public-base-url-error" data-testid="public-url-error">
          {inlineError}
        </p>
      )}
      <p className="url-form__help" id="public-base-url-help">
        {TUNNEL_HELP} Leave it empty to use the listen address.
      </p>
      {otherError && <ErrorBanner error={otherError} title="Could not save the public URL." />}
    </form>
  );
}

function ReceiverPanel() {
  const receiver = useReceiverStatus();
  let body;
  if (receiver.isError) {
    body = <ErrorBanner error={receiver.error} onRetry={() => void receiver.refetch()} title="Could not read the receiver's state." />;
  } else if (receiver.isPending) {
    body = <Loading label="Checking the webhook receiver…" />;
  } else {
    const r = receiver.data;
    body = (
      <>
        <header className="card__header card__header--compact">
          <div className="card__heading">
            <h2 className="card__title">
              Webhook receiver
              {r.running ? <Badge tone="green">Running</Badge> : <Badge tone="red">Not running</Badge>}
            </h2>
            <p className="card__subtitle">Where the interview platform delivers interview events and reports.</p>
          </div>
        </header>
        {r.error && (
          <p className={r.running ? "receiver__note" : "receiver__note receiver__note--error"} role={r.running ? undefined : "alert"}>
            <Icon name="alert" />
            {r.error}
          </p>
        )}
        <dl className="facts facts--inline">
          <dt>Listen address</dt>
          <dd className="mono">{r.listen_address ?? "—"}</dd>
          <dt>Platform calls</dt>
          <dd className="mono" title={r.public_base_url ?? undefined}>
            {r.public_base_url ?? "—"}
          </dd>
        </dl>
        <PublicUrlForm status={r} />
      </>
    );
  }
  return (
    <article className="card receiver" data-testid="receiver-status" aria-label="Webhook receiver">
      {body}
    </article>
  );
}

/* ---- Agents and their subscriptions ------------------------------------ */

const TARGETS: Record<WebhookTarget, { tone: Tone; label: string; title: string }> = {
  this_receiver: { tone: "blue", label: "This app", title: "Delivers to this app's receiver at its current address" },
  stale: {
    tone: "amber",
    label: "Stale — points at an old address",
    title: "Made by this app for an address it no longer uses, so nothing arrives. Fix subscriptions replaces it.",
  },
  elsewhere: { tone: "grey", label: "Other system", title: "Delivers to a system other than this app" },
};

function TargetBadge({ target }: { target: WebhookTarget }) {
  const t = TARGETS[target];
  return (
    <Badge tone={t.tone} title={t.title}>
      {t.label}
    </Badge>
  );
}

function WebhookRow({ hook, pending, onDeactivate }: { hook: WebhookView; pending: boolean; onDeactivate: () => void }) {
  const [confirming, setConfirming] = useState(false);
  return (
    <tr data-testid="webhook-row" className={hook.is_active ? undefined : "row--inactive"}>
      <td>
        <code className="tag">{hook.event_type}</code>
      </td>
      <td className="truncate" title={hook.url}>
        <span className="mono">{hook.url}</span>
        {hook.target !== "elsewhere" && (
          <span className="hook-stats" data-testid="webhook-stats">
            {hook.last_delivery_at ? (
              <>
                Last delivery <RelativeTime iso={hook.last_delivery_at} />
              </>
            ) : (
              "No deliveries yet"
            )}
            {hook.failed_deliveries > 0 && (
              <span className="hook-stats__bad"> · {hook.failed_deliveries} failed or rejected</span>
            )}
          </span>
        )}
      </td>
      <td className="mono">{hook.http_method}</td>
      <td>{hook.is_active ? <Badge tone="green">Active</Badge> : <Badge tone="grey">Inactive</Badge>}</td>
      <td>
        <TargetBadge target={hook.target} />
      </td>
      <td className="cell-actions">
        {hook.is_active &&
          (confirming ? (
            <span className="confirm" role="group" aria-label={`Deactivate ${hook.event_type}?`}>
              <span className="confirm__q">Deactivate?</span>
              <button
                type="button"
                className="btn btn--small btn--danger"
                disabled={pending}
                onClick={() => {
                  setConfirming(false);
                  onDeactivate();
                }}
              >
                Confirm
              </button>
              <button type="button" className="btn btn--small" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </span>
          ) : (
            <button type="button" className="btn btn--small" disabled={pending} onClick={() => setConfirming(true)}>
              {pending ? "Deactivating…" : "Deactivate"}
            </button>
          ))}
      </td>
    </tr>
  );
}

function AgentCard({ agent }: { agent: AgentView }) {
  const subscribe = useSubscribeAll();
  const check = useCheckDelivery();
  const deactivate = useDeactivateWebhook();
  const stale = agent.webhooks.some((w) => w.is_active && w.target === "stale");
  const active = agent.webhooks.filter((w) => w.is_active).length;

  return (
    <article className="card" data-testid="agent-card" aria-label={agent.title}>
      <header className="card__header card__header--compact">
        <div className="card__heading">
          <h2 className="card__title">
            {agent.title}
            {agent.archived && (
              <Badge tone="grey" title="Archived on the interview platform; it takes no new interviews">
                Archived
              </Badge>
            )}
          </h2>
          <p className="card__subtitle">
            <span className="mono">{agent.posting_id}</span> · {plural(agent.webhooks.length, "subscription")}
            {agent.webhooks.length > 0 && `, ${formatCount(active)} active`}
          </p>
        </div>
        <button
          type="button"
          className={stale ? "btn btn--warning" : "btn btn--primary"}
          data-testid="subscribe-all"
          disabled={subscribe.isPending}
          title={
            stale
              ? "Deactivates the subscriptions that point at an old address and subscribes this app to every interview event"
              : "Subscribes this app to interview_started, interview_completed and report_available for this agent"
          }
          onClick={() => subscribe.mutate(agent.posting_id)}
        >
          {subscribe.isPending ? "Subscribing…" : stale ? "Fix subscriptions" : "Subscribe all"}
        </button>
        <button
          type="button"
          className="btn"
          data-testid="check-delivery"
          disabled={check.isPending || agent.archived}
          title="Subscribes if needed, invites a test candidate and waits for the platform's interview_started to arrive here"
          onClick={() => check.mutate(agent.posting_id)}
        >
          {check.isPending ? "Checking delivery…" : "Check delivery"}
        </button>
      </header>
      {check.data && (
        <p
          className={check.data.delivered ? "notice notice--ok" : "notice notice--warn"}
          data-testid="delivery-check"
          role="status"
        >
          {check.data.delivered ? "Delivery works: " : "Not confirmed yet: "}
          {check.data.message}
          {check.data.interview_url && (
            <>
              {" "}Interview link: <span className="mono">{check.data.interview_url}</span>
            </>
          )}
        </p>
      )}
      {check.error && (
        <ErrorBanner error={check.error} onRetry={() => check.mutate(agent.posting_id)} title="Could not check delivery." />
      )}
      {subscribe.error && (
        <ErrorBanner error={subscribe.error} onRetry={() => subscribe.mutate(agent.posting_id)} title="Could not subscribe this agent." />
      )}
      {deactivate.error && <ErrorBanner error={deactivate.error} title="Could not deactivate the subscription." />}
      <AgentLinks agent={agent} />
      {agent.webhooks.length === 0 ? (
        <p className="card__empty" data-testid="empty-state">
          No subscriptions for this agent yet. Click Subscribe all so its interviews reach Reqlink.
        </p>
      ) : (
        <table className="simple-table hooks-table">
          <colgroup>
            <col className="hooks-table__event" />
            <col />
            <col className="hooks-table__method" />
            <col className="hooks-table__state" />
            <col className="hooks-table__target" />
            <col className="hooks-table__actions" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">URL</th>
              <th scope="col">Method</th>
              <th scope="col">State</th>
              <th scope="col">Target</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {agent.webhooks.map((w) => (
              <WebhookRow
                key={w.webhook_id}
                hook={w}
                pending={deactivate.isPending && deactivate.variables === w.webhook_id}
                onDeactivate={() => deactivate.mutate(w.webhook_id)}
              />
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}

/* ---- Delivery log ------------------------------------------------------ */

type StatusFilter = "all" | DeliveryStatus;
const STATUS_OPTIONS = [
  { value: "all", label: "All" },
  { value: "pending", label: "Pending" },
  { value: "processed", label: "Processed" },
  { value: "failed", label: "Failed" },
  { value: "rejected", label: "Rejected" },
] as const;

const DELIVERY_TONES: Record<DeliveryStatus, Tone> = { pending: "blue", processed: "green", failed: "red", rejected: "amber" };
const DELIVERY_LABELS: Record<DeliveryStatus, string> = { pending: "Pending", processed: "Processed", failed: "Failed", rejected: "Rejected" };

function DeliveryBadge({ status }: { status: DeliveryStatus }) {
  return <Badge tone={DELIVERY_TONES[status]}>{DELIVERY_LABELS[status]}</Badge>;
}

/** The payload for reading: pretty JSON when it parses, otherwise exactly as received. */
export function prettyPayload(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${formatCount(n)} B`;
  return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;
}

function DeliveryPanel({ id, onClose }: { id: string; onClose: () => void }) {
  const detail = useDelivery(id);
  const replay = useReplayDelivery();
  const accepted = id.startsWith("d");
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onClose();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);

  let body;
  if (detail.isError) body = <ErrorBanner error={detail.error} onRetry={() => void detail.refetch()} />;
  else if (detail.isPending) body = <Loading label="Loading delivery…" />;
  else {
    const row = detail.data.row;
    body = (
      <>
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <DeliveryBadge status={row.status} />
          </dd>
          <dt>Received</dt>
          <dd>
            {formatAbsolute(row.received_at)} (<RelativeTime iso={row.received_at} />)
          </dd>
          <dt>Source</dt>
          <dd>{row.source}</dd>
          <dt>Event</dt>
          <dd>{row.event_type ?? "—"}</dd>
          <dt>Interview</dt>
          <dd className="mono">{row.interview_id ?? "—"}</dd>
          <dt>Size</dt>
          <dd>{formatBytes(row.size)}</dd>
        </dl>
        {row.error && (
          <p className="delivery-error" data-testid="delivery-error">
            {row.error}
          </p>
        )}
        {accepted ? (
          <div className="side-panel__actions">
            <button
              type="button"
              className="btn btn--primary"
              disabled={replay.isPending || row.status === "pending"}
              onClick={() => replay.mutate(row.id)}
            >
              {replay.isPending ? "Queuing…" : row.status === "failed" ? "Retry" : "Replay"}
            </button>
            <span className="muted">
              {row.status === "pending" ? "Waiting for the inbox worker." : row.status === "failed" ? "Processes this delivery again." : "Processes the stored payload again."}
            </span>
          </div>
        ) : (
          <p className="muted">Rejected at the door and never stored: only the first 4 KiB are kept, so it cannot be replayed.</p>
        )}
        {replay.error && <ErrorBanner error={replay.error} title="Could not replay this delivery." />}
        <h3 className="side-panel__section">Payload</h3>
        <pre className="payload" data-testid="delivery-payload">
          {prettyPayload(detail.data.payload)}
        </pre>
      </>
    );
  }

  return (
    <aside className="side-panel side-panel--fixed" aria-label={`Delivery ${id}`} data-testid="delivery-panel">
      <header className="side-panel__header">
        <div>
          <h2 className="side-panel__title">Delivery {id}</h2>
        </div>
        <button type="button" className="icon-btn" aria-label="Close delivery" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      {body}
    </aside>
  );
}

function DeliveryItem({ row, selected, onOpen }: { row: DeliveryRow; selected: boolean; onOpen: () => void }) {
  return (
    <li>
      <button
        type="button"
        className={`delivery${selected ? " delivery--selected" : ""}`}
        data-testid="delivery-row"
        aria-pressed={selected}
        onClick={onOpen}
      >
        <span className="delivery__time">
          <RelativeTime iso={row.received_at} />
          <span className="delivery__abs">{formatAbsolute(row.received_at)}</span>
        </span>
        <span className="delivery__source">{row.source}</span>
        <span className="delivery__event">{row.event_type ? <code className="tag">{row.event_type}</code> : <span className="muted">—</span>}</span>
        <span className="delivery__interview mono" title={row.interview_id ?? undefined}>
          {row.interview_id ?? "—"}
        </span>
        <span className="delivery__status">
          <DeliveryBadge status={row.status} />
        </span>
        <span className="delivery__error" title={row.error ?? undefined}>
          {row.error ?? ""}
        </span>
      </button>
    </li>
  );
}

function DeliveryLog() {
  const [status, setStatus] = useState<StatusFilter>("all");
  const [openId, setOpenId] = useState<string | null>(null);
  const deliveries = useDeliveries(status === "all" ? null : status);

  let body;
  if (deliveries.isError) {
    body = <ErrorBanner error={deliveries.error} onRetry={() => void deliveries.refetch()} title="Could not load the delivery log." />;
  } else if (deliveries.isPending) {
    body = <Loading label="Loading deliveries…" />;
  } else if (deliveries.data.length === 0) {
    body =
      status === "all" ? (
        <EmptyState title="No deliveries yet.">Click Subscribe all on an agent, then run an interview.</EmptyState>
      ) : (
        <EmptyState
          title={`No ${DELIVERY_LABELS[status].toLowerCase()} deliveries.`}
          action={
            <button type="button" className="btn" onClick={() => setStatus("all")}>
              Show all
            </button>
          }
        >
          {status === "failed" || status === "rejected" ? "Nothing has gone wrong lately." : "Try another status."}
        </EmptyState>
      );
  } else {
    const rows = deliveries.data;
    body = (
      <>
        <div className="delivery delivery--head" aria-hidden="true">
          <span>Received</span>
          <span>Source</span>
          <span>Event</span>
          <span>Interview</span>
          <span>Status</span>
          <span>Error</span>
        </div>
        <ol className="deliveries" aria-label="Deliveries">
          {rows.map((r) => (
            <DeliveryItem key={r.id} row={r} selected={openId === r.id} onOpen={() => setOpenId(r.id)} />
          ))}
        </ol>
        {rows.length >= DELIVERY_LIMIT && <p className="muted">Showing the newest {formatCount(DELIVERY_LIMIT)} deliveries.</p>}
      </>
    );
  }

  return (
    <section className="delivery-log" data-testid="delivery-log" aria-labelledby="delivery-log-title">
      <header className="section-head">
        <div>
          <h2 className="section-head__title" id="delivery-log-title">
            Delivery log
          </h2>
          <p className="section-head__subtitle">Every call the platform made to the receiver, newest first. Click one to see its payload.</p>
        </div>
        <Segmented<StatusFilter> label="Delivery status" value={status} options={STATUS_OPTIONS} onChange={setStatus} />
      </header>
      {body}
      {openId && <DeliveryPanel key={openId} id={openId} onClose={() => setOpenId(null)} />}
    </section>
  );
}

/* ---- Screen ------------------------------------------------------------ */

export function Webhooks() {
  const agents = useAgents();
  return (
    <Page
      screen="webhooks"
      title="Webhooks"
      subtitle="The receiver, the interview agents' subscriptions, and every delivery the platform made."
    >
      <div className="stack">
        <ReceiverPanel />
        <section className="stack stack--tight" aria-labelledby="agents-title">
          <header className="section-head">
            <div>
              <h2 className="section-head__title" id="agents-title">
                Interview agents
              </h2>
              <p className="section-head__subtitle">Subscribe all points an agent's interview_started, interview_completed and report_available events at this app.</p>
            </div>
          </header>
          {agents.isError ? (
            <ErrorBanner error={agents.error} onRetry={() => void agents.refetch()} title="Could not load interview agents." />
          ) : agents.isPending ? (
            <Loading label="Loading interview agents…" />
          ) : agents.data.length === 0 ? (
            <EmptyState title="No interview agents yet.">
              Agents are created on the interview platform. Once the platform is connected on Integrations, its agents and
              their webhook subscriptions show up here.
            </EmptyState>
          ) : (
            agents.data.map((a) => <AgentCard key={a.posting_id} agent={a} />)
          )}
        </section>
        <DeliveryLog />
      </div>
    </Page>
  );
}
