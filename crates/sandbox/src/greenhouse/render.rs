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
use crate::data::{ascii_lower, AttachmentMeta, Candidate, Contact, Data, ProspectDetail};

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

fn id_name(out: &mut String, id: u64, name: &str) {
    out.push_str("{\"id\":");
    number(out, id);
    out.push_str(",\"name\":");
    string(out, name);
    out.push('}');
}

/// `[{filename, url, type, created_at}]` of the candidate's attachments,
/// all of them or only those added to application `app`.
fn attachments(out: &mut String, d: &Data, c: &Candidate, app: Option<u32>) {
    out.push('[');
    let mut first = true;
    for a in c
        .attachments
        .iter()
        .filter(|a| app.is_none() || a.application == app)
    {
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str("{\"filename\":");
        string(out, &a.filename);
        out.push_str(",\"url\":");
        string(out, &attachment_url(d, a));
        out.push_str(",\"type\":");
        string(out, a.kind);
        out.push_str(",\"created_at\":");
        ts(out, a.created_at);
        out.push('}');
    }
    out.push(']');
}

/// Where the emulator serves an attachment's bytes. Like Greenhouse's
/// pre-signed S3 links it needs no credentials; the token stands in for the
/// signature.
pub(crate) fn attachment_url(d: &Data, a: &AttachmentMeta) -> String {
    // Form encoding writes spaces as `+`, which a path would keep literally.
    let name: String = url::form_urlencoded::byte_serialize(a.filename.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    format!(
        "{}/attachments/{}/{name}?X-Amz-Expires=604800&X-Amz-Signature={:016x}",
        d.origin,
        a.id,
        crate::rng::mix(a.id ^ 0x5349_474E)
    )
}

pub(crate) fn application(out: &mut String, d: &Data, ai: usize) {
    let a = &d.applications[ai];
    let cand = &d.candidates[a.candidate as usize];
    out.push_str("{\"id\":");
    number(out, a.id);
    out.push_str(",\"candidate_id\":");
    number(out, cand.id);
    out.push_str(",\"prospect\":");
    out.push_str(if a.prospect.is_some() {
        "true"
    } else {
        "false"
    });
    out.push_str(",\"applied_at\":");
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
    out.push_str(",\"jobs\":[");
    for (k, j) in a.job_indices().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let job = &d.jobs[j as usize];
        id_name(out, job.id, &job.name);
    }
    out.push_str("],\"job_post_id\":");
    match a.job.map(|j| &d.jobs[j as usize]) {
        Some(job) => number(out, job.job_post_id),
        None => out.push_str("null"),
    }
    out.push_str(",\"status\":\"");
    out.push_str(a.status.as_str());
    out.push_str("\",\"current_stage\":");
    match a
        .job
        .and_then(|j| d.jobs[j as usize].stages.get(a.stage as usize))
    {
        Some(s) => id_name(out, s.id, s.name),
        None => out.push_str("null"),
    }
    out.push_str(
        ",\"answers\":[],\"prospective_department\":null,\"prospective_office\":null,\"prospect_detail\":",
    );
    prospect_detail(out, d, a.prospect.as_deref());
    out.push_str(",\"custom_fields\":{},\"keyed_custom_fields\":{},\"attachments\":");
    attachments(out, d, cand, Some(ai as u32));
    out.push('}');
}

fn prospect_detail(out: &mut String, d: &Data, p: Option<&ProspectDetail>) {
    let pool = p
        .and_then(|p| p.pool)
        .and_then(|i| d.prospect_pools.get(i as usize));
    out.push_str("{\"prospect_pool\":");
    match pool {
        Some(pool) => id_name(out, pool.id, pool.name),
        None => out.push_str("null"),
    }
    out.push_str(",\"prospect_stage\":");
    match pool.zip(p.and_then(|p| p.pool_stage)) {
        Some((pool, s)) => match pool.stages.get(s as usize) {
            Some(&(id, name)) => id_name(out, id, name),
            None => out.push_str("null"),
        },
        None => out.push_str("null"),
    }
    out.push_str(",\"prospect_owner\":");
    match p
        .and_then(|p| p.owner)
        .and_then(|u| d.users.get(u as usize))
    {
        Some(u) => {
            out.push_str("{\"id\":");
            number(out, u.id);
            out.push_str(",\"name\":\"");
            out.push_str(u.first_name);
            out.push(' ');
            out.push_str(u.last_name);
            out.push_str("\"}");
        }
        None => out.push_str("null"),
    }
    out.push('}');
}

fn contacts(out: &mut String, list: &[Contact]) {
    out.push('[');
    for (k, c) in list.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push_str("{\"value\":");
        string(out, &c.value);
        out.push_str(",\"type\":");
        string(out, c.kind);
        out.push('}');
    }
    out.push(']');
}

pub(crate) fn candidate(out: &mut String, d: &Data, ci: usize) {
    let c = &d.candidates[ci];
    out.push_str("{\"id\":");
    number(out, c.id);
    out.push_str(",\"first_name\":");
    string(out, &c.first_name);
    out.push_str(",\"last_name\":");
    string(out, &c.last_name);
    out.push_str(",\"company\":");
    opt_string(out, c.company.as_deref());
    out.push_str(",\"title\":");
    opt_string(out, c.title.as_deref());
    out.push_str(",\"created_at\":");
    ts(out, c.created_at);
    out.push_str(",\"updated_at\":");
    ts(out, c.updated_at);
    out.push_str(",\"last_activity\":");
    ts(out, c.last_activity);
    out.push_str(",\"is_private\":false,\"photo_url\":null,\"attachments\":");
    attachments(out, d, c, None);
    out.push_str(",\"application_ids\":[");
    for (k, &a) in c.apps.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        number(out, d.applications[a as usize].id);
    }
    out.push_str("],\"phone_numbers\":");
    contacts(out, &c.phones);
    out.push_str(",\"addresses\":[],\"email_addresses\":");
    contacts(out, &c.emails);
    out.push_str(",\"website_addresses\":[],\"social_media_addresses\":[");
    if c.linkedin {
        let _ = write!(
            out,
            "{{\"value\":\"https://www.linkedin.com/in/{}-{}-{:x}\"}}",
            ascii_lower(&c.first_name),
            ascii_lower(&c.last_name),
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
        application(out, d, a as usize);
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
        for (ci, c) in d.candidates.iter().enumerate() {
            let mut out = String::new();
            candidate(&mut out, &d, ci);
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
