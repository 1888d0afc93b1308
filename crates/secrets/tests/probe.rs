#![cfg(target_os = "linux")]

//! `open` against missing and wedged D-Bus session buses. Everything that sets environment
//! variables lives in this one test so no other test in this binary can see them.

use std::os::unix::net::UnixListener;
use std::time::{Duration, Instant};

use reqlink_secrets::{open_with, Backend, OpenOptions, SecretError, StoreChoice};

#[test]
fn auto_falls_back_to_the_file_when_there_is_no_keychain() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let options = |ms| OpenOptions {
        probe_timeout: Duration::from_millis(ms),
        honour_env: false,
    };

    // No bus at all: the probe fails at once.
    let missing = dir.path().join("no-such-bus");
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}", missing.display()),
    );
    let started = Instant::now();
    let opened = open_with(&data_dir, StoreChoice::Auto, &options(5_000)).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    let path = data_dir.join("secrets.json");
    assert_eq!(opened.backend, Backend::File { path: path.clone() });
    let warning = opened.warning.expect("a visible warning");
    assert!(
        warning.starts_with("No system keychain was found"),
        "{warning}"
    );
    assert!(warning.contains(&path.display().to_string()), "{warning}");
    assert!(warning.contains("GNOME Keyring"), "{warning}");
    assert!(opened.keychain_problem.is_some());
    assert!(!opened.migration_available);

    // Explicitly asking for the keychain says why it cannot be had and what to do.
    let err = open_with(&data_dir, StoreChoice::Keychain, &options(5_000))
        .err()
        .expect("no keychain here");
    assert!(
        matches!(err, SecretError::KeychainUnavailable { .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("REQLINK_SECRET_STORE=file"),
        "{err}"
    );

    // A bus that accepts the connection but never answers: the timeout must cut it short.
    let silent = dir.path().join("silent-bus");
    let _listener = UnixListener::bind(&silent).unwrap();
    std::env::set_var(
        "DBUS_SESSION_BUS_ADDRESS",
        format!("unix:path={}", silent.display()),
    );
    let started = Instant::now();
    let opened = open_with(&data_dir, StoreChoice::Auto, &options(300)).unwrap();
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(2),
        "took {took:?}"
    );
    assert!(matches!(opened.backend, Backend::File { .. }));
    let problem = opened.keychain_problem.unwrap();
    assert!(problem.contains("did not answer within 300ms"), "{problem}");

    // The environment variable overrides the caller's choice.
    let env_options = OpenOptions {
        honour_env: true,
        ..options(300)
    };
    std::env::set_var("REQLINK_SECRET_STORE", "memory");
    let opened = open_with(&data_dir, StoreChoice::Auto, &env_options).unwrap();
    assert_eq!(opened.backend, Backend::Memory);
    std::env::set_var("REQLINK_SECRET_STORE", " File ");
    let opened = open_with(&data_dir, StoreChoice::Memory, &env_options).unwrap();
    assert_eq!(opened.backend, Backend::File { path });
    std::env::set_var("REQLINK_SECRET_STORE", "vault");
    let err = open_with(&data_dir, StoreChoice::Auto, &env_options)
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("auto, keychain, file or memory"),
        "{err}"
    );
    std::env::remove_var("REQLINK_SECRET_STORE");
}
