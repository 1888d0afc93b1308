//! Every write of the client against the emulator over HTTP, and how each
//! failure reaches the caller: 401, 403 with Greenhouse's reason, 404 for
//! an unknown actor, 422 with field names, 429 obeyed, 5xx retried, a write
//! timeout never retried, malformed answers named by endpoint and field,
//! truncated creates and the read lag.

mod support;

use std::time::{Duration, Instant};

use reqlink_ats::{AtsConnector, AtsError, FileWrite, NewCandidate, NoteWrite, StageMove};
use reqlink_domain::{ApiError, ErrorCode};
use reqlink_greenhouse::{
    AttachTo, AttachmentContent, GhCandidate, GreenhouseConnector, GreenhouseError, NewAttachment,
    NewCandidateBody, NewProspectBody, Visibility,
};
use reqlink_sandbox::{CreateLag, CreateTruncation, GhWriteKind, WriteFault};
use support::*;

fn pdf() -> Vec<u8> {
    let mut b = b"%PDF-1.7\n%\xb5\xb6\n".to_vec();
    b.extend((0..=255u8).cycle().take(4096));
    b.extend_from_slice(b"%%EOF\n");
    b
}

async fn some_candidate(client: &reqlink_greenhouse::GreenhouseClient) -> GhCandidate {
    let page = client
        .get_page::<GhCandidate>(&client.url("/candidates", &[("per_page", "1".into())]))
        .await
        .unwrap();
    page.items.into_iter().next().unwrap()
}

#[tokio::test]
async fn notes_attachments_and_moves_arrive_exactly_once() {
    let sb = sandbox().await;
    let client = v1(&sb);
    let me = actor(&sb);
    let conn = GreenhouseConnector::new(client.clone());

    // An application that can move forward.
    let apps = client
        .get_page::<reqlink_greenhouse::GhApplication>(&client.url(
            "/applications",
            &[("status", "active".into()), ("per_page", "500".into())],
        ))
        .await
        .unwrap()
        .items;
    let app = apps
        .iter()
        .find(|a| !a.prospect && a.current_stage.is_some())
        .unwrap();
    let job = app.jobs[0].id.to_string();
    let stages = conn.stages(&job).await.unwrap();
    let current = app.current_stage.as_ref().unwrap().id.to_string();
    let target = stages.iter().find(|s| s.id != current).unwrap().id.clone();

    let note = conn
        .add_note(&NoteWrite {
            candidate_id: app.candidate_id.to_string(),
            application_id: Some(app.id.to_string()),
            body: "AI interview: strong <systems> answers".into(),
            actor: me.to_string(),
        })
        .await
        .unwrap();
    assert!(note.id.is_some());
    conn.attach_file(&FileWrite {
        candidate_id: app.candidate_id.to_string(),
        application_id: Some(app.id.to_string()),
        filename: "Interview report.pdf".into(),
        content_type: "application/pdf".into(),
        bytes: pdf(),
        actor: me.to_string(),
    })
    .await
    .unwrap();
    conn.move_stage(&StageMove {
        candidate_id: app.candidate_id.to_string(),
        application_id: app.id.to_string(),
        from_stage_id: None,
        to_stage_id: target.clone(),
        actor: me.to_string(),
    })
    .await
    .unwrap();

    let writes = sb.control().greenhouse_writes();
    assert_eq!(writes.len(), 3, "{writes:?}");
    assert!(
        matches!(&writes[0].kind, GhWriteKind::Note { body, visibility, .. } if body.contains("<systems>") && visibility == "public")
    );
    match &writes[1].kind {
        GhWriteKind::Attachment {
            size,
            sha256,
            attachment_type,
            content_type,
            ..
        } => {
            assert_eq!(*size, pdf().len() as u64);
            assert_eq!(attachment_type, "other");
            assert_eq!(content_type, "application/pdf");
            use sha2::Digest;
            assert_eq!(*sha256, hex::encode(sha2::Sha256::digest(pdf())));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&writes[2].kind, GhWriteKind::StageMove { to_stage_id, .. } if to_stage_id.to_string() == target)
    );
    assert!(writes.iter().all(|w| w.actor_user_id == me));

    let fp = conn
        .footprint(&app.candidate_id.to_string(), Some(&app.id.to_string()))
        .await
        .unwrap();
    assert_eq!(fp.notes[0], "AI interview: strong <systems> answers");
    assert!(fp.files.contains(&"Interview report.pdf".to_string()));
    assert_eq!(fp.stage_id.as_deref(), Some(target.as_str()));

    // Candidate-level attachment through the client, and the feed.
    let att = client
        .attach(
            me,
            AttachTo::Candidate(app.candidate_id),
            &NewAttachment {
                filename: "resume.pdf".into(),
                kind: "resume".into(),
                content: AttachmentContent::Bytes {
                    content_type: "application/pdf".into(),
                    bytes: pdf(),
                },
                visibility: Some(Visibility::Private),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (att.filename.as_str(), att.kind.as_str()),
        ("resume.pdf", "resume")
    );
    let bytes = reqwest::get(att.url.unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.as_ref(), pdf().as_slice());
    let feed = client.activity_feed(app.candidate_id).await.unwrap();
    assert_eq!(feed.notes[0].visibility.as_deref(), Some("public"));
    assert!(feed.activities.iter().any(|a| a
        .body
        .as_deref()
        .is_some_and(|b| b.contains("was moved into"))));
    sb.shutdown().await;
}

#[tokio::test]
async fn advance_moves_to_the_next_stage() {
    let sb = sandbox().await;
    let client = v1(&sb);
    let apps = client
        .get_page::<reqlink_greenhouse::GhApplication>(&client.url(
            "/applications",
            &[("status", "active".into()), ("per_page", "500".into())],
        ))
        .await
        .unwrap()
        .items;
    let app = apps
        .iter()
        .find(|a| {
            a.current_stage
                .as_ref()
                .is_some_and(|s| s.name.as_deref() == Some("Application Review"))
        })
        .unwrap();
    let from = app.current_stage.as_ref().unwrap().id;
    let moved = client
        .advance_application(actor(&sb), app.id, from)
        .await
        .unwrap();
    assert_eq!(
        moved.current_stage.unwrap().name.as_deref(),
        Some("Recruiter Screen")
    );
    // The same request again is stale now: Greenhouse says which field.
    let err = client
        .advance_application(actor(&sb), app.id, from)
        .await
        .unwrap_err();
    assert_eq!(err.fields()[0].field.as_deref(), Some("from_stage_id"));
    sb.shutdown().await;
}

#[tokio::test]
async fn refusals_say_why_without_secrets() {
    let sb = sandbox().await;
    let client = v1(&sb);
    let cand = some_candidate(&client).await;

    let wrong =
        reqlink_greenhouse::GreenhouseClient::new(&sb.greenhouse_base_url(), "wrong-key").unwrap();
    let err = wrong
        .add_note(actor(&sb), cand.id, "x", Visibility::Public)
        .await
        .unwrap_err();
    assert!(
        matches!(err, GreenhouseError::Unauthorized { .. }),
        "{err:?}"
    );
    let api = ApiError::from(err);
    assert_eq!(api.code, ErrorCode::Unauthorized);
    assert!(!api.message.contains("wrong-key"));
    assert!(
        api.message.contains(&format!(
            "POST /v1/candidates/{}/activity_feed/notes",
            cand.id
        )),
        "{}",
        api.message
    );

    // An actor who is not a Greenhouse user: Harvest answers 404.
    let err = client
        .add_note(999, cand.id, "x", Visibility::Public)
        .await
        .unwrap_err();
    assert!(matches!(err, GreenhouseError::NotFound { .. }), "{err:?}");

    // A disabled user: 403 with Greenhouse's reason.
    let users = client
        .get_page::<reqlink_greenhouse::GhUser>(
            &client.url("/users", &[("per_page", "500".into())]),
        )
        .await
        .unwrap()
        .items;
    let disabled = users
        .iter()
        .find(|u| u.disabled)
        .expect("the demo organisation has a disabled user");
    let err = client
        .add_note(disabled.id, cand.id, "x", Visibility::Public)
        .await
        .unwrap_err();
    let api = ApiError::from(err);
    assert_eq!(api.code, ErrorCode::Forbidden);
    assert!(
        api.message
            .contains("You do not have access to that record"),
        "{}",
        api.message
    );
    assert!(sb.control().greenhouse_writes().is_empty());

    // 422: every field named in the message and the error.
    let err = client
        .create_candidate(
            actor(&sb),
            &NewCandidateBody {
                person: NewProspectBody {
                    first_name: "".into(),
                    last_name: "Lovelace".into(),
                    email: Some("not-an-email".into()),
                    ..Default::default()
                },
                job_id: 1,
            },
        )
        .await
        .unwrap_err();
    let fields: Vec<_> = err
        .fields()
        .iter()
        .filter_map(|f| f.field.clone())
        .collect();
    assert_eq!(
        fields,
        [
            "first_name",
            "email_addresses[0].value",
            "applications[0].job_id"
        ]
    );
    let msg = err.to_string();
    assert!(
        msg.contains("POST /v1/candidates")
            && msg.contains("first_name: first_name can't be blank"),
        "{msg}"
    );
    let ats = AtsError::from(err);
    assert!(matches!(&ats, AtsError::Validation { fields, .. } if fields.len() == 3));
    assert!(!ats.is_transient());
    sb.shutdown().await;
}

#[tokio::test]
async fn writes_obey_429_but_never_repeat_a_5xx_or_a_timeout() {
    let sb = sandbox().await;
    let client = v1(&sb);
    let me = actor(&sb);
    let cand = some_candidate(&client).await;

    sb.control().greenhouse_fail_writes(
        1,
        WriteFault::RateLimited {
            retry_after_secs: 1,
        },
    );
    let started = Instant::now();
    client
        .add_note(me, cand.id, "after 429", Visibility::Public)
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After obeyed"
    );

    // A 5xx does not say whether the write landed: one attempt, and the
    // error goes to the caller (the outbox checks the candidate first).
    sb.control()
        .greenhouse_fail_writes(1, WriteFault::Status(503));
    let before = sb.control().request_count();
    let err = client
        .add_note(me, cand.id, "after a 503", Visibility::Public)
        .await
        .unwrap_err();
    assert!(
        matches!(err, GreenhouseError::Server { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(sb.control().request_count() - before, 1, "not retried");
    assert_eq!(
        sb.control().greenhouse_writes().len(),
        1,
        "only the note after the 429 arrived"
    );

    // The write is applied, the answer never comes: one attempt only.
    let short = v1(&sb).with_timeout(Duration::from_millis(300)).unwrap();
    sb.control().greenhouse_fail_writes(
        3,
        WriteFault::Hang {
            duration: Duration::from_secs(3),
            applied: true,
        },
    );
    let before = sb.control().request_count();
    let err = short
        .add_note(me, cand.id, "maybe", Visibility::Public)
        .await
        .unwrap_err();
    assert!(matches!(err, GreenhouseError::Timeout { .. }), "{err:?}");
    assert_eq!(sb.control().request_count() - before, 1, "not retried");
    let ats = AtsError::from(err);
    assert!(matches!(ats, AtsError::Timeout { .. }) && ats.is_ambiguous());
    let notes: Vec<_> = sb
        .control()
        .greenhouse_writes()
        .into_iter()
        .filter(|w| matches!(&w.kind, GhWriteKind::Note { body, .. } if body == "maybe"))
        .collect();
    assert_eq!(
        notes.len(),
        1,
        "it did happen: the caller checks the footprint before writing again"
    );
    let conn = GreenhouseConnector::new(v1(&sb));
    let fp = conn.footprint(&cand.id.to_string(), None).await.unwrap();
    assert!(fp.notes.contains(&"maybe".to_string()));
    sb.control()
        .greenhouse_fail_writes(0, WriteFault::Status(500));
    sb.shutdown().await;
}

#[tokio::test]
async fn a_truncated_create_is_used_as_is_and_the_read_lag_is_waited_out() {
    let sb = sandbox().await;
    sb.control()
        .greenhouse_set_create_truncation(CreateTruncation::Always);
    sb.control()
        .greenhouse_set_create_lag(CreateLag::Requests(2));
    let client = v1(&sb);
    let conn = GreenhouseConnector::new(client.clone());
    let job = client
        .get_page::<reqlink_greenhouse::GhJob>(&client.url("/jobs", &[("status", "open".into())]))
        .await
        .unwrap()
        .items[0]
        .id;
    let new = NewCandidate {
        first_name: "Zoë".into(),
        last_name: "Ødegård".into(),
        email: Some("zoe@example.com".into()),
        phone: Some("+1 555 0100".into()),
        company: Some("Initech".into()),
        title: Some("Engineer".into()),
        job_ids: vec![job.to_string()],
        source: "Reqlink".into(),
        actor: actor(&sb).to_string(),
    };
    let before = sb.control().request_count();
    let created = conn.create_candidate(&new).await.unwrap();
    assert_eq!(
        sb.control().request_count() - before,
        1,
        "no read-back after the create"
    );
    assert_eq!(created.application_ids.len(), 1);

    // Attaching right away works (writes do not lag); the footprint waits
    // out the 404s of the fresh record.
    conn.add_note(&NoteWrite {
        candidate_id: created.candidate_id.clone(),
        application_id: None,
        body: "Exported from Reqlink".into(),
        actor: actor(&sb).to_string(),
    })
    .await
    .unwrap();
    let fp = conn
        .footprint(&created.candidate_id, Some(&created.application_ids[0]))
        .await
        .unwrap();
    assert_eq!(fp.notes, ["Exported from Reqlink"]);
    assert!(fp.stage_id.is_some());

    let raw = client
        .create_prospect(
            actor(&sb),
            &NewProspectBody {
                first_name: "Grace".into(),
                last_name: "Hopper".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(raw.candidate.is_none(), "ids only");
    sb.control()
        .greenhouse_set_create_truncation(CreateTruncation::Never);
    let full = client
        .create_prospect(
            actor(&sb),
            &NewProspectBody {
                first_name: "Alan".into(),
                last_name: "Turing".into(),
                job_ids: vec![job],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        full.candidate.as_ref().unwrap().first_name.as_deref(),
        Some("Alan")
    );

    let err = conn
        .create_candidate(&NewCandidate {
            job_ids: vec![],
            ..new.clone()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, AtsError::Config(_)),
        "a candidate needs exactly one job: {err:?}"
    );
    let prospect = conn
        .create_prospect(&NewCandidate {
            job_ids: vec![],
            ..new
        })
        .await
        .unwrap();
    assert_eq!(prospect.application_ids.len(), 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn malformed_answers_name_the_endpoint_and_field() {
    let (url, task) =
        stub_harvest(r#"[{"id": 7, "first_name": "A", "email_addresses": [{"value": 42}]}]"#).await;
    let client = reqlink_greenhouse::GreenhouseClient::new(&url, "k").unwrap();
    let err = client
        .get_page::<GhCandidate>(&client.url("/candidates", &[("per_page", "1".into())]))
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("GET /v1/candidates"), "{msg}");
    assert!(msg.contains("[0].email_addresses[0].value"), "{msg}");
    assert_eq!(ApiError::from(err).code, ErrorCode::MalformedResponse);

    let err = client
        .add_note(1, 7, "x", Visibility::Public)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("POST /v1/candidates/7/activity_feed/notes"),
        "{err}"
    );
    task.abort();
}
