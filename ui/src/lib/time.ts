// Date formatting for ISO-8601 timestamps coming from the backend.
// Relative text for the eye ("3 min ago"), absolute text for hover titles.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Parses an ISO timestamp; `null` for missing or unparseable input. */
export function parseTime(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "Mar 4, 2025" (local time). */
export function formatDate(d: Date): string {
  return `${MONTHS[d.getMonth()]} ${d.getDate()}, ${d.getFullYear()}`;
}

/** "Mar 4, 2025, 14:05" (local time), for titles and tooltips. */
export function formatAbsolute(iso: string | null | undefined): string {
  const d = parseTime(iso);
  if (!d) return "";
  return `${formatDate(d)}, ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * "just now", "3 min ago", "2 h ago", "yesterday", "5 days ago", then a date.
 * Future times (clock skew) read "just now" when close, "in 3 min" otherwise.
 */
export function formatRelative(iso: string | null | undefined, now: Date = new Date()): string {
  const d = parseTime(iso);
  if (!d) return "never";
  const diff = now.getTime() - d.getTime();
  if (diff < 0) {
    const ahead = -diff;
    if (ahead < MINUTE) return "just now";
    if (ahead < HOUR) return `in ${Math.floor(ahead / MINUTE)} min`;
    if (ahead < DAY) return `in ${Math.floor(ahead / HOUR)} h`;
    return formatDate(d);
  }
  if (diff < 45_000) return "just now";
  if (diff < HOUR) return `${Math.max(1, Math.round(diff / MINUTE))} min ago`;
  if (diff < DAY) return `${Math.floor(diff / HOUR)} h ago`;
  const days = Math.floor(diff / DAY);
  if (days === 1) return "yesterday";
  if (days < 7) return `${days} days ago`;
  if (d.getFullYear() === now.getFullYear()) return `${MONTHS[d.getMonth()]} ${d.getDate()}`;
  return formatDate(d);
}
