// The writeback outbox: notes, PDF reports and stage moves on their way to
// the ATS. Writes retry on their own with backoff; the ones that stopped
// retrying ("dead") wait here for Retry or Discard.
import { useState } from "react";
import type { OutboxRow, OutboxState } from "../bindings";
import { Badge } from "../components/Badge";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { EmptyState, ErrorBanner, Loading } from "../components/Feedback";
import { Page, Segmented } from "../components/Page";
import { RelativeTime } from "../components/Time";
import { formatCount, plural } from "../lib/format";
import { OUTBOX_STATE_LABELS, WRITE_KIND_LABELS } from "../lib/loop";
import { formatAbsolute } from "../lib/time";
import { useDiscardOutbox, useOutbox, useRetryOutbox } from "../queries";
import { useRouter } from "../router";

type Filter = "all" | OutboxState;
const FILTERS = [
  { value: "all", label: "All" },
  { value: "pending", label: "Pending" },
  { value: "dead", label: "Stopped retrying" },
  { value: "done", label: "Done" },
  { value: "discarded", label: "Discarded" },
] as const;

function OutboxItem({ row, onDiscard, onPipeline }: { row: OutboxRow; onDiscard: () => void; onPipeline: () => void }) {
  const retry = useRetryOutbox();
  const state = OUTBOX_STATE_LABELS[row.state];
  return (
    <tr data-testid={`outbox-row-${row.id}`} data-state={row.state} className={row.state === "dead" ? "row--error" : undefined}>
      <td>
        <button type="button" className="link-btn cell-stack" onClick={onPipeline} title="Open this candidate's pipeline">
          <span className="cell-primary">{row.candidate_name}</span>
          <span className="cell-secondary mono">{row.interview_id || "—"}</span>
        </button>
      </td>
      <td>{WRITE_KIND_LABELS[row.kind]}</td>
      <td>
        <Badge tone={state.tone}>{state.label}</Badge>
      </td>
      <td className="num">{formatCount(row.attempts)}</td>
      <td>
        {row.state === "pending" ? (
          <RelativeTime iso={row.next_attempt_at} empty="soon" />
        ) : row.state === "done" ? (
          <span title={formatAbsolute(row.done_at)}>
            Written <RelativeTime iso={row.done_at} />
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="outbox__error">
        {row.last_error ? <span className={row.state === "dead" ? "error-text" : "muted"}>{row.last_error}</span> : <span className="muted">—</span>}
        {retry.error && (
          <span className="field-error" role="alert">
            {retry.error.message}
          </span>
        )}
      </td>
      <td className="cell-actions">
        {row.state === "dead" && (
          <span className="row-actions">
            <button type="button" className="btn btn--small btn--primary" data-testid={`outbox-retry-${row.id}`} disabled={retry.isPending} onClick={() => retry.mutate(row.id)}>
              {retry.isPending ? "Retrying…" : "Retry"}
            </button>
            <button type="button" className="btn btn--small btn--ghost btn--ghost-danger" data-testid={`outbox-discard-${row.id}`} onClick={onDiscard}>
              Discard
            </button>
          </span>
        )}
      </td>
    </tr>
  );
}

export function Writeback() {
  const { params, navigate } = useRouter();
  const [filter, setFilter] = useState<Filter>("all");
  const [linkId, setLinkId] = useState<string | null>(params.linkId ?? null);
  const outbox = useOutbox({ state: filter === "all" ? null : filter, link_id: linkId });
  const discard = useDiscardOutbox();
  const [discarding, setDiscarding] = useState<OutboxRow | null>(null);

  let body;
  if (outbox.isError) {
    body = <ErrorBanner error={outbox.error} onRetry={() => void outbox.refetch()} title="Could not load the writeback queue." />;
  } else if (outbox.isPending) {
    body = <Loading label="Loading the writeback queue…" />;
  } else if (outbox.data.length === 0 && filter === "all" && linkId === null) {
    body = (
      <EmptyState
        title="Nothing has been written back yet."
        action={
          <button type="button" className="btn" onClick={() => navigate("requisitions")}>
            Open Requisitions
          </button>
        }
      >
        When an interview of a linked requisition is completed, Reqlink writes the result to the candidate in your ATS: a note, the
        PDF report and a stage move, as the link says. Each write waits here until the ATS accepts it, retries on its own when the ATS
        is unreachable, and stops after a few attempts so you can Retry or Discard it. Link a requisition to an interview agent on
        Requisitions to start.
      </EmptyState>
    );
  } else if (outbox.data.length === 0) {
    body = (
      <EmptyState
        title={filter === "dead" ? "No writes stopped retrying." : `No ${filter === "all" ? "" : `${OUTBOX_STATE_LABELS[filter].label.toLowerCase()} `}writes${linkId ? " for this link" : ""}.`}
        action={
          <button
            type="button"
            className="btn"
            onClick={() => {
              setFilter("all");
              setLinkId(null);
            }}
          >
            Show all
          </button>
        }
      >
        {filter === "dead" ? "Every write reached the ATS or is still retrying." : "Try another state."}
      </EmptyState>
    );
  } else {
    body = (
      <table className="simple-table outbox-table" aria-label="Writes">
        <thead>
          <tr>
            <th scope="col">Candidate</th>
            <th scope="col">Write</th>
            <th scope="col">State</th>
            <th scope="col">Attempts</th>
            <th scope="col">Next attempt</th>
            <th scope="col">Last error</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {outbox.data.map((row) => (
            <OutboxItem
              key={row.id}
              row={row}
              onDiscard={() => {
                discard.reset();
                setDiscarding(row);
              }}
              onPipeline={() => navigate("pipeline", { linkId: row.link_id })}
            />
          ))}
        </tbody>
      </table>
    );
  }

  const dead = outbox.data?.filter((r) => r.state === "dead").length ?? 0;
  return (
    <Page
      screen="writeback"
      title="Writeback"
      subtitle={
        outbox.data
          ? `${plural(outbox.data.length, "write")}${filter === "all" && dead > 0 ? ` · ${dead} stopped retrying` : ""}${outbox.isFetching ? " · updating…" : ""}`
          : "Notes, PDF reports and stage moves on their way to your ATS"
      }
    >
      <div className="toolbar toolbar--wrap">
        <Segmented<Filter> label="State" value={filter} options={FILTERS} onChange={setFilter} testId="outbox-filter" />
        {linkId && (
          <span className="chip" data-testid="outbox-link-filter">
            Only one requisition's writes
            <button type="button" className="btn btn--small btn--ghost" onClick={() => setLinkId(null)}>
              Show every link
            </button>
          </span>
        )}
      </div>
      <div className="list-area list-area--scroll">{body}</div>
      {discarding && (
        <ConfirmDialog
          title={`Discard the ${WRITE_KIND_LABELS[discarding.kind].toLowerCase()} for ${discarding.candidate_name}?`}
          confirmLabel="Discard"
          busyLabel="Discarding…"
          cancelLabel="Keep it"
          danger
          busy={discard.isPending}
          error={discard.error}
          testId="discard-dialog"
          onCancel={() => setDiscarding(null)}
          onConfirm={() => discard.mutate(discarding.id, { onSuccess: () => setDiscarding(null) })}
        >
          <p>It will not be written to the ATS, now or later. Add it there by hand if it is still needed.</p>
          {discarding.last_error && <p className="muted">Last error: {discarding.last_error}</p>}
        </ConfirmDialog>
      )}
    </Page>
  );
}
