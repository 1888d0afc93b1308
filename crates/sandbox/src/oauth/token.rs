//! The token endpoint: client authentication and the three grants.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::{
    constant_time_eq, non_empty, parse_form, s256, split_scopes, valid_verifier, GrantRecord,
    OAuthServer, TokenAnswer,
};

struct TokenError {
    status: StatusCode,
    error: &'static str,
    description: String,
}

impl TokenError {
    fn new(error: &'static str, description: impl Into<String>) -> Self {
        let status = if error == "invalid_client" {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        Self {
            status,
            error,
            description: description.into(),
        }
    }
}

fn no_store(resp: &mut Response) {
    let headers = resp.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

pub(super) async fn token(
    State(server): State<Arc<OAuthServer>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = token_inner(&server, &headers, &body);
    let mut resp = match result {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => {
            {
                let mut inner = server.lock();
                match e.error {
                    "invalid_grant" => inner.stats.invalid_grant += 1,
                    "invalid_client" => inner.stats.invalid_client += 1,
                    "invalid_request" => inner.stats.invalid_request += 1,
                    _ => {}
                }
            }
            let mut resp = (
                e.status,
                Json(serde_json::json!({
                    "error": e.error,
                    "error_description": e.description,
                })),
            )
                .into_response();
            if e.status == StatusCode::UNAUTHORIZED {
                let realm = format!("Basic realm=\"{}\"", server.config.vendor);
                if let Ok(v) = HeaderValue::from_str(&realm) {
                    resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
                }
            }
            resp
        }
    };
    no_store(&mut resp);
    resp
}

fn token_inner(
    server: &OAuthServer,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<TokenAnswer, TokenError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = content_type.split(';').next().unwrap_or("").trim();
    if !mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(TokenError::new(
            "invalid_request",
            "the token request must be application/x-www-form-urlencoded",
        ));
    }
    let params = parse_form(body).map_err(|m| TokenError::new("invalid_request", m))?;
    authenticate_client(server, headers, &params)?;
    let grant_type = non_empty(&params, "grant_type")
        .ok_or_else(|| TokenError::new("invalid_request", "grant_type is required"))?;
    match grant_type {
        "authorization_code" => redeem_code(server, &params),
        "refresh_token" => refresh(server, &params),
        "client_credentials" => client_credentials(server, &params),
        _ => Err(TokenError::new(
            "unsupported_grant_type",
            "grant_type must be authorization_code, refresh_token or client_credentials",
        )),
    }
}

/// RFC 6749 §2.3.1: HTTP Basic (form-encoded id and secret) or the body,
/// never both.
fn authenticate_client(
    server: &OAuthServer,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Result<(), TokenError> {
    let basic = match headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        None => None,
        Some(value) => {
            let (scheme, rest) = value.trim().split_once(' ').unwrap_or((value, ""));
            if !scheme.eq_ignore_ascii_case("basic") {
                return Err(TokenError::new(
                    "invalid_client",
                    "client authentication must use HTTP Basic",
                ));
            }
            let decoded = STANDARD
                .decode(rest.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| TokenError::new("invalid_client", "malformed Basic credentials"))?;
            let (id, secret) = decoded
                .split_once(':')
                .ok_or_else(|| TokenError::new("invalid_client", "malformed Basic credentials"))?;
            Some((form_decode(id), form_decode(secret)))
        }
    };
    let body_id = params.get("client_id").cloned();
    let body_secret = params.get("client_secret").cloned();
    let (client_id, secret) = match basic {
        Some(creds) => {
            if body_secret.is_some() {
                return Err(TokenError::new(
                    "invalid_request",
                    "use one client authentication method: HTTP Basic or the request body, not both",
                ));
            }
            if body_id.as_ref().is_some_and(|b| *b != creds.0) {
                return Err(TokenError::new(
                    "invalid_request",
                    "client_id in the body differs from the Basic credentials",
                ));
            }
            (creds.0, Some(creds.1))
        }
        None => (
            body_id.ok_or_else(|| {
                TokenError::new("invalid_client", "client authentication is required")
            })?,
            body_secret,
        ),
    };
    if client_id != server.config.client_id {
        return Err(TokenError::new("invalid_client", "unknown client"));
    }
    if let Some(expected) = &server.config.client_secret {
        match secret {
            Some(s) if constant_time_eq(s.as_bytes(), expected.as_bytes()) => {}
            Some(_) => return Err(TokenError::new("invalid_client", "wrong client secret")),
            None => {
                return Err(TokenError::new(
                    "invalid_client",
                    "this client must authenticate with its client secret",
                ))
            }
        }
    }
    Ok(())
}

fn form_decode(s: &str) -> String {
    // Reuse the form decoder on a single value: `+` is a space and
    // percent-escapes are decoded, as RFC 6749 §2.3.1 prescribes.
    url::form_urlencoded::parse(format!("v={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn check_audience(
    server: &OAuthServer,
    params: &HashMap<String, String>,
    required: bool,
) -> Result<(), TokenError> {
    let Some(expected) = &server.config.audience else {
        return Ok(());
    };
    match non_empty(params, "audience") {
        None if required => Err(TokenError::new("invalid_request", "audience is required")),
        None => Ok(()),
        Some(a) if a == expected => Ok(()),
        Some(_) => Err(TokenError::new(
            "invalid_request",
            "audience is not a known API identifier",
        )),
    }
}

fn redeem_code(
    server: &OAuthServer,
    params: &HashMap<String, String>,
) -> Result<TokenAnswer, TokenError> {
    let code = non_empty(params, "code")
        .ok_or_else(|| TokenError::new("invalid_request", "code is required"))?;
    let redirect_uri = non_empty(params, "redirect_uri")
        .ok_or_else(|| TokenError::new("invalid_request", "redirect_uri is required"))?;
    check_audience(server, params, true)?;
    let now = server.now_ms();
    let mut inner = server.lock();
    let Some(record) = inner.codes.get_mut(code) else {
        return Err(TokenError::new(
            "invalid_grant",
            "the authorization code is not recognised",
        ));
    };
    if let Some(grant) = record.redeemed_grant {
        // RFC 6749 §4.1.2: a replayed code revokes what it produced.
        record.spent = true;
        if let Some(g) = inner.grants.get_mut(&grant) {
            g.revoked = true;
        }
        return Err(TokenError::new(
            "invalid_grant",
            "the authorization code has already been used",
        ));
    }
    if record.spent {
        return Err(TokenError::new(
            "invalid_grant",
            "the authorization code has already been used",
        ));
    }
    // Any redemption attempt spends the code, so a verifier cannot be guessed
    // by repeated tries.
    record.spent = true;
    if now >= record.expires_at_ms {
        return Err(TokenError::new(
            "invalid_grant",
            "the authorization code has expired",
        ));
    }
    if record.client_id != server.config.client_id {
        return Err(TokenError::new(
            "invalid_grant",
            "the authorization code was issued to another client",
        ));
    }
    if record.redirect_uri != redirect_uri {
        return Err(TokenError::new(
            "invalid_grant",
            "redirect_uri does not match the one used in the authorization request",
        ));
    }
    if let Some(challenge) = record.challenge.clone() {
        let Some(verifier) = non_empty(params, "code_verifier") else {
            inner.stats.pkce_failures += 1;
            return Err(TokenError::new(
                "invalid_request",
                "code_verifier is required",
            ));
        };
        if !valid_verifier(verifier)
            || !constant_time_eq(s256(verifier).as_bytes(), challenge.as_bytes())
        {
            inner.stats.pkce_failures += 1;
            return Err(TokenError::new(
                "invalid_grant",
                "code_verifier does not match the code_challenge",
            ));
        }
    } else if params.contains_key("code_verifier") {
        return Err(TokenError::new(
            "invalid_request",
            "code_verifier given but the authorization request had no code_challenge",
        ));
    }
    let scopes = record.scopes.clone();
    let subject = record.subject.clone();
    let grant = inner.new_grant(GrantRecord {
        client_id: server.config.client_id.clone(),
        subject,
        scopes: scopes.clone(),
        revoked: false,
    });
    if let Some(record) = inner.codes.get_mut(code) {
        record.redeemed_grant = Some(grant);
    }
    inner.stats.codes_redeemed += 1;
    let with_refresh = server.offline_granted(&scopes);
    Ok(server.issue_tokens(&mut inner, grant, with_refresh, now))
}

fn refresh(
    server: &OAuthServer,
    params: &HashMap<String, String>,
) -> Result<TokenAnswer, TokenError> {
    let token = non_empty(params, "refresh_token")
        .ok_or_else(|| TokenError::new("invalid_request", "refresh_token is required"))?;
    check_audience(server, params, false)?;
    let now = server.now_ms();
    let mut inner = server.lock();
    let (grant_id, rotated, expires_at_ms) = match inner.refresh.get(token) {
        Some(r) => (r.grant, r.rotated, r.expires_at_ms),
        None => {
            return Err(TokenError::new(
                "invalid_grant",
                "the refresh token is not recognised",
            ))
        }
    };
    let (revoked, scopes) = match inner.grants.get(&grant_id) {
        Some(g) if g.client_id == server.config.client_id => (g.revoked, g.scopes.clone()),
        _ => {
            return Err(TokenError::new(
                "invalid_grant",
                "the refresh token was issued to another client",
            ))
        }
    };
    if revoked {
        return Err(TokenError::new(
            "invalid_grant",
            "the grant has been revoked; sign in again",
        ));
    }
    if rotated {
        // RFC 9700 §4.14.2: a rotated token seen again means it leaked (or
        // two refreshes raced): revoke the whole grant.
        inner.stats.refresh_reuse += 1;
        if let Some(g) = inner.grants.get_mut(&grant_id) {
            g.revoked = true;
        }
        return Err(TokenError::new(
            "invalid_grant",
            "the refresh token has already been used; the grant is revoked",
        ));
    }
    if expires_at_ms.is_some_and(|at| now >= at) {
        return Err(TokenError::new(
            "invalid_grant",
            "the refresh token has expired",
        ));
    }
    if let Some(requested) = non_empty(params, "scope") {
        let requested = split_scopes(Some(requested));
        if let Some(extra) = requested.iter().find(|s| !scopes.contains(s)) {
            return Err(TokenError::new(
                "invalid_scope",
                format!("scope {extra} was not granted"),
            ));
        }
    }
    if server.config.rotate_refresh {
        if let Some(r) = inner.refresh.get_mut(token) {
            r.rotated = true;
        }
    }
    inner.stats.refreshes += 1;
    Ok(server.issue_tokens(&mut inner, grant_id, server.config.rotate_refresh, now))
}

fn client_credentials(
    server: &OAuthServer,
    params: &HashMap<String, String>,
) -> Result<TokenAnswer, TokenError> {
    if !server.config.allow_client_credentials || server.config.client_secret.is_none() {
        return Err(TokenError::new(
            "unauthorized_client",
            "this client may not use the client_credentials grant",
        ));
    }
    let subject = non_empty(params, "sub").map(str::to_owned);
    if let Some(sub) = &subject {
        if !server.config.subjects.is_empty()
            && !server.config.subjects.iter().any(|(id, _)| id == sub)
        {
            return Err(TokenError::new(
                "invalid_request",
                "sub is not a user of this organization",
            ));
        }
    }
    let scopes = split_scopes(params.get("scope").map(String::as_str));
    if let Some(known) = &server.config.known_scopes {
        if let Some(bad) = scopes.iter().find(|s| !known.contains(s)) {
            return Err(TokenError::new(
                "invalid_scope",
                format!("unknown scope {bad}"),
            ));
        }
    }
    let now = server.now_ms();
    let mut inner = server.lock();
    let grant = inner.new_grant(GrantRecord {
        client_id: server.config.client_id.clone(),
        subject,
        scopes,
        revoked: false,
    });
    inner.stats.client_credentials += 1;
    // RFC 6749 §4.4.3: no refresh token for client credentials.
    Ok(server.issue_tokens(&mut inner, grant, false, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_decoded() {
        assert_eq!(form_decode("a%3Ab+c"), "a:b c");
    }
}
