//! Generates `ui/src/bindings.ts`: every IPC type plus the `Commands`
//! interface, from the Rust declarations.

use ts_rs::{Config, TS};

use crate::*;

/// Where the committed bindings live, relative to the workspace root.
pub const BINDINGS_PATH: &str = "ui/src/bindings.ts";

macro_rules! declarations {
    ($cfg:expr, $($ty:ty),* $(,)?) => {
        vec![$(<$ty as TS>::decl($cfg)),*]
    };
}

macro_rules! command_signatures {
    ($( $name:ident ( $( $arg:ident : $argty:ty )? ) -> $ret:ty ; )*) => {
        |cfg: &Config| -> Vec<(&'static str, String)> {
            vec![$(
                (
                    stringify!($name),
                    format!(
                        "{}({}): Promise<{}>;",
                        stringify!($name),
                        { let args: [String; 0 $( + { let _ = stringify!($arg); 1 } )?] = [$( format!("{}: {}", stringify!($arg), <$argty as TS>::name(cfg)) )?]; args.join("") },
                        <$ret as TS>::name(cfg),
                    ),
                )
            ),*]
        }
    };
}

/// The full text of the bindings file.
pub fn typescript() -> String {
    let cfg = &Config::new();
    let decls = declarations!(
        cfg,
        ErrorCode,
        ApiError,
        WorkspaceKind,
        WorkspaceInfo,
        SyncState,
        SyncStatus,
        AppStatus,
        Provider,
        ConnectionState,
        EntityCounts,
        ConnectionView,
        SortDir,
        JobSort,
        JobQuery,
        JobRow,
        JobPage,
        JobStagesRequest,
        StageRow,
        CandidateSort,
        CandidateQuery,
        CandidateRow,
        CandidatePage,
        AgentView,
        WebhookTarget,
        WebhookView,
        ActivityLevel,
        ActivityEntry,
        ActivityQuery,
        SyncSummary,
        AppEvent,
        ReportSort,
        ReportQuery,
        ReportRow,
        ReportPage,
        ReportRequest,
        TranscriptLine,
        ScorecardItem,
        ReportDetail,
        ScoreBucket,
        ScoreDistribution,
        DeliveryStatus,
        DeliveryRow,
        DeliveryQuery,
        DeliveryRequest,
        DeliveryDetail,
        ReceiverStatus,
        PostingRequest,
        WebhookRequest,
        PublicUrlRequest,
        DeliveryCheck,
        ReportPdf,
        AuthKind,
        FieldSpec,
        AuthOption,
        IntegrationCard,
        ConnectRequest,
        OAuthFlowStatus,
        OAuthFlowView,
        FlowRequest,
        ConnectionRequest,
        SyncRequest,
        SyncSettings,
        CheckStatus,
        CheckResult,
        AtsWebhookView,
        WebhookSecretRequest,
        SecretStoreStatus,
        LinkSettings,
        LinkRequest,
        LinkWarningCode,
        LinkWarning,
        FunnelCounts,
        LinkView,
        StageName,
        LinkQuery,
        LinkIdRequest,
        LinkTestResult,
        InviteState,
        WriteKind,
        OutboxState,
        OutboxRow,
        OutboxQuery,
        OutboxRequest,
        InviteRequest,
        TimelineEntry,
        PipelineCandidate,
        PipelineView,
        ConsoleUser,
        AtsUserRow,
        UserMapping,
        UserMappingView,
        UserMappingRequest,
        ConsoleUserRequest,
        ExportRequest,
        ExportKind,
        ExportResult,
        ExportSummary,
        ExportMark,
    );
    let commands = with_commands!(command_signatures)(cfg);

    let mut out = String::from(
        "// Generated from crates/domain by `cargo run -p reqlink-domain --bin gen-bindings`.\n\
         // Do not edit: change the Rust types and regenerate.\n\n",
    );
    for decl in decls {
        out.push_str("export ");
        out.push_str(decl.trim());
        out.push_str("\n\n");
    }
    out.push_str(
        "/** Every desktop command; the Tauri backend and the test mock both implement it. */\n",
    );
    out.push_str("export interface Commands {\n");
    for (_, signature) in &commands {
        out.push_str("  ");
        out.push_str(signature);
        out.push('\n');
    }
    out.push_str("}\n\n");
    out.push_str("export const COMMAND_NAMES = [\n");
    for (name, _) in &commands {
        out.push_str(&format!("  \"{name}\",\n"));
    }
    out.push_str("] as const;\n\n");
    out.push_str("/** The window event channel carrying `AppEvent`s. */\n");
    out.push_str("export const EVENT_CHANNEL = \"reqlink://event\";\n\n");
    out.push_str("/** Delimiters of search hits inside `ReportRow.snippet`. */\n");
    out.push_str(&format!(
        "export const SNIPPET_OPEN = \"\\u{{{:04X}}}\";\nexport const SNIPPET_CLOSE = \"\\u{{{:04X}}}\";\n",
        SNIPPET_OPEN as u32, SNIPPET_CLOSE as u32
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_bindings_match_the_rust_types() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let path = root.join(BINDINGS_PATH);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == typescript(),
            "{} is out of date with the Rust IPC types; run `cargo run -p reqlink-domain --bin gen-bindings` and commit the result",
            path.display()
        );
    }

    #[test]
    fn every_command_appears_once() {
        let text = typescript();
        for name in ["app_status", "list_jobs", "list_candidates", "sync_now"] {
            assert_eq!(text.matches(&format!("  {name}(")).count(), 1, "{name}");
        }
        assert!(text.contains("list_jobs(req: JobQuery): Promise<JobPage>;"));
    }
}
