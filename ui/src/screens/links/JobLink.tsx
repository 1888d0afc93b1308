// A requisition's interview agent, in its side panel: the active link with
// its funnel, Edit, Test this link, Unlink (confirmed), the pipeline, and the
// links it had before.
import { useState } from "react";
import type { JobRow, LinkView } from "../../bindings";
import { Badge } from "../../components/Badge";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorBanner, Loading } from "../../components/Feedback";
import { RelativeTime } from "../../components/Time";
import { formatCount } from "../../lib/format";
import { formatAbsolute } from "../../lib/time";
import { useLinks, useTestLink, useUnlink } from "../../queries";
import { LinkWarnings } from "./LinkEditor";

/** "Recruiter Screen, Onsite" from a link's stage ids. */
export function stageNames(link: LinkView, ids: (string | null)[]): string {
  const names = ids.filter((id): id is string => id !== null).map((id) => link.stage_names.find((s) => s.id === id)?.name ?? id);
  return names.length ? names.join(", ") : "—";
}

/** What a link does, in a few lines. */
export function LinkFacts({ link }: { link: LinkView }) {
  const s = link.settings;
  const writes = [s.write_note && "note", s.write_pdf && "PDF report", s.write_move && "stage move"].filter(Boolean).join(", ");
  return (
    <dl className="facts" data-testid="link-facts">
      <dt>Agent</dt>
      <dd>{link.agent_title ?? <span className="mono">{link.posting_id}</span>}</dd>
      <dt>Invites on</dt>
      <dd>{stageNames(link, s.trigger_stage_ids)}</dd>
      {s.write_move && s.pass_threshold !== null ? (
        <>
          <dt>Score ≥ {formatCount(s.pass_threshold)}</dt>
          <dd>{stageNames(link, [s.pass_stage_id])}</dd>
          <dt>Below</dt>
          <dd>{stageNames(link, [s.fail_stage_id])}</dd>
        </>
      ) : s.write_move ? (
        <>
          <dt>When completed</dt>
          <dd>{stageNames(link, [s.complete_stage_id])}</dd>
        </>
      ) : null}
      <dt>Writes back</dt>
      <dd>{writes || "Nothing"}</dd>
      <dt>Linked</dt>
      <dd>
        <RelativeTime iso={link.created_at} />
      </dd>
    </dl>
  );
}

export function JobLink({ job, onEdit, onLink, onPipeline }: {
  job: Pick<JobRow, "connection_id" | "id" | "name">;
  onEdit: (link: LinkView) => void;
  onLink: () => void;
  onPipeline: (linkId: string) => void;
}) {
  const links = useLinks({ connection_id: job.connection_id, job_id: job.id, posting_id: null, include_inactive: true });
  const unlink = useUnlink();
  const test = useTestLink();
  const [confirming, setConfirming] = useState(false);

  if (links.isError) return <ErrorBanner error={links.error} onRetry={() => void links.refetch()} title="Could not load this requisition's link." />;
  if (links.isPending) return <Loading label="Loading the link…" />;
  const active = links.data.find((l) => l.active) ?? null;
  const history = links.data.filter((l) => !l.active);

  return (
    <div className="job-link" data-testid="job-link">
      {active ? (
        <>
          <LinkFacts link={active} />
          <LinkWarnings warnings={active.warnings} jobs={[{ id: job.id, name: job.name }]} />
          <div className="job-link__actions">
            <button type="button" className="btn btn--primary btn--small" data-testid="open-pipeline" onClick={() => onPipeline(active.id)}>
              Pipeline · {formatCount(active.funnel.invited)} invited
            </button>
            <button type="button" className="btn btn--small" data-testid="link-edit" onClick={() => onEdit(active)}>
              Edit link
            </button>
            <button
              type="button"
              className="btn btn--small"
              data-testid="link-test"
              disabled={test.isPending}
              title="Invites a test candidate through this link, as if they had entered the trigger stage"
              onClick={() => test.mutate(active.id)}
            >
              {test.isPending ? "Testing…" : "Test this link"}
            </button>
            <button
              type="button"
              className="btn btn--small btn--ghost btn--ghost-danger"
              data-testid="link-unlink"
              onClick={() => {
                unlink.reset();
                setConfirming(true);
              }}
            >
              Unlink
            </button>
          </div>
          {test.data && (
            <p className="notice notice--ok notice--flush" role="status" data-testid="link-test-result">
              {test.data.message}
            </p>
          )}
          {test.error && <ErrorBanner error={test.error} title="The test did not go through." />}
        </>
      ) : (
        <div className="job-link__none">
          <p className="muted">Not linked. Link an interview agent so candidates entering a chosen stage are invited automatically.</p>
          <button type="button" className="btn btn--primary btn--small" data-testid="link-create" onClick={onLink}>
            Link to an agent…
          </button>
        </div>
      )}
      {history.length > 0 && (
        <details className="job-link__history" data-testid="link-history">
          <summary>Earlier links ({history.length})</summary>
          <ul>
            {history.map((l) => (
              <li key={l.id}>
                <span>{l.agent_title ?? l.posting_id}</span>{" "}
                <Badge tone="grey" title={l.unlinked_at ? `Unlinked ${formatAbsolute(l.unlinked_at)}` : undefined}>
                  Unlinked
                </Badge>{" "}
                <button type="button" className="btn btn--small btn--ghost" onClick={() => onPipeline(l.id)}>
                  History
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
      {confirming && active && (
        <ConfirmDialog
          title={`Unlink ${job.name}?`}
          confirmLabel="Unlink"
          busyLabel="Unlinking…"
          cancelLabel="Keep the link"
          danger
          busy={unlink.isPending}
          error={unlink.error}
          testId="unlink-dialog"
          onCancel={() => setConfirming(false)}
          onConfirm={() => unlink.mutate(active.id, { onSuccess: () => setConfirming(false) })}
        >
          <p>
            Candidates entering {stageNames(active, active.settings.trigger_stage_ids)} are no longer invited to “{active.agent_title ?? active.posting_id}”.
          </p>
          <p>No new invites go out. The pipeline and its history are kept, and you can link the requisition again at any time.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
