//! Every path the Workday emulator serves, in ONE table, so that the
//! unconfirmed ones can be corrected in one place when real tenant
//! documentation is at hand (the client crate `reqlink-workday` keeps its
//! matching table in `paths.rs`).
//!
//! Confirmed by public client code (`shared/contracts.md` §4): the token
//! endpoint, `jobRequisitions` (`?status=Open`), `jobRequisitions/{id}`,
//! `jobPostings`, the `{data, total}` envelope with `limit`/`offset`.
//! Everything else is modelled in the same style and marked `confirmed:
//! false`.
//!
//! Conventions of the unconfirmed part:
//! - Lists: `limit` 1–100 (default 20; above 100 is a 400 naming `limit`),
//!   `offset` ≥ 0, response `{"total": n, "data": [...]}` in a stable order.
//! - Updated-since: `updatedFrom=<ISO 8601>` on `candidates` and
//!   `jobApplications`, inclusive, compared with each record's `updatedOn`.
//! - Writes name the acting worker in the JSON body as a reference,
//!   `"worker": {"id": "<worker WID>"}`; it must be an active worker (400
//!   naming `worker` otherwise). The emulator records each write, with that
//!   worker, in the write log (`SandboxControl::workday_writes`).
//! - Note body: `{"comment": text, "jobApplication"?: {"id"}, "worker"}`.
//! - Attachment body: `{"fileName", "contentType", "fileContent": base64,
//!   "category"?: {"descriptor"}, "jobApplication"?: {"id"}, "worker"}`;
//!   the bytes are stored exactly and served back by `…/content`.
//! - Move: `{"recruitingStage": {"id": "<stage WID of the application's
//!   requisition>"}, "worker"}`; a dispositioned or hired application
//!   cannot move (400 naming `jobApplication`).

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;

use super::{api, control, guard, tenant_only, WdError, WdState};

/// One served path. `path` is the full template as axum matches it.
#[derive(Debug, Clone, Copy)]
pub struct WorkdayRoute {
    pub method: &'static str,
    pub path: &'static str,
    /// Seen in public client code; `false` = modelled, awaiting confirmation.
    pub confirmed: bool,
    pub doc: &'static str,
    handler: Handler,
}

#[derive(Debug, Clone, Copy)]
enum Handler {
    ListRequisitions,
    GetRequisition,
    ListStages,
    ListPostings,
    GetPosting,
    ListCandidates,
    GetCandidate,
    ListApplications,
    GetApplication,
    MoveApplication,
    ListNotes,
    AddNote,
    ListAttachments,
    AddAttachment,
    AttachmentContent,
    ListWorkers,
    GetWorker,
}

macro_rules! route {
    ($method:literal, $suffix:literal, $confirmed:literal, $handler:ident, $doc:literal) => {
        WorkdayRoute {
            method: $method,
            path: concat!("/ccx/api/recruiting/v4/{tenant}", $suffix),
            confirmed: $confirmed,
            doc: $doc,
            handler: Handler::$handler,
        }
    };
}

/// The REST API. The token endpoint (`POST /ccx/oauth2/{tenant}/token`,
/// confirmed) and the sandbox control surface (`/_sandbox/workday/…`) are
/// mounted beside these in [`router`].
pub const WORKDAY_ROUTES: &[WorkdayRoute] = &[
    route!("GET", "/jobRequisitions", true, ListRequisitions,
        "?status=Open|Filled|Closed|Frozen, limit, offset"),
    route!("GET", "/jobRequisitions/{id}", true, GetRequisition, "one requisition"),
    route!("GET", "/jobRequisitions/{id}/recruitingStages", false, ListStages,
        "the requisition's recruiting stages in pipeline order (Assessment among them)"),
    route!("GET", "/jobPostings", true, ListPostings, "external postings of open requisitions"),
    route!("GET", "/jobPostings/{id}", false, GetPosting, "one posting"),
    route!("GET", "/candidates", false, ListCandidates, "?updatedFrom, limit, offset"),
    route!("GET", "/candidates/{id}", false, GetCandidate, "one candidate"),
    route!("GET", "/jobApplications", false, ListApplications,
        "?updatedFrom, jobRequisition, candidate, limit, offset"),
    route!("GET", "/jobApplications/{id}", false, GetApplication,
        "one application with its recruitingStage and step"),
    route!("POST", "/jobApplications/{id}/move", false, MoveApplication,
        "body {recruitingStage: {id}, worker: {id}}"),
    route!("GET", "/candidates/{id}/notes", false, ListNotes, "limit, offset"),
    route!("POST", "/candidates/{id}/notes", false, AddNote,
        "body {comment, jobApplication?: {id}, worker: {id}} -> 201"),
    route!("GET", "/candidates/{id}/attachments", false, ListAttachments, "limit, offset"),
    route!("POST", "/candidates/{id}/attachments", false, AddAttachment,
        "body {fileName, contentType, fileContent (base64), category?, jobApplication?, worker} -> 201"),
    route!("GET", "/candidates/{id}/attachments/{attachmentId}/content", false,
        AttachmentContent, "the stored bytes with their content type"),
    // Real tenants serve workers from the Common API
    // (`/ccx/api/v1/{tenant}/workers`, active workers only). Modelled here
    // under the recruiting base, with inactive workers flagged
    // `active: false` so a sync can disable departed users.
    route!("GET", "/workers", false, ListWorkers, "limit, offset; {id, workerId, descriptor, primaryWorkEmail, active}"),
    route!("GET", "/workers/{id}", false, GetWorker, "one worker"),
];

/// Largest request body accepted (a base64 attachment inflates by 4/3).
const MAX_BODY_BYTES: usize = 34 * 1024 * 1024;

/// Path template of the token endpoint (confirmed).
pub const TOKEN_PATH: &str = "/ccx/oauth2/{tenant}/token";
/// Path template of the user authorize page (confirmed).
pub const AUTHORIZE_PATH: &str = "/{tenant}/authorize";

pub(super) fn router(state: Arc<WdState>) -> Router {
    let mut api = Router::new();
    for r in WORKDAY_ROUTES {
        api = mount(api, r);
    }
    let api = api.route_layer(middleware::from_fn_with_state(state.clone(), guard));
    let oauth = state
        .auth
        .server
        .router(AUTHORIZE_PATH, TOKEN_PATH)
        .route_layer(middleware::from_fn_with_state(state.clone(), tenant_only));
    let oauth_control = state.auth.server.control_router("/_sandbox/workday/oauth");
    Router::new()
        .merge(api)
        .nest("/_sandbox/workday", control::router())
        .fallback(|| async { WdError::NotFound })
        // Base64 report PDFs exceed axum's 2 MB default; Workday's own
        // attachment cap is unconfirmed, 25 MB is a common tenant setting.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
        .merge(oauth)
        .merge(oauth_control)
}

fn mount(router: Router<Arc<WdState>>, r: &WorkdayRoute) -> Router<Arc<WdState>> {
    use Handler::*;
    let f = match r.method {
        "GET" => MethodFilter::GET,
        "POST" => MethodFilter::POST,
        other => panic!("unsupported method {other} in WORKDAY_ROUTES"),
    };
    let m: MethodRouter<Arc<WdState>> = match r.handler {
        ListRequisitions => on(f, api::list_requisitions),
        GetRequisition => on(f, api::get_requisition),
        ListStages => on(f, api::list_stages),
        ListPostings => on(f, api::list_postings),
        GetPosting => on(f, api::get_posting),
        ListCandidates => on(f, api::list_candidates),
        GetCandidate => on(f, api::get_candidate),
        ListApplications => on(f, api::list_applications),
        GetApplication => on(f, api::get_application),
        MoveApplication => on(f, api::move_application),
        ListNotes => on(f, api::list_notes),
        AddNote => on(f, api::add_note),
        ListAttachments => on(f, api::list_attachments),
        AddAttachment => on(f, api::add_attachment),
        AttachmentContent => on(f, api::attachment_content),
        ListWorkers => on(f, api::list_workers),
        GetWorker => on(f, api::get_worker),
    };
    router.route(r.path, m)
}
