//! The share-based write fault: a percentage of all writes fails (5xx or a
//! hang), drawn deterministically from the seed; reads pass; over HTTP
//! too.

mod gh_support;

use gh_support::*;
use reqlink_sandbox::WriteFault;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn a_share_of_writes_fails_and_reads_pass() {
    let sb = sandbox().await;
    let me = sb.greenhouse_user_id();
    let (_, list) = gh(&sb, Method::GET, "/candidates?per_page=1", None, None).await;
    let cid = list[0]["id"].as_u64().unwrap();
    let path = format!("/candidates/{cid}/activity_feed/notes");
    let note = json!({"user_id": me.parse::<u64>().unwrap(), "body": "hi", "visibility": "public"});

    sb.control()
        .greenhouse_fail_write_share(50, vec![WriteFault::Status(502), WriteFault::Status(503)]);
    let mut failed = 0;
    for _ in 0..60 {
        let (status, _) = gh(&sb, Method::GET, "/candidates?per_page=1", None, None).await;
        assert_eq!(status, StatusCode::OK, "reads pass");
        let (status, _) = gh(&sb, Method::POST, &path, Some(&me), Some(note.clone())).await;
        match status {
            StatusCode::CREATED => {}
            StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE => failed += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert!((15..=45).contains(&failed), "{failed} of 60 failed");
    assert_eq!(sb.control().greenhouse_write_share_injected(), failed);
    assert_eq!(
        sb.control().greenhouse_writes().len() as u64,
        60 - failed,
        "a 5xx applies nothing"
    );

    // Over HTTP: 100 % hangs that are applied, then cleared.
    let (status, _) = control(
        &sb,
        Method::POST,
        "/faults/write_share",
        Some(json!({"percent": 100, "faults": [{"kind": "hang", "ms": 2000, "applied": true}]})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let before = sb.control().greenhouse_writes().len();
    let err = reqwest::Client::builder()
        .timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap()
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
        before + 1,
        "applied"
    );
    let (_, injected) = control(&sb, Method::GET, "/faults/write_share", None).await;
    assert_eq!(injected["injected"], 1);

    let (status, _) = control(
        &sb,
        Method::POST,
        "/faults/write_share",
        Some(json!({"percent": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = gh(&sb, Method::POST, &path, Some(&me), Some(note)).await;
    assert_eq!(status, StatusCode::CREATED, "cleared");
    let (status, _) = control(
        &sb,
        Method::POST,
        "/faults/write_share",
        Some(json!({"percent": 20})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a share needs faults"
    );
    sb.shutdown().await;
}
