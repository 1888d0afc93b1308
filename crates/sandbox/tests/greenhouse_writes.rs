//! Contract tests for the Greenhouse emulator's writes over real HTTP:
//! On-Behalf-Of, 422 bodies, notes (with the `visiblity` misspelling),
//! attachments stored byte for byte, stage moves, candidate and prospect
//! creation with truncated answers and read lag, write faults, the write
//! log, and the same operations through `/_sandbox/greenhouse`.

mod gh_support;

use std::time::Duration;

use base64::Engine;
use gh_support::*;
use reqlink_sandbox::{CreateLag, CreateTruncation, GhWriteKind, WriteFault};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn fields(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .expect("errors list")
        .iter()
        .filter_map(|e| e["field"].as_str().map(str::to_owned))
        .collect()
}

fn first_candidate_id(list: &Value) -> u64 {
    list[0]["id"].as_u64().expect("id")
}

#[tokio::test]
async fn a_note_needs_on_behalf_of_of_an_active_user() {
    let sb = sandbox().await;
    let (_, list) = gh(&sb, Method::GET, "/candidates?per_page=1", None, None).await;
    let cid = first_candidate_id(&list);
    let me = sb.greenhouse_user_id();
    let path = format!("/candidates/{cid}/activity_feed/notes");
    let note = json!({"user_id": me.parse::<u64>().unwrap(), "body": "Strong <b>screen</b>", "visibility": "private"});

    let (status, body) = gh(&sb, Method::POST, &path, None, Some(note.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("On-Behalf-Of"),
        "{body}"
    );

    let (status, body) = gh(&sb, Method::POST, &path, Some("999"), Some(note.clone())).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            json!({"message": "Resource not found"})
        )
    );

    let (_, users) = gh(&sb, Method::GET, "/users?per_page=500", None, None).await;
    let disabled = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["disabled"] == true)
        .expect("the demo organisation has a disabled user");
    let (status, body) = gh(
        &sb,
        Method::POST,
        &path,
        Some(&disabled["id"].to_string()),
        Some(note.clone()),
    )
    .await;
    assert_eq!(
        (status, body),
        (
            StatusCode::FORBIDDEN,
            json!({"message": "You do not have access to that record"})
        )
    );

    let wrong_key = reqwest::Client::new()
        .post(format!("{}{path}", sb.greenhouse_base_url()))
        .basic_auth("wrong", Some(""))
        .header("On-Behalf-Of", &me)
        .json(&note)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_key.status(), StatusCode::UNAUTHORIZED);
    assert!(
        sb.control().greenhouse_writes().is_empty(),
        "nothing refused was written"
    );

    let (status, created) = gh(&sb, Method::POST, &path, Some(&me), Some(note)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["visibility"], "private");
    assert_eq!(
        created["visiblity"], "private",
        "the historical misspelling is there too"
    );
    assert_eq!(created["private"], true);
    assert_eq!(created["body"], "Strong <b>screen</b>");
    assert_eq!(created["user"]["id"].to_string(), me);

    let (_, feed) = gh(
        &sb,
        Method::GET,
        &format!("/candidates/{cid}/activity_feed"),
        None,
        None,
    )
    .await;
    assert_eq!(feed["notes"][0]["id"], created["id"]);
    assert!(feed["emails"].as_array().unwrap().is_empty());
    assert!(!feed["activities"].as_array().unwrap().is_empty());

    let writes = sb.control().greenhouse_writes();
    assert_eq!(writes.len(), 1);
    assert_eq!(writes[0].api, "v1");
    assert_eq!(writes[0].actor_user_id.to_string(), me);
    assert!(
        matches!(&writes[0].kind, GhWriteKind::Note { candidate_id, body, .. } if *candidate_id == cid && body == "Strong <b>screen</b>")
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn every_write_is_seen_by_an_incremental_sync() {
    let sb = sandbox().await;
    let (_, all) = gh(&sb, Method::GET, "/candidates?per_page=500", None, None).await;
    let newest = all
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["updated_at"].as_str().unwrap().to_owned())
        .max()
        .unwrap();
    let cid = first_candidate_id(&all);
    let me = sb.greenhouse_user_id();
    let (status, _) = gh(
        &sb,
        Method::POST,
        &format!("/candidates/{cid}/activity_feed/notes"),
        Some(&me),
        Some(json!({"user_id": me, "body": "x", "visibility": "public"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, changed) = gh(
        &sb,
        Method::GET,
        &format!("/candidates?updated_after={newest}"),
        None,
        None,
    )
    .await;
    let ids: Vec<u64> = changed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect();
    assert!(ids.contains(&cid), "{ids:?}");
    sb.shutdown().await;
}

#[tokio::test]
async fn validation_errors_name_every_field_and_bad_json_is_400() {
    let sb = sandbox().await;
    let (_, list) = gh(&sb, Method::GET, "/candidates?per_page=1", None, None).await;
    let cid = first_candidate_id(&list);
    let me = sb.greenhouse_user_id();
    let path = format!("/candidates/{cid}/activity_feed/notes");
    let (status, body) = gh(
        &sb,
        Method::POST,
        &path,
        Some(&me),
        Some(json!({"user_id": me, "visibility": "everyone"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["message"], "Validation error");
    assert_eq!(fields(&body), ["body", "visibility"]);
    assert_eq!(body["errors"][0]["message"], "Missing required field: body");

    let resp = gh_raw(
        &sb,
        Method::POST,
        &path,
        Some(&me),
        Some("{\"body\": ".into()),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);

    let (status, body) = gh(&sb, Method::POST, "/candidates", Some(&me), Some(json!({"last_name": "Lovelace", "email_addresses": [{"value": "ada@example.com", "type": "home"}]}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&body),
        ["first_name", "email_addresses[0].type", "applications"]
    );

    let (status, body) = gh(
        &sb,
        Method::POST,
        "/candidates",
        Some(&me),
        Some(json!({"first_name": "Ada", "last_name": "Lovelace", "applications": []})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body), ["applications"]);

    let (status, body) = gh(
        &sb,
        Method::POST,
        "/candidates",
        Some(&me),
        Some(
            json!({"first_name": "Ada", "last_name": "Lovelace", "applications": [{"job_id": 1}]}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body), ["applications[0].job_id"]);
    assert!(sb.control().greenhouse_writes().is_empty());
    sb.shutdown().await;
}

#[tokio::test]
async fn attachments_arrive_byte_for_byte_at_both_levels() {
    let sb = sandbox().await;
    let (app, cid, _, _, _) = movable_application(&sb).await;
    let aid = app["id"].as_u64().unwrap();
    let me = sb.greenhouse_user_id();
    let pdf = sample_pdf();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&pdf);

    let (status, body) = gh(&sb, Method::POST, &format!("/candidates/{cid}/attachments"), Some(&me), Some(json!({"filename": "report.pdf", "type": "other", "content": b64, "content_type": "application/pdf"}))).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "candidate attachments are resume|cover_letter|admin_only: {body}"
    );
    assert_eq!(fields(&body), ["type"]);
    let (status, body) = gh(
        &sb,
        Method::POST,
        &format!("/candidates/{cid}/attachments"),
        Some(&me),
        Some(json!({"filename": "report.pdf", "type": "admin_only", "content": b64})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body), ["content_type"]);

    let (status, att) = gh(&sb, Method::POST, &format!("/applications/{aid}/attachments"), Some(&me), Some(json!({"filename": "AI interview report.pdf", "type": "other", "content": b64, "content_type": "application/pdf", "visibility": "private"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{att}");
    assert_eq!(att["type"], "other");
    assert_eq!(att["content_type"], "application/pdf");
    let url = att["url"].as_str().unwrap().to_owned();
    let downloaded = reqwest::get(&url).await.unwrap().bytes().await.unwrap();
    assert_eq!(
        downloaded.as_ref(),
        pdf.as_slice(),
        "the stored file is identical"
    );

    let (_, cand) = gh(&sb, Method::GET, &format!("/candidates/{cid}"), None, None).await;
    assert!(cand["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["filename"] == "AI interview report.pdf" && a["type"] == "other"));
    let (_, got) = gh(
        &sb,
        Method::GET,
        &format!("/applications/{aid}"),
        None,
        None,
    )
    .await;
    assert_eq!(got["attachments"].as_array().unwrap().len(), 1);

    // A url attachment: Greenhouse downloads it (here from itself).
    let (status, by_url) = gh(
        &sb,
        Method::POST,
        &format!("/candidates/{cid}/attachments"),
        Some(&me),
        Some(json!({"filename": "copy.pdf", "type": "resume", "url": url})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{by_url}");
    assert_eq!(
        by_url["content_type"], "application/pdf",
        "taken from the download"
    );

    let writes = sb.control().greenhouse_writes();
    let digest = hex::encode(Sha256::digest(&pdf));
    let files: Vec<_> = writes
        .iter()
        .filter_map(|w| match &w.kind {
            GhWriteKind::Attachment {
                size,
                sha256,
                application_id,
                attachment_id,
                ..
            } => Some((*size, sha256.clone(), *application_id, *attachment_id)),
            _ => None,
        })
        .collect();
    assert_eq!(files.len(), 2);
    assert_eq!(
        (files[0].0, files[0].1.as_str(), files[0].2),
        (pdf.len() as u64, digest.as_str(), Some(aid))
    );
    assert_eq!(
        (files[1].0, files[1].1.as_str(), files[1].2),
        (pdf.len() as u64, digest.as_str(), None)
    );
    assert_eq!(
        sb.control().greenhouse_attachment_bytes(files[0].3),
        Some(pdf)
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn moves_check_the_current_stage_and_the_job() {
    let sb = sandbox().await;
    let (app, cid, job, current, stages) = movable_application(&sb).await;
    let aid = app["id"].as_u64().unwrap();
    let me = sb.greenhouse_user_id();
    let pos = stages.iter().position(|&s| s == current).unwrap();
    let target = stages[pos + 1];
    let path = format!("/applications/{aid}/move");

    let (status, body) = gh(
        &sb,
        Method::POST,
        &path,
        Some(&me),
        Some(json!({"from_stage_id": target, "to_stage_id": target})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body), ["from_stage_id"]);

    let (_, jobs) = gh(&sb, Method::GET, "/jobs", None, None).await;
    let other_job = jobs
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_u64().unwrap())
        .find(|&j| j != job)
        .unwrap();
    let (_, other_stages) = gh(
        &sb,
        Method::GET,
        &format!("/jobs/{other_job}/stages"),
        None,
        None,
    )
    .await;
    let foreign = other_stages[1]["id"].as_u64().unwrap();
    let (status, body) = gh(
        &sb,
        Method::POST,
        &path,
        Some(&me),
        Some(json!({"from_stage_id": current, "to_stage_id": foreign})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body), ["to_stage_id"]);
    let (status, body) = gh(
        &sb,
        Method::POST,
        &path,
        Some(&me),
        Some(json!({"from_stage_id": current})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&body), ["to_stage_id"]);

    let (status, moved) = gh(
        &sb,
        Method::POST,
        &path,
        Some(&me),
        Some(json!({"from_stage_id": current, "to_stage_id": target})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["current_stage"]["id"], target);
    assert!(
        moved["last_activity_at"].as_str().unwrap() > app["last_activity_at"].as_str().unwrap()
    );

    // Advance goes one further, from the stage it is in now.
    let (status, _) = gh(
        &sb,
        Method::POST,
        &format!("/applications/{aid}/advance"),
        Some(&me),
        Some(json!({"from_stage_id": current})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "stale from_stage_id"
    );
    let (status, advanced) = gh(
        &sb,
        Method::POST,
        &format!("/applications/{aid}/advance"),
        Some(&me),
        Some(json!({"from_stage_id": target})),
    )
    .await;
    if pos + 2 < stages.len() {
        assert_eq!(status, StatusCode::OK);
        assert_eq!(advanced["current_stage"]["id"], stages[pos + 2]);
    } else {
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "nothing after the last stage"
        );
    }

    let (_, feed) = gh(
        &sb,
        Method::GET,
        &format!("/candidates/{cid}/activity_feed"),
        None,
        None,
    )
    .await;
    assert!(
        feed["activities"][0]["body"]
            .as_str()
            .unwrap()
            .contains("was moved into"),
        "{feed}"
    );

    let moves: Vec<_> = sb
        .control()
        .greenhouse_writes()
        .into_iter()
        .filter_map(|w| match w.kind {
            GhWriteKind::StageMove {
                from_stage_id,
                to_stage_id,
                via,
                ..
            } => Some((from_stage_id, to_stage_id, via)),
            _ => None,
        })
        .collect();
    assert_eq!(moves[0], (current, target, "move".to_owned()));
    if pos + 2 < stages.len() {
        assert_eq!(moves.len(), 2);
        assert_eq!(moves[1], (target, stages[pos + 2], "advance".to_owned()));
    } else {
        assert_eq!(moves.len(), 1);
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn creates_may_be_truncated_and_lag_behind_reads() {
    let sb = sandbox().await;
    let me = sb.greenhouse_user_id();
    let (_, jobs) = gh(&sb, Method::GET, "/jobs?status=open", None, None).await;
    let job = jobs[0]["id"].as_u64().unwrap();
    let source = 4_003_000_011u64;
    let body = json!({
        "first_name": "Zoë", "last_name": "Ødegård", "company": "Initech", "title": "Engineer",
        "email_addresses": [{"value": "zoe@example.com", "type": "personal"}],
        "phone_numbers": [{"value": "+1 555 0100", "type": "mobile"}],
        "tags": ["Reqlink"],
        "applications": [{"job_id": job, "source_id": source}],
    });

    sb.control()
        .greenhouse_set_create_truncation(CreateTruncation::Always);
    sb.control()
        .greenhouse_set_create_lag(CreateLag::Requests(2));
    let (status, created) = gh(
        &sb,
        Method::POST,
        "/candidates",
        Some(&me),
        Some(body.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let obj = created.as_object().unwrap();
    assert_eq!(obj.len(), 2, "ids only: {created}");
    let cid = created["id"].as_u64().unwrap();
    let aid = created["application_ids"][0].as_u64().unwrap();
    for _ in 0..2 {
        let (status, _) = gh(&sb, Method::GET, &format!("/candidates/{cid}"), None, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "still lagging");
    }
    let (status, cand) = gh(&sb, Method::GET, &format!("/candidates/{cid}"), None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cand["first_name"], "Zoë");
    assert_eq!(cand["email_addresses"][0]["value"], "zoe@example.com");
    assert_eq!(cand["applications"][0]["source"]["id"], source);
    assert_eq!(
        cand["applications"][0]["current_stage"]["name"],
        "Application Review"
    );
    assert_eq!(cand["tags"], json!(["Reqlink"]));
    let (_, by_email) = gh(
        &sb,
        Method::GET,
        "/candidates?email=zoe@example.com",
        None,
        None,
    )
    .await;
    assert_eq!(by_email[0]["id"], cid, "listings see it at once");

    sb.control()
        .greenhouse_set_create_truncation(CreateTruncation::Never);
    sb.control()
        .greenhouse_set_create_lag(CreateLag::For(Duration::from_millis(300)));
    let mut second = body.clone();
    second["email_addresses"][0]["value"] = json!("zoe2@example.com");
    let (status, full) = gh(&sb, Method::POST, "/candidates", Some(&me), Some(second)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(full["last_name"], "Ødegård", "full candidate: {full}");
    let id2 = full["id"].as_u64().unwrap();
    assert!(id2 > cid, "ids keep growing");
    let (status, _) = gh(
        &sb,
        Method::GET,
        &format!("/applications/{}", full["application_ids"][0]),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    tokio::time::sleep(Duration::from_millis(350)).await;
    let (status, _) = gh(&sb, Method::GET, &format!("/candidates/{id2}"), None, None).await;
    assert_eq!(status, StatusCode::OK);

    let creates: Vec<_> = sb
        .control()
        .greenhouse_writes()
        .into_iter()
        .filter_map(|w| match w.kind {
            GhWriteKind::CandidateCreated {
                candidate_id,
                application_ids,
                prospect,
                truncated,
            } => Some((candidate_id, application_ids, prospect, truncated)),
            _ => None,
        })
        .collect();
    assert_eq!(
        creates,
        vec![
            (cid, vec![aid], false, true),
            (
                id2,
                vec![full["application_ids"][0].as_u64().unwrap()],
                false,
                false
            )
        ]
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn prospects_take_zero_or_more_jobs_and_a_pool() {
    let sb = sandbox().await;
    let me = sb.greenhouse_user_id();
    let (_, jobs) = gh(&sb, Method::GET, "/jobs", None, None).await;
    let j: Vec<u64> = jobs
        .as_array()
        .unwrap()
        .iter()
        .take(2)
        .map(|j| j["id"].as_u64().unwrap())
        .collect();
    let (_, pools) = gh(&sb, Method::GET, "/prospect_pools", None, None).await;
    let pool = pools[0]["id"].as_u64().unwrap();
    let stage = pools[0]["prospect_stages"][1]["id"].as_u64().unwrap();

    let (status, p) = gh(&sb, Method::POST, "/prospects", Some(&me), Some(json!({
        "first_name": "Grace", "last_name": "Hopper",
        "application": {"job_ids": j, "prospect_pool_id": pool, "prospect_pool_stage_id": stage},
    }))).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let app = &p["applications"][0];
    assert_eq!(app["prospect"], true);
    assert_eq!(app["jobs"].as_array().unwrap().len(), 2);
    assert_eq!(app["current_stage"], Value::Null);
    assert_eq!(app["prospect_detail"]["prospect_pool"]["id"], pool);
    assert_eq!(app["prospect_detail"]["prospect_stage"]["id"], stage);

    let (status, bare) = gh(
        &sb,
        Method::POST,
        "/prospects",
        Some(&me),
        Some(json!({"first_name": "Alan", "last_name": "Turing"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(bare["applications"][0]["jobs"], json!([]));

    let (status, body) = gh(&sb, Method::POST, "/prospects", Some(&me), Some(json!({"first_name": "A", "last_name": "B", "application": {"job_ids": [1], "prospect_pool_id": 2}}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields(&body),
        ["application.job_ids[0]", "application.prospect_pool_id"]
    );

    let (_, of_job) = gh(
        &sb,
        Method::GET,
        &format!("/candidates?job_id={}", j[1]),
        None,
        None,
    )
    .await;
    assert!(
        of_job
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == p["id"]),
        "job_id lists prospects too"
    );
    let (status, _) = gh(
        &sb,
        Method::POST,
        &format!("/applications/{}/move", app["id"]),
        Some(&me),
        Some(json!({"from_stage_id": 1, "to_stage_id": 2})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "prospects have no job stages"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn write_faults_hit_writes_only() {
    let sb = sandbox().await;
    let me = sb.greenhouse_user_id();
    let (_, list) = gh(&sb, Method::GET, "/candidates?per_page=1", None, None).await;
    let cid = first_candidate_id(&list);
    let path = format!("/candidates/{cid}/activity_feed/notes");
    let note = json!({"user_id": me, "body": "hello", "visibility": "public"});

    sb.control()
        .greenhouse_fail_writes(1, WriteFault::Status(503));
    let (status, _) = gh(&sb, Method::GET, "/candidates?per_page=1", None, None).await;
    assert_eq!(status, StatusCode::OK, "reads pass");
    let (status, _) = gh(&sb, Method::POST, &path, Some(&me), Some(note.clone())).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        sb.control().greenhouse_writes().is_empty(),
        "a 5xx fault applies nothing"
    );

    sb.control().greenhouse_fail_writes(
        1,
        WriteFault::RateLimited {
            retry_after_secs: 7,
        },
    );
    let resp = gh_raw(&sb, Method::POST, &path, Some(&me), Some(note.to_string())).await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(resp.headers()["retry-after"], "7");

    sb.control().greenhouse_fail_writes(
        1,
        WriteFault::Hang {
            duration: Duration::from_secs(5),
            applied: true,
        },
    );
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = client
        .post(format!("{}{path}", sb.greenhouse_base_url()))
        .basic_auth(sb.greenhouse_api_key(), Some(""))
        .header("On-Behalf-Of", &me)
        .json(&note)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout());
    assert_eq!(
        sb.control().greenhouse_writes().len(),
        1,
        "the hung write happened"
    );

    let (status, _) = gh(&sb, Method::POST, &path, Some(&me), Some(note)).await;
    assert_eq!(status, StatusCode::CREATED, "faults are used up");
    sb.shutdown().await;
}

#[tokio::test]
async fn the_control_surface_works_over_http() {
    let sb = sandbox().await;
    let me = sb.greenhouse_user_id();
    let (app, _, _, current, stages) = movable_application(&sb).await;
    let aid = app["id"].as_u64().unwrap();
    let target = *stages.last().unwrap();
    let (status, _) = control(
        &sb,
        Method::POST,
        &format!("/applications/{aid}/move"),
        Some(json!({"to_stage_id": target})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, got) = gh(
        &sb,
        Method::GET,
        &format!("/applications/{aid}"),
        None,
        None,
    )
    .await;
    assert_eq!(got["current_stage"]["id"], target);
    assert_ne!(current, target);
    let (status, body) = control(
        &sb,
        Method::POST,
        "/applications/1/move",
        Some(json!({"to_stage_id": target})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    let (status, _) = control(
        &sb,
        Method::POST,
        "/faults/writes",
        Some(json!({"count": 1, "kind": "status", "status": 502})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = gh(
        &sb,
        Method::POST,
        "/prospects",
        Some(&me),
        Some(json!({"first_name": "A", "last_name": "B"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);

    control(
        &sb,
        Method::POST,
        "/create_truncation",
        Some(json!({"mode": "always"})),
    )
    .await;
    control(
        &sb,
        Method::POST,
        "/create_lag",
        Some(json!({"requests": 1})),
    )
    .await;
    let (_, created) = gh(
        &sb,
        Method::POST,
        "/prospects",
        Some(&me),
        Some(json!({"first_name": "A", "last_name": "B"})),
    )
    .await;
    assert_eq!(created.as_object().unwrap().len(), 2);
    let (status, _) = gh(
        &sb,
        Method::GET,
        &format!("/candidates/{}", created["id"]),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, writes) = control(&sb, Method::GET, "/writes", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(writes.as_array().unwrap().len(), 1);
    assert_eq!(writes[0]["kind"], "candidate_created");
    assert_eq!(writes[0]["truncated"], true);

    let (status, job) = control(
        &sb,
        Method::POST,
        "/jobs",
        Some(json!({"name": "Staff Engineer"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, got) = gh(
        &sb,
        Method::GET,
        &format!("/jobs/{}", job["id"]),
        None,
        None,
    )
    .await;
    assert_eq!(
        (status, got["name"].as_str()),
        (StatusCode::OK, Some("Staff Engineer"))
    );
    control(
        &sb,
        Method::POST,
        &format!("/jobs/{}/delete", job["id"]),
        None,
    )
    .await;
    let (status, _) = gh(
        &sb,
        Method::GET,
        &format!("/jobs/{}", job["id"]),
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    sb.shutdown().await;
}

#[tokio::test]
async fn deleted_and_merged_candidates_leave_the_listings() {
    let sb = sandbox().await;
    let (_, all) = gh(&sb, Method::GET, "/candidates?per_page=500", None, None).await;
    let all = all.as_array().unwrap();
    let (a, b, c) = (
        all[0]["id"].as_u64().unwrap(),
        all[1]["id"].as_u64().unwrap(),
        all[2]["id"].as_u64().unwrap(),
    );
    let b_apps = all[1]["application_ids"].as_array().unwrap().clone();
    sb.control().greenhouse_delete_candidate(a).unwrap();
    sb.control().greenhouse_merge_candidates(c, b).unwrap();
    let (_, after) = gh(&sb, Method::GET, "/candidates?per_page=500", None, None).await;
    assert_eq!(after.as_array().unwrap().len(), all.len() - 2);
    let (status, _) = gh(&sb, Method::GET, &format!("/candidates/{a}"), None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, kept) = gh(&sb, Method::GET, &format!("/candidates/{c}"), None, None).await;
    for app in b_apps {
        assert!(
            kept["application_ids"].as_array().unwrap().contains(&app),
            "merged applications move"
        );
    }
    assert!(sb.control().greenhouse_delete_candidate(a).is_err());
    sb.shutdown().await;
}
