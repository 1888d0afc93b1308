//! Hand-written JSON for the high-volume records: candidates (with their
//! embedded applications) and applications.
//!
//! A full sync pages through every candidate, so this is the emulator's hot
//! path. Writing static keys as literals and values straight into one buffer
//! is several times faster than derived `Serialize` impls, and the gap is
//! largest in unoptimised test builds, which is where the console's sync
//! tests and benchmarks usually run. Cold endpoints (jobs, stages, users) use
//! the serde views in `json`.
//!
//! Field sets follow the Harvest docs, including fields the console does not
//! read, so clients are tested against realistic payloads.

use std::fmt::Write as _;

use crate::clock::write_iso_ms;
use crate::data::{ascii_lower, Application, Candidate, Data};

/// Writes `s` as a JSON string literal.
pub(crate) fn string(out: &mut String, s: &str) {
    out.push('"');
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push_str(s);
    } else {
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                }
                c => out.push(c),
            }
        }
    }
    out.push('"');
}

fn opt_string(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.push_str("null"),
    }
}

fn number(out: &mut String, n: u64) {
    let _ = write!(out, "{n}");
}

fn ts(out: &mut String, ms: i64) {
    out.push('"');
    write_iso_ms(out, ms);
    out.push('"');
}

fn opt_ts(out: &mut String, ms: Option<i64>) {
    match ms {
        Some(ms) => ts(out, ms),
        None => out.push_str("null"),
    }
}

/// `{id, first_name, last_name, name, employee_id}` or `null`.
fn user_ref(out: &mut String, d: &Data, idx: Option<u32>) {
    let Some(u) = idx.and_then(|i| d.users.get(i as usize)) else {
        out.push_str("null");
        return;
    };
    out.push_str("{\"id\":");
    number(out, u.id);
    out.push_str(",\"first_name\":");
    string(out, u.first_name);
    out.push_str(",\"last_name\":");
    string(out, u.last_name);
    out.push_str(",\"name\":\"");
    // Word-list names need no escaping.
    out.push_str(u.first_name);
    out.push(' ');
    out.push_str(u.last_name);
    out.push_str("\",\"employee_id\":");
    string(out, &u.employee_id);
    out.push('}');
}

pub(crate) fn application(out: &mut String, d: &Data, a: &Application) {
    let job = &d.jobs[a.job as usize];
    out.push_str("{\"id\":");
    number(out, a.id);
    out.push_str(",\"candidate_id\":");
    number(out, d.candidates[a.candidate as usize].id);
    out.push_str(",\"prospect\":false,\"applied_at\":");
    ts(out, a.applied_at);
    out.push_str(",\"rejected_at\":");
    opt_ts(out, a.rejected_at);
    out.push_str(",\"last_activity_at\":");
    ts(out, a.last_activity_at);
    out.push_str(",\"location\":null,\"source\":");
    match d.sources.get(a.source as usize) {
        Some(s) => {
            out.push_str("{\"id\":");
            number(out, s.id);
            out.push_str(",\"public_name\":");
            string(out, s.name);
            out.push('}');
        }
        None => out.push_str("null"),
    }
    out.push_str(",\"credited_to\":");
    user_ref(out, d, a.credited_to);
    out.push_str(",\"rejection_reason\":");
    match a
        .rejection_reason
        .and_then(|r| d.rejection_reasons.get(r as usize))
    {
        Some(r) => {
            out.push_str("{\"id\":");
            number(out, r.id);
            out.push_str(",\"name\":");
            string(out, r.name);
            out.push_str(",\"type\":{\"id\":");
            number(out, r.type_id);
            out.push_str(",\"name\":");
            string(out, r.type_name);
            out.push_str("}}");
        }
        None => out.push_str("null"),
    }
    out.push_str(",\"rejection_details\":");
    out.push_str(if a.rejected_at.is_some() {
        "{}"
    } else {
        "null"
    });
    out.push_str(",\"jobs\":[{\"id\":");
    number(out, job.id);
    out.push_str(",\"name\":");
    string(out, &job.name);
    out.push_str("}],\"job_post_id\":");
    number(out, job.job_post_id);
    out.push_str(",\"status\":\"");
    out.push_str(a.status.as_str());
    out.push_str("\",\"current_stage\":");
    match job.stages.get(a.stage as usize) {
        Some(s) => {
            out.push_str("{\"id\":");
            number(out, s.id);
            out.push_str(",\"name\":");
            string(out, s.name);
            out.push('}');
        }
        None => out.push_str("null"),
    }
    out.push_str(
        ",\"answers\":[],\"prospective_department\":null,\"prospective_office\":null,\
         \"prospect_detail\":{\"prospect_pool\":null,\"prospect_stage\":null,\"prospect_owner\":null},\
         \"custom_fields\":{},\"keyed_custom_fields\":{},\"attachments\":[]}",
    );
}

pub(crate) fn candidate(out: &mut String, d: &Data, c: &Candidate) {
    out.push_str("{\"id\":");
    number(out, c.id);
    out.push_str(",\"first_name\":");
    string(out, c.first_name);
    out.push_str(",\"last_name\":");
    string(out, c.last_name);
    out.push_str(",\"company\":");
    opt_string(out, c.company);
    out.push_str(",\"title\":");
    opt_string(out, c.title);
    out.push_str(",\"created_at\":");
    ts(out, c.created_at);
    out.push_str(",\"updated_at\":");
    ts(out, c.updated_at);
    out.push_str(",\"last_activity\":");
    ts(out, c.last_activity);
    out.push_str(
        ",\"is_private\":false,\"photo_url\":null,\"attachments\":[],\"application_ids\":[",
    );
    for (k, &a) in c.apps.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        number(out, d.applications[a as usize].id);
    }
    out.push_str("],\"phone_numbers\":[");
    if let Some(p) = &c.phone {
        out.push_str("{\"value\":");
        string(out, p);
        out.push_str(",\"type\":\"mobile\"}");
    }
    out.push_str("],\"addresses\":[],\"email_addresses\":[{\"value\":");
    string(out, &c.email);
    out.push_str(",\"type\":\"personal\"}],\"website_addresses\":[],\"social_media_addresses\":[");
    if c.linkedin {
        let _ = write!(
            out,
            "{{\"value\":\"https://www.linkedin.com/in/{}-{}-{:x}\"}}",
            ascii_lower(c.first_name),
            ascii_lower(c.last_name),
            c.id % 0xFFFF
        );
    }
    out.push_str("],\"recruiter\":");
    user_ref(out, d, c.recruiter);
    out.push_str(",\"coordinator\":");
    user_ref(out, d, c.coordinator);
    out.push_str(",\"can_email\":true,\"tags\":[");
    for (k, t) in c.tags.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        string(out, t);
    }
    out.push_str("],\"applications\":[");
    for (k, &a) in c.apps.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        application(out, d, &d.applications[a as usize]);
    }
    out.push_str(
        "],\"educations\":[],\"employments\":[],\"linked_user_ids\":[],\
         \"custom_fields\":{},\"keyed_custom_fields\":{}}",
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Sizes;

    fn sample() -> Data {
        Data::generate(
            5,
            &Sizes {
                jobs: 6,
                candidates: 40,
                applications: 70,
                users: 4,
            },
        )
    }

    #[test]
    fn strings_are_escaped() {
        let mut out = String::new();
        string(&mut out, "a\"b\\c\nd\u{1}é");
        let back: String = serde_json::from_str(&out).expect("valid JSON string");
        assert_eq!(back, "a\"b\\c\nd\u{1}é");
    }

    #[test]
    fn candidates_render_valid_json_even_with_hostile_job_names() {
        let mut d = sample();
        for j in &mut d.jobs {
            j.name = "Lead \"Ninja\" \\ <b>Dev</b>\n".to_owned();
        }
        for c in &d.candidates {
            let mut out = String::new();
            candidate(&mut out, &d, c);
            let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
            assert_eq!(v["id"], c.id);
            assert_eq!(
                v["application_ids"].as_array().map(Vec::len),
                Some(c.apps.len())
            );
            assert_eq!(
                v["applications"][0]["jobs"][0]["name"],
                d.jobs[0].name.as_str()
            );
            assert!(v["updated_at"].as_str().is_some_and(|t| t.ends_with('Z')));
        }
    }
}
