//! What the platform emulator says about an interview: the three webhook
//! payloads, shaped field for field like the examples and tables of
//! `seeds/heymilo-webhooks-api.txt`, and the report behind them (scores,
//! highlights, scorecard, transcript), generated deterministically from the
//! seed, the posting and the interview id.
//!
//! Everything here is computed when an interview runs; nothing is stored per
//! posting or per candidate ahead of time.

use serde_json::{json, Map, Value};

use crate::phrases::{self, Question, RoleKit};
use crate::platform::Posting;
use crate::rng::{hash_parts, mix, Rng};
use crate::words;

/// Per-posting interview configuration, derived from the seed and the posting
/// id (the same on every run).
pub(crate) struct Profile {
    pub kit: &'static RoleKit,
    pub questions: Vec<&'static Question>,
    pub question_ids: Vec<String>,
    pub weights: Vec<u32>,
    pub interviewer: &'static str,
    pub video: bool,
    /// The posting screens a resume before the web interview.
    pub resume_step: bool,
    pub minutes: u32,
    pub voice_id: String,
    pub mascot_id: String,
}

pub(crate) fn profile(seed: u64, posting: &Posting) -> Profile {
    let mut rng = Rng::stream(seed ^ hash_parts(&[&posting.posting_id]), 0x5052_4F46);
    let kit = phrases::kit_for(posting.department);
    let n = rng.range(3, 6) as usize;
    // Background first, then the role's own questions, then (for longer
    // interviews, or when the role has few) generic behavioural ones.
    let generic_wanted = if n >= 5 { 1 } else { 0 };
    let role_count = kit.questions.len().min(n - 1 - generic_wanted);
    let mut questions: Vec<&'static Question> = vec![&phrases::BACKGROUND];
    for i in rng.sample(kit.questions.len(), role_count) {
        questions.push(&kit.questions[i]);
    }
    for i in rng.sample(phrases::GENERIC_QUESTIONS.len(), n - questions.len()) {
        questions.push(&phrases::GENERIC_QUESTIONS[i]);
    }
    let question_ids = (0..questions.len())
        .map(|_| format!("Q{:07X}", rng.next_u64() as u32 & 0x0FFF_FFFF))
        .collect();
    let weights = (0..questions.len())
        .map(|_| rng.pick(&[3, 4, 5, 5, 5]))
        .collect();
    Profile {
        kit,
        questions,
        question_ids,
        weights,
        interviewer: rng.pick(phrases::INTERVIEWER_NAMES),
        video: rng.chance(70),
        resume_step: rng.chance(35),
        minutes: rng.pick(&[15, 20, 20, 25]),
        voice_id: format!("voice-{}", rng.range(1, 8)),
        mascot_id: format!("{:012X}", rng.next_u64() >> 16),
    }
}

/// The hiring company as the platform knows it.
pub(crate) struct Company {
    pub company_id: String,
    pub workspace_id: String,
    pub created_at: f64,
    pub created_by: String,
}

pub(crate) fn company(seed: u64, company_id: &str, oldest_posting: f64) -> Company {
    let mut rng = Rng::stream(seed, 0xC0_4D50);
    Company {
        company_id: company_id.to_owned(),
        workspace_id: format!("WS{:06X}", rng.next_u64() as u32 & 0xFF_FFFF),
        created_at: (oldest_posting - rng.range(30, 400) as f64 * 86_400.0
            + rng.below(1_000_000) as f64 / 1e6)
            .floor()
            + 0.521_898_3,
        created_by: format!("email|{:016x}{:08x}", rng.next_u64(), rng.next_u64() as u32),
    }
}

/// Who is being interviewed, for which posting, and when things happened.
pub(crate) struct InterviewFacts<'a> {
    pub seed: u64,
    pub origin: &'a str,
    pub interview_id: &'a str,
    pub candidate_id: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    /// What the client sent as `metadata` when ingesting.
    pub client_metadata: Option<&'a Map<String, Value>>,
    pub posting: &'a Posting,
    pub company: &'a Company,
    pub started_at: f64,
    pub completed_at: f64,
}

impl InterviewFacts<'_> {
    fn rng(&self, stream: u64) -> Rng {
        Rng::stream(
            self.seed ^ hash_parts(&[self.interview_id, &self.posting.posting_id]),
            stream,
        )
    }

    /// Whether the inner `metadata` object of this interview's events is
    /// `null`. The contract allows it; it happens for a quarter of the
    /// candidates that were ingested without metadata (never when the client
    /// sent some, so nothing the client supplied is lost).
    fn inner_metadata_is_null(&self) -> bool {
        self.client_metadata.is_none_or(Map::is_empty)
            && mix(self.seed ^ hash_parts(&[self.interview_id, "inner"])).is_multiple_of(4)
    }

    fn inner_metadata(&self, own: Map<String, Value>) -> Value {
        if self.inner_metadata_is_null() {
            return Value::Null;
        }
        let mut m = own;
        if let Some(client) = self.client_metadata {
            for (k, v) in client {
                m.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        Value::Object(m)
    }

    fn candidate_metadata(&self, inner: Value) -> Value {
        json!({
            "candidate_name": self.name,
            "candidate_email": self.email,
            "candidate_id": self.candidate_id,
            "metadata": inner,
        })
    }

    pub(crate) fn interview_url(&self) -> String {
        interview_url(self.origin, self.interview_id)
    }
}

pub(crate) fn interview_url(origin: &str, interview_id: &str) -> String {
    format!("{origin}/i/{interview_id}")
}

pub(crate) fn report_url(origin: &str, interview_id: &str) -> String {
    format!("{origin}/reports/{interview_id}.pdf")
}

/// `interview_started`.
pub(crate) fn started_payload(f: &InterviewFacts<'_>, timestamp: f64) -> Value {
    let mut own = Map::new();
    own.insert("source".into(), json!("user_ingestion"));
    own.insert("job_id".into(), json!(f.posting.posting_id));
    json!({
        "interview_id": f.interview_id,
        "posting_id": f.posting.posting_id,
        "timestamp": timestamp,
        "metadata": f.candidate_metadata(f.inner_metadata(own)),
    })
}

/// `interview_completed`.
pub(crate) fn completed_payload(f: &InterviewFacts<'_>, timestamp: f64) -> Value {
    let parent = mix(f.seed ^ hash_parts(&[f.interview_id, "conversation"]));
    json!({
        "interview_id": f.interview_id,
        "agent_conversation_id": "",
        "parent_conversation_id": format!("{parent:016X}"),
        "engagement_id": "",
        "posting_id": f.posting.posting_id,
        "timestamp": timestamp,
        "workflow_completed": true,
        "completion_timestamp": f.completed_at,
    })
}

/// One line of the transcript.
struct Turn {
    bot: bool,
    text: String,
    at: u32,
}

fn mmss(secs: u32) -> String {
    format!("{:02}:{:02}", secs / 60, secs % 60)
}

fn entry(speaker: &str, t: &Turn) -> Value {
    json!({
        "speaker": speaker,
        "text": t.text,
        "timestamp": t.at,
        "timestamp_str": mmss(t.at),
    })
}

/// Fills the placeholders documented in `phrases`.
struct Filler<'a> {
    company: &'static str,
    title: &'a str,
    name: &'a str,
    interviewer: &'static str,
    minutes: u32,
    count: usize,
}

impl Filler<'_> {
    fn fill(&self, rng: &mut Rng, template: &str, topic: &str) -> String {
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let key = &rest[open + 1..open + close];
            match key {
                "company" => out.push_str(self.company),
                "title" => out.push_str(self.title),
                "employer" => out.push_str(words::EMPLOYER),
                "name" => out.push_str(self.name),
                "interviewer" => out.push_str(self.interviewer),
                "topic" => out.push_str(topic),
                "minutes" => out.push_str(&self.minutes.to_string()),
                "count" => out.push_str(&self.count.to_string()),
                "n" => out.push_str(&rng.range(2, 6).to_string()),
                "pct" => out.push_str(&rng.range(12, 45).to_string()),
                "team" => out.push_str(&rng.range(3, 12).to_string()),
                other => {
                    out.push('{');
                    out.push_str(other);
                    out.push('}');
                }
            }
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }
}

/// The generated conversation: turns, plus for each question the index of
/// the turn that asks it and of the candidate turns answering it.
struct Conversation {
    turns: Vec<Turn>,
    answers: Vec<Vec<usize>>,
}

/// Seconds it takes to say `text` at a comfortable pace (~12 chars/s).
fn speaking_time(text: &str) -> u32 {
    (text.len() as u32).div_ceil(12).max(1)
}

fn converse(
    f: &InterviewFacts<'_>,
    p: &Profile,
    match_score: u32,
    filler: &Filler<'_>,
    rng: &mut Rng,
) -> Conversation {
    let mut turns: Vec<Turn> = Vec::with_capacity(80);
    let mut clock = 0u32;
    let mut say = |turns: &mut Vec<Turn>, rng: &mut Rng, bot: bool, text: String| {
        let at = clock;
        clock += speaking_time(&text)
            + if bot {
                rng.range(1, 3)
            } else {
                rng.range(2, 7)
            } as u32;
        turns.push(Turn { bot, text, at });
        turns.len() - 1
    };
    let weak = match_score < 50;

    say(
        &mut turns,
        rng,
        true,
        format!(
            "Hi, {}. Thanks for taking the time to meet with me. My name is {}, and I'm the AI interviewer. How is your day going so far?",
            f.name, p.interviewer
        ),
    );
    let text = rng.pick(phrases::SMALL_TALK_REPLIES).to_owned();
    say(&mut turns, rng, false, text);
    let overview = rng.pick(phrases::PROCESS_OVERVIEW);
    let overview = filler.fill(rng, overview, "");
    say(&mut turns, rng, true, overview);
    let text = rng.pick(phrases::READY_REPLIES).to_owned();
    say(&mut turns, rng, false, text);

    // Follow-ups per question: 1-5 each, then nudged so the whole
    // conversation lands between 30 and 80 turns (9 fixed turns plus two per
    // question and per follow-up).
    let q = p.questions.len();
    let mut follow: Vec<usize> = (0..q).map(|_| rng.range(1, 5) as usize).collect();
    let pairs = |follow: &[usize]| follow.iter().map(|k| k + 1).sum::<usize>();
    while 9 + 2 * pairs(&follow) < 30 {
        let i = rng.index(q);
        if follow[i] < 5 {
            follow[i] += 1;
        }
    }
    while 9 + 2 * pairs(&follow) > 80 {
        let i = rng.index(q);
        if follow[i] > 1 {
            follow[i] -= 1;
        }
    }

    // Elaborations are dealt from a shuffled deck, so a sentence comes back
    // only once the whole deck has been used.
    let details: Vec<&'static str> = p
        .kit
        .details
        .iter()
        .chain(phrases::GENERIC_DETAILS)
        .copied()
        .collect();
    let mut deck: Vec<usize> = Vec::new();
    let mut deal = |rng: &mut Rng| {
        if deck.is_empty() {
            deck = rng.sample(details.len(), details.len());
        }
        details[deck.pop().expect("refilled above")]
    };
    let mut answers = Vec::with_capacity(q);
    for (i, question) in p.questions.iter().enumerate() {
        let lead = if i == 0 {
            "Let's start with this one."
        } else {
            rng.pick(&phrases::QUESTION_LEADS[1..])
        };
        let asked = filler.fill(rng, question.text, question.topic);
        say(&mut turns, rng, true, format!("{lead} {asked}"));

        let mut mine = Vec::new();
        let opener = rng.pick(question.answers);
        let mut answer = filler.fill(rng, opener, question.topic);
        for _ in 0..if weak { 1 } else { rng.range(1, 2) } {
            answer.push(' ');
            let d = deal(rng);
            answer.push_str(&filler.fill(rng, d, question.topic));
        }
        if weak && rng.chance(60) {
            answer.push(' ');
            answer.push_str(rng.pick(phrases::HEDGES));
        }
        mine.push(say(&mut turns, rng, false, answer));

        for k in rng.sample(phrases::FOLLOW_UPS.len(), follow[i]) {
            let ask = filler.fill(rng, phrases::FOLLOW_UPS[k], question.topic);
            say(&mut turns, rng, true, ask);
            let d = deal(rng);
            let mut reply = filler.fill(rng, d, question.topic);
            if !weak && rng.chance(40) {
                reply.push(' ');
                let d = deal(rng);
                reply.push_str(&filler.fill(rng, d, question.topic));
            } else if weak && rng.chance(35) {
                reply.push(' ');
                reply.push_str(rng.pick(phrases::HEDGES));
            }
            mine.push(say(&mut turns, rng, false, reply));
        }
        answers.push(mine);
    }

    say(
        &mut turns,
        rng,
        true,
        format!(
            "That's all the questions I have. Before we wrap up, do you have any questions about the role or {}?",
            words::EMPLOYER
        ),
    );
    let text = rng.pick(phrases::CANDIDATE_QUESTIONS).to_owned();
    say(&mut turns, rng, false, text);
    let text = rng.pick(phrases::BOT_ANSWERS).to_owned();
    say(&mut turns, rng, true, text);
    let text = rng.pick(phrases::CLOSING_REPLIES).to_owned();
    say(&mut turns, rng, false, text);
    say(
        &mut turns,
        rng,
        true,
        format!(
            "Thank you for your time, {}. I appreciate you completing the interview.",
            f.name
        ),
    );
    Conversation { turns, answers }
}

/// Picks `count` phrases, preferring the role's own over the generic ones.
fn phrases_from(
    rng: &mut Rng,
    own: &[&'static str],
    generic: &[&'static str],
    count: usize,
) -> Vec<String> {
    let from_own = own.len().min(count.div_ceil(2) + rng.index(2));
    let mut out: Vec<String> = rng
        .sample(own.len(), from_own)
        .into_iter()
        .map(|i| own[i].to_owned())
        .collect();
    for i in rng.sample(generic.len(), count - out.len()) {
        out.push(generic[i].to_owned());
    }
    out
}

/// The full `report_available` payload.
pub(crate) fn report_payload(f: &InterviewFacts<'_>, timestamp: f64) -> Value {
    let p = profile(f.seed, f.posting);
    let mut rng = f.rng(0x5245_504F);

    // Roughly bell-shaped over 20..=98.
    let match_score = 20 + (rng.below(79) + rng.below(79)) as u32 / 2;
    let strength = f64::from(match_score - 20) / 78.0;
    let filler = Filler {
        company: rng.pick(words::COMPANIES),
        title: &f.posting.title,
        name: f.name,
        interviewer: p.interviewer,
        minutes: p.minutes,
        count: p.questions.len(),
    };
    let conv = converse(f, &p, match_score, &filler, &mut rng);

    let n_high = 3 + ((strength * 3.0).round() as usize).min(3);
    let n_low = 3 + (((1.0 - strength) * 3.0).round() as usize).min(3);
    let highlights = phrases_from(
        &mut rng,
        p.kit.highlights,
        phrases::GENERIC_HIGHLIGHTS,
        n_high,
    );
    let lowlights = phrases_from(&mut rng, p.kit.lowlights, phrases::GENERIC_LOWLIGHTS, n_low);
    let mut match_details = Vec::with_capacity(n_high + n_low);
    for i in 0..n_high.max(n_low) {
        match_details.extend(highlights.get(i).cloned());
        match_details.extend(lowlights.get(i).cloned());
    }
    let n_tags = rng.range(3, 5) as usize;
    let tags: Vec<&str> = rng
        .sample(p.kit.tags.len(), n_tags)
        .into_iter()
        .map(|i| p.kit.tags[i])
        .collect();

    let questions: Vec<Value> = p
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let noise = rng.range(0, 4) as i64 - 2;
            let score = (i64::from(match_score) / 10 + noise).clamp(1, 10);
            let lines = rng.range(2, 5) as usize;
            let positive = ((lines as f64) * score as f64 / 10.0).round() as usize;
            let mut summary: Vec<&str> = rng
                .sample(phrases::SUMMARY_POSITIVE.len(), positive)
                .into_iter()
                .map(|k| phrases::SUMMARY_POSITIVE[k])
                .collect();
            summary.extend(
                rng.sample(phrases::SUMMARY_NEGATIVE.len(), lines - positive)
                    .into_iter()
                    .map(|k| phrases::SUMMARY_NEGATIVE[k]),
            );
            let answer_turns = &conv.answers[i];
            let excerpt: Vec<Value> = answer_turns
                .iter()
                .take(rng.range(1, 3) as usize)
                .map(|&t| entry("Candidate", &conv.turns[t]))
                .collect();
            json!({
                "question_id": p.question_ids[i],
                "question": filler.fill(&mut rng, q.text, q.topic),
                "evaluation_summary": summary.join("\n"),
                "evaluation_criteria": q.criteria,
                "preview_timestamp": conv.turns[answer_turns[0]].at,
                "evaluation_score": score,
                "rank": i + 1,
                "chat_transcript": excerpt,
                "score_of_1": q.score_of_1,
                "score_of_5": q.score_of_5,
                "score_weight": p.weights[i],
                "not_scored": false,
            })
        })
        .collect();

    let communication = if rng.chance(40) {
        json!({
            "interview_id": f.interview_id,
            "speech_score": -1.0,
            "evaluations": [],
            "template_id": null,
        })
    } else {
        let evaluations: Vec<Value> = phrases::COMMUNICATION_CRITERIA
            .iter()
            .map(|(criterion, description)| {
                let s = (f64::from(match_score) / 10.0 + rng.range(0, 20) as f64 / 10.0 - 1.0)
                    .clamp(1.0, 10.0);
                json!({
                    "criterion": criterion,
                    "description": description,
                    "score": (s * 10.0).round() / 10.0,
                })
            })
            .collect();
        let avg = evaluations
            .iter()
            .filter_map(|e| e["score"].as_f64())
            .sum::<f64>()
            / evaluations.len() as f64;
        json!({
            "interview_id": f.interview_id,
            "speech_score": (avg * 10.0).round() / 10.0,
            "evaluations": evaluations,
            "template_id": format!("tmpl_{:012x}", mix(f.seed ^ hash_parts(&[&f.posting.posting_id, "comm"])) >> 16),
        })
    };

    let transcript: Vec<Value> = conv
        .turns
        .iter()
        .map(|t| entry(if t.bot { "bot" } else { "user" }, t))
        .collect();
    let duration = conv
        .turns
        .last()
        .map_or(0, |t| t.at + speaking_time(&t.text));
    let audio = format!("{}/recordings/{}/audio.wav", f.origin, f.interview_id);
    let video = p
        .video
        .then(|| format!("{}/recordings/{}/video.mp4", f.origin, f.interview_id));

    let web_interview_info = |with_extracted_text: bool| {
        let questions: Vec<Value> = questions
            .iter()
            .cloned()
            .map(|mut q| {
                if with_extracted_text {
                    q["extracted_text"] = Value::Null;
                }
                q
            })
            .collect();
        json!({
            "summary": {
                "interview_id": f.interview_id,
                "highlights": highlights,
                "lowlights": lowlights,
                "match_score": match_score,
            },
            "scorecard": {
                "interview_id": f.interview_id,
                "match_details": match_details,
                "questions": questions,
                "tags": tags,
            },
            "communication": communication,
            "transcript": {
                "interview_id": f.interview_id,
                "transcript": transcript,
            },
            "audio_recording_link": audio,
            "video_recording_link": video,
        })
    };

    let resume_score = p
        .resume_step
        .then(|| (i64::from(match_score) + rng.range(0, 20) as i64 - 10).clamp(5, 99));
    let resume_url = p
        .resume_step
        .then(|| format!("{}/resumes/{}.pdf", f.origin, f.interview_id));
    let resume_interview_info = match resume_score {
        None => Value::Null,
        Some(score) => json!({
            "summary": {
                "interview_id": f.interview_id,
                "highlights": highlights.iter().take(2).collect::<Vec<_>>(),
                "lowlights": lowlights.iter().take(1).collect::<Vec<_>>(),
                "match_score": score,
            },
            "resume_url": resume_url,
        }),
    };

    let mut step_by_step = Vec::new();
    if p.resume_step {
        step_by_step.push(workflow_step(
            1,
            "resume_upload",
            true,
            (
                "Resume Has Been Analyzed",
                "Resume Screened",
                "Candidate uploaded a resume and it was screened",
            ),
            "RESUME_PROCESSED",
            f.started_at,
            None,
        ));
    }
    step_by_step.push(workflow_step(
        step_by_step.len() as u32 + 1,
        "web_interview",
        false,
        (
            "Raw Interview Data Has Been Processed",
            "Interview Processed Successfully",
            "Candidate has attended the interview and completed it",
        ),
        "INTERVIEW_PROCESSED_RAW_FILES",
        timestamp,
        // Like the platform, only some runs report a duration.
        rng.chance(50).then_some(f64::from(duration)),
    ));

    let candidate_metadata_id = uuid_from(mix(f.seed ^ hash_parts(&[f.candidate_id, "cmid"])));
    let mut own = Map::new();
    own.insert("candidate_metadata_id".into(), json!(candidate_metadata_id));
    own.insert("resume_url".into(), json!(resume_url));

    json!({
        "interview_id": f.interview_id,
        "posting_id": f.posting.posting_id,
        "metadata": f.candidate_metadata(f.inner_metadata(own)),
        "report_url": report_url(f.origin, f.interview_id),
        "timestamp": timestamp,
        "interview_type": "web_interview",
        "agentic_data": {
            "web_interview_info": web_interview_info(false),
        },
        "interview_data_model": {
            "interview_id": f.interview_id,
            "details": {
                "interview_id": f.interview_id,
                "candidate_id": f.candidate_id,
                "interviewed_on": f.started_at,
                "score": f64::from(match_score),
                "name": f.name,
                "email": f.email,
                "actions": null,
                "status": null,
                "workflow_status": {
                    "interview_id": f.interview_id,
                    "step_by_step": step_by_step,
                    "all_complete": true,
                    "last_engagement": f.completed_at,
                    "metadata": null,
                },
                "metadata": {
                    "resume": resume_score.map(|s| json!({
                        "final_score": s as f64,
                        "skill_highlights": tags.iter().take(2).collect::<Vec<_>>(),
                        "resume_url": resume_url,
                    })),
                    "web_interview": {
                        "final_score": f64::from(match_score),
                        "skill_highlights": tags,
                        "audio_recording_link": audio,
                        "video_recording_link": video,
                    },
                    "sms": null,
                    "form": null,
                },
                "candidate_feedback": null,
                "candidate_next_steps": null,
                "candidate_interview_url": f.interview_url(),
            },
            "company_info": company_info(f.origin, f.company),
            "posting_info": posting_info(f.origin, f.posting, &p),
            "web_interview_info": web_interview_info(true),
            "resume_interview_info": resume_interview_info,
            "sms_interview_info": null,
            "form_interview_info": null,
        },
    })
}

fn workflow_step(
    order: u32,
    id: &str,
    required: bool,
    (details, title, description): (&str, &str, &str),
    raw_status: &str,
    updated: f64,
    total_duration: Option<f64>,
) -> Value {
    json!({
        "complete": true,
        "required": required,
        "order": order,
        "id": id,
        "started": true,
        "details": {
            "details": details,
            "title": title,
            "description": description,
        },
        "raw_status": raw_status,
        "last_updated_timestamp": updated,
        "knocked_out": false,
        "completion_percentage": 1.0,
        "completion_metadata": null,
        "is_analyzing_call": false,
        "total_duration": total_duration,
        "state_flags": {
            "is_completed": true,
            "is_incomplete": false,
            "is_analyzing_call": false,
            "is_in_progress": false,
        },
    })
}

/// Formats 128 pseudo-random bits (from one u64, stretched) as a v4 UUID.
fn uuid_from(x: u64) -> String {
    let y = mix(x ^ 0x5555_5555_5555_5555);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        x >> 32,
        (x >> 16) & 0xFFFF,
        x & 0xFFF,
        0x8000 | ((y >> 48) & 0x3FFF),
        y & 0xFFFF_FFFF_FFFF
    )
}

pub(crate) fn asset_url(origin: &str, name: &str) -> String {
    format!("{origin}/assets/{name}.svg")
}

fn company_info(origin: &str, c: &Company) -> Value {
    json!({
        "company_id": c.company_id,
        "workspace_id": c.workspace_id,
        "created_at": c.created_at,
        "updated_at": null,
        "created_by": c.created_by,
        "name": words::EMPLOYER,
        "image_url": asset_url(origin, "logo"),
        "intro_message": null,
        "company_background": format!(
            "{} builds workflow software for growing teams. Founded in 2017, it has about 450 employees across North America, Europe and Asia-Pacific.",
            words::EMPLOYER
        ),
        "voice_id": null,
        "knowledge_base": null,
        "interview_domain": null,
        "interview_domain_id": null,
        "sender_email_id": null,
        "address": "548 Market St, Suite 300, San Francisco, CA 94104, United States",
        "address_data": null,
        "timezone": "America/Los_Angeles",
        "base_web_interview_config": {
            "backdrop_image_url": null,
            "avatar_image_url": null,
            "remove_heymilo_branding": null,
            "intro_message": null,
            "outro_message": null,
            "welcome_back_message": null,
        },
        "message_settings": null,
        "sms_agent_config": null,
        "pdf_generation_config": null,
        "cheat_detection": null,
        "allow_white_labeling": false,
        "disable_all_candidate_communications": null,
        "interview_completion_confidence_threshold": 0.7,
        "retention_policy_days": 365,
        "video_cheat_detection_enabled": null,
        "form_agent_enabled": null,
        "calendar_management_enabled": true,
        "email_templates_enabled": true,
        "phone_calls_enabled": false,
        "profile_picture_processing": null,
        "chat_agent_enabled": null,
        "copilot_enabled": true,
        "design_templates_enabled": null,
        "interview_templates_enabled": true,
        "sourcing_configs_enabled": null,
        "pbac_enabled": null,
        "email_report_to_candidate_enabled": null,
    })
}

fn posting_info(origin: &str, posting: &Posting, p: &Profile) -> Value {
    let instructions = format!(
        "Conduct a structured interview for the {} role on the {} team. Ask every question, follow up on vague answers, and keep a friendly, professional tone.",
        posting.title, posting.department
    );
    let company_overview = format!(
        "{} builds workflow software for growing teams.",
        words::EMPLOYER
    );
    let job_overview = format!(
        "The {} joins the {} team and owns meaningful work from day one.",
        posting.title, posting.department
    );
    let workflow_id = format!("wf_{}", posting.posting_id);
    let mut agentic_workflow = Vec::new();
    let mut steps = Vec::new();
    if p.resume_step {
        agentic_workflow.push(json!({
            "type": "resume_upload",
            "config": {
                "instructions": format!("Screen the resume against the requirements of the {} role.", posting.title),
                "min_evaluation_score": 0,
                "required": true,
            },
            "unique_id": null,
        }));
        steps.push(json!({
            "step_id": format!("step_{:03}", steps.len() + 1),
            "workflow_id": workflow_id,
            "step_type": "resume_upload",
            "rank": steps.len() + 1,
            "details": "",
            "created_at": posting.created_at,
            "depends_on": null,
        }));
    }
    agentic_workflow.push(json!({
        "type": "web_interview",
        "config": {
            "instructions": instructions,
            "company_overview": company_overview,
            "job_overview": job_overview,
            "interview_process_overview": null,
            "company_overview_delivery_mode": null,
            "job_overview_delivery_mode": null,
            "interview_process_overview_delivery_mode": null,
            "language": "en",
            "interviewer_name": p.interviewer,
            "is_multilingual": false,
            "video": p.video,
            "phone_calls_enabled": false,
            "voice_id": p.voice_id,
            "interview_type": "voice",
            "prompt_version": "v2",
            "web_interview_config": {
                "backdrop_image_url": "",
                "avatar_image_url": asset_url(origin, "avatar"),
                "remove_heymilo_branding": null,
                "intro_message": "Hi {{name}}, thanks for taking the time to meet with me! My name is {{interviewer_name}}, and I'm the AI interviewer. How is your day going so far?",
                "outro_message": "Thank you for your time {{name}}, I appreciate you completing the interview!",
                "welcome_back_message": "",
                "min_duration_seconds": null,
                "max_duration_seconds": p.minutes * 60 + 600,
                "show_transcript": true,
                "candidate_presence_enabled": true,
                "vapi_call_config": {
                    "end_call_message": "",
                    "idle_message_max_spoken_count": null,
                    "idle_timeout_seconds": 10,
                    "wait_seconds": 2.4,
                    "backoff_seconds": 5,
                    "llm_model": null,
                    "llm_temperature": 0.7,
                },
            },
            "min_evaluation_score": 0,
            "num_questions": p.questions.len(),
            "cheat_detection_config": {
                "enabled": false,
                "threshold": 70,
                "types": [],
            },
        },
        "unique_id": null,
    }));
    steps.push(json!({
        "step_id": format!("step_{:03}", steps.len() + 1),
        "workflow_id": workflow_id,
        "step_type": "web_interview",
        "rank": steps.len() + 1,
        "details": "",
        "created_at": posting.created_at,
        "depends_on": steps.last().map(|s| s["step_id"].clone()),
    }));

    json!({
        "posting_id": posting.posting_id,
        "title": posting.title,
        "name": posting.name,
        "internal_name": posting.internal_name,
        "description": posting.description,
        "root_level_configs": {
            "instructions": instructions,
            "company_overview": company_overview,
            "job_overview": null,
            "interview_process_overview": null,
            "company_overview_delivery_mode": "summarized_delivery",
            "job_overview_delivery_mode": "exact_delivery",
            "interview_process_overview_delivery_mode": "exact_delivery",
            "language": "en",
            "interviewer_name": p.interviewer,
            "is_multilingual": false,
        },
        "company_id": posting.company_id,
        "created_at": posting.created_at,
        "last_updated": posting.last_updated,
        "archived": posting.archived,
        "deadline": posting.deadline,
        "finalized": posting.finalized,
        "test_posting": posting.test_posting,
        "agentic_workflow": agentic_workflow,
        "step_workflow": {
            "workflow": {
                "workflow_id": workflow_id,
                "posting_id": posting.posting_id,
                "created_at": posting.created_at,
            },
            "steps": steps,
        },
        "phone_number_id": null,
        "sender_email_id": "",
        "email_template_group_id": null,
        "design_template_group_id": null,
        "sourcing_config_ids": [],
        "redirect_url": null,
        "scheduling_url": null,
        "event_slug": null,
        "cal_team_id": null,
        "team_slug": null,
        "mascot_url": asset_url(origin, &format!("mascot-{}", posting.posting_id.to_ascii_lowercase())),
        "mascot_id": p.mascot_id,
        "days_to_complete": posting.days_to_complete,
        "ats_metadata": null,
        "allow_sms_comms": posting.allow_sms_comms,
        "max_retakes": null,
        "retake_cooldown_days": null,
        "is_template": posting.is_template,
        "email_report_to_candidate": posting.email_report_to_candidate,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn posting(i: usize, department: &'static str) -> Posting {
        Posting {
            posting_id: format!("{:08X}", mix(i as u64) as u32),
            title: format!("{department} Role {i}"),
            name: format!("role-{i}"),
            internal_name: None,
            description: "<p>Role</p>".into(),
            company_id: "C0FFEE00".into(),
            created_at: 1_770_000_000.25,
            last_updated: 1_770_100_000.5,
            archived: false,
            deadline: 1_780_000_000.0,
            finalized: true,
            test_posting: false,
            is_template: false,
            days_to_complete: Some(7),
            allow_sms_comms: false,
            email_report_to_candidate: false,
            department,
        }
    }

    const DEPARTMENTS: [&str; 10] = [
        "Engineering",
        "Product",
        "Sales",
        "Customer Success",
        "Marketing",
        "Finance",
        "People",
        "Operations",
        "Legal",
        "Unknown",
    ];

    fn report_for(
        p: &Posting,
        company: &Company,
        k: usize,
        meta: Option<&Map<String, Value>>,
    ) -> Value {
        let id = format!("{:016X}", mix(0xABC + k as u64));
        let name = format!("Candidate {k}");
        let email = format!("c{k}@example.com");
        let facts = InterviewFacts {
            seed: 9,
            origin: "http://127.0.0.1:1",
            interview_id: &id,
            candidate_id: "00000000000000AA",
            name: &name,
            email: &email,
            client_metadata: meta,
            posting: p,
            company,
            started_at: 1_775_000_000.0,
            completed_at: 1_775_000_900.0,
        };
        report_payload(&facts, 1_775_000_950.0)
    }

    #[test]
    fn reports_are_varied_and_well_formed() {
        let company = company(9, "C0FFEE00", 1_760_000_000.0);
        let postings: Vec<Posting> = (0..30)
            .map(|i| posting(i, DEPARTMENTS[i % DEPARTMENTS.len()]))
            .collect();
        let mut scores = Vec::new();
        let mut seen = HashSet::new();
        for k in 0..300 {
            let p = &postings[k % postings.len()];
            let r = report_for(p, &company, k, None);
            let w = &r["agentic_data"]["web_interview_info"];
            let score = w["summary"]["match_score"].as_u64().expect("score");
            assert!((20..=98).contains(&score), "{score}");
            scores.push(score);
            for key in ["highlights", "lowlights"] {
                let n = w["summary"][key].as_array().expect(key).len();
                assert!((3..=6).contains(&n), "{key}: {n}");
            }
            let qs = w["scorecard"]["questions"].as_array().expect("questions");
            assert!((3..=6).contains(&qs.len()), "{} questions", qs.len());
            for q in qs {
                let s = q["evaluation_score"].as_u64().expect("score");
                assert!((1..=10).contains(&s));
                assert!(q["evaluation_summary"]
                    .as_str()
                    .expect("summary")
                    .contains('\n'));
                assert!(!q["chat_transcript"].as_array().expect("excerpt").is_empty());
                assert!(
                    !q["question"].as_str().expect("q").contains('{'),
                    "unfilled placeholder"
                );
                assert!(q.get("extracted_text").is_none());
            }
            let turns = w["transcript"]["transcript"]
                .as_array()
                .expect("transcript");
            assert!((30..=80).contains(&turns.len()), "{} turns", turns.len());
            let mut last = None;
            for (i, t) in turns.iter().enumerate() {
                let expect = if i % 2 == 0 { "bot" } else { "user" };
                assert_eq!(t["speaker"], expect, "turn {i}");
                let at = t["timestamp"].as_u64().expect("ts");
                assert!(last.is_none_or(|l| at > l), "timestamps increase");
                last = Some(at);
                assert_eq!(t["timestamp_str"], format!("{:02}:{:02}", at / 60, at % 60));
                let text = t["text"].as_str().expect("text");
                assert!(!text.contains('{') && !text.contains('}'), "{text}");
            }
            let last = last.expect("turns");
            assert!(last > 240, "a realistic interview lasts minutes: {last} s");
            let idm = &r["interview_data_model"];
            assert!(idm["web_interview_info"]["scorecard"]["questions"][0]
                .as_object()
                .expect("q")
                .contains_key("extracted_text"));
            seen.insert(("template_null", w["communication"]["template_id"].is_null()));
            seen.insert(("video_null", w["video_recording_link"].is_null()));
            seen.insert(("resume_null", idm["resume_interview_info"].is_null()));
            seen.insert(("inner_null", r["metadata"]["metadata"].is_null()));
            seen.insert((
                "duration_null",
                idm["details"]["workflow_status"]["step_by_step"]
                    .as_array()
                    .and_then(|s| s.last())
                    .map(|s| s["total_duration"].is_null())
                    .unwrap_or(true),
            ));
        }
        for key in [
            "template_null",
            "video_null",
            "resume_null",
            "inner_null",
            "duration_null",
        ] {
            assert!(
                seen.contains(&(key, true)) && seen.contains(&(key, false)),
                "{key} never varies"
            );
        }
        let (min, max) = (scores.iter().min().unwrap(), scores.iter().max().unwrap());
        assert!(*min < 35 && *max > 85, "spread {min}..{max}");
        let distinct: HashSet<_> = scores.iter().collect();
        assert!(distinct.len() > 40);
    }

    #[test]
    fn same_inputs_same_report_and_client_metadata_is_kept() {
        let company = company(9, "C0FFEE00", 1_760_000_000.0);
        let p = posting(3, "Sales");
        assert_eq!(
            report_for(&p, &company, 1, None),
            report_for(&p, &company, 1, None)
        );
        assert_ne!(
            report_for(&p, &company, 1, None),
            report_for(&p, &company, 2, None)
        );

        let mut meta = Map::new();
        meta.insert("application_id".into(), json!("12345"));
        meta.insert("source".into(), json!("reqlink"));
        for k in 0..40 {
            let r = report_for(&p, &company, k, Some(&meta));
            let inner = &r["metadata"]["metadata"];
            assert_eq!(
                inner["application_id"], "12345",
                "never null with client metadata"
            );
            assert!(inner["candidate_metadata_id"].is_string());
        }
    }

    #[test]
    fn profiles_are_stable_per_posting() {
        let p = posting(5, "Engineering");
        let a = profile(1, &p);
        let b = profile(1, &p);
        assert_eq!(a.question_ids, b.question_ids);
        assert_eq!(a.questions[0].text, phrases::BACKGROUND.text);
        assert!((3..=6).contains(&a.questions.len()));
        let unique: HashSet<&str> = a.questions.iter().map(|q| q.text).collect();
        assert_eq!(unique.len(), a.questions.len(), "no repeated question");
    }
}
