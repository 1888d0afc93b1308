//! Shared helpers for the benchmark binaries.

use std::time::Duration;

/// The seed document's `report_available` example, the template every
/// benchmark payload is derived from.
pub const REPORT_TEMPLATE: &str =
    include_str!("../../platform/tests/fixtures/report_available.json");

/// Percentile (0-100) of durations, by nearest rank.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A small deterministic generator so runs are comparable.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[(self.next_u64() % items.len() as u64) as usize]
    }
}

pub const WORDS: &[&str] = &[
    "kubernetes",
    "postgres",
    "migration",
    "latency",
    "customer",
    "quota",
    "pipeline",
    "react",
    "onboarding",
    "negotiation",
    "forecast",
    "compliance",
    "budget",
    "roadmap",
    "mentoring",
    "incident",
    "observability",
    "terraform",
    "salesforce",
    "churn",
    "escalation",
    "python",
    "rust",
    "kafka",
    "hiring",
    "stakeholder",
    "prioritisation",
    "accessibility",
    "security",
    "analytics",
    "retention",
    "pricing",
    "contract",
    "warehouse",
    "scheduling",
    "inventory",
];

/// A `report_available` body for interview `i`, with varied searchable text
/// and score.
pub fn report_body(template: &serde_json::Value, i: usize, posting: &str, rng: &mut Rng) -> String {
    let mut v = template.clone();
    let id = format!("BENCH{i:08}");
    v["interview_id"] = id.clone().into();
    v["posting_id"] = posting.into();
    v["timestamp"] = (1_770_000_000.0 + i as f64).into();
    let phrase = |rng: &mut Rng| {
        format!(
            "Discussed {} and {} with a focus on {}.",
            rng.pick(WORDS),
            rng.pick(WORDS),
            rng.pick(WORDS)
        )
    };
    if let Some(web) = v.pointer_mut("/agentic_data/web_interview_info") {
        web["summary"]["interview_id"] = id.clone().into();
        web["summary"]["match_score"] = ((rng.next_u64() % 81) + 15).into();
        web["summary"]["highlights"] = (0..3).map(|_| phrase(rng)).collect::<Vec<_>>().into();
        web["summary"]["lowlights"] = (0..2).map(|_| phrase(rng)).collect::<Vec<_>>().into();
        // Each report also names a few specific skills or tools out of a
        // large vocabulary, as real interviews do; searches for those are
        // selective, searches for the common words above are not.
        let specific: Vec<String> = (0..5).map(|_| rare_term(rng.next_u64())).collect();
        web["scorecard"]["tags"] = specific.clone().into();
        let lines: Vec<serde_json::Value> = (0..40)
            .map(|n| {
                serde_json::json!({
                    "speaker": if n % 2 == 0 { "bot" } else { "user" },
                    "text": phrase(rng),
                    "timestamp": n * 15,
                    "timestamp_str": format!("{:02}:{:02}", n * 15 / 60, n * 15 % 60),
                })
            })
            .collect();
        let mut lines = lines;
        lines.push(serde_json::json!({
            "speaker": "user",
            "text": format!("I have hands-on experience with {}.", specific.join(", ")),
            "timestamp": 600,
            "timestamp_str": "10:00",
        }));
        web["transcript"]["transcript"] = lines.into();
    }
    v.to_string()
}

/// Size of the specific-term vocabulary.
pub const RARE_TERMS: u64 = 4000;

/// One of `RARE_TERMS` distinct specific terms ("toolkq", "toolbza", ...).
pub fn rare_term(n: u64) -> String {
    let mut n = n % RARE_TERMS;
    let mut s = String::from("tool");
    loop {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            return s;
        }
    }
}
