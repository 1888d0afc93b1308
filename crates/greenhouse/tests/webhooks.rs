//! `verify_webhook` against real deliveries from the emulator: a good
//! signature, a wrong secret, a missing or mangled signature, a body that
//! was parsed and re-serialised (must fail), a replay (passes; the id is
//! exposed for the receiver to dedupe), unicode-escaped bodies, and the
//! mapping of each action to an `AtsEvent`.

mod support;

use reqlink_ats::{AtsEvent, WebhookRejection};
use reqlink_greenhouse::{verify_webhook, GhApplication, NewCandidateBody, NewProspectBody};
use reqlink_sandbox::CandidateUpdate;
use support::*;

const SECRET: &[u8] = b"headhuntr-issued-secret";

fn verify(d: &Delivery) -> Result<reqlink_ats::VerifiedEvent, WebhookRejection> {
    verify_webhook(
        SECRET,
        d.header("signature"),
        d.header("greenhouse-event-id"),
        &d.body,
    )
}

#[tokio::test]
async fn signatures_are_checked_over_the_raw_body() {
    let sb = sandbox().await;
    let rx = Receiver::start().await;
    let secret = std::str::from_utf8(SECRET).unwrap();
    sb.control()
        .greenhouse_register_webhook(
            "Reqlink",
            &rx.url,
            secret,
            &["candidate_stage_change", "new_candidate_application"],
        )
        .await
        .unwrap();
    let ping = &rx.wait_for(1).await[0];
    let v = verify(ping).unwrap();
    assert_eq!(v.event, AtsEvent::Ping);
    assert_eq!(v.action, "ping");

    // A stage change made in Greenhouse's UI.
    let client = v1(&sb);
    let apps = client
        .get_page::<GhApplication>(&client.url(
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
    let job = app.jobs[0].id;
    let stages = client
        .get_one::<Vec<reqlink_greenhouse::GhStage>>(
            &client.url(&format!("/jobs/{job}/stages"), &[]),
        )
        .await
        .unwrap();
    sb.control()
        .greenhouse_move_application(app.id, stages[1].id)
        .unwrap();
    let d = rx.wait_for(2).await[1].clone();

    let v = verify(&d).unwrap();
    assert_eq!(v.action, "candidate_stage_change");
    assert_eq!(Some(v.event_id.as_str()), d.header("greenhouse-event-id"));
    match &v.event {
        AtsEvent::ApplicationChanged {
            application,
            candidate,
        } => {
            assert_eq!(application.id, app.id.to_string());
            assert_eq!(application.candidate_id, app.candidate_id.to_string());
            assert_eq!(application.stage_id, Some(stages[1].id.to_string()));
            assert_eq!(application.stage_name.as_deref(), Some("Recruiter Screen"));
            assert_eq!(application.job_id, Some(job.to_string()));
            assert_eq!(application.status, "active");
            let c = candidate.as_ref().unwrap();
            assert_eq!(c.id, app.candidate_id.to_string());
            assert!(c.email.is_some());
        }
        other => panic!("{other:?}"),
    }

    // Replays verify again; deduping by event id is the receiver's job.
    assert_eq!(verify(&d).unwrap().event_id, v.event_id);

    assert_eq!(
        verify_webhook(
            b"another-secret",
            d.header("signature"),
            d.header("greenhouse-event-id"),
            &d.body
        ),
        Err(WebhookRejection::BadSignature)
    );
    assert_eq!(
        verify_webhook(SECRET, None, d.header("greenhouse-event-id"), &d.body),
        Err(WebhookRejection::MissingSignature)
    );
    let sha1_style = d.header("signature").unwrap().replace("sha256 ", "sha256=");
    assert_eq!(
        verify_webhook(
            SECRET,
            Some(&sha1_style),
            d.header("greenhouse-event-id"),
            &d.body
        ),
        Err(WebhookRejection::BadSignature)
    );
    let raw = std::str::from_utf8(&d.body).unwrap();
    assert!(
        raw.contains("\\u003c"),
        "the stage's interview kit HTML is escaped"
    );
    let reserialised =
        serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(&d.body).unwrap()).unwrap();
    assert_eq!(
        verify_webhook(
            SECRET,
            d.header("signature"),
            d.header("greenhouse-event-id"),
            &reserialised
        ),
        Err(WebhookRejection::BadSignature),
        "a re-serialised body must not verify"
    );
    let mut tampered = d.body.to_vec();
    let at = raw.find("\"active\"").unwrap();
    tampered[at + 1] = b'A';
    assert_eq!(
        verify_webhook(
            SECRET,
            d.header("signature"),
            d.header("greenhouse-event-id"),
            &tampered
        ),
        Err(WebhookRejection::BadSignature)
    );

    // Non-ASCII arrives as \uXXXX and still verifies.
    client
        .create_candidate(
            actor(&sb),
            &NewCandidateBody {
                person: NewProspectBody {
                    first_name: "Zoë".into(),
                    last_name: "Ødegård 😀".into(),
                    ..Default::default()
                },
                job_id: job,
            },
        )
        .await
        .unwrap();
    let d = rx.wait_for(3).await[2].clone();
    let raw = std::str::from_utf8(&d.body).unwrap();
    assert!(
        raw.is_ascii() && raw.contains("Zo\\u00eb") && raw.contains("\\ud83d\\ude00"),
        "{raw}"
    );
    let v = verify(&d).unwrap();
    match v.event {
        AtsEvent::ApplicationChanged {
            candidate: Some(c),
            application,
        } => {
            assert_eq!(
                (c.first_name.as_str(), c.last_name.as_str()),
                ("Zoë", "Ødegård 😀")
            );
            assert_eq!(
                application.stage_name.as_deref(),
                Some("Application Review")
            );
        }
        other => panic!("{other:?}"),
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn each_action_maps_to_its_event() {
    let sb = sandbox().await;
    let rx = Receiver::start().await;
    let secret = std::str::from_utf8(SECRET).unwrap();
    sb.control()
        .greenhouse_register_webhook("All", &rx.url, secret, reqlink_sandbox::SUPPORTED_ACTIONS)
        .await
        .unwrap();
    let client = v1(&sb);
    let cands = client
        .get_page::<reqlink_greenhouse::GhCandidate>(
            &client.url("/candidates", &[("per_page", "4".into())]),
        )
        .await
        .unwrap()
        .items;
    let ids: Vec<u64> = cands.iter().map(|c| c.id).collect();
    let c = sb.control();
    c.greenhouse_update_candidate(
        ids[0],
        CandidateUpdate {
            first_name: Some("Renamed".into()),
            ..Default::default()
        },
    )
    .unwrap();
    c.greenhouse_delete_candidate(ids[1]).unwrap();
    c.greenhouse_merge_candidates(ids[0], ids[2]).unwrap();
    c.greenhouse_anonymize_candidate(ids[3], &["full_name"])
        .unwrap();
    let job = c.greenhouse_create_job("Data Engineer").unwrap();
    c.greenhouse_delete_job(job).unwrap();
    let hired = c
        .greenhouse_hire_application(cands[0].application_ids[0])
        .is_ok();

    let got = rx.wait_for(7 + usize::from(hired)).await;
    let mut events: Vec<AtsEvent> = got.iter().map(|d| verify(d).unwrap().event).collect();
    let has = |pred: &dyn Fn(&AtsEvent) -> bool| events.iter().any(pred);
    assert!(has(&|e| *e == AtsEvent::Ping));
    assert!(has(
        &|e| matches!(e, AtsEvent::CandidateChanged(c) if c.id == ids[0].to_string() && c.first_name == "Renamed")
    ));
    assert!(has(&|e| *e
        == AtsEvent::CandidateDeleted {
            candidate_id: ids[1].to_string()
        }));
    assert!(has(&|e| *e
        == AtsEvent::CandidatesMerged {
            kept_id: ids[0].to_string(),
            removed_ids: vec![ids[2].to_string()]
        }));
    assert!(has(&|e| *e
        == AtsEvent::CandidateAnonymized {
            candidate_id: ids[3].to_string()
        }));
    assert!(has(
        &|e| matches!(e, AtsEvent::JobChanged(j) if j.id == job.to_string() && j.name == "Data Engineer" && j.status == "open")
    ));
    assert!(has(&|e| *e
        == AtsEvent::JobDeleted {
            job_id: job.to_string()
        }));
    events.retain(|e| matches!(e, AtsEvent::ApplicationChanged { application, .. } if application.status == "hired"));
    assert_eq!(events.len(), usize::from(hired));
    sb.shutdown().await;
}
