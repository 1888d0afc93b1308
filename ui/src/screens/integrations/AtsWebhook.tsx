import { useId, useState, type FormEvent } from "react";
import type { AtsWebhookView, Provider } from "../../bindings";
import { CopyButton } from "../../components/CopyButton";
import { RelativeTime } from "../../components/Time";
import { PROVIDER_NAMES } from "../../lib/connection";
import { formatCount } from "../../lib/format";
import { useSetWebhookSecret } from "../../queries";

/** Lever signs each webhook event with its own token. */
export const LEVER_WEBHOOK_EVENTS = ["applicationCreated", "candidateStageChange", "candidateArchiveChange", "candidateHired", "candidateDeleted"];

const WHERE: Partial<Record<Provider, string>> = {
  greenhouse: "Configure → Dev Center → Web Hooks",
  lever: "Settings → Integrations and API → Webhooks",
};

/**
 * Where the ATS should send its webhooks, whether deliveries can be
 * verified, and a write-only form for the secret (Greenhouse) or each
 * event's signature token (Lever).
 */
export function AtsWebhook({ provider, hook }: { provider: Provider; hook: AtsWebhookView }) {
  const name = PROVIDER_NAMES[provider];
  const perEvent = provider === "lever";
  const events = [...hook.missing_events, ...LEVER_WEBHOOK_EVENTS.filter((e) => !hook.missing_events.includes(e))];
  const save = useSetWebhookSecret();
  const [secret, setSecret] = useState("");
  const [chosen, setChosen] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const event = chosen ?? events[0] ?? "";
  const secretId = useId();
  const eventId = useId();
  const secretLabel = perEvent ? "Signature token" : "Secret key";

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!secret) return;
    setSaved(null);
    save.mutate(
      { connection_id: hook.connection_id, event: perEvent ? event : null, secret },
      {
        onSuccess: () => {
          setSecret("");
          setChosen(null);
          setSaved(perEvent ? `Token for ${event} saved.` : "Secret saved.");
        },
      },
    );
  }

  let state: string;
  if (hook.secret_configured) state = perEvent ? "Every event's signature token is set." : "Secret key set.";
  else if (perEvent) state = `Signature tokens missing for: ${hook.missing_events.join(", ")}. Deliveries of those events are rejected.`;
  else state = "Secret key not set: deliveries are rejected until it is.";

  return (
    <section className="ats-hook" data-testid={`webhook-${provider}`} aria-label={`Webhooks from ${name}`}>
      <h3 className="card__section-title">Webhooks from {name}</h3>
      <p className="card__detail">
        Paste this URL into {name}
        {WHERE[provider] ? ` (${WHERE[provider]})` : ""}, so changes arrive without waiting for a sync.
      </p>
      <div className="url-form__row">
        <input className="input input--wide" readOnly value={hook.url} aria-label={`${name} webhook URL`} data-testid={`webhook-url-${provider}`} onFocus={(e) => e.currentTarget.select()} />
        <CopyButton text={hook.url} label="Copy URL" testId={`copy-webhook-url-${provider}`} />
      </div>
      <p className={hook.secret_configured ? "ats-hook__state" : "ats-hook__state ats-hook__state--warn"} data-testid={`webhook-secret-state-${provider}`}>
        {state}
      </p>
      <form className="ats-hook__form" onSubmit={submit} data-testid={`webhook-secret-form-${provider}`}>
        {perEvent && (
          <span className="form-field">
            <label htmlFor={eventId} className="form-field__label">
              Event
            </label>
            <select id={eventId} className="select" value={event} onChange={(e) => setChosen(e.target.value)} disabled={save.isPending}>
              {events.map((ev) => (
                <option key={ev} value={ev}>
                  {hook.missing_events.includes(ev) ? `${ev} (missing)` : ev}
                </option>
              ))}
            </select>
          </span>
        )}
        <span className="form-field ats-hook__secret">
          <label htmlFor={secretId} className="form-field__label">
            {secretLabel}
          </label>
          <input
            id={secretId}
            className="input"
            type="password"
            autoComplete="new-password"
            value={secret}
            disabled={save.isPending}
            placeholder={hook.secret_configured ? "Set — type to replace" : `Paste the ${secretLabel.toLowerCase()}`}
            onChange={(e) => {
              setSecret(e.target.value);
              setSaved(null);
            }}
          />
        </span>
        <button type="submit" className="btn" disabled={save.isPending || !secret}>
          {save.isPending ? "Saving…" : "Save"}
        </button>
      </form>
      {save.error && (
        <p className="field-error" role="alert">
          {save.error.message}
        </p>
      )}
      {saved && (
        <p className="ats-hook__saved" role="status">
          {saved} It is kept in the keychain and never shown again.
        </p>
      )}
      <p className="ats-hook__stats">
        Received {formatCount(hook.received)} · Rejected{" "}
        <span className={hook.rejected > 0 ? "hook-stats__bad" : undefined}>{formatCount(hook.rejected)}</span> · Last delivery{" "}
        <RelativeTime iso={hook.last_received_at} empty="never" />
      </p>
    </section>
  );
}
