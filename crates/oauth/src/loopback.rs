//! The one-shot redirect listener of RFC 8252 §7.3. It is a few dozen lines
//! of HTTP/1.1 rather than a web framework: it answers GETs with a page and
//! closes the connection, which is all a browser redirect needs.
//!
//! The request that carries the code is held open until the app reports
//! how the sign-in ended ([`BrowserReply`]): a code arriving proves nothing
//! yet, and a "Connected" page followed by an error in the app is worse than
//! a short wait.

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, watch};

use crate::error::OAuthError;
use crate::pages::Page;

pub const CALLBACK_PATH: &str = "/callback";

/// A browser that opens a connection and sends nothing (speculative
/// preconnects do) must not hold a task forever.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_REQUEST_HEAD: usize = 16 * 1024;
/// How long the browser is kept waiting for the app's verdict. Token
/// exchange and a test call take seconds; past this the person is better
/// served by a page that sends them back to the app than by a spinner.
const REPLY_WAIT: Duration = Duration::from_secs(60);

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
    reply_wait: Duration,
}

/// How the sign-in ended, for the page the waiting browser gets.
#[derive(Debug)]
enum Outcome {
    Connected,
    Failed(String),
    Cancelled,
}

/// The browser's callback request, held open until the app says how the
/// sign-in ended. Dropping it unanswered (or answering after the wait is
/// over) gives the browser a neutral page that points back to the app.
#[derive(Debug)]
pub struct BrowserReply {
    tx: oneshot::Sender<Outcome>,
}

impl BrowserReply {
    /// The connection works and was saved.
    pub fn connected(self) {
        let _ = self.tx.send(Outcome::Connected);
    }

    /// `problem` says what failed and what to do. It is shown in the
    /// browser, so it must carry no token, code or secret.
    pub fn failed(self, problem: &str) {
        let _ = self.tx.send(Outcome::Failed(problem.to_owned()));
    }

    /// The person pressed Cancel in the app while this request was held.
    pub fn cancelled(self) {
        let _ = self.tx.send(Outcome::Cancelled);
    }
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
        Ok(Self {
            listener,
            port,
            reply_wait: REPLY_WAIT,
        })
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
    ///
    /// Refusals are answered at once. With a code, the browser waits on the
    /// returned [`BrowserReply`] for the final page.
    pub async fn wait_for_code(
        self,
        vendor: &'static str,
        expected_state: &str,
        timeout: Duration,
        cancel: &CancelHandle,
    ) -> Result<(AuthorizationCode, BrowserReply), OAuthError> {
        let (tx, mut rx) = mpsc::channel(1);
        let ctx = Arc::new(Ctx {
            vendor,
            expected_state: expected_state.to_owned(),
            settled: AtomicBool::new(false),
            reply_wait: self.reply_wait,
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

type Callback = Result<(AuthorizationCode, BrowserReply), OAuthError>;

struct Ctx {
    vendor: &'static str,
    expected_state: String,
    settled: AtomicBool,
    reply_wait: Duration,
    result: mpsc::Sender<Callback>,
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
    let answer = match target {
        None => Answer::Now(Page::not_found(), None),
        Some(target) => judge(&target, ctx),
    };
    let page = match answer {
        Answer::Now(page, settled) => {
            write_page(&mut stream, &page).await?;
            // Reported only after the page is out, so the browser has it
            // even if the app tears the listener down at once.
            if let Some(error) = settled {
                let _ = ctx.result.try_send(Err(error));
            }
            return Ok(());
        }
        Answer::Hold(code) => {
            let (tx, rx) = oneshot::channel();
            // If the app stopped listening, the reply is dropped right here
            // and the browser gets the neutral page at once.
            let _ = ctx.result.try_send(Ok((code, BrowserReply { tx })));
            match tokio::time::timeout(ctx.reply_wait, rx).await {
                Ok(Ok(Outcome::Connected)) => Page::connected(ctx.vendor),
                Ok(Ok(Outcome::Failed(problem))) => Page::not_connected(ctx.vendor, &problem),
                Ok(Ok(Outcome::Cancelled)) => Page::cancelled(ctx.vendor),
                Ok(Err(_)) | Err(_) => Page::see_app(ctx.vendor),
            }
        }
    };
    write_page(&mut stream, &page).await
}

enum Answer {
    /// A page right away, and possibly the end of the sign-in.
    Now(Page, Option<OAuthError>),
    /// A code the app has yet to redeem: the page waits for its verdict.
    Hold(AuthorizationCode),
}

fn judge(target: &str, ctx: &Ctx) -> Answer {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != CALLBACK_PATH {
        return Answer::Now(Page::not_found(), None);
    }
    let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let code = params.get("code").filter(|c| !c.is_empty());
    let error = params.get("error").filter(|e| !e.is_empty());
    if code.is_none() && error.is_none() {
        return Answer::Now(Page::incomplete(), None);
    }
    if ctx.settled.swap(true, Ordering::SeqCst) {
        return Answer::Now(Page::already_finished(), None);
    }
    let vendor = ctx.vendor;
    let state_ok = params
        .get("state")
        .is_some_and(|s| constant_time_eq(s.as_bytes(), ctx.expected_state.as_bytes()));
    if !state_ok {
        return Answer::Now(Page::state_mismatch(), Some(OAuthError::StateMismatch));
    }
    if let Some(error) = error {
        let error: String = error.chars().take(80).collect();
        if error == "access_denied" {
            return Answer::Now(
                Page::denied(vendor),
                Some(OAuthError::AccessDenied { vendor }),
            );
        }
        let description = params
            .get("error_description")
            .map(|d| d.chars().take(300).collect());
        return Answer::Now(
            Page::failed(vendor, &error),
            Some(OAuthError::AuthorizationFailed {
                vendor,
                error,
                description,
            }),
        );
    }
    Answer::Hold(AuthorizationCode(code.cloned().unwrap_or_default()))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A code delivered to a listener that holds the browser for at most
    /// `reply_wait`; the browser's page comes out of the task.
    async fn held(reply_wait: Duration) -> (BrowserReply, tokio::task::JoinHandle<String>) {
        let mut listener = LoopbackListener::bind(None).await.unwrap();
        listener.reply_wait = reply_wait;
        let url = format!("{}?code=c&state=s", listener.redirect_uri());
        let browser = tokio::spawn(async move {
            let http = reqwest::Client::builder().no_proxy().build().unwrap();
            http.get(url).send().await.unwrap().text().await.unwrap()
        });
        let (code, reply) = listener
            .wait_for_code("Lever", "s", Duration::from_secs(10), &CancelHandle::new())
            .await
            .unwrap();
        assert_eq!(code.as_str(), "c");
        (reply, browser)
    }

    #[tokio::test]
    async fn a_slow_verdict_sends_the_browser_back_to_the_app() {
        let (reply, browser) = held(Duration::from_millis(200)).await;
        let page = browser.await.unwrap();
        assert!(
            page.contains("Return to Reqlink to see the result"),
            "{page}"
        );
        // Too late to change the page; must not panic either.
        reply.connected();
    }

    #[tokio::test]
    async fn a_dropped_reply_is_neutral_and_a_cancel_says_so() {
        let (reply, browser) = held(Duration::from_secs(30)).await;
        drop(reply);
        let page = browser.await.unwrap();
        assert!(
            page.contains("Return to Reqlink to see the result"),
            "{page}"
        );
        assert!(!page.contains("Connected"), "{page}");

        let (reply, browser) = held(Duration::from_secs(30)).await;
        reply.cancelled();
        let page = browser.await.unwrap();
        assert!(page.contains("The Lever sign-in was cancelled"), "{page}");
    }

    #[tokio::test]
    async fn connected_is_shown_only_when_the_app_says_so() {
        let (reply, browser) = held(Duration::from_secs(30)).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!browser.is_finished());
        reply.connected();
        let page = browser.await.unwrap();
        assert!(page.contains("Connected to Lever"), "{page}");
    }
}
