// A link's pipeline: how many candidates reached each step (in trigger stage
// → invited → started → completed → report → written back, plus failing),
// and every candidate with their invite, score, last error and timeline.
import { Fragment, useState } from "react";
import type { FunnelCounts, LinkView, PipelineCandidate } from "../bindings";
import { Badge, ScorePill } from "../components/Badge";
import { EmptyState, ErrorBanner, Loading } from "../components/Feedback";
import { Icon } from "../components/Icon";
import { Page, Segmented } from "../components/Page";
import { RelativeTime } from "../components/Time";
import { PROVIDER_NAMES } from "../lib/connection";
import { formatCount, plural } from "../lib/format";
import { canInviteNow, INVITE_LABELS, STEP_LABELS, STEP_ORDER, stepLabel, type Step } from "../lib/loop";
import { formatAbsolute } from "../lib/time";
import { useInviteNow, usePipeline, useTestLink } from "../queries";
import { useRouter } from "../router";
import { stageNames } from "./links/JobLink";
import { LinkWarnings } from "./links/LinkEditor";

const FUNNEL_STEPS: { key: Step; hint: string }[] = [
  { key: "in_trigger_stage", hint: "Applications in a trigger stage right now" },
  { key: "invited", hint: "Invites the platform accepted" },
  { key: "started", hint: "Interviews the candidate started" },
  { key: "completed", hint: "Interviews completed" },
  { key: "reported", hint: "Reports received" },
  { key: "written_back", hint: "Results written back to the ATS" },
];

/** The funnel as numbers and bars (CSS widths relative to the largest step). */
export function Funnel({ funnel }: { funnel: FunnelCounts }) {
  const max = Math.max(1, ...FUNNEL_STEPS.map((s) => funnel[s.key]), funnel.failing);
  return (
    <section className="funnel" data-testid="pipeline-funnel" aria-label="Funnel">
      <ol className="funnel__steps">
        {FUNNEL_STEPS.map((s) => (
          <li key={s.key} className="funnel__step" data-testid={`funnel-${s.key}`} title={s.hint}>
            <span className="funnel__label">{STEP_LABELS[s.key]}</span>
            <span className="funnel__track" aria-hidden="true">
              <span className="funnel__bar" style={{ width: `${funnel[s.key] === 0 ? 0 : Math.max(2, (funnel[s.key] / max) * 100)}%` }} />
            </span>
            <span className="funnel__count">{formatCount(funnel[s.key])}</span>
          </li>
        ))}
        <li className="funnel__step funnel__step--failing" data-testid="funnel-failing" title="Invites or writes that failed and wait for a retry or a person">
          <span className="funnel__label">Failing</span>
          <span className="funnel__track" aria-hidden="true">
            <span className="funnel__bar funnel__bar--bad" style={{ width: `${funnel.failing === 0 ? 0 : Math.max(2, (funnel.failing / max) * 100)}%` }} />
          </span>
          <span className="funnel__count">{formatCount(funnel.failing)}</span>
        </li>
      </ol>
    </section>
  );
}

function inviteLabel(c: PipelineCandidate): string {
  if (c.invite_state === "failed") return "Retry invite";
  if (c.invite_state === "unconfirmed") return "Invite again";
  return "Invite now";
}

function CandidateRow({ c, link, open, onToggle }: { c: PipelineCandidate; link: LinkView; open: boolean; onToggle: () => void }) {
  const invite = useInviteNow();
  const state = c.invite_state;
  const failing = state === "failed" || c.last_error !== null;
  const timelineId = `timeline-${c.application_id}`;
  return (
    <>
      <tr data-testid={`pipeline-row-${c.application_id}`} className={failing ? "row--error" : undefined}>
        <td>
          <button
            type="button"
            className="disclosure"
            aria-expanded={open}
            aria-controls={timelineId}
            data-testid={`timeline-toggle-${c.application_id}`}
            onClick={onToggle}
          >
            <Icon name="chevron" size={12} className={open ? "disclosure__icon disclosure__icon--open" : "disclosure__icon"} />
            <span className="cell-stack">
              <span className="cell-primary">{c.candidate_name}</span>
              <span className="cell-secondary">{c.email ?? "No e-mail"}</span>
            </span>
          </button>
        </td>
        <td>{c.stage_name ?? <span className="muted">—</span>}</td>
        <td>
          <Badge tone={c.step === "written_back" ? "green" : c.step === "in_trigger_stage" ? "grey" : "blue"}>{stepLabel(c.step)}</Badge>
        </td>
        <td>
          {state ? (
            <Badge tone={INVITE_LABELS[state].tone} title={INVITE_LABELS[state].title}>
              {INVITE_LABELS[state].label}
            </Badge>
          ) : (
            <span className="muted">—</span>
          )}
        </td>
        <td>
          <ScorePill score={c.match_score} />
        </td>
        <td className="pipeline__error">
          {c.last_error ? (
            <span className="error-text" data-testid={`pipeline-error-${c.application_id}`}>
              {c.last_error}
            </span>
          ) : (
            <span className="muted">—</span>
          )}
          {invite.error && (
            <span className="field-error" role="alert">
              {invite.error.message}
            </span>
          )}
        </td>
        <td className="cell-actions">
          {c.invite_id && canInviteNow(state) && link.active && (
            <button
              type="button"
              className={state === "failed" ? "btn btn--small btn--primary" : "btn btn--small"}
              data-testid={`invite-now-${c.invite_id}`}
              disabled={invite.isPending}
              title={state === "unconfirmed" ? "The first invite may have reached the platform; inviting again can send the candidate a second e-mail" : undefined}
              onClick={() => invite.mutate(c.invite_id as string)}
            >
              {invite.isPending ? "Sending…" : inviteLabel(c)}
            </button>
          )}
        </td>
      </tr>
      {open && (
        <tr className="pipeline__timeline-row">
          <td colSpan={7}>
            <ol className="timeline" id={timelineId} data-testid={timelineId} aria-label={`Timeline of ${c.candidate_name}`}>
              {c.timeline.length === 0 && <li className="muted">Nothing has happened yet.</li>}
              {c.timeline.map((t, k) => (
                <li key={`${t.at}/${k}`} className={t.error ? "timeline__entry timeline__entry--error" : "timeline__entry"} data-testid="timeline-entry">
                  <time className="timeline__time" dateTime={t.at} title={formatAbsolute(t.at)}>
                    {formatAbsolute(t.at)}
                  </time>
                  <code className="tag">{t.kind}</code>
                  <span className="timeline__message">{t.message}</span>
                </li>
              ))}
            </ol>
            {c.interview_url && (
              <p className="muted timeline__link">
                Interview link: <span className="mono">{c.interview_url}</span>
              </p>
            )}
          </td>
        </tr>
      )}
    </>
  );
}

type Show = "all" | "failing";

export function Pipeline() {
  const { params, navigate } = useRouter();
  const linkId = params.linkId ?? null;
  const pipeline = usePipeline(linkId);
  const test = useTestLink();
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [show, setShow] = useState<Show>("all");

  const back = (
    <button type="button" className="btn" onClick={() => navigate("requisitions")}>
      <Icon name="back" /> Requisitions
    </button>
  );

  if (linkId === null) {
    return (
      <Page screen="pipeline" title="Pipeline">
        <EmptyState title="No link chosen." action={back}>
          Open a requisition on Requisitions and click its agent, or Pipeline in its panel.
        </EmptyState>
      </Page>
    );
  }
  if (pipeline.isError) {
    return (
      <Page screen="pipeline" title="Pipeline" actions={back}>
        <ErrorBanner error={pipeline.error} onRetry={() => void pipeline.refetch()} title="Could not load the pipeline." />
      </Page>
    );
  }
  if (pipeline.isPending) {
    return (
      <Page screen="pipeline" title="Pipeline" actions={back}>
        <Loading label="Loading the pipeline…" />
      </Page>
    );
  }

  const { link, candidates } = pipeline.data;
  const failingOnly = candidates.filter((c) => c.invite_state === "failed" || c.last_error !== null);
  const rows = show === "failing" ? failingOnly : candidates;
  const toggle = (id: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Page
      screen="pipeline"
      title={link.job_name}
      subtitle={
        <>
          {PROVIDER_NAMES[link.provider]}
          {link.requisition_id ? ` · ${link.requisition_id}` : ""} · linked to “{link.agent_title ?? link.posting_id}” · invites on{" "}
          {stageNames(link, link.settings.trigger_stage_ids)}
          {pipeline.isFetching ? " · updating…" : ""}
        </>
      }
      actions={
        <>
          {back}
          <button type="button" className="btn" data-testid="pipeline-writeback" onClick={() => navigate("writeback", { linkId: link.id })}>
            Writeback queue
          </button>
        </>
      }
    >
      <div className="stack pipeline" data-testid="pipeline">
        {!link.active && (
          <p className="notice notice--warn notice--flush" data-testid="pipeline-unlinked">
            Unlinked {link.unlinked_at ? formatAbsolute(link.unlinked_at) : ""}: no new invites go out. The history below is kept.
          </p>
        )}
        <LinkWarnings warnings={link.warnings} jobs={[{ id: link.job_id, name: link.job_name }]} />
        <Funnel funnel={link.funnel} />
        {candidates.length === 0 ? (
          <EmptyState
            title="No candidates in this pipeline yet."
            action={
              link.active ? (
                <button type="button" className="btn btn--primary" data-testid="pipeline-test" disabled={test.isPending} onClick={() => test.mutate(link.id)}>
                  {test.isPending ? "Testing…" : "Test this link"}
                </button>
              ) : undefined
            }
          >
            Candidates appear here when they enter {stageNames(link, link.settings.trigger_stage_ids)} in {PROVIDER_NAMES[link.provider]}: each one is
            invited to the interview, and their progress and results show up step by step.
            {test.data && <p className="notice notice--ok notice--flush">{test.data.message}</p>}
            {test.error && <ErrorBanner error={test.error} title="The test did not go through." />}
          </EmptyState>
        ) : (
          <section className="card pipeline__card" aria-labelledby="pipeline-candidates-title">
            <header className="section-head">
              <div>
                <h2 className="section-head__title" id="pipeline-candidates-title">
                  {plural(candidates.length, "candidate")}
                </h2>
                <p className="section-head__subtitle">Newest activity first. Click a candidate for their timeline.</p>
              </div>
              <Segmented<Show>
                label="Show"
                value={show}
                testId="pipeline-show"
                options={[
                  { value: "all", label: "All" },
                  { value: "failing", label: `Needs attention (${failingOnly.length})` },
                ]}
                onChange={setShow}
              />
            </header>
            {rows.length === 0 ? (
              <p className="card__empty">Nothing needs attention: no failed invites or writes.</p>
            ) : (
              <table className="simple-table pipeline-table" aria-label="Candidates">
                <thead>
                  <tr>
                    <th scope="col">Candidate</th>
                    <th scope="col">Stage</th>
                    <th scope="col">Step</th>
                    <th scope="col">Invite</th>
                    <th scope="col">Score</th>
                    <th scope="col">Last error</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((c) => (
                    <Fragment key={c.application_id}>
                      <CandidateRow c={c} link={link} open={open.has(c.application_id)} onToggle={() => toggle(c.application_id)} />
                    </Fragment>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        )}
        <p className="muted">
          Linked <RelativeTime iso={link.created_at} /> · steps: {STEP_ORDER.map((s) => STEP_LABELS[s]).join(" → ")}
        </p>
      </div>
    </Page>
  );
}
