import { useId, useState, type FormEvent } from "react";
import { useSetSyncSettings, useSyncSettings } from "../../queries";

const MAX_MINUTES = 1440;

/** How often every connected ATS syncs in the background; 0 turns it off. */
export function SyncSettingsForm() {
  const settings = useSyncSettings();
  const save = useSetSyncSettings();
  const [draft, setDraft] = useState<string | null>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const inputId = useId();
  const current = settings.data?.interval_minutes;
  const value = draft ?? (current === undefined ? "" : String(current));

  function submit(e: FormEvent) {
    e.preventDefault();
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n) || n < 0 || n > MAX_MINUTES) {
      setInvalid(`Enter whole minutes from 0 (off) to ${MAX_MINUTES} (a day).`);
      return;
    }
    setInvalid(null);
    save.mutate({ interval_minutes: n }, { onSuccess: () => setDraft(null) });
  }

  const summary =
    current === undefined ? null : current === 0 ? "Background sync is off; use Sync now on a card." : `Every connected ATS syncs every ${current} min.`;
  const error = invalid ?? save.error?.message ?? settings.error?.message ?? null;

  return (
    <form className="sync-settings" onSubmit={submit} data-testid="sync-settings" noValidate>
      <label htmlFor={inputId} className="sync-settings__label">
        Background sync every
      </label>
      <input
        id={inputId}
        className={invalid ? "input input--minutes input--invalid" : "input input--minutes"}
        type="number"
        inputMode="numeric"
        min={0}
        max={MAX_MINUTES}
        step={1}
        value={value}
        disabled={settings.isPending || save.isPending}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={`${inputId}-hint`}
        data-testid="sync-interval"
        onChange={(e) => {
          setDraft(e.target.value);
          setInvalid(null);
        }}
      />
      <span>minutes</span>
      <button type="submit" className="btn btn--small" disabled={draft === null || save.isPending}>
        {save.isPending ? "Saving…" : "Save"}
      </button>
      <span id={`${inputId}-hint`} className="muted">
        0 = off. {summary}
      </span>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
