// Query keys and hooks over the Backend. Every key starts with the name of
// the command that fills it, so events can invalidate by entity.
import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import type {
  ApiError,
  AtsWebhookView,
  CheckResult,
  ConnectionView,
  ConnectRequest,
  ConsoleUser,
  ConsoleUserRequest,
  DeliveryCheck,
  DeliveryStatus,
  ExportRequest,
  ExportSummary,
  IntegrationCard,
  JobRow,
  LinkQuery,
  LinkRequest,
  LinkTestResult,
  LinkView,
  OAuthFlowView,
  OutboxQuery,
  ReceiverStatus,
  SyncSettings,
  UserMappingRequest,
  UserMappingView,
  WebhookSecretRequest,
} from "./bindings";
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
  integrations: ["integrations"] as const,
  syncSettings: ["sync_settings"] as const,
  oauthFlow: (flowId: string) => ["oauth_flow", flowId] as const,
  links: ["list_links"] as const,
  previewLink: ["preview_link"] as const,
  pipeline: (linkId: string) => ["pipeline", linkId] as const,
  outbox: ["list_outbox"] as const,
  userMappings: (connectionId: string) => ["user_mappings", connectionId] as const,
};

export function useAppStatus() {
  const backend = useBackend();
  return useQuery({ queryKey: keys.status, queryFn: () => backend.app_status() });
}

export function useConnections() {
  const backend = useBackend();
  return useQuery({ queryKey: keys.connections, queryFn: () => backend.list_connections() });
}

export function useJobStages(job: Pick<JobRow, "connection_id" | "id"> | null) {
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

/** What a new or renewed connection can change: the cards, the status bar and the lists. */
function refreshConnections(client: QueryClient) {
  return Promise.all([
    client.invalidateQueries({ queryKey: keys.integrations }),
    client.invalidateQueries({ queryKey: keys.connections }),
    client.invalidateQueries({ queryKey: keys.status }),
  ]);
}

export function useIntegrations() {
  const backend = useBackend();
  return useQuery({ queryKey: keys.integrations, queryFn: () => backend.integrations() });
}

/** Syncs one connection, or every connected ATS with `null`. */
export function useSyncNow() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<null, ApiError, string | null>({
    mutationFn: (connectionId) => backend.sync_now({ connection_id: connectionId }),
    onSettled: () => refreshConnections(client),
  });
}

export function useCancelSync() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<null, ApiError, string>({
    mutationFn: (connectionId) => backend.cancel_sync({ connection_id: connectionId }),
    onSettled: () => refreshConnections(client),
  });
}

export function useSyncSettings() {
  const backend = useBackend();
  return useQuery({ queryKey: keys.syncSettings, queryFn: () => backend.sync_settings() });
}

export function useSetSyncSettings() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<SyncSettings, ApiError, SyncSettings>({
    mutationFn: (settings) => backend.set_sync_settings(settings),
    onSuccess: (settings) => client.setQueryData(keys.syncSettings, settings),
  });
}

/** Connects with an API key, client credentials or a refresh token (validated by a test call). */
export function useConnect() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<ConnectionView, ApiError, ConnectRequest>({
    mutationFn: (req) => backend.connect(req),
    onSuccess: () => refreshConnections(client),
  });
}

/** Opens the system browser on the consent page; the flow's progress arrives as `oauth_flow` events. */
export function useStartOAuth() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<OAuthFlowView, ApiError, ConnectRequest>({
    mutationFn: (req) => backend.start_oauth(req),
    onSuccess: (flow) => client.setQueryData(keys.oauthFlow(flow.flow_id), flow),
  });
}

/** How often a waiting sign-in is polled, in case an event was missed. */
export const OAUTH_POLL_MS = 2_000;

export function useOAuthFlow(flowId: string | null) {
  const backend = useBackend();
  const client = useQueryClient();
  return useQuery({
    queryKey: flowId ? keys.oauthFlow(flowId) : ["oauth_flow", "none"],
    queryFn: async () => {
      const flow = await backend.oauth_flow({ flow_id: flowId ?? "" });
      if (flow.status === "succeeded") void refreshConnections(client);
      return flow;
    },
    enabled: flowId !== null,
    refetchInterval: (query) => (query.state.data?.status === "waiting" ? OAUTH_POLL_MS : false),
  });
}

export function useCancelOAuth() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<null, ApiError, string>({
    mutationFn: (flowId) => backend.cancel_oauth({ flow_id: flowId }),
    onSuccess: (_null, flowId) =>
      client.setQueryData<OAuthFlowView>(keys.oauthFlow(flowId), (f) => (f && f.status === "waiting" ? { ...f, status: "cancelled" } : f)),
  });
}

export function useDisconnect() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<null, ApiError, string>({
    mutationFn: (connectionId) => backend.disconnect({ connection_id: connectionId }),
    // The connection's jobs, candidates and stages are gone from every list.
    onSuccess: () => client.invalidateQueries(),
  });
}

export function useRunChecks() {
  const backend = useBackend();
  return useMutation<CheckResult[], ApiError, string>({
    mutationFn: (connectionId) => backend.run_checks({ connection_id: connectionId }),
  });
}

export function useSetWebhookSecret() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<AtsWebhookView, ApiError, WebhookSecretRequest>({
    mutationFn: (req) => backend.set_webhook_secret(req),
    onSuccess: (hook) => {
      client.setQueryData<IntegrationCard[]>(keys.integrations, (cards) =>
        cards?.map((c) => (c.connection?.id === hook.connection_id ? { ...c, webhook: hook } : c)),
      );
    },
  });
}

/** Up to `limit` jobs whose name matches `search`, for the job filter. */
export function useJobSearch(search: string, connectionId: string | null, enabled: boolean, limit = 20) {
  const backend = useBackend();
  return useQuery({
    queryKey: [...keys.jobs, "picker", { search, connectionId, limit }],
    queryFn: () =>
      backend.list_jobs({ search: search || null, connection_id: connectionId, status: null, sort: "name", dir: "asc", offset: 0, limit }),
    enabled,
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

/* ---- The recruiting loop ------------------------------------------------ */

/** What a link change can move: the links, the jobs' Agent column, pipelines and previews. */
function refreshLinks(client: QueryClient) {
  return Promise.all([
    client.invalidateQueries({ queryKey: keys.links }),
    client.invalidateQueries({ queryKey: keys.jobs }),
    client.invalidateQueries({ queryKey: ["pipeline"] }),
    client.invalidateQueries({ queryKey: keys.previewLink }),
    client.invalidateQueries({ queryKey: keys.outbox }),
  ]);
}

export function useLinks(query: LinkQuery, enabled = true) {
  const backend = useBackend();
  return useQuery({ queryKey: [...keys.links, query], queryFn: () => backend.list_links(query), enabled });
}

/** The warnings a link would have; `null` while there is nothing to ask about yet. */
export function usePreviewLink(req: LinkRequest | null) {
  const backend = useBackend();
  return useQuery({
    queryKey: [...keys.previewLink, req],
    queryFn: () => backend.preview_link(req as LinkRequest),
    enabled: req !== null,
    placeholderData: keepPreviousData,
  });
}

export function useSaveLink() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<LinkView[], ApiError, LinkRequest>({
    mutationFn: (req) => backend.save_link(req),
    onSuccess: () => refreshLinks(client),
  });
}

export function useUnlink() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<null, ApiError, string>({
    mutationFn: (linkId) => backend.unlink({ link_id: linkId }),
    onSuccess: () => refreshLinks(client),
  });
}

export function useTestLink() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<LinkTestResult, ApiError, string>({
    mutationFn: (linkId) => backend.test_link({ link_id: linkId }),
    onSettled: () => refreshLinks(client),
  });
}

export function usePipeline(linkId: string | null) {
  const backend = useBackend();
  return useQuery({
    queryKey: linkId ? keys.pipeline(linkId) : ["pipeline", "none"],
    queryFn: () => backend.pipeline({ link_id: linkId ?? "" }),
    enabled: linkId !== null,
  });
}

export function useInviteNow() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<null, ApiError, string>({
    mutationFn: (inviteId) => backend.invite_now({ invite_id: inviteId }),
    onSettled: () => refreshLinks(client),
  });
}

export function useOutbox(query: OutboxQuery) {
  const backend = useBackend();
  return useQuery({ queryKey: [...keys.outbox, query], queryFn: () => backend.list_outbox(query) });
}

export function useRetryOutbox() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<null, ApiError, string>({
    mutationFn: (id) => backend.retry_outbox({ id }),
    onSettled: () => refreshLinks(client),
  });
}

export function useDiscardOutbox() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<null, ApiError, string>({
    mutationFn: (id) => backend.discard_outbox({ id }),
    onSettled: () => refreshLinks(client),
  });
}

export function useUserMappings(connectionId: string) {
  const backend = useBackend();
  return useQuery({ queryKey: keys.userMappings(connectionId), queryFn: () => backend.user_mappings({ connection_id: connectionId }) });
}

export function useSetUserMapping() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<UserMappingView, ApiError, UserMappingRequest>({
    mutationFn: (req) => backend.set_user_mapping(req),
    onSuccess: (view) => {
      client.setQueryData(keys.userMappings(view.connection_id), view);
      // Whether a link may be saved depends on a mapped user.
      void client.invalidateQueries({ queryKey: keys.previewLink });
      void client.invalidateQueries({ queryKey: keys.links });
    },
  });
}

export function useAddConsoleUser() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<ConsoleUser, ApiError, ConsoleUserRequest>({
    mutationFn: (req) => backend.add_console_user(req),
    onSuccess: () => client.invalidateQueries({ queryKey: ["user_mappings"] }),
  });
}

export function useExportCandidates() {
  const backend = useBackend();
  const client = useQueryClient();
  return useMutation<ExportSummary, ApiError, ExportRequest>({
    mutationFn: (req) => backend.export_candidates(req),
    onSettled: () => client.invalidateQueries({ queryKey: keys.reports }),
  });
}
