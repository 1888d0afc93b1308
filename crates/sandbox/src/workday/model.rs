//! The emulated Workday tenant: workers, job requisitions (with their
//! recruiting stages and postings), candidates and job applications, plus
//! what integrations write (notes, attachments).
//!
//! Everything is derived from the Greenhouse generator run with a different
//! seed, so the Workday organisation looks as realistic as the Greenhouse one
//! without a second set of word lists, and is still deterministic. Records
//! are addressed by 32-hex Workday IDs (WIDs) derived from the seed and the
//! source record, and reference each other by index (as in `data`), so a
//! stage move shows up in every rendered reference at once.

use std::collections::HashMap;

use crate::data::Text;
use crate::data::{AppStatus, Data, JobStatus, Sizes};
use crate::rng::{mix, Rng};
use crate::words;

/// Mixed into the seed so the Workday tenant's people and requisitions are
/// not the Greenhouse organisation's under other ids.
const SEED_VARIATION: u64 = 0x576F_726B_6461_7901;

/// WID namespaces, one per record kind.
#[derive(Clone, Copy)]
#[repr(u64)]
pub(crate) enum Kind {
    Worker = 1,
    Requisition = 2,
    Stage = 3,
    Posting = 4,
    Candidate = 5,
    Application = 6,
    Note = 7,
    Attachment = 8,
    Organization = 9,
    Location = 10,
    Status = 11,
    Disposition = 12,
    Source = 13,
}

/// A Workday ID: 32 lowercase hex characters, unique per (kind, n) because
/// `mix` is a bijection and `n` stays below 2^48.
pub(crate) fn wid(seed: u64, kind: Kind, n: u64) -> String {
    let hi = mix(mix(seed ^ SEED_VARIATION) ^ ((kind as u64) << 48) ^ n);
    format!("{hi:016x}{:016x}", mix(hi))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReqStatus {
    Open,
    Filled,
    Closed,
    /// Greenhouse drafts: not yet open for applications.
    Frozen,
}

impl ReqStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ReqStatus::Open => "Open",
            ReqStatus::Filled => "Filled",
            ReqStatus::Closed => "Closed",
            ReqStatus::Frozen => "Frozen",
        }
    }

    /// The `status` query value; Workday matches the descriptor.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Filled, Self::Closed, Self::Frozen]
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AppState {
    Active,
    /// Rejected or withdrawn; keeps the stage it was dispositioned in.
    Dispositioned,
    Hired,
}

impl AppState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AppState::Active => "Active",
            AppState::Dispositioned => "Dispositioned",
            AppState::Hired => "Hired",
        }
    }
}

pub(crate) struct Worker {
    pub wid: String,
    pub worker_id: String,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub email: String,
    pub business_title: &'static str,
    pub active: bool,
}

impl Worker {
    pub(crate) fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// The standard Workday recruiting stages, in pipeline order. A requisition
/// uses all of them except "Reference Check", which only some use.
pub(crate) const STAGES: &[&str] = &[
    "Review",
    "Screen",
    "Assessment",
    "Interview",
    "Reference Check",
    "Offer",
    "Ready for Hire",
];

pub(crate) const ASSESSMENT: &str = "Assessment";

pub(crate) struct Stage {
    pub wid: String,
    pub name: &'static str,
}

pub(crate) struct Requisition {
    pub wid: String,
    /// `R-01234`: what recruiters call the requisition.
    pub number: String,
    pub title: String,
    pub status: ReqStatus,
    pub organization: &'static str,
    pub location: &'static str,
    pub time_type: &'static str,
    pub worker_type: &'static str,
    pub hiring_manager: u32,
    pub recruiter: u32,
    pub openings: u32,
    pub created_on: i64,
    pub opened_on: Option<i64>,
    pub closed_on: Option<i64>,
    pub updated_on: i64,
    pub stages: Vec<Stage>,
    /// External career-site posting; open requisitions only.
    pub posting: Option<Posting>,
}

pub(crate) struct Posting {
    pub wid: String,
    pub posted_on: i64,
}

pub(crate) struct Candidate {
    pub wid: String,
    pub candidate_id: String,
    pub first_name: Text,
    pub last_name: Text,
    pub email: String,
    pub phone: Option<String>,
    pub job_title: Option<Text>,
    pub company: Option<Text>,
    pub apps: Vec<u32>,
    pub created_on: i64,
    pub updated_on: i64,
}

impl Candidate {
    pub(crate) fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

pub(crate) struct Application {
    pub wid: String,
    pub candidate: u32,
    pub requisition: u32,
    /// Index into the requisition's `stages`.
    pub stage: u16,
    /// The step within the stage (Workday's business-process step).
    pub step: String,
    pub state: AppState,
    pub disposition: Option<&'static str>,
    pub source: &'static str,
    pub applied_on: i64,
    pub updated_on: i64,
}

pub(crate) struct Note {
    pub wid: String,
    pub candidate: u32,
    pub application: Option<u32>,
    pub worker: u32,
    pub comment: String,
    pub created_on: i64,
}

pub(crate) struct Attachment {
    pub wid: String,
    pub candidate: u32,
    pub application: Option<u32>,
    pub worker: u32,
    pub file_name: String,
    pub content_type: String,
    pub category: String,
    pub bytes: Vec<u8>,
    pub uploaded_on: i64,
}

pub(crate) struct Tenant {
    pub seed: u64,
    pub workers: Vec<Worker>,
    pub requisitions: Vec<Requisition>,
    pub candidates: Vec<Candidate>,
    pub applications: Vec<Application>,
    pub notes: Vec<Note>,
    pub attachments: Vec<Attachment>,
    index: HashMap<String, (Entity, u32)>,
}

/// What a WID points at (the index map is shared by all kinds; WIDs of
/// different kinds never collide).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Entity {
    Worker,
    Requisition,
    Candidate,
    Application,
    Note,
    Attachment,
    /// (requisition, stage index) packed as requisition << 16 | stage.
    Stage,
}

impl Tenant {
    pub(crate) fn generate(seed: u64, sizes: &Sizes) -> Tenant {
        let data = Data::generate(seed ^ SEED_VARIATION, sizes);
        let workers = workers(seed, &data);
        let requisitions = requisitions(seed, &data);
        let (candidates, applications) = people(seed, &data, &requisitions);
        let mut t = Tenant {
            seed,
            workers,
            requisitions,
            candidates,
            applications,
            notes: Vec::new(),
            attachments: Vec::new(),
            index: HashMap::new(),
        };
        t.reindex();
        t
    }

    fn reindex(&mut self) {
        let mut index = HashMap::new();
        for (i, w) in self.workers.iter().enumerate() {
            index.insert(w.wid.clone(), (Entity::Worker, i as u32));
        }
        for (i, r) in self.requisitions.iter().enumerate() {
            index.insert(r.wid.clone(), (Entity::Requisition, i as u32));
            for (s, st) in r.stages.iter().enumerate() {
                index.insert(st.wid.clone(), (Entity::Stage, (i as u32) << 16 | s as u32));
            }
        }
        for (i, c) in self.candidates.iter().enumerate() {
            index.insert(c.wid.clone(), (Entity::Candidate, i as u32));
        }
        for (i, a) in self.applications.iter().enumerate() {
            index.insert(a.wid.clone(), (Entity::Application, i as u32));
        }
        self.index = index;
    }

    pub(crate) fn lookup(&self, wid: &str, kind: Entity) -> Option<usize> {
        match self.index.get(wid) {
            Some(&(k, i)) if k == kind => Some(i as usize),
            _ => None,
        }
    }

    /// (requisition, stage) of a stage WID.
    pub(crate) fn stage(&self, wid: &str) -> Option<(usize, usize)> {
        self.lookup(wid, Entity::Stage)
            .map(|packed| (packed >> 16, packed & 0xFFFF))
    }

    pub(crate) fn add_note(&mut self, note: Note) -> usize {
        let i = self.notes.len();
        self.index
            .insert(note.wid.clone(), (Entity::Note, i as u32));
        self.notes.push(note);
        i
    }

    pub(crate) fn add_attachment(&mut self, att: Attachment) -> usize {
        let i = self.attachments.len();
        self.index
            .insert(att.wid.clone(), (Entity::Attachment, i as u32));
        self.attachments.push(att);
        i
    }

    pub(crate) fn next_wid(&self, kind: Kind) -> String {
        let n = match kind {
            Kind::Note => self.notes.len(),
            Kind::Attachment => self.attachments.len(),
            _ => self.index.len(),
        };
        wid(self.seed, kind, n as u64)
    }

    /// An active worker, for tests and the demo's "act as" default.
    pub(crate) fn default_worker(&self) -> Option<&Worker> {
        self.workers.iter().find(|w| w.active)
    }
}

fn workers(seed: u64, data: &Data) -> Vec<Worker> {
    let mut rng = Rng::stream(seed ^ SEED_VARIATION, 101);
    data.users
        .iter()
        .enumerate()
        .map(|(i, u)| Worker {
            wid: wid(seed, Kind::Worker, u.id),
            worker_id: format!("{}", 21_001 + i * 3 + rng.index(3)),
            first_name: u.first_name,
            last_name: u.last_name,
            email: u.email.clone(),
            business_title: if u.site_admin {
                "Talent Acquisition Partner"
            } else {
                rng.pick(&[
                    "Recruiter",
                    "Senior Recruiter",
                    "Recruiting Coordinator",
                    "Hiring Manager",
                    "Sourcer",
                ])
            },
            active: !u.disabled,
        })
        .collect()
}

fn requisitions(seed: u64, data: &Data) -> Vec<Requisition> {
    let mut rng = Rng::stream(seed ^ SEED_VARIATION, 102);
    let mut has_hire = vec![false; data.jobs.len()];
    for a in &data.applications {
        if let (AppStatus::Hired, Some(job)) = (a.status, a.job) {
            has_hire[job as usize] = true;
        }
    }
    data.jobs
        .iter()
        .enumerate()
        .map(|(ji, j)| {
            let hired = has_hire[ji];
            let status = match j.status {
                JobStatus::Open => ReqStatus::Open,
                JobStatus::Closed if hired && rng.chance(70) => ReqStatus::Filled,
                JobStatus::Closed => ReqStatus::Closed,
                JobStatus::Draft => ReqStatus::Frozen,
            };
            // Workday's fixed stage set; only some requisitions check
            // references, in the same share as the Greenhouse pipelines.
            let checks_references = j.stages.iter().any(|s| s.name == "Reference Check");
            let stages = STAGES
                .iter()
                .filter(|&&name| name != "Reference Check" || checks_references)
                .map(|&name| Stage {
                    wid: wid(seed, Kind::Stage, j.id.wrapping_mul(8) + stage_no(name)),
                    name,
                })
                .collect();
            let number: String = j.requisition_id.trim_start_matches("REQ-").to_owned();
            let dept = &words::DEPARTMENTS[j.department as usize];
            Requisition {
                wid: wid(seed, Kind::Requisition, j.id),
                number: format!("R-{number:0>5}"),
                title: j.name.clone(),
                status,
                organization: dept.name,
                location: words::OFFICES[j.office as usize].0,
                time_type: if j.employment_type == "Part-time" {
                    "Part time"
                } else {
                    "Full time"
                },
                worker_type: if j.employment_type == "Contract" {
                    "Contingent Worker"
                } else {
                    "Employee"
                },
                hiring_manager: j.hiring_managers.first().copied().unwrap_or(0),
                recruiter: j.recruiters.first().copied().unwrap_or(0),
                openings: j.openings.len() as u32,
                created_on: j.created_at,
                opened_on: j.opened_at,
                closed_on: j.closed_at,
                updated_on: j.updated_at,
                stages,
                posting: (status == ReqStatus::Open).then(|| Posting {
                    wid: wid(seed, Kind::Posting, j.job_post_id),
                    posted_on: j.opened_at.unwrap_or(j.created_at),
                }),
            }
        })
        .collect()
}

fn stage_no(name: &str) -> u64 {
    STAGES.iter().position(|s| *s == name).unwrap_or(0) as u64
}

/// Where a Greenhouse stage lands in Workday's fixed stage set, and the step
/// name shown within it.
fn map_stage(gh_stage: &str) -> (&'static str, String) {
    match gh_stage {
        "Application Review" => ("Review", "Review".into()),
        "Recruiter Screen" => ("Screen", "Recruiter Phone Screen".into()),
        "AI Interview" => (ASSESSMENT, "Assessment: AI Screening".into()),
        "Reference Check" => ("Reference Check", "Reference Check".into()),
        "Offer" => ("Offer", "Offer".into()),
        other => ("Interview", other.to_owned()),
    }
}

fn people(seed: u64, data: &Data, reqs: &[Requisition]) -> (Vec<Candidate>, Vec<Application>) {
    let mut rng = Rng::stream(seed ^ SEED_VARIATION, 103);
    let candidates = data
        .candidates
        .iter()
        .enumerate()
        .map(|(i, c)| Candidate {
            wid: wid(seed, Kind::Candidate, c.id),
            candidate_id: format!("C{:07}", 120_000 + i * 2 + rng.index(2)),
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            email: c
                .emails
                .first()
                .map(|e| e.value.clone())
                .unwrap_or_default(),
            phone: c.phones.first().map(|p| p.value.clone()),
            job_title: c.title.clone(),
            company: c.company.clone(),
            apps: c.apps.clone(),
            created_on: c.created_at,
            updated_on: c.updated_at,
        })
        .collect();
    let applications = data
        .applications
        .iter()
        // Generated applications always have a job (prospects only appear
        // through writes).
        .filter_map(|a| {
            let job_index = a.job?;
            let job = &data.jobs[job_index as usize];
            let req = &reqs[job_index as usize];
            let (stage_name, step) = match a.status {
                AppStatus::Hired => ("Ready for Hire", "Ready for Hire".to_owned()),
                _ => map_stage(job.stages[a.stage as usize].name),
            };
            let stage = req
                .stages
                .iter()
                .position(|s| s.name == stage_name)
                .unwrap_or(0) as u16;
            let source = words::SOURCES[a.source as usize].0;
            Some(Application {
                wid: wid(seed, Kind::Application, a.id),
                candidate: a.candidate,
                requisition: job_index,
                stage,
                step,
                state: match a.status {
                    AppStatus::Active => AppState::Active,
                    AppStatus::Rejected => AppState::Dispositioned,
                    AppStatus::Hired => AppState::Hired,
                },
                disposition: a
                    .rejection_reason
                    .map(|r| words::REJECTION_REASONS[r as usize].0),
                source: if source == "Greenhouse Job Board" {
                    "Career Site"
                } else {
                    source
                },
                applied_on: a.applied_at,
                updated_on: a.last_activity_at,
            })
        })
        .collect();
    (candidates, applications)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant() -> Tenant {
        Tenant::generate(
            5,
            &Sizes {
                jobs: 12,
                candidates: 80,
                applications: 120,
                users: 8,
            },
        )
    }

    #[test]
    fn wids_are_32_hex_and_unique() {
        let t = tenant();
        let mut all: Vec<&str> = t
            .workers
            .iter()
            .map(|w| w.wid.as_str())
            .chain(t.requisitions.iter().map(|r| r.wid.as_str()))
            .chain(
                t.requisitions
                    .iter()
                    .flat_map(|r| r.stages.iter().map(|s| s.wid.as_str())),
            )
            .chain(t.candidates.iter().map(|c| c.wid.as_str()))
            .chain(t.applications.iter().map(|a| a.wid.as_str()))
            .collect();
        assert!(all
            .iter()
            .all(|w| w.len() == 32 && w.bytes().all(|b| b.is_ascii_hexdigit())));
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(n, all.len());
    }

    #[test]
    fn every_requisition_has_an_assessment_stage_and_apps_point_inside() {
        let t = tenant();
        for r in &t.requisitions {
            assert!(r.stages.iter().any(|s| s.name == ASSESSMENT));
            assert_eq!(r.stages[0].name, "Review");
        }
        for a in &t.applications {
            let r = &t.requisitions[a.requisition as usize];
            assert!((a.stage as usize) < r.stages.len());
            assert!(t.candidates[a.candidate as usize]
                .apps
                .iter()
                .any(|&x| t.applications[x as usize].wid == a.wid));
        }
    }

    #[test]
    fn same_seed_same_tenant() {
        let a = tenant();
        let b = tenant();
        assert_eq!(a.candidates[3].wid, b.candidates[3].wid);
        assert_eq!(a.requisitions[2].number, b.requisitions[2].number);
    }
}
