//! Report search benchmark: FTS5 search p95 over 20,000 stored reports, and
//! opening one report from the local store.
//! Run: `cargo run --release -p reqlink-bench --bin bench-search`

use std::time::{Duration, Instant};

use reqlink_bench::{ms, percentile, rare_term, report_body, Rng, REPORT_TEMPLATE, WORDS};
use reqlink_domain::ReportQuery;
use reqlink_platform::payload::{parse_event, PlatformEvent};
use reqlink_store::Store;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_in_dir(dir.path()).unwrap();
    let template: serde_json::Value = serde_json::from_str(REPORT_TEMPLATE).unwrap();
    let mut rng = Rng::new(11);
    let started = Instant::now();
    let postings = ["P-ENG", "P-SALES", "P-SUPPORT", "P-OPS"];
    for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
        let records: Vec<_> = chunk
            .iter()
            .map(|&i| {
                let body = report_body(&template, i, postings[i % postings.len()], &mut rng);
                let Ok(PlatformEvent::ReportAvailable(r)) =
                    parse_event("report_available", body.as_bytes())
                else {
                    panic!("generated report does not parse");
                };
                reqlink_app::to_record(&r, body)
            })
            .collect();
        store.upsert_reports(&records).unwrap();
    }
    println!(
        "stored {n} reports in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    for (label, selective) in [("specific terms", true), ("common words", false)] {
        let mut times = Vec::new();
        let mut hits_total = 0u64;
        for k in 0..300 {
            let term = if selective {
                rare_term(rng.next_u64())
            } else if k % 3 == 0 {
                format!("{} {}", rng.pick(WORDS), rng.pick(WORDS))
            } else {
                let w = rng.pick(WORDS);
                w.get(..5).unwrap_or(w).to_string()
            };
            let t = Instant::now();
            let page = store
                .list_reports(&ReportQuery {
                    search: Some(term),
                    limit: 50,
                    ..Default::default()
                })
                .unwrap();
            times.push(t.elapsed());
            hits_total += page.total as u64;
        }
        times.sort();
        println!(
            "search over {n} reports, {label} (300 queries, best 50 with snippets + total): p50 {:.2} ms, p95 {:.2} ms (target p95 < 30 ms), avg hits {:.0}",
            ms(percentile(&times, 50.0)),
            ms(percentile(&times, 95.0)),
            hits_total as f64 / times.len() as f64
        );
    }

    let mut open_times: Vec<Duration> = Vec::new();
    for k in 0..300 {
        let id = format!("BENCH{:08}", (rng.next_u64() as usize + k) % n);
        let t = Instant::now();
        let (row, raw) = store.report(&id).unwrap().expect("stored");
        let Ok(PlatformEvent::ReportAvailable(r)) = parse_event("report_available", raw.as_bytes())
        else {
            panic!("stored report does not parse");
        };
        let detail = reqlink_app::to_detail(row, &r);
        open_times.push(t.elapsed());
        assert!(!detail.transcript.is_empty());
    }
    open_times.sort();
    println!(
        "open one report from the store (read + parse + view): p50 {:.2} ms, p95 {:.2} ms (target < 50 ms)",
        ms(percentile(&open_times, 50.0)),
        ms(percentile(&open_times, 95.0))
    );
}
