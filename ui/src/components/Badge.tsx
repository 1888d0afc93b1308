import type { ReactNode } from "react";

export type Tone = "green" | "grey" | "amber" | "red" | "blue" | "violet";

const STATUS_TONES: Record<string, Tone> = {
  open: "green",
  closed: "grey",
  draft: "amber",
  active: "blue",
  rejected: "red",
  hired: "green",
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
