//! The authorize endpoint: validation, the consent page and its decision.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use url::Url;

use super::{
    ms, non_empty, parse_form, random_token, split_scopes, CodeRecord, OAuthServer,
    OAuthServerConfig, Pending, PENDING_TTL_MS,
};

pub(super) async fn authorize_page(
    State(server): State<Arc<OAuthServer>>,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Response {
    let vendor = server.config.vendor;
    let params = match parse_form(query.as_deref().unwrap_or("").as_bytes()) {
        Ok(p) => p,
        Err(msg) => return error_page(vendor, "The sign-in link is malformed", &msg),
    };
    match non_empty(&params, "client_id") {
        None => {
            return error_page(
                vendor,
                "The sign-in link has no client_id",
                "The application that sent you here did not identify itself.",
            )
        }
        Some(id) if id != server.config.client_id => {
            return error_page(
                vendor,
                "Unknown application",
                "The client_id in the sign-in link is not registered with this server. Check the client ID configured in the application.",
            )
        }
        Some(_) => {}
    }
    let redirect_uri = match non_empty(&params, "redirect_uri") {
        None => {
            return error_page(
                vendor,
                "The sign-in link has no redirect_uri",
                "The application must say where to send you back after signing in.",
            )
        }
        Some(r) if !server.redirect_allowed(r) => {
            return error_page(
                vendor,
                "Redirect URI not allowed",
                "The redirect_uri in the sign-in link is not registered for this application, so you are not being sent back to it.",
            )
        }
        Some(r) => r.to_owned(),
    };
    let state = params.get("state").cloned();
    // From here on the redirect URI is trusted: errors go back to the client.
    let fail = |error: &str, description: &str| {
        error_redirect(&redirect_uri, error, description, state.as_deref())
    };
    match non_empty(&params, "response_type") {
        None => return fail("invalid_request", "response_type is required"),
        Some("code") => {}
        Some(_) => {
            return fail(
                "unsupported_response_type",
                "only response_type=code is supported",
            )
        }
    }
    let public = server.config.client_secret.is_none();
    let challenge = non_empty(&params, "code_challenge").map(str::to_owned);
    match (&challenge, non_empty(&params, "code_challenge_method")) {
        (None, _) if server.config.require_pkce || public => {
            server.lock().stats.pkce_failures += 1;
            return fail("invalid_request", "code_challenge is required (PKCE)");
        }
        (None, Some(_)) => {
            return fail(
                "invalid_request",
                "code_challenge_method given without code_challenge",
            )
        }
        (None, None) => {}
        (Some(c), method) => {
            if method != Some("S256") {
                server.lock().stats.pkce_failures += 1;
                return fail(
                    "invalid_request",
                    "code_challenge_method must be S256 (plain is not supported)",
                );
            }
            if c.len() != 43 || URL_SAFE_NO_PAD.decode(c).is_err() {
                server.lock().stats.pkce_failures += 1;
                return fail(
                    "invalid_request",
                    "code_challenge must be the base64url SHA-256 of the verifier",
                );
            }
        }
    }
    if let Some(expected) = &server.config.audience {
        match non_empty(&params, "audience") {
            None => return fail("invalid_request", "audience is required"),
            Some(a) if a != expected => {
                return fail("invalid_request", "audience is not a known API identifier")
            }
            Some(_) => {}
        }
    }
    let scopes = split_scopes(params.get("scope").map(String::as_str));
    if let Some(known) = &server.config.known_scopes {
        if let Some(bad) = scopes.iter().find(|s| !known.contains(s)) {
            return fail("invalid_scope", &format!("unknown scope {bad}"));
        }
    }

    let request_id = random_token();
    let now = server.now_ms();
    {
        let mut inner = server.lock();
        inner.pending.retain(|_, p| p.expires_at_ms > now);
        inner.pending.insert(
            request_id.clone(),
            Pending {
                redirect_uri,
                scopes: scopes.clone(),
                state,
                challenge,
                expires_at_ms: now + PENDING_TTL_MS,
            },
        );
        inner.stats.authorize_pages += 1;
    }
    consent_page(&server.config, uri.path(), &request_id, &scopes)
}

pub(super) async fn authorize_decision(
    State(server): State<Arc<OAuthServer>>,
    body: Bytes,
) -> Response {
    let vendor = server.config.vendor;
    let params = match parse_form(&body) {
        Ok(p) => p,
        Err(msg) => return error_page(vendor, "The consent form is malformed", &msg),
    };
    let Some(request_id) = non_empty(&params, "request_id") else {
        return error_page(
            vendor,
            "The consent form is incomplete",
            "Start the connection again from the application.",
        );
    };
    let now = server.now_ms();
    let mut inner = server.lock();
    let pending = match inner.pending.remove(request_id) {
        Some(p) if p.expires_at_ms > now => p,
        _ => {
            return error_page(
                vendor,
                "This sign-in request has already been used or has expired",
                "Start the connection again from the application.",
            )
        }
    };
    match non_empty(&params, "decision") {
        Some("approve") => {}
        Some("deny") => {
            inner.stats.denied += 1;
            return error_redirect(
                &pending.redirect_uri,
                "access_denied",
                "the user denied the request",
                pending.state.as_deref(),
            );
        }
        _ => {
            return error_page(
                vendor,
                "The consent form is incomplete",
                "Choose Approve or Deny.",
            )
        }
    }
    let subject = match non_empty(&params, "subject") {
        Some(s) if server.config.subjects.iter().any(|(id, _)| id == s) => Some(s.to_owned()),
        Some(_) => {
            return error_page(
                vendor,
                "Unknown user",
                "Pick one of the users on the sign-in page.",
            )
        }
        None => server.config.subjects.first().map(|(id, _)| id.clone()),
    };
    let code = random_token();
    inner.codes.insert(
        code.clone(),
        CodeRecord {
            client_id: server.config.client_id.clone(),
            subject,
            scopes: pending.scopes,
            redirect_uri: pending.redirect_uri.clone(),
            challenge: pending.challenge,
            expires_at_ms: now + ms(server.config.code_ttl),
            redeemed_grant: None,
            spent: false,
        },
    );
    inner.stats.codes_issued += 1;
    let mut url = Url::parse(&pending.redirect_uri).expect("validated redirect URI");
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("code", &code);
        if let Some(state) = &pending.state {
            q.append_pair("state", state);
        }
    }
    found(&url)
}

fn error_redirect(
    redirect_uri: &str,
    error: &str,
    description: &str,
    state: Option<&str>,
) -> Response {
    let mut url = Url::parse(redirect_uri).expect("validated redirect URI");
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("error", error);
        q.append_pair("error_description", description);
        if let Some(state) = state {
            q.append_pair("state", state);
        }
    }
    found(&url)
}

/// 302 Found, the status RFC 6749 §4.1.2 examples use (axum's `Redirect`
/// offers 303/307/308 only).
fn found(url: &Url) -> Response {
    let mut resp = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(url.as_str()) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;background:#f4f5f7;color:#1d2330;margin:0}\
main{max-width:28rem;margin:4rem auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 2px 12px rgba(0,0,0,.08)}\
h1{font-size:1.25rem;margin:0 0 1rem}.tag{font-size:.75rem;text-transform:uppercase;letter-spacing:.05em;color:#6b7385}\
ul{padding-left:1.2rem}code{background:#f0f1f4;padding:.1rem .3rem;border-radius:4px}\
.row{display:flex;gap:.75rem;margin-top:1.5rem}button{flex:1;font:inherit;padding:.6rem;border-radius:8px;border:1px solid #c9ced8;background:#fff;cursor:pointer}\
button.primary{background:#2f5bd3;border-color:#2f5bd3;color:#fff}select{font:inherit;width:100%;padding:.4rem}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        escape(title)
    )
}

fn consent_page(
    config: &OAuthServerConfig,
    action: &str,
    request_id: &str,
    scopes: &[String],
) -> Response {
    let vendor = escape(config.vendor);
    let mut body = String::new();
    let _ = write!(
        body,
        "<p class=\"tag\">{vendor} sandbox</p><h1>Reqlink wants access to your {vendor} account</h1>"
    );
    if scopes.is_empty() {
        body.push_str("<p>No specific permissions were requested.</p>");
    } else {
        body.push_str("<p>It asks for these permissions:</p><ul>");
        for s in scopes {
            let _ = write!(body, "<li><code>{}</code></li>", escape(s));
        }
        body.push_str("</ul>");
    }
    let action = escape(action);
    let rid = escape(request_id);
    let _ = write!(
        body,
        "<form method=\"post\" action=\"{action}\" id=\"approve\">\
<input type=\"hidden\" name=\"request_id\" value=\"{rid}\">\
<input type=\"hidden\" name=\"decision\" value=\"approve\">"
    );
    if !config.subjects.is_empty() {
        body.push_str("<p><label>Sign in as<br><select name=\"subject\">");
        for (id, name) in &config.subjects {
            let _ = write!(
                body,
                "<option value=\"{}\">{}</option>",
                escape(id),
                escape(name)
            );
        }
        body.push_str("</select></label></p>");
    }
    let _ = write!(
        body,
        "</form><form method=\"post\" action=\"{action}\" id=\"deny\">\
<input type=\"hidden\" name=\"request_id\" value=\"{rid}\">\
<input type=\"hidden\" name=\"decision\" value=\"deny\"></form>\
<div class=\"row\"><button type=\"submit\" form=\"deny\">Deny</button>\
<button type=\"submit\" form=\"approve\" class=\"primary\">Approve</button></div>"
    );
    let mut resp = Html(page(
        &format!("{} sandbox: authorize Reqlink", config.vendor),
        &body,
    ))
    .into_response();
    // The consent page must not be framed (clickjacking) nor cached.
    let headers = resp.headers_mut();
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn error_page(vendor: &str, title: &str, detail: &str) -> Response {
    let body = format!(
        "<p class=\"tag\">{} sandbox</p><h1>{}</h1><p>{}</p>",
        escape(vendor),
        escape(title),
        escape(detail)
    );
    (StatusCode::BAD_REQUEST, Html(page(title, &body))).into_response()
}
