//! The sandbox interview loop in the real window: Check delivery on an
//! agent invites a test candidate, the emulated platform runs the interview
//! and delivers its events to the app's receiver, and the report opens with
//! its PDF drawn inside the app.

use std::time::Duration;

use reqlink_e2e::{free_port, testid, E2e, LaunchOptions};

#[test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver, WebKitWebDriver and a built app; run by scripts/test.sh"]
fn check_delivery_brings_a_report_with_its_pdf() {
    let port = free_port().unwrap();
    let app = E2e::launch(
        LaunchOptions::new("check_delivery_brings_a_report_with_its_pdf")
            .env("REQLINK_RECEIVER_ADDR", format!("127.0.0.1:{port}")),
    );
    app.wait_for_text(
        &testid("workspace-badge"),
        "Sandbox",
        Duration::from_secs(45),
    );

    app.click_css(&testid("nav-webhooks"));
    app.wait_for(&testid("check-delivery"), Duration::from_secs(20));
    app.click_css(&testid("check-delivery"));
    let result = app.wait_for_text(
        &testid("delivery-check"),
        "Delivery works",
        Duration::from_secs(40),
    );
    eprintln!("delivery check: {result}");
    app.screenshot("webhooks-after-check");

    // The report follows a few seconds after the interview completes.
    app.click_css(&testid("nav-reports"));
    app.wait_for_count(&testid("report-row"), 1, Duration::from_secs(40));
    app.screenshot("reports-list");
    app.click_css(&testid("report-row"));
    app.wait_for(&testid("report-view"), Duration::from_secs(10));
    app.wait_for_count(&testid("scorecard-item"), 1, Duration::from_secs(10));
    app.wait_for_text(&testid("pdf-state"), "cached", Duration::from_secs(30));

    app.execute(
        "const b = [...document.querySelectorAll('[data-testid=\"report-view\"] button')]
            .find(b => b.textContent.trim() === 'PDF');
         b.click();",
        vec![],
    );
    app.wait_for_count(&testid("pdf-page"), 1, Duration::from_secs(30));
    // The page count appears once every page has finished drawing.
    app.wait_for_text(&testid("pdf-page-count"), "page", Duration::from_secs(30));
    let drawn = app.execute(
        "const c = document.querySelector('[data-testid=\"pdf-page\"]');
         const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
         let ink = 0;
         for (let i = 0; i < d.length; i += 4) if (d[i] < 128 && d[i + 3] > 0) ink++;
         return ink;",
        vec![],
    );
    app.screenshot("report-pdf");
    assert!(
        drawn.as_u64().unwrap_or(0) > 100,
        "the PDF page has visible text drawn: {drawn}"
    );
}
