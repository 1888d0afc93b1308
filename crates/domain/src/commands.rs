//! The desktop command list, declared once. Hosts expand it with their own
//! callback macro (the Tauri shell turns each entry into a command adapter);
//! `bindings::typescript` turns it into the UI's `Commands` interface. Adding
//! a command here is the only registration there is.

/// Calls `$callback! { name(req: Request) -> Response; ... }` with every
/// command. A command takes at most one argument, always named `req`.
#[macro_export]
macro_rules! with_commands {
    ($callback:ident) => {
        $callback! {
            app_status() -> $crate::AppStatus;
            list_connections() -> Vec<$crate::ConnectionView>;
            sync_now(req: $crate::SyncRequest) -> ();
            cancel_sync(req: $crate::ConnectionRequest) -> ();
            sync_settings() -> $crate::SyncSettings;
            set_sync_settings(req: $crate::SyncSettings) -> $crate::SyncSettings;
            integrations() -> Vec<$crate::IntegrationCard>;
            connect(req: $crate::ConnectRequest) -> $crate::ConnectionView;
            start_oauth(req: $crate::ConnectRequest) -> $crate::OAuthFlowView;
            oauth_flow(req: $crate::FlowRequest) -> $crate::OAuthFlowView;
            cancel_oauth(req: $crate::FlowRequest) -> ();
            disconnect(req: $crate::ConnectionRequest) -> ();
            run_checks(req: $crate::ConnectionRequest) -> Vec<$crate::CheckResult>;
            set_webhook_secret(req: $crate::WebhookSecretRequest) -> $crate::AtsWebhookView;
            list_jobs(req: $crate::JobQuery) -> $crate::JobPage;
            job_stages(req: $crate::JobStagesRequest) -> Vec<$crate::StageRow>;
            list_candidates(req: $crate::CandidateQuery) -> $crate::CandidatePage;
            list_agents() -> Vec<$crate::AgentView>;
            list_activity(req: $crate::ActivityQuery) -> Vec<$crate::ActivityEntry>;
            subscribe_all(req: $crate::PostingRequest) -> ();
            deactivate_webhook(req: $crate::WebhookRequest) -> ();
            receiver_status() -> $crate::ReceiverStatus;
            check_delivery(req: $crate::PostingRequest) -> $crate::DeliveryCheck;
            set_public_base_url(req: $crate::PublicUrlRequest) -> $crate::ReceiverStatus;
            list_deliveries(req: $crate::DeliveryQuery) -> Vec<$crate::DeliveryRow>;
            get_delivery(req: $crate::DeliveryRequest) -> $crate::DeliveryDetail;
            replay_delivery(req: $crate::DeliveryRequest) -> ();
            list_reports(req: $crate::ReportQuery) -> $crate::ReportPage;
            get_report(req: $crate::ReportRequest) -> $crate::ReportDetail;
            report_pdf(req: $crate::ReportRequest) -> $crate::ReportPdf;
            score_distribution() -> Vec<$crate::ScoreDistribution>;
            list_links(req: $crate::LinkQuery) -> Vec<$crate::LinkView>;
            preview_link(req: $crate::LinkRequest) -> Vec<$crate::LinkWarning>;
            save_link(req: $crate::LinkRequest) -> Vec<$crate::LinkView>;
            unlink(req: $crate::LinkIdRequest) -> ();
            test_link(req: $crate::LinkIdRequest) -> $crate::LinkTestResult;
            pipeline(req: $crate::LinkIdRequest) -> $crate::PipelineView;
            invite_now(req: $crate::InviteRequest) -> ();
            list_outbox(req: $crate::OutboxQuery) -> Vec<$crate::OutboxRow>;
            retry_outbox(req: $crate::OutboxRequest) -> ();
            discard_outbox(req: $crate::OutboxRequest) -> ();
            user_mappings(req: $crate::ConnectionRequest) -> $crate::UserMappingView;
            set_user_mapping(req: $crate::UserMappingRequest) -> $crate::UserMappingView;
            add_console_user(req: $crate::ConsoleUserRequest) -> $crate::ConsoleUser;
            export_candidates(req: $crate::ExportRequest) -> $crate::ExportSummary;
        }
    };
}
