//! Harvest v3: the same organisation behind OAuth bearer tokens and cursor
//! paging, kept thin over the v1 handlers and renderers.
//!
//! Tokens come from [`crate::oauth::OAuthServer`] mounted at
//! `/oauth/authorize` and `/oauth/token` (Greenhouse's
//! `auth.greenhouse.io/{authorize,token}`): authorization code for partner
//! apps, client credentials with `sub` for custom integrations; access
//! tokens live 1 h, refresh tokens 24 h. Writes act as the token's `sub`
//! (no `On-Behalf-Of`). Lists page by cursor (`cursor`).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use super::{cursor, writes, GhError, GhState, Pager};
use crate::data::Data;
use crate::oauth::{BearerError, OAuthServer, OAuthServerConfig};
use crate::rng::mix;

pub(crate) const AUTHORIZE_PATH: &str = "/oauth/authorize";
pub(crate) const TOKEN_PATH: &str = "/oauth/token";

pub(crate) struct V3State {
    pub oauth: Arc<OAuthServer>,
}

impl V3State {
    /// One confidential client registered for the sandbox organisation,
    /// allowed both grants; its users are the organisation's active users.
    pub(crate) fn new(seed: u64, data: &Data) -> Self {
        let mut config = OAuthServerConfig::new(
            "Greenhouse",
            format!(
                "gh_sandbox_{:012x}",
                mix(seed ^ 0x4748_4F41) & 0xFFFF_FFFF_FFFF
            ),
        );
        config.client_secret = Some(format!(
            "{:016x}{:016x}",
            mix(seed ^ 0x4748_5345_4352_4554),
            mix(seed ^ 0x4748_5345_4352_4555)
        ));
        config.allow_client_credentials = true;
        config.access_ttl = Duration::from_secs(3600);
        config.refresh_ttl = Some(Duration::from_secs(24 * 3600));
        config.subjects = data
            .users
            .iter()
            .filter(|u| !u.disabled)
            .map(|u| {
                (
                    u.id.to_string(),
                    format!("{} {}", u.first_name, u.last_name),
                )
            })
            .collect();
        Self {
            oauth: OAuthServer::new(config),
        }
    }
}

/// The raw bearer token (the rate limiter's key), if any.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

pub(crate) fn v3_error(status: StatusCode, message: &str) -> Response {
    super::message_response(status, message)
}

/// The token's `sub` (`None` for a client-credentials token without one).
pub(crate) fn check_bearer(
    st: &GhState,
    token: Option<&str>,
) -> Result<Option<String>, BearerError> {
    let header_value = token.map(|t| format!("Bearer {t}"));
    st.v3
        .oauth
        .check_bearer(header_value.as_deref())
        .map(|grant| grant.subject)
}

/// The 401 a v3 client answers by refreshing its token.
pub(crate) fn unauthorized(e: BearerError) -> Response {
    let mut resp = v3_error(StatusCode::UNAUTHORIZED, &format!("Unauthorized: {e}"));
    if let Ok(v) = HeaderValue::from_str(&e.www_authenticate("Greenhouse Harvest")) {
        resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    resp
}

/// `/v3/...` resources. Single records, stages, the activity feed and the
/// writes use the v1 handlers unchanged.
pub(crate) fn routes() -> Router<Arc<GhState>> {
    Router::new()
        .route("/v3/users", get(list_users))
        .route("/v3/users/{id}", get(super::get_user))
        .route("/v3/jobs", get(list_jobs))
        .route("/v3/jobs/{id}", get(super::get_job))
        .route("/v3/jobs/{id}/stages", get(super::job_stages))
        .route(
            "/v3/candidates",
            get(list_candidates).post(writes::create_candidate),
        )
        .route("/v3/candidates/{id}", get(super::get_candidate))
        .route(
            "/v3/candidates/{id}/activity_feed",
            get(writes::activity_feed),
        )
        .route(
            "/v3/candidates/{id}/activity_feed/notes",
            post(writes::add_note),
        )
        .route(
            "/v3/candidates/{id}/attachments",
            post(writes::add_candidate_attachment),
        )
        .route("/v3/prospects", post(writes::create_prospect))
        .route("/v3/applications", get(list_applications))
        .route("/v3/applications/{id}", get(super::get_application))
        .route(
            "/v3/applications/{id}/attachments",
            post(writes::add_application_attachment),
        )
        .route("/v3/applications/{id}/move", post(writes::move_application))
        .route(
            "/v3/applications/{id}/advance",
            post(writes::advance_application),
        )
}

type PageFn = fn(&GhState, &super::paging::QueryParams, &Pager<'_>) -> Result<Response, GhError>;

fn list(st: &GhState, path: &'static str, raw: Option<&str>, page: PageFn) -> Response {
    cursor::resolve(path, raw)
        .and_then(|(q, c)| page(st, &q, &Pager::V3(c)))
        .unwrap_or_else(IntoResponse::into_response)
}

async fn list_users(State(st): State<Arc<GhState>>, RawQuery(raw): RawQuery) -> Response {
    list(&st, "/v3/users", raw.as_deref(), super::users_page)
}

async fn list_jobs(State(st): State<Arc<GhState>>, RawQuery(raw): RawQuery) -> Response {
    list(&st, "/v3/jobs", raw.as_deref(), super::jobs_page)
}

async fn list_candidates(State(st): State<Arc<GhState>>, RawQuery(raw): RawQuery) -> Response {
    list(
        &st,
        "/v3/candidates",
        raw.as_deref(),
        super::candidates_page,
    )
}

async fn list_applications(State(st): State<Arc<GhState>>, RawQuery(raw): RawQuery) -> Response {
    list(
        &st,
        "/v3/applications",
        raw.as_deref(),
        super::applications_page,
    )
}
