import { formatAbsolute, formatRelative } from "../lib/time";
import { useNow } from "../lib/useNow";

/** "3 min ago", with the exact local time on hover. */
export function RelativeTime({ iso, empty = "—" }: { iso: string | null | undefined; empty?: string }) {
  const now = useNow();
  if (!iso) return <span className="muted">{empty}</span>;
  return (
    <time dateTime={iso} title={formatAbsolute(iso)}>
      {formatRelative(iso, now)}
    </time>
  );
}
