//! The Workday client and connector against the emulated tenant over real
//! HTTP: the ISU refresh-token flow, full and incremental paging, writes
//! (note, attachment with intact PDF bytes, stage move) on behalf of a
//! worker, and the failure paths (wrong tenant, expired and revoked tokens,
//! 429, 5xx, malformed JSON, a write that times out).

use std::collections::HashSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqlink_ats::{
    AtsConnector, AtsError, FileWrite, NewCandidate, NoteWrite, PageRequest, Resource, StageMove,
    StaticToken, TokenSource,
};
use reqlink_oauth::RefreshingTokens;
use reqlink_sandbox::{Sandbox, SandboxConfig, WorkdayConfig, WorkdayFault, WorkdayWriteKind};
use reqlink_workday::{isu_tokens, WorkdayClient, WorkdayConnector, WorkdayOptions};

const CANDIDATES: usize = 140;

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig {
        jobs: 9,
        candidates: CANDIDATES,
        applications: 210,
        users: 9,
        rate_limit: None,
        workday: WorkdayConfig {
            rate_limit: None,
            ..WorkdayConfig::default()
        },
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

fn isu_source(sb: &Sandbox) -> RefreshingTokens {
    isu_tokens(
        &sb.workday_host(),
        &sb.workday_tenant(),
        &sb.workday_client_id(),
        &sb.workday_client_secret(),
        &sb.workday_refresh_token(),
    )
    .expect("valid token source")
}

fn isu(sb: &Sandbox) -> Arc<RefreshingTokens> {
    Arc::new(isu_source(sb))
}

fn fast() -> WorkdayOptions {
    WorkdayOptions {
        timeout: Duration::from_secs(5),
        retry_base: Duration::from_millis(10),
        rate_limit: 1000,
        ..WorkdayOptions::default()
    }
}

fn connector_with(
    sb: &Sandbox,
    token: Arc<dyn TokenSource>,
    opts: WorkdayOptions,
) -> WorkdayConnector {
    let client =
        WorkdayClient::with_options(&sb.workday_host(), &sb.workday_tenant(), token, opts).unwrap();
    WorkdayConnector::new(client)
}

fn connector(sb: &Sandbox) -> WorkdayConnector {
    connector_with(sb, isu(sb), fast())
}

/// Walks a resource to the end; returns (pages, records, newest).
async fn walk(
    c: &WorkdayConnector,
    resource: Resource,
    since: Option<String>,
) -> (usize, reqlink_ats::RecordSet, Option<String>) {
    let mut all = reqlink_ats::RecordSet::default();
    let mut req = PageRequest { since, next: None };
    let mut pages = 0;
    let mut newest: Option<String> = None;
    loop {
        let page = c.list(resource, req.clone()).await.expect("page");
        pages += 1;
        newest = newest.max(page.newest.clone());
        all.users.extend(page.records.users);
        all.jobs.extend(page.records.jobs);
        all.candidates.extend(page.records.candidates);
        all.applications.extend(page.records.applications);
        match page.next {
            Some(next) => req.next = Some(next),
            None => return (pages, all, newest),
        }
    }
}

fn pdf() -> Vec<u8> {
    let mut b = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    b.extend((0..=255u8).rev().cycle().take(5000));
    b.extend_from_slice(b"\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    b
}

#[tokio::test]
async fn isu_refresh_token_flow_caches_and_refreshes_after_expiry() {
    let sb = sandbox().await;
    // The token source's clock moves with the emulator's.
    let offset = Arc::new(AtomicI64::new(0));
    let o = offset.clone();
    let tokens = isu_source(&sb).with_clock(Arc::new(move || {
        reqlink_oauth::unix_now() + o.load(Ordering::SeqCst)
    }));
    let c = connector_with(&sb, Arc::new(tokens), fast());
    let oauth = sb.control().workday_oauth();

    let id = c.verify().await.unwrap();
    assert!(id.display.contains(&sb.workday_tenant()));
    c.stages(
        &c.list(Resource::Jobs, PageRequest::default())
            .await
            .unwrap()
            .records
            .jobs[0]
            .id,
    )
    .await
    .unwrap();
    assert_eq!(oauth.stats().refreshes, 1, "one token serves many calls");

    sb.control().workday_expire_access_tokens();
    c.verify().await.expect("401 -> refresh -> retry succeeds");
    assert_eq!(oauth.stats().refreshes, 2);

    // An hour later the token is refreshed before use, without a 401.
    let rejected = oauth.stats().bearer_rejected;
    offset.store(3600, Ordering::SeqCst);
    oauth.advance_clock(Duration::from_secs(3600));
    c.verify().await.unwrap();
    assert_eq!(oauth.stats().refreshes, 3);
    assert_eq!(oauth.stats().bearer_rejected, rejected);
    sb.shutdown().await;
}

#[tokio::test]
async fn full_paging_counts_match_the_emulator() {
    let sb = sandbox().await;
    let c = connector(&sb).with_page_size(37);

    let (pages, got, newest) = walk(&c, Resource::Candidates, None).await;
    assert_eq!(got.candidates.len(), CANDIDATES);
    assert_eq!(pages, CANDIDATES.div_ceil(37));
    let ids: HashSet<&str> = got.candidates.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), CANDIDATES);
    assert!(newest.is_some());
    assert!(got.candidates.iter().all(|c| !c.first_name.is_empty()));

    let (_, apps, _) = walk(&c, Resource::Applications, None).await;
    let expected = sb.control().workday_applications();
    assert_eq!(apps.applications.len(), expected.len());
    assert!(apps
        .applications
        .iter()
        .all(|a| ids.contains(a.candidate_id.as_str()) && a.stage_name.is_some()));
    assert!(apps
        .applications
        .iter()
        .any(|a| a.stage_name.as_deref() == Some("Assessment")));

    let (_, jobs, _) = walk(&c, Resource::Jobs, None).await;
    assert_eq!(jobs.jobs.len(), 9);
    let statuses: HashSet<&str> = jobs.jobs.iter().map(|j| j.status.as_str()).collect();
    assert!(statuses.contains("open"), "{statuses:?}");
    assert!(statuses
        .iter()
        .all(|s| ["open", "closed", "filled", "frozen"].contains(s)));
    assert!(jobs.jobs.iter().all(|j| j
        .requisition_id
        .as_deref()
        .is_some_and(|r| r.starts_with("R-"))));

    let (_, users, _) = walk(&c, Resource::Users, None).await;
    assert_eq!(users.users.len(), 9);
    assert!(users.users.iter().all(|u| u.email.is_some()));
    assert!(users
        .users
        .iter()
        .any(|u| u.id == sb.workday_worker_id() && !u.disabled));

    let stages = c.stages(&jobs.jobs[0].id).await.unwrap();
    let names: Vec<&str> = stages.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"Assessment"), "{names:?}");
    assert_eq!(stages[0].priority, 0);
    sb.shutdown().await;
}

#[tokio::test]
async fn incremental_since_sees_only_changes() {
    let sb = sandbox().await;
    let c = connector(&sb).with_page_size(50);
    let (_, _, newest_c) = walk(&c, Resource::Candidates, None).await;
    let (_, _, newest_a) = walk(&c, Resource::Applications, None).await;

    let apps = sb.control().workday_applications();
    let app = apps
        .iter()
        .find(|a| a.active && a.stage == "Review")
        .unwrap();
    sb.control()
        .workday_move_application(&app.id, "Assessment")
        .unwrap();
    let touched = apps
        .iter()
        .rev()
        .find(|a| a.candidate_id != app.candidate_id)
        .unwrap();
    sb.control()
        .workday_touch_candidates(&[&touched.candidate_id]);

    let (_, changed, newer) = walk(&c, Resource::Applications, newest_a.clone()).await;
    assert!(
        changed.applications.len() < 5,
        "{}",
        changed.applications.len()
    );
    let moved = changed
        .applications
        .iter()
        .find(|a| a.id == app.id)
        .expect("the moved application is listed");
    assert_eq!(moved.stage_name.as_deref(), Some("Assessment"));
    assert!(newer > newest_a);

    let (_, changed, _) = walk(&c, Resource::Candidates, newest_c).await;
    assert!(changed
        .candidates
        .iter()
        .any(|c| c.id == touched.candidate_id));
    assert!(changed.candidates.len() < 5);
    sb.shutdown().await;
}

#[tokio::test]
async fn note_attachment_and_move_are_written_on_behalf_of_the_worker() {
    let sb = sandbox().await;
    let c = connector(&sb);
    let worker = sb.workday_worker_id();
    let app = sb
        .control()
        .workday_applications()
        .into_iter()
        .find(|a| a.active && a.stage == "Assessment")
        .unwrap();

    let note = c
        .add_note(&NoteWrite {
            candidate_id: app.candidate_id.clone(),
            application_id: Some(app.id.clone()),
            body: "AI screening complete: 91/100. Report attached.".into(),
            actor: worker.clone(),
        })
        .await
        .unwrap();
    let bytes = pdf();
    let file = c
        .attach_file(&FileWrite {
            candidate_id: app.candidate_id.clone(),
            application_id: Some(app.id.clone()),
            filename: "Screening report - Jane Doe.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: bytes.clone(),
            actor: worker.clone(),
        })
        .await
        .unwrap();
    let stored = sb
        .control()
        .workday_attachment(file.id.as_deref().unwrap())
        .unwrap();
    assert_eq!(stored.bytes, bytes, "PDF bytes intact");
    assert_eq!(stored.content_type, "application/pdf");

    let stages = c.stages(&app.requisition_id).await.unwrap();
    let interview = stages.iter().find(|s| s.name == "Interview").unwrap();
    c.move_stage(&StageMove {
        candidate_id: app.candidate_id.clone(),
        application_id: app.id.clone(),
        from_stage_id: Some(app.stage_id.clone()),
        to_stage_id: interview.id.clone(),
        actor: worker.clone(),
    })
    .await
    .unwrap();

    let log = sb.control().workday_writes();
    assert_eq!(
        log.iter().map(|w| w.kind).collect::<Vec<_>>(),
        [
            WorkdayWriteKind::Note,
            WorkdayWriteKind::Attachment,
            WorkdayWriteKind::StageMove
        ]
    );
    assert!(log.iter().all(|w| w.worker_id == worker));
    assert_eq!(log[0].record_id, note.id);

    let fp = c.footprint(&app.candidate_id, Some(&app.id)).await.unwrap();
    assert_eq!(
        fp.notes,
        ["AI screening complete: 91/100. Report attached."]
    );
    assert_eq!(fp.files, ["Screening report - Jane Doe.pdf"]);
    assert_eq!(fp.stage_id.as_deref(), Some(interview.id.as_str()));

    // An unknown acting worker is a validation error naming the field.
    let err = c
        .add_note(&NoteWrite {
            candidate_id: app.candidate_id.clone(),
            application_id: None,
            body: "x".into(),
            actor: "0".repeat(32),
        })
        .await
        .unwrap_err();
    match &err {
        AtsError::Validation {
            fields, endpoint, ..
        } => {
            assert_eq!(fields[0].field.as_deref(), Some("worker"));
            assert!(endpoint.ends_with("/notes"), "{endpoint}");
        }
        other => panic!("{other:?}"),
    }
    let unsupported = c
        .create_candidate(&NewCandidate {
            first_name: "A".into(),
            last_name: "B".into(),
            email: None,
            phone: None,
            company: None,
            title: None,
            job_ids: vec![app.requisition_id.clone()],
            source: "Reqlink".into(),
            actor: worker,
        })
        .await
        .unwrap_err();
    assert!(matches!(unsupported, AtsError::Unsupported { .. }));
    sb.shutdown().await;
}

#[tokio::test]
async fn wrong_tenant_is_not_found_naming_the_endpoint() {
    let sb = sandbox().await;
    let client =
        WorkdayClient::with_options(&sb.workday_host(), "other_tenant1", isu(&sb), fast()).unwrap();
    let err = WorkdayConnector::new(client).verify().await.unwrap_err();
    match &err {
        AtsError::NotFound { endpoint, .. } => {
            assert_eq!(
                endpoint,
                "GET /ccx/api/recruiting/v4/other_tenant1/jobRequisitions"
            )
        }
        other => panic!("{other:?}"),
    }

    let wrong_isu = isu_tokens(
        &sb.workday_host(),
        "other_tenant1",
        &sb.workday_client_id(),
        &sb.workday_client_secret(),
        &sb.workday_refresh_token(),
    )
    .unwrap();
    let err = wrong_isu.access_token().await.unwrap_err();
    assert!(
        err.to_string()
            .contains("POST /ccx/oauth2/other_tenant1/token"),
        "{err}"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn bad_client_secret_is_unauthorized_without_leaking_it() {
    let sb = sandbox().await;
    let source = isu_tokens(
        &sb.workday_host(),
        &sb.workday_tenant(),
        &sb.workday_client_id(),
        "wrong-secret-value",
        &sb.workday_refresh_token(),
    )
    .unwrap();
    let err = source.access_token().await.unwrap_err();
    assert!(matches!(err, AtsError::Unauthorized { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(!msg.contains("wrong-secret-value") && !msg.contains(&sb.workday_refresh_token()));
    sb.shutdown().await;
}

#[tokio::test]
async fn revoked_refresh_token_needs_reconnect() {
    let sb = sandbox().await;
    let c = connector(&sb);
    c.verify().await.unwrap();
    sb.control().workday_revoke_refresh_token();
    let err = c.verify().await.unwrap_err();
    assert!(matches!(err, AtsError::NeedsReconnect { .. }), "{err:?}");
    assert_eq!(err.code(), reqlink_domain::ErrorCode::NeedsReconnect);

    // A token source that cannot refresh: one retry, then reconnect.
    let before = sb.control().workday_request_count();
    let c = connector_with(&sb, Arc::new(StaticToken("stale".into())), fast());
    let err = c.verify().await.unwrap_err();
    assert!(matches!(err, AtsError::NeedsReconnect { .. }), "{err:?}");
    assert!(
        err.to_string().contains("GET /ccx/api/recruiting/v4/"),
        "{err}"
    );
    assert_eq!(sb.control().workday_request_count() - before, 2);
    sb.shutdown().await;
}

#[tokio::test]
async fn rate_limited_calls_wait_for_retry_after() {
    let sb = sandbox().await;
    let c = connector(&sb);
    c.verify().await.unwrap();
    sb.control().workday_fail_next(
        1,
        WorkdayFault::RateLimited {
            retry_after_secs: 1,
        },
    );
    let started = Instant::now();
    c.verify().await.expect("succeeds after waiting");
    assert!(started.elapsed() >= Duration::from_secs(1));

    // Too long to wait inline: handed back for rescheduling.
    sb.control().workday_fail_next(
        1,
        WorkdayFault::RateLimited {
            retry_after_secs: 900,
        },
    );
    let err = c.verify().await.unwrap_err();
    match err {
        AtsError::RateLimited { retry_after, .. } => {
            assert_eq!(retry_after, Some(Duration::from_secs(900)))
        }
        other => panic!("{other:?}"),
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn server_errors_are_retried_for_reads_but_not_writes() {
    let sb = sandbox().await;
    let c = connector(&sb);
    c.verify().await.unwrap();
    let ctl = sb.control();

    let before = ctl.workday_request_count();
    ctl.workday_fail_next(2, WorkdayFault::ServerError(503));
    c.list(Resource::Users, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(ctl.workday_request_count() - before, 3);

    let app = ctl.workday_applications().remove(0);
    let before = ctl.workday_request_count();
    ctl.workday_fail_next(1, WorkdayFault::ServerError(500));
    let err = c
        .add_note(&NoteWrite {
            candidate_id: app.candidate_id,
            application_id: None,
            body: "hello".into(),
            actor: sb.workday_worker_id(),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, AtsError::Server { status: 500, .. }),
        "{err:?}"
    );
    assert!(err.is_transient());
    assert_eq!(ctl.workday_request_count() - before, 1, "no blind retry");
    assert!(ctl.workday_writes().is_empty());

    // Persistent failure ends with an error naming the endpoint.
    ctl.workday_fail_next(10, WorkdayFault::ServerError(502));
    let err = c
        .list(Resource::Jobs, PageRequest::default())
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("HTTP 502 on GET /ccx/api/recruiting/v4/"),
        "{err}"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn malformed_json_names_the_endpoint_and_field() {
    let sb = sandbox().await;
    let c = connector(&sb);
    sb.control()
        .workday_fail_next(1, WorkdayFault::MalformedJson);
    let err = c
        .list(Resource::Candidates, PageRequest::default())
        .await
        .unwrap_err();
    match &err {
        AtsError::Malformed {
            endpoint, message, ..
        } => {
            assert_eq!(
                endpoint,
                &format!(
                    "GET /ccx/api/recruiting/v4/{}/candidates",
                    sb.workday_tenant()
                )
            );
            // The emulator cuts the answer inside the first record's id.
            assert!(message.starts_with("field data[0].id: "), "{message}");
        }
        other => panic!("{other:?}"),
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn a_write_that_times_out_is_not_retried_and_is_visible_in_the_footprint() {
    let sb = sandbox().await;
    let c = connector_with(
        &sb,
        isu(&sb),
        WorkdayOptions {
            timeout: Duration::from_millis(300),
            ..fast()
        },
    );
    c.verify().await.unwrap();
    let ctl = sb.control();
    let app = ctl.workday_applications().remove(0);

    let before = ctl.workday_request_count();
    ctl.workday_fail_next(1, WorkdayFault::Hang(Duration::from_millis(900)));
    let err = c
        .add_note(&NoteWrite {
            candidate_id: app.candidate_id.clone(),
            application_id: None,
            body: "Report ready".into(),
            actor: sb.workday_worker_id(),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, AtsError::Timeout { .. }), "{err:?}");
    assert!(err.is_ambiguous());
    assert_eq!(ctl.workday_request_count() - before, 1, "not retried");
    let notes: Vec<_> = ctl
        .workday_writes()
        .into_iter()
        .filter(|w| w.kind == WorkdayWriteKind::Note)
        .collect();
    assert_eq!(notes.len(), 1, "the hung write happened exactly once");
    let fp = c.footprint(&app.candidate_id, None).await.unwrap();
    assert_eq!(fp.notes, ["Report ready"]);

    // A read that times out is simply tried again.
    ctl.workday_fail_next(1, WorkdayFault::Hang(Duration::from_millis(900)));
    c.list(Resource::Users, PageRequest::default())
        .await
        .unwrap();
    sb.shutdown().await;
}

#[tokio::test]
async fn client_side_limiter_keeps_under_the_tenant_limit() {
    let sb = sandbox().await;
    sb.control()
        .workday_set_rate_limit(Some(reqlink_sandbox::RateLimit {
            limit: 4,
            window: Duration::from_millis(400),
        }));
    let c = connector_with(
        &sb,
        isu(&sb),
        WorkdayOptions {
            rate_limit: 4,
            rate_window: Duration::from_millis(400),
            ..fast()
        },
    )
    .with_page_size(20);
    let (pages, got, _) = walk(&c, Resource::Candidates, None).await;
    assert_eq!(got.candidates.len(), CANDIDATES);
    assert_eq!(pages, 7);
    assert_eq!(
        sb.control().workday_request_count(),
        7,
        "no request was refused with 429 and repeated"
    );
    sb.shutdown().await;
}
