import type { ConnectionView } from "../../bindings";
import { Badge } from "../../components/Badge";
import { RelativeTime } from "../../components/Time";
import { PROVIDER_NAMES } from "../../lib/connection";
import { ConnectionStatus } from "./ConnectionStatus";

/** The interview platform the agents live on (connected by the workspace, not here). */
export function PlatformCard({ connection }: { connection: ConnectionView }) {
  const name = PROVIDER_NAMES[connection.provider];
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
    </article>
  );
}
