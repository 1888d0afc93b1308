#![cfg(target_os = "linux")]

//! Against a real Secret Service: gnome-keyring-daemon on a private D-Bus session, with HOME
//! pointed at a temporary folder so the developer's own keyring is never touched. Skipped, with
//! the reason printed, where `dbus-run-session` or `gnome-keyring-daemon` is not installed.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use reqlink_secrets::{key, open_with, Backend, OpenOptions, Secret, StoreChoice};

const INSIDE: &str = "REQLINK_SECRETS_INSIDE_TEST_KEYRING";

#[test]
fn real_secret_service_roundtrip() {
    if let Some(data_dir) = std::env::var_os(INSIDE) {
        return roundtrip(Path::new(&data_dir));
    }
    let missing: Vec<&str> = ["dbus-run-session", "gnome-keyring-daemon"]
        .into_iter()
        .filter(|tool| !on_path(tool))
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "skipped real_secret_service_roundtrip: {} not installed",
            missing.join(" and ")
        );
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let script = r#"printf 'reqlink-test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null \
        && exec "$0" --exact real_secret_service_roundtrip --nocapture --test-threads=1"#;
    let mut child = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", script])
        .arg(std::env::current_exe().unwrap())
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("share"))
        .env("XDG_RUNTIME_DIR", home.path())
        .env(INSIDE, home.path().join("data"))
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("the keyring session did not finish within 60s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "the inner run failed: {status}");
}

fn roundtrip(data_dir: &Path) {
    let options = OpenOptions {
        probe_timeout: Duration::from_secs(10),
        honour_env: false,
    };
    let opened = open_with(data_dir, StoreChoice::Keychain, &options).unwrap();
    assert_eq!(opened.backend, Backend::Keychain);
    let store = opened.store;
    store
        .set(&key::api_key("1"), &Secret::new("real-1"))
        .unwrap();
    store
        .set(&key::api_key("10"), &Secret::new("real-10"))
        .unwrap();
    assert_eq!(
        store.get(&key::api_key("1")).unwrap().unwrap().expose(),
        "real-1"
    );
    assert_eq!(
        store.delete_prefix(&key::connection_prefix("1")).unwrap(),
        1
    );
    assert!(store.get(&key::api_key("1")).unwrap().is_none());
    assert_eq!(
        store.get(&key::api_key("10")).unwrap().unwrap().expose(),
        "real-10"
    );
    store.delete(&key::api_key("10")).unwrap();
    // Auto now picks the keychain too.
    let auto = open_with(data_dir, StoreChoice::Auto, &options).unwrap();
    assert_eq!(auto.backend, Backend::Keychain);
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
        .unwrap_or(false)
}
