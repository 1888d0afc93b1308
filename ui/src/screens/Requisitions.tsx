import { useEffect, useMemo, useState } from "react";
import type { JobRow, JobSort, LinkView } from "../bindings";
import { useBackend } from "../backend/context";
import { StatusBadge, Badge } from "../components/Badge";
import { EmptyState, ErrorBanner, Loading } from "../components/Feedback";
import { ConnectionFilter } from "../components/Filters";
import { Icon } from "../components/Icon";
import { Page, SearchBox, Segmented } from "../components/Page";
import { Stop } from "../components/RowControl";
import { RelativeTime } from "../components/Time";
import { VirtualTable, type Column, type SortState } from "../components/VirtualTable";
import { formatCount, plural } from "../lib/format";
import { usePagedList } from "../lib/paged";
import { formatAbsolute, formatDate, parseTime } from "../lib/time";
import { SEARCH_DEBOUNCE_MS, useDebounced } from "../lib/useDebounced";
import { keys, useJobStages } from "../queries";
import { useRouter } from "../router";
import { SyncNowButton } from "../sync";
import { JobLink } from "./links/JobLink";
import { LinkEditor, type LinkJob } from "./links/LinkEditor";

type StatusFilter = "all" | "open" | "closed" | "draft";
const STATUS_OPTIONS = [
  { value: "all", label: "All" },
  { value: "open", label: "Open" },
  { value: "closed", label: "Closed" },
  { value: "draft", label: "Draft" },
] as const;

function DateCell({ iso }: { iso: string | null }) {
  const d = parseTime(iso);
  if (!d || !iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={formatAbsolute(iso)}>
      {formatDate(d)}
    </time>
  );
}

function joinOr(xs: string[]): string {
  return xs.length ? xs.join(", ") : "—";
}

const jobKey = (j: Pick<JobRow, "connection_id" | "id">) => `${j.connection_id}/${j.id}`;

const COLUMNS: Column<JobRow, JobSort>[] = [
  {
    id: "name",
    header: "Requisition",
    width: "minmax(170px, 2.4fr)",
    sortKey: "name",
    render: (j) => (
      <div className="cell-stack">
        <span className="cell-primary" title={j.name}>
          {j.name}
        </span>
        <span className="cell-secondary">
          <span className="mono">{j.requisition_id ?? "No req ID"}</span> · {plural(j.stage_count, "stage")}
        </span>
      </div>
    ),
  },
  { id: "status", header: "Status", width: "72px", render: (j) => <StatusBadge status={j.status} /> },
  {
    id: "where",
    header: "Department · Office",
    width: "minmax(120px, 1.6fr)",
    render: (j) => (
      <div className="cell-stack">
        <span className="cell-text" title={joinOr(j.departments)}>
          {joinOr(j.departments)}
        </span>
        <span className="cell-secondary" title={joinOr(j.offices)}>
          {joinOr(j.offices)}
        </span>
      </div>
    ),
  },
  {
    id: "applications",
    header: "Applications",
    width: "96px",
    align: "right",
    sortKey: "applications",
    render: (j) => formatCount(j.application_count),
  },
  { id: "opened", header: "Opened", width: "96px", sortKey: "opened_at", render: (j) => <DateCell iso={j.opened_at} /> },
  {
    id: "updated",
    header: "Updated",
    width: "88px",
    sortKey: "updated_at",
    render: (j) => <RelativeTime iso={j.updated_at} />,
  },
];

interface Editor {
  connectionId: string;
  jobs: LinkJob[];
  existing: LinkView | null;
}

export function Requisitions() {
  const backend = useBackend();
  const { navigate } = useRouter();
  const [search, setSearch] = useState("");
  const [connection, setConnection] = useState<string | null>(null);
  const [status, setStatus] = useState<StatusFilter>("all");
  const [sort, setSort] = useState<SortState<JobSort>>({ key: "updated_at", dir: "desc" });
  const [selected, setSelected] = useState<JobRow | null>(null);
  const [checked, setChecked] = useState<Map<string, JobRow>>(new Map());
  const [editor, setEditor] = useState<Editor | null>(null);
  const term = useDebounced(search.trim(), SEARCH_DEBOUNCE_MS);

  const columns = useMemo<Column<JobRow, JobSort>[]>(() => {
    const toggle = (j: JobRow, on: boolean) =>
      setChecked((m) => {
        const next = new Map(m);
        if (on) next.set(jobKey(j), j);
        else next.delete(jobKey(j));
        return next;
      });
    const select: Column<JobRow, JobSort> = {
      id: "select",
      header: "",
      width: "34px",
      render: (j) => (
        <Stop>
          <input
            type="checkbox"
            className="row-check"
            aria-label={`Select ${j.name}`}
            data-testid={`job-select-${j.id}`}
            checked={checked.has(jobKey(j))}
            onChange={(e) => toggle(j, e.target.checked)}
          />
        </Stop>
      ),
    };
    const agent: Column<JobRow, JobSort> = {
      id: "agent",
      header: "Agent",
      width: "minmax(120px, 1.4fr)",
      render: (j) =>
        j.link_id && j.linked_agent ? (
          <Stop>
            <button
              type="button"
              className="agent-chip"
              data-testid={`linked-agent-${j.id}`}
              title={`Linked to ${j.linked_agent}. Open the pipeline`}
              onClick={() => navigate("pipeline", { linkId: j.link_id ?? undefined })}
            >
              <Icon name="link" size={12} />
              <span className="agent-chip__name">{j.linked_agent}</span>
            </button>
          </Stop>
        ) : (
          <Stop>
            <button
              type="button"
              className="btn btn--small"
              data-testid={`link-button-${j.id}`}
              onClick={() => setEditor({ connectionId: j.connection_id, jobs: [{ id: j.id, name: j.name }], existing: null })}
            >
              Link…
            </button>
          </Stop>
        ),
    };
    const [first, ...rest] = COLUMNS;
    return first ? [select, first, agent, ...rest] : COLUMNS;
  }, [checked, navigate]);

  const query = { search: term || null, connection_id: connection, status: status === "all" ? null : status, sort: sort.key, dir: sort.dir };
  const list = usePagedList<JobRow>({
    queryKey: [...keys.jobs, query],
    fetchPage: (offset, limit) => backend.list_jobs({ ...query, offset, limit }),
  });
  const filtered = query.search !== null || query.status !== null || query.connection_id !== null;

  function onSort(key: JobSort) {
    setSort((s) => (s.key === key ? { key, dir: s.dir === "asc" ? "desc" : "asc" } : { key, dir: key === "name" ? "asc" : "desc" }));
  }
  function clearFilters() {
    setSearch("");
    setConnection(null);
    setStatus("all");
  }

  let body;
  if (list.error) {
    body = <ErrorBanner error={list.error} onRetry={list.retry} title="Could not load requisitions." />;
  } else if (list.isPending || list.total === null) {
    body = <Loading label="Loading requisitions…" />;
  } else if (list.total === 0 && !filtered) {
    body = (
      <EmptyState
        title="No requisitions yet — connect an ATS on Integrations, or Sync now"
        action={
          <>
            <button type="button" className="btn" onClick={() => navigate("integrations")}>
              Open Integrations
            </button>
            <SyncNowButton />
          </>
        }
      >
        Requisitions and their interview stages arrive with a sync from your ATS.
      </EmptyState>
    );
  } else if (list.total === 0) {
    body = (
      <EmptyState
        title={query.search ? `No requisitions match “${query.search}”` : status !== "all" ? `No ${status} requisitions.` : "No requisitions from this ATS yet."}
        action={
          <button type="button" className="btn" onClick={clearFilters}>
            Clear filters
          </button>
        }
      >
        {query.search && query.status ? `Only ${status} requisitions are shown. ` : null}
        Try another search, or clear the filters.
      </EmptyState>
    );
  } else {
    body = (
      <VirtualTable<JobRow, JobSort>
        label="Requisitions"
        columns={columns}
        total={list.total}
        rowAt={list.rowAt}
        rowId={(j) => `${j.connection_id}/${j.id}`}
        rowHeight={52}
        rowTestId="job-row"
        resetKey={JSON.stringify(query)}
        onVisibleRows={list.setVisibleRows}
        sort={sort}
        onSort={onSort}
        onRowClick={(j) => setSelected(j)}
        selectedId={selected ? `${selected.connection_id}/${selected.id}` : null}
      />
    );
  }

  return (
    <Page
      screen="requisitions"
      title="Requisitions"
      subtitle={list.total === null ? "Jobs synced from your ATS" : `${plural(list.total, filtered ? "matching requisition" : "requisition")}${list.isFetching ? " · updating…" : ""}`}
    >
      <div className="toolbar toolbar--wrap">
        <SearchBox value={search} onChange={setSearch} label="Search requisitions" placeholder="Search name, req ID, department or office" />
        <ConnectionFilter value={connection} onChange={setConnection} />
        <Segmented<StatusFilter> label="Status" value={status} options={STATUS_OPTIONS} onChange={setStatus} testId="filter-status" />
      </div>
      {checked.size > 0 && <BulkBar jobs={[...checked.values()]} onLink={(jobs) => setEditor({ connectionId: jobs[0]?.connection_id ?? "", jobs, existing: null })} onClear={() => setChecked(new Map())} />}
      <div className="list-area">
        {body}
        {selected && (
          <JobPanel
            job={selected}
            onClose={() => setSelected(null)}
            onCandidates={() => navigate("candidates", { job: { connection_id: selected.connection_id, id: selected.id, name: selected.name } })}
            onLink={(existing) => setEditor({ connectionId: selected.connection_id, jobs: [{ id: selected.id, name: selected.name }], existing })}
            onPipeline={(linkId) => navigate("pipeline", { linkId })}
          />
        )}
      </div>
      {editor && (
        <LinkEditor
          connectionId={editor.connectionId}
          jobs={editor.jobs}
          existing={editor.existing}
          onClose={() => setEditor(null)}
          onSaved={() => {
            if (editor.jobs.length > 1) setChecked(new Map());
          }}
        />
      )}
    </Page>
  );
}

/** The checked requisitions: link them all to one agent (bulk link works within one ATS). */
function BulkBar({ jobs, onLink, onClear }: { jobs: JobRow[]; onLink: (jobs: (LinkJob & { connection_id: string })[]) => void; onClear: () => void }) {
  const connections = new Set(jobs.map((j) => j.connection_id));
  const mixed = connections.size > 1;
  return (
    <div className="bulk-bar" role="region" aria-label="Selected requisitions" data-testid="bulk-bar">
      <span className="bulk-bar__count">{plural(jobs.length, "requisition")} selected</span>
      <button
        type="button"
        className="btn btn--primary btn--small"
        data-testid="bulk-link"
        disabled={mixed}
        onClick={() => onLink(jobs.map((j) => ({ id: j.id, name: j.name, connection_id: j.connection_id })))}
      >
        Link {plural(jobs.length, "requisition")}…
      </button>
      {mixed && <span className="field-error">Choose requisitions of one ATS to link them together.</span>}
      <button type="button" className="btn btn--small btn--ghost" onClick={onClear}>
        Clear selection
      </button>
    </div>
  );
}

function JobPanel({ job, onClose, onCandidates, onLink, onPipeline }: {
  job: JobRow;
  onClose: () => void;
  onCandidates: () => void;
  onLink: (existing: LinkView | null) => void;
  onPipeline: (linkId: string) => void;
}) {
  const stages = useJobStages(job);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onClose();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);

  return (
    <aside className="side-panel" aria-label={`Requisition ${job.name}`} data-testid="job-panel">
      <header className="side-panel__header">
        <div>
          <h2 className="side-panel__title">{job.name}</h2>
          <div className="side-panel__meta">
            <StatusBadge status={job.status} />
            <span className="mono muted">{job.requisition_id ?? "No requisition ID"}</span>
          </div>
        </div>
        <button type="button" className="icon-btn" aria-label="Close details" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <dl className="facts">
        <dt>Departments</dt>
        <dd>{joinOr(job.departments)}</dd>
        <dt>Offices</dt>
        <dd>{joinOr(job.offices)}</dd>
        <dt>Opened</dt>
        <dd>
          <DateCell iso={job.opened_at} />
        </dd>
        <dt>Updated</dt>
        <dd>
          <RelativeTime iso={job.updated_at} />
        </dd>
        <dt>Applications</dt>
        <dd>{formatCount(job.application_count)}</dd>
        <dt>ATS job ID</dt>
        <dd className="mono">{job.id}</dd>
      </dl>
      <button type="button" className="btn side-panel__action" onClick={onCandidates} data-testid="job-candidates">
        View {plural(job.application_count, "applicant")}
      </button>
      <h3 className="side-panel__section">Interview agent</h3>
      <JobLink job={job} onEdit={(link) => onLink(link)} onLink={() => onLink(null)} onPipeline={onPipeline} />
      <h3 className="side-panel__section">Interview stages</h3>
      {stages.isError ? (
        <ErrorBanner error={stages.error} onRetry={() => void stages.refetch()} />
      ) : stages.isPending ? (
        <Loading label="Loading stages…" />
      ) : stages.data.length === 0 ? (
        <p className="muted">This requisition has no interview stages in the ATS.</p>
      ) : (
        <ol className="stages">
          {stages.data.map((s, k) => (
            <li key={s.id} className="stage" data-testid="stage-row">
              <span className="stage__index">{k + 1}</span>
              <span className="stage__name">{s.name}</span>
              {!s.active && <Badge tone="grey">Inactive</Badge>}
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
