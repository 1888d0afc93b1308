//! `reqlink reports list/search/show` over a data directory with stored
//! reports: JSON out, filters and sort applied, bad input refused.

use std::process::Command;

use reqlink_domain::ReportRecord;
use reqlink_store::Store;

fn report(id: &str, posting: &str, score: f64, at: f64, status: &str, words: &str) -> ReportRecord {
    ReportRecord {
        interview_id: id.into(),
        posting_id: posting.into(),
        posting_title: Some(format!("Agent {posting}")),
        candidate_id: None,
        candidate_name: Some(format!("Candidate {id}")),
        candidate_email: None,
        match_score: Some(score),
        status: Some(status.into()),
        interviewed_at: None,
        report_at: at,
        report_url: None,
        raw_json: "{}".into(),
        search_highlights: String::new(),
        search_lowlights: String::new(),
        search_evaluations: String::new(),
        search_transcript: words.into(),
    }
}

fn reqlink(dir: &std::path::Path, args: &[&str]) -> (bool, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_reqlink"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("REQLINK_SECRET_STORE", "file")
        .env("REQLINK_RECEIVER_ADDR", "127.0.0.1:0")
        .output()
        .expect("reqlink runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let json = serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.success(),
        json,
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn ids(page: &serde_json::Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page: {page}"))
        .iter()
        .map(|r| r["interview_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn reports_list_filters_sorts_and_refuses_a_bad_date() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open_in_dir(dir.path()).unwrap();
        // 2026-01-01, 2026-02-01, 2026-03-01 (UTC).
        store
            .upsert_reports(&[
                report("a", "p1", 90.0, 1_767_225_600.0, "completed", "kubernetes"),
                report("b", "p1", 40.0, 1_769_904_000.0, "dismissed", "sales"),
                report("c", "p2", 70.0, 1_772_323_200.0, "completed", "kubernetes"),
            ])
            .unwrap();
    }
    let (ok, page, err) = reqlink(dir.path(), &["reports", "list"]);
    assert!(ok, "{err}");
    assert_eq!(ids(&page), ["c", "b", "a"], "newest first");

    let (ok, page, err) = reqlink(
        dir.path(),
        &[
            "reports",
            "list",
            "--status",
            "completed",
            "--sort",
            "score",
            "--asc",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(ids(&page), ["c", "a"]);

    let (ok, page, err) = reqlink(
        dir.path(),
        &[
            "reports",
            "list",
            "--from",
            "2026-01-15",
            "--to",
            "2026-02-15",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(ids(&page), ["b"]);

    let (ok, page, err) = reqlink(dir.path(), &["reports", "search", "kubernetes"]);
    assert!(ok, "{err}");
    let mut found = ids(&page);
    found.sort();
    assert_eq!(found, ["a", "c"]);

    let (ok, _, err) = reqlink(dir.path(), &["reports", "list", "--from", "last tuesday"]);
    assert!(!ok);
    assert!(err.contains("is not a date"), "{err}");
}
