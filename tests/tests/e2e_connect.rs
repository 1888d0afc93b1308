//! End to end in the real window: connecting an ATS through browser sign-in (OAuth).
//!
//! The app opens sign-in pages with the program named in `REQLINK_BROWSER`; here that is
//! a [`BrowserCapture`] script that records the URL, and the test plays the person at
//! the browser with `reqlink_sandbox::oauth::answer_consent` (it loads the emulator's
//! consent page, presses Approve or Deny as the form submits it, and follows the redirect
//! to the app's loopback listener). Everything else is the real window over WebDriver.
//!
//! `#[ignore]`d like the other e2e tests; `scripts/test.sh` runs them.

use std::time::Duration;

use reqlink_e2e::{testid, BrowserCapture, E2e, LaunchOptions};
use reqlink_sandbox::oauth::{answer_consent, Decision};

const SCREEN_WAIT: Duration = Duration::from_secs(15);
/// The app starts the sandbox and its first sync; give it time on a loaded 2-core machine.
const STARTUP: Duration = Duration::from_secs(45);
/// How long the window may take to show the browser was opened.
const BROWSER_WAIT: Duration = Duration::from_secs(20);
/// From Approve to "Connected": token exchange, verification, then the card's next poll
/// (every 2 s) or the change event.
const CONNECTED_WAIT: Duration = Duration::from_secs(45);
/// The first Lever sync after connecting.
const LEVER_SYNC: Duration = Duration::from_secs(150);

fn card(provider: &str, inner: &str) -> String {
    format!(
        "{} {}",
        testid(&format!("integration-card-{provider}")),
        testid(inner)
    )
}

/// Launches the app with the stand-in browser and file secrets (never the real keychain of
/// whoever runs the tests), and waits for the sandbox workspace.
fn launch(name: &str, browser: &BrowserCapture) -> E2e {
    let (key, value) = browser.env();
    let app = E2e::launch(
        LaunchOptions::new(name)
            .env(key, value)
            .env("REQLINK_SECRET_STORE", "file"),
    );
    app.wait_for_text(&testid("workspace-badge"), "Sandbox", STARTUP);
    app
}

/// Integrations → Connect Lever → "Sign in with Lever" option → Use the sandbox; waits for
/// the waiting state and returns the URL the app handed to the browser.
fn start_lever_sign_in(app: &E2e, browser: &BrowserCapture, nth_url: usize) -> String {
    app.click_css(&testid("nav-integrations"));
    app.wait_for(&testid("screen-integrations"), SCREEN_WAIT);
    app.wait_for(&testid("integration-card-lever"), SCREEN_WAIT);
    let status = app.wait_for_text(
        &testid("connection-status-lever"),
        "Not connected",
        SCREEN_WAIT,
    );
    eprintln!("lever before: {status:?}");

    app.click_css(&card("lever", "connect-lever"));
    app.wait_for(&card("lever", "connect-form-lever"), SCREEN_WAIT);
    app.click_css(&card("lever", "auth-option-oauth_code"));
    let checked = app.execute(
        "return document.querySelector(arguments[0]).checked;",
        vec![serde_json::json!(card("lever", "auth-option-oauth_code"))],
    );
    if checked != serde_json::json!(true) {
        app.fail("the OAuth option of the Lever card is not selected after clicking it");
    }
    app.click_css(&card("lever", "use-sandbox"));

    app.wait_for(&card("lever", "oauth-waiting"), BROWSER_WAIT);
    app.wait_for_text(
        &card("lever", "oauth-waiting"),
        "Waiting for the browser",
        SCREEN_WAIT,
    );
    let url = browser
        .wait_for_url(nth_url, BROWSER_WAIT)
        .unwrap_or_else(|e| app.fail(&e.to_string()));
    eprintln!("the app opened: {url}");
    if !url.starts_with("http://127.0.0.1:") {
        app.fail(&format!(
            "the sign-in page is not the local Lever emulator: {url}"
        ));
    }
    for part in ["code_challenge_method=S256", "state=", "redirect_uri="] {
        if !url.contains(part) {
            app.fail(&format!("the authorize URL lacks {part}: {url}"));
        }
    }
    // The card offers the same link for when no browser opened.
    let shown = app.value_css(&format!(
        "{} input[aria-label=\"Sign-in link\"]",
        card("lever", "oauth-waiting")
    ));
    if shown != url {
        app.fail(&format!(
            "the card shows another sign-in link than the browser got:\n  card:    {shown}\n  browser: {url}"
        ));
    }
    url
}

/// The leading number of "1,234 matching requisitions · updating…".
fn total_of(subtitle: &str) -> usize {
    let digits: String = subtitle
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '\u{202f}' || *c == ' ')
        .filter(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no count at the start of {subtitle:?}"))
}

fn consent(url: &str, decision: Decision) -> Result<String, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(answer_consent(url, decision))
}

#[test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver, WebKitWebDriver and a built app; run by scripts/test.sh"]
fn connect_lever_through_oauth_and_list_its_requisitions() {
    let browser = BrowserCapture::new().unwrap_or_else(|e| panic!("{e}"));
    let app = launch(
        "connect_lever_through_oauth_and_list_its_requisitions",
        &browser,
    );

    let url = start_lever_sign_in(&app, &browser, 1);
    app.screenshot("integrations-lever-waiting");
    // Still waiting: nothing is connected until the person approves.
    let status = app.text_css(&testid("connection-status-lever"));
    if !status.contains("Not connected") {
        app.fail(&format!("Lever reads {status:?} before consent"));
    }

    // The person approves on the emulator's page; the browser lands on the app's listener.
    let landing = consent(&url, Decision::Approve)
        .unwrap_or_else(|e| app.fail(&format!("approving on the Lever consent page: {e}")));
    eprintln!("loopback page: {landing:?}");

    let status = app.wait_for_text(
        &testid("connection-status-lever"),
        "Connected as",
        CONNECTED_WAIT,
    );
    eprintln!("lever after: {status:?}");
    app.wait_for_absent(&card("lever", "oauth-waiting"), SCREEN_WAIT);
    app.assert_absent(&card("lever", "oauth-failed"), "after approval");
    app.assert_absent(&card("lever", "connect-error-lever"), "after approval");
    app.wait_for_text(
        &testid("integration-card-lever"),
        "Signed in to Lever",
        SCREEN_WAIT,
    );
    // Browser sign-in brings an access token with an expiry; the card says when.
    app.wait_for(&card("lever", "token-expiry-lever"), SCREEN_WAIT);
    // The sync that follows the connection runs to the end without an error.
    app.wait_until("the first Lever sync to finish", LEVER_SYNC, |e| {
        if e.try_find(&card("lever", "sync-progress-lever"))?.is_some() {
            return Ok(None);
        }
        let last = match e.try_find(&format!(
            "{} .sync-panel__last",
            testid("integration-card-lever")
        ))? {
            Some(el) => e.try_text(&el)?,
            None => return Ok(None),
        };
        Ok((!last.contains("never")).then_some(()))
    });
    let status = app.text_css(&testid("connection-status-lever"));
    if !status.contains("Connected as") {
        app.fail(&format!("Lever reads {status:?} after its first sync"));
    }
    app.assert_absent(
        &format!("{} .sync-panel__error", testid("integration-card-lever")),
        "after the first Lever sync",
    );
    let jobs_on = |provider: &str| {
        total_of(&app.text_css(&format!(
            "{} .counts li:first-child .counts__value",
            testid(&format!("integration-card-{provider}"))
        )))
    };
    let lever_jobs = jobs_on("lever");
    let greenhouse_jobs = jobs_on("greenhouse");
    eprintln!("cards: Lever {lever_jobs} jobs, Greenhouse {greenhouse_jobs} jobs");
    if lever_jobs == 0 {
        app.fail("the Lever card counts no jobs after its first sync");
    }
    app.screenshot("integrations-lever-connected");

    // Requisitions lists Lever's postings: with the ATS filter on Lever, exactly the
    // card's count; with every ATS, Greenhouse's and Lever's together.
    app.click_css(&testid("nav-requisitions"));
    app.wait_for(&testid("screen-requisitions"), SCREEN_WAIT);
    let subtitle = format!("{} .page__subtitle", testid("screen-requisitions"));
    let count = |app: &E2e, filtered: bool, expected: usize| {
        app.wait_until(
            &format!("{expected} requisitions in the subtitle (filtered: {filtered})"),
            SCREEN_WAIT,
            |e| {
                let text = match e.try_find(&subtitle)? {
                    Some(el) => e.try_text(&el)?,
                    None => return Ok(None),
                };
                if text.contains("matching") != filtered || text.contains("updating") {
                    return Ok(None);
                }
                Ok((total_of(&text) == expected).then_some(text))
            },
        )
    };
    count(&app, false, greenhouse_jobs + lever_jobs);
    let lever = app.select_option(&testid("filter-connection"), "Lever");
    // Sandbox connections have fixed ids (crates/app/src/connect.rs `connection_id`).
    assert_eq!(lever, "sandbox-lever", "the Lever option's connection id");
    let text = count(&app, true, lever_jobs);
    let rows = app.wait_for_count(&testid("job-row"), 1, SCREEN_WAIT);
    eprintln!("Requisitions filtered to Lever: {text:?}, {rows} rows rendered");
    app.assert_absent(&testid("error-banner"), "Lever requisitions");
    app.assert_absent(&testid("empty-state"), "Lever requisitions");
    app.screenshot("requisitions-lever");
}

#[test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver, WebKitWebDriver and a built app; run by scripts/test.sh"]
fn cancelled_lever_sign_in_leaves_it_not_connected() {
    let browser = BrowserCapture::new().unwrap_or_else(|e| panic!("{e}"));
    let app = launch("cancelled_lever_sign_in_leaves_it_not_connected", &browser);

    let url = start_lever_sign_in(&app, &browser, 1);
    app.click_css(&card("lever", "oauth-cancel"));
    app.wait_for_absent(&card("lever", "oauth-waiting"), SCREEN_WAIT);
    app.wait_for_text(
        &testid("integration-card-lever"),
        "Sign-in cancelled",
        SCREEN_WAIT,
    );
    let status = app.text_css(&testid("connection-status-lever"));
    if !status.contains("Not connected") {
        app.fail(&format!(
            "Lever reads {status:?} after cancelling the sign-in"
        ));
    }
    app.assert_absent(&card("lever", "token-expiry-lever"), "after cancel");
    app.screenshot("integrations-lever-cancelled");

    // Approving late must not connect anything: the app's loopback listener is gone.
    match consent(&url, Decision::Approve) {
        Err(e) => eprintln!("late approval refused as expected: {e}"),
        Ok(page) if page.contains("Connected to") => app.fail(&format!(
            "a late approval of a cancelled sign-in was accepted by the app: {page:?}"
        )),
        Ok(page) => eprintln!("late approval reached a page: {page:?}"),
    }
    std::thread::sleep(Duration::from_secs(3));
    let status = app.text_css(&testid("connection-status-lever"));
    if !status.contains("Not connected") {
        app.fail(&format!(
            "Lever reads {status:?} after a late approval of a cancelled sign-in"
        ));
    }

    // The card is usable again: the form is open with the OAuth option.
    app.wait_for(&card("lever", "connect-form-lever"), SCREEN_WAIT);
}
