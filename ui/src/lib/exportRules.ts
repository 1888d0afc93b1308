// What "Export to ATS" creates, in words, following the Headhuntr rules the
// core implements: Greenhouse makes a candidate on exactly one job and a
// prospect otherwise; Lever makes an opportunity on one posting, or a general
// opportunity on none. Lever opportunities start in "New Lead", source Reqlink.
import type { ExportKind, ExportSummary, Provider } from "../bindings";
import { PROVIDER_NAMES } from "./connection";
import { plural } from "./format";

/** The providers export supports. */
export function canExportTo(provider: Provider): boolean {
  return provider === "greenhouse" || provider === "lever";
}

export function exportKindFor(provider: Provider, jobCount: number): ExportKind {
  if (provider === "lever") return jobCount === 1 ? "opportunity" : "general_opportunity";
  return jobCount === 1 ? "candidate" : "prospect";
}

export const EXPORT_KIND_LABELS: Record<ExportKind, string> = {
  candidate: "Candidate",
  prospect: "Prospect",
  opportunity: "Opportunity",
  general_opportunity: "General opportunity",
};

/** One sentence: what each exported person becomes in the ATS. */
export function exportExplanation(provider: Provider, jobNames: string[]): string {
  const n = jobNames.length;
  if (provider === "lever") {
    return n === 1
      ? `Each person becomes a Lever opportunity on the posting “${jobNames[0] ?? ""}”, in the stage “New Lead”, with source “Reqlink”.`
      : "Each person becomes a general opportunity in Lever (on no posting), in the stage “New Lead”, with source “Reqlink”. Choose a posting to add them to it instead.";
  }
  if (n === 1) return `Each person becomes a Greenhouse candidate with an application on “${jobNames[0] ?? ""}”.`;
  if (n === 0) return "Each person becomes a Greenhouse prospect on no job. Choose exactly one job to add them as candidates instead.";
  return `Each person becomes a Greenhouse prospect on the ${n} selected jobs (several jobs always make a prospect). Choose exactly one job to add them as candidates instead.`;
}

/** "3 exported to Greenhouse · 1 failed · 1 already there". */
export function exportSummaryText(s: ExportSummary): string {
  const parts = [`${plural(s.succeeded, "candidate")} exported to ${PROVIDER_NAMES[s.provider]}`];
  if (s.failed > 0) parts.push(`${s.failed} failed`);
  if (s.skipped > 0) parts.push(`${s.skipped} already there`);
  return parts.join(" · ");
}
