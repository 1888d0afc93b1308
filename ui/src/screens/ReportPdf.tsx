import { useEffect, useRef, useState } from "react";
import type { ReportRow } from "../bindings";
import { ErrorBanner, Loading } from "../components/Feedback";
import { Icon } from "../components/Icon";
import { base64ToBytes } from "../lib/base64";
import { formatCount, plural } from "../lib/format";
import { renderPdf } from "../lib/pdf";
import { useReportPdf } from "../queries";

/** 48213 -> "47 KB", 3_400_000 -> "3.2 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${formatCount(n)} B`;
  if (n < 1024 * 1024) return `${formatCount(Math.round(n / 1024))} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

type RenderState = { status: "rendering" } | { status: "done"; pages: number } | { status: "failed"; error: unknown };

/** A render failure as the `{code, message}` the error banner shows. */
function renderError(e: unknown) {
  return { code: "internal" as const, message: e instanceof Error ? e.message : String(e) };
}

/**
 * The pages of one PDF file, drawn by pdf.js into canvases. Mounted afresh
 * (by key) for every file and every retry, so its state starts clean.
 */
function PdfPages({ base64, size, onRetry }: { base64: string; size: number; onRetry: () => void }) {
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<RenderState>({ status: "rendering" });

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const stop = new AbortController();
    // Decoded per render: pdf.js takes the buffer over (and React's dev-mode
    // double effect would otherwise hand it a detached one).
    Promise.resolve()
      .then(() => renderPdf(base64ToBytes(base64), el, { signal: stop.signal }))
      .then(
        ({ pages }) => {
          if (!stop.signal.aborted) setState({ status: "done", pages });
        },
        (error: unknown) => {
          if (!stop.signal.aborted) setState({ status: "failed", error });
        },
      );
    return () => stop.abort();
  }, [base64]);

  return (
    <>
      <p className="pdf-viewer__meta" data-testid="pdf-meta">
        <Icon name="file" size={14} />
        {state.status === "done" ? <span data-testid="pdf-page-count">{plural(state.pages, "page")}</span> : null}
        <span className="muted">{formatBytes(size)} · cached for offline reading</span>
      </p>
      {state.status === "rendering" && <Loading label="Rendering PDF…" />}
      {state.status === "failed" && <ErrorBanner error={renderError(state.error)} onRetry={onRetry} title="Could not display this PDF." />}
      {/* pdf.js owns this element's children (the page canvases); React never renders into it. */}
      <div ref={host} className="pdf-pages" data-testid="pdf-pages" aria-label="PDF pages" role="group" />
    </>
  );
}

/** The report's own PDF, read from the local cache: works offline. */
export function ReportPdf({ row }: { row: ReportRow }) {
  const pdf = useReportPdf(row.interview_id, row.has_pdf);
  const [attempt, setAttempt] = useState(0);

  let body;
  if (!row.has_pdf) {
    body = (
      <p className="pdf-viewer__missing" data-testid="pdf-missing">
        <Icon name="file" size={16} />
        {row.pdf_problem ?? "PDF not downloaded yet — Reqlink fetches it automatically while online."}
      </p>
    );
  } else if (pdf.isError) {
    body = <ErrorBanner error={pdf.error} onRetry={() => void pdf.refetch()} title="Could not load the PDF." />;
  } else if (pdf.isPending) {
    body = <Loading label="Loading PDF…" />;
  } else {
    body = (
      <PdfPages
        key={`${pdf.dataUpdatedAt}:${attempt}`}
        base64={pdf.data.base64}
        size={pdf.data.size}
        onRetry={() => setAttempt((n) => n + 1)}
      />
    );
  }
  return (
    <section className="pdf-viewer" aria-label="PDF" data-testid="report-pdf">
      {body}
    </section>
  );
}
