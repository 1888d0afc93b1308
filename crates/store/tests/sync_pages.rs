//! Resumable sync pages and one-record ATS changes.

use reqlink_domain::{ApplicationRecord, CandidateRecord, JobRecord, Provider, StageRecord};
use reqlink_store::{NewConnection, ResumePoint, Store, SyncPage, SANDBOX_WORKSPACE_ID};

fn store_with_connection() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).unwrap();
    store.ensure_sandbox_workspace().unwrap();
    store
        .upsert_connection(&NewConnection {
            id: "c",
            workspace_id: SANDBOX_WORKSPACE_ID,
            provider: Provider::Lever,
            label: "Lever",
            auth_style: "OAuth",
            base_url: "http://127.0.0.1:1/v1",
            sandbox: true,
        })
        .unwrap();
    (dir, store)
}

fn candidate(id: &str) -> CandidateRecord {
    CandidateRecord {
        id: id.into(),
        first_name: format!("First{id}"),
        last_name: "Last".into(),
        email: Some(format!("{id}@example.com")),
        company: Some("Acme".into()),
        title: None,
        updated_at: None,
    }
}

fn application(id: &str, candidate: &str) -> ApplicationRecord {
    ApplicationRecord {
        id: id.into(),
        candidate_id: candidate.into(),
        job_id: Some("j1".into()),
        status: "active".into(),
        prospect: false,
        stage_id: Some("s1".into()),
        stage_name: Some("Applied".into()),
        applied_at: None,
        last_activity_at: None,
    }
}

fn count(store: &Store, table: &str) -> u32 {
    let conn = store.connection("c").unwrap().unwrap();
    match table {
        "candidates" => conn.counts.candidates,
        "applications" => conn.counts.applications,
        "jobs" => conn.counts.jobs,
        "stages" => conn.counts.stages,
        _ => unreachable!(),
    }
}

#[test]
fn an_unfinished_listing_leaves_a_resume_point_and_no_cursor() {
    let (_dir, store) = store_with_connection();
    let first = [candidate("1"), candidate("2")];
    let at = ResumePoint {
        since: Some("1000".into()),
        next: Some("offset-token-2".into()),
        newest: Some("1500".into()),
        done: 2,
    };
    store
        .apply_sync_page(
            "c",
            "candidates",
            SyncPage {
                candidates: &first,
                ..Default::default()
            },
            &at,
        )
        .unwrap();
    assert_eq!(store.resume_point("c", "candidates").unwrap(), Some(at));
    assert_eq!(store.sync_cursor("c", "candidates").unwrap(), None);
    assert_eq!(count(&store, "candidates"), 2);
}

#[test]
fn the_last_page_clears_the_resume_point_and_advances_the_cursor_numerically() {
    let (_dir, store) = store_with_connection();
    store.set_sync_cursor("c", "candidates", "999").unwrap();
    let page = [candidate("3")];
    let apps = [application("a3", "3")];
    store
        .apply_sync_page(
            "c",
            "candidates",
            SyncPage {
                candidates: &page,
                applications: &apps,
                ..Default::default()
            },
            &ResumePoint {
                since: Some("999".into()),
                next: None,
                newest: Some("1000".into()),
                done: 1,
            },
        )
        .unwrap();
    assert_eq!(store.resume_point("c", "candidates").unwrap(), None);
    // "1000" < "999" as text; as numbers it is newer and must win.
    assert_eq!(
        store.sync_cursor("c", "candidates").unwrap().as_deref(),
        Some("1000")
    );
    assert_eq!(count(&store, "applications"), 1);
}

#[test]
fn the_cursor_never_moves_backwards() {
    let (_dir, store) = store_with_connection();
    store
        .set_sync_cursor("c", "jobs", "2026-03-01T00:00:00Z")
        .unwrap();
    store
        .apply_sync_page(
            "c",
            "jobs",
            SyncPage::default(),
            &ResumePoint {
                since: None,
                next: None,
                newest: Some("2026-02-01T00:00:00Z".into()),
                done: 0,
            },
        )
        .unwrap();
    assert_eq!(
        store.sync_cursor("c", "jobs").unwrap().as_deref(),
        Some("2026-03-01T00:00:00Z")
    );
}

#[test]
fn jobs_queue_their_stages_until_stored() {
    let (_dir, store) = store_with_connection();
    let jobs = [JobRecord {
        id: "j1".into(),
        name: "Engineer".into(),
        requisition_id: None,
        status: "open".into(),
        confidential: false,
        departments: vec![],
        offices: vec![],
        opened_at: None,
        closed_at: None,
        updated_at: None,
    }];
    store
        .apply_sync_page(
            "c",
            "jobs",
            SyncPage {
                jobs: &jobs,
                ..Default::default()
            },
            &ResumePoint {
                since: None,
                next: None,
                newest: None,
                done: 1,
            },
        )
        .unwrap();
    assert_eq!(store.stage_refresh_queue("c").unwrap(), vec!["j1"]);
    let stages = [StageRecord {
        id: "s2".into(),
        job_id: "j1".into(),
        name: "Assessment".into(),
        priority: 1,
        active: true,
    }];
    store.store_fetched_stages("c", "j1", &stages).unwrap();
    assert!(store.stage_refresh_queue("c").unwrap().is_empty());
    assert_eq!(count(&store, "stages"), 1);

    // A stage move learns the stage's name from the synced stages.
    store.upsert_candidates("c", &[candidate("1")]).unwrap();
    store
        .upsert_applications("c", &[application("a1", "1")])
        .unwrap();
    assert!(store.move_application("c", "a1", "s2").unwrap());
    assert!(!store.move_application("c", "unknown", "s2").unwrap());
    let rows = store
        .list_candidates(&reqlink_domain::CandidateQuery {
            stage: Some("Assessment".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(rows.total, 1);
}

#[test]
fn deletions_merges_and_anonymisation_update_the_local_copy() {
    let (_dir, store) = store_with_connection();
    store
        .upsert_candidates("c", &[candidate("1"), candidate("2"), candidate("3")])
        .unwrap();
    store
        .upsert_applications(
            "c",
            &[
                application("a1", "1"),
                application("a2", "2"),
                application("a3", "3"),
            ],
        )
        .unwrap();

    store.delete_candidate("c", "3").unwrap();
    assert_eq!(count(&store, "candidates"), 2);
    assert_eq!(count(&store, "applications"), 2);

    store.merge_candidates("c", "1", &["2".into()]).unwrap();
    assert_eq!(count(&store, "candidates"), 1);
    assert_eq!(count(&store, "applications"), 2);
    let kept = store
        .list_candidates(&reqlink_domain::CandidateQuery::default())
        .unwrap();
    assert_eq!(kept.items[0].application_count, 2);

    store.anonymize_candidate("c", "1").unwrap();
    let anon = store
        .list_candidates(&reqlink_domain::CandidateQuery::default())
        .unwrap();
    assert_eq!(anon.items[0].email, None);
    assert!(!anon.items[0].name.contains("First1"));
}

#[test]
fn jobs_can_share_stage_ids() {
    // Lever's stages are one list shared by every posting.
    let (_dir, store) = store_with_connection();
    let shared = |job: &str| {
        vec![
            StageRecord {
                id: "lead-new".into(),
                job_id: job.into(),
                name: "New lead".into(),
                priority: 0,
                active: true,
            },
            StageRecord {
                id: "assessment".into(),
                job_id: job.into(),
                name: "Assessment".into(),
                priority: 1,
                active: true,
            },
        ]
    };
    store
        .store_fetched_stages("c", "p1", &shared("p1"))
        .unwrap();
    store
        .store_fetched_stages("c", "p2", &shared("p2"))
        .unwrap();
    assert_eq!(store.job_stages("c", "p1").unwrap().len(), 2);
    assert_eq!(store.job_stages("c", "p2").unwrap().len(), 2);
    assert_eq!(count(&store, "stages"), 4);
}
