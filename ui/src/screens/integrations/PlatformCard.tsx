import { useState } from "react";
import type { ConnectionView, IntegrationCard } from "../../bindings";
import { Badge } from "../../components/Badge";
import { useConnect } from "../../queries";
import { ConnectForm } from "./ConnectForm";
import { Disconnect } from "./Disconnect";
import { RelativeTime } from "../../components/Time";
import { PROVIDER_NAMES } from "../../lib/connection";
import { ConnectionStatus } from "./ConnectionStatus";

/**
 * The interview platform the agents live on: the sandbox's emulator until a
 * real account is connected with its API key (checked before it is saved).
 */
export function PlatformCard({ connection, card }: { connection: ConnectionView; card?: IntegrationCard }) {
  const name = PROVIDER_NAMES[connection.provider];
  const [editing, setEditing] = useState(false);
  const connect = useConnect();
  return (
    <article className="card" data-testid={`integration-card-${connection.provider}`} aria-label={`${name}: ${connection.label}`}>
      <header className="card__header">
        <div className={`provider-mark provider-mark--${connection.provider}`} aria-hidden="true">
          {name.charAt(0)}
        </div>
        <div className="card__heading">
          <h2 className="card__title">
            {name}
            {connection.sandbox && (
              <Badge tone="amber" title="Emulated locally: no real platform is contacted">
                Sandbox
              </Badge>
            )}
          </h2>
          <p className="card__subtitle">{connection.label}</p>
        </div>
      </header>
      <ConnectionStatus provider={connection.provider} connection={connection} onReconnect={() => undefined} reconnecting={false} />
      <dl className="facts facts--inline">
        <dt>Authentication</dt>
        <dd>{connection.auth_style}</dd>
        <dt>Base URL</dt>
        <dd className="mono" title={connection.base_url}>
          {connection.base_url}
        </dd>
        <dt>Last contact</dt>
        <dd>
          <RelativeTime iso={connection.last_sync_at} empty="Never" />
        </dd>
      </dl>
      <p className="card__detail">Interview agents, their webhooks and reports: see Webhooks and Reports.</p>
      {card && editing && (
        <ConnectForm
          card={card}
          initialKind={null}
          lockKind={false}
          notice={null}
          busy={connect.isPending}
          error={connect.error ?? null}
          onSubmit={(req) => connect.mutate(req, { onSuccess: () => setEditing(false) })}
          onClose={() => setEditing(false)}
        />
      )}
      {card && !editing && (
        <div className="card__actions">
          <button
            type="button"
            className="btn btn--small"
            data-testid="platform-connect"
            onClick={() => {
              connect.reset();
              setEditing(true);
            }}
          >
            {connection.sandbox ? "Use your platform account…" : "Change API key…"}
          </button>
          {!connection.sandbox && <Disconnect connection={connection} />}
        </div>
      )}
    </article>
  );
}
