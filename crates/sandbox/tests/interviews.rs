//! The platform emulator plays interviews: ingestion over the real v2 API,
//! webhook deliveries to a receiver running in the test (over real HTTP),
//! payload shapes checked key by key against the tables of
//! `shared/seeds/heymilo-webhooks-api.txt`, the results endpoint, the PDF
//! report, retries, determinism.

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use reqlink_sandbox::{Sandbox, SandboxConfig, SandboxError};
use reqwest::Client;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// A webhook receiver that records every request.

#[derive(Debug, Clone)]
struct Received {
    method: Method,
    path: String,
    content_type: Option<String>,
    body: Bytes,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{} {} sent a non-JSON body: {e}", self.method, self.path))
    }
}

#[derive(Default)]
struct ReceiverState {
    log: Mutex<Vec<Received>>,
    /// path -> statuses to answer before answering 200.
    plan: Mutex<HashMap<String, Vec<u16>>>,
}

struct Receiver {
    origin: String,
    state: Arc<ReceiverState>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind receiver");
        let addr: SocketAddr = listener.local_addr().expect("addr");
        let state = Arc::new(ReceiverState::default());
        let app = Router::new().fallback(record).with_state(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            origin: format!("http://{addr}"),
            state,
            task,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// Answer these statuses (in order) on `path` before answering 200.
    fn plan(&self, path: &str, statuses: &[u16]) {
        self.state
            .plan
            .lock()
            .unwrap()
            .insert(path.to_owned(), statuses.to_vec());
    }

    fn log(&self) -> Vec<Received> {
        self.state.log.lock().unwrap().clone()
    }

    fn on(&self, path: &str) -> Vec<Received> {
        self.log().into_iter().filter(|r| r.path == path).collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(
    State(st): State<Arc<ReceiverState>>,
    headers: HeaderMap,
    req: Request,
) -> impl IntoResponse {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let body = axum::body::to_bytes(req.into_body(), 10 << 20)
        .await
        .unwrap_or_default();
    st.log.lock().unwrap().push(Received {
        method,
        path: path.clone(),
        content_type: headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body,
    });
    let status = {
        let mut plan = st.plan.lock().unwrap();
        match plan.get_mut(&path) {
            Some(list) if !list.is_empty() => list.remove(0),
            _ => 200,
        }
    };
    (
        StatusCode::from_u16(status).expect("valid status"),
        "{\"received\": true}",
    )
}

// ---------------------------------------------------------------------------
// Helpers.

fn fast_config(seed: u64) -> SandboxConfig {
    SandboxConfig {
        seed,
        candidates: 20,
        applications: 30,
        rate_limit: None,
        interview_start_delay: Duration::from_millis(50),
        interview_duration: Duration::from_millis(50),
        report_delay: Duration::from_millis(50),
        delivery_backoff: Duration::from_millis(20),
        ..SandboxConfig::default()
    }
}

async fn api(
    client: &Client,
    sb: &Sandbox,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = client
        .request(method, format!("{}{path}", sb.platform_base_url()))
        .header("X-API-KEY", sb.platform_api_key());
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("request reaches the emulator");
    let status = StatusCode::from_u16(resp.status().as_u16()).expect("status");
    let text = resp.text().await.expect("body");
    let value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{path} answered non-JSON ({e}): {text}"));
    (status, value)
}

async fn create_hook(
    client: &Client,
    sb: &Sandbox,
    posting: &str,
    url: &str,
    event: &str,
    http_method: &str,
) -> String {
    let (status, hook) = api(
        client,
        sb,
        reqwest::Method::POST,
        "/api/webhook/create",
        Some(json!({"posting_id": posting, "url": url, "event_type": event, "http_method": http_method})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{hook}");
    hook["webhook_id"].as_str().expect("webhook_id").to_owned()
}

async fn ingest(client: &Client, sb: &Sandbox, posting: &str, body: Value) -> (StatusCode, Value) {
    api(
        client,
        sb,
        reqwest::Method::POST,
        &format!("/api/v2/postings/{posting}/candidates"),
        Some(body),
    )
    .await
}

/// Polls `cond` every 20 ms until it holds or `limit` passes.
async fn wait_until(limit: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------------------
// Key sets, copied from the seed's tables (and, where the seed has no table,
// from its full example).

const STARTED: &[&str] = &["interview_id", "posting_id", "timestamp", "metadata"];
const CANDIDATE_METADATA: &[&str] = &[
    "candidate_name",
    "candidate_email",
    "candidate_id",
    "metadata",
];
const COMPLETED: &[&str] = &[
    "interview_id",
    "agent_conversation_id",
    "parent_conversation_id",
    "engagement_id",
    "posting_id",
    "timestamp",
    "workflow_completed",
    "completion_timestamp",
];
const REPORT: &[&str] = &[
    "interview_id",
    "posting_id",
    "metadata",
    "report_url",
    "timestamp",
    "interview_type",
    "agentic_data",
    "interview_data_model",
];
const AGENTIC_DATA: &[&str] = &["web_interview_info"];
const WEB_INTERVIEW_INFO: &[&str] = &[
    "summary",
    "scorecard",
    "communication",
    "transcript",
    "audio_recording_link",
    "video_recording_link",
];
const SUMMARY: &[&str] = &["interview_id", "highlights", "lowlights", "match_score"];
const SCORECARD: &[&str] = &["interview_id", "match_details", "questions", "tags"];
const QUESTION: &[&str] = &[
    "question_id",
    "question",
    "evaluation_summary",
    "evaluation_criteria",
    "preview_timestamp",
    "evaluation_score",
    "rank",
    "chat_transcript",
    "score_of_1",
    "score_of_5",
    "score_weight",
    "not_scored",
];
const CHAT_ENTRY: &[&str] = &["speaker", "text", "timestamp", "timestamp_str"];
const COMMUNICATION: &[&str] = &["interview_id", "speech_score", "evaluations", "template_id"];
const TRANSCRIPT: &[&str] = &["interview_id", "transcript"];
const DATA_MODEL: &[&str] = &[
    "interview_id",
    "details",
    "company_info",
    "posting_info",
    "web_interview_info",
    "resume_interview_info",
    "sms_interview_info",
    "form_interview_info",
];
const DETAILS: &[&str] = &[
    "interview_id",
    "candidate_id",
    "interviewed_on",
    "score",
    "name",
    "email",
    "actions",
    "status",
    "workflow_status",
    "metadata",
    "candidate_feedback",
    "candidate_next_steps",
    "candidate_interview_url",
];
const WORKFLOW_STATUS: &[&str] = &[
    "interview_id",
    "step_by_step",
    "all_complete",
    "last_engagement",
    "metadata",
];
const STEP: &[&str] = &[
    "complete",
    "required",
    "order",
    "id",
    "started",
    "details",
    "raw_status",
    "last_updated_timestamp",
    "knocked_out",
    "completion_percentage",
    "completion_metadata",
    "is_analyzing_call",
    "total_duration",
    "state_flags",
];
const STEP_DETAILS: &[&str] = &["details", "title", "description"];
const STATE_FLAGS: &[&str] = &[
    "is_completed",
    "is_incomplete",
    "is_analyzing_call",
    "is_in_progress",
];
const DETAILS_METADATA: &[&str] = &["resume", "web_interview", "sms", "form"];
const WEB_INTERVIEW_METADATA: &[&str] = &[
    "final_score",
    "skill_highlights",
    "audio_recording_link",
    "video_recording_link",
];
const COMPANY_INFO: &[&str] = &[
    "company_id",
    "workspace_id",
    "created_at",
    "updated_at",
    "created_by",
    "name",
    "image_url",
    "intro_message",
    "company_background",
    "voice_id",
    "knowledge_base",
    "interview_domain",
    "interview_domain_id",
    "sender_email_id",
    "address",
    "address_data",
    "timezone",
    "base_web_interview_config",
    "message_settings",
    "sms_agent_config",
    "pdf_generation_config",
    "cheat_detection",
    "allow_white_labeling",
    "disable_all_candidate_communications",
    "interview_completion_confidence_threshold",
    "retention_policy_days",
    "video_cheat_detection_enabled",
    "form_agent_enabled",
    "calendar_management_enabled",
    "email_templates_enabled",
    "phone_calls_enabled",
    "profile_picture_processing",
    "chat_agent_enabled",
    "copilot_enabled",
    "design_templates_enabled",
    "interview_templates_enabled",
    "sourcing_configs_enabled",
    "pbac_enabled",
    "email_report_to_candidate_enabled",
];
const BASE_WEB_INTERVIEW_CONFIG: &[&str] = &[
    "backdrop_image_url",
    "avatar_image_url",
    "remove_heymilo_branding",
    "intro_message",
    "outro_message",
    "welcome_back_message",
];
const POSTING_INFO: &[&str] = &[
    "posting_id",
    "title",
    "name",
    "internal_name",
    "description",
    "root_level_configs",
    "company_id",
    "created_at",
    "last_updated",
    "archived",
    "deadline",
    "finalized",
    "test_posting",
    "agentic_workflow",
    "step_workflow",
    "phone_number_id",
    "sender_email_id",
    "email_template_group_id",
    "design_template_group_id",
    "sourcing_config_ids",
    "redirect_url",
    "scheduling_url",
    "event_slug",
    "cal_team_id",
    "team_slug",
    "mascot_url",
    "mascot_id",
    "days_to_complete",
    "ats_metadata",
    "allow_sms_comms",
    "max_retakes",
    "retake_cooldown_days",
    "is_template",
    "email_report_to_candidate",
];
const ROOT_LEVEL_CONFIGS: &[&str] = &[
    "instructions",
    "company_overview",
    "job_overview",
    "interview_process_overview",
    "company_overview_delivery_mode",
    "job_overview_delivery_mode",
    "interview_process_overview_delivery_mode",
    "language",
    "interviewer_name",
    "is_multilingual",
];
const AGENTIC_WORKFLOW_ITEM: &[&str] = &["type", "config", "unique_id"];
const WEB_INTERVIEW_STEP_CONFIG: &[&str] = &[
    "instructions",
    "company_overview",
    "job_overview",
    "interview_process_overview",
    "company_overview_delivery_mode",
    "job_overview_delivery_mode",
    "interview_process_overview_delivery_mode",
    "language",
    "interviewer_name",
    "is_multilingual",
    "video",
    "phone_calls_enabled",
    "voice_id",
    "interview_type",
    "prompt_version",
    "web_interview_config",
    "min_evaluation_score",
    "num_questions",
    "cheat_detection_config",
];
const WEB_INTERVIEW_CONFIG: &[&str] = &[
    "backdrop_image_url",
    "avatar_image_url",
    "remove_heymilo_branding",
    "intro_message",
    "outro_message",
    "welcome_back_message",
    "min_duration_seconds",
    "max_duration_seconds",
    "show_transcript",
    "candidate_presence_enabled",
    "vapi_call_config",
];
const VAPI_CALL_CONFIG: &[&str] = &[
    "end_call_message",
    "idle_message_max_spoken_count",
    "idle_timeout_seconds",
    "wait_seconds",
    "backoff_seconds",
    "llm_model",
    "llm_temperature",
];
const CHEAT_DETECTION_CONFIG: &[&str] = &["enabled", "threshold", "types"];
const STEP_WORKFLOW: &[&str] = &["workflow", "steps"];
const WORKFLOW: &[&str] = &["workflow_id", "posting_id", "created_at"];
const WORKFLOW_STEP: &[&str] = &[
    "step_id",
    "workflow_id",
    "step_type",
    "rank",
    "details",
    "created_at",
    "depends_on",
];

/// The object at `path` has exactly the keys `expected`.
fn keys(v: &Value, path: &str, expected: &[&str]) {
    let obj = v
        .as_object()
        .unwrap_or_else(|| panic!("{path} is not an object: {v}"));
    let got: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
    let want: BTreeSet<&str> = expected.iter().copied().collect();
    assert_eq!(
        got,
        want,
        "{path}: missing {:?}, unexpected {:?}",
        want.difference(&got).collect::<Vec<_>>(),
        got.difference(&want).collect::<Vec<_>>()
    );
}

/// Like `keys`, but `null` is also accepted (a nullable section).
fn keys_or_null(v: &Value, path: &str, expected: &[&str]) {
    if !v.is_null() {
        keys(v, path, expected);
    }
}

fn array<'a>(v: &'a Value, path: &str) -> &'a Vec<Value> {
    v.as_array()
        .unwrap_or_else(|| panic!("{path} is not an array: {v}"))
}

fn strings(v: &Value, path: &str) {
    for (i, s) in array(v, path).iter().enumerate() {
        assert!(s.is_string(), "{path}[{i}] is not a string");
    }
}

fn check_candidate_metadata(v: &Value, path: &str, inner_keys: &[&str]) {
    keys(v, path, CANDIDATE_METADATA);
    for k in ["candidate_name", "candidate_email", "candidate_id"] {
        assert!(v[k].is_string(), "{path}.{k}");
    }
    // The inner object may be null; when present it has the documented keys
    // plus whatever metadata the client ingested the candidate with.
    let inner = &v["metadata"];
    if let Some(obj) = inner.as_object() {
        for k in inner_keys {
            assert!(obj.contains_key(*k), "{path}.metadata.{k} missing");
        }
    } else {
        assert!(
            inner.is_null(),
            "{path}.metadata is neither object nor null"
        );
    }
}

fn check_started(p: &Value) {
    keys(p, "started", STARTED);
    assert!(p["timestamp"].is_f64(), "timestamp is a float");
    check_candidate_metadata(&p["metadata"], "started.metadata", &["source", "job_id"]);
}

fn check_completed(p: &Value) {
    keys(p, "completed", COMPLETED);
    assert!(p["timestamp"].is_f64() && p["completion_timestamp"].is_f64());
    assert_eq!(p["workflow_completed"], true);
    for k in [
        "agent_conversation_id",
        "parent_conversation_id",
        "engagement_id",
    ] {
        assert!(p[k].is_string(), "{k}");
    }
}

fn check_entry(e: &Value, path: &str) {
    keys(e, path, CHAT_ENTRY);
    assert!(e["timestamp"].is_u64(), "{path}.timestamp");
    let t = e["timestamp"].as_u64().unwrap_or(0);
    assert_eq!(e["timestamp_str"], format!("{:02}:{:02}", t / 60, t % 60));
}

fn check_web_interview_info(w: &Value, path: &str, extracted_text: bool) {
    keys(w, path, WEB_INTERVIEW_INFO);
    keys(&w["summary"], &format!("{path}.summary"), SUMMARY);
    strings(&w["summary"]["highlights"], "highlights");
    strings(&w["summary"]["lowlights"], "lowlights");
    assert!(w["summary"]["match_score"].is_u64(), "match_score integer");
    keys(&w["scorecard"], &format!("{path}.scorecard"), SCORECARD);
    strings(&w["scorecard"]["match_details"], "match_details");
    strings(&w["scorecard"]["tags"], "tags");
    let mut question_keys = QUESTION.to_vec();
    if extracted_text {
        question_keys.push("extracted_text");
    }
    for (i, q) in array(&w["scorecard"]["questions"], "questions")
        .iter()
        .enumerate()
    {
        let qp = format!("{path}.scorecard.questions[{i}]");
        keys(q, &qp, &question_keys);
        let score = q["evaluation_score"].as_u64().expect("integer score");
        assert!((1..=10).contains(&score), "{qp}.evaluation_score {score}");
        assert_eq!(q["rank"], i as u64 + 1);
        for (j, e) in array(&q["chat_transcript"], "chat_transcript")
            .iter()
            .enumerate()
        {
            check_entry(e, &format!("{qp}.chat_transcript[{j}]"));
        }
    }
    keys(
        &w["communication"],
        &format!("{path}.communication"),
        COMMUNICATION,
    );
    assert!(w["communication"]["speech_score"].is_number());
    keys(&w["transcript"], &format!("{path}.transcript"), TRANSCRIPT);
    for (i, e) in array(&w["transcript"]["transcript"], "transcript")
        .iter()
        .enumerate()
    {
        check_entry(e, &format!("{path}.transcript.transcript[{i}]"));
    }
    assert!(w["audio_recording_link"].is_string());
    assert!(w["video_recording_link"].is_string() || w["video_recording_link"].is_null());
}

fn check_report(p: &Value) {
    keys(p, "report", REPORT);
    assert!(p["timestamp"].is_f64());
    assert_eq!(p["interview_type"], "web_interview");
    check_candidate_metadata(
        &p["metadata"],
        "report.metadata",
        &["candidate_metadata_id", "resume_url"],
    );
    keys(&p["agentic_data"], "agentic_data", AGENTIC_DATA);
    check_web_interview_info(
        &p["agentic_data"]["web_interview_info"],
        "agentic_data.web_interview_info",
        false,
    );

    let m = &p["interview_data_model"];
    keys(m, "interview_data_model", DATA_MODEL);
    check_web_interview_info(
        &m["web_interview_info"],
        "interview_data_model.web_interview_info",
        true,
    );
    for k in ["sms_interview_info", "form_interview_info"] {
        assert!(m[k].is_null() || m[k].is_object(), "{k}");
    }
    assert!(m["resume_interview_info"].is_null() || m["resume_interview_info"].is_object());

    let d = &m["details"];
    keys(d, "details", DETAILS);
    assert!(d["interviewed_on"].is_f64() && d["score"].is_number());
    let ws = &d["workflow_status"];
    keys(ws, "details.workflow_status", WORKFLOW_STATUS);
    assert!(ws["last_engagement"].is_f64());
    for (i, s) in array(&ws["step_by_step"], "step_by_step")
        .iter()
        .enumerate()
    {
        let sp = format!("details.workflow_status.step_by_step[{i}]");
        keys(s, &sp, STEP);
        keys_or_null(&s["details"], &format!("{sp}.details"), STEP_DETAILS);
        keys(&s["state_flags"], &format!("{sp}.state_flags"), STATE_FLAGS);
        assert_eq!(s["order"], i as u64 + 1);
    }
    keys(&d["metadata"], "details.metadata", DETAILS_METADATA);
    keys(
        &d["metadata"]["web_interview"],
        "details.metadata.web_interview",
        WEB_INTERVIEW_METADATA,
    );

    let c = &m["company_info"];
    keys(c, "company_info", COMPANY_INFO);
    keys(
        &c["base_web_interview_config"],
        "company_info.base_web_interview_config",
        BASE_WEB_INTERVIEW_CONFIG,
    );
    assert!(c["created_at"].is_f64());

    let pi = &m["posting_info"];
    keys(pi, "posting_info", POSTING_INFO);
    keys(
        &pi["root_level_configs"],
        "posting_info.root_level_configs",
        ROOT_LEVEL_CONFIGS,
    );
    let workflow = array(&pi["agentic_workflow"], "agentic_workflow");
    let web = workflow
        .iter()
        .find(|s| s["type"] == "web_interview")
        .expect("a web_interview step");
    for (i, s) in workflow.iter().enumerate() {
        keys(
            s,
            &format!("posting_info.agentic_workflow[{i}]"),
            AGENTIC_WORKFLOW_ITEM,
        );
    }
    let cfg = &web["config"];
    keys(cfg, "agentic_workflow.config", WEB_INTERVIEW_STEP_CONFIG);
    keys(
        &cfg["web_interview_config"],
        "config.web_interview_config",
        WEB_INTERVIEW_CONFIG,
    );
    keys(
        &cfg["web_interview_config"]["vapi_call_config"],
        "config.web_interview_config.vapi_call_config",
        VAPI_CALL_CONFIG,
    );
    keys(
        &cfg["cheat_detection_config"],
        "config.cheat_detection_config",
        CHEAT_DETECTION_CONFIG,
    );
    keys(
        &pi["step_workflow"],
        "posting_info.step_workflow",
        STEP_WORKFLOW,
    );
    keys(
        &pi["step_workflow"]["workflow"],
        "step_workflow.workflow",
        WORKFLOW,
    );
    for (i, s) in array(&pi["step_workflow"]["steps"], "steps")
        .iter()
        .enumerate()
    {
        keys(s, &format!("step_workflow.steps[{i}]"), WORKFLOW_STEP);
    }
}

// ---------------------------------------------------------------------------
// Tests.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingested_candidate_plays_through_all_three_events() {
    let sb = Sandbox::start(fast_config(11)).await.expect("start");
    let rx = Receiver::start().await;
    let client = Client::new();

    let (_, postings) = api(&client, &sb, reqwest::Method::GET, "/api/v2/postings", None).await;
    let posting = postings["data"][0]["posting_id"]
        .as_str()
        .expect("posting")
        .to_owned();
    let title = postings["data"][0]["title"]
        .as_str()
        .expect("title")
        .to_owned();
    let other_posting = postings["data"][1]["posting_id"]
        .as_str()
        .expect("posting")
        .to_owned();

    create_hook(
        &client,
        &sb,
        &posting,
        &rx.url("/started"),
        "interview_started",
        "post",
    )
    .await;
    let get_hook = create_hook(
        &client,
        &sb,
        &posting,
        &rx.url("/completed"),
        "interview_completed",
        "get",
    )
    .await;
    create_hook(
        &client,
        &sb,
        &posting,
        &rx.url("/report"),
        "report_available",
        "post",
    )
    .await;
    let off = create_hook(
        &client,
        &sb,
        &posting,
        &rx.url("/deactivated"),
        "report_available",
        "post",
    )
    .await;
    let (status, _) = api(
        &client,
        &sb,
        reqwest::Method::POST,
        &format!("/api/webhook/deactivate/{off}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    create_hook(
        &client,
        &sb,
        &other_posting,
        &rx.url("/other-posting"),
        "interview_started",
        "post",
    )
    .await;

    let (status, created) = ingest(
        &client,
        &sb,
        &posting,
        json!({
            "name": "Amara Okafor",
            "email": "amara.okafor@example.com",
            "phone_number": "+14155550123",
            "metadata": {"application_id": "4455667", "ats": "greenhouse"},
            "data": {"source": "reqlink test"},
        }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let data = &created["data"];
    assert_eq!(data["object"], "candidate");
    assert_eq!(data["posting_id"], posting.as_str());
    let interview_id = data["interview_id"]
        .as_str()
        .expect("interview_id")
        .to_owned();
    assert_eq!(interview_id.len(), 16);
    assert!(interview_id.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(data["interview_url"]
        .as_str()
        .expect("url")
        .starts_with(&sb.platform_base_url()));
    assert_eq!(data["candidate"]["name"], "Amara Okafor");
    assert_eq!(data["candidate"]["email"], "amara.okafor@example.com");
    assert_eq!(data["candidate"]["phone_number"], "+14155550123");
    assert_eq!(data["candidate"]["metadata"]["application_id"], "4455667");
    assert!(data["candidate"]["candidate_id"].is_string());

    wait_until(Duration::from_secs(10), "all three events", || {
        ["/started", "/completed", "/report"]
            .iter()
            .all(|p| !rx.on(p).is_empty())
    })
    .await;
    // Give any stray delivery (deactivated hook, other posting) time to land.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let log = rx.log();
    let order: Vec<&str> = log.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        order,
        ["/started", "/completed", "/report"],
        "exactly the three, in order"
    );

    let started = &log[0];
    assert_eq!(started.method, Method::POST);
    assert_eq!(started.content_type.as_deref(), Some("application/json"));
    let started = started.json();
    check_started(&started);
    assert_eq!(started["interview_id"], interview_id.as_str());
    assert_eq!(started["posting_id"], posting.as_str());
    assert_eq!(started["metadata"]["candidate_name"], "Amara Okafor");
    assert_eq!(
        started["metadata"]["candidate_email"],
        "amara.okafor@example.com"
    );
    assert_eq!(
        started["metadata"]["candidate_id"],
        data["candidate"]["candidate_id"]
    );
    let inner = &started["metadata"]["metadata"];
    assert_eq!(inner["source"], "user_ingestion");
    assert_eq!(inner["job_id"], posting.as_str());
    assert_eq!(
        inner["application_id"], "4455667",
        "client metadata comes back"
    );

    let completed = &log[1];
    assert_eq!(
        completed.method,
        Method::GET,
        "http_method get delivers as GET"
    );
    assert_eq!(completed.content_type.as_deref(), Some("application/json"));
    assert!(
        !completed.body.is_empty(),
        "GET still carries the JSON body"
    );
    let completed = completed.json();
    check_completed(&completed);
    assert_eq!(completed["interview_id"], interview_id.as_str());
    assert!(
        completed["timestamp"].as_f64() >= started["timestamp"].as_f64(),
        "completed after started"
    );

    assert_eq!(log[2].method, Method::POST);
    let report = log[2].json();
    check_report(&report);
    assert_eq!(report["interview_id"], interview_id.as_str());
    assert_eq!(report["posting_id"], posting.as_str());
    let idm = &report["interview_data_model"];
    assert_eq!(idm["posting_info"]["posting_id"], posting.as_str());
    assert_eq!(idm["posting_info"]["title"], title.as_str());
    assert_eq!(idm["details"]["name"], "Amara Okafor");
    assert_eq!(report["metadata"]["metadata"]["application_id"], "4455667");
    let web = &report["agentic_data"]["web_interview_info"];
    let match_score = web["summary"]["match_score"].as_u64().expect("score");
    assert!((20..=98).contains(&match_score));
    let turns = array(&web["transcript"]["transcript"], "transcript").len();
    assert!((30..=80).contains(&turns), "{turns} turns");
    assert_eq!(
        sb.control().report_payload(&interview_id).as_ref(),
        Some(&report),
        "report_payload is exactly what was sent"
    );

    // The control API saw the same three successful first attempts, and
    // nothing for the deactivated hook.
    let deliveries = sb.control().deliveries();
    assert_eq!(deliveries.len(), 3, "{deliveries:?}");
    assert!(deliveries
        .iter()
        .all(|d| d.status == Some(200) && d.error.is_none() && d.attempt == 1));
    assert!(deliveries.iter().all(|d| d.interview_id == interview_id));
    let events: Vec<&str> = deliveries.iter().map(|d| d.event_type.as_str()).collect();
    assert_eq!(
        events,
        [
            "interview_started",
            "interview_completed",
            "report_available"
        ]
    );
    let get = &deliveries[1];
    assert_eq!(
        (get.method.as_str(), get.webhook_id.as_str()),
        ("GET", get_hook.as_str())
    );
    assert!(deliveries.iter().all(|d| d.webhook_id != off));

    // The results endpoint agrees with the report.
    let (status, result) = api(
        &client,
        &sb,
        reqwest::Method::GET,
        &format!("/api/v2/interviews/{interview_id}/data"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let r = &result["data"];
    assert_eq!(result["meta"], json!({}));
    assert_eq!(r["interview_id"], interview_id.as_str());
    assert_eq!(r["posting_id"], posting.as_str());
    assert_eq!(r["status"], "completed");
    assert_eq!(r["score"], match_score);
    assert_eq!(r["web_interview"]["match_score"], match_score);
    assert_eq!(
        r["web_interview"]["highlights"],
        web["summary"]["highlights"]
    );
    assert_eq!(r["web_interview"]["lowlights"], web["summary"]["lowlights"]);
    assert_eq!(r["web_interview"]["scorecard"], web["scorecard"]);
    assert_eq!(
        r["web_interview"]["transcript"],
        web["transcript"]["transcript"]
    );
    assert_eq!(
        r["web_interview"]["audio_recording_url"],
        web["audio_recording_link"]
    );
    assert_eq!(r["report_url"], report["report_url"]);

    // The PDF behind report_url: no API key, a real PDF.
    let report_url = report["report_url"].as_str().expect("report_url");
    assert_eq!(
        report_url,
        format!("{}/reports/{interview_id}.pdf", sb.platform_base_url())
    );
    let resp = client.get(report_url).send().await.expect("pdf");
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let pdf = resp.bytes().await.expect("bytes");
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.ends_with(b"%%EOF"));
    if let Ok(dir) = std::env::var("REQLINK_SANDBOX_KEEP_PDF") {
        let dir = std::path::Path::new(&dir);
        let _ = std::fs::write(dir.join("started.json"), &log[0].body);
        let _ = std::fs::write(dir.join("completed.json"), &log[1].body);
        let _ = std::fs::write(dir.join("report.json"), &log[2].body);
    }
    if let Some(text) = pdftotext(&pdf) {
        assert!(text.contains("Amara Okafor"), "pdftotext output: {text}");
        assert!(text.contains(&format!("{match_score} / 100")), "{text}");
    } else {
        eprintln!("pdftotext not installed; skipped the text extraction check");
    }

    // The other links resolve too.
    let audio = client
        .get(web["audio_recording_link"].as_str().expect("audio"))
        .send()
        .await
        .expect("audio");
    assert_eq!(audio.status().as_u16(), 200);
    let wav = audio.bytes().await.expect("wav");
    assert!(wav.starts_with(b"RIFF"));
    let page = client
        .get(
            idm["details"]["candidate_interview_url"]
                .as_str()
                .expect("url"),
        )
        .send()
        .await
        .expect("page");
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.expect("html").contains("Amara Okafor"));
    let logo = client
        .get(idm["company_info"]["image_url"].as_str().expect("logo"))
        .send()
        .await
        .expect("logo");
    assert_eq!(logo.status().as_u16(), 200);

    sb.shutdown().await;
}

/// Runs `pdftotext` (poppler) on `pdf`; `None` when the tool is missing.
fn pdftotext(pdf: &[u8]) -> Option<String> {
    let path = std::env::temp_dir().join(format!(
        "reqlink-sandbox-report-{}-{:?}.pdf",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&path, pdf).expect("write temp pdf");
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output();
    let info = std::process::Command::new("pdfinfo").arg(&path).output();
    let _ = std::fs::remove_file(&path);
    let out = out.ok()?;
    assert!(
        out.status.success(),
        "pdftotext rejected the PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if let Ok(info) = info {
        let stderr = String::from_utf8_lossy(&info.stderr);
        assert!(
            info.status.success() && stderr.trim().is_empty(),
            "pdfinfo: {stderr}"
        );
        let stdout = String::from_utf8_lossy(&info.stdout).into_owned();
        let pages = stdout
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .map(str::trim);
        assert_eq!(pages, Some("1"), "pdfinfo: {stdout}");
        // Keep a copy for manual inspection when asked to.
        if let Ok(dir) = std::env::var("REQLINK_SANDBOX_KEEP_PDF") {
            let _ = std::fs::write(std::path::Path::new(&dir).join("report.pdf"), pdf);
            let _ = std::fs::write(std::path::Path::new(&dir).join("pdfinfo.txt"), &stdout);
        }
    }
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[tokio::test]
async fn ingestion_validates_like_the_platform() {
    let sb = Sandbox::start(fast_config(3)).await.expect("start");
    let client = Client::new();
    let posting = sb.control().posting_ids()[0].clone();
    let path = format!("/api/v2/postings/{posting}/candidates");

    // No key: 401 before anything else.
    let resp = client
        .post(format!("{}{path}", sb.platform_base_url()))
        .json(&json!({"name": "A", "email": "a@example.com"}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 401);

    let long_value = "x".repeat(501);
    let too_many: serde_json::Map<String, Value> =
        (0..51).map(|i| (format!("key{i}"), json!("v"))).collect();
    let cases = [
        (
            json!({"name": "No Email"}),
            json!(["body", "email"]),
            "missing",
        ),
        (
            json!({"name": "Bad", "email": "not-an-email"}),
            json!(["body", "email"]),
            "value_error",
        ),
        (
            json!({"name": "Bad", "email": "two@@example.com"}),
            json!(["body", "email"]),
            "value_error",
        ),
        (
            json!({"email": "a@example.com"}),
            json!(["body", "name"]),
            "missing",
        ),
        (
            json!({"name": "", "email": "a@example.com"}),
            json!(["body", "name"]),
            "string_too_short",
        ),
        (
            json!({"name": "P", "email": "a@example.com", "phone_number": "415 555 0123"}),
            json!(["body", "phone_number"]),
            "value_error",
        ),
        (
            json!({"name": "M", "email": "a@example.com", "metadata": too_many}),
            json!(["body", "metadata"]),
            "value_error",
        ),
        (
            json!({"name": "M", "email": "a@example.com", "metadata": {"k".repeat(41): "v"}}),
            json!(["body", "metadata", "k".repeat(41)]),
            "value_error",
        ),
        (
            json!({"name": "M", "email": "a@example.com", "metadata": {"note": long_value}}),
            json!(["body", "metadata", "note"]),
            "value_error",
        ),
        (
            json!({"name": "M", "email": "a@example.com", "metadata": "flat"}),
            json!(["body", "metadata"]),
            "dict_type",
        ),
        (
            json!(["not", "an", "object"]),
            json!(["body"]),
            "model_attributes_type",
        ),
    ];
    for (body, loc, kind) in cases {
        let (status, err) = ingest(&client, &sb, &posting, body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {err}");
        let detail = array(&err["detail"], "detail");
        let hit = detail
            .iter()
            .find(|e| e["loc"] == loc)
            .unwrap_or_else(|| panic!("{body}: no error at {loc} in {err}"));
        keys(hit, "detail[]", &["loc", "msg", "type"]);
        assert_eq!(hit["type"], kind, "{body}");
        assert!(hit["msg"].as_str().is_some_and(|m| !m.is_empty()));
    }

    // Limits are inclusive: 50 keys of 40 chars with 500-char values pass.
    let at_limit: serde_json::Map<String, Value> = (0..50)
        .map(|i| (format!("{i:0>40}"), json!("y".repeat(500))))
        .collect();
    let (status, ok) = ingest(
        &client,
        &sb,
        &posting,
        json!({"name": "Limit", "email": "limit@example.com", "metadata": at_limit}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{ok}");

    // Malformed JSON.
    let resp = client
        .post(format!("{}{path}", sb.platform_base_url()))
        .header("X-API-KEY", sb.platform_api_key())
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 422);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["detail"][0]["type"], "json_invalid");

    // Unknown posting: the v2 error envelope.
    let (status, err) = ingest(
        &client,
        &sb,
        "NOPE1234",
        json!({"name": "A", "email": "a@example.com"}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(err["error"]["code"], "resource_missing");
    assert_eq!(err["error"]["param"], "posting_id");
    keys(
        &err["error"],
        "error",
        &["type", "code", "message", "param", "doc_url", "errors"],
    );

    // The same e-mail twice makes two interviews (the platform does not
    // deduplicate; that is the client's job).
    let body = json!({"name": "Twice", "email": "twice@example.com"});
    let (s1, a) = ingest(&client, &sb, &posting, body.clone()).await;
    let (s2, b) = ingest(&client, &sb, &posting, body).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::CREATED));
    assert_ne!(a["data"]["interview_id"], b["data"]["interview_id"]);
    assert_eq!(
        a["data"]["candidate"]["candidate_id"], b["data"]["candidate"]["candidate_id"],
        "same person, same candidate id"
    );

    // Unknown interview and unknown report.
    let (status, err) = api(
        &client,
        &sb,
        reqwest::Method::GET,
        "/api/v2/interviews/0000000000000000/data",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(err["error"]["code"], "resource_missing");
    let resp = client
        .get(format!(
            "{}/reports/0000000000000000.pdf",
            sb.platform_base_url()
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 404);

    // The control API validates the same way.
    let control = sb.control();
    assert!(matches!(
        control.run_interview("NOPE1234", "A", "a@example.com"),
        Err(SandboxError::UnknownPosting(_))
    ));
    assert!(matches!(
        control.run_interview(&posting, "A", "not-an-email"),
        Err(SandboxError::InvalidCandidate(_))
    ));
    assert!(matches!(
        control.run_interview(&posting, " ", "a@example.com"),
        Err(SandboxError::InvalidCandidate(_))
    ));
    sb.shutdown().await;
}

#[tokio::test]
async fn results_endpoint_follows_the_interview_status() {
    let sb = Sandbox::start(SandboxConfig {
        interview_start_delay: Duration::from_millis(700),
        interview_duration: Duration::from_millis(700),
        report_delay: Duration::from_millis(700),
        ..fast_config(5)
    })
    .await
    .expect("start");
    let client = Client::new();
    let posting = sb.control().posting_ids()[1].clone();
    let (_, created) = ingest(
        &client,
        &sb,
        &posting,
        json!({"name": "Kenji Tanaka", "email": "kenji@example.com"}),
    )
    .await;
    let id = created["data"]["interview_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let path = format!("/api/v2/interviews/{id}/data");

    let mut seen: Vec<String> = Vec::new();
    let start = Instant::now();
    loop {
        let (status, body) = api(&client, &sb, reqwest::Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK);
        let d = &body["data"];
        let s = d["status"].as_str().expect("status").to_owned();
        if s == "completed" {
            assert!(d["web_interview"].is_object());
            assert!(d["score"].is_u64());
            assert!(d["report_url"].is_string());
        } else {
            assert!(d["web_interview"].is_null(), "no report before {s}");
            assert!(d["score"].is_null());
            assert!(d["report_url"].is_null());
            assert!(sb.control().report_payload(&id).is_none());
        }
        if seen.last() != Some(&s) {
            seen.push(s.clone());
        }
        if s == "completed" {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "stuck at {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(seen, ["pending", "in_progress", "evaluating", "completed"]);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_deliveries_are_retried_then_given_up() {
    let sb = Sandbox::start(fast_config(8)).await.expect("start");
    let rx = Receiver::start().await;
    let client = Client::new();
    let posting = sb.control().posting_ids()[0].clone();

    // Fails twice, then accepts.
    rx.plan("/flaky", &[500, 503]);
    // Answers 201 every time: not 200, so not delivered.
    rx.plan("/created", &[201, 201, 201, 201]);
    // Nobody listens on this port.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr")
    };
    for url in [
        rx.url("/flaky"),
        rx.url("/created"),
        format!("http://{closed}/down"),
    ] {
        create_hook(&client, &sb, &posting, &url, "interview_started", "post").await;
    }

    let id = sb
        .control()
        .run_interview(&posting, "Lena Fischer", "lena@example.com")
        .expect("run");
    let control = sb.control();
    wait_until(Duration::from_secs(10), "all retries", || {
        control
            .deliveries()
            .iter()
            .filter(|d| d.event_type == "interview_started")
            .count()
            == 3 + 3 + 3
    })
    .await;
    let d: Vec<_> = control.deliveries();
    let for_url = |suffix: &str| -> Vec<_> {
        d.iter()
            .filter(|a| a.url.ends_with(suffix))
            .map(|a| (a.attempt, a.status, a.error.is_some()))
            .collect()
    };
    assert_eq!(
        for_url("/flaky"),
        [
            (1, Some(500), false),
            (2, Some(503), false),
            (3, Some(200), false)
        ]
    );
    assert_eq!(
        for_url("/created"),
        [
            (1, Some(201), false),
            (2, Some(201), false),
            (3, Some(201), false)
        ]
    );
    assert_eq!(
        for_url("/down"),
        [(1, None, true), (2, None, true), (3, None, true)]
    );
    assert!(d.iter().all(|a| a.interview_id == id && a.method == "POST"));
    assert!(d
        .iter()
        .find(|a| a.url.ends_with("/flaky") && a.attempt == 3)
        .is_some_and(|a| a.delivered()));

    // Every retry carries the identical body (receivers deduplicate on it).
    let bodies: Vec<Bytes> = rx.on("/flaky").into_iter().map(|r| r.body).collect();
    assert_eq!(bodies.len(), 3);
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));
    sb.shutdown().await;
}

/// Timestamps are the only thing allowed to differ between two runs, and
/// the emulator's origin (a different port per sandbox).
fn normalise(v: &mut Value, origin: &str) {
    const TIME_KEYS: &[&str] = &[
        "timestamp",
        "completion_timestamp",
        "interviewed_on",
        "last_updated_timestamp",
        "last_engagement",
    ];
    match v {
        Value::Object(m) => {
            for k in TIME_KEYS {
                if let Some(t) = m.get_mut(*k) {
                    // Transcript offsets are integers and deterministic.
                    if t.is_f64() {
                        *t = Value::Null;
                    }
                }
            }
            for x in m.values_mut() {
                normalise(x, origin);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| normalise(x, origin)),
        Value::String(s) if s.contains(origin) => *s = s.replace(origin, "ORIGIN"),
        _ => {}
    }
}

async fn report_of(sb: &Sandbox, posting: &str, name: &str, email: &str) -> (String, Value) {
    let control = sb.control();
    let id = control.run_interview(posting, name, email).expect("run");
    let start = Instant::now();
    loop {
        if let Some(mut r) = control.report_payload(&id) {
            normalise(&mut r, &sb.platform_base_url());
            return (id, r);
        }
        assert!(start.elapsed() < Duration::from_secs(10), "no report");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn same_seed_and_inputs_give_the_same_report() {
    let a = Sandbox::start(fast_config(42)).await.expect("start a");
    let b = Sandbox::start(fast_config(42)).await.expect("start b");
    assert_eq!(a.control().posting_ids(), b.control().posting_ids());
    let posting = a.control().posting_ids()[2].clone();

    let (id_a, ra) = report_of(&a, &posting, "Sofia Rossi", "sofia.rossi@example.com").await;
    let (id_b, rb) = report_of(&b, &posting, "Sofia Rossi", "sofia.rossi@example.com").await;
    assert_eq!(id_a, id_b, "interview ids are reproducible");
    assert_eq!(ra, rb, "same seed, same inputs, same report");

    // Different inputs, different interview.
    let (_, rc) = report_of(&a, &posting, "Omar Haddad", "omar.haddad@example.com").await;
    assert_ne!(
        ra["agentic_data"]["web_interview_info"]["transcript"],
        rc["agentic_data"]["web_interview_info"]["transcript"]
    );
    // Posting and company sections come from the posting, not the candidate.
    assert_eq!(
        ra["interview_data_model"]["posting_info"],
        rc["interview_data_model"]["posting_info"]
    );
    assert_eq!(
        ra["interview_data_model"]["company_info"],
        rc["interview_data_model"]["company_info"]
    );
    a.shutdown().await;
    b.shutdown().await;
}

#[tokio::test]
async fn posting_ids_match_the_v2_listing() {
    let sb = Sandbox::start(SandboxConfig {
        postings: 30,
        ..fast_config(2)
    })
    .await
    .expect("start");
    let client = Client::new();
    let (_, page) = api(
        &client,
        &sb,
        reqwest::Method::GET,
        "/api/v2/postings?limit=100",
        None,
    )
    .await;
    let listed: Vec<String> = array(&page["data"], "data")
        .iter()
        .map(|p| p["posting_id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(sb.control().posting_ids(), listed);
    assert!(sb.control().deliveries().is_empty());
    sb.shutdown().await;
}

#[tokio::test]
async fn shutdown_stops_interviews_in_flight() {
    let sb = Sandbox::start(SandboxConfig {
        interview_start_delay: Duration::from_millis(300),
        ..fast_config(4)
    })
    .await
    .expect("start");
    let rx = Receiver::start().await;
    let client = Client::new();
    let posting = sb.control().posting_ids()[0].clone();
    create_hook(
        &client,
        &sb,
        &posting,
        &rx.url("/started"),
        "interview_started",
        "post",
    )
    .await;
    let control = sb.control();
    control
        .run_interview(&posting, "Early Exit", "early@example.com")
        .expect("run");
    sb.shutdown().await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(rx.log().is_empty(), "nothing is delivered after shutdown");
    assert!(control.deliveries().is_empty());
}
