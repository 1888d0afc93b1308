//! The product's loop in the real window: on the sandbox Greenhouse, link a
//! requisition to an agent with a trigger stage and a pass stage through
//! the Requisitions screen, move a candidate into the trigger stage in the
//! emulator, and check from the emulator's side that exactly one note, one
//! PDF attachment and the stage move arrived.

use std::time::{Duration, Instant};

use reqlink_e2e::{free_port, testid, E2e, LaunchOptions};
use serde_json::{json, Value};

const GH: &str = "sandbox-greenhouse";

struct Pick {
    application_id: String,
    candidate_id: u64,
    trigger: String,
    pass: String,
}

/// An active application of `job_id` with an e-mail, and two stages of
/// its job other than the one it is in.
fn pick(db: &rusqlite::Connection, job_id: &str) -> Option<Pick> {
    let (application_id, candidate_id, current): (String, String, Option<String>) = db
        .query_row(
            "SELECT a.id, a.candidate_id, a.stage_id FROM applications a
             JOIN candidates c ON c.connection_id = a.connection_id AND c.id = a.candidate_id
             WHERE a.connection_id = ?1 AND a.job_id = ?2 AND a.status = 'active'
               AND a.prospect = 0 AND c.email LIKE '%@%'
             LIMIT 1",
            [GH, job_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .ok()?;
    let mut stmt = db
        .prepare(
            "SELECT id FROM job_stages WHERE connection_id = ?1 AND job_id = ?2
             ORDER BY priority, id",
        )
        .ok()?;
    let stages: Vec<String> = stmt
        .query_map([GH, job_id], |r| r.get(0))
        .ok()?
        .filter_map(Result::ok)
        .filter(|s| Some(s) != current.as_ref())
        .collect();
    let candidate_id = candidate_id.parse().ok()?;
    (stages.len() >= 2).then(|| Pick {
        application_id,
        candidate_id,
        trigger: stages[0].clone(),
        pass: stages[1].clone(),
    })
}

/// The emulator's origin (`http://127.0.0.1:<port>`), from the connection.
fn greenhouse_origin(db: &rusqlite::Connection) -> String {
    let base: String = db
        .query_row(
            "SELECT base_url FROM connections WHERE id = ?1",
            [GH],
            |r| r.get(0),
        )
        .expect("the sandbox Greenhouse connection");
    // scheme://host:port, without the API path.
    base.splitn(4, '/').take(3).collect::<Vec<_>>().join("/")
}

fn writes_for(origin: &str, candidate_id: u64) -> (usize, usize, Vec<u64>) {
    let log: Vec<Value> = reqwest::blocking::get(format!("{origin}/_sandbox/greenhouse/writes"))
        .and_then(|r| r.json())
        .unwrap_or_default();
    let mut out = (0, 0, Vec::new());
    for w in log
        .iter()
        .filter(|w| w["candidate_id"].as_u64() == Some(candidate_id))
    {
        match w["kind"].as_str() {
            Some("note") => out.0 += 1,
            Some("attachment") => out.1 += 1,
            Some("stage_move") => out.2.push(w["to_stage_id"].as_u64().unwrap_or_default()),
            _ => {}
        }
    }
    out
}

/// Sets a React-controlled input or select by value and fires its events.
fn set_value(app: &E2e, css: &str, value: &str) {
    app.wait_for(css, Duration::from_secs(15));
    app.execute(
        "const el = document.querySelector(arguments[0]);
         const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
         Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, arguments[1]);
         el.dispatchEvent(new Event('input', { bubbles: true }));
         el.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![json!(css), json!(value)],
    );
}

#[test]
#[ignore = "end-to-end: needs Xvfb, tauri-driver, WebKitWebDriver and a built app; run by scripts/test.sh"]
fn a_linked_requisition_writes_results_back_exactly_once() {
    let port = free_port().unwrap();
    let app = E2e::launch(
        LaunchOptions::new("a_linked_requisition_writes_results_back_exactly_once")
            .env("REQLINK_RECEIVER_ADDR", format!("127.0.0.1:{port}")),
    );
    app.wait_for_text(
        &testid("workspace-badge"),
        "Sandbox",
        Duration::from_secs(45),
    );
    let db = rusqlite::Connection::open(app.data_dir().join("reqlink.sqlite3")).unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();

    app.click_css(&testid("nav-requisitions"));
    // Wait for the first sync to bring jobs with stages and candidates,
    // then take the first listed requisition that has a usable candidate.
    let started = Instant::now();
    let (job_id, pick) = loop {
        let buttons: Vec<String> = app
            .execute(
                "return [...document.querySelectorAll('[data-testid^=\"link-button-\"]')]
                    .map(b => b.getAttribute('data-testid').slice('link-button-'.length));",
                vec![],
            )
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(found) = buttons
            .iter()
            .find_map(|job| pick(&db, job).map(|p| (job.clone(), p)))
        {
            break found;
        }
        if started.elapsed() > Duration::from_secs(90) {
            app.fail("no listed requisition has a candidate and two free stages");
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    let origin = greenhouse_origin(&db);

    app.click_css(&testid(&format!("link-button-{job_id}")));
    app.wait_for(&testid("link-editor"), Duration::from_secs(15));
    // The first real agent (the select may start with a placeholder).
    app.wait_until("an agent to choose", Duration::from_secs(30), |e| {
        let v = e.try_execute(
            "const s = document.querySelector(arguments[0]);
             const o = s && [...s.options].find(o => o.value);
             return o ? o.value : null;",
            vec![json!(testid("link-agent-select"))],
        )?;
        Ok(v.as_str().map(str::to_string))
    });
    let agent: String = app
        .execute(
            "return [...document.querySelector(arguments[0]).options].find(o => o.value).value;",
            vec![json!(testid("link-agent-select"))],
        )
        .as_str()
        .unwrap()
        .to_string();
    set_value(&app, &testid("link-agent-select"), &agent);
    app.click_css(&testid(&format!("link-trigger-{}", pick.trigger)));
    set_value(&app, &testid("link-threshold"), "0");
    set_value(&app, &testid("link-pass-stage"), &pick.pass);
    app.screenshot("link-editor");
    app.click_css(&testid("link-save"));
    app.wait_for_absent(&testid("link-editor"), Duration::from_secs(30));
    let linked: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM links WHERE connection_id = ?1 AND job_id = ?2 AND active = 1",
            [GH, job_id.as_str()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(linked, 1, "the window saved one active link");

    let moved = reqwest::blocking::Client::new()
        .post(format!(
            "{origin}/_sandbox/greenhouse/applications/{}/move",
            pick.application_id
        ))
        .json(&json!({ "to_stage_id": pick.trigger.parse::<u64>().unwrap() }))
        .send()
        .unwrap();
    assert!(
        moved.status().is_success(),
        "the emulator moved the application"
    );

    let started = Instant::now();
    loop {
        let (notes, files, moves) = writes_for(&origin, pick.candidate_id);
        if notes >= 1 && files >= 1 && !moves.is_empty() {
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            app.fail(&format!(
                "writeback incomplete: {notes} notes, {files} files, moves {moves:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    // Anything duplicated would arrive within a few more seconds.
    std::thread::sleep(Duration::from_secs(5));
    let (notes, files, moves) = writes_for(&origin, pick.candidate_id);
    app.screenshot("after-writeback");
    assert_eq!(notes, 1, "exactly one note");
    assert_eq!(files, 1, "exactly one PDF attachment");
    assert_eq!(
        moves,
        vec![pick.pass.parse::<u64>().unwrap()],
        "one move to the pass stage"
    );

    // The window's pipeline shows the candidate written back.
    app.click_css(&testid(&format!("linked-agent-{job_id}")));
    app.wait_for(&testid("pipeline-funnel"), Duration::from_secs(15));
    app.wait_for_text(
        &format!("{} .funnel__count", testid("funnel-written_back")),
        "1",
        Duration::from_secs(15),
    );
    app.wait_for(
        &testid(&format!("pipeline-row-{}", pick.application_id)),
        Duration::from_secs(15),
    );
    app.screenshot("pipeline");
}
