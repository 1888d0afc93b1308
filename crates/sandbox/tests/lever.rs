//! Contract tests of the Lever emulator over real HTTP: auth, paging tokens,
//! filters, perform_as writes (JSON and multipart), scopes, the token
//! bucket, injected faults, signed webhooks and the control surface.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode as AxStatus;
use axum::Router;
use hmac::{Hmac, Mac};
use reqlink_sandbox::{LeverConfig, LeverFault, LeverRateLimit, Sandbox, SandboxConfig};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use sha2::Sha256;

fn config(lever: LeverConfig) -> SandboxConfig {
    SandboxConfig {
        jobs: 10,
        candidates: 120,
        applications: 170,
        rate_limit: None,
        lever,
        ..SandboxConfig::default()
    }
}

fn unlimited() -> LeverConfig {
    LeverConfig {
        rate_limit: None,
        webhook_retry_delays: vec![Duration::from_millis(20), Duration::from_millis(40)],
        ..LeverConfig::default()
    }
}

async fn start(lever: LeverConfig) -> Sandbox {
    Sandbox::start(config(lever)).await.expect("sandbox starts")
}

struct Api<'a> {
    sb: &'a Sandbox,
    http: Client,
    key: String,
}

impl<'a> Api<'a> {
    fn new(sb: &'a Sandbox) -> Self {
        Self {
            sb,
            http: Client::new(),
            key: sb.lever_api_key(),
        }
    }

    fn with_key(sb: &'a Sandbox, key: &str) -> Self {
        Self {
            sb,
            http: Client::new(),
            key: key.to_owned(),
        }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.sb.lever_base_url()))
            .basic_auth(&self.key, Some(""));
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request reaches the emulator");
        let status = resp.status();
        let text = resp.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    /// Every record of a list endpoint, following `next`.
    async fn all(&self, path: &str, limit: u32) -> Vec<Value> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut out = Vec::new();
        let mut offset: Option<String> = None;
        loop {
            let url = match &offset {
                None => format!("{path}{sep}limit={limit}"),
                Some(o) => format!("{path}{sep}limit={limit}&offset={o}"),
            };
            let (status, body) = self.get(&url).await;
            assert_eq!(status, StatusCode::OK, "{url}: {body}");
            out.extend(body["data"].as_array().expect("data array").iter().cloned());
            if body["hasNext"] == json!(true) {
                offset = Some(body["next"].as_str().expect("next token").to_owned());
            } else {
                assert!(body.get("next").is_none(), "no next on the last page");
                return out;
            }
        }
    }
}

fn code(body: &Value) -> &str {
    body["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn credentials_are_checked_with_lever_error_bodies() {
    let sb = start(unlimited()).await;
    let anon = Client::new()
        .get(format!("{}/opportunities", sb.lever_base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status(), StatusCode::UNAUTHORIZED);
    let body: Value = anon.json().await.unwrap();
    assert_eq!(code(&body), "UnauthorizedError");

    let (status, body) = Api::with_key(&sb, "nope").get("/users").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(code(&body), "UnauthorizedError");

    let bearer = Client::new()
        .get(format!("{}/users", sb.lever_base_url()))
        .bearer_auth("made-up")
        .send()
        .await
        .unwrap();
    assert_eq!(bearer.status(), StatusCode::UNAUTHORIZED);

    let (status, body) = Api::new(&sb).get("/users").await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn paging_walks_every_opportunity_once_with_opaque_tokens() {
    let sb = start(unlimited()).await;
    let api = Api::new(&sb);
    for bad in ["0", "101", "ten"] {
        let (status, body) = api.get(&format!("/opportunities?limit={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "limit={bad}");
        assert!(body["message"].as_str().unwrap().contains("limit"));
    }
    let (status, _) = api.get("/opportunities?offset=3").await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "page numbers are not tokens"
    );

    let all = api.all("/opportunities", 37).await;
    let expected = sb.control().lever_opportunity_ids();
    let ids: Vec<&str> = all.iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), expected.len());
    assert_eq!(ids, expected, "creation order, each once");
    assert!(ids.len() > 170, "applications plus general opportunities");

    let o = &all[0];
    for key in [
        "name",
        "contact",
        "emails",
        "phones",
        "stage",
        "stageChanges",
        "origin",
        "sources",
        "tags",
        "applications",
        "archived",
        "createdAt",
        "updatedAt",
    ] {
        assert!(o.get(key).is_some(), "opportunity lacks {key}: {o}");
    }
    assert!(o["createdAt"].is_i64(), "timestamps are ms numbers");
    assert!(
        all.iter().any(|o| o["applications"] == json!([])),
        "general opportunities exist"
    );
    assert!(all.iter().any(|o| o["archived"].is_object()));
}

#[tokio::test]
async fn a_token_stays_valid_when_records_change_under_it() {
    let sb = start(unlimited()).await;
    let api = Api::new(&sb);
    let (_, first) = api.get("/opportunities?limit=10").await;
    let next = first["next"].as_str().unwrap().to_owned();
    let served_last = first["data"][9]["id"].as_str().unwrap().to_owned();
    let expected_next = sb.control().lever_opportunity_ids()[10].clone();
    // Deleting the record the token names does not break the walk.
    sb.control().lever_delete(&served_last).unwrap();
    let (status, second) = api
        .get(&format!("/opportunities?limit=10&offset={next}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["data"][0]["id"].as_str().unwrap(), expected_next);
    let (_, again) = api
        .get(&format!("/opportunities?limit=10&offset={next}"))
        .await;
    assert_eq!(again["data"], second["data"], "same token, same page");
}

#[tokio::test]
async fn updated_at_start_and_posting_filters() {
    let sb = start(unlimited()).await;
    let api = Api::new(&sb);
    let all = api.all("/opportunities", 100).await;
    let newest = all
        .iter()
        .map(|o| o["updatedAt"].as_i64().unwrap())
        .max()
        .unwrap();
    let (_, none) = api
        .get(&format!("/opportunities?updated_at_start={}", newest + 1))
        .await;
    assert_eq!(none["data"], json!([]));

    let target = all[5]["id"].as_str().unwrap().to_owned();
    let (phone_screen, _) = sb
        .control()
        .lever_stages()
        .into_iter()
        .find(|(_, t)| t == "Phone screen")
        .unwrap();
    sb.control()
        .lever_move_stage(&target, &phone_screen)
        .unwrap();
    let (_, changed) = api
        .get(&format!("/opportunities?updated_at_start={}", newest + 1))
        .await;
    let ids: Vec<&str> = changed["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![target.as_str()]);
    assert_eq!(changed["data"][0]["stage"], json!(phone_screen));

    let (status, _) = api.get("/opportunities?updated_at_start=yesterday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let expanded = api.all("/opportunities?expand=applications", 100).await;
    let posting = expanded
        .iter()
        .find_map(|o| o["applications"][0]["posting"].as_str())
        .unwrap()
        .to_owned();
    let on_posting = api
        .all(&format!("/opportunities?posting_id={posting}"), 100)
        .await;
    let expected = expanded
        .iter()
        .filter(|o| o["applications"][0]["posting"] == json!(posting))
        .count();
    assert!(expected > 0);
    assert_eq!(on_posting.len(), expected);
}

#[tokio::test]
async fn postings_stages_users_and_archive_reasons() {
    let sb = start(unlimited()).await;
    let api = Api::new(&sb);
    let postings = api.all("/postings", 4).await;
    assert_eq!(postings.len(), 10);
    for p in &postings {
        assert!(
            ["published", "internal", "closed", "draft"].contains(&p["state"].as_str().unwrap())
        );
        assert!(p["categories"]["team"].is_string() && p["categories"]["location"].is_string());
        assert!(p["createdAt"].is_i64() && p["updatedAt"].is_i64());
    }
    let stages = api.all("/stages", 100).await;
    let names: Vec<&str> = stages.iter().map(|s| s["text"].as_str().unwrap()).collect();
    for expected in [
        "New lead",
        "Reached out",
        "Phone screen",
        "On-site",
        "Offer",
        "AI assessment",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    assert_eq!(stages[0]["id"], json!("lead-new"));

    let active = api.all("/users", 100).await;
    let everyone = api.all("/users?includeDeactivated=true", 100).await;
    assert_eq!(everyone.len(), sb.control().lever_user_count());
    assert!(active.iter().all(|u| u["deactivatedAt"].is_null()));
    if sb.control().lever_deactivated_user_id().is_some() {
        assert!(everyone.len() > active.len());
    }
    let reasons = api.all("/archive_reasons", 100).await;
    assert_eq!(
        reasons
            .iter()
            .filter(|r| r["type"] == json!("hired"))
            .count(),
        1
    );
}

#[tokio::test]
async fn writes_need_a_valid_active_perform_as_user() {
    let sb = start(unlimited()).await;
    let api = Api::new(&sb);
    let opp = sb.control().lever_opportunity_ids()[0].clone();
    let path = format!("/opportunities/{opp}/notes");
    let (status, body) = api
        .call(Method::POST, &path, Some(json!({"value": "hi"})))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"].as_str().unwrap().contains("perform_as"),
        "{body}"
    );
    let (status, _) = api
        .call(
            Method::POST,
            &format!("{path}?perform_as=not-a-user"),
            Some(json!({"value": "hi"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    if let Some(gone) = sb.control().lever_deactivated_user_id() {
        let (status, body) = api
            .call(
                Method::POST,
                &format!("{path}?perform_as={gone}"),
                Some(json!({"value": "hi"})),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    }
    assert!(sb.control().lever_writes().is_empty());
}

#[tokio::test]
async fn note_stage_and_create_are_applied_logged_and_bump_updated_at() {
    let sb = start(unlimited()).await;
    let api = Api::new(&sb);
    let me = sb.lever_user_id();
    let opp = sb.control().lever_opportunity_ids()[3].clone();
    let before = sb.control().lever_opportunity(&opp).unwrap()["updatedAt"]
        .as_i64()
        .unwrap();

    let (status, body) = api
        .call(
            Method::POST,
            &format!("/opportunities/{opp}/notes?perform_as={me}"),
            Some(json!({"value": "AI interview: strong systems design"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(body["data"]["noteId"].is_string());
    let (_, notes) = api.get(&format!("/opportunities/{opp}/notes")).await;
    assert_eq!(
        notes["data"][0]["fields"][0]["value"],
        json!("AI interview: strong systems design")
    );
    let after = sb.control().lever_opportunity(&opp).unwrap()["updatedAt"]
        .as_i64()
        .unwrap();
    assert!(after > before);

    let (status, _) = api
        .call(
            Method::POST,
            &format!("/opportunities/{opp}/notes?perform_as={me}"),
            Some(json!({"value": ""})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "empty note refused");

    let (on_site, _) = sb
        .control()
        .lever_stages()
        .into_iter()
        .find(|(_, t)| t == "On-site")
        .unwrap();
    let (status, body) = api
        .call(
            Method::PUT,
            &format!("/opportunities/{opp}/stage?perform_as={me}"),
            Some(json!({"stage": on_site})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"]["stage"], json!(on_site));
    let (status, _) = api
        .call(
            Method::PUT,
            &format!("/opportunities/{opp}/stage?perform_as={me}"),
            Some(json!({"stage": "nope"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = api
        .call(
            Method::PUT,
            &format!("/opportunities/missing/stage?perform_as={me}"),
            Some(json!({"stage": on_site})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A general opportunity (no posting) lands in New lead as sourced.
    let (status, body) = api
        .call(
            Method::POST,
            &format!("/opportunities?perform_as={me}"),
            Some(json!({"name": "Ada Park", "emails": ["ada.park@example.org"], "sources": ["Reqlink"], "origin": "sourced"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["data"]["stage"], json!("lead-new"));
    assert_eq!(body["data"]["applications"], json!([]));
    assert_eq!(body["data"]["sources"], json!(["Reqlink"]));
    let general = body["data"]["id"].as_str().unwrap().to_owned();

    // Same e-mail, on a posting: a second opportunity of the same contact.
    let posting = sb.control().lever_postings()[0].0.clone();
    let (status, body) = api
        .call(
            Method::POST,
            &format!("/opportunities?perform_as={me}"),
            Some(json!({"name": "Ada Park", "emails": ["ada.park@example.org"], "postings": [posting]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let on_posting = sb
        .control()
        .lever_opportunity(body["data"]["id"].as_str().unwrap())
        .unwrap();
    assert_eq!(on_posting["applications"][0]["posting"], json!(posting));
    assert_eq!(
        on_posting["contact"],
        sb.control().lever_opportunity(&general).unwrap()["contact"],
        "Lever dedupes contacts by e-mail"
    );

    let (status, _) = api
        .call(
            Method::POST,
            &format!("/opportunities?perform_as={me}"),
            Some(json!({"name": "Two Jobs", "postings": [posting, posting]})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "at most one posting");

    let kinds: Vec<String> = sb
        .control()
        .lever_writes()
        .iter()
        .map(|w| w.kind.clone())
        .collect();
    assert_eq!(kinds, ["note", "stage", "opportunity", "opportunity"]);
    assert!(sb
        .control()
        .lever_writes()
        .iter()
        .all(|w| w.perform_as == me));
}

#[tokio::test]
async fn multipart_files_are_stored_intact_and_capped() {
    let sb = start(LeverConfig {
        max_file_bytes: 4096,
        ..unlimited()
    })
    .await;
    let me = sb.lever_user_id();
    let opp = sb.control().lever_opportunity_ids()[1].clone();
    let url = format!(
        "{}/opportunities/{opp}/files?perform_as={me}",
        sb.lever_base_url()
    );
    let pdf: Vec<u8> = b"%PDF-1.4\n"
        .iter()
        .copied()
        .chain((0..3000u32).map(|i| (i * 7 % 256) as u8))
        .collect();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(pdf.clone())
            .file_name("report.pdf")
            .mime_str("application/pdf")
            .unwrap(),
    );
    let resp = Client::new()
        .post(&url)
        .basic_auth(sb.lever_api_key(), Some(""))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: Value = resp.json().await.unwrap();
    let file_id = body["data"]["id"].as_str().unwrap();
    assert_eq!(body["data"]["name"], json!("report.pdf"));
    assert_eq!(sb.control().lever_file_bytes(&opp, file_id).unwrap(), pdf);
    let (_, files) = Api::new(&sb)
        .get(&format!("/opportunities/{opp}/files"))
        .await;
    assert_eq!(files["data"][0]["size"], json!(pdf.len()));

    let big = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(vec![7u8; 5000]).file_name("big.pdf"),
    );
    let resp = Client::new()
        .post(&url)
        .basic_auth(sb.lever_api_key(), Some(""))
        .multipart(big)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let wrong_field = reqwest::multipart::Form::new().text("attachment", "x");
    let resp = Client::new()
        .post(&url)
        .basic_auth(sb.lever_api_key(), Some(""))
        .multipart(wrong_field)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_read_only_key_cannot_write() {
    let sb = start(unlimited()).await;
    let ro = Api::with_key(&sb, &sb.lever_read_only_api_key());
    let (status, _) = ro.get("/opportunities?limit=1").await;
    assert_eq!(status, StatusCode::OK);
    let opp = sb.control().lever_opportunity_ids()[0].clone();
    let (status, body) = ro
        .call(
            Method::POST,
            &format!(
                "/opportunities/{opp}/notes?perform_as={}",
                sb.lever_user_id()
            ),
            Some(json!({"value": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(code(&body), "ForbiddenError");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("notes:write:admin"));
}

#[tokio::test]
async fn the_token_bucket_allows_a_burst_then_answers_429_with_retry_after() {
    let sb = start(LeverConfig {
        rate_limit: Some(LeverRateLimit {
            per_second: 10.0,
            burst: 20,
        }),
        ..unlimited()
    })
    .await;
    let api = Api::new(&sb);
    let url = format!("{}/stages", sb.lever_base_url());
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..25 {
        let resp = api
            .http
            .get(&url)
            .basic_auth(&api.key, Some(""))
            .send()
            .await
            .unwrap();
        if resp.status() == StatusCode::TOO_MANY_REQUESTS {
            retry_after = resp
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
        }
        statuses.push(resp.status().as_u16());
    }
    assert!(statuses[..20].iter().all(|&s| s == 200), "{statuses:?}");
    assert!(statuses[20..].contains(&429), "{statuses:?}");
    assert_eq!(retry_after.as_deref(), Some("1"));

    sb.control().lever_set_rate_limit(None);
    assert_eq!(api.get("/stages").await.0, StatusCode::OK);
}

#[tokio::test]
async fn injected_faults_play_once_each() {
    let sb = start(unlimited()).await;
    let api = Api::new(&sb);
    let c = sb.control();
    c.lever_inject(LeverFault::Status(503), 2);
    assert_eq!(api.get("/stages").await.0, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(api.get("/stages").await.0, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(api.get("/stages").await.0, StatusCode::OK);

    c.lever_inject(LeverFault::Malformed, 1);
    let (status, body) = api.get("/stages").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_string(), "cut JSON does not parse: {body}");

    c.lever_inject(
        LeverFault::RateLimited {
            retry_after_secs: 7,
        },
        1,
    );
    let resp = api
        .http
        .get(format!("{}/stages", sb.lever_base_url()))
        .basic_auth(&api.key, Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(resp.headers()["retry-after"], "7");

    // A hung write still happens: the answer is what gets lost.
    c.lever_inject(LeverFault::Hang(Duration::from_millis(800)), 1);
    let opp = c.lever_opportunity_ids()[0].clone();
    let res = api
        .http
        .post(format!(
            "{}/opportunities/{opp}/notes?perform_as={}",
            sb.lever_base_url(),
            sb.lever_user_id()
        ))
        .basic_auth(&api.key, Some(""))
        .json(&json!({"value": "maybe"}))
        .timeout(Duration::from_millis(200))
        .send()
        .await;
    assert!(res.is_err_and(|e| e.is_timeout()));
    assert_eq!(c.lever_writes().len(), 1);
}

#[tokio::test]
async fn a_write_fault_skips_reads_and_the_cut_create_still_happens() {
    let sb = start(unlimited()).await;
    let api = Api::new(&sb);
    let c = sb.control();
    let me = sb.lever_user_id();
    c.lever_inject_writes(LeverFault::Malformed, 1);
    assert_eq!(api.get("/stages").await.0, StatusCode::OK, "reads pass");

    let create = json!({"name": "Cut Answer", "emails": ["cut.answer@example.org"], "sources": ["Reqlink"], "origin": "sourced"});
    let path = format!("/opportunities?perform_as={me}");
    let (status, body) = api.call(Method::POST, &path, Some(create)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.is_string(), "the answer is cut: {body}");
    // The opportunity exists all the same, and the e-mail filter (any
    // case) finds it with its source.
    let (status, found) = api.get("/opportunities?email=CUT.ANSWER@example.org").await;
    assert_eq!(status, StatusCode::OK, "{found}");
    let found = found["data"].as_array().unwrap().clone();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["sources"], json!(["Reqlink"]));
    let (_, none) = api.get("/opportunities?email=nobody@example.org").await;
    assert_eq!(none["data"], json!([]));

    // Played once: the next write is answered in full.
    let again = json!({"name": "Whole Answer", "emails": ["whole@example.org"]});
    let (status, body) = api.call(Method::POST, &path, Some(again)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let kinds: Vec<String> = c.lever_writes().into_iter().map(|w| w.kind).collect();
    assert_eq!(kinds, ["opportunity", "opportunity"]);
}

// ---------------------------------------------------------------------------
// Webhooks.

#[derive(Default)]
struct Inbox {
    bodies: Mutex<Vec<Value>>,
    /// Statuses to answer before 200.
    plan: Mutex<Vec<u16>>,
}

async fn receiver() -> (String, Arc<Inbox>) {
    async fn take(State(inbox): State<Arc<Inbox>>, body: axum::body::Bytes) -> AxStatus {
        inbox
            .bodies
            .lock()
            .unwrap()
            .push(serde_json::from_slice(&body).expect("JSON delivery"));
        let mut plan = inbox.plan.lock().unwrap();
        let status = if plan.is_empty() { 200 } else { plan.remove(0) };
        AxStatus::from_u16(status).unwrap()
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let inbox = Arc::new(Inbox::default());
    let app = Router::new().fallback(take).with_state(inbox.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/hooks/lever"), inbox)
}

async fn wait_for(inbox: &Inbox, n: usize) -> Vec<Value> {
    for _ in 0..200 {
        let got = inbox.bodies.lock().unwrap().clone();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "expected {n} deliveries, got {:?}",
        inbox.bodies.lock().unwrap()
    );
}

fn verify(signature_token: &str, body: &Value) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(signature_token.as_bytes()).unwrap();
    mac.update(body["token"].as_str().unwrap().as_bytes());
    mac.update(body["triggeredAt"].as_i64().unwrap().to_string().as_bytes());
    hex::encode(mac.finalize().into_bytes()) == body["signature"].as_str().unwrap()
}

#[tokio::test]
async fn stage_changes_are_delivered_signed_with_the_events_own_token() {
    let sb = start(unlimited()).await;
    let c = sb.control();
    let (url, inbox) = receiver().await;
    let stage_token = c
        .lever_register_webhook("candidateStageChange", &url)
        .unwrap();
    let hired_token = c.lever_register_webhook("candidateHired", &url).unwrap();
    assert_ne!(stage_token, hired_token);
    assert!(c.lever_register_webhook("candidateExploded", &url).is_err());

    let opp = c.lever_opportunity_ids()[2].clone();
    let from = c.lever_opportunity(&opp).unwrap()["stage"]
        .as_str()
        .unwrap()
        .to_owned();
    let to = c
        .lever_stages()
        .into_iter()
        .map(|s| s.0)
        .find(|s| *s != from)
        .unwrap();
    c.lever_move_stage(&opp, &to).unwrap();
    let got = wait_for(&inbox, 1).await;
    let d = &got[0];
    assert_eq!(d["event"], json!("candidateStageChange"));
    assert_eq!(d["data"]["opportunityId"], json!(opp));
    assert_eq!(d["data"]["fromStageId"], json!(from));
    assert_eq!(d["data"]["toStageId"], json!(to));
    assert!(d["data"]["contactId"].is_string());
    assert!(verify(&stage_token, d));
    assert!(
        !verify(&hired_token, d),
        "another event's token does not verify"
    );
}

#[tokio::test]
async fn failed_deliveries_are_retried_with_the_same_token() {
    let sb = start(unlimited()).await;
    let c = sb.control();
    let (url, inbox) = receiver().await;
    inbox.plan.lock().unwrap().extend([500, 502]);
    c.lever_register_webhook("candidateDeleted", &url).unwrap();
    let opp = c.lever_opportunity_ids()[0].clone();
    c.lever_delete(&opp).unwrap();
    let got = wait_for(&inbox, 3).await;
    assert_eq!(got[0], got[2], "a retry resends the same body");
    assert_eq!(got[0]["event"], json!("candidateDeleted"));
    // The emulator logs an attempt once its answer is read, a moment after
    // the receiver has the body.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while c.lever_deliveries().len() < 3 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let log = c.lever_deliveries();
    let statuses: Vec<Option<u16>> = log.iter().map(|d| d.status).collect();
    assert_eq!(statuses, [Some(500), Some(502), Some(200)]);
    assert!(!c.lever_opportunity_ids().contains(&opp));
}

#[tokio::test]
async fn hire_archive_create_and_ping_fire_their_events() {
    let sb = start(unlimited()).await;
    let c = sb.control();
    let (url, inbox) = receiver().await;
    for e in reqlink_sandbox::LEVER_EVENTS {
        c.lever_register_webhook(e, &url).unwrap();
    }
    let ids = c.lever_opportunity_ids();
    c.lever_hire(&ids[0]).unwrap();
    let got = wait_for(&inbox, 2).await;
    let events: HashSet<&str> = got.iter().map(|d| d["event"].as_str().unwrap()).collect();
    assert_eq!(
        events,
        HashSet::from(["candidateArchiveChange", "candidateHired"])
    );

    let posting = c.lever_postings()[0].0.clone();
    let created = c
        .lever_create(&reqlink_sandbox::LeverNewOpportunity {
            name: "Kim Lee".into(),
            email: Some("kim.lee@example.org".into()),
            posting_id: Some(posting.clone()),
            stage_id: None,
        })
        .unwrap();
    let got = wait_for(&inbox, 3).await;
    assert_eq!(got[2]["event"], json!("applicationCreated"));
    assert_eq!(got[2]["data"]["opportunityId"], json!(created));
    assert_eq!(got[2]["data"]["postingId"], json!(posting));

    c.lever_ping_webhook("candidateStageChange").unwrap();
    let got = wait_for(&inbox, 4).await;
    assert!(got[3]["data"].get("opportunityId").is_none());
    assert!(verify(
        &c.lever_signature_token("candidateStageChange").unwrap(),
        &got[3]
    ));
}

#[tokio::test]
async fn the_control_surface_works_over_http() {
    let sb = start(unlimited()).await;
    let http = Client::new();
    let ctl = |p: &str| format!("{}/_sandbox/lever{p}", sb.lever_origin());
    let info: Value = http
        .get(ctl(""))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["baseUrl"], json!(sb.lever_base_url()));

    let (url, inbox) = receiver().await;
    let reg: Value = http
        .post(ctl("/webhooks"))
        .json(&json!({"event": "candidateStageChange", "url": url}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = reg["signatureToken"].as_str().unwrap().to_owned();

    let opp = sb.control().lever_opportunity_ids()[4].clone();
    let resp = http
        .post(ctl(&format!("/opportunities/{opp}/stage")))
        .json(&json!({"stage": "offer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let got = wait_for(&inbox, 1).await;
    assert!(verify(&token, &got[0]));

    let resp = http
        .post(ctl("/opportunities/nope/hire"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    let resp = http
        .post(ctl("/faults"))
        .json(&json!({"kind": "status", "status": 500, "count": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        Api::new(&sb).get("/stages").await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );

    let created: Value = http
        .post(ctl("/opportunities"))
        .json(&json!({"name": "Sam Ortiz"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(sb
        .control()
        .lever_opportunity(created["id"].as_str().unwrap())
        .is_some());
    let writes: Value = http
        .get(ctl("/writes"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        writes["data"],
        json!([]),
        "control changes are not API writes"
    );
}

// ---------------------------------------------------------------------------
// OAuth.

async fn refresh(sb: &Sandbox, refresh_token: &str) -> (StatusCode, Value) {
    let resp = Client::new()
        .post(sb.lever_oauth_token_url())
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", &sb.lever_oauth_client_id()),
            ("client_secret", &sb.lever_oauth_client_secret()),
        ])
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap())
}

async fn bearer_get(sb: &Sandbox, token: &str, path: &str) -> reqwest::Response {
    Client::new()
        .get(format!("{}{path}", sb.lever_base_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn bearer_tokens_carry_scopes_expire_rotate_and_revoke() {
    let sb = start(unlimited()).await;
    let c = sb.control();
    let first = c.lever_mint_refresh_token(&["opportunities:read:admin", "offline_access"]);
    let (status, body) = refresh(&sb, &first).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let access = body["access_token"].as_str().unwrap().to_owned();
    let second = body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(first, second, "refresh tokens rotate");

    assert_eq!(
        bearer_get(&sb, &access, "/opportunities?limit=1")
            .await
            .status(),
        StatusCode::OK
    );
    let resp = bearer_get(&sb, &access, "/postings").await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN, "no postings scope");
    let body: Value = resp.json().await.unwrap();
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("postings:read:admin"));
    let opp = c.lever_opportunity_ids()[0].clone();
    let resp = Client::new()
        .post(format!(
            "{}/opportunities/{opp}/notes?perform_as={}",
            sb.lever_base_url(),
            sb.lever_user_id()
        ))
        .bearer_auth(&access)
        .json(&json!({"value": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::FORBIDDEN,
        "read scope cannot write"
    );

    c.lever_expire_access_tokens();
    let resp = bearer_get(&sb, &access, "/opportunities?limit=1").await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(resp.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains("invalid_token"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(code(&body), "UnauthorizedError");
    assert!(
        !body.to_string().contains(&access),
        "the token is never echoed"
    );

    let (status, body) = refresh(&sb, &second).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let fresh = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        bearer_get(&sb, &fresh, "/opportunities?limit=1")
            .await
            .status(),
        StatusCode::OK
    );

    c.lever_revoke_tokens();
    assert_eq!(
        bearer_get(&sb, &fresh, "/opportunities?limit=1")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let third = body["refresh_token"].as_str().unwrap().to_owned();
    let (status, body) = refresh(&sb, &third).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], json!("invalid_grant"));
}

#[tokio::test]
async fn the_authorize_page_requires_lever_audience() {
    let sb = start(unlimited()).await;
    let base = [
        ("client_id", sb.lever_oauth_client_id()),
        ("redirect_uri", "http://127.0.0.1:45678/callback".to_owned()),
        ("response_type", "code".to_owned()),
        ("state", "s1".to_owned()),
        (
            "scope",
            "opportunities:read:admin offline_access".to_owned(),
        ),
        (
            "code_challenge",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".to_owned(),
        ),
        ("code_challenge_method", "S256".to_owned()),
    ];
    let http = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let without = http
        .get(sb.lever_oauth_authorize_url())
        .query(&base)
        .send()
        .await
        .unwrap();
    let mut with = base.to_vec();
    with.push(("audience", sb.lever_oauth_audience().to_owned()));
    let ok = http
        .get(sb.lever_oauth_authorize_url())
        .query(&with)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK, "the consent page");
    assert!(ok.text().await.unwrap().contains("Lever"));
    assert_ne!(without.status(), StatusCode::OK, "audience is required");
}

#[tokio::test]
async fn the_real_30_mb_cap_accepts_30_mb_and_refuses_one_byte_more() {
    let sb = start(unlimited()).await;
    let opp = sb.control().lever_opportunity_ids()[0].clone();
    let url = format!(
        "{}/opportunities/{opp}/files?perform_as={}",
        sb.lever_base_url(),
        sb.lever_user_id()
    );
    let cap = 30 * 1024 * 1024;
    let mut statuses = Vec::new();
    for size in [cap, cap + 1] {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(vec![b'%'; size]).file_name("scan.pdf"),
        );
        let resp = Client::new()
            .post(&url)
            .basic_auth(sb.lever_api_key(), Some(""))
            .multipart(form)
            .send()
            .await
            .unwrap();
        statuses.push(resp.status());
    }
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::PAYLOAD_TOO_LARGE]
    );
}
