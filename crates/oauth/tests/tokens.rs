//! Renewal behaviour of `RefreshingTokens` against the sandbox server.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{lever_config, start, Auth, Browser};
use reqlink_ats::{AtsError, TokenSource};
use reqlink_oauth::{unix_now, ClientAuth, DesktopFlow, RefreshingTokens, TokenSet};
use reqlink_sandbox::oauth::{BearerError, OAuthServerConfig};

async fn signed_in(auth: &Auth) -> TokenSet {
    let flow = DesktopFlow::start(&auth.provider(ClientAuth::Basic))
        .await
        .unwrap();
    let url = flow.authorize_url().to_string();
    tokio::spawn(async move { Browser::new().sign_in(&url, "approve").await });
    flow.finish(Duration::from_secs(10)).await.unwrap()
}

type Saved = Arc<Mutex<Vec<TokenSet>>>;

fn recorder() -> (Saved, reqlink_oauth::PersistFn) {
    let saved: Saved = Arc::default();
    let sink = saved.clone();
    (
        saved,
        Arc::new(move |t: &TokenSet| sink.lock().unwrap().push(t.clone())),
    )
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

#[tokio::test]
async fn renews_before_expiry_and_persists_the_rotated_refresh_token() {
    let auth = start(lever_config()).await;
    let first = signed_in(&auth).await;
    let (saved, persist) = recorder();
    let offset = Arc::new(Mutex::new(0i64));
    let clock_offset = offset.clone();
    let tokens = RefreshingTokens::new(auth.client(ClientAuth::Basic), first.clone())
        .with_persist(persist)
        .with_clock(Arc::new(move || unix_now() + *clock_offset.lock().unwrap()));

    // Fresh: no renewal.
    assert_eq!(tokens.access_token().await.unwrap(), first.access_token);
    assert!(saved.lock().unwrap().is_empty());
    let status = tokens.status();
    assert!(status.expires_in_secs.unwrap() > 3500);
    assert!(status.has_refresh_token && !status.needs_reconnect);

    // 56 minutes later less than 5 minutes remain: renew.
    *offset.lock().unwrap() = 56 * 60;
    let renewed = tokens.access_token().await.unwrap();
    assert_ne!(renewed, first.access_token);
    assert!(auth.server.check_bearer(Some(&bearer(&renewed))).is_ok());
    let saved_now = saved.lock().unwrap().clone();
    assert_eq!(saved_now.len(), 1);
    let rotated = saved_now[0].refresh_token.clone().unwrap();
    assert_ne!(Some(rotated.clone()), first.refresh_token);
    assert_eq!(tokens.current().unwrap().refresh_token, Some(rotated));
    assert_eq!(auth.server.stats().refreshes, 1);

    // A 401 from the API forces the next call to renew.
    tokens.invalidate(&renewed).await;
    let again = tokens.access_token().await.unwrap();
    assert_ne!(again, renewed);
    assert_eq!(saved.lock().unwrap().len(), 2);
    // Invalidating a token that is no longer current does nothing.
    tokens.invalidate(&renewed).await;
    assert_eq!(tokens.access_token().await.unwrap(), again);
    assert_eq!(auth.server.stats().refreshes, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_callers_share_one_refresh() {
    let auth = start(lever_config()).await;
    let mut expired = signed_in(&auth).await;
    expired.expires_at = unix_now() - 1;
    let (saved, persist) = recorder();
    let tokens = Arc::new(
        RefreshingTokens::new(auth.client(ClientAuth::Basic), expired).with_persist(persist),
    );

    let mut tasks = Vec::new();
    for _ in 0..12 {
        let tokens = tokens.clone();
        tasks.push(tokio::spawn(async move { tokens.access_token().await }));
    }
    let mut got = Vec::new();
    for t in tasks {
        got.push(t.await.unwrap().unwrap());
    }
    assert!(got.iter().all(|t| *t == got[0]));
    // A second refresh would have replayed the rotated token and revoked
    // the grant on this server.
    assert_eq!(auth.server.stats().refreshes, 1);
    assert_eq!(auth.server.stats().refresh_reuse, 0);
    assert_eq!(saved.lock().unwrap().len(), 1);
    assert!(auth.server.check_bearer(Some(&bearer(&got[0]))).is_ok());
}

#[tokio::test]
async fn a_revoked_grant_needs_reconnect() {
    let auth = start(lever_config()).await;
    let first = signed_in(&auth).await;
    let tokens = RefreshingTokens::new(auth.client(ClientAuth::Basic), first.clone());
    auth.server.revoke_all();
    assert_eq!(
        auth.server.check_bearer(Some(&bearer(&first.access_token))),
        Err(BearerError::Revoked)
    );
    tokens.invalidate(&first.access_token).await;
    let err = tokens.access_token().await.unwrap_err();
    assert!(
        matches!(
            err,
            AtsError::NeedsReconnect {
                vendor: "Lever",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(tokens.status().needs_reconnect);
    // No further attempts against the dead grant.
    let err = tokens.access_token().await.unwrap_err();
    assert!(matches!(err, AtsError::NeedsReconnect { .. }));
    assert_eq!(auth.server.stats().invalid_grant, 1);

    // A new sign-in revives it.
    let fresh = signed_in(&auth).await;
    tokens.replace(fresh.clone());
    assert_eq!(tokens.access_token().await.unwrap(), fresh.access_token);
}

#[tokio::test]
async fn an_expired_refresh_token_needs_reconnect() {
    let auth = start(OAuthServerConfig {
        refresh_ttl: Some(Duration::from_secs(24 * 3600)),
        ..lever_config()
    })
    .await;
    let mut first = signed_in(&auth).await;
    first.expires_at = unix_now() - 1;
    auth.server.advance_clock(Duration::from_secs(25 * 3600));
    let tokens = RefreshingTokens::new(auth.client(ClientAuth::Basic), first);
    let err = tokens.access_token().await.unwrap_err();
    assert!(matches!(err, AtsError::NeedsReconnect { .. }), "{err:?}");
}

#[tokio::test]
async fn a_refresh_without_a_new_refresh_token_keeps_the_old_one() {
    // Workday: an administrator-issued ISU refresh token, not rotated.
    let auth = start(OAuthServerConfig {
        rotate_refresh: false,
        audience: None,
        offline_scope: None,
        ..lever_config()
    })
    .await;
    let isu = auth
        .server
        .mint_refresh_token("isu-recruiting", &["Recruiting"]);
    let (saved, persist) = recorder();
    let tokens = RefreshingTokens::new(
        auth.client(ClientAuth::Basic),
        TokenSet {
            access_token: String::new(),
            refresh_token: Some(isu.clone()),
            expires_at: 0,
            scope: None,
        },
    )
    .with_persist(persist);
    let access = tokens.access_token().await.unwrap();
    let grant = auth.server.check_bearer(Some(&bearer(&access))).unwrap();
    assert_eq!(grant.subject.as_deref(), Some("isu-recruiting"));
    assert_eq!(tokens.current().unwrap().refresh_token, Some(isu.clone()));
    assert_eq!(saved.lock().unwrap()[0].refresh_token, Some(isu));
    assert_eq!(
        tokens.current().unwrap().scope.as_deref(),
        Some("Recruiting")
    );
}

#[tokio::test]
async fn client_credentials_act_for_the_given_user() {
    // Greenhouse Harvest v3 custom integration.
    let auth = start(OAuthServerConfig {
        allow_client_credentials: true,
        audience: None,
        ..lever_config()
    })
    .await;
    let tokens = RefreshingTokens::client_credentials(
        auth.client(ClientAuth::Basic),
        Some("user-2".into()),
        vec![],
    );
    let status = tokens.status();
    assert_eq!(status.expires_at, None);
    let access = tokens.access_token().await.unwrap();
    let grant = auth.server.check_bearer(Some(&bearer(&access))).unwrap();
    assert_eq!(grant.subject.as_deref(), Some("user-2"));
    assert!(tokens.current().unwrap().refresh_token.is_none());

    // When the API rejects it, a new one is requested.
    tokens.invalidate(&access).await;
    let next = tokens.access_token().await.unwrap();
    assert_ne!(next, access);
    assert_eq!(auth.server.stats().client_credentials, 2);
}

#[tokio::test]
async fn a_short_lived_token_is_not_renewed_on_every_call() {
    let auth = start(lever_config()).await;
    auth.server.set_access_ttl(Duration::from_secs(120));
    let mut first = signed_in(&auth).await;
    first.expires_at = unix_now() - 1;
    let tokens = RefreshingTokens::new(auth.client(ClientAuth::Basic), first);
    let a = tokens.access_token().await.unwrap();
    // 120 s lifetime: the margin shrinks to 12 s instead of 5 min.
    let b = tokens.access_token().await.unwrap();
    assert_eq!(a, b);
    assert_eq!(auth.server.stats().refreshes, 1);
}
