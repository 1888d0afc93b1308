//! Contract tests of the OAuth 2.0 authorization-server emulator over real
//! HTTP: a "browser" (reqwest without redirect following) walks the
//! authorize page and a client calls the token endpoint, as the desktop app
//! does.

use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use reqlink_sandbox::oauth::{
    BearerError, OAuthServer, OAuthServerConfig, RedirectRule, StandaloneOAuth,
};
use reqwest::{redirect, Client, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};
use url::Url;

const AUDIENCE: &str = "https://api.lever.co/v1/";
const SECRET: &str = "s3cret+with:odd/chars";
const REDIRECT: &str = "http://127.0.0.1:49152/callback";
const VERIFIER: &str = "verifier-0123456789-abcdefghijklmnopqrstuvwxyz_ABCDEFG~.";

fn lever_like() -> OAuthServerConfig {
    OAuthServerConfig {
        client_secret: Some(SECRET.into()),
        audience: Some(AUDIENCE.into()),
        offline_scope: Some("offline_access".into()),
        subjects: vec![
            ("user-1".into(), "Ada Recruiter".into()),
            ("user-2".into(), "Grace Coordinator".into()),
        ],
        ..OAuthServerConfig::new("Lever", "reqlink-desktop")
    }
}

struct Env {
    server: Arc<OAuthServer>,
    http: StandaloneOAuth,
    browser: Client,
    client: Client,
}

async fn start(config: OAuthServerConfig) -> Env {
    let server = OAuthServer::new(config);
    let http = server
        .serve_standalone("/authorize", "/oauth/token")
        .await
        .expect("bind");
    Env {
        server,
        http,
        browser: Client::builder()
            .redirect(redirect::Policy::none())
            .build()
            .unwrap(),
        client: Client::new(),
    }
}

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn authorize_params(scope: &str) -> Vec<(&'static str, String)> {
    vec![
        ("client_id", "reqlink-desktop".into()),
        ("redirect_uri", REDIRECT.into()),
        ("response_type", "code".into()),
        ("scope", scope.into()),
        ("state", "st-123".into()),
        ("code_challenge", challenge(VERIFIER)),
        ("code_challenge_method", "S256".into()),
        ("audience", AUDIENCE.into()),
    ]
}

fn without(mut params: Vec<(&'static str, String)>, key: &str) -> Vec<(&'static str, String)> {
    params.retain(|(k, _)| *k != key);
    params
}

fn with(
    mut params: Vec<(&'static str, String)>,
    key: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    params.retain(|(k, _)| *k != key);
    params.push((key, value.into()));
    params
}

/// GETs the authorize page; returns status, Location (if a redirect) and body.
async fn open_authorize(
    env: &Env,
    params: &[(&'static str, String)],
) -> (StatusCode, Option<Url>, String) {
    let resp = env
        .browser
        .get(&env.http.authorize_url)
        .query(params)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let location = resp
        .headers()
        .get("location")
        .map(|l| Url::parse(l.to_str().unwrap()).unwrap());
    (status, location, resp.text().await.unwrap())
}

fn hidden(html: &str, form: &str, name: &str) -> String {
    let start = html
        .find(&format!("id=\"{form}\""))
        .unwrap_or_else(|| panic!("form {form} in page"));
    let rest = &html[start..];
    let marker = format!("name=\"{name}\" value=\"");
    let at = rest.find(&marker).expect("hidden input") + marker.len();
    rest[at..].split('"').next().unwrap().to_owned()
}

/// Submits the Approve or Deny form; returns the redirect target.
async fn decide(env: &Env, page: &str, form: &str, extra: &[(&str, &str)]) -> Url {
    let mut fields = vec![
        ("request_id".to_owned(), hidden(page, form, "request_id")),
        ("decision".to_owned(), hidden(page, form, "decision")),
    ];
    fields.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let resp = env
        .browser
        .post(&env.http.authorize_url)
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_redirection(), "{}", resp.status());
    Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap()
}

fn query(url: &Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// Authorize + approve; returns the code.
async fn approved_code(env: &Env, scope: &str) -> String {
    let (status, _, page) = open_authorize(env, &authorize_params(scope)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let back = decide(env, &page, "approve", &[]).await;
    assert_eq!(query(&back, "state").as_deref(), Some("st-123"));
    query(&back, "code").expect("code in redirect")
}

async fn token(env: &Env, form: &[(&str, &str)], basic: bool) -> (StatusCode, Value) {
    let mut req = env.client.post(&env.http.token_url);
    if basic {
        req = req.basic_auth("reqlink-desktop", Some(form_encode(SECRET)));
    }
    let resp = req.form(form).send().await.unwrap();
    let status = resp.status();
    if status.is_success() {
        assert_eq!(resp.headers()["cache-control"], "no-store");
    }
    (status, resp.json().await.unwrap())
}

fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn redeem(env: &Env, code: &str, verifier: &str) -> (StatusCode, Value) {
    token(
        env,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
            ("audience", AUDIENCE),
        ],
        true,
    )
    .await
}

async fn refresh(env: &Env, refresh_token: &str) -> (StatusCode, Value) {
    token(
        env,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", "reqlink-desktop"),
            ("client_secret", SECRET),
        ],
        false,
    )
    .await
}

fn bearer(v: &Value) -> String {
    format!("Bearer {}", v["access_token"].as_str().unwrap())
}

fn assert_error(got: &(StatusCode, Value), status: StatusCode, error: &str) {
    assert_eq!(got.0, status, "{}", got.1);
    assert_eq!(got.1["error"], error, "{}", got.1);
    assert!(got.1["error_description"].is_string(), "{}", got.1);
}

#[tokio::test]
async fn full_code_flow_issues_working_tokens() {
    let env = start(lever_like()).await;
    let (status, _, page) = open_authorize(
        &env,
        &authorize_params("opportunities:read:admin offline_access"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Lever sandbox"), "{page}");
    assert!(page.contains("Reqlink wants access"), "{page}");
    assert!(page.contains("opportunities:read:admin"));
    assert!(page.contains("Approve") && page.contains("Deny"));

    // The page lets the user choose who signs in.
    let back = decide(&env, &page, "approve", &[("subject", "user-2")]).await;
    assert_eq!(back.origin(), Url::parse(REDIRECT).unwrap().origin());
    assert_eq!(back.path(), "/callback");
    let code = query(&back, "code").unwrap();
    assert!(code.len() >= 40, "unguessable code");

    let got = redeem(&env, &code, VERIFIER).await;
    assert_eq!(got.0, StatusCode::OK, "{}", got.1);
    assert_eq!(got.1["token_type"], "Bearer");
    assert_eq!(got.1["expires_in"], 3600);
    assert_eq!(got.1["scope"], "opportunities:read:admin offline_access");
    assert!(got.1["refresh_token"].is_string());
    let grant = env.server.check_bearer(Some(&bearer(&got.1))).unwrap();
    assert_eq!(grant.subject.as_deref(), Some("user-2"));
    assert_eq!(grant.client_id, "reqlink-desktop");
    assert!(grant.has_scope("opportunities:read:admin"));

    let stats = env.server.stats();
    assert_eq!(stats.codes_issued, 1);
    assert_eq!(stats.codes_redeemed, 1);
    assert_eq!(stats.tokens_issued, 1);
}

#[tokio::test]
async fn refresh_token_only_with_offline_scope_when_configured() {
    let env = start(lever_like()).await;
    let code = approved_code(&env, "opportunities:read:admin").await;
    let got = redeem(&env, &code, VERIFIER).await;
    assert_eq!(got.0, StatusCode::OK);
    assert!(got.1.get("refresh_token").is_none(), "{}", got.1);
    // Default subject: the first one.
    let grant = env.server.check_bearer(Some(&bearer(&got.1))).unwrap();
    assert_eq!(grant.subject.as_deref(), Some("user-1"));
}

#[tokio::test]
async fn bad_verifier_is_invalid_grant_and_spends_the_code() {
    let env = start(lever_like()).await;
    let code = approved_code(&env, "offline_access").await;
    let tampered = VERIFIER.replace('0', "1");
    assert_error(
        &redeem(&env, &code, &tampered).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
    assert_eq!(env.server.stats().pkce_failures, 1);
    // No second guess with the same code.
    assert_error(
        &redeem(&env, &code, VERIFIER).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
    // Missing verifier is a malformed request.
    let code = approved_code(&env, "offline_access").await;
    let got = token(
        &env,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("audience", AUDIENCE),
        ],
        true,
    )
    .await;
    assert_error(&got, StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn reused_code_is_rejected_and_revokes_its_tokens() {
    let env = start(lever_like()).await;
    let code = approved_code(&env, "offline_access").await;
    let first = redeem(&env, &code, VERIFIER).await;
    assert_eq!(first.0, StatusCode::OK);
    assert_error(
        &redeem(&env, &code, VERIFIER).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
    assert_eq!(
        env.server.check_bearer(Some(&bearer(&first.1))),
        Err(BearerError::Revoked)
    );
    assert_error(
        &refresh(&env, first.1["refresh_token"].as_str().unwrap()).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
}

#[tokio::test]
async fn expired_code_is_rejected() {
    let env = start(lever_like()).await;
    let code = approved_code(&env, "offline_access").await;
    env.server.advance_clock(Duration::from_secs(61));
    let got = redeem(&env, &code, VERIFIER).await;
    assert_error(&got, StatusCode::BAD_REQUEST, "invalid_grant");
    assert!(got.1["error_description"]
        .as_str()
        .unwrap()
        .contains("expired"));
}

#[tokio::test]
async fn bad_client_or_redirect_get_an_error_page_never_a_redirect() {
    let env = start(lever_like()).await;
    for params in [
        with(authorize_params(""), "client_id", "someone-else"),
        without(authorize_params(""), "client_id"),
        with(
            authorize_params(""),
            "redirect_uri",
            "https://evil.example/callback",
        ),
        with(
            authorize_params(""),
            "redirect_uri",
            "http://localhost:49152/callback",
        ),
        with(
            authorize_params(""),
            "redirect_uri",
            "http://127.0.0.1:49152/other",
        ),
        without(authorize_params(""), "redirect_uri"),
    ] {
        let (status, location, body) = open_authorize(&env, &params).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{params:?}");
        assert!(location.is_none(), "{params:?}");
        assert!(body.contains("<html"), "{body}");
    }
    // Any loopback port is allowed.
    let (status, _, _) = open_authorize(
        &env,
        &with(
            authorize_params(""),
            "redirect_uri",
            "http://127.0.0.1:61000/callback",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn exact_redirect_rule_matches_strings() {
    let env = start(OAuthServerConfig {
        redirect: RedirectRule::Exact(vec![REDIRECT.into()]),
        ..lever_like()
    })
    .await;
    let (status, _, _) = open_authorize(&env, &authorize_params("")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, location, _) = open_authorize(
        &env,
        &with(
            authorize_params(""),
            "redirect_uri",
            "http://127.0.0.1:49153/callback",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(location.is_none());
}

#[tokio::test]
async fn redirect_uri_must_match_on_redemption() {
    let env = start(lever_like()).await;
    let code = approved_code(&env, "offline_access").await;
    let got = token(
        &env,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:49153/callback"),
            ("code_verifier", VERIFIER),
            ("audience", AUDIENCE),
        ],
        true,
    )
    .await;
    assert_error(&got, StatusCode::BAD_REQUEST, "invalid_grant");
}

#[tokio::test]
async fn request_errors_after_a_valid_redirect_go_back_to_the_client() {
    let env = start(lever_like()).await;
    let cases = [
        (without(authorize_params(""), "audience"), "invalid_request"),
        (
            with(authorize_params(""), "audience", "https://api.lever.co/v1"),
            "invalid_request",
        ),
        (
            with(authorize_params(""), "code_challenge_method", "plain"),
            "invalid_request",
        ),
        (
            without(authorize_params(""), "code_challenge"),
            "invalid_request",
        ),
        (
            with(authorize_params(""), "response_type", "token"),
            "unsupported_response_type",
        ),
    ];
    for (params, error) in cases {
        let (status, location, _) = open_authorize(&env, &params).await;
        assert_eq!(status, StatusCode::FOUND, "{params:?}");
        let location = location.unwrap();
        assert_eq!(location.path(), "/callback");
        assert_eq!(
            query(&location, "error").as_deref(),
            Some(error),
            "{params:?}"
        );
        assert_eq!(query(&location, "state").as_deref(), Some("st-123"));
        assert!(query(&location, "code").is_none());
    }
}

#[tokio::test]
async fn audience_is_required_on_the_token_request_too() {
    let env = start(lever_like()).await;
    let code = approved_code(&env, "offline_access").await;
    let got = token(
        &env,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
        true,
    )
    .await;
    assert_error(&got, StatusCode::BAD_REQUEST, "invalid_request");
    assert!(got.1["error_description"]
        .as_str()
        .unwrap()
        .contains("audience"));
}

#[tokio::test]
async fn deny_redirects_with_access_denied_and_state() {
    let env = start(lever_like()).await;
    let (_, _, page) = open_authorize(&env, &authorize_params("offline_access")).await;
    let back = decide(&env, &page, "deny", &[]).await;
    assert_eq!(query(&back, "error").as_deref(), Some("access_denied"));
    assert_eq!(query(&back, "state").as_deref(), Some("st-123"));
    assert!(query(&back, "code").is_none());
    assert_eq!(env.server.stats().denied, 1);
    // The request id was one-time: approving afterwards fails with a page.
    let resp = env
        .browser
        .post(&env.http.authorize_url)
        .form(&[
            ("request_id", hidden(&page, "approve", "request_id")),
            ("decision", "approve".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.headers().get("location").is_none());
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_revokes_the_grant() {
    let env = start(lever_like()).await;
    let code = approved_code(&env, "offline_access opportunities:read:admin").await;
    let first = redeem(&env, &code, VERIFIER).await.1;
    let r1 = first["refresh_token"].as_str().unwrap().to_owned();

    let second = refresh(&env, &r1).await;
    assert_eq!(second.0, StatusCode::OK, "{}", second.1);
    let r2 = second.1["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    assert_ne!(first["access_token"], second.1["access_token"]);
    assert_eq!(second.1["scope"], "offline_access opportunities:read:admin");
    assert!(env.server.check_bearer(Some(&bearer(&second.1))).is_ok());

    // The new one works once more...
    let third = refresh(&env, &r2).await;
    assert_eq!(third.0, StatusCode::OK);
    let r3 = third.1["refresh_token"].as_str().unwrap().to_owned();
    // ...but the old one is rejected, and its replay revokes the family.
    assert_error(
        &refresh(&env, &r1).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
    assert_eq!(env.server.stats().refresh_reuse, 1);
    assert_error(
        &refresh(&env, &r3).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
    assert_eq!(
        env.server.check_bearer(Some(&bearer(&third.1))),
        Err(BearerError::Revoked)
    );
    assert_eq!(env.server.stats().refreshes, 2);
}

#[tokio::test]
async fn without_rotation_the_refresh_answer_has_no_refresh_token() {
    let env = start(OAuthServerConfig {
        rotate_refresh: false,
        offline_scope: None,
        ..lever_like()
    })
    .await;
    let rt = env.server.mint_refresh_token("isu-1", &["recruiting"]);
    for _ in 0..2 {
        let got = refresh(&env, &rt).await;
        assert_eq!(got.0, StatusCode::OK, "{}", got.1);
        assert!(got.1.get("refresh_token").is_none());
        assert_eq!(got.1["scope"], "recruiting");
        let grant = env.server.check_bearer(Some(&bearer(&got.1))).unwrap();
        assert_eq!(grant.subject.as_deref(), Some("isu-1"));
    }
}

#[tokio::test]
async fn refresh_tokens_expire_after_their_ttl() {
    let env = start(OAuthServerConfig {
        refresh_ttl: Some(Duration::from_secs(24 * 3600)),
        ..lever_like()
    })
    .await;
    let code = approved_code(&env, "offline_access").await;
    let r1 = redeem(&env, &code, VERIFIER).await.1["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    env.server.advance_clock(Duration::from_secs(23 * 3600));
    let got = refresh(&env, &r1).await;
    assert_eq!(got.0, StatusCode::OK);
    let r2 = got.1["refresh_token"].as_str().unwrap().to_owned();
    // A rotated token gets a fresh lifetime of its own.
    env.server.advance_clock(Duration::from_secs(23 * 3600));
    let got = refresh(&env, &r2).await;
    assert_eq!(got.0, StatusCode::OK);
    let r3 = got.1["refresh_token"].as_str().unwrap().to_owned();
    env.server.advance_clock(Duration::from_secs(24 * 3600 + 1));
    let got = refresh(&env, &r3).await;
    assert_error(&got, StatusCode::BAD_REQUEST, "invalid_grant");
    assert!(got.1["error_description"]
        .as_str()
        .unwrap()
        .contains("expired"));
}

#[tokio::test]
async fn revoke_all_kills_refresh_and_bearer_tokens() {
    let env = start(lever_like()).await;
    let code = approved_code(&env, "offline_access").await;
    let got = redeem(&env, &code, VERIFIER).await.1;
    let pending_code = approved_code(&env, "offline_access").await;
    env.server.revoke_all();
    assert_eq!(
        env.server.check_bearer(Some(&bearer(&got))),
        Err(BearerError::Revoked)
    );
    assert_error(
        &refresh(&env, got["refresh_token"].as_str().unwrap()).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
    assert_error(
        &redeem(&env, &pending_code, VERIFIER).await,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
    );
}

#[tokio::test]
async fn client_credentials_with_sub_and_basic_auth() {
    let env = start(OAuthServerConfig {
        allow_client_credentials: true,
        audience: None,
        ..lever_like()
    })
    .await;
    let got = token(
        &env,
        &[("grant_type", "client_credentials"), ("sub", "user-2")],
        true,
    )
    .await;
    assert_eq!(got.0, StatusCode::OK, "{}", got.1);
    assert!(got.1.get("refresh_token").is_none());
    let grant = env.server.check_bearer(Some(&bearer(&got.1))).unwrap();
    assert_eq!(grant.subject.as_deref(), Some("user-2"));
    assert_eq!(env.server.stats().client_credentials, 1);

    let unknown = token(
        &env,
        &[("grant_type", "client_credentials"), ("sub", "nobody")],
        true,
    )
    .await;
    assert_error(&unknown, StatusCode::BAD_REQUEST, "invalid_request");

    // Wrong secret: 401 invalid_client with a Basic challenge.
    let resp = env
        .client
        .post(&env.http.token_url)
        .basic_auth("reqlink-desktop", Some("wrong"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(resp.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Basic"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
}

#[tokio::test]
async fn client_credentials_refused_unless_allowed() {
    let env = start(lever_like()).await;
    let got = token(&env, &[("grant_type", "client_credentials")], true).await;
    assert_error(&got, StatusCode::BAD_REQUEST, "unauthorized_client");
    let got = token(&env, &[("grant_type", "password")], true).await;
    assert_error(&got, StatusCode::BAD_REQUEST, "unsupported_grant_type");
    let got = token(&env, &[("grant_type", "refresh_token")], false).await;
    assert_error(&got, StatusCode::UNAUTHORIZED, "invalid_client");
}

#[tokio::test]
async fn token_endpoint_requires_a_form_body_and_one_auth_method() {
    let env = start(lever_like()).await;
    let resp = env
        .client
        .post(&env.http.token_url)
        .basic_auth("reqlink-desktop", Some(form_encode(SECRET)))
        .json(&serde_json::json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );

    let got = token(
        &env,
        &[("grant_type", "refresh_token"), ("client_secret", SECRET)],
        true,
    )
    .await;
    assert_error(&got, StatusCode::BAD_REQUEST, "invalid_request");
}

#[tokio::test]
async fn public_client_uses_pkce_without_secret() {
    let env = start(OAuthServerConfig {
        client_secret: None,
        ..lever_like()
    })
    .await;
    let code = approved_code(&env, "offline_access").await;
    let got = token(
        &env,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "reqlink-desktop"),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
            ("audience", AUDIENCE),
        ],
        false,
    )
    .await;
    assert_eq!(got.0, StatusCode::OK, "{}", got.1);
}

#[tokio::test]
async fn bearer_tokens_expire() {
    let env = start(lever_like()).await;
    assert_eq!(env.server.check_bearer(None), Err(BearerError::Missing));
    assert_eq!(
        env.server.check_bearer(Some("Basic abc")),
        Err(BearerError::Missing)
    );
    assert_eq!(
        env.server.check_bearer(Some("Bearer nope")),
        Err(BearerError::Unknown)
    );

    let code = approved_code(&env, "offline_access").await;
    let got = redeem(&env, &code, VERIFIER).await.1;
    let auth = bearer(&got);
    assert!(env.server.check_bearer(Some(&auth)).is_ok());
    env.server.advance_clock(Duration::from_secs(3601));
    assert_eq!(
        env.server.check_bearer(Some(&auth)),
        Err(BearerError::Expired)
    );

    // A shorter TTL applies to tokens issued afterwards.
    env.server.set_access_ttl(Duration::from_secs(10));
    let fresh = refresh(&env, got["refresh_token"].as_str().unwrap())
        .await
        .1;
    assert_eq!(fresh["expires_in"], 10);
    let auth = bearer(&fresh);
    assert!(env.server.check_bearer(Some(&auth)).is_ok());
    env.server.expire_access_tokens();
    assert_eq!(
        env.server.check_bearer(Some(&auth)),
        Err(BearerError::Expired)
    );
    assert!(BearerError::Expired
        .www_authenticate("Lever")
        .contains("invalid_token"));
}

#[tokio::test]
async fn control_surface_over_http() {
    let env = start(OAuthServerConfig {
        offline_scope: None,
        ..lever_like()
    })
    .await;
    let base = format!("{}/_sandbox/oauth", env.http.base_url);
    let minted: Value = env
        .client
        .post(format!("{base}/refresh_tokens"))
        .json(&serde_json::json!({"subject": "isu", "scopes": ["a", "b"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rt = minted["refresh_token"].as_str().unwrap();
    let got = refresh(&env, rt).await.1;
    let auth = bearer(&got);

    let resp = env
        .client
        .post(format!("{base}/expire_access_tokens"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        env.server.check_bearer(Some(&auth)),
        Err(BearerError::Expired)
    );

    env.client
        .post(format!("{base}/revoke_all"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        env.server.check_bearer(Some(&auth)),
        Err(BearerError::Revoked)
    );

    let stats: Value = env
        .client
        .get(format!("{base}/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["refreshes"], 1);
    assert_eq!(stats["bearer_rejected"], 2);
}
