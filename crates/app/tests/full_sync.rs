//! A full sync removes local records the ATS no longer has (deleted there
//! with no webhook to say so); an incremental sync cannot see those.

mod common;

use reqlink_app::Core;
use reqlink_domain::{
    ApplicationRecord, CandidateQuery, CandidateRecord, JobQuery, JobRecord, Provider,
};

async fn start(dir: &std::path::Path) -> Core {
    Core::start(common::options(dir, common::sandbox(6, 40, 60)))
        .await
        .expect("core starts")
}

#[tokio::test]
async fn full_sync_sweeps_what_the_ats_no_longer_has() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    let id = core
        .list_connections()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.provider == Provider::Greenhouse)
        .unwrap()
        .id;
    core.run_sync_of(&id).await.unwrap();

    // Records the ATS deleted while nobody was listening.
    let store = core.store();
    store
        .upsert_jobs(
            &id,
            &[JobRecord {
                id: "9999999".into(),
                name: "Deleted job".into(),
                requisition_id: None,
                status: "open".into(),
                confidential: false,
                departments: vec![],
                offices: vec![],
                opened_at: None,
                closed_at: None,
                updated_at: None,
            }],
        )
        .unwrap();
    store
        .upsert_candidates(
            &id,
            &[CandidateRecord {
                id: "8888888".into(),
                first_name: "Gone".into(),
                last_name: "Person".into(),
                email: None,
                company: None,
                title: None,
                updated_at: None,
            }],
        )
        .unwrap();
    store
        .upsert_applications(
            &id,
            &[ApplicationRecord {
                id: "7777777".into(),
                candidate_id: "8888888".into(),
                job_id: Some("9999999".into()),
                status: "active".into(),
                prospect: false,
                stage_id: None,
                stage_name: None,
                applied_at: None,
                last_activity_at: None,
            }],
        )
        .unwrap();
    let gone = |core: &Core| {
        let q = CandidateQuery {
            search: Some("Gone Person".into()),
            ..Default::default()
        };
        let core = core.clone();
        async move { core.list_candidates(q).await.unwrap().total }
    };

    core.run_sync_of(&id).await.unwrap();
    assert_eq!(
        gone(&core).await,
        1,
        "an incremental sync cannot see deletions"
    );

    let summary = core.run_full_sync_of(&id).await.unwrap();
    assert_eq!(gone(&core).await, 0);
    assert_eq!(summary.counts.candidates, 40);
    assert_eq!(summary.counts.jobs, 6);
    assert_eq!(summary.counts.applications, 60);
    let jobs = core.list_jobs(JobQuery::default()).await.unwrap();
    assert!(jobs.items.iter().all(|j| j.name != "Deleted job"));
    core.shutdown().await;
}
