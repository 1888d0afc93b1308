//! Export of interview candidates to the ATS against the real emulators:
//! what the job selection makes of a candidate in Greenhouse and Lever,
//! the source tag and acting user, exactly-once per connection (a create
//! whose answer was lost is looked up before it is made again), and
//! failures that stay with one candidate.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod common;

use reqlink_app::{Core, SandboxConfig};
use reqlink_domain::{
    ActivityQuery, AppEvent, AuthKind, ConnectRequest, ErrorCode, ExportKind, ExportRequest,
    ExportSummary, JobQuery, Provider, ReportQuery, ReportRecord, SyncState,
};
use reqlink_sandbox::{
    GhWrite, GhWriteKind, GreenhouseConfig, LeverConfig, LeverFault, WriteFault,
};
use serde_json::Value;

const GH: &str = "sandbox-greenhouse";
const EARLY: &str = "2024-01-01T00:00:00.000Z";

type Events = Arc<Mutex<Vec<AppEvent>>>;

async fn start(dir: &std::path::Path) -> (Core, Events) {
    let config = SandboxConfig {
        greenhouse: GreenhouseConfig {
            webhook_retry_delays: vec![],
            ..GreenhouseConfig::default()
        },
        lever: LeverConfig {
            rate_limit: None,
            webhook_retry_delays: vec![],
            ..LeverConfig::default()
        },
        ..common::sandbox(6, 40, 60)
    };
    let mut options = common::options(dir, config);
    let events: Events = Arc::default();
    let sink = events.clone();
    options.events = Some(Arc::new(move |e| sink.lock().unwrap().push(e)));
    let core = Core::start(options).await.expect("core starts");
    (core, events)
}

/// A core with the sandbox Greenhouse synced and its user mapped.
async fn greenhouse(dir: &std::path::Path) -> (Core, Events) {
    let (core, events) = start(dir).await;
    core.run_sync_of(GH).await.expect("sync succeeds");
    let user = core.with_sandbox(|s| s.unwrap().greenhouse_user_id());
    core.store()
        .put_mapped_console_user("Robin Recruiter", EARLY, GH, &user)
        .unwrap();
    (core, events)
}

/// A core with the sandbox Lever connected, synced and its user mapped.
async fn lever(dir: &std::path::Path) -> (Core, String) {
    let (core, _) = start(dir).await;
    let conn = core
        .connect(ConnectRequest {
            provider: Provider::Lever,
            kind: AuthKind::ApiKey,
            sandbox: true,
            fields: BTreeMap::new(),
        })
        .await
        .expect("Lever connects");
    wait_for_sync(&core, &conn.id).await;
    let user = core.with_sandbox(|s| s.unwrap().lever_user_id());
    core.store()
        .put_mapped_console_user("Robin Recruiter", EARLY, &conn.id, &user)
        .unwrap();
    (core, conn.id)
}

async fn wait_for_sync(core: &Core, id: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let c = core
            .list_connections()
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.id == id)
            .unwrap();
        if c.sync.state != SyncState::Running && c.last_sync_at.is_some() {
            assert_eq!(c.sync.last_error, None);
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "sync never ended");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Stores a report as the platform's `report_available` would leave it.
fn report(core: &Core, interview_id: &str, name: Option<&str>, email: Option<&str>) {
    core.store()
        .upsert_report(&ReportRecord {
            interview_id: interview_id.into(),
            posting_id: "posting-1".into(),
            posting_title: Some("Backend Engineer".into()),
            candidate_id: None,
            candidate_name: name.map(Into::into),
            candidate_email: email.map(Into::into),
            match_score: Some(82.0),
            status: Some("completed".into()),
            interviewed_at: Some(1_700_000_000.0),
            report_at: 1_700_000_600.0,
            report_url: None,
            raw_json: "{}".into(),
            search_highlights: String::new(),
            search_lowlights: String::new(),
            search_evaluations: String::new(),
            search_transcript: String::new(),
        })
        .unwrap();
}

async fn job_ids(core: &Core, n: usize) -> Vec<String> {
    let jobs = core
        .list_jobs(JobQuery {
            connection_id: Some(GH.into()),
            ..JobQuery::default()
        })
        .await
        .unwrap();
    assert!(jobs.items.len() >= n, "the sandbox has {n} jobs");
    jobs.items.into_iter().take(n).map(|j| j.id).collect()
}

fn export(conn: &str, interviews: &[&str], jobs: &[String]) -> ExportRequest {
    ExportRequest {
        connection_id: conn.into(),
        interview_ids: interviews.iter().map(|s| s.to_string()).collect(),
        job_ids: jobs.to_vec(),
    }
}

fn creates(core: &Core) -> Vec<GhWrite> {
    core.with_sandbox(|s| s.unwrap().control().greenhouse_writes())
        .into_iter()
        .filter(|w| matches!(w.kind, GhWriteKind::CandidateCreated { .. }))
        .collect()
}

/// The candidate as Harvest lists it (the list endpoint does not lag
/// behind a create the way `GET /candidates/{id}` does).
async fn harvest_candidate(core: &Core, id: &str) -> Value {
    let (base, key) = core.with_sandbox(|s| {
        let s = s.unwrap();
        (s.greenhouse_base_url(), s.greenhouse_api_key())
    });
    let list: Value = reqwest::Client::new()
        .get(format!("{base}/candidates?candidate_ids={id}"))
        .basic_auth(key, Some(""))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list.as_array()
        .and_then(|l| l.first())
        .cloned()
        .unwrap_or_else(|| panic!("candidate {id} is in Greenhouse"))
}

fn job_ids_of(application: &Value) -> Vec<String> {
    application["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_u64().unwrap().to_string())
        .collect()
}

fn only_result(summary: &ExportSummary) -> &reqlink_domain::ExportResult {
    assert_eq!(summary.results.len(), 1, "{summary:?}");
    &summary.results[0]
}

#[tokio::test]
async fn greenhouse_with_one_job_creates_a_candidate_applying_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let (core, events) = greenhouse(dir.path()).await;
    report(&core, "iv-1", Some("Ada Lovelace"), Some("ada@example.com"));
    let jobs = job_ids(&core, 1).await;

    let summary = core
        .export_candidates(export(GH, &["iv-1"], &jobs))
        .await
        .unwrap();
    assert_eq!(
        (summary.succeeded, summary.failed, summary.skipped),
        (1, 0, 0)
    );
    assert_eq!(summary.provider, Provider::Greenhouse);
    let r = only_result(&summary);
    assert!(r.ok, "{r:?}");
    assert_eq!(r.kind, Some(ExportKind::Candidate));
    assert_eq!(r.candidate_name, "Ada Lovelace");
    let id = r.ats_candidate_id.clone().unwrap();

    let writes = creates(&core);
    assert_eq!(writes.len(), 1);
    let user: u64 = core
        .with_sandbox(|s| s.unwrap().greenhouse_user_id())
        .parse()
        .unwrap();
    assert_eq!(
        writes[0].actor_user_id, user,
        "made on behalf of the mapped user"
    );
    let GhWriteKind::CandidateCreated {
        candidate_id,
        prospect,
        application_ids,
        ..
    } = &writes[0].kind
    else {
        unreachable!()
    };
    assert_eq!(candidate_id.to_string(), id);
    assert!(!prospect);
    assert_eq!(application_ids.len(), 1);

    let c = harvest_candidate(&core, &id).await;
    assert_eq!(c["first_name"], "Ada");
    assert_eq!(c["last_name"], "Lovelace");
    assert_eq!(c["email_addresses"][0]["value"], "ada@example.com");
    assert!(
        c["tags"].as_array().unwrap().iter().any(|t| t == "Reqlink"),
        "source tag: {}",
        c["tags"]
    );
    let apps = c["applications"].as_array().unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0]["prospect"], false);
    assert_eq!(job_ids_of(&apps[0]), jobs);

    // The report shows the mark, and the export was announced and logged.
    let page = core.list_reports(ReportQuery::default()).await.unwrap();
    let row = page
        .items
        .iter()
        .find(|r| r.interview_id == "iv-1")
        .unwrap();
    assert_eq!(row.exported.len(), 1);
    assert_eq!(row.exported[0].connection_id, GH);
    assert_eq!(row.exported[0].provider, Provider::Greenhouse);
    assert_eq!(row.exported[0].ats_candidate_id, id);
    assert!(events
        .lock()
        .unwrap()
        .iter()
        .any(|e| matches!(e, AppEvent::ExportFinished { summary: s } if *s == summary)));
    let activity = core.list_activity(ActivityQuery::default()).await.unwrap();
    assert!(activity
        .iter()
        .any(|a| a.kind == "export_finished"
            && a.message.contains("Exported 1 candidate to Greenhouse")));
    core.shutdown().await;
}

#[tokio::test]
async fn greenhouse_without_a_job_creates_a_prospect_even_without_an_email() {
    let dir = tempfile::tempdir().unwrap();
    let (core, _) = greenhouse(dir.path()).await;
    report(&core, "iv-1", Some("Grace Hopper"), None);

    let summary = core
        .export_candidates(export(GH, &["iv-1"], &[]))
        .await
        .unwrap();
    let r = only_result(&summary);
    assert!(r.ok, "{r:?}");
    assert_eq!(r.kind, Some(ExportKind::Prospect));

    let writes = creates(&core);
    assert_eq!(writes.len(), 1);
    assert!(matches!(
        writes[0].kind,
        GhWriteKind::CandidateCreated { prospect: true, .. }
    ));
    let c = harvest_candidate(&core, r.ats_candidate_id.as_deref().unwrap()).await;
    assert_eq!(c["last_name"], "Hopper");
    assert_eq!(c["email_addresses"], serde_json::json!([]));
    assert!(c["tags"].as_array().unwrap().iter().any(|t| t == "Reqlink"));
    let apps = c["applications"].as_array().unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0]["prospect"], true);
    assert!(job_ids_of(&apps[0]).is_empty(), "a prospect on no job");
    core.shutdown().await;
}

#[tokio::test]
async fn greenhouse_with_two_jobs_creates_a_prospect_on_both() {
    let dir = tempfile::tempdir().unwrap();
    let (core, _) = greenhouse(dir.path()).await;
    report(
        &core,
        "iv-1",
        Some("Katherine Johnson"),
        Some("kj@example.com"),
    );
    let jobs = job_ids(&core, 2).await;

    let summary = core
        .export_candidates(export(GH, &["iv-1"], &jobs))
        .await
        .unwrap();
    let r = only_result(&summary);
    assert!(r.ok, "{r:?}");
    assert_eq!(r.kind, Some(ExportKind::Prospect));
    let c = harvest_candidate(&core, r.ats_candidate_id.as_deref().unwrap()).await;
    let apps = c["applications"].as_array().unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0]["prospect"], true);
    let mut on = job_ids_of(&apps[0]);
    on.sort();
    let mut want = jobs.clone();
    want.sort();
    assert_eq!(on, want);
    core.shutdown().await;
}

/// The opportunity the Lever emulator holds for a contact.
fn lever_opportunity_of(core: &Core, contact: &str) -> Value {
    let control = core.with_sandbox(|s| s.unwrap().control());
    let found: Vec<Value> = control
        .lever_opportunity_ids()
        .into_iter()
        .filter_map(|id| control.lever_opportunity(&id))
        .filter(|o| o["contact"] == contact)
        .collect();
    assert_eq!(found.len(), 1, "one opportunity for contact {contact}");
    found.into_iter().next().unwrap()
}

fn stage_text(core: &Core, stage: &Value) -> String {
    let id = stage["id"].as_str().or(stage.as_str()).unwrap().to_owned();
    core.with_sandbox(|s| s.unwrap().control().lever_stages())
        .into_iter()
        .find(|(sid, _)| *sid == id)
        .map(|(_, text)| text)
        .unwrap()
}

#[tokio::test]
async fn lever_with_a_posting_creates_an_opportunity_on_it_in_new_lead() {
    let dir = tempfile::tempdir().unwrap();
    let (core, conn) = lever(dir.path()).await;
    report(&core, "iv-1", Some("Alan Turing"), Some("alan@example.com"));
    let control = core.with_sandbox(|s| s.unwrap().control());
    let posting = control.lever_postings()[0].0.clone();

    let summary = core
        .export_candidates(export(&conn, &["iv-1"], std::slice::from_ref(&posting)))
        .await
        .unwrap();
    assert_eq!(summary.provider, Provider::Lever);
    let r = only_result(&summary);
    assert!(r.ok, "{r:?}");
    assert_eq!(r.kind, Some(ExportKind::Opportunity));

    let o = lever_opportunity_of(&core, r.ats_candidate_id.as_deref().unwrap());
    assert_eq!(o["name"], "Alan Turing");
    assert_eq!(o["emails"], serde_json::json!(["alan@example.com"]));
    assert_eq!(o["sources"], serde_json::json!(["Reqlink"]));
    assert!(stage_text(&core, &o["stage"]).eq_ignore_ascii_case("new lead"));
    let apps = o["applications"].as_array().unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0]["posting"], posting.as_str());
    let writes = control.lever_writes();
    let created: Vec<_> = writes.iter().filter(|w| w.kind == "opportunity").collect();
    assert_eq!(created.len(), 1);
    assert_eq!(
        created[0].perform_as,
        core.with_sandbox(|s| s.unwrap().lever_user_id())
    );
    core.shutdown().await;
}

#[tokio::test]
async fn lever_without_a_posting_creates_a_general_opportunity_and_two_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (core, conn) = lever(dir.path()).await;
    report(&core, "iv-1", Some("Barbara Liskov"), None);
    let control = core.with_sandbox(|s| s.unwrap().control());

    let postings: Vec<String> = control
        .lever_postings()
        .into_iter()
        .take(2)
        .map(|(id, _)| id)
        .collect();
    let err = core
        .export_candidates(export(&conn, &["iv-1"], &postings))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("one posting"), "{}", err.message);

    let summary = core
        .export_candidates(export(&conn, &["iv-1"], &[]))
        .await
        .unwrap();
    let r = only_result(&summary);
    assert!(r.ok, "{r:?}");
    assert_eq!(r.kind, Some(ExportKind::GeneralOpportunity));
    let o = lever_opportunity_of(&core, r.ats_candidate_id.as_deref().unwrap());
    assert_eq!(o["name"], "Barbara Liskov");
    assert_eq!(o["sources"], serde_json::json!(["Reqlink"]));
    assert!(stage_text(&core, &o["stage"]).eq_ignore_ascii_case("new lead"));
    assert_eq!(o["applications"], serde_json::json!([]), "on no posting");
    core.shutdown().await;
}

#[tokio::test]
async fn exporting_again_skips_the_candidate_instead_of_creating_them_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (core, _) = greenhouse(dir.path()).await;
    report(
        &core,
        "iv-1",
        Some("Edsger Dijkstra"),
        Some("ewd@example.com"),
    );
    report(&core, "iv-2", Some("Tony Hoare"), Some("tony@example.com"));
    let jobs = job_ids(&core, 1).await;

    let first = core
        .export_candidates(export(GH, &["iv-1"], &jobs))
        .await
        .unwrap();
    assert_eq!(first.succeeded, 1);
    let id = first.results[0].ats_candidate_id.clone();

    // Again, listed twice, with someone new beside it.
    let again = core
        .export_candidates(export(GH, &["iv-1", "iv-2", "iv-1"], &jobs))
        .await
        .unwrap();
    assert_eq!((again.succeeded, again.failed, again.skipped), (1, 0, 1));
    assert_eq!(again.results.len(), 2);
    let skipped = &again.results[0];
    assert_eq!(skipped.interview_id, "iv-1");
    assert!(skipped.ok);
    assert_eq!(skipped.ats_candidate_id, id, "points at the earlier export");
    assert!(
        skipped
            .message
            .as_deref()
            .unwrap()
            .contains("Already exported"),
        "{skipped:?}"
    );
    assert_eq!(creates(&core).len(), 2, "iv-1 once, iv-2 once");
    core.shutdown().await;
}

#[tokio::test]
async fn without_a_mapped_user_the_export_fails_and_says_where_to_map_one() {
    let dir = tempfile::tempdir().unwrap();
    let (core, _) = start(dir.path()).await;
    core.run_sync_of(GH).await.unwrap();
    report(&core, "iv-1", Some("Ada Lovelace"), Some("ada@example.com"));

    // In the sandbox the first console user is mapped by itself; take that
    // mapping away to see what a real, unmapped connection does.
    let me = core
        .user_mappings(reqlink_domain::ConnectionRequest {
            connection_id: GH.into(),
        })
        .await
        .unwrap()
        .default_console_user_id
        .unwrap();
    core.set_user_mapping(reqlink_domain::UserMappingRequest {
        connection_id: GH.into(),
        console_user_id: me.clone(),
        ats_user_id: None,
    })
    .await
    .unwrap();
    core.store().set_user_mapping(GH, &me, Some("999")).unwrap();
    let err = core
        .export_candidates(export(GH, &["iv-1"], &[]))
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    // A mapping to a user Greenhouse does not know (or has disabled) is no
    // better.
    core.store()
        .put_mapped_console_user("Robin Recruiter", EARLY, GH, "999")
        .unwrap();
    let err = core
        .export_candidates(export(GH, &["iv-1"], &[]))
        .await
        .unwrap_err();
    assert!(
        err.message.contains("Integrations → Users"),
        "{}",
        err.message
    );
    assert!(creates(&core).is_empty(), "nothing was sent");
    let page = core.list_reports(ReportQuery::default()).await.unwrap();
    assert!(page.items[0].exported.is_empty());
    core.shutdown().await;
}

#[tokio::test]
async fn one_bad_candidate_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let (core, _) = greenhouse(dir.path()).await;
    report(&core, "iv-1", Some("Ada Lovelace"), Some("ada@example.com"));
    report(&core, "iv-2", Some("Bad Address"), Some("not-an-address"));
    report(&core, "iv-3", None, Some("nameless@example.com"));
    report(
        &core,
        "iv-4",
        Some("Grace Hopper"),
        Some("grace@example.com"),
    );

    let summary = core
        .export_candidates(export(
            GH,
            &["iv-1", "iv-2", "iv-3", "iv-unknown", "iv-4"],
            &[],
        ))
        .await
        .unwrap();
    assert_eq!(
        (summary.succeeded, summary.failed, summary.skipped),
        (2, 3, 0)
    );
    let by_id = |id: &str| {
        summary
            .results
            .iter()
            .find(|r| r.interview_id == id)
            .unwrap()
    };
    assert!(by_id("iv-1").ok && by_id("iv-4").ok);
    let bad = by_id("iv-2");
    assert!(!bad.ok);
    assert_eq!(bad.candidate_name, "Bad Address");
    assert!(
        bad.message.as_deref().unwrap().contains("not-an-address"),
        "Greenhouse's own reason: {bad:?}"
    );
    assert!(by_id("iv-3")
        .message
        .as_deref()
        .unwrap()
        .contains("no candidate name"));
    assert!(by_id("iv-unknown")
        .message
        .as_deref()
        .unwrap()
        .contains("No report"));
    assert_eq!(creates(&core).len(), 2);

    let page = core.list_reports(ReportQuery::default()).await.unwrap();
    let marked: Vec<&str> = page
        .items
        .iter()
        .filter(|r| !r.exported.is_empty())
        .map(|r| r.interview_id.as_str())
        .collect();
    assert_eq!(marked.len(), 2);
    assert!(marked.contains(&"iv-1") && marked.contains(&"iv-4"));
    let activity = core.list_activity(ActivityQuery::default()).await.unwrap();
    assert!(activity
        .iter()
        .any(|a| a.kind == "export_finished" && a.message.contains("3 failed")));
    core.shutdown().await;
}

#[tokio::test]
async fn a_create_without_a_clear_answer_is_not_retried_and_says_to_check_the_ats() {
    let dir = tempfile::tempdir().unwrap();
    let (core, _) = greenhouse(dir.path()).await;
    report(&core, "iv-1", Some("Ada Lovelace"), Some("ada@example.com"));
    report(
        &core,
        "iv-2",
        Some("Grace Hopper"),
        Some("grace@example.com"),
    );
    // A gateway timeout: Greenhouse may or may not have created her.
    core.with_sandbox(|s| {
        s.unwrap()
            .control()
            .greenhouse_fail_writes(1, WriteFault::Status(504))
    });

    let summary = core
        .export_candidates(export(GH, &["iv-1", "iv-2"], &[]))
        .await
        .unwrap();
    assert_eq!((summary.succeeded, summary.failed), (1, 1));
    let unsure = &summary.results[0];
    assert!(!unsure.ok);
    let message = unsure.message.as_deref().unwrap();
    assert!(message.contains("check Greenhouse"), "{message}");
    assert!(summary.results[1].ok);
    // Only Grace's create reached Greenhouse: Ada's was not sent again.
    assert_eq!(creates(&core).len(), 1);
    let page = core.list_reports(ReportQuery::default()).await.unwrap();
    let ada = page
        .items
        .iter()
        .find(|r| r.interview_id == "iv-1")
        .unwrap();
    assert!(ada.exported.is_empty());
    core.shutdown().await;
}

/// How many people the Greenhouse emulator holds with this address, read
/// from the whole candidate list (not through the e-mail filter).
async fn greenhouse_people_with(core: &Core, email: &str) -> usize {
    let (base, key) = core.with_sandbox(|s| {
        let s = s.unwrap();
        (s.greenhouse_base_url(), s.greenhouse_api_key())
    });
    let list: Value = reqwest::Client::new()
        .get(format!("{base}/candidates?per_page=500"))
        .basic_auth(key, Some(""))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let list = list.as_array().unwrap();
    assert!(list.len() < 500, "one page holds the sandbox");
    list.iter()
        .filter(|c| {
            c["email_addresses"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["value"].as_str() == Some(email))
        })
        .count()
}

/// The Lever emulator's opportunities carrying this address.
fn lever_opportunities_with(core: &Core, email: &str) -> Vec<Value> {
    let control = core.with_sandbox(|s| s.unwrap().control());
    control
        .lever_opportunity_ids()
        .into_iter()
        .filter_map(|id| control.lever_opportunity(&id))
        .filter(|o| {
            o["emails"]
                .as_array()
                .is_some_and(|e| e.iter().any(|e| e.as_str() == Some(email)))
        })
        .collect()
}

fn exported_marks(page: &reqlink_domain::ReportPage, id: &str) -> usize {
    page.items
        .iter()
        .find(|r| r.interview_id == id)
        .unwrap()
        .exported
        .len()
}

#[tokio::test]
async fn greenhouse_finds_the_person_an_unanswered_create_made_instead_of_making_them_again() {
    // A write that hangs past the client's timeout but is applied: the
    // answer is lost, the candidate exists.
    std::env::set_var("REQLINK_ATS_TIMEOUT_MS", "700");
    let dir = tempfile::tempdir().unwrap();
    let (core, _) = greenhouse(dir.path()).await;
    report(&core, "iv-1", Some("Ada Lovelace"), Some("ada@example.com"));
    let jobs = job_ids(&core, 1).await;
    core.with_sandbox(|s| {
        s.unwrap().control().greenhouse_fail_writes(
            1,
            WriteFault::Hang {
                duration: Duration::from_millis(1500),
                applied: true,
            },
        )
    });

    let first = core
        .export_candidates(export(GH, &["iv-1"], &jobs))
        .await
        .unwrap();
    assert_eq!((first.succeeded, first.failed), (0, 1));
    let message = only_result(&first).message.clone().unwrap();
    assert!(message.contains("did not confirm"), "{message}");
    assert!(message.contains("looks them up in Greenhouse"), "{message}");
    let writes = creates(&core);
    assert_eq!(writes.len(), 1, "the create reached Greenhouse");
    let GhWriteKind::CandidateCreated { candidate_id, .. } = &writes[0].kind else {
        unreachable!()
    };
    let made = candidate_id.to_string();
    assert_eq!(greenhouse_people_with(&core, "ada@example.com").await, 1);
    let page = core.list_reports(ReportQuery::default()).await.unwrap();
    assert_eq!(exported_marks(&page, "iv-1"), 0, "not marked: unconfirmed");

    let again = core
        .export_candidates(export(GH, &["iv-1"], &jobs))
        .await
        .unwrap();
    assert_eq!(
        (again.succeeded, again.failed, again.skipped),
        (1, 0, 0),
        "{again:?}"
    );
    let r = only_result(&again);
    assert!(r.ok);
    assert_eq!(r.ats_candidate_id.as_deref(), Some(made.as_str()));
    assert_eq!(r.kind, Some(ExportKind::Candidate));
    let message = r.message.as_deref().unwrap();
    assert!(
        message.contains("Found in Greenhouse") && message.contains("not created again"),
        "{message}"
    );
    assert_eq!(creates(&core).len(), 1, "nothing was created again");
    assert_eq!(greenhouse_people_with(&core, "ada@example.com").await, 1);
    let page = core.list_reports(ReportQuery::default()).await.unwrap();
    let row = page
        .items
        .iter()
        .find(|r| r.interview_id == "iv-1")
        .unwrap();
    assert_eq!(row.exported.len(), 1);
    assert_eq!(row.exported[0].ats_candidate_id, made);
    assert!(core
        .store()
        .unconfirmed_exports(GH, &["iv-1".to_string()])
        .unwrap()
        .is_empty());

    // From now on the mark decides.
    let third = core
        .export_candidates(export(GH, &["iv-1"], &jobs))
        .await
        .unwrap();
    assert_eq!(third.skipped, 1);
    assert_eq!(creates(&core).len(), 1);
    core.shutdown().await;
}

#[tokio::test]
async fn lever_finds_the_person_an_unanswered_create_made_instead_of_making_them_again() {
    let dir = tempfile::tempdir().unwrap();
    let (core, conn) = lever(dir.path()).await;
    report(&core, "iv-1", Some("Alan Turing"), Some("alan@example.com"));
    let control = core.with_sandbox(|s| s.unwrap().control());
    let posting = control.lever_postings()[0].0.clone();
    let req = export(&conn, &["iv-1"], std::slice::from_ref(&posting));
    // Lever makes the opportunity, then the answer arrives cut in half.
    control.lever_inject_writes(LeverFault::Malformed, 1);

    let first = core.export_candidates(req.clone()).await.unwrap();
    assert_eq!((first.succeeded, first.failed), (0, 1));
    let message = only_result(&first).message.clone().unwrap();
    assert!(message.contains("did not confirm"), "{message}");
    let made = lever_opportunities_with(&core, "alan@example.com");
    assert_eq!(made.len(), 1, "the create reached Lever");
    let contact = made[0]["contact"].as_str().unwrap().to_owned();

    // The lookup itself fails: nothing is created, and the candidate says
    // why.
    control.lever_inject(LeverFault::Status(401), 1);
    let refused = core.export_candidates(req.clone()).await.unwrap();
    assert_eq!((refused.succeeded, refused.failed), (0, 1));
    let message = only_result(&refused).message.clone().unwrap();
    assert!(
        message.contains("could not look them up") && message.contains("nothing was created"),
        "{message}"
    );
    assert_eq!(lever_opportunities_with(&core, "alan@example.com").len(), 1);

    let again = core.export_candidates(req.clone()).await.unwrap();
    assert_eq!(
        (again.succeeded, again.failed, again.skipped),
        (1, 0, 0),
        "{again:?}"
    );
    let r = only_result(&again);
    assert!(r.ok);
    assert_eq!(r.ats_candidate_id.as_deref(), Some(contact.as_str()));
    assert_eq!(r.kind, Some(ExportKind::Opportunity));
    let message = r.message.as_deref().unwrap();
    assert!(
        message.contains("Found in Lever") && message.contains("not created again"),
        "{message}"
    );
    assert_eq!(
        lever_opportunities_with(&core, "alan@example.com").len(),
        1,
        "no second opportunity"
    );
    let created = control
        .lever_writes()
        .into_iter()
        .filter(|w| w.kind == "opportunity")
        .count();
    assert_eq!(created, 1);
    let page = core.list_reports(ReportQuery::default()).await.unwrap();
    assert_eq!(exported_marks(&page, "iv-1"), 1);
    core.shutdown().await;
}

#[tokio::test]
async fn an_unanswered_create_that_never_happened_is_made_once_on_the_next_export() {
    let dir = tempfile::tempdir().unwrap();
    let (core, _) = greenhouse(dir.path()).await;
    report(&core, "iv-1", Some("Ada Lovelace"), Some("ada@example.com"));
    // A gateway timeout before Greenhouse did anything.
    core.with_sandbox(|s| {
        s.unwrap()
            .control()
            .greenhouse_fail_writes(1, WriteFault::Status(504))
    });
    let first = core
        .export_candidates(export(GH, &["iv-1"], &[]))
        .await
        .unwrap();
    assert_eq!(first.failed, 1);
    assert!(creates(&core).is_empty());
    assert_eq!(greenhouse_people_with(&core, "ada@example.com").await, 0);

    let again = core
        .export_candidates(export(GH, &["iv-1"], &[]))
        .await
        .unwrap();
    assert_eq!(
        (again.succeeded, again.failed, again.skipped),
        (1, 0, 0),
        "{again:?}"
    );
    let r = only_result(&again);
    assert!(r.ok);
    assert_eq!(r.message, None, "an ordinary create");
    assert_eq!(creates(&core).len(), 1);
    assert_eq!(greenhouse_people_with(&core, "ada@example.com").await, 1);
    let c = harvest_candidate(&core, r.ats_candidate_id.as_deref().unwrap()).await;
    assert_eq!(c["email_addresses"][0]["value"], "ada@example.com");
    assert!(core
        .store()
        .unconfirmed_exports(GH, &["iv-1".to_string()])
        .unwrap()
        .is_empty());
    core.shutdown().await;
}

#[tokio::test]
async fn an_unanswered_create_without_an_email_is_refused_rather_than_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let (core, _) = greenhouse(dir.path()).await;
    report(&core, "iv-1", Some("Grace Hopper"), None);
    core.with_sandbox(|s| {
        s.unwrap()
            .control()
            .greenhouse_fail_writes(1, WriteFault::Status(502))
    });
    let first = core
        .export_candidates(export(GH, &["iv-1"], &[]))
        .await
        .unwrap();
    let message = only_result(&first).message.clone().unwrap();
    assert!(
        message.contains("Without an e-mail address") && message.contains("check Greenhouse"),
        "{message}"
    );

    for _ in 0..2 {
        let again = core
            .export_candidates(export(GH, &["iv-1"], &[]))
            .await
            .unwrap();
        assert_eq!((again.succeeded, again.failed), (0, 1));
        let r = only_result(&again);
        assert!(!r.ok);
        let message = r.message.as_deref().unwrap();
        assert!(
            message.contains("without an e-mail address")
                && message.contains("does not create them again")
                && message.contains("Check Greenhouse for Grace Hopper"),
            "{message}"
        );
    }
    assert!(creates(&core).is_empty(), "nothing was sent again");
    let page = core.list_reports(ReportQuery::default()).await.unwrap();
    assert_eq!(exported_marks(&page, "iv-1"), 0);
    core.shutdown().await;
}
