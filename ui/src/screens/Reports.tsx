import { EmptyState } from "../components/Feedback";
import { Page } from "../components/Page";
import { useRouter } from "../router";

export function Reports() {
  const { navigate } = useRouter();
  return (
    <Page screen="reports" title="Reports" subtitle="Interview reports from your interview agents, per candidate and requisition.">
      <EmptyState
        title="No interview reports yet."
        action={
          <button type="button" className="btn" onClick={() => navigate("webhooks")}>
            Open Webhooks
          </button>
        }
      >
        A report appears here when an interview agent linked to a requisition finishes an interview and the platform
        sends <code>report_available</code>. Check on Webhooks that your agents are subscribed to that event.
      </EmptyState>
    </Page>
  );
}
