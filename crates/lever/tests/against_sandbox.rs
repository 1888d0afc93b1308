//! The Lever client and connector against the emulated Lever over HTTP:
//! paging, incremental sync, every write, auth and scope failures, rate
//! limits, retries, timeouts, malformed answers and OAuth refresh.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use reqlink_ats::{
    AtsConnector, AtsError, FileWrite, NewCandidate, NoteWrite, PageOf, PageRequest, Resource,
    StageMove, StaticToken, TokenSource,
};
use reqlink_lever::{LeverAuth, LeverClient, LeverConnector};
use reqlink_sandbox::{LeverConfig, LeverFault, LeverRateLimit, Sandbox, SandboxConfig};

async fn sandbox(lever: LeverConfig) -> Sandbox {
    Sandbox::start(SandboxConfig {
        jobs: 9,
        candidates: 110,
        applications: 160,
        rate_limit: None,
        lever,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

fn quiet() -> LeverConfig {
    LeverConfig {
        rate_limit: None,
        webhook_retry_delays: vec![Duration::from_millis(10), Duration::from_millis(20)],
        ..LeverConfig::default()
    }
}

fn client(sb: &Sandbox) -> LeverClient {
    LeverClient::new(&sb.lever_base_url(), LeverAuth::ApiKey(sb.lever_api_key()))
        .unwrap()
        .with_backoff(Duration::from_millis(5))
}

fn connector(sb: &Sandbox) -> LeverConnector {
    LeverConnector::new(client(sb))
}

async fn walk(c: &LeverConnector, resource: Resource, since: Option<String>) -> Vec<PageOf> {
    let mut pages = Vec::new();
    let mut req = PageRequest { since, next: None };
    loop {
        let page = c.list(resource, req.clone()).await.expect("page");
        let next = page.next.clone();
        pages.push(page);
        match next {
            Some(n) => req.next = Some(n),
            None => return pages,
        }
    }
}

#[tokio::test]
async fn paging_through_everything_matches_the_emulator() {
    let sb = sandbox(quiet()).await;
    let c = connector(&sb).with_page_size(40);
    assert_eq!(
        c.sync_plan(),
        &[Resource::Users, Resource::Jobs, Resource::Candidates]
    );

    let users: usize = walk(&c, Resource::Users, None)
        .await
        .iter()
        .map(|p| p.records.users.len())
        .sum();
    assert_eq!(users, sb.control().lever_user_count());
    let jobs: Vec<_> = walk(&c, Resource::Jobs, None)
        .await
        .into_iter()
        .flat_map(|p| p.records.jobs)
        .collect();
    assert_eq!(jobs.len(), 9);
    assert!(jobs
        .iter()
        .all(|j| j.requisition_id.is_some() && !j.offices.is_empty()));

    let pages = walk(&c, Resource::Candidates, None).await;
    assert!(pages.len() > 3);
    let apps: Vec<_> = pages
        .iter()
        .flat_map(|p| p.records.applications.clone())
        .collect();
    let expected = sb.control().lever_opportunity_ids();
    assert_eq!(apps.len(), expected.len());
    let ids: HashSet<&str> = apps.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), expected.len(), "each opportunity once");
    let contacts: HashSet<&str> = apps.iter().map(|a| a.candidate_id.as_str()).collect();
    let candidates: HashSet<String> = pages
        .iter()
        .flat_map(|p| p.records.candidates.iter().map(|c| c.id.clone()))
        .collect();
    assert_eq!(
        candidates.len(),
        contacts.len(),
        "candidate id = contact id"
    );
    assert!(
        contacts.len() < apps.len(),
        "some people have several opportunities"
    );

    let statuses: HashSet<&str> = apps.iter().map(|a| a.status.as_str()).collect();
    assert_eq!(statuses, HashSet::from(["active", "rejected", "hired"]));
    assert!(apps.iter().any(|a| a.prospect && a.job_id.is_none()));
    assert!(apps
        .iter()
        .all(|a| a.stage_id.is_some() && a.stage_name.is_some()));
    let newest: i64 = pages
        .iter()
        .filter_map(|p| p.newest.as_deref())
        .map(|n| n.parse::<i64>().unwrap())
        .max()
        .unwrap();
    assert!(newest > 1_700_000_000_000, "milliseconds");
}

#[tokio::test]
async fn incremental_since_returns_changes_and_resumes_with_the_filter() {
    let sb = sandbox(quiet()).await;
    let c = connector(&sb).with_page_size(1);
    let full = walk(&connector(&sb), Resource::Candidates, None).await;
    let newest = full
        .iter()
        .filter_map(|p| p.newest.clone())
        .max_by_key(|n| n.parse::<i64>().unwrap())
        .unwrap();
    let ids = sb.control().lever_opportunity_ids();
    let offer = sb
        .control()
        .lever_stages()
        .into_iter()
        .find(|(_, t)| t == "Offer")
        .unwrap()
        .0;
    let on_site = sb
        .control()
        .lever_stages()
        .into_iter()
        .find(|(_, t)| t == "On-site")
        .unwrap()
        .0;
    sb.control().lever_move_stage(&ids[7], &offer).unwrap();
    sb.control().lever_move_stage(&ids[30], &on_site).unwrap();

    let since_after = (newest.parse::<i64>().unwrap() + 1).to_string();
    let pages = walk(&c, Resource::Candidates, Some(since_after)).await;
    let changed: Vec<_> = pages
        .iter()
        .flat_map(|p| p.records.applications.clone())
        .collect();
    let got: HashSet<&str> = changed.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(got, HashSet::from([ids[7].as_str(), ids[30].as_str()]));
    assert_eq!(
        pages.len(),
        2,
        "page size 1: the second page came from the resumed token"
    );
    let moved = changed.iter().find(|a| a.id == ids[7]).unwrap();
    assert_eq!(moved.stage_id.as_deref(), Some(offer.as_str()));
    assert_eq!(moved.stage_name.as_deref(), Some("Offer"));
}

fn new_candidate(sb: &Sandbox, jobs: Vec<String>, email: &str) -> NewCandidate {
    NewCandidate {
        first_name: "Noor".into(),
        last_name: "Haddad".into(),
        email: Some(email.into()),
        phone: Some("+1 415-555-0134".into()),
        company: Some("Northwind".into()),
        title: None,
        job_ids: jobs,
        source: "Reqlink".into(),
        actor: sb.lever_user_id(),
    }
}

#[tokio::test]
async fn every_write_lands_with_perform_as() {
    let sb = sandbox(quiet()).await;
    let c = connector(&sb);
    let me = sb.lever_user_id();
    let opp = sb.control().lever_opportunity_ids()[4].clone();
    let contact = sb.control().lever_opportunity(&opp).unwrap()["contact"]
        .as_str()
        .unwrap()
        .to_owned();

    let note = c
        .add_note(&NoteWrite {
            candidate_id: contact.clone(),
            application_id: Some(opp.clone()),
            body: "AI interview complete: 4.5/5".into(),
            actor: me.clone(),
        })
        .await
        .unwrap();
    assert!(note.id.is_some());

    let mut pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    pdf.extend((0..50_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    pdf.extend_from_slice(b"\n%%EOF\n");
    let file = c
        .attach_file(&FileWrite {
            candidate_id: contact.clone(),
            application_id: Some(opp.clone()),
            filename: "interview-report.pdf".into(),
            content_type: "application/pdf".into(),
            bytes: pdf.clone(),
            actor: me.clone(),
        })
        .await
        .unwrap();
    let stored = sb
        .control()
        .lever_file_bytes(&opp, file.id.as_deref().unwrap())
        .unwrap();
    assert_eq!(stored, pdf, "PDF bytes intact");

    let assessment = c
        .stages("job-x")
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.name == "AI assessment")
        .unwrap();
    assert_eq!(assessment.job_id, "job-x");
    c.move_stage(&StageMove {
        candidate_id: contact.clone(),
        application_id: opp.clone(),
        from_stage_id: None,
        to_stage_id: assessment.id.clone(),
        actor: me.clone(),
    })
    .await
    .unwrap();

    // Without an application id the contact's opportunity is found.
    let fp = c.footprint(&contact, None).await.unwrap();
    let fp_direct = c.footprint(&contact, Some(&opp)).await.unwrap();
    assert_eq!(
        fp_direct.notes,
        vec!["AI interview complete: 4.5/5".to_owned()]
    );
    assert_eq!(fp_direct.files, vec!["interview-report.pdf".to_owned()]);
    assert_eq!(fp_direct.stage_id.as_deref(), Some(assessment.id.as_str()));
    assert!(fp.stage_id.is_some());

    let posting = sb.control().lever_postings()[0].0.clone();
    let created = c
        .create_candidate(&new_candidate(
            &sb,
            vec![posting.clone()],
            "noor.h@example.org",
        ))
        .await
        .unwrap();
    let o = sb
        .control()
        .lever_opportunity(&created.application_ids[0])
        .unwrap();
    assert_eq!(o["contact"].as_str().unwrap(), created.candidate_id);
    assert_eq!(o["stage"], "lead-new");
    assert_eq!(o["origin"], "sourced");
    assert_eq!(o["sources"], serde_json::json!(["Reqlink"]));
    assert_eq!(o["applications"][0]["posting"].as_str().unwrap(), posting);

    let prospect = c
        .create_prospect(&new_candidate(&sb, vec![], "noor.other@example.org"))
        .await
        .unwrap();
    let p = sb
        .control()
        .lever_opportunity(&prospect.application_ids[0])
        .unwrap();
    assert_eq!(
        p["applications"],
        serde_json::json!([]),
        "a general opportunity"
    );
    assert_eq!(p["stage"], "lead-new");

    let err = c
        .create_candidate(&new_candidate(&sb, vec![], "x@example.org"))
        .await
        .unwrap_err();
    assert!(matches!(err, AtsError::Validation { .. }), "{err:?}");

    let writes = sb.control().lever_writes();
    let kinds: Vec<&str> = writes.iter().map(|w| w.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["note", "file", "stage", "opportunity", "opportunity"]
    );
    assert!(writes.iter().all(|w| w.perform_as == me));
}

#[tokio::test]
async fn a_missing_perform_as_is_reported_with_the_endpoint() {
    let sb = sandbox(quiet()).await;
    let c = connector(&sb);
    let opp = sb.control().lever_opportunity_ids()[0].clone();
    let err = c
        .add_note(&NoteWrite {
            candidate_id: "ignored".into(),
            application_id: Some(opp.clone()),
            body: "x".into(),
            actor: String::new(),
        })
        .await
        .unwrap_err();
    let AtsError::Validation {
        fields, endpoint, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(fields[0].field.as_deref(), Some("perform_as"));
    assert_eq!(endpoint, &format!("POST /v1/opportunities/{opp}/notes"));
    assert!(err.to_string().contains("perform_as"), "{err}");

    if let Some(gone) = sb.control().lever_deactivated_user_id() {
        let err = c
            .add_note(&NoteWrite {
                candidate_id: "ignored".into(),
                application_id: Some(opp.clone()),
                body: "x".into(),
                actor: gone,
            })
            .await
            .unwrap_err();
        assert!(matches!(err, AtsError::Forbidden { .. }), "{err:?}");
    }
}

#[tokio::test]
async fn a_wrong_key_is_unauthorized_without_leaking_it() {
    let sb = sandbox(quiet()).await;
    let c = LeverConnector::new(
        LeverClient::new(
            &sb.lever_base_url(),
            LeverAuth::ApiKey("wrong-key-123".into()),
        )
        .unwrap(),
    );
    let err = c.verify().await.unwrap_err();
    assert!(matches!(err, AtsError::Unauthorized { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("GET /v1/stages"), "{msg}");
    assert!(!msg.contains("wrong-key-123"));
}

#[tokio::test]
async fn a_missing_scope_is_forbidden() {
    let sb = sandbox(quiet()).await;
    let ro = LeverConnector::new(
        LeverClient::new(
            &sb.lever_base_url(),
            LeverAuth::ApiKey(sb.lever_read_only_api_key()),
        )
        .unwrap(),
    );
    ro.verify().await.unwrap();
    let opp = sb.control().lever_opportunity_ids()[0].clone();
    let err = ro
        .add_note(&NoteWrite {
            candidate_id: "c".into(),
            application_id: Some(opp),
            body: "x".into(),
            actor: sb.lever_user_id(),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, AtsError::Forbidden { .. }), "{err:?}");
    assert!(err.to_string().contains("notes:write:admin"), "{err}");
}

#[tokio::test]
async fn retry_after_is_obeyed() {
    let sb = sandbox(quiet()).await;
    let c = connector(&sb);
    sb.control().lever_inject(
        LeverFault::RateLimited {
            retry_after_secs: 1,
        },
        1,
    );
    let start = Instant::now();
    c.list(Resource::Jobs, PageRequest::default())
        .await
        .unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(sb.control().lever_request_count(), 2);
}

#[tokio::test]
async fn the_client_limiter_keeps_a_burst_of_100_requests_free_of_429() {
    // Lever's shape (10/s steady, bucket of 20) against the default client
    // (10 per second), scaled 10x in rate so the test takes about a second:
    // steady 100/s with a bucket of 40 against 20 per 200 ms.
    let sb = sandbox(LeverConfig {
        rate_limit: Some(LeverRateLimit {
            per_second: 100.0,
            burst: 40,
        }),
        ..quiet()
    })
    .await;
    let c = Arc::new(LeverConnector::new(
        client(&sb).with_rate_limit(20, Duration::from_millis(200)),
    ));
    let calls = (0..100).map(|_| {
        let c = c.clone();
        tokio::spawn(async move { c.verify().await })
    });
    for call in calls {
        call.await.unwrap().expect("no request failed");
    }
    assert_eq!(
        sb.control().lever_request_count(),
        100,
        "a 429 would have been retried and counted"
    );
}

#[tokio::test]
async fn without_the_limiter_the_same_burst_meets_429() {
    // The control for the test above: the emulator does refuse bursts.
    let sb = sandbox(LeverConfig {
        rate_limit: Some(LeverRateLimit {
            per_second: 100.0,
            burst: 40,
        }),
        ..quiet()
    })
    .await;
    let c = client(&sb);
    c.limiter().set_enabled(false);
    let c = Arc::new(LeverConnector::new(c));
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.verify().await })
        })
        .collect();
    for call in calls {
        let _ = call.await.unwrap();
    }
    assert!(sb.control().lever_request_count() > 100);
}

#[tokio::test]
async fn server_errors_on_reads_are_retried() {
    let sb = sandbox(quiet()).await;
    let c = connector(&sb);
    sb.control().lever_inject(LeverFault::Status(503), 2);
    let page = c
        .list(Resource::Jobs, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.records.jobs.len(), 9);
    assert_eq!(sb.control().lever_request_count(), 3);
}

#[tokio::test]
async fn a_server_error_on_a_write_is_returned_not_retried() {
    let sb = sandbox(quiet()).await;
    let c = connector(&sb);
    let opp = sb.control().lever_opportunity_ids()[0].clone();
    sb.control().lever_inject(LeverFault::Status(500), 1);
    let err = c
        .add_note(&NoteWrite {
            candidate_id: "c".into(),
            application_id: Some(opp),
            body: "x".into(),
            actor: sb.lever_user_id(),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, AtsError::Server { status: 500, .. }),
        "{err:?}"
    );
    assert!(err.is_transient());
    assert_eq!(sb.control().lever_request_count(), 1);
}

#[tokio::test]
async fn a_write_that_times_out_is_not_retried() {
    let sb = sandbox(quiet()).await;
    let c = LeverConnector::new(
        client(&sb)
            .with_timeout(Duration::from_millis(300))
            .unwrap(),
    );
    let opp = sb.control().lever_opportunity_ids()[0].clone();
    sb.control()
        .lever_inject(LeverFault::Hang(Duration::from_millis(1500)), 1);
    let err = c
        .add_note(&NoteWrite {
            candidate_id: "c".into(),
            application_id: Some(opp.clone()),
            body: "once".into(),
            actor: sb.lever_user_id(),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, AtsError::Timeout { .. }), "{err:?}");
    assert!(err.is_ambiguous());
    assert_eq!(sb.control().lever_request_count(), 1, "no blind retry");
    // The write did happen: the footprint check is how a retry avoids a twin.
    let fp = c.footprint("c", Some(&opp)).await.unwrap();
    assert_eq!(fp.notes, vec!["once".to_owned()]);
}

#[tokio::test]
async fn malformed_json_is_named_by_endpoint_and_field() {
    let sb = sandbox(quiet()).await;
    let c = connector(&sb);
    sb.control().lever_inject(LeverFault::Malformed, 1);
    let err = c
        .list(Resource::Jobs, PageRequest::default())
        .await
        .unwrap_err();
    let AtsError::Malformed {
        endpoint, message, ..
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(endpoint, "GET /v1/postings");
    // The emulator cuts the body in half, which lands inside the list.
    assert!(
        message.starts_with("the JSON did not parse: field data["),
        "{message}"
    );
}

// ---------------------------------------------------------------------------
// OAuth.

/// Refreshes through the emulator's token endpoint, keeping the rotated
/// refresh token, as the app's OAuth token source does.
struct RefreshingSource {
    token_url: String,
    client_id: String,
    client_secret: String,
    refresh: Mutex<String>,
    access: Mutex<Option<String>>,
    refreshes: AtomicU32,
}

impl RefreshingSource {
    fn new(sb: &Sandbox, scopes: &[&str]) -> Arc<Self> {
        Arc::new(Self {
            token_url: sb.lever_oauth_token_url(),
            client_id: sb.lever_oauth_client_id(),
            client_secret: sb.lever_oauth_client_secret(),
            refresh: Mutex::new(sb.control().lever_mint_refresh_token(scopes)),
            access: Mutex::new(None),
            refreshes: AtomicU32::new(0),
        })
    }
}

#[async_trait]
impl TokenSource for RefreshingSource {
    async fn access_token(&self) -> Result<String, AtsError> {
        if let Some(t) = self.access.lock().unwrap().clone() {
            return Ok(t);
        }
        let refresh = self.refresh.lock().unwrap().clone();
        let resp = reqwest::Client::new()
            .post(&self.token_url)
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh.as_str()),
                ("client_id", self.client_id.as_str()),
                ("client_secret", self.client_secret.as_str()),
            ])
            .send()
            .await
            .map_err(|e| AtsError::Config(e.to_string()))?;
        if !resp.status().is_success() {
            return Err(AtsError::NeedsReconnect {
                vendor: "Lever",
                reason: format!("refresh refused ({})", resp.status()),
            });
        }
        let body: serde_json::Value = resp.json().await.unwrap();
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        if let Some(r) = body["refresh_token"].as_str() {
            *self.refresh.lock().unwrap() = r.to_owned();
        }
        let access = body["access_token"].as_str().unwrap().to_owned();
        *self.access.lock().unwrap() = Some(access.clone());
        Ok(access)
    }

    async fn invalidate(&self, token: &str) {
        let mut access = self.access.lock().unwrap();
        if access.as_deref() == Some(token) {
            *access = None;
        }
    }
}

const ALL: &[&str] = &[
    "opportunities:read:admin",
    "opportunities:write:admin",
    "postings:read:admin",
    "stages:read:admin",
    "users:read:admin",
    "archive_reasons:read:admin",
    "notes:write:admin",
    "files:write:admin",
    "offline_access",
];

fn bearer_connector(sb: &Sandbox, source: Arc<dyn TokenSource>) -> LeverConnector {
    LeverConnector::new(
        LeverClient::new(&sb.lever_base_url(), LeverAuth::Bearer(source))
            .unwrap()
            .with_backoff(Duration::from_millis(5)),
    )
}

#[tokio::test]
async fn an_expired_bearer_token_is_refreshed_once_and_the_call_succeeds() {
    let sb = sandbox(quiet()).await;
    let source = RefreshingSource::new(&sb, ALL);
    let c = bearer_connector(&sb, source.clone());
    assert!(c.verify().await.unwrap().display.contains("OAuth"));
    assert_eq!(source.refreshes.load(Ordering::SeqCst), 1);

    sb.control().lever_expire_access_tokens();
    let page = c
        .list(Resource::Jobs, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.records.jobs.len(), 9);
    assert_eq!(source.refreshes.load(Ordering::SeqCst), 2);

    // Writes work with the refreshed token too.
    let opp = sb.control().lever_opportunity_ids()[0].clone();
    c.add_note(&NoteWrite {
        candidate_id: "c".into(),
        application_id: Some(opp),
        body: "via OAuth".into(),
        actor: sb.lever_user_id(),
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn a_revoked_grant_needs_reconnect() {
    let sb = sandbox(quiet()).await;
    let source = RefreshingSource::new(&sb, ALL);
    let c = bearer_connector(&sb, source);
    c.verify().await.unwrap();
    sb.control().lever_revoke_tokens();
    let err = c
        .list(Resource::Jobs, PageRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(err, AtsError::NeedsReconnect { .. }), "{err:?}");
}

#[tokio::test]
async fn a_token_that_stays_rejected_after_refresh_needs_reconnect() {
    let sb = sandbox(quiet()).await;
    let c = bearer_connector(&sb, Arc::new(StaticToken("stale".into())));
    let err = c.verify().await.unwrap_err();
    assert!(matches!(err, AtsError::NeedsReconnect { .. }), "{err:?}");
    assert_eq!(sb.control().lever_request_count(), 2, "one retry, no more");
    assert!(!err.to_string().contains("stale"));
}

#[tokio::test]
async fn an_oauth_grant_without_the_write_scope_is_forbidden() {
    let sb = sandbox(quiet()).await;
    let source = RefreshingSource::new(&sb, &["opportunities:read:admin", "stages:read:admin"]);
    let c = bearer_connector(&sb, source);
    c.verify().await.unwrap();
    let opp = sb.control().lever_opportunity_ids()[0].clone();
    let err = c
        .add_note(&NoteWrite {
            candidate_id: "c".into(),
            application_id: Some(opp),
            body: "x".into(),
            actor: sb.lever_user_id(),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, AtsError::Forbidden { .. }), "{err:?}");
    assert!(err.to_string().contains("reconnect"), "{err}");
}
