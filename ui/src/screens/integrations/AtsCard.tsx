import { useState } from "react";
import type { AuthKind, ConnectRequest, IntegrationCard } from "../../bindings";
import { Badge } from "../../components/Badge";
import { Loading } from "../../components/Feedback";
import { toApiError } from "../../lib/errors";
import { useConnect, useOAuthFlow, useStartOAuth } from "../../queries";
import { AtsWebhook } from "./AtsWebhook";
import { ConnectForm } from "./ConnectForm";
import { ConnectionStatus } from "./ConnectionStatus";
import { Disconnect } from "./Disconnect";
import { OAuthFailed, OAuthWaiting } from "./OAuthWaiting";
import { Counts, SyncPanel } from "./SyncPanel";
import { Troubleshoot } from "./Troubleshoot";
import { UserMapping } from "./UserMapping";

type Step =
  | { step: "idle"; note: string | null }
  /** Choosing how to connect and filling in the form (`lock`: reconnect with the same option). */
  | { step: "connect"; kind: AuthKind | null; lock: boolean; notice: string | null }
  | { step: "oauth"; flowId: string; req: ConnectRequest; lock: boolean };

function optionsText(card: IntegrationCard): string {
  const labels = card.auth_options.map((o) => o.label);
  if (labels.length <= 1) return labels[0] ?? "No way to connect yet";
  return `${labels.slice(0, -1).join(", ")} or ${labels[labels.length - 1]}`;
}

/** One ATS: how it connects, whether it works, its sync, webhooks and checks. */
export function AtsCard({ card }: { card: IntegrationCard }) {
  const [step, setStep] = useState<Step>({ step: "idle", note: null });
  const connect = useConnect();
  const startOAuth = useStartOAuth();
  const flow = useOAuthFlow(step.step === "oauth" ? step.flowId : null);
  const busy = connect.isPending || startOAuth.isPending;
  const error = connect.error ?? startOAuth.error ?? null;
  const conn = card.connection;
  const connected = conn !== null && conn.state !== "not_connected";
  const provider = card.provider;

  function submit(req: ConnectRequest, lock: boolean) {
    connect.reset();
    startOAuth.reset();
    if (req.kind === "oauth_code") {
      startOAuth.mutate(req, { onSuccess: (f) => setStep({ step: "oauth", flowId: f.flow_id, req, lock }) });
    } else {
      connect.mutate(req, {
        onSuccess: (c) => setStep({ step: "idle", note: `Connected to ${card.name}${c.identity ? ` as ${c.identity}` : ""}.` }),
      });
    }
  }

  function close() {
    connect.reset();
    startOAuth.reset();
    setStep({ step: "idle", note: null });
  }

  /**
   * The same way in again: straight away when nothing needs typing (the
   * sandbox, or a browser sign-in, which reuses the saved client settings),
   * else that option's form.
   */
  function reconnect() {
    if (!conn) return;
    const option = card.auth_options.find((o) => o.kind === conn.auth_kind) ?? card.auth_options[0];
    if (!option) return;
    if (conn.sandbox || option.fields.length === 0 || option.kind === "oauth_code") {
      submit({ provider, kind: option.kind, sandbox: conn.sandbox, fields: {} }, true);
    } else {
      close();
      setStep({ step: "connect", kind: option.kind, lock: true, notice: null });
    }
  }

  function form(kind: AuthKind | null, lock: boolean, notice: string | null) {
    return (
      <ConnectForm
        key={`${kind ?? "any"}/${lock}`}
        card={card}
        initialKind={kind}
        lockKind={lock}
        notice={notice}
        busy={busy}
        error={error}
        onSubmit={(req) => submit(req, lock)}
        onClose={close}
      />
    );
  }

  let panel = null;
  let note: string | null = step.step === "idle" ? step.note : null;
  if (step.step === "connect") {
    panel = form(step.kind, step.lock, step.notice);
  } else if (step.step === "oauth") {
    const f = flow.data;
    if (flow.isError) {
      panel = (
        <p className="field-error" role="alert">
          {toApiError(flow.error).message}
        </p>
      );
    } else if (!f) {
      panel = <Loading label="Opening the browser…" />;
    } else if (f.status === "waiting") {
      panel = <OAuthWaiting flow={f} />;
    } else if (f.status === "failed") {
      panel = (
        <OAuthFailed
          flow={f}
          onRetry={() => submit(step.req, step.lock)}
          onBack={() => setStep({ step: "connect", kind: step.req.kind, lock: step.lock, notice: null })}
        />
      );
    } else if (f.status === "cancelled") {
      panel = form(step.req.kind, step.lock, "Sign-in cancelled.");
    } else {
      note = `Signed in to ${card.name}.`;
    }
  }
  const idle = panel === null;
  const reconnecting = busy && (step.step !== "connect" || step.lock);

  return (
    <article className="card" data-testid={`integration-card-${provider}`} aria-labelledby={`card-title-${provider}`}>
      <header className="card__header">
        <div className={`provider-mark provider-mark--${provider}`} aria-hidden="true">
          {card.name.charAt(0)}
        </div>
        <div className="card__heading">
          <h2 className="card__title" id={`card-title-${provider}`}>
            {card.name}
            {conn?.sandbox && (
              <Badge tone="amber" title="Emulated locally: no real ATS is contacted">
                Sandbox
              </Badge>
            )}
          </h2>
          <p className="card__subtitle">{connected ? conn.label : "Applicant tracking system"}</p>
        </div>
      </header>

      <ConnectionStatus provider={provider} connection={conn} onReconnect={reconnect} reconnecting={reconnecting} />
      {idle && error && (
        <p className="field-error" role="alert" data-testid={`connect-error-${provider}`}>
          {error.message}
        </p>
      )}
      {note && idle && (
        <p className="connect__success" role="status">
          {note}
        </p>
      )}

      {connected ? (
        <dl className="facts facts--inline">
          <dt>Authentication</dt>
          <dd>{conn.auth_style}</dd>
          <dt>Base URL</dt>
          <dd className="mono" title={conn.base_url}>
            {conn.base_url}
          </dd>
        </dl>
      ) : (
        <p className="card__detail" data-testid={`auth-style-${provider}`}>
          Connects with {optionsText(card)}.
        </p>
      )}

      {panel}

      {connected && <Counts connection={conn} />}
      {connected && <SyncPanel connection={conn} />}
      {connected && card.webhook && <AtsWebhook provider={provider} hook={card.webhook} />}
      {connected && <UserMapping connection={conn} />}
      {conn && <Troubleshoot connection={conn} />}

      {(idle || connected) && (
        <footer className="card__actions">
          {!connected && idle && (
            <button
              type="button"
              className="btn btn--primary"
              data-testid={`connect-${provider}`}
              disabled={busy}
              onClick={() => {
                close();
                setStep({ step: "connect", kind: null, lock: false, notice: null });
              }}
            >
              Connect {card.name}
            </button>
          )}
          {conn && <Disconnect connection={conn} />}
        </footer>
      )}
    </article>
  );
}
