//! Record-at-a-time changes from ATS webhooks.

use reqlink_domain::{ApplicationRecord, CandidateQuery, CandidateRecord, Provider};
use reqlink_store::{Endpoint, NewConnection, Store, SANDBOX_WORKSPACE_ID};

fn with_connection() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).unwrap();
    store.ensure_sandbox_workspace().unwrap();
    store
        .upsert_connection(&NewConnection {
            id: "lv",
            workspace_id: SANDBOX_WORKSPACE_ID,
            provider: Provider::Lever,
            label: "Lever",
            auth_style: "API key",
            base_url: "http://127.0.0.1:1/v1",
            sandbox: true,
        })
        .unwrap();
    (dir, store)
}

fn person(id: &str, updated_at: Option<&str>) -> CandidateRecord {
    CandidateRecord {
        id: id.into(),
        first_name: "Ada".into(),
        last_name: id.into(),
        email: None,
        company: None,
        title: None,
        updated_at: updated_at.map(str::to_owned),
    }
}

fn application(id: &str, candidate: &str, stage: &str, at: &str) -> ApplicationRecord {
    ApplicationRecord {
        id: id.into(),
        candidate_id: candidate.into(),
        job_id: None,
        status: "active".into(),
        prospect: false,
        stage_id: Some(stage.into()),
        stage_name: Some(stage.into()),
        applied_at: None,
        last_activity_at: Some(at.into()),
    }
}

fn stage_of(store: &Store, candidate: &str) -> Option<String> {
    store
        .list_candidates(&CandidateQuery::default())
        .unwrap()
        .items
        .into_iter()
        .find(|c| c.id == candidate)
        .and_then(|c| c.stage_name)
}

#[test]
fn a_late_older_event_does_not_overwrite_a_newer_state() {
    let (_dir, store) = with_connection();
    let c = person("c1", None);
    let newer = application("a1", "c1", "Offer", "2026-03-02T10:00:00.000Z");
    assert!(store.put_application_event("lv", &newer, Some(&c)).unwrap());
    // Same instant spelled differently is not older.
    let same = application("a1", "c1", "Offer", "2026-03-02T10:00:00+00:00");
    assert!(store.put_application_event("lv", &same, None).unwrap());
    let older = application("a1", "c1", "Screen", "2026-03-01T09:00:00.000Z");
    assert!(!store.put_application_event("lv", &older, None).unwrap());
    assert_eq!(stage_of(&store, "c1").as_deref(), Some("Offer"));

    assert!(store
        .put_candidate_event("lv", &person("c1", Some("2026-03-02T00:00:00Z")))
        .unwrap());
    assert!(!store
        .put_candidate_event("lv", &person("c1", Some("2026-03-01T00:00:00Z")))
        .unwrap());
}

#[test]
fn deleting_one_application_keeps_a_person_with_others() {
    let (_dir, store) = with_connection();
    let c = person("c1", None);
    store
        .put_application_event(
            "lv",
            &application("a1", "c1", "New", "2026-01-01T00:00:00Z"),
            Some(&c),
        )
        .unwrap();
    store
        .put_application_event(
            "lv",
            &application("a2", "c1", "New", "2026-01-01T00:00:00Z"),
            None,
        )
        .unwrap();
    store.delete_application("lv", "a1", Some("c1")).unwrap();
    let rows = store.list_candidates(&CandidateQuery::default()).unwrap();
    assert_eq!(rows.items.len(), 1);
    assert_eq!(rows.items[0].application_count, 1);
    store.delete_application("lv", "a2", Some("c1")).unwrap();
    assert_eq!(
        store
            .list_candidates(&CandidateQuery::default())
            .unwrap()
            .total,
        0
    );
}

#[test]
fn ats_endpoints_are_found_by_connection_and_counted() {
    let (_dir, store) = with_connection();
    assert!(store.connection_endpoint("lv", "lever").unwrap().is_none());
    store
        .create_endpoint(&Endpoint {
            token: "t1".into(),
            source: "lever".into(),
            connection_id: Some("lv".into()),
            posting_id: None,
            event_type: None,
            webhook_id: None,
        })
        .unwrap();
    assert_eq!(
        store
            .connection_endpoint("lv", "lever")
            .unwrap()
            .unwrap()
            .token,
        "t1"
    );
    assert!(store
        .connection_endpoint("lv", "greenhouse")
        .unwrap()
        .is_none());
    assert_eq!(store.token_connection("t1").unwrap().as_deref(), Some("lv"));
    store
        .record_rejected_without_body("lever", Some("t1"), "signature does not match", 321)
        .unwrap();
    let counts = store.endpoint_counts("t1").unwrap();
    assert_eq!((counts.received, counts.rejected), (0, 1));
    assert!(counts.last_received_at.is_none());
    let row = &store.list_deliveries(&Default::default()).unwrap()[0];
    assert_eq!(row.size, 321);
    assert_eq!(store.delivery_detail(&row.id).unwrap().payload, "");
}
