//! Connecting ATS accounts against the emulators: API keys, the browser
//! OAuth flow (a test "person" approves on the emulator's consent page),
//! refresh tokens and client credentials; what is stored where; and that a
//! failed connect leaves nothing behind.

use std::collections::BTreeMap;
use std::time::Duration;

mod common;

use reqlink_app::Core;
use reqlink_domain::{
    AuthKind, ConnectRequest, ConnectionRequest, ConnectionState, ConnectionView, ErrorCode,
    FlowRequest, JobQuery, OAuthFlowStatus, OAuthFlowView, Provider, SyncState,
};
use reqlink_sandbox::oauth::{answer_consent, Decision};

async fn start(dir: &std::path::Path) -> Core {
    // Never open a real browser from tests.
    std::env::set_var(reqlink_oauth::BROWSER_ENV, "true");
    Core::start(common::options(dir, common::sandbox(8, 60, 90)))
        .await
        .expect("core starts")
}

fn sandbox_request(provider: Provider, kind: AuthKind) -> ConnectRequest {
    ConnectRequest {
        provider,
        kind,
        sandbox: true,
        fields: BTreeMap::new(),
    }
}

/// The sandbox's values entered as a user would type them (a "real"
/// connection pointed at the emulator), so secrets take the real path.
fn typed(core: &Core, provider: Provider, kind: AuthKind) -> ConnectRequest {
    let fields = core.with_sandbox(|s| {
        let s = s.unwrap();
        let mut f = BTreeMap::new();
        match (provider, kind) {
            (Provider::Lever, AuthKind::ApiKey) => {
                f.insert("base_url".into(), s.lever_base_url());
                f.insert("api_key".into(), s.lever_api_key());
            }
            (Provider::Lever, _) => {
                f.insert("base_url".into(), s.lever_base_url());
                f.insert("authorize_url".into(), s.lever_oauth_authorize_url());
                f.insert("token_url".into(), s.lever_oauth_token_url());
                f.insert("client_id".into(), s.lever_oauth_client_id());
                f.insert("client_secret".into(), s.lever_oauth_client_secret());
            }
            _ => unreachable!(),
        }
        f
    });
    ConnectRequest {
        provider,
        kind,
        sandbox: false,
        fields,
    }
}

async fn wait_for_flow(core: &Core, flow: &OAuthFlowView) -> OAuthFlowView {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let now = core
            .oauth_flow(FlowRequest {
                flow_id: flow.flow_id.clone(),
            })
            .await
            .unwrap();
        if now.status != OAuthFlowStatus::Waiting {
            return now;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "flow never finished"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn flow_now(core: &Core, flow: &OAuthFlowView) -> OAuthFlowView {
    core.oauth_flow(FlowRequest {
        flow_id: flow.flow_id.clone(),
    })
    .await
    .unwrap()
}

/// The connection `id` as the Integrations screen lists it.
async fn connection(core: &Core, id: &str) -> ConnectionView {
    core.list_connections()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("connection {id} is listed"))
}

/// How many Lever connections are stored.
async fn lever_connections(core: &Core) -> usize {
    core.list_connections()
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.provider == Provider::Lever)
        .count()
}

async fn wait_for_sync(core: &Core, id: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let c = connection(core, id).await;
        if c.sync.state != SyncState::Running && c.last_sync_at.is_some() {
            assert_eq!(c.sync.last_error, None);
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "sync never finished"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn db_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("reqlink.db") || name.ends_with(".db") || name.contains("-wal") {
            all.extend(std::fs::read(&path).unwrap_or_default());
        }
    }
    all
}

#[tokio::test]
async fn lever_signs_in_through_the_browser_and_syncs() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;

    let flow = core
        .start_oauth(typed(&core, Provider::Lever, AuthKind::OauthCode))
        .await
        .unwrap();
    assert_eq!(flow.status, OAuthFlowStatus::Waiting);
    assert!(flow.authorize_url.contains("code_challenge_method=S256"));
    assert!(flow.authorize_url.contains("audience="));

    let page = answer_consent(&flow.authorize_url, Decision::Approve)
        .await
        .unwrap();
    assert!(page.contains("Connected to Lever"), "{page}");
    // The browser said so only once the app had verified and saved it.
    let done = flow_now(&core, &flow).await;
    assert_eq!(done.status, OAuthFlowStatus::Succeeded, "{:?}", done.error);
    let id = done.connection_id.unwrap();

    let conn = connection(&core, &id).await;
    assert_eq!(conn.state, ConnectionState::Connected);
    assert_eq!(conn.auth_kind, Some(AuthKind::OauthCode));
    assert!(conn.token_expires_at.is_some());
    assert!(conn.identity.is_some());

    wait_for_sync(&core, &id).await;
    let jobs = core
        .list_jobs(JobQuery {
            connection_id: Some(id.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(jobs.total > 0, "Lever postings are listed");

    // The tokens and client secret are in the secret store, not in SQLite.
    let secrets = std::fs::read_to_string(dir.path().join("secrets.json")).unwrap();
    assert!(secrets.contains(&format!("connection/{id}/oauth")));
    let client_secret = core.with_sandbox(|s| s.unwrap().lever_oauth_client_secret());
    let db = db_bytes(dir.path());
    assert!(
        !db.windows(client_secret.len())
            .any(|w| w == client_secret.as_bytes()),
        "the client secret leaked into SQLite"
    );
    core.shutdown().await;
}

#[tokio::test]
async fn denied_consent_and_cancel_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;

    let flow = core
        .start_oauth(sandbox_request(Provider::Lever, AuthKind::OauthCode))
        .await
        .unwrap();
    answer_consent(&flow.authorize_url, Decision::Deny)
        .await
        .unwrap();
    let done = wait_for_flow(&core, &flow).await;
    assert_eq!(done.status, OAuthFlowStatus::Failed);
    let error = done.error.unwrap();
    assert!(
        error.message.to_lowercase().contains("denied"),
        "{}",
        error.message
    );

    let flow = core
        .start_oauth(sandbox_request(Provider::Lever, AuthKind::OauthCode))
        .await
        .unwrap();
    core.cancel_oauth(FlowRequest {
        flow_id: flow.flow_id.clone(),
    })
    .await
    .unwrap();
    let done = wait_for_flow(&core, &flow).await;
    assert_eq!(done.status, OAuthFlowStatus::Cancelled, "{:?}", done.error);

    let lever = lever_connections(&core).await;
    assert_eq!(lever, 0, "nothing stored after deny and cancel");
    core.shutdown().await;
}

#[tokio::test]
async fn a_failed_token_exchange_shows_in_the_browser_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;

    let mut req = typed(&core, Provider::Lever, AuthKind::OauthCode);
    req.fields
        .insert("client_secret".into(), "not-the-lever-secret".into());
    let flow = core.start_oauth(req).await.unwrap();
    let page = answer_consent(&flow.authorize_url, Decision::Approve)
        .await
        .unwrap();
    assert!(
        page.contains("Reqlink could not connect to Lever")
            && page.contains("client ID and secret"),
        "{page}"
    );
    assert!(!page.contains("Connected"), "{page}");
    assert!(!page.contains("not-the-lever-secret"), "{page}");
    let done = flow_now(&core, &flow).await;
    assert_eq!(done.status, OAuthFlowStatus::Failed);

    let lever = lever_connections(&core).await;
    assert_eq!(lever, 0, "nothing stored after a failed exchange");
    let secrets = std::fs::read_to_string(dir.path().join("secrets.json")).unwrap_or_default();
    assert!(!secrets.contains("connection/lever/"), "{secrets}");
    core.shutdown().await;
}

#[tokio::test]
async fn a_wrong_key_is_refused_and_nothing_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    let mut req = typed(&core, Provider::Lever, AuthKind::ApiKey);
    req.fields.insert("api_key".into(), "not-the-key".into());
    let err = core.connect(req).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    assert!(err.message.contains("Nothing was saved"), "{}", err.message);
    assert!(!err.message.contains("not-the-key"));
    assert!(core
        .list_connections()
        .await
        .unwrap()
        .iter()
        .all(|c| c.provider != Provider::Lever));
    let secrets = std::fs::read_to_string(dir.path().join("secrets.json")).unwrap_or_default();
    assert!(!secrets.contains("connection/lever/"));

    // A missing field is named.
    let mut req = typed(&core, Provider::Lever, AuthKind::ApiKey);
    req.fields.remove("api_key");
    let err = core.connect(req).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("API key"), "{}", err.message);
    core.shutdown().await;
}

#[tokio::test]
async fn api_key_connection_survives_a_restart_and_disconnect_removes_everything() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    let req = typed(&core, Provider::Lever, AuthKind::ApiKey);
    let key = req.fields["api_key"].clone();
    let conn = core.connect(req).await.unwrap();
    assert_eq!(conn.id, "lever");
    wait_for_sync(&core, "lever").await;
    let secrets = std::fs::read_to_string(dir.path().join("secrets.json")).unwrap();
    assert!(secrets.contains("connection/lever/api_key"));
    assert!(!db_bytes(dir.path())
        .windows(key.len())
        .any(|w| w == key.as_bytes()));

    core.disconnect(ConnectionRequest {
        connection_id: "lever".into(),
    })
    .await
    .unwrap();
    let secrets = std::fs::read_to_string(dir.path().join("secrets.json")).unwrap();
    assert!(!secrets.contains("connection/lever/"), "{secrets}");
    assert!(core
        .list_connections()
        .await
        .unwrap()
        .iter()
        .all(|c| c.id != "lever"));
    let jobs = core
        .list_jobs(JobQuery {
            connection_id: Some("lever".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(jobs.total, 0, "synced data goes with the connection");
    core.shutdown().await;
}

#[tokio::test]
async fn workday_isu_and_greenhouse_client_credentials_connect_and_sync() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    for (provider, kind) in [
        (Provider::Workday, AuthKind::RefreshToken),
        (Provider::Greenhouse, AuthKind::ClientCredentials),
    ] {
        let conn = core.connect(sandbox_request(provider, kind)).await.unwrap();
        assert_eq!(conn.state, ConnectionState::Connected, "{provider:?}");
        assert_eq!(conn.auth_kind, Some(kind));
        wait_for_sync(&core, &conn.id).await;
        let synced = connection(&core, &conn.id).await;
        assert!(
            synced.counts.jobs > 0 && synced.counts.candidates > 0,
            "{provider:?}: {:?}",
            synced.counts
        );
    }
    let checks = core
        .run_checks(ConnectionRequest {
            connection_id: "sandbox-workday".into(),
        })
        .await
        .unwrap();
    assert_eq!(checks.len(), 4);
    assert_eq!(
        checks[0].status,
        reqlink_domain::CheckStatus::Pass,
        "{checks:?}"
    );
    assert_eq!(
        checks[1].status,
        reqlink_domain::CheckStatus::Pass,
        "{checks:?}"
    );
    core.shutdown().await;
}

#[tokio::test]
async fn sandbox_connections_come_back_after_a_restart_and_a_disconnect_sticks() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    let flow = core
        .start_oauth(sandbox_request(Provider::Lever, AuthKind::OauthCode))
        .await
        .unwrap();
    answer_consent(&flow.authorize_url, Decision::Approve)
        .await
        .unwrap();
    let done = wait_for_flow(&core, &flow).await;
    assert_eq!(done.status, OAuthFlowStatus::Succeeded, "{:?}", done.error);
    core.disconnect(ConnectionRequest {
        connection_id: "sandbox-greenhouse".into(),
    })
    .await
    .unwrap();
    core.shutdown().await;

    // New emulators, new ports, a new authorization server: the sandbox
    // sign-in is renewed and the sync works without another consent.
    let core = start(dir.path()).await;
    let ids: Vec<String> = core
        .list_connections()
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.provider != Provider::InterviewPlatform)
        .map(|c| c.id)
        .collect();
    assert_eq!(
        ids,
        vec!["sandbox-lever".to_string()],
        "Greenhouse stays disconnected"
    );
    let summary = core.run_sync_of("sandbox-lever").await.unwrap();
    assert!(summary.counts.jobs > 0);
    core.shutdown().await;
}

#[tokio::test]
async fn a_sign_in_revoked_while_idle_shows_needs_reconnect_without_a_sync() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    core.with_sandbox(|s| {
        s.unwrap()
            .control()
            .workday_set_access_token_ttl(Duration::from_secs(1))
    });
    let conn = core
        .connect(sandbox_request(Provider::Workday, AuthKind::RefreshToken))
        .await
        .unwrap();
    wait_for_sync(&core, &conn.id).await;
    core.check_sign_ins().await;
    assert_eq!(
        connection(&core, &conn.id).await.state,
        ConnectionState::Connected
    );

    core.with_sandbox(|s| s.unwrap().control().workday_revoke_refresh_token());
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    core.check_sign_ins().await;
    let view = connection(&core, &conn.id).await;
    assert_eq!(view.state, ConnectionState::NeedsReconnect, "{view:?}");
    let detail = view.detail.unwrap_or_default();
    assert!(detail.contains("reconnected"), "{detail}");
    core.shutdown().await;
}

#[tokio::test]
async fn reconnecting_a_browser_sign_in_needs_nothing_typed_again() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    let flow = core
        .start_oauth(typed(&core, Provider::Lever, AuthKind::OauthCode))
        .await
        .unwrap();
    answer_consent(&flow.authorize_url, Decision::Approve)
        .await
        .unwrap();
    let first = wait_for_flow(&core, &flow).await;
    assert_eq!(
        first.status,
        OAuthFlowStatus::Succeeded,
        "{:?}",
        first.error
    );

    // Reconnect, as the card's one button does: nothing typed.
    let again = ConnectRequest {
        provider: Provider::Lever,
        kind: AuthKind::OauthCode,
        sandbox: false,
        fields: BTreeMap::new(),
    };
    let flow = core.start_oauth(again).await.unwrap();
    answer_consent(&flow.authorize_url, Decision::Approve)
        .await
        .unwrap();
    let second = wait_for_flow(&core, &flow).await;
    assert_eq!(
        second.status,
        OAuthFlowStatus::Succeeded,
        "{:?}",
        second.error
    );
    assert_eq!(second.connection_id, first.connection_id);

    // A different address gets none of the saved secrets.
    let mut elsewhere = BTreeMap::new();
    elsewhere.insert("base_url".to_string(), "http://127.0.0.1:9".to_string());
    let err = core
        .start_oauth(ConnectRequest {
            provider: Provider::Lever,
            kind: AuthKind::OauthCode,
            sandbox: false,
            fields: elsewhere,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput, "{err:?}");
    core.shutdown().await;
}

#[tokio::test]
async fn a_rotated_workday_refresh_token_is_the_one_used_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var(reqlink_oauth::BROWSER_ENV, "true");
    let mut config = common::sandbox(8, 60, 90);
    config.workday.rotate_refresh_tokens = true;
    config.workday.access_token_ttl = Duration::from_secs(1);
    config.workday.rate_limit = None;
    let core = Core::start(common::options(dir.path(), config))
        .await
        .unwrap();
    let fields = core.with_sandbox(|s| {
        let s = s.unwrap();
        let mut f = BTreeMap::new();
        f.insert("host".to_string(), s.workday_host());
        f.insert("tenant".to_string(), s.workday_tenant());
        f.insert("client_id".to_string(), s.workday_client_id());
        f.insert("client_secret".to_string(), s.workday_client_secret());
        f.insert("refresh_token".to_string(), s.workday_refresh_token());
        f
    });
    let conn = core
        .connect(ConnectRequest {
            provider: Provider::Workday,
            kind: AuthKind::RefreshToken,
            sandbox: false,
            fields,
        })
        .await
        .unwrap();
    wait_for_sync(&core, &conn.id).await;
    // Another renewal: the token typed in is two generations old now.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    core.check_sign_ins().await;
    let sandbox = core.crash().await.expect("the emulators keep running");

    let mut options = common::options(dir.path(), common::sandbox(8, 60, 90));
    options.running_sandbox = Some(sandbox);
    let core = Core::start(options).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    core.check_sign_ins().await;
    let view = connection(&core, &conn.id).await;
    assert_eq!(view.state, ConnectionState::Connected, "{view:?}");
    core.shutdown().await;
}
