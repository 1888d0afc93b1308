import { ErrorBanner, Loading } from "../components/Feedback";
import { Page } from "../components/Page";
import { useConnections, useIntegrations } from "../queries";
import { AtsCard } from "./integrations/AtsCard";
import { PlatformCard } from "./integrations/PlatformCard";
import { SyncSettingsForm } from "./integrations/SyncSettingsForm";

export function Integrations() {
  const cards = useIntegrations();
  const connections = useConnections();
  const ats = (cards.data ?? []).filter((c) => c.provider !== "interview_platform");
  const platformCard = (cards.data ?? []).find((c) => c.provider === "interview_platform");
  // The platform in use: the card names it (a real account wins over the sandbox's).
  const platforms = platformCard?.connection
    ? [platformCard.connection]
    : (connections.data ?? []).filter((c) => c.provider === "interview_platform");

  return (
    <Page screen="integrations" title="Integrations" subtitle="Where Reqlink reads requisitions and candidates, and where interview agents live.">
      <SyncSettingsForm />
      {cards.isError ? (
        <ErrorBanner error={cards.error} onRetry={() => void cards.refetch()} title="Could not load the integrations." />
      ) : cards.isPending ? (
        <Loading label="Loading integrations…" />
      ) : (
        <div className="cards">
          {ats.map((card) => (
            <AtsCard key={card.provider} card={card} />
          ))}
          {platforms.map((c) => (
            <PlatformCard key={c.id} connection={c} card={platformCard} />
          ))}
        </div>
      )}
      {connections.isError && (
        <ErrorBanner error={connections.error} onRetry={() => void connections.refetch()} title="Could not load the interview platform connection." />
      )}
    </Page>
  );
}
