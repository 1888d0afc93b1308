// Words for connections and their syncs, shared by the Integrations cards.
import type { Provider, SyncStatus } from "../bindings";
import { formatCount } from "./format";

export const PROVIDER_NAMES: Record<Provider, string> = {
  greenhouse: "Greenhouse",
  lever: "Lever",
  workday: "Workday",
  interview_platform: "Interview platform",
};

const MINUTE = 60_000;

/**
 * "Token expires in 52 min" from an OAuth access-token expiry in unix
 * seconds.
 */
export function tokenExpiryText(expiresAt: number | null, now: Date): string | null {
  if (expiresAt === null) return null;
  const left = Number(expiresAt) * 1000 - now.getTime();
  if (left <= 0) return "Token expired; it is renewed on the next call";
  const minutes = Math.floor(left / MINUTE);
  if (minutes < 1) return "Token expires in less than a minute";
  if (minutes < 120) return `Token expires in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `Token expires in ${hours} h`;
  return `Token expires in ${Math.floor(hours / 24)} days`;
}

/** "Candidates 1,500 / 3,000", "Jobs 120", "Starting…". */
export function syncCountsText(sync: Pick<SyncStatus, "phase" | "done" | "total">): string {
  const phase = sync.phase ?? "starting";
  if (phase === "starting") return "Starting…";
  const what = phase.charAt(0).toUpperCase() + phase.slice(1).replace(/_/g, " ");
  const count = sync.total !== null ? `${formatCount(sync.done)} / ${formatCount(sync.total)}` : formatCount(sync.done);
  return `${what} ${count}`;
}
