import type { ReactNode } from "react";

export type Tone = "green" | "grey" | "amber" | "red" | "blue" | "violet";

const STATUS_TONES: Record<string, Tone> = {
  open: "green",
  closed: "grey",
  draft: "amber",
  active: "blue",
  rejected: "red",
  hired: "green",
  completed: "green",
};

export function Badge({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge--${tone}`} title={title}>
      {children}
    </span>
  );
}

/** A job or application status from the ATS; unknown values still show. */
export function StatusBadge({ status }: { status: string | null }) {
  if (!status) return <span className="muted">—</span>;
  return <Badge tone={STATUS_TONES[status] ?? "grey"}>{status.charAt(0).toUpperCase() + status.slice(1)}</Badge>;
}

/** The tone of a 0-100 match score: strong, middling, weak. */
export function scoreTone(score: number): Tone {
  if (score >= 75) return "green";
  if (score >= 50) return "amber";
  return "red";
}

/** A 0-100 match score as a coloured pill; "—" when the platform sent none. */
export function ScorePill({ score, large }: { score: number | null; large?: boolean }) {
  if (score === null) {
    return (
      <span className="score-pill score-pill--none" title="No match score">
        —
      </span>
    );
  }
  const value = Math.round(score);
  return (
    <span className={`score-pill score-pill--${scoreTone(value)}${large ? " score-pill--large" : ""}`} title={`Match score ${value} of 100`}>
      {value}
    </span>
  );
}
