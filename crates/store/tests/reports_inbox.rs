use reqlink_domain::{
    DeliveryQuery, DeliveryStatus, InterviewEvent, InterviewStage, ReportQuery, ReportRecord,
    ReportSort, SNIPPET_CLOSE, SNIPPET_OPEN,
};
use reqlink_store::{Endpoint, NewDelivery, NewRejected, Store};

fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).unwrap();
    (dir, store)
}

fn report(id: &str, posting: &str, score: f64, at: f64, transcript: &str) -> ReportRecord {
    ReportRecord {
        interview_id: id.into(),
        posting_id: posting.into(),
        posting_title: Some(format!("Agent {posting}")),
        candidate_id: Some(format!("c-{id}")),
        candidate_name: Some(format!("Candidate {id}")),
        candidate_email: Some(format!("{id}@example.com")),
        match_score: Some(score),
        status: Some("completed".into()),
        interviewed_at: Some(at - 60.0),
        report_at: at,
        report_url: Some(format!("http://x/{id}.pdf")),
        raw_json: "{}".into(),
        search_highlights: "Strong distributed systems background".into(),
        search_lowlights: "Vague on leadership".into(),
        search_evaluations: "Clear career overview".into(),
        search_transcript: transcript.into(),
    }
}

#[test]
fn reports_filter_sort_and_search_with_snippets() {
    let (_d, store) = fresh();
    store
        .upsert_reports(&[
            report(
                "a",
                "p1",
                82.0,
                1_770_000_000.0,
                "I migrated our Kubernetes clusters",
            ),
            report(
                "b",
                "p1",
                45.0,
                1_770_000_100.0,
                "I mostly worked on spreadsheets",
            ),
            report(
                "c",
                "p2",
                67.0,
                1_770_000_200.0,
                "We ran Kubernetes in production",
            ),
        ])
        .unwrap();
    let all = store.list_reports(&ReportQuery::default()).unwrap();
    assert_eq!(all.total, 3);
    assert_eq!(all.items[0].interview_id, "c", "newest first");

    let p1 = store
        .list_reports(&ReportQuery {
            posting_id: Some("p1".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(p1.total, 2);
    let strong = store
        .list_reports(&ReportQuery {
            min_score: Some(60.0),
            sort: Some(ReportSort::Score),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        strong
            .items
            .iter()
            .map(|r| r.interview_id.as_str())
            .collect::<Vec<_>>(),
        vec!["a", "c"]
    );

    let hits = store
        .list_reports(&ReportQuery {
            search: Some("kubernet".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(hits.total, 2);
    let snippet = hits.items[0].snippet.as_deref().unwrap();
    assert!(
        snippet.contains(&format!("{SNIPPET_OPEN}Kubernetes{SNIPPET_CLOSE}")),
        "{snippet}"
    );

    // FTS syntax in a search is data, not query language.
    let odd = store
        .list_reports(&ReportQuery {
            search: Some("\"NEAR( *".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(odd.total, 0);

    let dist = store.score_distribution().unwrap();
    assert_eq!(dist.len(), 2);
    assert_eq!(dist[0].buckets[8].count, 1);
    assert_eq!(dist[0].buckets[4].count, 1);
}

#[test]
fn resent_report_replaces_and_keeps_one_search_row() {
    let (_d, store) = fresh();
    store
        .upsert_report(&report("a", "p1", 50.0, 1.0, "first words"))
        .unwrap();
    store.set_report_pdf("a", "/tmp/a.pdf").unwrap();
    store
        .upsert_report(&report("a", "p1", 70.0, 2.0, "second words"))
        .unwrap();
    let page = store.list_reports(&ReportQuery::default()).unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].match_score, Some(70.0));
    assert!(
        page.items[0].has_pdf,
        "same report_url keeps the cached PDF"
    );
    let old = store
        .list_reports(&ReportQuery {
            search: Some("first".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(old.total, 0);
}

#[test]
fn an_older_report_does_not_replace_a_newer_one() {
    let (_d, store) = fresh();
    store
        .upsert_report(&report("a", "p1", 70.0, 20.0, "newer words"))
        .unwrap();
    // A late resend (or a replay) of the earlier report.
    store
        .upsert_report(&report("a", "p1", 40.0, 10.0, "older words"))
        .unwrap();
    let page = store.list_reports(&ReportQuery::default()).unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].match_score, Some(70.0));
    let older = store
        .list_reports(&ReportQuery {
            search: Some("older".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(older.total, 0, "the search row stays the newer report's");
}

#[test]
fn a_failed_pdf_download_is_retried_when_due_and_given_up_when_told() {
    let (_d, store) = fresh();
    store
        .upsert_reports(&[
            report("a", "p1", 70.0, 1.0, "t"),
            report("b", "p1", 60.0, 2.0, "t"),
        ])
        .unwrap();
    let now = "2026-01-01T00:00:00.000Z";
    let due: Vec<_> = store.reports_missing_pdf(now, 10).unwrap();
    assert_eq!(due.len(), 2);
    assert!(due.iter().all(|(_, _, attempts)| *attempts == 0));

    // a: a passing failure, retried at noon; b: given up.
    let tries = store
        .set_report_pdf_failed("a", "HTTP 503", Some("2026-01-01T12:00:00.000Z"))
        .unwrap();
    assert_eq!(tries, 1);
    store.set_report_pdf_failed("b", "HTTP 404", None).unwrap();
    assert!(store.reports_missing_pdf(now, 10).unwrap().is_empty());
    let later = store
        .reports_missing_pdf("2026-01-01T12:00:00.001Z", 10)
        .unwrap();
    assert_eq!(later, vec![("a".into(), "http://x/a.pdf".into(), 1)]);

    // Writeback keeps waiting for a, and gives b up with the reason.
    assert_eq!(store.report_pdf_problem("a").unwrap(), None);
    let b = store.report_pdf_problem("b").unwrap().unwrap();
    assert!(b.contains("HTTP 404"), "{b}");
    // The report view says both.
    let rows = store.list_reports(&ReportQuery::default()).unwrap().items;
    let problem = |id: &str| {
        rows.iter()
            .find(|r| r.interview_id == id)
            .unwrap()
            .pdf_problem
            .clone()
            .unwrap()
    };
    assert!(
        problem("a").contains("tries again automatically"),
        "{}",
        problem("a")
    );
    assert!(
        problem("b").contains("could not be downloaded"),
        "{}",
        problem("b")
    );

    // Success clears the failure.
    store.set_report_pdf("a", "/tmp/a.pdf").unwrap();
    let (row, _) = store.report("a").unwrap().unwrap();
    assert!(row.has_pdf);
    assert_eq!(row.pdf_problem, None);
}

#[test]
fn interview_stage_never_moves_backwards() {
    let (_d, store) = fresh();
    store
        .upsert_report(&report("i1", "p1", 70.0, 10.0, "t"))
        .unwrap();
    store
        .record_interview_event(&InterviewEvent {
            interview_id: "i1".into(),
            posting_id: "p1".into(),
            candidate_id: None,
            candidate_name: None,
            candidate_email: None,
            stage: InterviewStage::Started,
            at: 5.0,
        })
        .unwrap();
    assert_eq!(store.interview_stage("i1").unwrap(), Some(3));
}

#[test]
fn deliveries_dedupe_queue_and_dead_letter() {
    let (_d, store) = fresh();
    let d = |key: &str| NewDelivery {
        source: "platform".into(),
        token: Some("tok".into()),
        event_type: "interview_started".into(),
        method: "POST".into(),
        dedupe_key: key.into(),
        interview_id: Some("i1".into()),
        body: br#"{"interview_id":"i1"}"#.to_vec(),
    };
    let first = store
        .insert_deliveries(&[d("k1"), d("k2"), d("k1")])
        .unwrap();
    assert!(!first[0].duplicate && !first[1].duplicate);
    assert!(first[2].duplicate);
    assert_eq!(first[2].id, first[0].id);
    assert_eq!(store.delivery_count().unwrap(), 2);

    let pending = store.pending_deliveries(10).unwrap();
    assert_eq!(pending.len(), 2);
    store.finish_delivery(pending[0].id, None).unwrap();
    store.finish_delivery(pending[1].id, Some("boom")).unwrap();
    assert!(store.pending_deliveries(10).unwrap().is_empty());
    let failed = store
        .list_deliveries(&DeliveryQuery {
            status: Some(DeliveryStatus::Failed),
            limit: 0,
        })
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].error.as_deref(), Some("boom"));
    store.requeue_delivery(pending[1].id).unwrap();
    assert_eq!(store.pending_deliveries(10).unwrap().len(), 1);

    store
        .record_rejected(&NewRejected {
            source: "platform",
            token: Some("tok"),
            event_type: Some("report_available"),
            reason: "not JSON",
            body: b"<html>",
        })
        .unwrap();
    let all = store.list_deliveries(&DeliveryQuery::default()).unwrap();
    assert_eq!(all.len(), 3);
    let (last, failures) = store.endpoint_stats("tok").unwrap();
    assert!(last.is_some());
    assert_eq!(failures, 1, "the rejected one; the failed one was requeued");
    let rejected = all
        .iter()
        .find(|r| r.status == DeliveryStatus::Rejected)
        .unwrap();
    let detail = store.delivery_detail(&rejected.id).unwrap();
    assert_eq!(detail.payload, "<html>");
    assert!(store.delivery_detail("d999").is_err());
}

#[test]
fn endpoints_resolve_until_revoked() {
    let (_d, store) = fresh();
    store
        .create_endpoint(&Endpoint {
            token: "t1".into(),
            source: "platform".into(),
            connection_id: None,
            posting_id: Some("p1".into()),
            event_type: Some("report_available".into()),
            webhook_id: None,
        })
        .unwrap();
    store.set_endpoint_webhook("t1", "w1").unwrap();
    assert_eq!(
        store.endpoint("t1").unwrap().unwrap().webhook_id.as_deref(),
        Some("w1")
    );
    assert_eq!(store.endpoints_for_posting("p1").unwrap().len(), 1);
    store.revoke_endpoint_for_webhook("w1").unwrap();
    assert!(store.endpoint("t1").unwrap().is_none());
}

#[test]
fn broad_searches_list_newest_first_and_precise_ones_best_match_first() {
    let (_d, store) = fresh();
    let n = reqlink_store::BROAD_SEARCH as usize + 5;
    let reports: Vec<_> = (0..n)
        .map(|i| {
            let words = if i == 3 {
                "teamwork kubernetes kubernetes kubernetes"
            } else {
                "teamwork"
            };
            report(&format!("r{i:05}"), "p1", 50.0, 1_000.0 + i as f64, words)
        })
        .collect();
    store.upsert_reports(&reports).unwrap();

    let broad = store
        .list_reports(&ReportQuery {
            search: Some("teamwork".into()),
            limit: 3,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(broad.total as usize, n);
    let newest = format!("r{:05}", n - 1);
    assert_eq!(
        broad.items[0].interview_id, newest,
        "broad search: newest stored first"
    );

    let precise = store
        .list_reports(&ReportQuery {
            search: Some("kubernetes".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(precise.total, 1);
    assert_eq!(precise.items[0].interview_id, "r00003");
}

#[test]
fn reports_filter_by_interview_status() {
    let (_d, store) = fresh();
    let mut dismissed = report("b", "p1", 45.0, 1_770_000_100.0, "spreadsheets");
    dismissed.status = Some("dismissed".into());
    store
        .upsert_reports(&[
            report("a", "p1", 82.0, 1_770_000_000.0, "kubernetes"),
            dismissed,
        ])
        .unwrap();
    let page = store
        .list_reports(&ReportQuery {
            status: Some("dismissed".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].interview_id, "b");
}

#[test]
fn reconciliation_asks_about_the_longest_unasked_interviews_first() {
    let (_d, store) = fresh();
    for id in ["a", "b", "c"] {
        store
            .record_invite(id, "p1", "Name", "n@example.com")
            .unwrap();
        // Distinct update times, oldest first.
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert_eq!(store.unfinished_interviews(2).unwrap(), ["a", "b"]);
    store.mark_reconciled("a").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    store.mark_reconciled("b").unwrap();
    // c was never asked about; then a, asked before b.
    assert_eq!(store.unfinished_interviews(2).unwrap(), ["c", "a"]);
    store
        .upsert_report(&report("c", "p1", 70.0, 1.0, "t"))
        .unwrap();
    assert_eq!(store.unfinished_interviews(5).unwrap(), ["a", "b"]);
}
