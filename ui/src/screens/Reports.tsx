import { useMemo, useState } from "react";
import type { AgentView, ExportMark, ExportSummary, ReportQuery, ReportRow, ReportSort, ScoreDistribution } from "../bindings";
import { useBackend } from "../backend/context";
import { Badge, ScorePill, scoreTone, StatusBadge } from "../components/Badge";
import { EmptyState, ErrorBanner, Loading } from "../components/Feedback";
import { ConnectionFilter, JobPicker } from "../components/Filters";
import { Icon } from "../components/Icon";
import { Snippet } from "../components/Marked";
import { Page, SearchBox } from "../components/Page";
import { Stop } from "../components/RowControl";
import { RelativeTime } from "../components/Time";
import { VirtualTable, type Column, type SortState } from "../components/VirtualTable";
import { PROVIDER_NAMES } from "../lib/connection";
import { toApiError } from "../lib/errors";
import { exportSummaryText } from "../lib/exportRules";
import { plural } from "../lib/format";
import { usePagedList } from "../lib/paged";
import { formatAbsolute, formatDate, parseTime } from "../lib/time";
import { useDebounced } from "../lib/useDebounced";
import { keys, useAgents, useScoreDistribution } from "../queries";
import { useRouter, type JobRef } from "../router";
import { ExportDialog, ExportSummaryView } from "./reports/ExportDialog";
import { ReportView } from "./ReportView";

/** Full-text search over transcripts costs more than a name lookup: wait a little longer. */
export const REPORT_SEARCH_DEBOUNCE_MS = 250;

interface Filters {
  search: string;
  postingId: string;
  status: string;
  minScore: string;
  maxScore: string;
  /** `YYYY-MM-DD` from the date inputs, local days. */
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { search: "", postingId: "", status: "", minScore: "", maxScore: "", from: "", to: "" };

/** Interview statuses the platform reports (v2 `interviews/{id}/data`). */
const STATUSES = ["completed", "shortlisted", "dismissed", "knocked_out", "evaluating", "in_progress", "pending"];

/** "75" -> 75; blank or not a number -> null; clamped to 0-100. */
export function parseScore(s: string): number | null {
  const t = s.trim();
  if (t === "") return null;
  const n = Number(t);
  return Number.isFinite(n) ? Math.min(100, Math.max(0, n)) : null;
}

/** A local calendar day's first (or last) instant, as RFC 3339. */
export function dayBound(day: string, end: boolean): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return null;
  const d = end
    ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59, 999)
    : new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function PdfState({ has }: { has: boolean }) {
  const text = has ? "PDF cached for offline reading" : "PDF not downloaded yet";
  return (
    <span className={has ? "pdf-state pdf-state--cached" : "pdf-state"} title={text}>
      <Icon name="file" />
      <span className="visually-hidden">{text}</span>
    </span>
  );
}

/** "Exported to Greenhouse Mar 4, 2025", one per ATS the candidate went to. */
export function ExportedBadges({ row }: { row: ReportRow }) {
  if (row.exported.length === 0) return <span className="muted">—</span>;
  return (
    <span className="exported" data-testid={`exported-badge-${row.interview_id}`}>
      {row.exported.map((m: ExportMark) => {
        const d = parseTime(m.exported_at);
        return (
          <Badge key={m.connection_id} tone="violet" title={`Exported ${formatAbsolute(m.exported_at)} as ${PROVIDER_NAMES[m.provider]} ${m.ats_candidate_id}`}>
            Exported to {PROVIDER_NAMES[m.provider]}
            {d ? ` ${formatDate(d)}` : ""}
          </Badge>
        );
      })}
    </span>
  );
}

const COLUMNS: Column<ReportRow, ReportSort>[] = [
  {
    id: "candidate",
    header: "Candidate",
    width: "minmax(170px, 1.5fr)",
    sortKey: "candidate",
    render: (r) => (
      <div className="cell-stack">
        <span className="cell-primary" title={r.candidate_name ?? undefined}>
          {r.candidate_name ?? "Unnamed candidate"}
        </span>
        <span className="cell-secondary" title={r.candidate_email ?? undefined}>
          {r.candidate_email ?? "No email"}
        </span>
      </div>
    ),
  },
  {
    id: "agent",
    header: "Agent",
    width: "minmax(150px, 1.5fr)",
    render: (r) => (
      <span className="cell-text" title={r.posting_title ?? r.posting_id}>
        {r.posting_title ?? <span className="mono">{r.posting_id}</span>}
      </span>
    ),
  },
  { id: "score", header: "Score", width: "64px", sortKey: "score", render: (r) => <ScorePill score={r.match_score} /> },
  { id: "status", header: "Status", width: "92px", render: (r) => <StatusBadge status={r.status} /> },
  {
    id: "reported",
    header: "Reported",
    width: "128px",
    sortKey: "reported_at",
    render: (r) => (
      <div className="cell-stack">
        <span className="cell-text">
          <RelativeTime iso={r.reported_at} />
        </span>
        <span className="cell-secondary">{formatAbsolute(r.reported_at)}</span>
      </div>
    ),
  },
  { id: "pdf", header: "PDF", width: "36px", render: (r) => <PdfState has={r.has_pdf} /> },
  { id: "ats", header: "ATS", width: "minmax(210px, 1.2fr)", render: (r) => <ExportedBadges row={r} /> },
];

function ScoreChart({ data, selected, onSelect }: {
  data: ScoreDistribution[];
  selected: string;
  onSelect: (postingId: string) => void;
}) {
  return (
    <section className="score-chart" data-testid="score-chart" aria-label="Match scores per agent">
      {data.map((d) => {
        const total = d.buckets.reduce((n, b) => n + b.count, 0);
        const max = Math.max(1, ...d.buckets.map((b) => b.count));
        const title = d.posting_title ?? d.posting_id;
        const active = selected === d.posting_id;
        return (
          <button
            key={d.posting_id}
            type="button"
            className="score-chart__agent"
            data-testid="score-chart-agent"
            aria-pressed={active}
            title={active ? "Show every agent" : `Show only ${title}`}
            onClick={() => onSelect(active ? "" : d.posting_id)}
          >
            <span className="score-chart__head">
              <span className="score-chart__title">{title}</span>
              <span className="score-chart__total">{plural(total, "report")}</span>
            </span>
            <span className="score-chart__bars" role="img" aria-label={`Match scores for ${title}: ${d.buckets.map((b) => `${b.from}–${b.from === 90 ? 100 : b.from + 9}: ${b.count}`).join(", ")}`}>
              {d.buckets.map((b) => (
                <span key={b.from} className="score-chart__slot" title={`${b.from}–${b.from === 90 ? 100 : b.from + 9}: ${plural(b.count, "report")}`}>
                  <span
                    className={`score-chart__bar score-chart__bar--${scoreTone(b.from + 5)}`}
                    style={{ height: b.count === 0 ? 0 : `${Math.max(6, (b.count / max) * 100)}%` }}
                  />
                </span>
              ))}
            </span>
            <span className="score-chart__axis" aria-hidden="true">
              <span>0</span>
              <span>50</span>
              <span>100</span>
            </span>
          </button>
        );
      })}
    </section>
  );
}

/**
 * Agents for the filter: the platform's list when it answers, plus every
 * agent that has stored reports, so the filter still works offline.
 */
export function reportAgents(live: AgentView[] | undefined, stored: ScoreDistribution[]): Pick<AgentView, "posting_id" | "title" | "archived">[] {
  const out: Pick<AgentView, "posting_id" | "title" | "archived">[] = [...(live ?? [])];
  const known = new Set(out.map((a) => a.posting_id));
  for (const d of stored) {
    if (known.has(d.posting_id)) continue;
    known.add(d.posting_id);
    out.push({ posting_id: d.posting_id, title: d.posting_title ?? d.posting_id, archived: false });
  }
  return out;
}

export function Reports() {
  const backend = useBackend();
  const { navigate } = useRouter();
  const agents = useAgents();
  const distribution = useScoreDistribution();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  // null: the backend's order (newest first; best match first when searching).
  const [sort, setSort] = useState<SortState<ReportSort> | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  // The requisition filter: reports of candidates invited from a job, or of an agent linked to it.
  const [reqConnection, setReqConnection] = useState<string | null>(null);
  const [reqJob, setReqJob] = useState<JobRef | null>(null);
  const [checked, setChecked] = useState<Map<string, ReportRow>>(new Map());
  const [exporting, setExporting] = useState(false);
  const [lastExport, setLastExport] = useState<ExportSummary | null>(null);

  const columns = useMemo<Column<ReportRow, ReportSort>[]>(() => {
    const select: Column<ReportRow, ReportSort> = {
      id: "select",
      header: "",
      width: "34px",
      render: (r) => (
        <Stop>
          <input
            type="checkbox"
            className="row-check"
            aria-label={`Select ${r.candidate_name ?? r.interview_id}`}
            data-testid={`report-select-${r.interview_id}`}
            checked={checked.has(r.interview_id)}
            onChange={(e) =>
              setChecked((m) => {
                const next = new Map(m);
                if (e.target.checked) next.set(r.interview_id, r);
                else next.delete(r.interview_id);
                return next;
              })
            }
          />
        </Stop>
      ),
    };
    return [select, ...COLUMNS];
  }, [checked]);

  const term = useDebounced(filters.search.trim(), REPORT_SEARCH_DEBOUNCE_MS);
  const minScore = useDebounced(parseScore(filters.minScore), REPORT_SEARCH_DEBOUNCE_MS);
  const maxScore = useDebounced(parseScore(filters.maxScore), REPORT_SEARCH_DEBOUNCE_MS);
  const query: Omit<ReportQuery, "offset" | "limit"> = {
    search: term || null,
    posting_id: filters.postingId || null,
    status: filters.status || undefined,
    connection_id: reqJob?.connection_id,
    job_id: reqJob?.id,
    min_score: minScore,
    max_score: maxScore,
    from: dayBound(filters.from, false),
    to: dayBound(filters.to, true),
    sort: sort?.key ?? null,
    dir: sort?.dir ?? null,
  };
  const list = usePagedList<ReportRow>({
    queryKey: [...keys.reports, query],
    fetchPage: (offset, limit) => backend.list_reports({ ...query, offset, limit }),
  });
  const filtered =
    query.search !== null ||
    query.posting_id !== null ||
    query.status !== undefined ||
    query.job_id !== undefined ||
    query.min_score !== null ||
    query.max_score !== null ||
    query.from !== null ||
    query.to !== null;
  const dirty = Object.values(filters).some((v) => v !== "") || reqJob !== null || reqConnection !== null;

  function clearAll() {
    setFilters(NO_FILTERS);
    setReqConnection(null);
    setReqJob(null);
  }
  const shownSort: SortState<ReportSort> | null = sort ?? (query.search ? null : { key: "reported_at", dir: "desc" });

  function set<K extends keyof Filters>(key: K, value: Filters[K]) {
    setFilters((f) => ({ ...f, [key]: value }));
  }
  function onSort(key: ReportSort) {
    setSort(() =>
      shownSort?.key === key
        ? { key, dir: shownSort.dir === "asc" ? "desc" : "asc" }
        : { key, dir: key === "candidate" ? "asc" : "desc" },
    );
  }

  if (openId !== null) {
    return (
      <Page screen="reports" title="Reports">
        <ReportView interviewId={openId} onBack={() => setOpenId(null)} />
      </Page>
    );
  }

  const nothingYet = !list.error && list.total === 0 && !filtered && !dirty;
  let body;
  if (list.error) {
    body = <ErrorBanner error={list.error} onRetry={list.retry} title="Could not load reports." />;
  } else if (list.isPending || list.total === null) {
    body = <Loading label="Loading reports…" />;
  } else if (nothingYet) {
    body = (
      <EmptyState
        title="No interview reports yet."
        action={
          <button type="button" className="btn" onClick={() => navigate("webhooks")}>
            Open Webhooks
          </button>
        }
      >
        A report appears here when an interview agent linked to a requisition finishes an interview and the platform
        sends <code>report_available</code>. On Webhooks, click <strong>Subscribe all</strong> on the agent so those
        events reach Reqlink.
      </EmptyState>
    );
  } else if (list.total === 0) {
    body = (
      <EmptyState
        title={query.search ? `No reports match “${query.search}”` : "No reports match these filters."}
        action={
          <button type="button" className="btn" onClick={clearAll}>
            Clear filters
          </button>
        }
      >
        Search looks through transcripts, highlights, lowlights and evaluation summaries. Try other words, or widen the
        score and date range.
      </EmptyState>
    );
  } else {
    const searching = query.search !== null;
    body = (
      <VirtualTable<ReportRow, ReportSort>
        label="Reports"
        columns={columns}
        total={list.total}
        rowAt={list.rowAt}
        rowId={(r) => r.interview_id}
        rowHeight={searching ? 78 : 52}
        rowTestId="report-row"
        resetKey={JSON.stringify(query)}
        onVisibleRows={list.setVisibleRows}
        sort={shownSort}
        onSort={onSort}
        onRowClick={(r) => setOpenId(r.interview_id)}
        renderBelow={searching ? (r) => (r.snippet ? <Snippet snippet={r.snippet} className="report-snippet" /> : null) : undefined}
      />
    );
  }

  const charts = distribution.data ?? [];
  const agentOptions = reportAgents(agents.data, charts);
  const subtitle =
    list.total === null
      ? "Interview reports from your interview agents"
      : `${plural(list.total, filtered ? "matching report" : "report")}${query.search && !sort ? " · best match first" : ""}${list.isFetching ? " · updating…" : ""}`;

  const selected = [...checked.values()];
  return (
    <Page
      screen="reports"
      title="Reports"
      subtitle={subtitle}
      actions={
        <>
          {selected.length > 0 && (
            <button type="button" className="btn btn--ghost" data-testid="export-clear" onClick={() => setChecked(new Map())}>
              Clear selection ({selected.length})
            </button>
          )}
          <button
            type="button"
            className="btn btn--primary"
            data-testid="export-button"
            disabled={selected.length === 0}
            title={selected.length === 0 ? "Tick the candidates to export first" : undefined}
            onClick={() => setExporting(true)}
          >
            Export to ATS…{selected.length > 0 ? ` (${selected.length})` : ""}
          </button>
        </>
      }
    >
      {lastExport && (
        <div className="last-export" data-testid="last-export">
          <details>
            <summary>Last export: {exportSummaryText(lastExport)}</summary>
            <ExportSummaryView summary={lastExport} />
          </details>
          <button type="button" className="btn btn--small btn--ghost" onClick={() => setLastExport(null)}>
            Dismiss
          </button>
        </div>
      )}
      {!nothingYet && charts.length > 0 && (
        <ScoreChart data={charts} selected={filters.postingId} onSelect={(id) => set("postingId", id)} />
      )}
      {!nothingYet && distribution.isError && (
        <p className="muted chart-note">Score chart unavailable: {toApiError(distribution.error).message}</p>
      )}
      {!nothingYet && (
        <div className="toolbar toolbar--wrap" role="search" aria-label="Filter reports">
          <SearchBox
            value={filters.search}
            onChange={(v) => set("search", v)}
            label="Search reports"
            placeholder="Search transcripts, highlights…"
          />
          <select className="select" aria-label="Agent" value={filters.postingId} onChange={(e) => set("postingId", e.target.value)}>
              <option value="">All agents</option>
              {agentOptions.map((a) => (
                <option key={a.posting_id} value={a.posting_id}>
                  {a.title}
                  {a.archived ? " (archived)" : ""}
                </option>
              ))}
          </select>
          <select className="select" aria-label="Status" value={filters.status} onChange={(e) => set("status", e.target.value)}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace("_", " ")}
              </option>
            ))}
          </select>
          <span className="field">
            <span className="field__label">Score</span>
            <input
              className="input input--score"
              type="number"
              inputMode="numeric"
              min={0}
              max={100}
              placeholder="0"
              aria-label="Minimum score"
              value={filters.minScore}
              onChange={(e) => set("minScore", e.target.value)}
            />
            <span className="muted">–</span>
            <input
              className="input input--score"
              type="number"
              inputMode="numeric"
              min={0}
              max={100}
              placeholder="100"
              aria-label="Maximum score"
              value={filters.maxScore}
              onChange={(e) => set("maxScore", e.target.value)}
            />
          </span>
          <span className="field">
            <span className="field__label">Reported</span>
            <input className="input" type="date" aria-label="Reported from" value={filters.from} max={filters.to || undefined} onChange={(e) => set("from", e.target.value)} />
            <span className="muted">–</span>
            <input className="input" type="date" aria-label="Reported to" value={filters.to} min={filters.from || undefined} onChange={(e) => set("to", e.target.value)} />
          </span>
          <ConnectionFilter
            value={reqConnection}
            onChange={(id) => {
              setReqConnection(id);
              if (reqJob && id !== null && reqJob.connection_id !== id) setReqJob(null);
            }}
          />
          <JobPicker connectionId={reqConnection} value={reqJob} onChange={setReqJob} />
          {dirty && (
            <button type="button" className="btn btn--small btn--ghost" onClick={clearAll}>
              Clear
            </button>
          )}
        </div>
      )}
      <div className="list-area">{body}</div>
      {exporting && (
        <ExportDialog
          reports={selected}
          onClose={() => setExporting(false)}
          onDone={(summary) => {
            setLastExport(summary);
            setChecked(new Map());
          }}
        />
      )}
    </Page>
  );
}
