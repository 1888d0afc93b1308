use reqlink_domain::{
    ActivityLevel, ActivityQuery, ApplicationRecord, CandidateQuery, CandidateRecord,
    ConnectionState, ErrorCode, JobQuery, JobRecord, JobSort, Provider, SortDir, StageRecord,
};
use reqlink_store::{
    NewActivity, NewConnection, Store, StoreError, SANDBOX_WORKSPACE_ID, SCHEMA_VERSION,
};

fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).unwrap();
    (dir, store)
}

fn with_connection(store: &Store) -> &'static str {
    store.ensure_sandbox_workspace().unwrap();
    store
        .upsert_connection(&NewConnection {
            id: "gh",
            workspace_id: SANDBOX_WORKSPACE_ID,
            provider: Provider::Greenhouse,
            label: "Greenhouse (sandbox)",
            auth_style: "Harvest API key",
            base_url: "http://127.0.0.1:1/v1",
            sandbox: true,
        })
        .unwrap();
    "gh"
}

fn job(id: &str, name: &str, status: &str) -> JobRecord {
    JobRecord {
        id: id.into(),
        name: name.into(),
        requisition_id: Some(format!("REQ-{id}")),
        status: status.into(),
        confidential: false,
        departments: vec!["Engineering".into()],
        offices: vec!["Berlin".into()],
        opened_at: Some("2026-01-01T00:00:00.000Z".into()),
        closed_at: None,
        updated_at: Some(format!("2026-02-0{id}T00:00:00.000Z")),
    }
}

#[test]
fn fresh_database_is_at_current_schema_in_wal_mode() {
    let (dir, store) = fresh();
    drop(store);
    let conn = rusqlite::Connection::open(dir.path().join(reqlink_store::DB_FILE)).unwrap();
    let version: u32 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for expected in [
        "activity",
        "candidates",
        "connections",
        "jobs",
        "workspaces",
    ] {
        assert!(
            tables.iter().any(|t| t == expected),
            "missing {expected}: {tables:?}"
        );
    }
}

#[test]
fn reopening_keeps_data_and_does_not_reapply_migrations() {
    let (dir, store) = fresh();
    let conn_id = with_connection(&store);
    store
        .upsert_jobs(conn_id, &[job("1", "Backend Engineer", "open")])
        .unwrap();
    drop(store);
    let store = Store::open_in_dir(dir.path()).unwrap();
    assert_eq!(store.list_jobs(&JobQuery::default()).unwrap().total, 1);
}

#[test]
fn newer_database_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(reqlink_store::DB_FILE);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let err = Store::open(&path)
        .err()
        .expect("must refuse a newer schema");
    assert!(
        matches!(err, StoreError::TooNew { found, supported } if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION)
    );
    let api: reqlink_domain::ApiError = err.into();
    assert_eq!(api.code, ErrorCode::DatabaseTooNew);
    assert!(api.message.contains("newer version of Reqlink"));
    // Nothing was changed in the refused file.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let tables: u32 = conn
        .query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tables, 0);
}

#[test]
fn foreign_keys_are_enforced() {
    let (_dir, store) = fresh();
    // No connection "ghost" exists, so the insert must fail.
    let err = store.upsert_jobs("ghost", &[job("1", "X", "open")]);
    assert!(err.is_err(), "foreign key should reject an orphan job");
}

#[test]
fn a_failed_batch_leaves_earlier_data_untouched() {
    let (_dir, store) = fresh();
    let conn_id = with_connection(&store);
    store
        .upsert_jobs(conn_id, &[job("1", "Ok", "open")])
        .unwrap();
    // A batch for a connection that does not exist fails on its foreign key:
    // none of it lands and the earlier job is still there.
    let bad = vec![job("2", "Second", "open"), job("3", "Third", "open")];
    assert!(store.upsert_jobs("missing", &bad).is_err());
    let jobs = store.list_jobs(&JobQuery::default()).unwrap();
    assert_eq!(
        jobs.items.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(),
        vec!["1"]
    );
}

#[test]
fn job_list_filters_searches_sorts_and_counts() {
    let (_dir, store) = fresh();
    let c = with_connection(&store);
    store
        .upsert_jobs(
            c,
            &[
                job("1", "Backend Engineer", "open"),
                job("2", "Account Executive", "open"),
                job("3", "Data 50% Analyst", "closed"),
            ],
        )
        .unwrap();
    store
        .replace_job_stages(
            c,
            "1",
            &[
                StageRecord {
                    id: "10".into(),
                    job_id: "1".into(),
                    name: "Review".into(),
                    priority: 0,
                    active: true,
                },
                StageRecord {
                    id: "11".into(),
                    job_id: "1".into(),
                    name: "AI Interview".into(),
                    priority: 1,
                    active: true,
                },
            ],
        )
        .unwrap();
    store
        .upsert_applications(
            c,
            &[ApplicationRecord {
                id: "100".into(),
                candidate_id: "7".into(),
                job_id: Some("1".into()),
                status: "active".into(),
                prospect: false,
                stage_id: Some("11".into()),
                stage_name: Some("AI Interview".into()),
                applied_at: None,
                last_activity_at: None,
            }],
        )
        .unwrap();

    let all = store.list_jobs(&JobQuery::default()).unwrap();
    assert_eq!(all.total, 3);
    assert_eq!(all.items[0].name, "Account Executive");
    let backend = all.items.iter().find(|j| j.id == "1").unwrap();
    assert_eq!((backend.stage_count, backend.application_count), (2, 1));
    assert_eq!(backend.departments, vec!["Engineering".to_string()]);

    let open = store
        .list_jobs(&JobQuery {
            status: Some("open".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(open.total, 2);

    // `%` is literal in a search, not a wildcard.
    let pct = store
        .list_jobs(&JobQuery {
            search: Some("50%".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        pct.items.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(),
        vec!["3"]
    );
    let by_req = store
        .list_jobs(&JobQuery {
            search: Some("REQ-2".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(by_req.total, 1);

    let newest = store
        .list_jobs(&JobQuery {
            sort: Some(JobSort::UpdatedAt),
            dir: Some(SortDir::Desc),
            limit: 1,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        (
            newest.items.len(),
            newest.items[0].id.as_str(),
            newest.total
        ),
        (1, "3", 3)
    );

    // Replacing stages drops the ones the ATS no longer has.
    store
        .replace_job_stages(
            c,
            "1",
            &[StageRecord {
                id: "11".into(),
                job_id: "1".into(),
                name: "AI Interview".into(),
                priority: 1,
                active: true,
            }],
        )
        .unwrap();
    assert_eq!(store.job_stages(c, "1").unwrap().len(), 1);
}

#[test]
fn candidate_list_shows_latest_application_and_filters_by_job() {
    let (_dir, store) = fresh();
    let c = with_connection(&store);
    store
        .upsert_jobs(
            c,
            &[
                job("1", "Backend Engineer", "open"),
                job("2", "Designer", "open"),
            ],
        )
        .unwrap();
    let cand = |id: &str, first: &str, last: &str| CandidateRecord {
        id: id.into(),
        first_name: first.into(),
        last_name: last.into(),
        email: Some(format!("{first}@example.com").to_lowercase()),
        company: Some("Acme".into()),
        title: None,
        updated_at: Some("2026-03-01T00:00:00.000Z".into()),
    };
    store
        .upsert_candidates(
            c,
            &[cand("1", "Ada", "Lovelace"), cand("2", "Alan", "Turing")],
        )
        .unwrap();
    let app = |id: &str, cand: &str, job: &str, stage: &str, at: &str| ApplicationRecord {
        id: id.into(),
        candidate_id: cand.into(),
        job_id: Some(job.into()),
        status: "active".into(),
        prospect: false,
        stage_id: None,
        stage_name: Some(stage.into()),
        applied_at: None,
        last_activity_at: Some(at.into()),
    };
    store
        .upsert_applications(
            c,
            &[
                app("10", "1", "1", "Review", "2026-03-01T00:00:00.000Z"),
                app("11", "1", "2", "Onsite", "2026-03-05T00:00:00.000Z"),
                app("12", "2", "1", "Offer", "2026-03-02T00:00:00.000Z"),
            ],
        )
        .unwrap();
    let page = store.list_candidates(&CandidateQuery::default()).unwrap();
    assert_eq!(page.total, 2);
    let ada = &page.items[0];
    assert_eq!(ada.name, "Ada Lovelace");
    assert_eq!(ada.job_name.as_deref(), Some("Designer"));
    assert_eq!(ada.stage_name.as_deref(), Some("Onsite"));
    assert_eq!(ada.application_count, 2);

    let for_designer = store
        .list_candidates(&CandidateQuery {
            job_id: Some("2".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        for_designer
            .items
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        vec!["1"]
    );
    let search = store
        .list_candidates(&CandidateQuery {
            search: Some("turing".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(search.total, 1);
}

#[test]
fn connections_report_state_and_counts() {
    let (_dir, store) = fresh();
    let c = with_connection(&store);
    store.upsert_jobs(c, &[job("1", "A", "open")]).unwrap();
    store
        .set_connection_state(c, ConnectionState::Connected, None)
        .unwrap();
    store.mark_synced(c, "2026-11-24T00:00:00.000Z").unwrap();
    let list = store.list_connections(SANDBOX_WORKSPACE_ID).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].state, ConnectionState::Connected);
    assert_eq!(list[0].counts.jobs, 1);
    assert_eq!(
        list[0].last_sync_at.as_deref(),
        Some("2026-11-24T00:00:00.000Z")
    );
    assert!(store
        .set_connection_state("nope", ConnectionState::Error, None)
        .is_err());
}

#[test]
fn activity_is_listed_newest_first() {
    let (_dir, store) = fresh();
    for i in 0..3 {
        store
            .record_activity(&NewActivity {
                level: ActivityLevel::Info,
                kind: "sync_finished",
                message: &format!("run {i}"),
                connection_id: None,
            })
            .unwrap();
    }
    let list = store.list_activity(&ActivityQuery { limit: 2 }).unwrap();
    assert_eq!(
        list.iter().map(|a| a.message.as_str()).collect::<Vec<_>>(),
        vec!["run 2", "run 1"]
    );
}

#[test]
fn sync_cursor_round_trips() {
    let (_dir, store) = fresh();
    let c = with_connection(&store);
    assert_eq!(store.sync_cursor(c, "jobs").unwrap(), None);
    store
        .set_sync_cursor(c, "jobs", "2026-01-01T00:00:00Z")
        .unwrap();
    store
        .set_sync_cursor(c, "jobs", "2026-02-01T00:00:00Z")
        .unwrap();
    assert_eq!(
        store.sync_cursor(c, "jobs").unwrap().as_deref(),
        Some("2026-02-01T00:00:00Z")
    );
}
