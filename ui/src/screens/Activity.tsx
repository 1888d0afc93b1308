import type { ActivityLevel } from "../bindings";
import { EmptyState, ErrorBanner, Loading } from "../components/Feedback";
import { Icon, type IconName } from "../components/Icon";
import { Page } from "../components/Page";
import { RelativeTime } from "../components/Time";
import { useActivity } from "../queries";

const LEVEL_ICONS: Record<ActivityLevel, IconName> = { info: "info", warn: "alert", error: "error" };
const LEVEL_NAMES: Record<ActivityLevel, string> = { info: "Info", warn: "Warning", error: "Error" };

export function Activity() {
  const activity = useActivity();
  return (
    <Page screen="activity" title="Activity" subtitle="What Reqlink did in this workspace, newest first.">
      {activity.isError ? (
        <ErrorBanner error={activity.error} onRetry={() => void activity.refetch()} title="Could not load activity." />
      ) : activity.isPending ? (
        <Loading label="Loading activity…" />
      ) : activity.data.length === 0 ? (
        <EmptyState title="Nothing has happened yet.">
          Syncs, webhook deliveries and errors are recorded here as they happen. Run Sync now on Integrations to start.
        </EmptyState>
      ) : (
        <ol className="activity">
          {activity.data.map((a) => (
            <li key={a.id} className={`activity__item activity__item--${a.level}`} data-testid="activity-row">
              <span className="activity__icon" title={LEVEL_NAMES[a.level]}>
                <Icon name={LEVEL_ICONS[a.level]} />
                <span className="visually-hidden">{LEVEL_NAMES[a.level]}</span>
              </span>
              <span className="activity__time">
                <RelativeTime iso={a.at} />
              </span>
              <code className="tag activity__kind">{a.kind}</code>
              <span className="activity__message">{a.message}</span>
            </li>
          ))}
        </ol>
      )}
    </Page>
  );
}
