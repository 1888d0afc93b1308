import type { OAuthFlowView } from "../../bindings";
import { CopyButton } from "../../components/CopyButton";
import { PROVIDER_NAMES } from "../../lib/connection";
import { useCancelOAuth } from "../../queries";

/** "Waiting for the browser… Cancel", with the consent link for when no browser opened. */
export function OAuthWaiting({ flow }: { flow: OAuthFlowView }) {
  const cancel = useCancelOAuth();
  const name = PROVIDER_NAMES[flow.provider];
  return (
    <section className="oauth" data-testid="oauth-waiting" aria-label={`Signing in to ${name}`}>
      <p className="oauth__status" role="status">
        <span className="spinner" aria-hidden="true" />
        Waiting for the browser…
      </p>
      <p className="card__detail">Approve Reqlink on {name}&rsquo;s page in your browser. This card updates by itself when you are done.</p>
      <div className="oauth__link">
        <span>Browser did not open?</span>
        <CopyButton text={flow.authorize_url} label="Copy the link" testId="oauth-copy-link" />
        <span className="muted">and open it in your browser.</span>
      </div>
      <input className="input input--wide" readOnly value={flow.authorize_url} aria-label="Sign-in link" onFocus={(e) => e.currentTarget.select()} />
      {cancel.error && (
        <p className="field-error" role="alert">
          {cancel.error.message}
        </p>
      )}
      <div className="connect__actions">
        <button type="button" className="btn" data-testid="oauth-cancel" disabled={cancel.isPending} onClick={() => cancel.mutate(flow.flow_id)}>
          {cancel.isPending ? "Cancelling…" : "Cancel"}
        </button>
      </div>
    </section>
  );
}

/** A sign-in that ended badly: what happened, and the way back. */
export function OAuthFailed({ flow, onRetry, onBack }: { flow: OAuthFlowView; onRetry: () => void; onBack: () => void }) {
  const name = PROVIDER_NAMES[flow.provider];
  return (
    <section className="oauth oauth--failed" data-testid="oauth-failed" aria-label={`Signing in to ${name} failed`}>
      <p className="field-error" role="alert" data-testid={`connect-error-${flow.provider}`}>
        {flow.error?.message ?? `Signing in to ${name} did not complete.`}
      </p>
      <div className="connect__actions">
        <button type="button" className="btn btn--primary" onClick={onRetry}>
          Try again
        </button>
        <button type="button" className="btn btn--ghost" onClick={onBack}>
          Back
        </button>
      </div>
    </section>
  );
}
