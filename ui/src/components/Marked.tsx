import { splitMatches, splitSnippet, type Segment } from "../lib/snippet";

function Segments({ segments }: { segments: Segment[] }) {
  return (
    <>
      {segments.map((s, i) => (s.hit ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}
    </>
  );
}

/** A `ReportRow.snippet` with its search hits in <mark>, as text. */
export function Snippet({ snippet, className }: { snippet: string; className?: string }) {
  return (
    <span className={className} data-testid="report-snippet">
      <Segments segments={splitSnippet(snippet)} />
    </span>
  );
}

/** `text` with occurrences of `term` in <mark>, as text. */
export function Marked({ text, term }: { text: string; term: string }) {
  return <Segments segments={splitMatches(text, term)} />;
}
