import type { AgentView } from "../bindings";
import { Badge } from "../components/Badge";
import { EmptyState, ErrorBanner, Loading } from "../components/Feedback";
import { Page } from "../components/Page";
import { plural } from "../lib/format";
import { useAgents } from "../queries";

function AgentCard({ agent }: { agent: AgentView }) {
  return (
    <article className="card" data-testid="agent-card" aria-label={agent.title}>
      <header className="card__header card__header--compact">
        <div className="card__heading">
          <h2 className="card__title">
            {agent.title}
            {agent.archived && (
              <Badge tone="grey" title="Archived on the interview platform; it takes no new interviews">
                Archived
              </Badge>
            )}
          </h2>
          <p className="card__subtitle mono">{agent.posting_id}</p>
        </div>
        <span className="muted">{plural(agent.webhooks.length, "subscription")}</span>
      </header>
      {agent.webhooks.length === 0 ? (
        <p className="card__empty" data-testid="empty-state">
          No subscriptions for this agent yet.
        </p>
      ) : (
        <table className="simple-table">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Method</th>
              <th scope="col">URL</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {agent.webhooks.map((w) => (
              <tr key={w.webhook_id} data-testid="webhook-row">
                <td>
                  <code className="tag">{w.event_type}</code>
                </td>
                <td className="mono">{w.http_method}</td>
                <td className="mono truncate" title={w.url}>
                  {w.url}
                </td>
                <td>{w.is_active ? <Badge tone="green">Active</Badge> : <Badge tone="grey">Inactive</Badge>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </article>
  );
}

export function Webhooks() {
  const agents = useAgents();
  return (
    <Page
      screen="webhooks"
      title="Webhooks"
      subtitle="Interview agents on the interview platform, and the events each one sends to Reqlink."
    >
      {agents.isError ? (
        <ErrorBanner error={agents.error} onRetry={() => void agents.refetch()} title="Could not load interview agents." />
      ) : agents.isPending ? (
        <Loading label="Loading interview agents…" />
      ) : agents.data.length === 0 ? (
        <EmptyState title="No interview agents yet.">
          Agents are created on the interview platform. Once the platform is connected on Integrations, its agents and
          their webhook subscriptions show up here.
        </EmptyState>
      ) : (
        <div className="stack">
          {agents.data.map((a) => (
            <AgentCard key={a.posting_id} agent={a} />
          ))}
        </div>
      )}
    </Page>
  );
}
