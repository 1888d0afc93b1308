//! End-to-end tests against the real Reqlink window (see `reqlink_e2e` for the harness).
//!
//! All are `#[ignore]`d so a plain `cargo test` skips them; `scripts/test.sh` runs them
//! with `--run-ignored only` (nextest) or `-- --ignored` (cargo test) after building the app.
//! They share one static mutex inside the harness, so they never overlap.

use std::time::Duration;

use reqlink_e2e::{testid, E2e, Infra, LaunchOptions};

/// Every screen other than Requisitions: (nav id, screen root id, screenshot name).
const OTHER_SCREENS: &[(&str, &str, &str)] = &[
    ("nav-integrations", "screen-integrations", "integrations"),
    ("nav-candidates", "screen-candidates", "candidates"),
    ("nav-reports", "screen-reports", "reports"),
    ("nav-webhooks", "screen-webhooks", "webhooks"),
    ("nav-activity", "screen-activity", "activity"),
];

/// The first sync runs at start-up; give it time on a loaded 2-core machine.
const FIRST_SYNC: Duration = Duration::from_secs(60);
const SCREEN_WAIT: Duration = Duration::from_secs(15);

fn wait_for_sandbox(app: &E2e) {
    let badge = app.wait_for_text(
        &testid("workspace-badge"),
        "Sandbox",
        Duration::from_secs(45),
    );
    eprintln!("workspace badge: {badge:?}");
}

/// The number leading the Requisitions subtitle ("24 requisitions").
fn requisition_total(app: &E2e) -> usize {
    let text = app.text_css(&format!(
        "{} .page__subtitle",
        testid("screen-requisitions")
    ));
    text.chars()
        .take_while(|c| !c.is_alphabetic())
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or_else(|_| app.fail(&format!("no count in the subtitle {text:?}")))
}

fn open_requisitions_and_wait_for_jobs(app: &E2e, timeout: Duration) -> usize {
    app.click_css(&testid("nav-requisitions"));
    app.wait_for(&testid("screen-requisitions"), SCREEN_WAIT);
    app.wait_for_count(&testid("job-row"), 1, timeout);
    app.count(&testid("job-row"))
}

#[test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver, WebKitWebDriver and a built app; run by scripts/test.sh"]
fn sandbox_workspace_lists_jobs_and_every_screen_renders() {
    let app = E2e::launch(LaunchOptions::new(
        "sandbox_workspace_lists_jobs_and_every_screen_renders",
    ));
    wait_for_sandbox(&app);

    let jobs = open_requisitions_and_wait_for_jobs(&app, FIRST_SYNC);
    if jobs < 5 {
        app.fail(&format!(
            "expected at least 5 job rows in the sandbox, saw {jobs}"
        ));
    }
    app.assert_absent(&testid("error-banner"), "requisitions");
    app.screenshot("requisitions");

    for (nav, root, name) in OTHER_SCREENS {
        app.click_css(&testid(nav));
        app.wait_for(&testid(root), SCREEN_WAIT);
        app.assert_absent(&testid("error-banner"), name);
        app.screenshot(name);
    }
}

#[test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver, WebKitWebDriver and a built app; run by scripts/test.sh"]
fn app_survives_restart_with_same_data_dir() {
    let name = "app_survives_restart_with_same_data_dir";
    let first = E2e::launch(LaunchOptions::new(name));
    wait_for_sandbox(&first);
    open_requisitions_and_wait_for_jobs(&first, FIRST_SYNC);
    let before = requisition_total(&first);
    let data = first.shutdown_keep_data();

    let second = E2e::launch(LaunchOptions::new(name).with_data_dir(data));
    // The jobs come from the local store, so they show without waiting for a sync.
    open_requisitions_and_wait_for_jobs(&second, Duration::from_secs(10));
    // Compare totals, not drawn rows: the list only draws what fits.
    let after = requisition_total(&second);
    if after < before {
        second.fail(&format!(
            "after a restart on the same data dir: {after} job rows, before: {before}"
        ));
    }
    second.assert_absent(&testid("error-banner"), "requisitions after restart");
    second.screenshot("requisitions-after-restart");
}

/// The stack alone (no app): Xvfb and tauri-driver start, answer, and leave nothing behind.
#[test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver and WebKitWebDriver; run by scripts/test.sh"]
fn driver_stack_starts_and_stops_without_leftovers() {
    let log = reqlink_e2e::log_dir().join("driver_stack.log");
    let mut infra = Infra::start(&[], &log).unwrap_or_else(|e| panic!("{e}"));
    let status: serde_json::Value = reqwest::blocking::get(format!("{}/status", infra.base_url()))
        .and_then(|r| r.json())
        .expect("GET /status");
    eprintln!("display :{} status {status}", infra.display());
    let running = infra.processes();
    assert!(
        running.len() >= 3,
        "expected Xvfb, tauri-driver and WebKitWebDriver running, saw {running:?}"
    );
    let pgids = infra.pgids();
    let left = infra.stop();
    assert!(left.is_empty(), "processes survived: {left:?}");
    for pgid in pgids {
        let left = reqlink_e2e::processes_of(pgid, pgid);
        assert!(left.is_empty(), "group {pgid} still has {left:?}");
    }
}

/// The harness itself, against WebKitGTK's MiniBrowser instead of the app: launching,
/// scripts, finding, clicking, waiting, screenshots and a clean teardown. Skips if
/// MiniBrowser is not installed (it comes with Debian's libwebkit2gtk-4.1-0).
#[test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver, WebKitWebDriver; run by scripts/test.sh"]
fn harness_drives_a_webkit_window() {
    let mini = std::path::Path::new("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser");
    if !mini.is_file() {
        eprintln!("skipping: {} not installed", mini.display());
        return;
    }
    let mut opts = LaunchOptions::new("harness_drives_a_webkit_window");
    opts.app_binary = Some(mini.to_path_buf());
    // Tauri apps allow automation via TAURI_WEBVIEW_AUTOMATION (set by tauri-driver);
    // MiniBrowser needs the flag.
    opts.app_args = vec!["--automation".into()];
    let app = E2e::launch(opts);
    let data_dir = app.data_dir();
    assert!(data_dir.is_dir());
    // A page shaped like the app's contract: clicking the nav fills the list after a delay.
    app.navigate(concat!(
        "data:text/html,<!doctype html><body>",
        "<div data-testid='workspace-badge'>Loading</div>",
        "<button data-testid='nav-requisitions' onclick='setTimeout(function () {",
        "  document.querySelector(\"[data-testid=workspace-badge]\").textContent = \"Sandbox workspace\";",
        "  for (var i = 0; i < 6; i++) { var r = document.createElement(\"div\");",
        "    r.setAttribute(\"data-testid\", \"job-row\"); r.textContent = \"Job \" + i;",
        "    document.body.appendChild(r); } }, 300)'>Requisitions</button></body>"
    ));
    let state = app.execute("return document.readyState;", vec![]);
    assert_eq!(state, "complete");
    assert_eq!(app.count(&testid("job-row")), 0);
    app.click_css(&testid("nav-requisitions"));
    let text = app.wait_for_text(
        &testid("workspace-badge"),
        "Sandbox",
        Duration::from_secs(5),
    );
    assert_eq!(text, "Sandbox workspace");
    assert_eq!(
        app.wait_for_count(&testid("job-row"), 6, Duration::from_secs(5)),
        6
    );
    app.assert_absent(&testid("error-banner"), "self-test");
    let shot = app.screenshot("harness-self-test");
    let png = std::fs::read(&shot).expect("screenshot written");
    assert_eq!(&png[1..4], b"PNG");
    let mut app = app;
    let running = app.processes();
    assert!(
        running.len() >= 5,
        "expected Xvfb, tauri-driver, WebKitWebDriver, the browser and its helpers: {running:?}"
    );
    drop(app);
    assert!(!data_dir.exists(), "temp data dir removed on drop");
    let left: Vec<u32> = running
        .into_iter()
        .filter(|p| reqlink_e2e::is_alive(*p))
        .collect();
    assert!(left.is_empty(), "processes left after drop: {left:?}");
}
