import { useEffect, useRef, useState, type ReactNode } from "react";
import type { ReportDetail, ScorecardItem, TranscriptLine } from "../bindings";
import { ScorePill, StatusBadge } from "../components/Badge";
import { ErrorBanner, Loading } from "../components/Feedback";
import { Icon } from "../components/Icon";
import { Marked } from "../components/Marked";
import { SearchBox, Segmented } from "../components/Page";
import { SanitizedHtml } from "../components/SanitizedHtml";
import { RelativeTime } from "../components/Time";
import { plural } from "../lib/format";
import { formatAbsolute } from "../lib/time";
import { useReport } from "../queries";
import { ReportPdf } from "./ReportPdf";

type Tab = "summary" | "pdf";
const TABS: readonly { value: Tab; label: string }[] = [
  { value: "summary", label: "Summary" },
  { value: "pdf", label: "PDF" },
];

/** Who said a transcript line: the platform writes "bot"/"user" or "Candidate". */
export function speakerLabel(speaker: string): string {
  const s = speaker.trim().toLowerCase();
  if (s === "bot" || s === "agent" || s === "assistant" || s === "interviewer" || s === "ai") return "Interviewer";
  if (s === "user" || s === "candidate") return "Candidate";
  return speaker.trim() || "Unknown";
}

function isInterviewer(speaker: string): boolean {
  return speakerLabel(speaker) === "Interviewer";
}

/** Only web links are clickable (the core already drops others; this keeps it so). */
function ExternalLink({ href, children }: { href: string | null; children: ReactNode }) {
  if (!href || !/^https?:\/\//i.test(href)) return null;
  return (
    <a className="ext-link" href={href} target="_blank" rel="noreferrer" title={href}>
      {children}
      <Icon name="external" size={12} />
    </a>
  );
}

function Section({ title, children, aside }: { title: string; children: ReactNode; aside?: ReactNode }) {
  return (
    <section className="rv-section" aria-label={title}>
      <h3 className="rv-section__title">
        {title}
        {aside && <span className="rv-section__aside">{aside}</span>}
      </h3>
      {children}
    </section>
  );
}

function TextList({ items, empty, tone, testId }: { items: string[]; empty: string; tone: "good" | "bad" | "plain"; testId: string }) {
  if (items.length === 0) return <p className="muted rv-empty">{empty}</p>;
  return (
    <ul className={`rv-list rv-list--${tone}`} data-testid={testId}>
      {items.map((t, i) => (
        <li key={i}>{t}</li>
      ))}
    </ul>
  );
}

function QuestionScore({ item }: { item: ScorecardItem }) {
  if (item.not_scored || item.evaluation_score === null) return <span className="sc-score sc-score--none">Not scored</span>;
  const score = item.evaluation_score;
  const tone = score >= 7 ? "green" : score >= 5 ? "amber" : "red";
  return (
    <span className={`sc-score sc-score--${tone}`} title={`Scored ${score} of 10`}>
      <strong>{score}</strong>/10
    </span>
  );
}

function Timestamp({ line, onJump }: { line: Pick<TranscriptLine, "timestamp" | "timestamp_str">; onJump: (ts: number) => void }) {
  return (
    <button type="button" className="ts" title="Show in transcript" onClick={() => onJump(line.timestamp)}>
      {line.timestamp_str || `${line.timestamp}s`}
    </button>
  );
}

function Scorecard({ items, onJump }: { items: ScorecardItem[]; onJump: (ts: number) => void }) {
  if (items.length === 0) return <p className="muted rv-empty">The platform sent no per-question scores.</p>;
  return (
    <ol className="scorecard">
      {items.map((q, i) => (
        <li key={q.question_id || i} className="sc-item" data-testid="scorecard-item">
          <header className="sc-item__head">
            <span className="sc-rank">{q.rank ?? i + 1}</span>
            <h4 className="sc-question">{q.question}</h4>
            <QuestionScore item={q} />
          </header>
          <p className="sc-meta">
            {q.score_weight !== null && <span>Weight {q.score_weight}</span>}
            {q.preview_timestamp !== null && (
              <span>
                Starts at <Timestamp line={{ timestamp: q.preview_timestamp, timestamp_str: mmss(q.preview_timestamp) }} onJump={onJump} />
              </span>
            )}
          </p>
          {q.evaluation_summary && <p className="sc-summary">{q.evaluation_summary}</p>}
          <dl className="sc-rubric">
            <dt>Criteria</dt>
            <dd>{q.evaluation_criteria || "—"}</dd>
            <dt>Score 1 looks like</dt>
            <dd>{q.score_of_1 || "—"}</dd>
            <dt>Score 5 looks like</dt>
            <dd>{q.score_of_5 || "—"}</dd>
          </dl>
          {q.excerpts.length > 0 && (
            <ul className="sc-excerpts" aria-label="Transcript excerpts">
              {q.excerpts.map((e, k) => (
                <li key={k}>
                  <Timestamp line={e} onJump={onJump} />
                  <span className="sc-excerpts__speaker">{speakerLabel(e.speaker)}</span>
                  <span className="sc-excerpts__text">{e.text}</span>
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}

function mmss(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
  return `${pad(Math.floor(s / 60))}:${pad(s % 60)}`;
}

function Communication({ report }: { report: ReportDetail }) {
  const score = report.speech_score;
  return (
    <dl className="facts facts--inline" data-testid="communication">
      <dt>Speech score</dt>
      <dd>{score === null ? <span className="muted">Not available</span> : score < 0 ? <span className="muted">Not scored</span> : Math.round(score)}</dd>
      <dt>Evaluations</dt>
      <dd>{report.communication_evaluations > 0 ? plural(report.communication_evaluations, "evaluation") : <span className="muted">None</span>}</dd>
    </dl>
  );
}

function Transcript({ lines, filter, onFilter, focus }: {
  lines: TranscriptLine[];
  filter: string;
  onFilter: (v: string) => void;
  focus: { index: number; seq: number } | null;
}) {
  const list = useRef<HTMLOListElement>(null);
  const needle = filter.trim().toLowerCase();
  const shown = lines
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => !needle || line.text.toLowerCase().includes(needle) || speakerLabel(line.speaker).toLowerCase().includes(needle));

  useEffect(() => {
    if (!focus) return;
    const el = list.current?.querySelector<HTMLElement>(`[data-index="${focus.index}"]`);
    el?.scrollIntoView?.({ block: "center", behavior: "smooth" });
  }, [focus]);

  return (
    <aside className="transcript" aria-label="Transcript">
      <header className="transcript__head">
        <h3 className="rv-section__title">
          Transcript
          <span className="rv-section__aside">{needle ? `${shown.length} of ${plural(lines.length, "line")}` : plural(lines.length, "line")}</span>
        </h3>
        <SearchBox value={filter} onChange={onFilter} label="Filter transcript" placeholder="Filter transcript" />
      </header>
      {lines.length === 0 ? (
        <p className="muted rv-empty">The platform sent no transcript for this interview.</p>
      ) : shown.length === 0 ? (
        <p className="muted rv-empty">No line mentions “{filter.trim()}”.</p>
      ) : (
        <ol className="transcript__lines" ref={list}>
          {shown.map(({ line, index }) => (
            <li
              key={index}
              data-index={index}
              data-testid="transcript-line"
              className={`tl${isInterviewer(line.speaker) ? " tl--bot" : " tl--user"}${focus?.index === index ? " tl--focus" : ""}`}
            >
              <span className="tl__meta">
                <span className="tl__time">{line.timestamp_str || mmss(line.timestamp)}</span>
                <span className="tl__speaker">{speakerLabel(line.speaker)}</span>
              </span>
              <p className="tl__text">
                <Marked text={line.text} term={needle} />
              </p>
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}

function ReportBody({ report }: { report: ReportDetail }) {
  const { row } = report;
  const [filter, setFilter] = useState("");
  const [focus, setFocus] = useState<{ index: number; seq: number } | null>(null);
  const [tab, setTab] = useState<Tab>("summary");

  function jump(ts: number) {
    const lines = report.transcript;
    if (lines.length === 0) return;
    let index = lines.findIndex((l) => l.timestamp >= ts);
    if (index < 0) index = lines.length - 1;
    setFilter("");
    setFocus((f) => ({ index, seq: (f?.seq ?? 0) + 1 }));
  }

  return (
    <>
      <header className="rv-head">
        <div className="rv-head__who">
          <h2 className="rv-head__name">{row.candidate_name ?? "Unnamed candidate"}</h2>
          <p className="rv-head__line">
            {row.candidate_email ?? "No email"}
            {report.company_name && <span> · {report.company_name}</span>}
          </p>
          <p className="rv-head__line">
            <span className="muted">Agent</span> {row.posting_title ?? <span className="mono">{row.posting_id}</span>}
          </p>
        </div>
        <dl className="rv-head__facts">
          <dt>Interviewed</dt>
          <dd title={formatAbsolute(row.interviewed_at)}>{row.interviewed_at ? formatAbsolute(row.interviewed_at) : "—"}</dd>
          <dt>Reported</dt>
          <dd>
            {formatAbsolute(row.reported_at)} (<RelativeTime iso={row.reported_at} />)
          </dd>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={row.status} />
          </dd>
          <dt>PDF</dt>
          <dd className={row.has_pdf ? "pdf-note pdf-note--cached" : "pdf-note"} data-testid="pdf-state">
            <Icon name="file" size={14} />
            {row.has_pdf ? "PDF cached for offline reading" : (row.pdf_problem ?? "PDF not downloaded yet")}
          </dd>
        </dl>
        <div className="rv-head__score">
          <ScorePill score={row.match_score} large />
          <span className="muted">match score</span>
        </div>
      </header>
      {(report.audio_recording_link || report.video_recording_link || report.report_url) && (
        <nav className="rv-links" aria-label="Recordings and report">
          <ExternalLink href={report.audio_recording_link}>Audio recording</ExternalLink>
          <ExternalLink href={report.video_recording_link}>Video recording</ExternalLink>
          <ExternalLink href={report.report_url}>Report on the interview platform</ExternalLink>
        </nav>
      )}
      <div className="rv-body">
        <div className="rv-main">
          <div className="rv-tabs">
            <Segmented value={tab} options={TABS} onChange={setTab} label="Show" />
          </div>
          {tab === "pdf" ? (
            <ReportPdf row={row} />
          ) : (
            <>
              <div className="rv-columns">
                <Section title="Highlights">
                  <TextList items={report.highlights} empty="No highlights." tone="good" testId="highlights" />
                </Section>
                <Section title="Lowlights">
                  <TextList items={report.lowlights} empty="No lowlights." tone="bad" testId="lowlights" />
                </Section>
              </div>
              <Section title="Match details">
                <TextList items={report.match_details} empty="No match details." tone="plain" testId="match-details" />
                {report.tags.length > 0 && (
                  <ul className="tag-list" aria-label="Tags">
                    {report.tags.map((t, i) => (
                      <li key={i} className="tag">
                        {t}
                      </li>
                    ))}
                  </ul>
                )}
              </Section>
              <Section title="Scorecard" aside={plural(report.scorecard.length, "question")}>
                <Scorecard items={report.scorecard} onJump={jump} />
              </Section>
              <Section title="Communication">
                <Communication report={report} />
              </Section>
              <Section title="Posting description">
                {report.posting_description_html ? (
                  <SanitizedHtml html={report.posting_description_html} className="rich-text" testId="posting-description" />
                ) : (
                  <p className="muted rv-empty" data-testid="posting-description">
                    The platform sent no posting description.
                  </p>
                )}
              </Section>
            </>
          )}
        </div>
        <Transcript lines={report.transcript} filter={filter} onFilter={setFilter} focus={focus} />
      </div>
    </>
  );
}

export function ReportView({ interviewId, onBack }: { interviewId: string; onBack: () => void }) {
  const report = useReport(interviewId);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onBack();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onBack]);

  return (
    <div className="report-view" data-testid="report-view">
      <div className="rv-bar">
        <button type="button" className="btn btn--small" onClick={onBack}>
          <Icon name="back" size={14} />
          Back to reports
        </button>
        <span className="mono muted">Interview {interviewId}</span>
      </div>
      {report.isError ? (
        <ErrorBanner error={report.error} onRetry={() => void report.refetch()} title="Could not open this report." />
      ) : report.isPending ? (
        <Loading label="Loading report…" />
      ) : (
        <ReportBody report={report.data} />
      )}
    </div>
  );
}
