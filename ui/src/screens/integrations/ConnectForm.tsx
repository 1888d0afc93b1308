import { useId, useState, type FormEvent } from "react";
import type { ApiError, AuthKind, AuthOption, ConnectRequest, FieldSpec, IntegrationCard } from "../../bindings";

function FieldInput({ field, value, invalid, disabled, onChange }: {
  field: FieldSpec;
  value: string;
  invalid: boolean;
  disabled: boolean;
  onChange: (v: string) => void;
}) {
  const id = useId();
  const helpId = useId();
  return (
    <div className="form-field">
      <label htmlFor={id} className="form-field__label">
        {field.label}
        {!field.required && <span className="muted"> (optional)</span>}
      </label>
      <input
        id={id}
        name={field.name}
        className={invalid ? "input input--invalid" : "input"}
        // Secrets are typed (or pasted) and never shown: the core stores them
        // in the keychain and no command ever sends them back.
        type={field.secret ? "password" : "text"}
        autoComplete={field.secret ? "new-password" : "off"}
        spellCheck={false}
        placeholder={field.secret ? undefined : (field.placeholder ?? undefined)}
        value={value}
        disabled={disabled}
        aria-required={field.required}
        aria-invalid={invalid || undefined}
        aria-describedby={field.help ? helpId : undefined}
        data-testid={`field-${field.name}`}
        onChange={(e) => onChange(e.target.value)}
      />
      {field.help && (
        <p id={helpId} className="form-field__help">
          {field.help}
        </p>
      )}
    </div>
  );
}

/**
 * Choose how to connect (each of the card's auth options), fill in that
 * option's fields, or let the sandbox stand in for the ATS.
 */
export function ConnectForm({ card, initialKind, lockKind, notice, busy, error, onSubmit, onClose }: {
  card: IntegrationCard;
  initialKind: AuthKind | null;
  /** Reconnect: the same option only, no chooser. */
  lockKind: boolean;
  notice: string | null;
  busy: boolean;
  error: ApiError | null;
  onSubmit: (req: ConnectRequest) => void;
  onClose: () => void;
}) {
  const options = card.auth_options;
  const [kind, setKind] = useState<AuthKind | null>(initialKind ?? options[0]?.kind ?? null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [missing, setMissing] = useState<string[]>([]);
  const option: AuthOption | undefined = options.find((o) => o.kind === kind);
  const headingId = useId();

  if (!option) {
    return <p className="card__detail">{card.name} offers no way to connect in this version.</p>;
  }
  const selected = option;
  const isOAuth = selected.kind === "oauth_code";

  function clearSecrets() {
    setValues((v) => Object.fromEntries(Object.entries(v).filter(([name]) => !selected.fields.some((f) => f.secret && f.name === name))));
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const fields: Record<string, string> = {};
    for (const f of selected.fields) {
      const v = (values[f.name] ?? "").trim();
      if (v) fields[f.name] = v;
    }
    const absent = selected.fields.filter((f) => f.required && !fields[f.name]).map((f) => f.name);
    setMissing(absent);
    if (absent.length > 0) return;
    onSubmit({ provider: card.provider, kind: selected.kind, sandbox: false, fields });
    // The keychain has them now (or they were wrong): do not keep secrets around.
    clearSecrets();
  }

  const missingLabels = selected.fields.filter((f) => missing.includes(f.name)).map((f) => f.label);

  return (
    <section className="connect" aria-labelledby={headingId} data-testid={`connect-form-${card.provider}`}>
      <h3 id={headingId} className="card__section-title">
        {lockKind ? `Reconnect ${card.name}` : `Connect ${card.name}`}
      </h3>
      {notice && (
        <p className="connect__notice" role="status">
          {notice}
        </p>
      )}
      {!lockKind && options.length > 0 && (
        <fieldset className="auth-options" disabled={busy}>
          <legend className="visually-hidden">How to connect {card.name}</legend>
          {options.map((o) => (
            <label key={o.kind} className={o.kind === kind ? "auth-option auth-option--selected" : "auth-option"}>
              <input
                type="radio"
                name={`auth-${card.provider}`}
                value={o.kind}
                checked={o.kind === kind}
                data-testid={`auth-option-${o.kind}`}
                onChange={() => {
                  setKind(o.kind);
                  setMissing([]);
                }}
              />
              <span className="auth-option__text">
                <span className="auth-option__label">{o.label}</span>
                <span className="auth-option__description">{o.description}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      {lockKind && <p className="card__detail">{selected.label}: {selected.description}</p>}
      <form className="connect__form" onSubmit={submit} noValidate>
        {selected.fields.map((f) => (
          <FieldInput
            key={`${selected.kind}/${f.name}`}
            field={f}
            value={values[f.name] ?? ""}
            invalid={missing.includes(f.name)}
            disabled={busy}
            onChange={(v) => setValues((old) => ({ ...old, [f.name]: v }))}
          />
        ))}
        {isOAuth && selected.fields.length === 0 && (
          <p className="card__detail">Your browser opens on {card.name}&rsquo;s sign-in page; approve Reqlink there and come back.</p>
        )}
        {missingLabels.length > 0 && (
          <p className="field-error" role="alert">
            Fill in {missingLabels.join(", ")}.
          </p>
        )}
        {error && (
          <p className="field-error" role="alert" data-testid={`connect-error-${card.provider}`}>
            {error.message}
          </p>
        )}
        <div className="connect__actions">
          <button type="submit" className="btn btn--primary" disabled={busy} data-testid={`connect-submit-${card.provider}`}>
            {busy ? (isOAuth ? "Opening the browser…" : "Checking the credentials…") : isOAuth ? `Sign in with ${card.name}` : "Connect"}
          </button>
          {card.sandbox_available && (
            <button
              type="button"
              className="btn"
              disabled={busy}
              data-testid="use-sandbox"
              title={`Connect to the ${card.name} emulator on this computer; nothing leaves the machine.`}
              onClick={() => onSubmit({ provider: card.provider, kind: selected.kind, sandbox: true, fields: {} })}
            >
              Use the sandbox
            </button>
          )}
          <button type="button" className="btn btn--ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
