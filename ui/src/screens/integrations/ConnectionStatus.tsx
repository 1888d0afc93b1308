import type { ConnectionView, Provider } from "../../bindings";
import { PROVIDER_NAMES, tokenExpiryText } from "../../lib/connection";
import { useNow } from "../../lib/useNow";

/** "Token expires in 52 min", kept true as time passes. */
function TokenExpiry({ provider, expiresAt }: { provider: Provider; expiresAt: number }) {
  const now = useNow(15_000);
  return (
    <span className="conn-status__expiry" data-testid={`token-expiry-${provider}`}>
      {tokenExpiryText(expiresAt, now)}
    </span>
  );
}

/**
 * The card's one-line answer to "is it working?", with the single
 * Reconnect button when the ATS refused the stored credentials.
 */
export function ConnectionStatus({ provider, connection, onReconnect, reconnecting }: {
  provider: Provider;
  connection: ConnectionView | null;
  onReconnect: () => void;
  reconnecting: boolean;
}) {
  const testId = `connection-status-${provider}`;
  if (!connection || connection.state === "not_connected") {
    return (
      <div className="conn-status" data-testid={testId}>
        <span className="dot dot--grey" aria-hidden="true" />
        <span className="conn-status__text">Not connected</span>
      </div>
    );
  }
  if (connection.state === "needs_reconnect") {
    return (
      <div className="conn-status conn-status--warn" data-testid={testId}>
        <div className="conn-status__line">
          <span className="dot dot--amber" aria-hidden="true" />
          <span className="conn-status__text">Needs reconnect</span>
          <button type="button" className="btn btn--small btn--warning" onClick={onReconnect} disabled={reconnecting} data-testid={`reconnect-${provider}`}>
            {reconnecting ? "Reconnecting…" : "Reconnect"}
          </button>
        </div>
        <p className="conn-status__detail">
          {connection.detail ?? `${PROVIDER_NAMES[provider]} no longer accepts the stored credentials.`}
        </p>
      </div>
    );
  }
  if (connection.state === "error") {
    const message = connection.detail ?? connection.sync.last_error?.message ?? "the last call failed.";
    return (
      <div className="conn-status conn-status--error" data-testid={testId}>
        <span className="dot dot--red" aria-hidden="true" />
        <span className="conn-status__text">Error: {message}</span>
      </div>
    );
  }
  return (
    <div className="conn-status" data-testid={testId}>
      <span className="dot dot--green" aria-hidden="true" />
      <span className="conn-status__text">{connection.identity ? `Connected as ${connection.identity}` : "Connected"}</span>
      {connection.token_expires_at !== null && <TokenExpiry provider={provider} expiresAt={connection.token_expires_at} />}
    </div>
  );
}
