//! Helpers for the Greenhouse emulator's contract tests: a sandbox with
//! fast web hook retries, a raw Harvest client, and a web hook receiver
//! that records every request over real HTTP.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Router;
use reqlink_sandbox::{CreateLag, CreateTruncation, GreenhouseConfig, Sandbox, SandboxConfig};
use reqwest::{Client, Method, Response};
use serde_json::Value;

pub async fn sandbox() -> Sandbox {
    sandbox_with(|_| {}).await
}

pub async fn sandbox_with(tweak: impl FnOnce(&mut SandboxConfig)) -> Sandbox {
    let mut config = SandboxConfig {
        jobs: 6,
        candidates: 40,
        applications: 60,
        rate_limit: None,
        greenhouse: GreenhouseConfig {
            webhook_retry_delays: vec![Duration::from_millis(30), Duration::from_millis(60)],
            webhook_timeout: Duration::from_secs(2),
            create_lag: CreateLag::None,
            create_truncation: CreateTruncation::Never,
        },
        ..SandboxConfig::default()
    };
    tweak(&mut config);
    Sandbox::start(config).await.expect("sandbox starts")
}

/// A v1 request with the sandbox key and, when given, `On-Behalf-Of`.
pub async fn gh(
    sb: &Sandbox,
    method: Method,
    path: &str,
    on_behalf_of: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let resp = gh_raw(sb, method, path, on_behalf_of, body.map(|b| b.to_string())).await;
    let status = StatusCode::from_u16(resp.status().as_u16()).expect("status");
    let bytes = resp.bytes().await.expect("body");
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("non-JSON answer: {e}"))
    };
    (status, json)
}

pub async fn gh_raw(
    sb: &Sandbox,
    method: Method,
    path: &str,
    on_behalf_of: Option<&str>,
    body: Option<String>,
) -> Response {
    let mut req = Client::new()
        .request(method, format!("{}{path}", sb.greenhouse_base_url()))
        .basic_auth(sb.greenhouse_api_key(), Some(""));
    if let Some(user) = on_behalf_of {
        req = req.header("On-Behalf-Of", user);
    }
    if let Some(body) = body {
        req = req.header("Content-Type", "application/json").body(body);
    }
    req.send().await.expect("request reaches the emulator")
}

/// A request to the control surface.
pub async fn control(
    sb: &Sandbox,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Client::new().request(
        method,
        format!("{}/_sandbox/greenhouse{path}", sb.greenhouse_origin()),
    );
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.expect("control request");
    let status = StatusCode::from_u16(resp.status().as_u16()).expect("status");
    let bytes = resp.bytes().await.expect("body");
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("JSON")
    };
    (status, json)
}

/// The first active application of a candidate with a job whose stage is
/// not the job's last: `(application, candidate id, job id, current stage
/// id, stage ids of the job)`.
pub async fn movable_application(sb: &Sandbox) -> (Value, u64, u64, u64, Vec<u64>) {
    let (_, apps) = gh(
        sb,
        Method::GET,
        "/applications?per_page=500&status=active",
        None,
        None,
    )
    .await;
    for app in apps.as_array().expect("array") {
        if app["prospect"].as_bool() == Some(true) {
            continue;
        }
        let job = app["jobs"][0]["id"].as_u64().expect("job id");
        let (_, stages) = gh(sb, Method::GET, &format!("/jobs/{job}/stages"), None, None).await;
        let ids: Vec<u64> = stages
            .as_array()
            .expect("stages")
            .iter()
            .map(|s| s["id"].as_u64().expect("id"))
            .collect();
        let current = app["current_stage"]["id"].as_u64().expect("stage");
        if ids.last() != Some(&current) {
            let cid = app["candidate_id"].as_u64().expect("candidate");
            return (app.clone(), cid, job, current, ids);
        }
    }
    panic!("no movable application in the sandbox");
}

/// A small PDF-looking file with every byte value in it, so a lossy
/// transfer (UTF-8 mangling, truncated base64) shows.
pub fn sample_pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    bytes.extend((0..=255u8).cycle().take(3000));
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes
}

// ---------------------------------------------------------------------------
// Web hook receiver.

#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub answered: u16,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    pub fn action(&self) -> String {
        self.json()["action"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

#[derive(Default)]
struct ReceiverState {
    log: Mutex<Vec<Received>>,
    plan: Mutex<HashMap<String, Vec<u16>>>,
}

pub struct Receiver {
    origin: String,
    state: Arc<ReceiverState>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
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

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// Answer these statuses (in order) on `path` before answering 200.
    pub fn plan(&self, path: &str, statuses: &[u16]) {
        self.state
            .plan
            .lock()
            .unwrap()
            .insert(path.to_owned(), statuses.to_vec());
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.log.lock().unwrap().clone()
    }

    pub fn on(&self, path: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    /// Waits until `pred` holds for what `path` received.
    pub async fn wait_for(
        &self,
        path: &str,
        what: &str,
        pred: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let got = self.on(path);
            if pred(&got) {
                return got;
            }
            if Instant::now() > deadline {
                panic!(
                    "{path} never received {what}; got {:?}",
                    got.iter().map(Received::action).collect::<Vec<_>>()
                );
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(State(state): State<Arc<ReceiverState>>, req: Request) -> impl IntoResponse {
    let path = req.uri().path().to_owned();
    let headers = req.headers().clone();
    let body = axum::body::to_bytes(req.into_body(), 10 << 20)
        .await
        .unwrap_or_default();
    let status = {
        let mut plan = state.plan.lock().unwrap();
        match plan.get_mut(&path) {
            Some(list) if !list.is_empty() => list.remove(0),
            _ => 200,
        }
    };
    state.log.lock().unwrap().push(Received {
        path,
        headers,
        body,
        answered: status,
    });
    StatusCode::from_u16(status).unwrap_or(StatusCode::OK)
}

/// `sha256 <hex>` over `body` with `secret`, computed independently of the
/// emulator (HMAC by hand over SHA-256).
pub fn expected_signature(secret: &[u8], body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut key = [0u8; 64];
    if secret.len() > 64 {
        key[..32].copy_from_slice(&Sha256::digest(secret));
    } else {
        key[..secret.len()].copy_from_slice(secret);
    }
    let pad = |b: u8| key.iter().map(|k| k ^ b).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(body)
        .finalize();
    let outer = Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize();
    format!("sha256 {}", hex::encode(outer))
}
