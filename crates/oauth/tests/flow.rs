//! The desktop sign-in against the sandbox authorization server over real
//! HTTP, driven by a scripted browser.

mod common;

use std::time::Duration;

use common::{lever_config, start, Browser, AUDIENCE, SECRET};
use reqlink_oauth::{
    AuthorizeRequest, CancelHandle, ClientAuth, DesktopFlow, LoopbackListener, OAuthError, Pkce,
    ProviderConfig,
};
use reqlink_sandbox::oauth::{OAuthServerConfig, RedirectRule};
use reqwest::StatusCode;

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn full_desktop_flow_yields_working_tokens() {
    let auth = start(lever_config()).await;
    let flow = DesktopFlow::start(&auth.provider(ClientAuth::Basic))
        .await
        .unwrap();
    assert!(flow.redirect_uri().starts_with("http://127.0.0.1:"));
    assert!(flow.redirect_uri().ends_with("/callback"));
    let url = flow.authorize_url().to_string();
    let browser = tokio::spawn(async move { Browser::new().sign_in(&url, "approve").await });

    let tokens = flow.finish(WAIT).await.unwrap();
    let landing = browser.await.unwrap();
    assert_eq!(landing.status, StatusCode::OK);
    assert!(
        landing.body.contains("Connected to Lever")
            && landing
                .body
                .contains("You can close this tab and return to Reqlink."),
        "{}",
        landing.body
    );

    let grant = auth
        .server
        .check_bearer(Some(&format!("Bearer {}", tokens.access_token)))
        .unwrap();
    assert_eq!(grant.subject.as_deref(), Some("user-1"));
    assert!(tokens.refresh_token.is_some());
    assert_eq!(
        tokens.scope.as_deref(),
        Some("opportunities:read:admin offline_access")
    );
    let left = tokens.expires_at - reqlink_oauth::unix_now();
    assert!((3590..=3600).contains(&left), "{left}");
    assert!(!format!("{tokens:?}").contains(&tokens.access_token));
}

#[tokio::test]
async fn body_client_auth_and_public_clients_work_too() {
    let auth = start(lever_config()).await;
    let flow = DesktopFlow::start(&auth.provider(ClientAuth::Body))
        .await
        .unwrap();
    let url = flow.authorize_url().to_string();
    tokio::spawn(async move { Browser::new().sign_in(&url, "approve").await });
    flow.finish(WAIT).await.unwrap();

    let public = start(OAuthServerConfig {
        client_secret: None,
        ..lever_config()
    })
    .await;
    let flow = DesktopFlow::start(&public.provider(ClientAuth::Basic))
        .await
        .unwrap();
    let url = flow.authorize_url().to_string();
    tokio::spawn(async move { Browser::new().sign_in(&url, "approve").await });
    let tokens = flow.finish(WAIT).await.unwrap();
    assert!(public
        .server
        .check_bearer(Some(&format!("Bearer {}", tokens.access_token)))
        .is_ok());
}

#[tokio::test]
async fn the_browser_waits_for_the_apps_verdict() {
    let auth = start(lever_config()).await;
    let flow = DesktopFlow::start(&auth.provider(ClientAuth::Basic))
        .await
        .unwrap();
    let url = flow.authorize_url().to_string();
    let browser = tokio::spawn(async move { Browser::new().sign_in(&url, "approve").await });

    // Tokens in hand, but the app has yet to try them.
    let (_tokens, reply) = flow.finish_pending(WAIT).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!browser.is_finished(), "the browser got a page too early");

    reply.failed("Lever answered HTTP 403 on GET /v1/users/me; sign in as a Lever admin");
    let landing = browser.await.unwrap();
    assert_eq!(landing.status, StatusCode::OK);
    assert!(
        landing.body.contains("Reqlink could not connect to Lever")
            && landing.body.contains("sign in as a Lever admin"),
        "{}",
        landing.body
    );
    assert!(!landing.body.contains("Connected"), "{}", landing.body);
}

#[tokio::test]
async fn a_failed_exchange_shows_why_in_the_browser() {
    let auth = start(lever_config()).await;
    let mut provider = auth.provider(ClientAuth::Basic);
    provider.token.client_secret = Some("not-the-right-secret".into());
    let flow = DesktopFlow::start(&provider).await.unwrap();
    let url = flow.authorize_url().to_string();
    let browser = tokio::spawn(async move { Browser::new().sign_in(&url, "approve").await });

    let err = flow.finish(WAIT).await.unwrap_err();
    assert!(matches!(err, OAuthError::InvalidClient { .. }), "{err:?}");
    let landing = browser.await.unwrap();
    assert!(
        landing.body.contains("Reqlink could not connect to Lever")
            && landing.body.contains("check the client ID and secret"),
        "{}",
        landing.body
    );
    assert!(!landing.body.contains("Connected"), "{}", landing.body);
    assert!(!landing.body.contains("not-the-right-secret"));
    assert_eq!(auth.server.stats().tokens_issued, 0);
}

#[tokio::test]
async fn denying_access_is_a_clear_error() {
    let auth = start(lever_config()).await;
    let flow = DesktopFlow::start(&auth.provider(ClientAuth::Basic))
        .await
        .unwrap();
    let url = flow.authorize_url().to_string();
    let browser = tokio::spawn(async move { Browser::new().sign_in(&url, "deny").await });
    let err = flow.finish(WAIT).await.unwrap_err();
    assert!(
        matches!(err, OAuthError::AccessDenied { vendor: "Lever" }),
        "{err:?}"
    );
    assert!(err
        .to_string()
        .contains("you denied Reqlink access in Lever"));
    let landing = browser.await.unwrap();
    assert!(landing.body.contains("You chose Deny"), "{}", landing.body);
}

#[tokio::test]
async fn a_callback_with_another_state_is_refused() {
    let auth = start(lever_config()).await;
    let flow = DesktopFlow::start(&auth.provider(ClientAuth::Basic))
        .await
        .unwrap();
    let url = flow.authorize_url().to_string();
    let redirect_uri = flow.redirect_uri().to_owned();
    let browser = tokio::spawn(async move {
        let b = Browser::new();
        // Stray requests (favicon, a bare visit) are answered and ignored.
        let favicon = b
            .land(&url::Url::parse(&redirect_uri.replace("/callback", "/favicon.ico")).unwrap())
            .await;
        assert_eq!(favicon.status, StatusCode::NOT_FOUND);
        let bare = b.land(&url::Url::parse(&redirect_uri).unwrap()).await;
        assert_eq!(bare.status, StatusCode::BAD_REQUEST);

        let mut back = b.press(&url, "approve").await;
        let code = back
            .query_pairs()
            .find(|(k, _)| k == "code")
            .unwrap()
            .1
            .into_owned();
        back.query_pairs_mut()
            .clear()
            .append_pair("code", &code)
            .append_pair("state", "forged-by-another-site");
        b.land(&back).await
    });
    let err = flow.finish(WAIT).await.unwrap_err();
    assert!(matches!(err, OAuthError::StateMismatch), "{err:?}");
    assert!(err.to_string().contains("cross-site request forgery"));
    let landing = browser.await.unwrap();
    assert_eq!(landing.status, StatusCode::BAD_REQUEST);
    assert!(landing.body.contains("refused"), "{}", landing.body);
    assert_eq!(auth.server.stats().codes_redeemed, 0);
}

#[tokio::test]
async fn a_tampered_verifier_is_refused_by_the_server() {
    let auth = start(lever_config()).await;
    let listener = LoopbackListener::bind(None).await.unwrap();
    let pkce = Pkce::generate();
    let state = reqlink_oauth::random_state();
    let url = AuthorizeRequest {
        authorize_url: auth.http.authorize_url.clone(),
        client_id: common::CLIENT_ID.into(),
        redirect_uri: listener.redirect_uri(),
        scopes: vec!["offline_access".into()],
        state: state.clone(),
        code_challenge: pkce.challenge().into(),
        extra: vec![("audience".into(), AUDIENCE.into())],
    }
    .to_url()
    .unwrap();
    let redirect_uri = listener.redirect_uri();
    tokio::spawn(async move { Browser::new().sign_in(url.as_str(), "approve").await });
    let (code, _browser) = listener
        .wait_for_code("Lever", &state, WAIT, &CancelHandle::new())
        .await
        .unwrap();
    assert_eq!(format!("{code:?}"), "AuthorizationCode(<redacted>)");

    let other = Pkce::generate();
    let err = auth
        .client(ClientAuth::Basic)
        .exchange_code(code.as_str(), other.verifier(), &redirect_uri)
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::InvalidGrant { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("invalid_grant") && msg.contains("code_verifier"),
        "{msg}"
    );
    assert!(msg.contains("POST /oauth/token"), "{msg}");
    for secret in [code.as_str(), other.verifier(), pkce.verifier(), SECRET] {
        assert!(!msg.contains(secret));
    }
    assert_eq!(auth.server.stats().pkce_failures, 1);
}

#[tokio::test]
async fn a_wrong_client_secret_is_reported_without_the_secret() {
    let auth = start(OAuthServerConfig {
        allow_client_credentials: true,
        ..lever_config()
    })
    .await;
    let mut endpoint = auth.endpoint(ClientAuth::Basic);
    endpoint.client_secret = Some("not-the-right-secret".into());
    let err = reqlink_oauth::TokenClient::new(endpoint)
        .unwrap()
        .client_credentials(None, &[])
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::InvalidClient { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("check the client ID and secret"), "{msg}");
    assert!(!msg.contains("not-the-right-secret"));
}

#[tokio::test]
async fn the_listener_times_out_and_can_be_cancelled() {
    let listener = LoopbackListener::bind(None).await.unwrap();
    let port = listener.port();
    let err = listener
        .wait_for_code(
            "Lever",
            "s",
            Duration::from_millis(100),
            &CancelHandle::new(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::TimedOut { .. }), "{err:?}");
    assert!(err.to_string().contains("start the connection again"));

    // The port was released: it can be bound again, as a fixed port.
    let listener = LoopbackListener::bind(Some(port)).await.unwrap();
    assert_eq!(
        listener.redirect_uri(),
        format!("http://127.0.0.1:{port}/callback")
    );
    // ...and a second listener on it fails clearly.
    let busy = LoopbackListener::bind(Some(port)).await.unwrap_err();
    assert!(matches!(busy, OAuthError::Bind { port: p, .. } if p == port));
    assert!(busy.to_string().contains(&format!("127.0.0.1:{port}")));

    let cancel = CancelHandle::new();
    let trigger = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        trigger.cancel();
    });
    let err = listener
        .wait_for_code("Lever", "s", WAIT, &cancel)
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::Cancelled { .. }), "{err:?}");
    assert!(cancel.is_cancelled());
}

#[tokio::test]
async fn a_flow_can_be_cancelled_through_its_handle() {
    let auth = start(lever_config()).await;
    let flow = DesktopFlow::start(&auth.provider(ClientAuth::Basic))
        .await
        .unwrap();
    let handle = flow.cancel_handle();
    let waiting = tokio::spawn(flow.finish(WAIT));
    handle.cancel();
    let err = waiting.await.unwrap().unwrap_err();
    assert!(matches!(err, OAuthError::Cancelled { .. }), "{err:?}");
}

#[tokio::test]
async fn a_fixed_port_matches_an_exactly_registered_redirect_uri() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let registered = format!("http://127.0.0.1:{port}/callback");
    let auth = start(OAuthServerConfig {
        redirect: RedirectRule::Exact(vec![registered.clone()]),
        ..lever_config()
    })
    .await;
    let provider = ProviderConfig {
        fixed_port: Some(port),
        ..auth.provider(ClientAuth::Basic)
    };
    let flow = DesktopFlow::start(&provider).await.unwrap();
    assert_eq!(flow.redirect_uri(), registered);
    let url = flow.authorize_url().to_string();
    tokio::spawn(async move { Browser::new().sign_in(&url, "approve").await });
    flow.finish(WAIT).await.unwrap();
}

#[tokio::test]
async fn a_server_error_on_authorize_is_reported() {
    let auth = start(OAuthServerConfig {
        known_scopes: Some(vec!["offline_access".into()]),
        ..lever_config()
    })
    .await;
    // The provider asks for a scope this server does not know.
    let flow = DesktopFlow::start(&auth.provider(ClientAuth::Basic))
        .await
        .unwrap();
    let url = flow.authorize_url().clone();
    let browser = tokio::spawn(async move {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let resp = http.get(url).send().await.unwrap();
        let back = url::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
        Browser::new().land(&back).await
    });
    let err = flow.finish(WAIT).await.unwrap_err();
    match &err {
        OAuthError::AuthorizationFailed { error, .. } => assert_eq!(error, "invalid_scope"),
        other => panic!("{other:?}"),
    }
    assert!(browser.await.unwrap().body.contains("invalid_scope"));
}
