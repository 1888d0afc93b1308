//! Connecting a real interview-platform account by API key: verified
//! before anything is saved, the key kept in the secret store (never
//! SQLite), restored at the next start, and Disconnect falls back to the
//! sandbox's emulator. The "real" account here is the emulator reached
//! through the connect form, as a user would type it.

mod common;

use reqlink_app::Core;
use reqlink_domain::{AuthKind, ConnectRequest, ConnectionRequest, Provider};

async fn start(dir: &std::path::Path) -> Core {
    Core::start(common::options(dir, common::sandbox(2, 5, 5)))
        .await
        .expect("core starts")
}

fn request(core: &Core, key: &str) -> ConnectRequest {
    let base = core.with_sandbox(|s| s.unwrap().platform_base_url());
    ConnectRequest {
        provider: Provider::InterviewPlatform,
        kind: AuthKind::ApiKey,
        sandbox: false,
        fields: [
            ("base_url".to_string(), base),
            ("api_key".to_string(), key.to_string()),
        ]
        .into_iter()
        .collect(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_platform_key_is_verified_kept_secret_restored_and_removable() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    let key = core.with_sandbox(|s| s.unwrap().platform_api_key());

    let err = core.connect(request(&core, "wrong-key")).await.unwrap_err();
    assert!(err.message.contains("Nothing was saved"), "{}", err.message);
    assert!(core
        .store()
        .connection("interview-platform")
        .unwrap()
        .is_none());

    let view = core.connect(request(&core, &key)).await.unwrap();
    assert_eq!(view.id, "interview-platform");
    assert!(!view.sandbox);
    assert!(!core.list_agents().await.unwrap().is_empty());
    let db = std::fs::read(dir.path().join("reqlink.sqlite3")).unwrap();
    let wal = std::fs::read(dir.path().join("reqlink.sqlite3-wal")).unwrap_or_default();
    for bytes in [&db, &wal] {
        assert!(
            !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
            "the API key never reaches SQLite"
        );
    }
    let sandbox = core.crash().await.expect("the emulators keep running");

    let mut options = common::options(dir.path(), common::sandbox(2, 5, 5));
    options.running_sandbox = Some(sandbox);
    let core = Core::start(options).await.unwrap();
    let cards = core.integrations().await.unwrap();
    let platform = cards
        .iter()
        .find(|c| c.provider == Provider::InterviewPlatform)
        .expect("a platform card");
    assert_eq!(
        platform.connection.as_ref().map(|c| c.id.as_str()),
        Some("interview-platform"),
        "the saved account is restored and shown"
    );
    assert!(!core.list_agents().await.unwrap().is_empty());

    core.disconnect(ConnectionRequest {
        connection_id: "interview-platform".into(),
    })
    .await
    .unwrap();
    assert!(core
        .store()
        .connection("interview-platform")
        .unwrap()
        .is_none());
    assert!(
        !core.list_agents().await.unwrap().is_empty(),
        "back on the sandbox platform"
    );
    let err = core
        .disconnect(ConnectionRequest {
            connection_id: "sandbox-platform".into(),
        })
        .await;
    assert!(err.is_err(), "the sandbox platform stays");
    core.shutdown().await;
}
