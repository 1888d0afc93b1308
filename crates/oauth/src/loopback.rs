//! The one-shot redirect listener of RFC 8252 §7.3. It is a few dozen lines
//! of HTTP/1.1 rather than a web framework: it answers GETs with a page and
//! closes the connection, which is all a browser redirect needs.

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

use crate::error::OAuthError;
use crate::pages::Page;

pub const CALLBACK_PATH: &str = "/callback";

/// A browser that opens a connection and sends nothing (speculative
/// preconnects do) must not hold a task forever.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// The authorization code from the redirect. Short-lived and one-time, but a
/// credential all the same: never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthorizationCode(String);

impl AuthorizationCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AuthorizationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthorizationCode(<redacted>)")
    }
}

/// Cancels a waiting sign-in (the user pressed Cancel in the app). Clones
/// share one flag.
#[derive(Clone, Debug)]
pub struct CancelHandle {
    tx: Arc<watch::Sender<bool>>,
}

impl Default for CancelHandle {
    fn default() -> Self {
        Self::new()
    }
}

impl CancelHandle {
    pub fn new() -> Self {
        Self {
            tx: Arc::new(watch::channel(false).0),
        }
    }

    pub fn cancel(&self) {
        self.tx.send_replace(true);
    }

    pub fn is_cancelled(&self) -> bool {
        *self.tx.borrow()
    }

    pub async fn cancelled(&self) {
        let mut rx = self.tx.subscribe();
        // The sender lives in `self`, so this only returns once cancelled.
        let _ = rx.wait_for(|c| *c).await;
    }
}

/// A listener on 127.0.0.1 (not `localhost`, which may resolve to another
/// interface or be firewalled differently: RFC 8252 §8.3).
#[derive(Debug)]
pub struct LoopbackListener {
    listener: TcpListener,
    port: u16,
}

impl LoopbackListener {
    /// `None`: an ephemeral port chosen by the OS. `Some(port)`: that port,
    /// for providers whose redirect URIs are registered exactly.
    pub async fn bind(port: Option<u16>) -> Result<Self, OAuthError> {
        let wanted = port.unwrap_or(0);
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, wanted)))
            .await
            .map_err(|source| OAuthError::Bind {
                port: wanted,
                source,
            })?;
        let port = listener
            .local_addr()
            .map_err(|source| OAuthError::Bind {
                port: wanted,
                source,
            })?
            .port();
        Ok(Self { listener, port })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.port)
    }

    /// Serves the redirect until one callback settles the sign-in: a code
    /// with the expected `state`, a denial, an error, or a wrong `state`
    /// (refused as possible CSRF; the sign-in then fails). Requests for
    /// other paths (favicon) and callbacks carrying neither a code nor an
    /// error get a page and are otherwise ignored. The port is released
    /// when this returns.
    pub async fn wait_for_code(
        self,
        vendor: &'static str,
        expected_state: &str,
        timeout: Duration,
        cancel: &CancelHandle,
    ) -> Result<AuthorizationCode, OAuthError> {
        let (tx, mut rx) = mpsc::channel(1);
        let ctx = Arc::new(Ctx {
            vendor,
            expected_state: expected_state.to_owned(),
            settled: AtomicBool::new(false),
            result: tx,
        });
        let listener = self.listener;
        // Accepting inside this future (not a spawned task) means the socket
        // is closed by the time this returns, not at some later abort.
        let accept = async {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    // Out of descriptors or similar: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                let ctx = ctx.clone();
                tokio::spawn(async move {
                    let _ = serve_connection(stream, &ctx).await;
                });
            }
        };
        tokio::select! {
            r = rx.recv() => r.unwrap_or(Err(OAuthError::Cancelled { vendor })),
            _ = tokio::time::sleep(timeout) => Err(OAuthError::TimedOut { vendor, after: timeout }),
            _ = cancel.cancelled() => Err(OAuthError::Cancelled { vendor }),
            _ = accept => Err(OAuthError::Cancelled { vendor }),
        }
    }
}

struct Ctx {
    vendor: &'static str,
    expected_state: String,
    settled: AtomicBool,
    result: mpsc::Sender<Result<AuthorizationCode, OAuthError>>,
}

async fn serve_connection(mut stream: TcpStream, ctx: &Ctx) -> std::io::Result<()> {
    let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Ok(Some(head))) => head,
        _ => return Ok(()),
    };
    let target = head
        .lines()
        .next()
        .and_then(|line| {
            let mut parts = line.split(' ');
            let method = parts.next()?;
            let target = parts.next()?;
            (method == "GET").then_some(target)
        })
        .map(str::to_owned);
    let (page, settled) = match target {
        None => (Page::not_found(), None),
        Some(target) => judge(&target, ctx),
    };
    write_page(&mut stream, &page).await?;
    // Reported only after the page is out, so the browser has it even if
    // the app tears the listener down at once.
    if let Some(result) = settled {
        let _ = ctx.result.try_send(result);
    }
    Ok(())
}

type Settled = Option<Result<AuthorizationCode, OAuthError>>;

fn judge(target: &str, ctx: &Ctx) -> (Page, Settled) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != CALLBACK_PATH {
        return (Page::not_found(), None);
    }
    let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let code = params.get("code").filter(|c| !c.is_empty());
    let error = params.get("error").filter(|e| !e.is_empty());
    if code.is_none() && error.is_none() {
        return (Page::incomplete(), None);
    }
    if ctx.settled.swap(true, Ordering::SeqCst) {
        return (Page::already_finished(), None);
    }
    let vendor = ctx.vendor;
    let state_ok = params
        .get("state")
        .is_some_and(|s| constant_time_eq(s.as_bytes(), ctx.expected_state.as_bytes()));
    if !state_ok {
        return (Page::state_mismatch(), Some(Err(OAuthError::StateMismatch)));
    }
    if let Some(error) = error {
        let error: String = error.chars().take(80).collect();
        if error == "access_denied" {
            return (
                Page::denied(vendor),
                Some(Err(OAuthError::AccessDenied { vendor })),
            );
        }
        let description = params
            .get("error_description")
            .map(|d| d.chars().take(300).collect());
        return (
            Page::failed(vendor, &error),
            Some(Err(OAuthError::AuthorizationFailed {
                vendor,
                error,
                description,
            })),
        );
    }
    let code = code.cloned().unwrap_or_default();
    (Page::connected(vendor), Some(Ok(AuthorizationCode(code))))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Reads up to the end of the request head; the body (GETs have none) is
/// never needed.
async fn read_head(stream: &mut TcpStream) -> std::io::Result<Option<String>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.windows(4).any(|w| w == b"\r\n\r\n") {
            return Ok(Some(String::from_utf8_lossy(&buf).into_owned()));
        }
        if buf.len() > MAX_REQUEST_HEAD {
            return Ok(None);
        }
    }
}

async fn write_page(stream: &mut TcpStream, page: &Page) -> std::io::Result<()> {
    let body = page.html();
    let reason = match page.status {
        200 => "OK",
        400 => "Bad Request",
        _ => "Not Found",
    };
    let head = format!(
        "HTTP/1.1 {} {reason}\r\n\
Content-Type: text/html; charset=utf-8\r\n\
Content-Length: {}\r\n\
Cache-Control: no-store\r\n\
Referrer-Policy: no-referrer\r\n\
X-Frame-Options: DENY\r\n\
Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n\
Connection: close\r\n\r\n",
        page.status,
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.flush().await?;
    stream.shutdown().await
}
