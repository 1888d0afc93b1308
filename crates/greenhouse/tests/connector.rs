//! The v1 connector as the sync engine uses it: every family page by page
//! with resumable `next` tokens, `total` from rel="last", `newest` in the
//! server's clock fed back as `since`, stages in pipeline order.

mod support;

use std::collections::HashSet;

use reqlink_ats::{AtsConnector, PageRequest, Resource};
use reqlink_domain::Provider;
use reqlink_greenhouse::GreenhouseConnector;
use support::*;

async fn walk(
    conn: &GreenhouseConnector,
    resource: Resource,
    since: Option<String>,
) -> (usize, Option<String>, Vec<Option<u32>>) {
    let mut page = PageRequest { since, next: None };
    let mut n = 0;
    let mut newest: Option<String> = None;
    let mut totals = Vec::new();
    loop {
        let got = conn.list(resource, page.clone()).await.unwrap();
        n += got.records.len();
        totals.push(got.total);
        if let Some(t) = got.newest {
            if newest.as_ref().is_none_or(|n| &t > n) {
                newest = Some(t);
            }
        }
        match got.next {
            Some(next) => {
                page = PageRequest {
                    since: None,
                    next: Some(next),
                }
            }
            None => return (n, newest, totals),
        }
    }
}

#[tokio::test]
async fn a_full_then_an_incremental_sync() {
    let sb = sandbox().await;
    let conn = GreenhouseConnector::new(v1(&sb)).with_page_size(20);
    assert_eq!(conn.provider(), Provider::Greenhouse);
    assert_eq!(
        conn.sync_plan(),
        [
            Resource::Users,
            Resource::Jobs,
            Resource::Candidates,
            Resource::Applications
        ]
    );
    assert_eq!(
        conn.verify().await.unwrap().display,
        "Greenhouse (Harvest API key)"
    );

    let (users, _, _) = walk(&conn, Resource::Users, None).await;
    assert_eq!(users, 12);
    let (jobs, _, _) = walk(&conn, Resource::Jobs, None).await;
    assert_eq!(jobs, 6);
    let (cands, newest, totals) = walk(&conn, Resource::Candidates, None).await;
    assert_eq!(cands, 45);
    assert_eq!(totals[0], Some(60), "3 pages of 20 per rel=\"last\"");
    let (apps, newest_app, _) = walk(&conn, Resource::Applications, None).await;
    assert_eq!(apps, 70);

    // Nothing changed: nothing comes back (since is inclusive, so the
    // newest record itself may repeat).
    let (again, _, _) = walk(&conn, Resource::Candidates, newest.clone()).await;
    assert!(again <= 1, "{again}");

    // A change in Greenhouse shows up incrementally.
    let page = conn
        .list(Resource::Candidates, PageRequest::default())
        .await
        .unwrap();
    let id: u64 = page.records.candidates[3].id.parse().unwrap();
    sb.control().touch_candidates(&[id]);
    let changed = conn
        .list(
            Resource::Candidates,
            PageRequest {
                since: newest,
                next: None,
            },
        )
        .await
        .unwrap();
    let ids: HashSet<String> = changed
        .records
        .candidates
        .iter()
        .map(|c| c.id.clone())
        .collect();
    assert!(ids.contains(&id.to_string()));
    assert!(changed.newest.is_some());
    assert!(newest_app.is_some());

    let job_id = conn
        .list(Resource::Jobs, PageRequest::default())
        .await
        .unwrap()
        .records
        .jobs[0]
        .id
        .clone();
    let stages = conn.stages(&job_id).await.unwrap();
    assert_eq!(stages[0].name, "Application Review");
    assert!(stages.windows(2).all(|w| w[0].priority < w[1].priority));
    assert!(stages.iter().all(|s| s.job_id == job_id));
    sb.shutdown().await;
}
