// The link editor: which interview agent screens a requisition, which of the
// job's stages send the invite, and what is written back afterwards. The
// backend's preview_link warnings show live; a blocking one disables Save.
import { useId, useState } from "react";
import type { LinkRequest, LinkSettings, LinkView, LinkWarning, StageRow } from "../../bindings";
import { Badge } from "../../components/Badge";
import { ErrorBanner, Loading } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { Modal } from "../../components/Modal";
import { plural } from "../../lib/format";
import { useDebounced } from "../../lib/useDebounced";
import { useAgents, useJobStages, usePreviewLink, useSaveLink } from "../../queries";

/** How long the editor waits after a change before asking for warnings. */
export const PREVIEW_DEBOUNCE_MS = 150;

export interface LinkJob {
  id: string;
  name: string;
}

export const DEFAULT_SETTINGS: LinkSettings = {
  trigger_stage_ids: [],
  complete_stage_id: null,
  pass_threshold: null,
  pass_stage_id: null,
  fail_stage_id: null,
  write_note: true,
  write_pdf: true,
  write_move: true,
};

/** "75" -> 75; blank -> null; anything else (or outside 0-100) -> undefined (invalid). */
export function parseThreshold(s: string): number | null | undefined {
  const t = s.trim();
  if (t === "") return null;
  const n = Number(t);
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n : undefined;
}

function StageSelect({ label, value, stages, onChange, testId, disabled, none }: {
  label: string;
  value: string | null;
  stages: StageRow[];
  onChange: (id: string | null) => void;
  testId: string;
  disabled?: boolean;
  none: string;
}) {
  const id = useId();
  return (
    <span className="form-field">
      <label htmlFor={id} className="form-field__label">
        {label}
      </label>
      <select id={id} className="select" data-testid={testId} value={value ?? ""} disabled={disabled} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">{none}</option>
        {stages.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
            {s.active ? "" : " (inactive)"}
          </option>
        ))}
      </select>
    </span>
  );
}

function Toggle({ label, help, checked, onChange, testId }: { label: string; help: string; checked: boolean; onChange: (v: boolean) => void; testId: string }) {
  return (
    <label className="toggle">
      <input type="checkbox" checked={checked} data-testid={testId} onChange={(e) => onChange(e.target.checked)} />
      <span>
        <span className="toggle__label">{label}</span>
        <span className="toggle__help">{help}</span>
      </span>
    </label>
  );
}

/** The preview's warnings, one line each (a connection-wide one only once). */
export function LinkWarnings({ warnings, jobs }: { warnings: LinkWarning[]; jobs: LinkJob[] }) {
  const seen = new Set<string>();
  const unique = warnings.filter((w) => {
    const key = `${w.code}/${w.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (unique.length === 0) return null;
  const several = jobs.length > 1;
  return (
    <ul className="link-warnings" data-testid="link-warnings" aria-label="Warnings">
      {unique.map((w) => (
        <li
          key={`${w.job_id}/${w.code}/${w.message}`}
          className={w.blocking ? "link-warning link-warning--blocking" : "link-warning"}
          data-testid={`link-warning-${w.code}`}
          data-blocking={w.blocking}
        >
          <Icon name="alert" />
          <span>
            {w.blocking && <strong>Cannot save: </strong>}
            {several && w.code !== "no_mapped_user" && w.code !== "agent_archived" && (
              <span className="muted">{jobs.find((j) => j.id === w.job_id)?.name ?? w.job_id} — </span>
            )}
            {w.message}
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Creates or changes the link of one requisition, or links several at once
 * (bulk: the settings are chosen on the first job's stages and carried over
 * to the others by stage name).
 */
export function LinkEditor({ connectionId, jobs, existing = null, postingId, lockAgent = false, onClose, onSaved }: {
  connectionId: string;
  jobs: LinkJob[];
  existing?: LinkView | null;
  postingId?: string;
  lockAgent?: boolean;
  onClose: () => void;
  onSaved?: (links: LinkView[]) => void;
}) {
  const first = jobs[0];
  const agents = useAgents();
  const stages = useJobStages(first ? { connection_id: connectionId, id: first.id } : null);
  const save = useSaveLink();
  const [posting, setPosting] = useState(existing?.posting_id ?? postingId ?? "");
  const [settings, setSettings] = useState<LinkSettings>(existing ? { ...existing.settings } : DEFAULT_SETTINGS);
  const [threshold, setThreshold] = useState(existing?.settings.pass_threshold?.toString() ?? "");
  const [replace, setReplace] = useState(false);
  const thresholdValue = parseThreshold(threshold);
  const thresholdId = useId();
  const agentId = useId();

  function set<K extends keyof LinkSettings>(key: K, value: LinkSettings[K]) {
    setSettings((s) => ({ ...s, [key]: value }));
    save.reset();
  }
  function toggleTrigger(id: string, on: boolean) {
    setSettings((s) => ({
      ...s,
      trigger_stage_ids: on ? [...s.trigger_stage_ids.filter((x) => x !== id), id] : s.trigger_stage_ids.filter((x) => x !== id),
    }));
    save.reset();
  }

  const req: LinkRequest | null =
    posting && first
      ? {
          connection_id: connectionId,
          job_ids: jobs.map((j) => j.id),
          posting_id: posting,
          settings: { ...settings, pass_threshold: thresholdValue ?? null },
          replace,
        }
      : null;
  const reqKey = req ? JSON.stringify(req) : "";
  const debouncedKey = useDebounced(reqKey, PREVIEW_DEBOUNCE_MS);
  const previewReq = debouncedKey ? (JSON.parse(debouncedKey) as LinkRequest) : null;
  const preview = usePreviewLink(previewReq);
  // Warnings for exactly what is on screen; older ones only while the new ones load.
  const fresh = debouncedKey === reqKey && preview.data !== undefined && !preview.isPlaceholderData && !preview.isFetching;
  const warnings = preview.data ?? [];
  const blocking = warnings.filter((w) => w.blocking);
  const linkedElsewhere = warnings.some((w) => w.code === "linked_elsewhere");
  const showReplace = linkedElsewhere || replace;

  const stageRows = stages.data ?? [];
  const agentList = agents.data ?? [];
  const selectedAgent = agentList.find((a) => a.posting_id === posting);
  const canSave = req !== null && fresh && blocking.length === 0 && thresholdValue !== undefined && !save.isPending;

  function submit() {
    if (!req || !canSave) return;
    save.mutate(req, {
      onSuccess: (links) => {
        onSaved?.(links);
        onClose();
      },
    });
  }

  const bulk = jobs.length > 1;
  const title = existing ? "Edit link" : bulk ? `Link ${plural(jobs.length, "requisition")}` : "Link to an interview agent";
  const subtitle = bulk ? (
    <>
      Stages are chosen on <strong>{first?.name}</strong> and matched by name in the other {plural(jobs.length - 1, "requisition")}.
    </>
  ) : (
    first?.name
  );

  let stageBody;
  if (stages.isError) {
    stageBody = <ErrorBanner error={stages.error} onRetry={() => void stages.refetch()} title="Could not load the job's stages." />;
  } else if (stages.isPending) {
    stageBody = <Loading label="Loading stages…" />;
  } else if (stageRows.length === 0) {
    stageBody = <p className="muted">This requisition has no stages in the ATS; sync it, or add stages there first.</p>;
  } else {
    stageBody = (
      <>
        <fieldset className="fieldset">
          <legend className="form-field__label">Invite when a candidate enters</legend>
          <div className="stage-checks">
            {stageRows.map((s) => (
              <label key={s.id} className="stage-check">
                <input
                  type="checkbox"
                  data-testid={`link-trigger-${s.id}`}
                  checked={settings.trigger_stage_ids.includes(s.id)}
                  onChange={(e) => toggleTrigger(s.id, e.target.checked)}
                />
                {s.name}
                {!s.active && <Badge tone="grey">Inactive</Badge>}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset className="fieldset">
          <legend className="form-field__label">After the interview</legend>
          <div className="toggles">
            <Toggle label="Write a note" help="The summary, score and report link on the candidate." checked={settings.write_note} onChange={(v) => set("write_note", v)} testId="link-write-note" />
            <Toggle label="Attach the PDF report" help="The interview report as a file on the candidate." checked={settings.write_pdf} onChange={(v) => set("write_pdf", v)} testId="link-write-pdf" />
            <Toggle label="Move the candidate" help="To the stages below, by result." checked={settings.write_move} onChange={(v) => set("write_move", v)} testId="link-write-move" />
          </div>
          <div className="form-grid">
            <StageSelect
              label="When completed, move to"
              none="Do not move"
              value={settings.complete_stage_id}
              stages={stageRows}
              onChange={(v) => set("complete_stage_id", v)}
              testId="link-complete-stage"
              disabled={!settings.write_move}
            />
            <span className="form-field">
              <label htmlFor={thresholdId} className="form-field__label">
                Pass at match score
              </label>
              <input
                id={thresholdId}
                className={thresholdValue === undefined ? "input input--score input--invalid" : "input input--score"}
                type="number"
                inputMode="numeric"
                min={0}
                max={100}
                placeholder="e.g. 70"
                data-testid="link-threshold"
                value={threshold}
                disabled={!settings.write_move}
                aria-invalid={thresholdValue === undefined ? true : undefined}
                onChange={(e) => {
                  setThreshold(e.target.value);
                  save.reset();
                }}
              />
            </span>
            <StageSelect
              label="Pass: move to"
              none="Do not move"
              value={settings.pass_stage_id}
              stages={stageRows}
              onChange={(v) => set("pass_stage_id", v)}
              testId="link-pass-stage"
              disabled={!settings.write_move}
            />
            <StageSelect
              label="Below: move to"
              none="Do not move"
              value={settings.fail_stage_id}
              stages={stageRows}
              onChange={(v) => set("fail_stage_id", v)}
              testId="link-fail-stage"
              disabled={!settings.write_move}
            />
          </div>
          {thresholdValue === undefined && (
            <p className="field-error" data-testid="link-threshold-error">
              The pass threshold is a match score from 0 to 100.
            </p>
          )}
          <p className="form-field__help">
            With a pass score, candidates at or above it move to the pass stage and the others to the “below” stage;
            without one, completed interviews move to the “when completed” stage.
          </p>
        </fieldset>
      </>
    );
  }

  return (
    <Modal
      title={title}
      subtitle={subtitle}
      testId="link-editor"
      wide
      busy={save.isPending}
      onClose={onClose}
      footer={
        <>
          <span className="modal__status" role="status">
            {req === null
              ? "Choose an agent."
              : !fresh
                ? "Checking…"
                : blocking.length > 0
                  ? "Resolve the warnings marked “Cannot save” first."
                  : ""}
          </span>
          <button type="button" className="btn" onClick={onClose} disabled={save.isPending}>
            Cancel
          </button>
          <button type="button" className="btn btn--primary" data-testid="link-save" disabled={!canSave} onClick={submit}>
            {save.isPending ? "Saving…" : bulk ? `Link ${plural(jobs.length, "requisition")}` : "Save link"}
          </button>
        </>
      }
    >
      <div className="stack stack--tight">
        <span className="form-field">
          <label htmlFor={agentId} className="form-field__label">
            Interview agent
          </label>
          {agents.isError ? (
            <ErrorBanner error={agents.error} onRetry={() => void agents.refetch()} title="Could not load the interview agents." />
          ) : (
            <select
              id={agentId}
              className="select"
              data-testid="link-agent-select"
              value={posting}
              disabled={lockAgent || agents.isPending}
              onChange={(e) => {
                setPosting(e.target.value);
                save.reset();
              }}
            >
              <option value="">{agents.isPending ? "Loading agents…" : agentList.length === 0 ? "No agents on the platform yet" : "Choose an agent…"}</option>
              {agentList.map((a) => (
                <option key={a.posting_id} value={a.posting_id}>
                  {a.title}
                  {a.archived ? " (archived)" : ""}
                </option>
              ))}
            </select>
          )}
          {selectedAgent && <span className="form-field__help mono">{selectedAgent.posting_id}</span>}
        </span>
        {stageBody}
        {preview.isError ? (
          <ErrorBanner error={preview.error} onRetry={() => void preview.refetch()} title="Could not check this link." />
        ) : (
          <LinkWarnings warnings={warnings} jobs={jobs} />
        )}
        {showReplace && (
          <label className="toggle toggle--warn">
            <input
              type="checkbox"
              data-testid="link-replace"
              checked={replace}
              onChange={(e) => {
                setReplace(e.target.checked);
                save.reset();
              }}
            />
            <span>
              <span className="toggle__label">Replace existing link</span>
              <span className="toggle__help">
                A requisition has one agent. The old link stops inviting; its pipeline history is kept.
              </span>
            </span>
          </label>
        )}
        {save.error && <ErrorBanner error={save.error} title="Could not save the link." />}
      </div>
    </Modal>
  );
}
