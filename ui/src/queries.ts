// Query keys and hooks over the Backend. Every key starts with the name of
// the command that fills it, so events can invalidate by entity.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ApiError, DeliveryCheck, DeliveryStatus, JobRow, ReceiverStatus } from "./bindings";
import { useBackend } from "./backend/context";

export const keys = {
  status: ["app_status"] as const,
  connections: ["list_connections"] as const,
  jobs: ["list_jobs"] as const,
  jobStages: (job: Pick<JobRow, "connection_id" | "id">) => ["job_stages", job.connection_id, job.id] as const,
  candidates: ["list_candidates"] as const,
  agents: ["list_agents"] as const,
  activity: ["list_activity"] as const,
  reports: ["list_reports"] as const,
  report: (interviewId: string) => ["get_report", interviewId] as const,
  reportPdf: (interviewId: string) => ["report_pdf", interviewId] as const,
  scoreDistribution: ["score_distribution"] as const,
  deliveries: ["list_deliveries"] as const,
  delivery: (id: string) => ["get_delivery", id] as const,
  receiver: ["receiver_status"] as const,
  syncTarget: ["ui", "sync_target"] as const,
};

export function useAppStatus() {
  const backend = useBackend();
  return useQuery({ queryKey: keys.status, queryFn: () => backend.app_status() });
}

export function useConnections() {
  const backend = useBackend();
  return useQuery({ queryKey: keys.connections, queryFn: () => backend.list_connections() });
}

export function useJobStages(job: JobRow | null) {
  const backend = useBackend();
  return useQuery({
    queryKey: job ? keys.jobStages(job) : ["job_stages", "none"],
    queryFn: () => backend.job_stages({ connection_id: job?.connection_id ?? "", job_id: job?.id ?? "" }),
    enabled: job !== null,
  });
}

export function useAgents() {
  const backend = useBackend();
  return useQuery({ queryKey: keys.agents, queryFn: () => backend.list_agents() });
}

export const ACTIVITY_LIMIT = 200;

export function useActivity() {
  const backend = useBackend();
  return useQuery({
    queryKey: keys.activity,
    queryFn: async () => {
      const rows = await backend.list_activity({ limit: ACTIVITY_LIMIT });
      // Newest first, whatever order the backend used.
      return [...rows].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    },
  });
}

/**
 * The connection a running sync reports progress for. `AppStatus.sync` has no
 * connection id, so events.ts keeps the one from the last sync_progress in
 * the query cache (a client-only entry: its queryFn just reads the cache).
 */
export function useSyncTarget(): string | null {
  const client = useQueryClient();
  return useQuery({
    queryKey: keys.syncTarget,
    queryFn: () => client.getQueryData<string | null>(keys.syncTarget) ?? null,
    initialData: null,
    staleTime: Infinity,
  }).data;
}

export function useSyncNow() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<null, ApiError>({
    mutationFn: () => backend.sync_now(),
    onSettled: () => client.invalidateQueries({ queryKey: keys.status }),
  });
}

export function useReport(interviewId: string) {
  const backend = useBackend();
  return useQuery({ queryKey: keys.report(interviewId), queryFn: () => backend.get_report({ interview_id: interviewId }) });
}

/**
 * The cached PDF of a report (base64), only asked for when `enabled` (the
 * report says it has one). A file can be a few MB, so an unused one leaves
 * the cache after a minute rather than the default five.
 */
export function useReportPdf(interviewId: string, enabled: boolean) {
  const backend = useBackend();
  return useQuery({
    queryKey: keys.reportPdf(interviewId),
    queryFn: () => backend.report_pdf({ interview_id: interviewId }),
    enabled,
    gcTime: 60_000,
  });
}

export function useScoreDistribution() {
  const backend = useBackend();
  return useQuery({ queryKey: keys.scoreDistribution, queryFn: () => backend.score_distribution() });
}

export function useReceiverStatus() {
  const backend = useBackend();
  return useQuery({ queryKey: keys.receiver, queryFn: () => backend.receiver_status() });
}

export function useSetPublicBaseUrl() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<ReceiverStatus, ApiError, string | null>({
    mutationFn: (url) => backend.set_public_base_url({ url }),
    onSuccess: (status) => {
      client.setQueryData(keys.receiver, status);
      // Which subscriptions point at this app depends on the public URL.
      void client.invalidateQueries({ queryKey: keys.agents });
    },
  });
}

export function useSubscribeAll() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<null, ApiError, string>({
    mutationFn: (postingId) => backend.subscribe_all({ posting_id: postingId }),
    onSettled: () => client.invalidateQueries({ queryKey: keys.agents }),
  });
}

export function useCheckDelivery() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<DeliveryCheck, ApiError, string>({
    mutationFn: (postingId) => backend.check_delivery({ posting_id: postingId }),
    onSettled: () => client.invalidateQueries({ queryKey: keys.agents }),
  });
}

export function useDeactivateWebhook() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<null, ApiError, string>({
    mutationFn: (webhookId) => backend.deactivate_webhook({ webhook_id: webhookId }),
    onSettled: () => client.invalidateQueries({ queryKey: keys.agents }),
  });
}

export const DELIVERY_LIMIT = 200;

export function useDeliveries(status: DeliveryStatus | null) {
  const backend = useBackend();
  return useQuery({
    queryKey: [...keys.deliveries, status],
    queryFn: () => backend.list_deliveries({ status, limit: DELIVERY_LIMIT }),
  });
}

export function useDelivery(id: string) {
  const backend = useBackend();
  return useQuery({ queryKey: keys.delivery(id), queryFn: () => backend.get_delivery({ id }) });
}

export function useReplayDelivery() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<null, ApiError, string>({
    mutationFn: (id) => backend.replay_delivery({ id }),
    onSettled: (_data, _error, id) =>
      Promise.all([
        client.invalidateQueries({ queryKey: keys.deliveries }),
        client.invalidateQueries({ queryKey: keys.delivery(id) }),
      ]),
  });
}
