// An agent's requisitions, on the Webhooks screen: the ones linked to it,
// and "Link requisitions…" (choose jobs of one ATS, then the link editor's
// settings for the first job, carried over to the others by stage name).
import { useId, useState } from "react";
import type { AgentView, JobRow } from "../../bindings";
import { Badge } from "../../components/Badge";
import { ErrorBanner, Loading } from "../../components/Feedback";
import { Modal } from "../../components/Modal";
import { PROVIDER_NAMES } from "../../lib/connection";
import { formatCount, plural } from "../../lib/format";
import { SEARCH_DEBOUNCE_MS, useDebounced } from "../../lib/useDebounced";
import { useConnections, useJobSearch, useLinks } from "../../queries";
import { useRouter } from "../../router";
import { LinkEditor } from "./LinkEditor";

const PICK_LIMIT = 50;

function JobsPicker({ agent, onClose, onNext }: { agent: AgentView; onClose: () => void; onNext: (connectionId: string, jobs: JobRow[]) => void }) {
  const connections = useConnections();
  const ats = (connections.data ?? []).filter((c) => c.provider !== "interview_platform" && c.state !== "not_connected");
  const [connectionId, setConnectionId] = useState<string | null>(null);
  const connection = ats.find((c) => c.id === connectionId) ?? ats[0] ?? null;
  const [search, setSearch] = useState("");
  const term = useDebounced(search.trim(), SEARCH_DEBOUNCE_MS);
  const jobs = useJobSearch(term, connection?.id ?? null, connection !== null, PICK_LIMIT);
  const [chosen, setChosen] = useState<JobRow[]>([]);
  const selectId = useId();
  const searchId = useId();
  const shown = [...chosen, ...(jobs.data?.items ?? []).filter((j) => !chosen.some((c) => c.id === j.id))];

  let body;
  if (connections.isError) body = <ErrorBanner error={connections.error} onRetry={() => void connections.refetch()} title="Could not load the connections." />;
  else if (connections.isPending) body = <Loading label="Loading connections…" />;
  else if (!connection) body = <p className="notice notice--warn notice--flush">Connect an ATS on Integrations first; its requisitions can then be linked here.</p>;
  else {
    body = (
      <div className="stack stack--tight">
        <span className="form-field">
          <label htmlFor={selectId} className="form-field__label">
            ATS
          </label>
          <select
            id={selectId}
            className="select"
            data-testid="agent-link-connection"
            value={connection.id}
            onChange={(e) => {
              setConnectionId(e.target.value);
              setChosen([]);
            }}
          >
            {ats.map((c) => (
              <option key={c.id} value={c.id}>
                {PROVIDER_NAMES[c.provider]} — {c.label}
              </option>
            ))}
          </select>
        </span>
        <span className="form-field">
          <label htmlFor={searchId} className="form-field__label">
            Requisitions
          </label>
          <input
            id={searchId}
            type="search"
            className="input input--wide"
            placeholder="Search name, req ID, department or office"
            data-testid="agent-link-search"
            value={search}
            autoComplete="off"
            spellCheck={false}
            onChange={(e) => setSearch(e.target.value)}
          />
        </span>
        {jobs.isError && <ErrorBanner error={jobs.error} onRetry={() => void jobs.refetch()} title="Could not search requisitions." />}
        {jobs.isPending && <Loading label="Searching requisitions…" />}
        <ul className="job-choices" aria-label="Requisitions">
          {shown.map((j) => (
            <li key={j.id}>
              <label className="stage-check">
                <input
                  type="checkbox"
                  data-testid={`agent-link-job-${j.id}`}
                  checked={chosen.some((c) => c.id === j.id)}
                  onChange={(e) => setChosen((c) => (e.target.checked ? [...c, j] : c.filter((x) => x.id !== j.id)))}
                />
                {j.name}
                {j.requisition_id && <span className="muted mono">{j.requisition_id}</span>}
                {j.status !== "open" && <Badge tone="grey">{j.status}</Badge>}
                {j.linked_agent && (
                  <Badge tone={j.linked_agent === agent.title ? "green" : "amber"} title="Currently linked agent">
                    {j.linked_agent === agent.title ? "Linked here" : `Linked to ${j.linked_agent}`}
                  </Badge>
                )}
              </label>
            </li>
          ))}
        </ul>
        {jobs.data && jobs.data.total > jobs.data.items.length && (
          <p className="form-field__help">
            First {jobs.data.items.length} of {formatCount(jobs.data.total)}; type to narrow down.
          </p>
        )}
        {chosen.length > 1 && (
          <p className="form-field__help">
            Stages are chosen on <strong>{chosen[0]?.name}</strong> and matched by name in the others.
          </p>
        )}
      </div>
    );
  }

  return (
    <Modal
      title={`Link requisitions to “${agent.title}”`}
      testId="agent-link-dialog"
      wide
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn--primary"
            data-testid="agent-link-continue"
            disabled={!connection || chosen.length === 0}
            onClick={() => connection && onNext(connection.id, chosen)}
          >
            {chosen.length === 0 ? "Choose requisitions" : `Continue with ${plural(chosen.length, "requisition")}`}
          </button>
        </>
      }
    >
      {body}
    </Modal>
  );
}

export function AgentLinks({ agent }: { agent: AgentView }) {
  const { navigate } = useRouter();
  const links = useLinks({ connection_id: null, job_id: null, posting_id: agent.posting_id, include_inactive: false });
  const [step, setStep] = useState<{ step: "pick" } | { step: "edit"; connectionId: string; jobs: JobRow[] } | null>(null);

  let list;
  if (links.isError) list = <ErrorBanner error={links.error} onRetry={() => void links.refetch()} title="Could not load the linked requisitions." />;
  else if (links.isPending) list = <Loading label="Loading linked requisitions…" />;
  else if (links.data.length === 0) list = <p className="muted">No requisitions linked yet: candidates reach this agent only when you invite them yourself.</p>;
  else
    list = (
      <ul className="agent-links__list">
        {links.data.map((l) => (
          <li key={l.id} data-testid={`agent-linked-${l.job_id}`}>
            <span className="cell-primary">{l.job_name}</span>
            <span className="muted mono">{l.requisition_id ?? ""}</span>
            <span className="muted">{PROVIDER_NAMES[l.provider]}</span>
            <span className="muted">{plural(l.funnel.invited, "invite")}</span>
            {l.funnel.failing > 0 && <Badge tone="red">{l.funnel.failing} failing</Badge>}
            {l.warnings.some((w) => w.blocking) && <Badge tone="amber">Needs attention</Badge>}
            <button type="button" className="btn btn--small btn--ghost" onClick={() => navigate("pipeline", { linkId: l.id })}>
              Pipeline
            </button>
          </li>
        ))}
      </ul>
    );

  return (
    <section className="agent-links" data-testid={`agent-links-${agent.posting_id}`} aria-label={`Requisitions linked to ${agent.title}`}>
      <div className="card__section-head">
        <h3 className="card__section-title">Linked requisitions</h3>
        <button type="button" className="btn btn--small" data-testid={`agent-link-${agent.posting_id}`} onClick={() => setStep({ step: "pick" })}>
          Link requisitions…
        </button>
      </div>
      {list}
      {step?.step === "pick" && <JobsPicker agent={agent} onClose={() => setStep(null)} onNext={(connectionId, jobs) => setStep({ step: "edit", connectionId, jobs })} />}
      {step?.step === "edit" && (
        <LinkEditor
          connectionId={step.connectionId}
          jobs={step.jobs.map((j) => ({ id: j.id, name: j.name }))}
          postingId={agent.posting_id}
          lockAgent
          onClose={() => setStep(null)}
        />
      )}
    </section>
  );
}
