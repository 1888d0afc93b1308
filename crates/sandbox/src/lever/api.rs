//! The `/v1` routes.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Multipart, Path, RawQuery, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::Router;
use base64::Engine;
use serde_json::{json, Value};

use super::model::{LeverData, StoredFile};
use super::ops::{self, NewOpportunity};
use super::render::{self, Expand};
use super::{json_response, LeverError, LeverState, LeverWrite};

pub(crate) const READ_SCOPES: &[&str] = &[
    "opportunities:read:admin",
    "postings:read:admin",
    "stages:read:admin",
    "users:read:admin",
    "archive_reasons:read:admin",
    "notes:read:admin",
    "files:read:admin",
];

const MAX_LIMIT: usize = 100;

pub(crate) fn routes(st: &Arc<LeverState>) -> Router<Arc<LeverState>> {
    // Room for the multipart framing around a file at the cap; anything
    // larger is refused before it is buffered.
    let file_limit = st.config.max_file_bytes + 64 * 1024;
    Router::new()
        .route(
            "/v1/opportunities",
            get(list_opportunities).post(create_opportunity),
        )
        .route("/v1/opportunities/{id}", get(get_opportunity))
        .route(
            "/v1/opportunities/{id}/notes",
            get(list_notes).post(add_note),
        )
        .route(
            "/v1/opportunities/{id}/files",
            get(list_files)
                .post(upload_file)
                .layer(DefaultBodyLimit::max(file_limit)),
        )
        .route(
            "/v1/opportunities/{id}/files/{file}/download",
            get(download_file),
        )
        .route("/v1/opportunities/{id}/stage", put(change_stage))
        .route("/v1/postings", get(list_postings))
        .route("/v1/postings/{id}", get(get_posting))
        .route("/v1/stages", get(list_stages))
        .route("/v1/users", get(list_users))
        .route("/v1/archive_reasons", get(list_archive_reasons))
        .fallback(|| async { LeverError::NotFound("Resource not found".into()) })
}

/// The OAuth scope a route needs: reads `<entity>:read:admin`, writes
/// `<entity>:write:admin`.
pub(crate) fn required_scope(method: &Method, path: &str) -> Option<String> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    if segs.first() != Some(&"v1") {
        return None;
    }
    let entity = match segs.as_slice() {
        [_, "opportunities", _, "notes"] => "notes",
        [_, "opportunities", _, "files", ..] => "files",
        [_, "opportunities", ..] => "opportunities",
        [_, e, ..] => e,
        _ => return None,
    };
    let access = if method == Method::GET {
        "read"
    } else {
        "write"
    };
    Some(format!("{entity}:{access}:admin"))
}

/// Query pairs in order, repeated keys kept (`expand=a&expand=b`).
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        Query(
            url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn ms(&self, key: &str) -> Result<Option<i64>, LeverError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v.trim().parse().map(Some).map_err(|_| {
                LeverError::bad(format!(
                    "Invalid value for {key}: expected a timestamp in milliseconds"
                ))
            }),
        }
    }

    fn limit(&self) -> Result<usize, LeverError> {
        match self.get("limit") {
            None => Ok(MAX_LIMIT),
            Some(v) => match v.trim().parse::<usize>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
                _ => Err(LeverError::bad(format!(
                    "Invalid value for limit: must be an integer between 1 and {MAX_LIMIT}"
                ))),
            },
        }
    }

    fn bool(&self, key: &str) -> Result<Option<bool>, LeverError> {
        match self.get(key) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(_) => Err(LeverError::bad(format!(
                "Invalid value for {key}: expected true or false"
            ))),
        }
    }
}

/// Offset tokens name the last record served, behind a kind prefix and
/// base64, so clients cannot (and need not) construct them.
fn encode_token(kind: &str, id: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{kind}.{id}"))
}

fn decode_token(kind: &str, token: &str) -> Option<String> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.trim())
        .ok()?;
    let raw = String::from_utf8(raw).ok()?;
    raw.strip_prefix(kind)?.strip_prefix('.').map(str::to_owned)
}

/// One page of `len` records: starts after the record the `offset` token
/// names, keeps those `keep` accepts, and looks one match further for
/// `hasNext`.
fn page(
    q: &Query,
    kind: &str,
    len: usize,
    locate: impl Fn(&str) -> Option<usize>,
    id_of: impl Fn(usize) -> String,
    keep: impl Fn(usize) -> bool,
    render: impl Fn(usize) -> Value,
) -> Result<Response, LeverError> {
    let limit = q.limit()?;
    let start = match q.get("offset") {
        None | Some("") => 0,
        Some(token) => {
            let id =
                decode_token(kind, token).ok_or_else(|| LeverError::bad("Invalid offset token"))?;
            locate(&id).ok_or_else(|| LeverError::bad("Invalid offset token"))? + 1
        }
    };
    let mut picked = Vec::with_capacity(limit);
    let mut has_next = false;
    for i in start..len {
        if !keep(i) {
            continue;
        }
        if picked.len() == limit {
            has_next = true;
            break;
        }
        picked.push(i);
    }
    let data: Vec<Value> = picked.iter().map(|&i| render(i)).collect();
    let mut body = json!({ "data": data, "hasNext": has_next });
    if has_next {
        let last = *picked.last().expect("a full page is not empty");
        body["next"] = json!(encode_token(kind, &id_of(last)));
    }
    Ok(json_response(StatusCode::OK, &body))
}

fn run(f: impl FnOnce() -> Result<Response, LeverError>) -> Response {
    f().unwrap_or_else(IntoResponse::into_response)
}

async fn list_opportunities(
    State(st): State<Arc<LeverState>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = Query::parse(raw.as_deref());
    run(|| {
        let updated_start = q.ms("updated_at_start")?;
        let updated_end = q.ms("updated_at_end")?;
        let created_start = q.ms("created_at_start")?;
        let created_end = q.ms("created_at_end")?;
        let archived = q.bool("archived")?;
        let expand = Expand::parse(q.all("expand"));
        let d = st.read();
        let postings: Vec<Option<usize>> =
            q.all("posting_id").map(|p| d.posting_index(p)).collect();
        let stages: Vec<Option<usize>> = q.all("stage_id").map(|s| d.stage_index(s)).collect();
        let contacts: Vec<&str> = q.all("contact_id").collect();
        let emails: Vec<&str> = q.all("email").collect();
        let tags: Vec<&str> = q.all("tag").collect();
        let origins: Vec<&str> = q.all("origin").collect();
        let keep = |i: usize| {
            let o = &d.opportunities[i];
            o.is_live()
                && updated_start.is_none_or(|t| o.updated_at >= t)
                && updated_end.is_none_or(|t| o.updated_at < t)
                && created_start.is_none_or(|t| o.created_at >= t)
                && created_end.is_none_or(|t| o.created_at < t)
                && archived.is_none_or(|a| o.archived.is_some() == a)
                && (postings.is_empty()
                    || o.application
                        .as_ref()
                        .is_some_and(|a| postings.contains(&Some(a.posting))))
                && (stages.is_empty() || stages.contains(&Some(o.stage)))
                && (contacts.is_empty() || contacts.contains(&o.contact.as_str()))
                && (emails.is_empty()
                    || o.emails
                        .iter()
                        .any(|e| emails.iter().any(|x| x.eq_ignore_ascii_case(e))))
                && (tags.is_empty() || o.tags.iter().any(|t| tags.contains(&t.as_str())))
                && (origins.is_empty() || origins.contains(&o.origin.as_str()))
        };
        page(
            &q,
            "opp",
            d.opportunities.len(),
            |id| d.index.get(id).copied(),
            |i| d.opportunities[i].id.clone(),
            keep,
            |i| render::opportunity(&d, &d.opportunities[i], expand),
        )
    })
}

fn live_opportunity(d: &LeverData, id: &str) -> Result<usize, LeverError> {
    d.opportunity(id)
        .ok_or_else(|| LeverError::NotFound(format!("Opportunity {id} not found")))
}

async fn get_opportunity(
    State(st): State<Arc<LeverState>>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = Query::parse(raw.as_deref());
    run(|| {
        let d = st.read();
        let i = live_opportunity(&d, &id)?;
        let body = render::opportunity(&d, &d.opportunities[i], Expand::parse(q.all("expand")));
        Ok(json_response(StatusCode::OK, &json!({ "data": body })))
    })
}

async fn list_postings(State(st): State<Arc<LeverState>>, RawQuery(raw): RawQuery) -> Response {
    let q = Query::parse(raw.as_deref());
    run(|| {
        let states: Vec<&str> = q.all("state").collect();
        if let Some(bad) = states.iter().find(|s| {
            ![
                "published",
                "internal",
                "closed",
                "draft",
                "pending",
                "rejected",
            ]
            .contains(s)
        }) {
            return Err(LeverError::bad(format!("Invalid value for state: {bad}")));
        }
        let d = st.read();
        page(
            &q,
            "post",
            d.postings.len(),
            |id| d.posting_index(id),
            |i| d.postings[i].id.clone(),
            |i| states.is_empty() || states.contains(&d.postings[i].state),
            |i| render::posting(&d, &d.postings[i]),
        )
    })
}

async fn get_posting(State(st): State<Arc<LeverState>>, Path(id): Path<String>) -> Response {
    run(|| {
        let d = st.read();
        let i = d
            .posting_index(&id)
            .ok_or_else(|| LeverError::NotFound(format!("Posting {id} not found")))?;
        Ok(json_response(
            StatusCode::OK,
            &json!({ "data": render::posting(&d, &d.postings[i]) }),
        ))
    })
}

async fn list_stages(State(st): State<Arc<LeverState>>, RawQuery(raw): RawQuery) -> Response {
    let q = Query::parse(raw.as_deref());
    run(|| {
        let d = st.read();
        page(
            &q,
            "stage",
            d.stages.len(),
            |id| d.stage_index(id),
            |i| d.stages[i].id.clone(),
            |_| true,
            |i| json!({ "id": d.stages[i].id, "text": d.stages[i].text }),
        )
    })
}

/// Deactivated users are only listed with `includeDeactivated=true`.
async fn list_users(State(st): State<Arc<LeverState>>, RawQuery(raw): RawQuery) -> Response {
    let q = Query::parse(raw.as_deref());
    run(|| {
        let include_deactivated = q.bool("includeDeactivated")?.unwrap_or(false);
        let email = q.get("email").map(str::to_ascii_lowercase);
        let d = st.read();
        page(
            &q,
            "user",
            d.users.len(),
            |id| d.user_index(id),
            |i| d.users[i].id.clone(),
            |i| {
                let u = &d.users[i];
                (include_deactivated || u.deactivated_at.is_none())
                    && email.as_ref().is_none_or(|e| u.email == *e)
            },
            |i| render::user(&d.users[i]),
        )
    })
}

async fn list_archive_reasons(
    State(st): State<Arc<LeverState>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = Query::parse(raw.as_deref());
    run(|| {
        let d = st.read();
        page(
            &q,
            "reason",
            d.archive_reasons.len(),
            |id| d.archive_reasons.iter().position(|r| r.id == id),
            |i| d.archive_reasons[i].id.clone(),
            |_| true,
            |i| {
                let r = &d.archive_reasons[i];
                json!({
                    "id": r.id,
                    "text": r.text,
                    "status": "active",
                    "type": if r.hired { "hired" } else { "non-hired" },
                })
            },
        )
    })
}

async fn list_notes(
    State(st): State<Arc<LeverState>>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = Query::parse(raw.as_deref());
    run(|| {
        let d = st.read();
        let o = &d.opportunities[live_opportunity(&d, &id)?];
        page(
            &q,
            "note",
            o.notes.len(),
            |nid| o.notes.iter().position(|n| n.id == nid),
            |i| o.notes[i].id.clone(),
            |_| true,
            |i| render::note(&d, &o.notes[i]),
        )
    })
}

async fn list_files(
    State(st): State<Arc<LeverState>>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = Query::parse(raw.as_deref());
    run(|| {
        let d = st.read();
        let o = &d.opportunities[live_opportunity(&d, &id)?];
        page(
            &q,
            "file",
            o.files.len(),
            |fid| o.files.iter().position(|f| f.id == fid),
            |i| o.files[i].id.clone(),
            |_| true,
            |i| render::file(&st.origin, o, &o.files[i]),
        )
    })
}

async fn download_file(
    State(st): State<Arc<LeverState>>,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    run(|| {
        let d = st.read();
        let o = &d.opportunities[live_opportunity(&d, &id)?];
        let f = o
            .files
            .iter()
            .find(|f| f.id == file)
            .ok_or_else(|| LeverError::NotFound(format!("File {file} not found")))?;
        let mut resp = Response::new(axum::body::Body::from(f.bytes.as_ref().clone()));
        if let Ok(v) = HeaderValue::from_str(&f.content_type) {
            resp.headers_mut().insert(header::CONTENT_TYPE, v);
        }
        Ok(resp)
    })
}

/// The `perform_as` user of a write: required, must exist and be active.
fn perform_as(d: &LeverData, q: &Query) -> Result<usize, LeverError> {
    let id = q
        .get("perform_as")
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| {
            LeverError::bad(
                "Missing required query parameter perform_as (the Lever user id to act as)",
            )
        })?;
    let u = d
        .user_index(id.trim())
        .ok_or_else(|| LeverError::bad(format!("perform_as: no user with id {id}")))?;
    if d.users[u].deactivated_at.is_some() {
        return Err(LeverError::Forbidden(format!(
            "perform_as: user {id} is deactivated and cannot perform actions"
        )));
    }
    Ok(u)
}

fn parse_json(body: &[u8]) -> Result<Value, LeverError> {
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| LeverError::bad(format!("Request body is not valid JSON: {e}")))?;
    if !v.is_object() {
        return Err(LeverError::bad("Request body must be a JSON object"));
    }
    Ok(v)
}

fn write_entry(
    endpoint: String,
    opportunity_id: &str,
    perform_as: &str,
    kind: &str,
    detail: Value,
    at: i64,
) -> LeverWrite {
    LeverWrite {
        seq: 0,
        at,
        endpoint,
        opportunity_id: opportunity_id.to_owned(),
        perform_as: perform_as.to_owned(),
        kind: kind.to_owned(),
        detail,
    }
}

async fn add_note(
    State(st): State<Arc<LeverState>>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    body: axum::body::Bytes,
) -> Response {
    let q = Query::parse(raw.as_deref());
    run(|| {
        let now = st.tick();
        let mut d = st.write();
        let user = perform_as(&d, &q)?;
        let i = live_opportunity(&d, &id)?;
        let v = parse_json(&body)?;
        let value = v
            .get("value")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| LeverError::bad("value is required and must be a non-empty string"))?
            .to_owned();
        let note_id = d.new_id();
        let o = &mut d.opportunities[i];
        o.notes.push(super::model::Note {
            id: note_id.clone(),
            value: value.clone(),
            user,
            created_at: now,
        });
        o.updated_at = now;
        o.last_interaction_at = now;
        let actor = d.users[user].id.clone();
        drop(d);
        st.log_write(write_entry(
            format!("POST /v1/opportunities/{id}/notes"),
            &id,
            &actor,
            "note",
            json!({ "noteId": note_id, "value": value }),
            now,
        ));
        Ok(json_response(
            StatusCode::CREATED,
            &json!({ "data": { "noteId": note_id } }),
        ))
    })
}

async fn upload_file(
    State(st): State<Arc<LeverState>>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let q = Query::parse(raw.as_deref());
    {
        let d = st.read();
        if let Err(e) = perform_as(&d, &q).and_then(|_| live_opportunity(&d, &id)) {
            return e.into_response();
        }
    }
    let cap = st.config.max_file_bytes;
    let too_large = || {
        LeverError::TooLarge(format!(
            "File is larger than the {} MB limit",
            cap / (1024 * 1024)
        ))
    };
    let mut multipart = match multipart {
        Ok(m) => m,
        Err(_) => {
            return LeverError::bad("Expected a multipart/form-data body with a file field")
                .into_response()
        }
    };
    let mut upload: Option<(String, String, Vec<u8>)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return too_large().into_response()
            }
            Err(e) => {
                return LeverError::bad(format!("Malformed multipart body: {e}")).into_response()
            }
        };
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("upload").to_owned();
        let content_type = field
            .content_type()
            .unwrap_or("application/octet-stream")
            .to_owned();
        match field.bytes().await {
            Ok(bytes) => upload = Some((name, content_type, bytes.to_vec())),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return too_large().into_response()
            }
            Err(e) => {
                return LeverError::bad(format!("Malformed multipart body: {e}")).into_response()
            }
        }
    }
    let Some((name, content_type, bytes)) = upload else {
        return LeverError::bad("Missing form field file").into_response();
    };
    if bytes.len() > cap {
        return too_large().into_response();
    }
    if bytes.is_empty() {
        return LeverError::bad("The uploaded file is empty").into_response();
    }
    run(|| {
        let now = st.tick();
        let mut d = st.write();
        // Re-checked under the write lock: the opportunity may have gone.
        let user = perform_as(&d, &q)?;
        let i = live_opportunity(&d, &id)?;
        let file_id = d.new_id();
        let size = bytes.len();
        let o = &mut d.opportunities[i];
        o.files.push(StoredFile {
            id: file_id.clone(),
            name: name.clone(),
            content_type,
            bytes: Arc::new(bytes),
            uploaded_at: now,
        });
        o.updated_at = now;
        o.last_interaction_at = now;
        let rendered = render::file(&st.origin, o, o.files.last().expect("just pushed"));
        let actor = d.users[user].id.clone();
        drop(d);
        st.log_write(write_entry(
            format!("POST /v1/opportunities/{id}/files"),
            &id,
            &actor,
            "file",
            json!({ "fileId": file_id, "name": name, "size": size }),
            now,
        ));
        Ok(json_response(
            StatusCode::CREATED,
            &json!({ "data": rendered }),
        ))
    })
}

async fn change_stage(
    State(st): State<Arc<LeverState>>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    body: axum::body::Bytes,
) -> Response {
    let q = Query::parse(raw.as_deref());
    run(|| {
        let (user, actor, stage) = {
            let d = st.read();
            let user = perform_as(&d, &q)?;
            live_opportunity(&d, &id)?;
            let v = parse_json(&body)?;
            let stage_id = v
                .get("stage")
                .and_then(Value::as_str)
                .ok_or_else(|| LeverError::bad("stage is required (a stage id)"))?;
            let stage = d
                .stage_index(stage_id)
                .ok_or_else(|| LeverError::bad(format!("Invalid stage: {stage_id}")))?;
            (user, d.users[user].id.clone(), stage)
        };
        let now = ops::change_stage(&st, &id, stage, Some(user))
            .map_err(|_| LeverError::NotFound(format!("Opportunity {id} not found")))?;
        let d = st.read();
        let stage_id = d.stages[stage].id.clone();
        let rendered = d
            .opportunity(&id)
            .map(|i| render::opportunity(&d, &d.opportunities[i], Expand::default()));
        drop(d);
        st.log_write(write_entry(
            format!("PUT /v1/opportunities/{id}/stage"),
            &id,
            &actor,
            "stage",
            json!({ "stage": stage_id }),
            now,
        ));
        Ok(json_response(StatusCode::OK, &json!({ "data": rendered })))
    })
}

const ORIGINS: &[&str] = &[
    "agency",
    "applied",
    "internal",
    "referred",
    "sourced",
    "university",
];

fn strings(v: &Value, key: &str) -> Result<Vec<String>, LeverError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| LeverError::bad(format!("{key} must be an array of strings")))
            })
            .collect(),
        Some(_) => Err(LeverError::bad(format!(
            "{key} must be an array of strings"
        ))),
    }
}

async fn create_opportunity(
    State(st): State<Arc<LeverState>>,
    RawQuery(raw): RawQuery,
    body: axum::body::Bytes,
) -> Response {
    let q = Query::parse(raw.as_deref());
    run(|| {
        let new = {
            let d = st.read();
            let user = perform_as(&d, &q)?;
            let v = parse_json(&body)?;
            let name = v
                .get("name")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| LeverError::bad("name is required"))?
                .to_owned();
            let postings = strings(&v, "postings")?;
            if postings.len() > 1 {
                return Err(LeverError::bad(
                    "postings: an opportunity can be on at most one posting",
                ));
            }
            let posting = match postings.first() {
                None => None,
                Some(p) => Some(
                    d.posting_index(p)
                        .ok_or_else(|| LeverError::bad(format!("postings: unknown posting {p}")))?,
                ),
            };
            let stage = match v.get("stage").and_then(Value::as_str) {
                None => super::model::STAGE_NEW_LEAD,
                Some(s) => d
                    .stage_index(s)
                    .ok_or_else(|| LeverError::bad(format!("Invalid stage: {s}")))?,
            };
            let origin = v
                .get("origin")
                .and_then(Value::as_str)
                .unwrap_or("sourced")
                .to_owned();
            if !ORIGINS.contains(&origin.as_str()) {
                return Err(LeverError::bad(format!(
                    "origin must be one of {}",
                    ORIGINS.join(", ")
                )));
            }
            let phones = match v.get("phones") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|p| {
                        p.get("value")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                            .ok_or_else(|| {
                                LeverError::bad("phones must be an array of {\"value\": \"...\"}")
                            })
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err(LeverError::bad("phones must be an array")),
            };
            NewOpportunity {
                name,
                headline: v
                    .get("headline")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                emails: strings(&v, "emails")?,
                phones,
                location: v
                    .get("location")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                tags: strings(&v, "tags")?,
                sources: strings(&v, "sources")?,
                origin,
                posting,
                stage,
                user,
            }
        };
        let actor_and_name = {
            let d = st.read();
            (d.users[new.user].id.clone(), new.name.clone())
        };
        let (opp_id, now) = ops::create(&st, new);
        let d = st.read();
        let i = d.opportunity(&opp_id).expect("just created");
        let rendered = render::opportunity(&d, &d.opportunities[i], Expand::default());
        drop(d);
        st.log_write(write_entry(
            "POST /v1/opportunities".to_owned(),
            &opp_id,
            &actor_and_name.0,
            "opportunity",
            json!({ "name": actor_and_name.1 }),
            now,
        ));
        Ok(json_response(
            StatusCode::CREATED,
            &json!({ "data": rendered }),
        ))
    })
}
