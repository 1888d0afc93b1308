//! A report whose highlights, transcript and posting description carry
//! `<script>` and `<img onerror>` is delivered to the running app's real
//! receiver; the test proves in the real window that nothing executes and
//! the text shows as text.

use std::time::Duration;

use reqlink_e2e::{free_port, testid, E2e, LaunchOptions};

const REPORT: &str = include_str!("../../crates/platform/tests/fixtures/report_available.json");
const SCRIPT: &str = "<script>window.__xss = 'script'</script>";
const IMG: &str = "<img src=x onerror=\"window.__xss = 'img'\">";

fn hostile_report(posting: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(REPORT).unwrap();
    v["posting_id"] = posting.into();
    let web = &mut v["agentic_data"]["web_interview_info"];
    web["summary"]["highlights"] =
        serde_json::json!([format!("Great answer {SCRIPT}"), format!("Strong {IMG}")]);
    web["summary"]["lowlights"] = serde_json::json!([IMG]);
    web["transcript"]["transcript"][0]["text"] = format!("Hello {SCRIPT} {IMG}").into();
    v["interview_data_model"]["posting_info"]["description"] = format!(
        "<p>We are hiring</p>{SCRIPT}{IMG}<a href=\"javascript:window.__xss='link'\">apply</a>"
    )
    .into();
    v.to_string()
}

#[test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver, WebKitWebDriver and a built app; run by scripts/test.sh"]
fn hostile_report_text_never_executes() {
    let port = free_port().unwrap();
    let app = E2e::launch(
        LaunchOptions::new("hostile_report_text_never_executes")
            .env("REQLINK_RECEIVER_ADDR", format!("127.0.0.1:{port}")),
    );
    app.wait_for_text(
        &testid("workspace-badge"),
        "Sandbox",
        Duration::from_secs(45),
    );

    // Subscribe the first agent through the UI, as a recruiter would.
    app.click_css(&testid("nav-webhooks"));
    app.wait_for(&testid("subscribe-all"), Duration::from_secs(20));
    app.click_css(&testid("subscribe-all"));
    app.wait_for_count(&testid("webhook-row"), 3, Duration::from_secs(20));

    // The path token lives only in the app's database.
    let db = rusqlite::Connection::open(app.data_dir().join("reqlink.sqlite3")).unwrap();
    let (token, posting): (String, String) = db
        .query_row(
            "SELECT token, posting_id FROM hook_endpoints WHERE event_type = 'report_available' AND revoked_at IS NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let res = reqwest::blocking::Client::new()
        .post(format!("http://127.0.0.1:{port}/hooks/platform/{token}"))
        .body(hostile_report(&posting))
        .send()
        .unwrap();
    assert_eq!(res.status(), 200, "the receiver accepted the report");

    app.click_css(&testid("nav-reports"));
    app.wait_for_count(&testid("report-row"), 1, Duration::from_secs(20));
    app.click_css(&testid("report-row"));
    app.wait_for(&testid("report-view"), Duration::from_secs(10));
    let highlights = app.wait_for_text(&testid("highlights"), "<script>", Duration::from_secs(10));
    assert!(
        highlights.contains("onerror"),
        "the img markup shows as text: {highlights}"
    );
    let transcript = app.text_css(&testid("transcript-line"));
    assert!(
        transcript.contains("<script>"),
        "transcript shows markup as text: {transcript}"
    );

    let description = app.wait_for(&testid("posting-description"), Duration::from_secs(10));
    let description_text = app.text(&description);
    assert!(
        description_text.contains("We are hiring"),
        "{description_text}"
    );
    // Give any injected handler a chance to run before checking.
    std::thread::sleep(Duration::from_millis(500));
    let probe = app.execute(
        "const v = document.querySelector('[data-testid=\"report-view\"]');
         return {
           xss: window.__xss === undefined ? null : String(window.__xss),
           scripts: v.querySelectorAll('script').length,
           imgs: v.querySelectorAll('img').length,
           js_links: v.querySelectorAll('a[href^=\"javascript\"]').length,
         };",
        vec![],
    );
    app.screenshot("report-view-hostile");
    assert_eq!(
        probe["xss"],
        serde_json::Value::Null,
        "injected code ran: {probe}"
    );
    assert_eq!(probe["scripts"], 0, "{probe}");
    assert_eq!(probe["imgs"], 0, "{probe}");
    assert_eq!(probe["js_links"], 0, "{probe}");
}
