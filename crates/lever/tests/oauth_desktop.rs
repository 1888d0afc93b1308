//! The whole Lever OAuth path: the desktop flow signs in on the emulator's
//! consent page (audience included), the app's refreshing token source
//! feeds the connector, an expired token is renewed behind a call, and a
//! revoked grant surfaces as "reconnect".

use std::sync::Arc;
use std::time::Duration;

use reqlink_ats::{AtsConnector, AtsError, PageRequest, Resource};
use reqlink_lever::{LeverAuth, LeverClient, LeverConnector, AUDIENCE};
use reqlink_oauth::{
    ClientAuth, DesktopFlow, ProviderConfig, RefreshingTokens, TokenClient, TokenEndpoint,
};
use reqlink_sandbox::{LeverConfig, Sandbox, SandboxConfig};
use reqwest::{redirect, Client, StatusCode};

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    Some(&s[from..from + s[from..].find(end)?])
}

/// Presses Approve on the consent page as `subject`, then follows the
/// redirect to the app's loopback listener.
async fn approve(authorize_url: String, subject: String) -> StatusCode {
    let http = Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap();
    let page = http.get(&authorize_url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let form_end = html.find("id=\"approve\"").expect("an Approve form");
    // The action of the form the Approve id belongs to: the last one
    // opened before it.
    let action = html[..form_end]
        .rsplit("action=\"")
        .next()
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .replace("&amp;", "&");
    let request_id = between(&html[form_end..], "name=\"request_id\" value=\"", "\"").unwrap();
    let target = url::Url::parse(&authorize_url)
        .unwrap()
        .join(&action)
        .unwrap();
    let answer = http
        .post(target)
        .form(&[
            ("request_id", request_id),
            ("decision", "approve"),
            ("subject", &subject),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::FOUND);
    let back = answer.headers()["location"].to_str().unwrap().to_owned();
    http.get(back).send().await.unwrap().status()
}

#[tokio::test]
async fn desktop_sign_in_then_refresh_then_revoke() {
    let sb = Sandbox::start(SandboxConfig {
        jobs: 5,
        candidates: 30,
        applications: 40,
        rate_limit: None,
        lever: LeverConfig {
            rate_limit: None,
            ..LeverConfig::default()
        },
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    assert_eq!(sb.lever_oauth_audience(), AUDIENCE);
    let endpoint = TokenEndpoint {
        vendor: "Lever",
        token_url: sb.lever_oauth_token_url(),
        client_id: sb.lever_oauth_client_id(),
        client_secret: Some(sb.lever_oauth_client_secret()),
        client_auth: ClientAuth::Body,
        extra: vec![("audience".into(), AUDIENCE.into())],
    };
    let provider = ProviderConfig {
        authorize_url: sb.lever_oauth_authorize_url(),
        token: endpoint.clone(),
        scopes: [
            "opportunities:read:admin",
            "postings:read:admin",
            "stages:read:admin",
            "users:read:admin",
            "archive_reasons:read:admin",
            "notes:write:admin",
            "offline_access",
        ]
        .map(String::from)
        .to_vec(),
        authorize_extra: vec![("audience".into(), AUDIENCE.into())],
        fixed_port: None,
    };
    let flow = DesktopFlow::start(&provider).await.unwrap();
    let browser = tokio::spawn(approve(
        flow.authorize_url().to_string(),
        sb.lever_user_id(),
    ));
    let tokens = flow.finish(Duration::from_secs(10)).await.unwrap();
    assert_eq!(browser.await.unwrap(), StatusCode::OK);
    assert!(
        tokens.refresh_token.is_some(),
        "offline_access gives a refresh token"
    );

    let source = Arc::new(RefreshingTokens::new(
        TokenClient::new(endpoint).unwrap(),
        tokens,
    ));
    let c = LeverConnector::new(
        LeverClient::new(&sb.lever_base_url(), LeverAuth::Bearer(source.clone())).unwrap(),
    );
    let page = c
        .list(Resource::Candidates, PageRequest::default())
        .await
        .unwrap();
    assert!(!page.records.applications.is_empty());

    sb.control().lever_expire_access_tokens();
    let jobs = c
        .list(Resource::Jobs, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(jobs.records.jobs.len(), 5, "renewed behind the call");

    sb.control().lever_revoke_tokens();
    let err = c
        .list(Resource::Users, PageRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(err, AtsError::NeedsReconnect { .. }), "{err:?}");
}
