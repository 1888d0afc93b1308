//! Harvest v3 through the connector: cursor paging (the emulator refuses a
//! follow-up with anything but `cursor`, so a full walk proves the client
//! sends the cursor alone), an access token expiring mid-sync refreshed
//! through the `TokenSource`, a revoked grant ending in `NeedsReconnect`,
//! and writes acting as the token's user.

mod support;

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use reqlink_ats::{AtsConnector, AtsError, NoteWrite, PageRequest, Resource, StaticToken};
use reqlink_domain::{ApiError, ErrorCode};
use reqlink_greenhouse::{ApiVersion, GhCandidate, GreenhouseConnector, GreenhouseError};
use reqlink_sandbox::GhWriteKind;
use support::*;

#[tokio::test]
async fn cursor_paging_sends_the_cursor_alone() {
    let sb = sandbox().await;
    let tokens = ClientCredentials::new(&sb, None);
    let client = v3(&sb, tokens.clone());
    assert_eq!(client.api_version(), ApiVersion::V3);
    let conn = GreenhouseConnector::new(client.clone()).with_page_size(7);
    let mut seen = HashSet::new();
    let mut page = PageRequest::default();
    let mut pages = 0;
    loop {
        let got = conn.list(Resource::Candidates, page.clone()).await.unwrap();
        pages += 1;
        assert_eq!(got.total, None, "v3 sends no rel=\"last\"");
        for c in got.records.candidates {
            assert!(seen.insert(c.id));
        }
        let Some(next) = got.next else { break };
        let query = next.split_once('?').unwrap().1.to_owned();
        assert!(query.starts_with("cursor=") && !query.contains('&'));
        // What a client that re-adds its parameters would get:
        if pages == 1 {
            let err = client
                .get_page::<GhCandidate>(&format!("{next}&per_page=7"))
                .await
                .unwrap_err();
            assert_eq!(err.fields()[0].field.as_deref(), Some("cursor"), "{err}");
        }
        page = PageRequest {
            since: None,
            next: Some(next),
        };
    }
    assert_eq!((seen.len(), pages), (45, 7));
    assert_eq!(
        tokens.fetched.load(Ordering::SeqCst),
        1,
        "one token for the whole walk"
    );
    assert_eq!(
        conn.verify().await.unwrap().display,
        "Greenhouse (Harvest v3, OAuth)"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn an_expired_token_is_refreshed_mid_sync() {
    let sb = sandbox().await;
    let tokens = ClientCredentials::new(&sb, None);
    let conn = GreenhouseConnector::new(v3(&sb, tokens.clone())).with_page_size(10);
    let first = conn
        .list(Resource::Applications, PageRequest::default())
        .await
        .unwrap();
    let mut total = first.records.applications.len();
    let mut next = first.next;
    let mut expired = false;
    while let Some(n) = next {
        if !expired {
            // The hour is up between two pages.
            sb.greenhouse_oauth().expire_access_tokens();
            expired = true;
        }
        let page = conn
            .list(
                Resource::Applications,
                PageRequest {
                    since: None,
                    next: Some(n),
                },
            )
            .await
            .unwrap();
        total += page.records.applications.len();
        next = page.next;
    }
    assert_eq!(total, 70);
    assert_eq!(tokens.invalidated.load(Ordering::SeqCst), 1);
    assert_eq!(
        tokens.fetched.load(Ordering::SeqCst),
        2,
        "refreshed once, then carried on"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn a_revoked_grant_needs_reconnecting() {
    let sb = sandbox().await;
    let tokens = ClientCredentials::new(&sb, None);
    let token = {
        use reqlink_ats::TokenSource;
        tokens.access_token().await.unwrap()
    };
    sb.greenhouse_oauth().revoke_all();

    // A source that cannot get anything better than the revoked token.
    let conn = GreenhouseConnector::new(v3(&sb, Arc::new(StaticToken(token))));
    let err = conn
        .list(Resource::Jobs, PageRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(err, AtsError::NeedsReconnect { .. }), "{err:?}");
    assert_eq!(ApiError::from(err).code, ErrorCode::NeedsReconnect);

    // A source whose refresh is refused says so itself.
    struct Refused;
    #[async_trait::async_trait]
    impl reqlink_ats::TokenSource for Refused {
        async fn access_token(&self) -> Result<String, AtsError> {
            Err(AtsError::NeedsReconnect {
                vendor: "Greenhouse",
                reason: "the refresh token was revoked".into(),
            })
        }
        async fn invalidate(&self, _: &str) {}
    }
    let err = v3(&sb, Arc::new(Refused)).verify().await.unwrap_err();
    assert!(
        matches!(&err, GreenhouseError::NeedsReconnect { reason, .. } if reason.contains("revoked")),
        "{err:?}"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn v3_writes_act_as_the_tokens_user() {
    let sb = sandbox().await;
    let me = actor(&sb);
    let conn = GreenhouseConnector::new(v3(&sb, ClientCredentials::new(&sb, Some(me.to_string()))));
    let cand = conn
        .list(Resource::Candidates, PageRequest::default())
        .await
        .unwrap()
        .records
        .candidates[0]
        .id
        .clone();
    conn.add_note(&NoteWrite {
        candidate_id: cand.clone(),
        application_id: None,
        body: "via v3".into(),
        actor: me.to_string(),
    })
    .await
    .unwrap();
    let writes = sb.control().greenhouse_writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(
        (writes[0].api.as_str(), writes[0].actor_user_id),
        ("v3", me)
    );
    assert!(matches!(&writes[0].kind, GhWriteKind::Note { body, .. } if body == "via v3"));

    // Without a user in the token Greenhouse refuses writes, and says why.
    let anon = GreenhouseConnector::new(v3(&sb, ClientCredentials::new(&sb, None)));
    let err = anon
        .add_note(&NoteWrite {
            candidate_id: cand,
            application_id: None,
            body: "x".into(),
            actor: me.to_string(),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, AtsError::Forbidden { hint, .. } if hint.contains("sub")),
        "{err:?}"
    );
    sb.shutdown().await;
}

/// The app's real token source: a partner sign-in's refresh token, renewed
/// (and rotated) by `reqlink_oauth::RefreshingTokens` when the connector
/// reports a 401.
#[tokio::test]
async fn refreshing_tokens_carry_a_sync_through_expiry_until_revoked() {
    use reqlink_oauth::{ClientAuth, RefreshingTokens, TokenClient, TokenEndpoint, TokenSet};

    let sb = sandbox().await;
    let (client_id, secret) = sb.greenhouse_oauth_client();
    let refresh = sb
        .greenhouse_oauth()
        .mint_refresh_token(&sb.greenhouse_user_id(), &[]);
    let token_client = TokenClient::new(TokenEndpoint {
        vendor: "Greenhouse",
        token_url: sb.greenhouse_token_url(),
        client_id,
        client_secret: Some(secret),
        client_auth: ClientAuth::Basic,
        extra: Vec::new(),
    })
    .unwrap();
    let tokens = Arc::new(RefreshingTokens::new(
        token_client,
        TokenSet {
            access_token: "expired".into(),
            refresh_token: Some(refresh),
            expires_at: 0,
            scope: None,
        },
    ));
    let conn = GreenhouseConnector::new(v3(&sb, tokens.clone())).with_page_size(10);

    let mut page = PageRequest::default();
    let mut seen = 0;
    let mut pages = 0;
    loop {
        if pages == 2 {
            sb.greenhouse_oauth().expire_access_tokens();
        }
        let got = conn.list(Resource::Candidates, page).await.unwrap();
        seen += got.records.candidates.len();
        pages += 1;
        match got.next {
            Some(next) => {
                page = PageRequest {
                    since: None,
                    next: Some(next),
                }
            }
            None => break,
        }
    }
    assert_eq!(seen, 45);
    assert_eq!(
        sb.greenhouse_oauth().stats().refreshes,
        2,
        "at start and after the expiry"
    );

    sb.greenhouse_oauth().revoke_all();
    let err = conn
        .list(Resource::Users, PageRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(err, AtsError::NeedsReconnect { .. }), "{err:?}");
    sb.shutdown().await;
}
