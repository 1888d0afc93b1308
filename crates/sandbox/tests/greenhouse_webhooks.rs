//! Contract tests for the Greenhouse emulator's web hooks, against a
//! receiver over real HTTP: registration ping, signatures over the raw
//! (escaped) body, the same event id on retries, payload shapes, and every
//! action the control surface and the API trigger.

mod gh_support;

use gh_support::*;
use reqlink_sandbox::{CandidateUpdate, SUPPORTED_ACTIONS};
use reqwest::{Method, StatusCode};
use serde_json::json;

const SECRET: &str = "s3cr3t-key";

#[tokio::test]
async fn registration_pings_and_a_failed_ping_leaves_the_hook_disabled() {
    let sb = sandbox().await;
    let rx = Receiver::start().await;
    let hook = sb
        .control()
        .greenhouse_register_webhook(
            "Reqlink",
            &rx.url("/gh"),
            SECRET,
            &["candidate_stage_change"],
        )
        .await
        .unwrap();
    assert!(hook.enabled);
    let ping = &rx.on("/gh")[0];
    assert_eq!(
        ping.json(),
        json!({"action": "ping", "payload": {"web_hook_id": hook.id}})
    );
    assert_eq!(
        ping.header("signature").unwrap(),
        expected_signature(SECRET.as_bytes(), &ping.body)
    );
    assert!(ping.header("greenhouse-event-id").is_some());

    rx.plan("/down", &[500]);
    let down = sb
        .control()
        .greenhouse_register_webhook(
            "Down",
            &rx.url("/down"),
            SECRET,
            &["candidate_stage_change"],
        )
        .await
        .unwrap();
    assert!(!down.enabled, "a failed ping creates the hook disabled");

    let bad = sb
        .control()
        .greenhouse_register_webhook("Bad", &rx.url("/x"), SECRET, &["interview_started"])
        .await;
    assert!(bad.is_err());
    assert_eq!(SUPPORTED_ACTIONS.len(), 17);

    // A stage change reaches only the enabled hook.
    let (app, _, _, _, stages) = movable_application(&sb).await;
    let aid = app["id"].as_u64().unwrap();
    sb.control()
        .greenhouse_move_application(aid, *stages.last().unwrap())
        .unwrap();
    rx.wait_for("/gh", "candidate_stage_change", |r| r.len() == 2)
        .await;
    assert_eq!(rx.on("/down").len(), 1, "only the ping");

    // Registered over HTTP, as an end-to-end test driving the app does.
    let (status, http_hook) = control(
        &sb,
        Method::POST,
        "/webhooks",
        Some(json!({"name": "Over HTTP", "url": rx.url("/http"), "secret_key": SECRET, "actions": ["application_updated"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(http_hook["enabled"], true);
    let (status, _) = control(
        &sb,
        Method::POST,
        "/webhooks",
        Some(json!({"url": "not a url", "secret_key": SECRET, "actions": ["application_updated"]})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Re-enabled over HTTP, it gets the next one.
    let (status, _) = control(
        &sb,
        Method::POST,
        &format!("/webhooks/{}/enable", down.id),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    sb.control()
        .greenhouse_move_application(aid, stages[0])
        .unwrap();
    sb.control().greenhouse_update_application(aid).unwrap();
    rx.wait_for("/down", "the second stage change", |r| r.len() == 2)
        .await;
    rx.wait_for("/http", "the application update", |r| r.len() == 2)
        .await;
    let (_, hooks) = control(&sb, Method::GET, "/webhooks", None).await;
    assert_eq!(hooks.as_array().unwrap().len(), 3);
    assert!(
        hooks.to_string().find(SECRET).is_none(),
        "secrets are not listed"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn stage_changes_are_signed_over_the_escaped_raw_body() {
    let sb = sandbox().await;
    let rx = Receiver::start().await;
    sb.control()
        .greenhouse_register_webhook(
            "Reqlink",
            &rx.url("/gh"),
            SECRET,
            &["candidate_stage_change", "new_candidate_application"],
        )
        .await
        .unwrap();
    let (app, cid, job, current, _) = movable_application(&sb).await;
    let aid = app["id"].as_u64().unwrap();
    // A stage with interviews: their kits carry HTML.
    let (_, stages) = gh(&sb, Method::GET, &format!("/jobs/{job}/stages"), None, None).await;
    let target = stages
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] != current && !s["interviews"].as_array().unwrap().is_empty())
        .unwrap()["id"]
        .as_u64()
        .unwrap();
    sb.control()
        .greenhouse_move_application(aid, target)
        .unwrap();
    let got = rx
        .wait_for("/gh", "the stage change", |r| r.len() == 2)
        .await;
    let d = &got[1];
    assert_eq!(
        d.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        d.header("signature").unwrap(),
        expected_signature(SECRET.as_bytes(), &d.body)
    );
    let raw = std::str::from_utf8(&d.body).unwrap();
    assert!(raw.is_ascii());
    assert!(
        raw.contains("\\u003cp\\u003e"),
        "HTML is escaped like Greenhouse does"
    );
    let reserialised = serde_json::to_vec(&d.json()).unwrap();
    assert_ne!(
        expected_signature(SECRET.as_bytes(), &reserialised),
        d.header("signature").unwrap(),
        "a re-serialised body does not verify"
    );
    let v = d.json();
    assert_eq!(v["action"], "candidate_stage_change");
    let a = &v["payload"]["application"];
    assert_eq!(a["id"], aid);
    assert_eq!(a["status"], "active");
    assert_eq!(a["prospect"], false);
    assert_eq!(a["current_stage"]["id"], target);
    assert!(a["current_stage"]["name"].is_string());
    assert_eq!(a["jobs"][0]["id"], job);
    assert_eq!(a["candidate"]["id"], cid);
    assert!(a["candidate"]["first_name"].is_string() && a["candidate"]["last_name"].is_string());
    assert!(a["candidate"]["email_addresses"][0]["value"].is_string());

    // A candidate created through the API with non-ASCII names.
    let me = sb.greenhouse_user_id();
    let (status, _) = gh(
        &sb,
        Method::POST,
        "/candidates",
        Some(&me),
        Some(json!({
            "first_name": "Zoë", "last_name": "Ødegård 😀",
            "applications": [{"job_id": job}],
        })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let got = rx
        .wait_for("/gh", "the new application", |r| r.len() == 3)
        .await;
    let d = &got[2];
    assert_eq!(d.action(), "new_candidate_application");
    let raw = std::str::from_utf8(&d.body).unwrap();
    assert!(
        raw.contains("Zo\\u00eb") && raw.contains("\\u00d8deg\\u00e5rd \\ud83d\\ude00"),
        "{raw}"
    );
    assert_eq!(
        d.json()["payload"]["application"]["candidate"]["first_name"],
        "Zoë"
    );
    assert_eq!(
        d.header("signature").unwrap(),
        expected_signature(SECRET.as_bytes(), &d.body)
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn retries_repeat_the_event_id_until_a_200() {
    let sb = sandbox().await;
    let rx = Receiver::start().await;
    let hook = sb
        .control()
        .greenhouse_register_webhook("Reqlink", &rx.url("/gh"), SECRET, &["update_candidate"])
        .await
        .unwrap();
    rx.plan("/gh", &[500, 503]);
    let (_, list) = gh(&sb, Method::GET, "/candidates?per_page=1", None, None).await;
    let cid = list[0]["id"].as_u64().unwrap();
    sb.control()
        .greenhouse_update_candidate(
            cid,
            CandidateUpdate {
                title: Some("CTO".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let got = rx.wait_for("/gh", "three attempts", |r| r.len() == 4).await;
    let ids: Vec<_> = got[1..]
        .iter()
        .map(|r| r.header("greenhouse-event-id").unwrap())
        .collect();
    assert!(ids.iter().all(|i| i == &ids[0]), "{ids:?}");
    assert_ne!(
        got[0].header("greenhouse-event-id"),
        Some(ids[0].clone()),
        "the ping is another event"
    );
    assert_eq!(got[3].json()["payload"]["candidate"]["title"], "CTO");
    assert!(got[1..].iter().all(|r| r.body == got[1].body));

    let log: Vec<_> = sb
        .control()
        .greenhouse_deliveries()
        .into_iter()
        .filter(|d| d.action == "update_candidate")
        .collect();
    assert_eq!(
        log.iter()
            .map(|d| (d.attempt, d.status))
            .collect::<Vec<_>>(),
        vec![(1, Some(500)), (2, Some(503)), (3, Some(200))]
    );
    assert!(log
        .iter()
        .all(|d| d.webhook_id == hook.id && d.event_id == ids[0]));

    // Out of retries: 1 + 2 attempts, then Greenhouse gives up.
    rx.plan("/gh", &[500, 500, 500, 500]);
    sb.control()
        .greenhouse_update_candidate(
            cid,
            CandidateUpdate {
                title: Some("CEO".into()),
                ..Default::default()
            },
        )
        .unwrap();
    rx.wait_for("/gh", "three failed attempts", |r| r.len() == 7)
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(rx.on("/gh").len(), 7);
    sb.shutdown().await;
}

#[tokio::test]
async fn every_ui_action_fires_its_hook() {
    let sb = sandbox().await;
    let rx = Receiver::start().await;
    let all: Vec<&str> = SUPPORTED_ACTIONS.to_vec();
    sb.control()
        .greenhouse_register_webhook("All", &rx.url("/all"), SECRET, &all)
        .await
        .unwrap();
    sb.control()
        .greenhouse_register_webhook(
            "Deletes only",
            &rx.url("/del"),
            SECRET,
            &["delete_candidate"],
        )
        .await
        .unwrap();

    let (_, cands) = gh(&sb, Method::GET, "/candidates?per_page=5", None, None).await;
    let ids: Vec<u64> = cands
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect();
    let c = sb.control();
    let (app, _, _, _, _) = movable_application(&sb).await;
    let aid = app["id"].as_u64().unwrap();
    c.greenhouse_reject_application(aid).unwrap();
    assert!(
        c.greenhouse_hire_application(aid).is_err(),
        "rejected applications cannot be hired"
    );
    c.greenhouse_merge_candidates(ids[0], ids[1]).unwrap();
    c.greenhouse_delete_candidate(ids[2]).unwrap();
    c.greenhouse_anonymize_candidate(ids[3], &["full_name", "email_addresses"])
        .unwrap();
    let job = c.greenhouse_create_job("Principal Designer").unwrap();
    c.rename_job(job, "Principal Product Designer");
    c.greenhouse_delete_job(job).unwrap();

    let got = rx.wait_for("/all", "seven events", |r| r.len() == 8).await;
    // Deliveries run concurrently, so arrival order is not event order (as
    // with Greenhouse); look them up by action.
    let mut actions: Vec<String> = got.iter().map(Received::action).collect();
    actions.sort();
    assert_eq!(
        actions,
        [
            "candidate_anonymized",
            "delete_candidate",
            "job_created",
            "job_deleted",
            "job_updated",
            "merge_candidate",
            "ping",
            "reject_candidate"
        ]
    );
    let p =
        |action: &str| got.iter().find(|r| r.action() == action).unwrap().json()["payload"].clone();
    assert_eq!(p("reject_candidate")["application"]["status"], "rejected");
    assert!(p("reject_candidate")["application"]["rejection_reason"]["name"].is_string());
    assert_eq!(p("merge_candidate")["person"]["id"], ids[1]);
    assert_eq!(p("merge_candidate")["person"]["new_candidate_id"], ids[0]);
    assert_eq!(p("delete_candidate")["person"]["id"], ids[2]);
    assert!(p("delete_candidate")["person"]["deleted_application_ids"]
        .as_array()
        .is_some_and(|a| !a.is_empty()));
    assert_eq!(
        p("candidate_anonymized"),
        json!({"candidate_id": ids[3], "anonymized_fields": ["full_name", "email_addresses"]})
    );
    assert_eq!(p("job_created")["job"]["name"], "Principal Designer");
    assert_eq!(
        p("job_updated")["job"]["name"],
        "Principal Product Designer"
    );
    assert_eq!(
        p("job_deleted"),
        json!({"job": {"id": job, "name": "Principal Product Designer"}})
    );

    // The hook without merge_candidate hears about the merge as a deletion.
    let del = rx.wait_for("/del", "two deletions", |r| r.len() == 3).await;
    let mut deleted: Vec<u64> = del[1..]
        .iter()
        .map(|r| r.json()["payload"]["person"]["id"].as_u64().unwrap())
        .collect();
    deleted.sort_unstable();
    let mut expected = vec![ids[1], ids[2]];
    expected.sort_unstable();
    assert_eq!(deleted, expected);
    assert!(del[1..].iter().all(|r| r.action() == "delete_candidate"));

    let (_, anon) = gh(
        &sb,
        Method::GET,
        &format!("/candidates/{}", ids[3]),
        None,
        None,
    )
    .await;
    assert_eq!(anon["first_name"], "Anonymized");
    assert_eq!(anon["last_name"], ids[3].to_string());
    assert_eq!(anon["email_addresses"], json!([]));

    // Over HTTP too.
    let (status, _) = control(
        &sb,
        Method::POST,
        &format!("/candidates/{}/update", ids[4]),
        Some(json!({"company": "Globex"})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let got = rx.wait_for("/all", "the update", |r| r.len() == 9).await;
    let update = got
        .iter()
        .find(|r| r.action() == "update_candidate")
        .unwrap();
    assert_eq!(update.json()["payload"]["candidate"]["company"], "Globex");
    let (_, log) = control(&sb, Method::GET, "/deliveries", None).await;
    assert!(log.as_array().unwrap().len() >= 12);
    sb.shutdown().await;
}
