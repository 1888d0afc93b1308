import { useState } from "react";
import type { CandidateRow, CandidateSort } from "../bindings";
import { useBackend } from "../backend/context";
import { StatusBadge } from "../components/Badge";
import { EmptyState, ErrorBanner, Loading } from "../components/Feedback";
import { ConnectionFilter, JobPicker, StageFilter } from "../components/Filters";
import { Page, SearchBox, Segmented } from "../components/Page";
import { RelativeTime } from "../components/Time";
import { VirtualTable, type Column, type SortState } from "../components/VirtualTable";
import { formatCount, plural } from "../lib/format";
import { usePagedList } from "../lib/paged";
import { SEARCH_DEBOUNCE_MS, useDebounced } from "../lib/useDebounced";
import { keys } from "../queries";
import { useRouter, type JobRef } from "../router";
import { SyncNowButton } from "../sync";

type StatusFilter = "all" | "active" | "rejected" | "hired";
const STATUS_OPTIONS = [
  { value: "all", label: "All" },
  { value: "active", label: "Active" },
  { value: "rejected", label: "Rejected" },
  { value: "hired", label: "Hired" },
] as const;

function roleOf(c: CandidateRow): string | null {
  if (c.title && c.company) return `${c.title} · ${c.company}`;
  return c.title ?? c.company;
}

const COLUMNS: Column<CandidateRow, CandidateSort>[] = [
  {
    id: "name",
    header: "Candidate",
    width: "minmax(160px, 1.6fr)",
    sortKey: "name",
    render: (c) => (
      <div className="cell-stack">
        <span className="cell-primary" title={c.name}>
          {c.name}
        </span>
        <span className="cell-secondary" title={c.email ?? undefined}>
          {c.email ?? "No email"}
        </span>
      </div>
    ),
  },
  {
    id: "role",
    header: "Current role",
    width: "minmax(110px, 1.2fr)",
    render: (c) => {
      const role = roleOf(c);
      return role ? (
        <span className="cell-text" title={role}>
          {role}
        </span>
      ) : (
        <span className="muted">—</span>
      );
    },
  },
  {
    id: "latest",
    header: "Latest application",
    width: "minmax(140px, 1.8fr)",
    render: (c) =>
      c.job_name ? (
        <div className="cell-stack">
          <span className="cell-text" title={c.job_name}>
            {c.job_name}
          </span>
          <span className="cell-secondary">{c.stage_name ?? "No stage"}</span>
        </div>
      ) : (
        <span className="muted">No applications</span>
      ),
  },
  { id: "status", header: "Status", width: "80px", render: (c) => <StatusBadge status={c.status} /> },
  { id: "apps", header: "Apps", width: "44px", align: "right", render: (c) => formatCount(c.application_count) },
  { id: "updated", header: "Updated", width: "88px", sortKey: "updated_at", render: (c) => <RelativeTime iso={c.updated_at} /> },
];

export function Candidates() {
  const backend = useBackend();
  const { navigate, params } = useRouter();
  const [search, setSearch] = useState("");
  const [connection, setConnection] = useState<string | null>(null);
  const [job, setJob] = useState<JobRef | null>(params.job ?? null);
  const [stage, setStage] = useState("");
  const [status, setStatus] = useState<StatusFilter>("all");
  const [sort, setSort] = useState<SortState<CandidateSort>>({ key: "updated_at", dir: "desc" });
  const term = useDebounced(search.trim(), SEARCH_DEBOUNCE_MS);
  // Typed stage names wait for the typing to stop; a chosen one applies at once.
  const stageTerm = useDebounced(stage.trim(), SEARCH_DEBOUNCE_MS);

  const query = {
    search: term || null,
    // Job ids are only unique within their ATS, so a job brings its connection.
    connection_id: connection ?? job?.connection_id ?? null,
    job_id: job?.id ?? null,
    stage: (job ? stage.trim() : stageTerm) || null,
    status: status === "all" ? null : status,
    sort: sort.key,
    dir: sort.dir,
  };
  const list = usePagedList<CandidateRow>({
    queryKey: [...keys.candidates, query],
    fetchPage: (offset, limit) => backend.list_candidates({ ...query, offset, limit }),
  });
  const filtered = query.search !== null || query.connection_id !== null || query.job_id !== null || query.stage !== null || query.status !== null;

  function onSort(key: CandidateSort) {
    setSort((s) => (s.key === key ? { key, dir: s.dir === "asc" ? "desc" : "asc" } : { key, dir: key === "name" ? "asc" : "desc" }));
  }
  function clearFilters() {
    setSearch("");
    setConnection(null);
    setJob(null);
    setStage("");
    setStatus("all");
  }

  let body;
  if (list.error) {
    body = <ErrorBanner error={list.error} onRetry={list.retry} title="Could not load candidates." />;
  } else if (list.isPending || list.total === null) {
    body = <Loading label="Loading candidates…" />;
  } else if (list.total === 0 && !filtered) {
    body = (
      <EmptyState
        title="No candidates yet — connect an ATS on Integrations, or Sync now"
        action={
          <>
            <button type="button" className="btn" onClick={() => navigate("integrations")}>
              Open Integrations
            </button>
            <SyncNowButton />
          </>
        }
      >
        Candidates and their applications arrive with a sync from your ATS.
      </EmptyState>
    );
  } else if (list.total === 0) {
    body = (
      <EmptyState
        title={query.search ? `No candidates match “${query.search}”` : "No candidates match these filters."}
        action={
          <button type="button" className="btn" onClick={clearFilters}>
            Clear filters
          </button>
        }
      >
        {describeFilters(job, query.stage, status)}Try another search, or clear the filters.
      </EmptyState>
    );
  } else {
    body = (
      <VirtualTable<CandidateRow, CandidateSort>
        label="Candidates"
        columns={COLUMNS}
        total={list.total}
        rowAt={list.rowAt}
        rowId={(c) => `${c.connection_id}/${c.id}`}
        rowHeight={52}
        rowTestId="candidate-row"
        resetKey={JSON.stringify(query)}
        onVisibleRows={list.setVisibleRows}
        sort={sort}
        onSort={onSort}
      />
    );
  }

  return (
    <Page
      screen="candidates"
      title="Candidates"
      subtitle={list.total === null ? "People who applied through your ATS" : `${plural(list.total, filtered ? "matching candidate" : "candidate")}${list.isFetching ? " · updating…" : ""}`}
    >
      <div className="toolbar toolbar--wrap">
        <SearchBox value={search} onChange={setSearch} label="Search candidates" placeholder="Search name, email, company or title" />
        <ConnectionFilter
          value={connection}
          onChange={(id) => {
            setConnection(id);
            // A job of another ATS would match nothing.
            if (job && id !== null && job.connection_id !== id) {
              setJob(null);
              setStage("");
            }
          }}
        />
        <JobPicker
          connectionId={connection}
          value={job}
          onChange={(j) => {
            setJob(j);
            setStage("");
          }}
        />
        <StageFilter job={job} value={stage} onChange={setStage} />
        <Segmented<StatusFilter> label="Application status" value={status} options={STATUS_OPTIONS} onChange={setStatus} testId="filter-status" />
      </div>
      <div className="list-area">{body}</div>
    </Page>
  );
}

function describeFilters(job: JobRef | null, stage: string | null, status: StatusFilter): string {
  const parts: string[] = [];
  if (job) parts.push(`for ${job.name}`);
  if (stage) parts.push(`in stage “${stage}”`);
  if (status !== "all") parts.push(`with status ${status}`);
  return parts.length ? `Only candidates ${parts.join(", ")} are shown. ` : "";
}
