import { useEffect, useState } from "react";
import type { JobRow, JobSort } from "../bindings";
import { useBackend } from "../backend/context";
import { StatusBadge, Badge } from "../components/Badge";
import { EmptyState, ErrorBanner, Loading } from "../components/Feedback";
import { ConnectionFilter } from "../components/Filters";
import { Icon } from "../components/Icon";
import { Page, SearchBox, Segmented } from "../components/Page";
import { RelativeTime } from "../components/Time";
import { VirtualTable, type Column, type SortState } from "../components/VirtualTable";
import { formatCount, plural } from "../lib/format";
import { usePagedList } from "../lib/paged";
import { formatAbsolute, formatDate, parseTime } from "../lib/time";
import { SEARCH_DEBOUNCE_MS, useDebounced } from "../lib/useDebounced";
import { keys, useJobStages } from "../queries";
import { useRouter } from "../router";
import { SyncNowButton } from "../sync";

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

export function Requisitions() {
  const backend = useBackend();
  const { navigate } = useRouter();
  const [search, setSearch] = useState("");
  const [connection, setConnection] = useState<string | null>(null);
  const [status, setStatus] = useState<StatusFilter>("all");
  const [sort, setSort] = useState<SortState<JobSort>>({ key: "updated_at", dir: "desc" });
  const [selected, setSelected] = useState<JobRow | null>(null);
  const term = useDebounced(search.trim(), SEARCH_DEBOUNCE_MS);

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
        columns={COLUMNS}
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
      <div className="list-area">
        {body}
        {selected && (
          <JobPanel
            job={selected}
            onClose={() => setSelected(null)}
            onCandidates={() => navigate("candidates", { job: { connection_id: selected.connection_id, id: selected.id, name: selected.name } })}
          />
        )}
      </div>
    </Page>
  );
}

function JobPanel({ job, onClose, onCandidates }: { job: JobRow; onClose: () => void; onCandidates: () => void }) {
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
