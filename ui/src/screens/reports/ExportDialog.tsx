// "Export to ATS…": send interviewed candidates to Greenhouse (candidate on
// one job, prospect otherwise) or Lever (opportunity on one posting, general
// opportunity on none), then show what happened to each.
import { useId, useState } from "react";
import type { ConnectionView, ExportResult, ExportSummary, JobRow, ReportRow } from "../../bindings";
import { Badge } from "../../components/Badge";
import { ErrorBanner, Loading } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { Modal } from "../../components/Modal";
import { PROVIDER_NAMES } from "../../lib/connection";
import { canExportTo, EXPORT_KIND_LABELS, exportExplanation, exportKindFor, exportSummaryText } from "../../lib/exportRules";
import { formatCount, plural } from "../../lib/format";
import { SEARCH_DEBOUNCE_MS, useDebounced } from "../../lib/useDebounced";
import { useConnections, useExportCandidates, useJobSearch, useUserMappings } from "../../queries";

function resultBadge(r: ExportResult) {
  if (!r.ok) return <Badge tone="red">Failed</Badge>;
  if (r.message) return <Badge tone="grey">Skipped</Badge>;
  return <Badge tone="green">Exported</Badge>;
}

/** What the export did, per candidate. */
export function ExportSummaryView({ summary }: { summary: ExportSummary }) {
  const name = PROVIDER_NAMES[summary.provider];
  return (
    <section className="export-summary" data-testid="export-summary" aria-label="Export summary">
      <p className={summary.failed > 0 ? "notice notice--warn notice--flush" : "notice notice--ok notice--flush"} role="status">
        {exportSummaryText(summary)}.
      </p>
      <dl className="export-summary__counts">
        <dt>Exported</dt>
        <dd data-testid="export-succeeded">{formatCount(summary.succeeded)}</dd>
        <dt>Failed</dt>
        <dd data-testid="export-failed">{formatCount(summary.failed)}</dd>
        <dt>Skipped</dt>
        <dd data-testid="export-skipped">{formatCount(summary.skipped)}</dd>
      </dl>
      <ul className="export-results">
        {summary.results.map((r) => (
          <li key={r.interview_id} className={r.ok ? "export-result" : "export-result export-result--failed"} data-testid={`export-result-${r.interview_id}`}>
            {resultBadge(r)}
            <span className="export-result__name">{r.candidate_name}</span>
            {r.kind && <span className="muted" data-testid={`export-kind-${r.interview_id}`}>{EXPORT_KIND_LABELS[r.kind]}</span>}
            {r.ats_candidate_id && (
              <span className="mono muted" title={`${name} id`}>
                {r.ats_candidate_id}
              </span>
            )}
            {r.message && <span className={r.ok ? "export-result__message" : "export-result__message error-text"}>{r.message}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Jobs (Greenhouse, any number) or postings (Lever, one or none) to export onto. */
function JobChooser({ connection, chosen, onChange }: { connection: ConnectionView; chosen: JobRow[]; onChange: (jobs: JobRow[]) => void }) {
  const [search, setSearch] = useState("");
  const term = useDebounced(search.trim(), SEARCH_DEBOUNCE_MS);
  const results = useJobSearch(term, connection.id, true, 20);
  const lever = connection.provider === "lever";
  const noun = lever ? "posting" : "job";
  const searchId = useId();
  const has = (j: JobRow) => chosen.some((c) => c.id === j.id);
  const shown = [...chosen, ...(results.data?.items ?? []).filter((j) => !has(j))];

  return (
    <fieldset className="fieldset">
      <legend className="form-field__label">{lever ? "Posting (optional)" : "Jobs (optional)"}</legend>
      <label htmlFor={searchId} className="visually-hidden">
        Search {noun}s
      </label>
      <input
        id={searchId}
        type="search"
        className="input input--wide"
        placeholder={`Search ${noun}s by name or requisition ID`}
        data-testid="export-job-search"
        value={search}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => setSearch(e.target.value)}
      />
      <ul className="job-choices" aria-label={`${noun}s`}>
        {lever && (
          <li>
            <label className="stage-check">
              <input type="radio" name="export-posting" data-testid="export-job-none" checked={chosen.length === 0} onChange={() => onChange([])} />
              No posting (general opportunity)
            </label>
          </li>
        )}
        {shown.map((j) => (
          <li key={j.id}>
            <label className="stage-check">
              <input
                type={lever ? "radio" : "checkbox"}
                name={lever ? "export-posting" : undefined}
                data-testid={`export-job-${j.id}`}
                checked={has(j)}
                onChange={(e) => {
                  if (lever) onChange([j]);
                  else onChange(e.target.checked ? [...chosen, j] : chosen.filter((c) => c.id !== j.id));
                }}
              />
              {j.name}
              {j.requisition_id && <span className="muted mono">{j.requisition_id}</span>}
              {j.status !== "open" && <Badge tone="grey">{j.status}</Badge>}
            </label>
          </li>
        ))}
      </ul>
      {results.isError && <ErrorBanner error={results.error} onRetry={() => void results.refetch()} title={`Could not search ${noun}s.`} />}
      {results.isPending && <Loading label={`Searching ${noun}s…`} />}
      {results.data && results.data.total > results.data.items.length && (
        <p className="form-field__help">
          First {results.data.items.length} of {formatCount(results.data.total)}; type to narrow down.
        </p>
      )}
    </fieldset>
  );
}

function MappingWarning({ connection }: { connection: ConnectionView }) {
  const mappings = useUserMappings(connection.id);
  if (!mappings.data || mappings.data.mappings.some((m) => m.active)) return null;
  const name = PROVIDER_NAMES[connection.provider];
  return (
    <p className="notice notice--warn notice--flush" data-testid="export-mapping-warning">
      <Icon name="alert" /> Only mapped users can export. Map yourself to an active {name} user under Users on the {name} card in Integrations first.
    </p>
  );
}

export function ExportDialog({ reports: chosen, onClose, onDone }: { reports: ReportRow[]; onClose: () => void; onDone: (summary: ExportSummary) => void }) {
  // The candidates ticked when the dialog opened, whatever happens to the selection meanwhile.
  const [reports] = useState(chosen);
  const connections = useConnections();
  const targets = (connections.data ?? []).filter((c) => canExportTo(c.provider) && c.state !== "not_connected");
  const [connectionId, setConnectionId] = useState<string | null>(null);
  const [jobs, setJobs] = useState<JobRow[]>([]);
  const run = useExportCandidates();
  const connection = targets.find((c) => c.id === connectionId) ?? targets[0] ?? null;
  const selectId = useId();

  const summary = run.data;
  const footer = summary ? (
    <button type="button" className="btn btn--primary" data-testid="export-close" onClick={onClose}>
      Done
    </button>
  ) : (
    <>
      <button type="button" className="btn" onClick={onClose} disabled={run.isPending}>
        Cancel
      </button>
      <button
        type="button"
        className="btn btn--primary"
        data-testid="export-run"
        disabled={connection === null || run.isPending}
        onClick={() => {
          if (!connection) return;
          run.mutate(
            { connection_id: connection.id, interview_ids: reports.map((r) => r.interview_id), job_ids: jobs.map((j) => j.id) },
            { onSuccess: onDone },
          );
        }}
      >
        {run.isPending ? "Exporting…" : `Export ${plural(reports.length, "candidate")}`}
      </button>
    </>
  );

  let body;
  if (summary) {
    body = <ExportSummaryView summary={summary} />;
  } else if (connections.isError) {
    body = <ErrorBanner error={connections.error} onRetry={() => void connections.refetch()} title="Could not load the connections." />;
  } else if (connections.isPending) {
    body = <Loading label="Loading connections…" />;
  } else if (connection === null) {
    body = (
      <p className="notice notice--warn notice--flush" data-testid="export-no-ats">
        Connect Greenhouse or Lever on Integrations first: export creates Greenhouse candidates or prospects and Lever opportunities.
      </p>
    );
  } else {
    const kind = exportKindFor(connection.provider, jobs.length);
    body = (
      <div className="stack stack--tight">
        <span className="form-field">
          <label htmlFor={selectId} className="form-field__label">
            Export to
          </label>
          <select
            id={selectId}
            className="select"
            data-testid="export-connection"
            value={connection.id}
            onChange={(e) => {
              setConnectionId(e.target.value);
              setJobs([]);
              run.reset();
            }}
          >
            {targets.map((c) => (
              <option key={c.id} value={c.id}>
                {PROVIDER_NAMES[c.provider]} — {c.label}
              </option>
            ))}
          </select>
        </span>
        <JobChooser key={connection.id} connection={connection} chosen={jobs} onChange={setJobs} />
        <div className="export-explain" data-testid="export-explain">
          <Badge tone="violet">{EXPORT_KIND_LABELS[kind]}</Badge> <span data-testid="export-explain-text">{exportExplanation(connection.provider, jobs.map((j) => j.name))}</span>
        </div>
        <MappingWarning connection={connection} />
        <details className="export-who">
          <summary>{plural(reports.length, "candidate")} selected</summary>
          <ul>
            {reports.map((r) => (
              <li key={r.interview_id}>
                {r.candidate_name ?? "Unnamed candidate"} <span className="muted">{r.candidate_email ?? "no e-mail"}</span>
              </li>
            ))}
          </ul>
        </details>
        {run.error && <ErrorBanner error={run.error} title="The export did not run." />}
      </div>
    );
  }

  return (
    <Modal title="Export to ATS" subtitle={`${plural(reports.length, "interviewed candidate")}`} testId="export-dialog" wide busy={run.isPending} onClose={onClose} footer={footer}>
      {body}
    </Modal>
  );
}
