import type { MouseEvent } from "react";

/**
 * The one place the UI renders HTML: fields the Rust core has already
 * sanitized (today only `ReportDetail.posting_description_html`, cleaned by
 * ammonia in crates/app/src/reports.rs: no scripts, handlers, styles or
 * images; links limited to http(s)/mailto). Never pass anything else here;
 * everything else is rendered as React text.
 */
export function SanitizedHtml({ html, className, testId }: { html: string; className?: string; testId?: string }) {
  // A link inside must not navigate the app window away: open it outside.
  function onClick(e: MouseEvent<HTMLDivElement>) {
    const link = (e.target as Element).closest("a[href]");
    if (!link) return;
    e.preventDefault();
    const href = link.getAttribute("href") ?? "";
    if (/^(https?:|mailto:)/i.test(href)) window.open(href, "_blank", "noopener,noreferrer");
  }
  return (
    <div
      className={className}
      data-testid={testId}
      onClick={onClick}
      // eslint-disable-next-line no-restricted-syntax -- sanitized by ammonia in crates/app/src/reports.rs (sanitize_html) before it reaches the window
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
