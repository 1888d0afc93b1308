//! Shared fixtures for the client's tests against the emulator: a small
//! sandbox, v1/v3 clients, a client-credentials token source that counts
//! refreshes, and a web hook receiver over real HTTP.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Router;
use reqlink_ats::{AtsError, TokenSource};
use reqlink_greenhouse::GreenhouseClient;
use reqlink_sandbox::{CreateLag, CreateTruncation, GreenhouseConfig, Sandbox, SandboxConfig};

pub async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        jobs: 6,
        candidates: 45,
        applications: 70,
        rate_limit: None,
        greenhouse: GreenhouseConfig {
            webhook_retry_delays: vec![Duration::from_millis(30), Duration::from_millis(60)],
            webhook_timeout: Duration::from_secs(2),
            create_lag: CreateLag::None,
            create_truncation: CreateTruncation::Never,
        },
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

/// A v1 client with fast retries (the sandbox is local).
pub fn v1(sb: &Sandbox) -> GreenhouseClient {
    GreenhouseClient::new(&sb.greenhouse_base_url(), &sb.greenhouse_api_key())
        .unwrap()
        .with_retry_base(Duration::from_millis(10))
}

pub fn actor(sb: &Sandbox) -> u64 {
    sb.greenhouse_user_id().parse().unwrap()
}

/// Client-credentials tokens from the emulator's token endpoint, fetched
/// when there is none or after `invalidate`, as the app's refreshing
/// source does.
pub struct ClientCredentials {
    token_url: String,
    client_id: String,
    secret: String,
    sub: Option<String>,
    current: Mutex<Option<String>>,
    pub fetched: AtomicU32,
    pub invalidated: AtomicU32,
}

impl ClientCredentials {
    pub fn new(sb: &Sandbox, sub: Option<String>) -> Arc<Self> {
        let (client_id, secret) = sb.greenhouse_oauth_client();
        Arc::new(Self {
            token_url: sb.greenhouse_token_url(),
            client_id,
            secret,
            sub,
            current: Mutex::new(None),
            fetched: AtomicU32::new(0),
            invalidated: AtomicU32::new(0),
        })
    }
}

#[async_trait]
impl TokenSource for ClientCredentials {
    async fn access_token(&self) -> Result<String, AtsError> {
        if let Some(t) = self.current.lock().unwrap().clone() {
            return Ok(t);
        }
        let mut form = vec![("grant_type", "client_credentials".to_owned())];
        if let Some(sub) = &self.sub {
            form.push(("sub", sub.clone()));
        }
        let resp = reqwest::Client::new()
            .post(&self.token_url)
            .basic_auth(&self.client_id, Some(&self.secret))
            .form(&form)
            .send()
            .await
            .map_err(|e| AtsError::Network {
                vendor: "Greenhouse",
                endpoint: "POST /oauth/token".into(),
                message: e.to_string(),
            })?;
        if !resp.status().is_success() {
            return Err(AtsError::NeedsReconnect {
                vendor: "Greenhouse",
                reason: format!("token endpoint answered {}", resp.status()),
            });
        }
        let body: serde_json::Value = resp.json().await.unwrap();
        let token = body["access_token"].as_str().unwrap().to_owned();
        self.fetched.fetch_add(1, Ordering::SeqCst);
        *self.current.lock().unwrap() = Some(token.clone());
        Ok(token)
    }

    async fn invalidate(&self, token: &str) {
        self.invalidated.fetch_add(1, Ordering::SeqCst);
        let mut cur = self.current.lock().unwrap();
        if cur.as_deref() == Some(token) {
            *cur = None;
        }
    }
}

pub fn v3(sb: &Sandbox, tokens: Arc<dyn TokenSource>) -> GreenhouseClient {
    GreenhouseClient::v3(&sb.greenhouse_v3_base_url(), tokens)
        .unwrap()
        .with_retry_base(Duration::from_millis(10))
}

// ---------------------------------------------------------------------------
// Web hook receiver.

#[derive(Debug, Clone)]
pub struct Delivery {
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Delivery {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub struct Receiver {
    pub url: String,
    log: Arc<Mutex<Vec<Delivery>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new().fallback(record).with_state(log.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            url: format!("http://{addr}/greenhouse"),
            log,
            task,
        }
    }

    pub async fn wait_for(&self, n: usize) -> Vec<Delivery> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let got = self.log.lock().unwrap().clone();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "only {} of {n} deliveries arrived",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(State(log): State<Arc<Mutex<Vec<Delivery>>>>, req: Request) -> StatusCode {
    let headers = req.headers().clone();
    let body = axum::body::to_bytes(req.into_body(), 10 << 20)
        .await
        .unwrap_or_default();
    log.lock().unwrap().push(Delivery { headers, body });
    StatusCode::OK
}

/// A stub Harvest that answers every request with `body` (for responses
/// the emulator never sends, like malformed JSON).
pub async fn stub_harvest(body: &'static str) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let app = Router::new()
        .fallback(move || async move { ([("content-type", "application/json")], body) });
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/v1"), task)
}
