//! Behaviour every backend shares, and what is particular to the file and keychain stores.
//! The keychain store runs on keyring-core's in-memory mock so these tests touch no real keychain.

use std::fs;
use std::path::Path;
use std::sync::Arc;
use std::thread;

use reqlink_secrets::{
    key, migrate, open_with, Backend, FileStore, KeychainStore, MemoryStore, OpenOptions, Secret,
    SecretError, SecretStore, StoreChoice,
};

fn mock_keychain(data_dir: &Path) -> KeychainStore {
    KeychainStore::with_backend(keyring_core::mock::Store::new().unwrap(), data_dir).unwrap()
}

/// get/set/overwrite/delete, delete of a missing key, prefix listing and deletion.
fn exercise(store: &dyn SecretStore) {
    let api = key::api_key("1");
    assert!(store.get(&api).unwrap().is_none());
    store.set(&api, &Secret::new("first")).unwrap();
    assert_eq!(store.get(&api).unwrap().unwrap().expose(), "first");
    store.set(&api, &Secret::new("second")).unwrap();
    assert_eq!(store.get(&api).unwrap().unwrap().expose(), "second");
    store.delete(&api).unwrap();
    assert!(store.get(&api).unwrap().is_none());
    store.delete(&api).unwrap();

    let keys = [
        key::api_key("1"),
        key::oauth("1"),
        key::api_key("10"),
        key::oauth("10"),
        key::webhook_secret("1"),
    ];
    for (i, k) in keys.iter().enumerate() {
        store.set(k, &Secret::new(format!("value-{i}"))).unwrap();
    }
    assert_eq!(
        store.keys(&key::connection_prefix("1")).unwrap(),
        vec!["connection/1/api_key", "connection/1/oauth"]
    );
    assert_eq!(
        store.delete_prefix(&key::connection_prefix("1")).unwrap(),
        2
    );
    assert!(store.get(&key::api_key("1")).unwrap().is_none());
    assert!(store.get(&key::oauth("1")).unwrap().is_none());
    assert_eq!(
        store.get(&key::api_key("10")).unwrap().unwrap().expose(),
        "value-2"
    );
    assert_eq!(
        store.get(&key::oauth("10")).unwrap().unwrap().expose(),
        "value-3"
    );
    assert_eq!(
        store
            .get(&key::webhook_secret("1"))
            .unwrap()
            .unwrap()
            .expose(),
        "value-4"
    );
    assert_eq!(store.delete_prefix("connection/1").unwrap(), 0);
    assert_eq!(store.keys("").unwrap().len(), 3);

    let err = store.set("../escape", &Secret::new("x")).unwrap_err();
    assert!(matches!(err, SecretError::InvalidKey { .. }), "{err}");
}

#[test]
fn memory_store_roundtrip() {
    exercise(&MemoryStore::new());
}

#[test]
fn file_store_roundtrip_and_persists_across_instances() {
    let dir = tempfile::tempdir().unwrap();
    exercise(&FileStore::open(dir.path()).unwrap());
    let reopened = FileStore::open(dir.path()).unwrap();
    assert_eq!(
        reopened.get(&key::api_key("10")).unwrap().unwrap().expose(),
        "value-2"
    );
    assert_eq!(reopened.keys("").unwrap().len(), 3);
}

#[test]
fn keychain_store_roundtrip_with_index() {
    let dir = tempfile::tempdir().unwrap();
    let store = mock_keychain(dir.path());
    exercise(&store);
    let index = fs::read_to_string(dir.path().join("secret-index.json")).unwrap();
    assert!(index.contains("connection/10/api_key"), "{index}");
    assert!(
        !index.contains("value-"),
        "the index must hold names only: {index}"
    );
}

#[test]
fn keychain_namespaces_keep_data_dirs_apart() {
    let backend = keyring_core::mock::Store::new().unwrap();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let store_a = KeychainStore::with_backend(backend.clone(), a.path()).unwrap();
    let store_b = KeychainStore::with_backend(backend, b.path()).unwrap();
    assert_ne!(store_a.namespace(), store_b.namespace());
    store_a.set(&key::api_key("1"), &Secret::new("a")).unwrap();
    assert!(store_b.get(&key::api_key("1")).unwrap().is_none());
    store_b.delete_prefix("").unwrap();
    assert_eq!(
        store_a.get(&key::api_key("1")).unwrap().unwrap().expose(),
        "a"
    );
}

#[cfg(unix)]
#[test]
fn file_store_creates_user_only_file_and_folder() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let data_dir = root.path().join("nested").join("data");
    let store = FileStore::open(&data_dir).unwrap();
    assert!(!store.path().exists(), "opening alone creates no file");
    store.set(&key::api_key("1"), &Secret::new("k")).unwrap();
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(store.path()), 0o600);
    assert_eq!(mode(&data_dir), 0o700);
    assert_eq!(mode(&root.path().join("nested")), 0o700);
    // Rewrites keep the mode (the temp file is created 0600 before any byte is written).
    store.set(&key::api_key("1"), &Secret::new("k2")).unwrap();
    assert_eq!(mode(store.path()), 0o600);
}

#[cfg(unix)]
#[test]
fn file_store_restricts_a_world_readable_file_and_says_so() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    FileStore::open(dir.path())
        .unwrap()
        .set(&key::api_key("1"), &Secret::new("k"))
        .unwrap();
    let path = dir.path().join(FileStore::FILE_NAME);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();

    let opened = open_with(dir.path(), StoreChoice::File, &no_env()).unwrap();
    let warning = opened.warning.expect("the user is told");
    assert!(
        warning.contains("644") && warning.contains("readable only by you"),
        "{warning}"
    );
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        opened
            .store
            .get(&key::api_key("1"))
            .unwrap()
            .unwrap()
            .expose(),
        "k"
    );
    // Once fixed, no further warning.
    assert!(FileStore::open(dir.path())
        .unwrap()
        .permission_notice()
        .is_none());
}

#[test]
fn crash_before_rename_leaves_the_old_file_intact() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::open(dir.path()).unwrap();
    store.set(&key::api_key("1"), &Secret::new("old")).unwrap();
    // What a writer that died between writing the temp file and renaming it leaves behind.
    let tmp = dir.path().join("secrets.json.tmp");
    fs::write(
        &tmp,
        br#"{"version":1,"secrets":{"connection/1/api_key":"half-wri"#,
    )
    .unwrap();

    let reopened = FileStore::open(dir.path()).unwrap();
    assert_eq!(
        reopened.get(&key::api_key("1")).unwrap().unwrap().expose(),
        "old"
    );
    reopened
        .set(&key::oauth("1"), &Secret::new("tokens"))
        .unwrap();
    assert!(!tmp.exists(), "the next write clears the stale temp file");
    assert_eq!(
        reopened.get(&key::api_key("1")).unwrap().unwrap().expose(),
        "old"
    );
    assert_eq!(
        reopened.get(&key::oauth("1")).unwrap().unwrap().expose(),
        "tokens"
    );
}

#[test]
fn corrupt_file_is_reported_without_its_content_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FileStore::FILE_NAME);
    let garbage = r#"{"version":1,"secrets":{"connection/1/api_key": sk_live_SECRET}"#;
    fs::write(&path, garbage).unwrap();

    let err = FileStore::open(dir.path())
        .err()
        .expect("corrupt file rejected");
    let message = err.to_string();
    assert!(matches!(err, SecretError::Corrupt { .. }), "{message}");
    assert!(
        message.contains("secrets.json") && message.contains("line 1"),
        "{message}"
    );
    assert!(!message.contains("sk_live"), "{message}");

    // Wrong shape: serde would normally quote the offending value.
    fs::write(&path, r#"{"version":1,"secrets":["sk_live_SECRET"]}"#).unwrap();
    let message = FileStore::open(dir.path()).err().unwrap().to_string();
    assert!(!message.contains("sk_live"), "{message}");

    // Auto and File both surface it instead of starting over with an empty store.
    assert!(open_with(dir.path(), StoreChoice::File, &no_env()).is_err());
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        r#"{"version":1,"secrets":["sk_live_SECRET"]}"#
    );
}

#[test]
fn newer_file_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join(FileStore::FILE_NAME),
        r#"{"version":2,"secrets":{}}"#,
    )
    .unwrap();
    let err = FileStore::open(dir.path()).err().unwrap();
    assert!(err.to_string().contains("format version 2"), "{err}");
}

#[test]
fn concurrent_writers_lose_no_update() {
    let dir = tempfile::tempdir().unwrap();
    let shared = Arc::new(FileStore::open(dir.path()).unwrap());
    let per_thread = 25;
    let handles: Vec<_> = (0..4)
        .map(|t| {
            // Two threads share one instance, two have their own: both paths must serialize.
            let store: Arc<FileStore> = if t % 2 == 0 {
                shared.clone()
            } else {
                Arc::new(FileStore::open(dir.path()).unwrap())
            };
            thread::spawn(move || {
                for i in 0..per_thread {
                    let k = key::api_key(&format!("t{t}-{i}"));
                    store.set(&k, &Secret::new(format!("v{t}-{i}"))).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let reopened = FileStore::open(dir.path()).unwrap();
    assert_eq!(reopened.keys("").unwrap().len(), 4 * per_thread);
    assert_eq!(
        reopened
            .get(&key::api_key("t3-24"))
            .unwrap()
            .unwrap()
            .expose(),
        "v3-24"
    );
}

#[test]
fn migrate_moves_every_secret_and_deletes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = FileStore::open(dir.path()).unwrap();
    file.set(&key::api_key("1"), &Secret::new("a")).unwrap();
    file.set(&key::webhook_secret("9"), &Secret::new("w"))
        .unwrap();
    let target = MemoryStore::new();
    target.set(&key::oauth("2"), &Secret::new("kept")).unwrap();

    assert_eq!(migrate(&file, &target).unwrap(), 2);
    assert!(!file.path().exists(), "the file is gone");
    assert!(!dir.path().join("secrets.json.tmp").exists());
    assert_eq!(
        target.get(&key::api_key("1")).unwrap().unwrap().expose(),
        "a"
    );
    assert_eq!(
        target
            .get(&key::webhook_secret("9"))
            .unwrap()
            .unwrap()
            .expose(),
        "w"
    );
    assert_eq!(
        target.get(&key::oauth("2")).unwrap().unwrap().expose(),
        "kept"
    );
    assert!(file.is_empty().unwrap());
}

#[test]
fn failed_migration_keeps_the_file() {
    struct Refuses;
    impl SecretStore for Refuses {
        fn get(&self, _: &str) -> Result<Option<Secret>, SecretError> {
            Ok(None)
        }
        fn set(&self, key: &str, _: &Secret) -> Result<(), SecretError> {
            Err(SecretError::Keychain {
                op: "save",
                key: key.to_owned(),
                detail: "locked".to_owned(),
            })
        }
        fn delete(&self, _: &str) -> Result<(), SecretError> {
            Ok(())
        }
        fn keys(&self, _: &str) -> Result<Vec<String>, SecretError> {
            Ok(vec![])
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let file = FileStore::open(dir.path()).unwrap();
    file.set(&key::api_key("1"), &Secret::new("a")).unwrap();
    let err = migrate(&file, &Refuses).unwrap_err();
    assert!(err.to_string().contains("connection/1/api_key"), "{err}");
    assert_eq!(file.get(&key::api_key("1")).unwrap().unwrap().expose(), "a");
}

#[test]
fn open_memory_and_file_choices() {
    let dir = tempfile::tempdir().unwrap();
    let memory = open_with(dir.path(), StoreChoice::Memory, &no_env()).unwrap();
    assert_eq!(memory.backend, Backend::Memory);
    assert!(memory.warning.is_none());

    let file = open_with(dir.path(), StoreChoice::File, &no_env()).unwrap();
    assert_eq!(
        file.backend,
        Backend::File {
            path: dir.path().join("secrets.json")
        }
    );
    assert!(file.warning.is_none());
    file.store
        .set(&key::api_key("1"), &Secret::new("k"))
        .unwrap();
    assert!(dir.path().join("secrets.json").exists());
}

#[test]
fn errors_never_carry_secret_values() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::open(dir.path()).unwrap();
    let secret = Secret::new("sk_live_do_not_print");
    let err = store.set("bad key", &secret).unwrap_err();
    assert!(!format!("{err} {err:?}").contains("sk_live"));
    assert!(!format!("{secret:?} {secret}").contains("sk_live"));
}

fn no_env() -> OpenOptions {
    OpenOptions {
        honour_env: false,
        ..OpenOptions::default()
    }
}
