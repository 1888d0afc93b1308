//! The emulated Greenhouse organisation: model and deterministic generation.
//!
//! Records reference each other by index into the owning `Vec` (not by id) so
//! that renames and other edits show up everywhere a record is embedded, the
//! way they do in Greenhouse, without keeping copies in sync. Every `Vec` is
//! sorted by id, which is what Harvest list endpoints return; new records get
//! ids above the current maximum so appends keep that order.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::clock::{ANCHOR_MS, DAY_MS, HOUR_MS};
use crate::rng::Rng;
use crate::words;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobStatus {
    Open,
    Closed,
    Draft,
}

impl JobStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            JobStatus::Open => "open",
            JobStatus::Closed => "closed",
            JobStatus::Draft => "draft",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(JobStatus::Open),
            "closed" => Some(JobStatus::Closed),
            "draft" => Some(JobStatus::Draft),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AppStatus {
    Active,
    Rejected,
    Hired,
}

impl AppStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AppStatus::Active => "active",
            AppStatus::Rejected => "rejected",
            AppStatus::Hired => "hired",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(AppStatus::Active),
            "rejected" => Some(AppStatus::Rejected),
            "hired" => Some(AppStatus::Hired),
            _ => None,
        }
    }
}

pub(crate) struct Department {
    pub id: u64,
    pub name: &'static str,
}

pub(crate) struct Office {
    pub id: u64,
    pub name: &'static str,
    pub location: &'static str,
}

pub(crate) struct Source {
    pub id: u64,
    pub name: &'static str,
}

pub(crate) struct RejectionReason {
    pub id: u64,
    pub name: &'static str,
    pub type_id: u64,
    pub type_name: &'static str,
}

pub(crate) struct User {
    pub id: u64,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub email: String,
    pub employee_id: String,
    pub disabled: bool,
    pub site_admin: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(crate) struct Interview {
    pub id: u64,
    pub kit_id: u64,
    pub name: &'static str,
    pub minutes: u32,
    pub schedulable: bool,
    pub interviewers: Vec<u32>,
}

pub(crate) struct Stage {
    pub id: u64,
    pub name: &'static str,
    pub priority: u32,
    pub active: bool,
    pub interviews: Vec<Interview>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub(crate) struct Opening {
    pub id: u64,
    pub opening_id: String,
    pub open: bool,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
}

pub(crate) struct Job {
    pub id: u64,
    /// Deleted through the control surface: no longer served.
    pub deleted: bool,
    pub name: String,
    pub requisition_id: String,
    pub status: JobStatus,
    pub department: u32,
    pub office: u32,
    pub employment_type: &'static str,
    pub job_post_id: u64,
    pub created_at: i64,
    pub opened_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub updated_at: i64,
    pub stages: Vec<Stage>,
    pub hiring_managers: Vec<u32>,
    pub recruiters: Vec<u32>,
    pub coordinators: Vec<u32>,
    pub openings: Vec<Opening>,
}

/// Generated text borrows the word lists; written text owns its string.
pub(crate) type Text = Cow<'static, str>;

/// An e-mail address or phone number with its Harvest `type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Contact {
    pub value: String,
    pub kind: &'static str,
}

/// A file on a candidate (and maybe one of their applications). The bytes
/// live in the emulator's file store under `id`.
#[derive(Debug, Clone)]
pub(crate) struct AttachmentMeta {
    pub id: u64,
    pub filename: String,
    pub kind: &'static str,
    pub content_type: String,
    /// Index of the application it was added to, if any.
    pub application: Option<u32>,
    pub created_at: i64,
}

pub(crate) struct Candidate {
    pub id: u64,
    pub first_name: Text,
    pub last_name: Text,
    pub company: Option<Text>,
    pub title: Option<Text>,
    pub emails: Vec<Contact>,
    pub phones: Vec<Contact>,
    pub linkedin: bool,
    pub apps: Vec<u32>,
    pub tags: Vec<Text>,
    pub attachments: Vec<AttachmentMeta>,
    /// Deleted, or merged into another candidate: no longer served.
    pub deleted: bool,
    pub recruiter: Option<u32>,
    pub coordinator: Option<u32>,
    pub created_at: i64,
    pub updated_at: i64,
    pub last_activity: i64,
}

/// What makes an application a prospect application: zero or more jobs,
/// and an optional pool and pool stage.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProspectDetail {
    pub jobs: Vec<u32>,
    pub pool: Option<u32>,
    pub pool_stage: Option<u32>,
    pub owner: Option<u32>,
}

/// No source (`source: null` on the wire).
pub(crate) const NO_SOURCE: u16 = u16::MAX;

pub(crate) struct Application {
    pub id: u64,
    pub candidate: u32,
    /// The job of a candidate application; `None` for prospects, whose jobs
    /// are in `prospect`.
    pub job: Option<u32>,
    /// Index into the job's stages (meaningless without a job).
    pub stage: u16,
    pub status: AppStatus,
    pub source: u16,
    pub credited_to: Option<u32>,
    pub rejection_reason: Option<u16>,
    pub applied_at: i64,
    pub rejected_at: Option<i64>,
    pub last_activity_at: i64,
    pub prospect: Option<Box<ProspectDetail>>,
    /// Its candidate was deleted.
    pub deleted: bool,
}

impl Application {
    /// Every job the application is on (one for candidates, any number for
    /// prospects).
    pub(crate) fn job_indices(&self) -> impl Iterator<Item = u32> + '_ {
        self.job
            .into_iter()
            .chain(self.prospect.iter().flat_map(|p| p.jobs.iter().copied()))
    }
}

pub(crate) struct ProspectPool {
    pub id: u64,
    pub name: &'static str,
    pub stages: Vec<(u64, &'static str)>,
}

/// A note on a candidate's activity feed.
#[derive(Debug, Clone)]
pub(crate) struct Note {
    pub id: u64,
    pub created_at: i64,
    pub body: String,
    pub user: u32,
    pub visibility: &'static str,
}

/// A system entry on the activity feed ("... was moved into ...").
#[derive(Debug, Clone)]
pub(crate) struct Activity {
    pub id: u64,
    pub created_at: i64,
    pub body: String,
    pub user: Option<u32>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Feed {
    pub notes: Vec<Note>,
    pub activities: Vec<Activity>,
}

pub(crate) struct Data {
    pub departments: Vec<Department>,
    pub offices: Vec<Office>,
    pub sources: Vec<Source>,
    pub rejection_reasons: Vec<RejectionReason>,
    pub users: Vec<User>,
    pub jobs: Vec<Job>,
    pub candidates: Vec<Candidate>,
    pub applications: Vec<Application>,
    pub prospect_pools: Vec<ProspectPool>,
    /// Activity feeds by candidate id (only candidates that have one).
    pub feeds: HashMap<u64, Feed>,
    /// Tombstoned records; while zero, listings skip the liveness filter.
    pub deleted_jobs: usize,
    pub deleted_candidates: usize,
    /// `http://127.0.0.1:PORT` of the emulator, for attachment URLs.
    pub origin: String,
}

/// Sizes after validation (see `SandboxConfig`).
pub(crate) struct Sizes {
    pub jobs: usize,
    pub candidates: usize,
    pub applications: usize,
    pub users: usize,
}

// Separate PRNG streams per entity kind.
const S_USERS: u64 = 1;
const S_JOBS: u64 = 2;
const S_CANDIDATES: u64 = 3;
const S_APPS: u64 = 4;

/// Hands out ascending ids with small random gaps, like a shared sequence
/// that other tenants also draw from.
struct IdSeq {
    next: u64,
}

impl IdSeq {
    fn new(base: u64) -> Self {
        Self { next: base }
    }

    fn take(&mut self, rng: &mut Rng) -> u64 {
        let id = self.next;
        self.next += rng.range(1, 7);
        id
    }
}

impl Data {
    pub(crate) fn generate(seed: u64, sizes: &Sizes) -> Data {
        let departments = words::DEPARTMENTS
            .iter()
            .enumerate()
            .map(|(i, d)| Department {
                id: 4_001_000_101 + i as u64 * 3,
                name: d.name,
            })
            .collect();
        let offices = words::OFFICES
            .iter()
            .enumerate()
            .map(|(i, &(name, location))| Office {
                id: 4_002_000_201 + i as u64 * 2,
                name,
                location,
            })
            .collect();
        let sources = words::SOURCES
            .iter()
            .enumerate()
            .map(|(i, &(name, _))| Source {
                id: 4_003_000_011 + i as u64,
                name,
            })
            .collect();
        let rejection_reasons = words::REJECTION_REASONS
            .iter()
            .enumerate()
            .map(|(i, &(name, type_name))| RejectionReason {
                id: 4_004_000_031 + i as u64,
                name,
                type_id: match type_name {
                    "We rejected them" => 1,
                    "They rejected us" => 2,
                    _ => 3,
                },
                type_name,
            })
            .collect();

        let users = gen_users(seed, sizes.users);
        let jobs = gen_jobs(seed, sizes.jobs, &users);
        let (candidates, applications) =
            gen_candidates(seed, sizes.candidates, sizes.applications, &jobs);

        let prospect_pools = PROSPECT_POOLS
            .iter()
            .enumerate()
            .map(|(i, &(name, stages))| ProspectPool {
                id: 4_006_000_051 + i as u64 * 4,
                name,
                stages: stages
                    .iter()
                    .enumerate()
                    .map(|(k, &s)| (4_007_000_101 + i as u64 * 10 + k as u64, s))
                    .collect(),
            })
            .collect();

        Data {
            departments,
            offices,
            sources,
            rejection_reasons,
            users,
            jobs,
            candidates,
            applications,
            prospect_pools,
            feeds: HashMap::new(),
            deleted_jobs: 0,
            deleted_candidates: 0,
            origin: String::new(),
        }
    }

    /// Index of a job that is still served.
    pub(crate) fn live_job(&self, id: u64) -> Option<usize> {
        self.job_index(id).filter(|&i| !self.jobs[i].deleted)
    }

    /// Index of a candidate that is still served.
    pub(crate) fn live_candidate(&self, id: u64) -> Option<usize> {
        self.candidate_index(id)
            .filter(|&i| !self.candidates[i].deleted)
    }

    /// Index of an application that is still served.
    pub(crate) fn live_application(&self, id: u64) -> Option<usize> {
        self.application_index(id)
            .filter(|&i| !self.applications[i].deleted)
    }

    pub(crate) fn user_index(&self, id: u64) -> Option<usize> {
        self.users.binary_search_by_key(&id, |u| u.id).ok()
    }

    pub(crate) fn job_index(&self, id: u64) -> Option<usize> {
        self.jobs.binary_search_by_key(&id, |j| j.id).ok()
    }

    pub(crate) fn candidate_index(&self, id: u64) -> Option<usize> {
        self.candidates.binary_search_by_key(&id, |c| c.id).ok()
    }

    pub(crate) fn application_index(&self, id: u64) -> Option<usize> {
        self.applications.binary_search_by_key(&id, |a| a.id).ok()
    }

    /// The user the emulator suggests for `On-Behalf-Of`: the first active
    /// site admin (generation guarantees user 0 is one).
    pub(crate) fn on_behalf_of_user(&self) -> Option<u64> {
        self.users
            .iter()
            .find(|u| u.site_admin && !u.disabled)
            .or_else(|| self.users.iter().find(|u| !u.disabled))
            .map(|u| u.id)
    }
}

/// Prospect pools and their stages, as a recruiting team sets them up.
const PROSPECT_POOLS: &[(&str, &[&str])] = &[
    (
        "Sourced Talent",
        &["New", "Reached Out", "Engaged", "Not Interested"],
    ),
    ("Referrals", &["New", "Contacted", "Ready to Apply"]),
    ("Silver Medalists", &["To Re-engage", "Re-engaged"]),
];

fn gen_users(seed: u64, n: usize) -> Vec<User> {
    let mut rng = Rng::stream(seed, S_USERS);
    let mut ids = IdSeq::new(4_080_100_000 + rng.below(900));
    let mut book = EmailBook::default();
    (0..n)
        .map(|i| {
            let first_name = rng.pick(words::FIRST_NAMES);
            let last_name = rng.pick(words::LAST_NAMES);
            let email = book.issue(
                &format!("{}.{}", ascii_lower(first_name), ascii_lower(last_name)),
                words::EMPLOYER_DOMAIN,
            );
            let created_at =
                ANCHOR_MS - rng.range(400, 1500) as i64 * DAY_MS + rng.below(DAY_MS as u64) as i64;
            let updated_at = (created_at + rng.range(1, 300) as i64 * DAY_MS).min(ANCHOR_MS);
            User {
                id: ids.take(&mut rng),
                first_name,
                last_name,
                email,
                employee_id: format!("E{:05}", 1000 + i * 7 + rng.index(7)),
                // The first user must be usable for On-Behalf-Of.
                disabled: i > 0 && rng.chance(10),
                site_admin: i == 0 || rng.chance(15),
                created_at,
                updated_at,
            }
        })
        .collect()
}

fn gen_jobs(seed: u64, n: usize, users: &[User]) -> Vec<Job> {
    let mut rng = Rng::stream(seed, S_JOBS);
    let mut job_ids = IdSeq::new(4_012_345_001 + rng.below(500));
    let mut stage_ids = IdSeq::new(5_100_200_001 + rng.below(500));
    let mut interview_ids = IdSeq::new(6_200_300_001 + rng.below(500));
    let mut opening_ids = IdSeq::new(7_300_400_001 + rng.below(500));
    let mut post_ids = IdSeq::new(4_500_600_001 + rng.below(500));
    let mut req_no = 1000 + rng.below(60);
    let dept_weights: Vec<u64> = words::DEPARTMENTS.iter().map(|d| d.weight).collect();
    let active_users: Vec<u32> = (0..users.len() as u32)
        .filter(|&u| !users[u as usize].disabled)
        .collect();
    let pick_user = |rng: &mut Rng| -> u32 {
        if active_users.is_empty() {
            0
        } else {
            rng.pick(&active_users)
        }
    };

    let mut jobs = Vec::with_capacity(n);
    for _ in 0..n {
        let department = weighted(&mut rng, &dept_weights);
        let dept = &words::DEPARTMENTS[department];
        let office = rng.index(words::OFFICES.len());
        let status = match rng.below(100) {
            0..=77 => JobStatus::Open,
            78..=91 => JobStatus::Closed,
            _ => JobStatus::Draft,
        };
        let created_at =
            ANCHOR_MS - rng.range(3, 420) as i64 * DAY_MS + rng.below(DAY_MS as u64) as i64;
        let opened_at = (status != JobStatus::Draft)
            .then(|| (created_at + rng.below(7 * DAY_MS as u64) as i64).min(ANCHOR_MS - HOUR_MS));
        let closed_at = match (status, opened_at) {
            (JobStatus::Closed, Some(o)) => {
                Some((o + rng.range(20, 120) as i64 * DAY_MS).min(ANCHOR_MS - HOUR_MS))
            }
            _ => None,
        };
        let last_event = closed_at.or(opened_at).unwrap_or(created_at);
        let drift = rng.below(30 * DAY_MS as u64) as i64;
        let updated_at = before_anchor(&mut rng, last_event + drift, last_event);

        let hiring_manager = pick_user(&mut rng);
        let recruiter = pick_user(&mut rng);
        let coordinators = if rng.chance(40) {
            vec![pick_user(&mut rng)]
        } else {
            Vec::new()
        };
        let stages = gen_stages(
            &mut rng,
            dept,
            created_at,
            hiring_manager,
            recruiter,
            &mut stage_ids,
            &mut interview_ids,
            &pick_user,
        );
        // Ids and requisition numbers are assigned after sorting, below.
        let openings = (0..rng.range(1, 3))
            .map(|_| Opening {
                id: 0,
                opening_id: String::new(),
                open: status != JobStatus::Closed,
                opened_at: opened_at.unwrap_or(created_at),
                closed_at,
            })
            .collect();
        jobs.push(Job {
            id: 0,
            deleted: false,
            name: rng.pick(dept.job_titles).to_string(),
            requisition_id: String::new(),
            status,
            department: department as u32,
            office: office as u32,
            employment_type: rng.pick(words::EMPLOYMENT_TYPES),
            job_post_id: 0,
            created_at,
            opened_at,
            closed_at,
            updated_at,
            stages,
            hiring_managers: vec![hiring_manager],
            recruiters: vec![recruiter],
            coordinators,
            openings,
        });
    }

    // Greenhouse ids and requisition numbers grow with creation time.
    jobs.sort_by_key(|j| j.created_at);
    for j in &mut jobs {
        j.id = job_ids.take(&mut rng);
        j.job_post_id = post_ids.take(&mut rng);
        req_no += rng.range(1, 4);
        j.requisition_id = format!("REQ-{req_no}");
        for (k, o) in j.openings.iter_mut().enumerate() {
            o.id = opening_ids.take(&mut rng);
            o.opening_id = format!("{req_no}-{}", k + 1);
        }
    }
    jobs
}

/// Keeps a generated time at or before the anchor. Overflow is spread over
/// the anchor's last hours (never below `floor`) rather than piled onto the
/// anchor itself, which would look synthetic.
fn before_anchor(rng: &mut Rng, t: i64, floor: i64) -> i64 {
    if t <= ANCHOR_MS {
        t
    } else {
        (ANCHOR_MS - rng.below(6 * HOUR_MS as u64) as i64).max(floor)
    }
}

#[allow(clippy::too_many_arguments)]
fn gen_stages(
    rng: &mut Rng,
    dept: &words::Department,
    created_at: i64,
    hiring_manager: u32,
    recruiter: u32,
    stage_ids: &mut IdSeq,
    interview_ids: &mut IdSeq,
    pick_user: &dyn Fn(&mut Rng) -> u32,
) -> Vec<Stage> {
    // (stage name, [(interview name, minutes, schedulable, interviewer)])
    type Plan = (&'static str, Vec<(&'static str, u32, bool, Option<u32>)>);
    let mut plan: Vec<Plan> = vec![
        ("Application Review", vec![]),
        (
            "Recruiter Screen",
            vec![("Recruiter Phone Screen", 30, true, Some(recruiter))],
        ),
    ];
    // Most requisitions use the AI interviewer: that stage is what the
    // console links to an interview-platform posting.
    if rng.chance(85) {
        plan.push(("AI Interview", vec![("AI Interview", 20, false, None)]));
    }
    plan.push((
        "Hiring Manager Screen",
        vec![("Hiring Manager Interview", 45, true, Some(hiring_manager))],
    ));
    if rng.chance(60) {
        let (stage, interview, minutes) = dept.skills_stage;
        plan.push((
            stage,
            vec![(interview, minutes, true, Some(pick_user(rng)))],
        ));
    }
    let onsite = rng.pick(&["Onsite", "Onsite", "Final Interview", "Panel Interview"]);
    let mut loop_interviews = vec![
        ("Culture Add Interview", 45, true, Some(pick_user(rng))),
        ("Cross-functional Interview", 45, true, Some(pick_user(rng))),
    ];
    if rng.chance(50) {
        loop_interviews.push(("Leadership Interview", 30, true, Some(pick_user(rng))));
    }
    plan.push((onsite, loop_interviews));
    if rng.chance(40) && plan.len() < 7 {
        plan.push(("Reference Check", vec![]));
    }
    plan.push(("Offer", vec![]));

    plan.into_iter()
        .enumerate()
        .map(|(priority, (name, interviews))| {
            let updated_at = created_at + rng.below(2 * DAY_MS as u64) as i64;
            Stage {
                id: stage_ids.take(rng),
                name,
                priority: priority as u32,
                active: true,
                interviews: interviews
                    .into_iter()
                    .map(|(iname, minutes, schedulable, who)| Interview {
                        id: interview_ids.take(rng),
                        kit_id: interview_ids.take(rng),
                        name: iname,
                        minutes,
                        schedulable,
                        interviewers: who.into_iter().collect(),
                    })
                    .collect(),
                created_at,
                updated_at,
            }
        })
        .collect()
}

/// Candidates and applications are generated together (a candidate exists
/// because they applied), then both are ordered by creation time before ids
/// are assigned, since Greenhouse ids grow with creation time.
fn gen_candidates(
    seed: u64,
    n: usize,
    total_apps: usize,
    jobs: &[Job],
) -> (Vec<Candidate>, Vec<Application>) {
    let mut rng = Rng::stream(seed, S_CANDIDATES);
    let mut app_rng = Rng::stream(seed, S_APPS);
    if n == 0 || jobs.is_empty() {
        return (Vec::new(), Vec::new());
    }

    // Applicants mostly land on open requisitions; drafts take none.
    let mut job_pool: Vec<u32> = Vec::new();
    for (i, j) in jobs.iter().enumerate() {
        let copies = match j.status {
            JobStatus::Open => 4,
            JobStatus::Closed => 1,
            JobStatus::Draft => 0,
        };
        job_pool.extend(std::iter::repeat_n(i as u32, copies));
    }
    if job_pool.is_empty() {
        job_pool = (0..jobs.len() as u32).collect();
    }

    // People who apply twice mostly stay in their field.
    let mut dept_pools: Vec<Vec<u32>> = vec![Vec::new(); words::DEPARTMENTS.len()];
    for &j in &job_pool {
        dept_pools[jobs[j as usize].department as usize].push(j);
    }

    // Nobody applies to the same job twice, so a candidate can hold at most
    // one application per distinct job (and we keep it to a plausible 6).
    let distinct_jobs = {
        let mut d = job_pool.clone();
        d.dedup();
        d.len()
    };
    let cap = distinct_jobs.min(6) as u8;
    let mut per_candidate = vec![1u8; n];
    'extra: for _ in 0..total_apps.saturating_sub(n) {
        let start = rng.index(n);
        // Probe forward from a random candidate; only when almost everyone
        // is at the cap (tiny job counts) does this give up early.
        for k in 0..n {
            let c = (start + k) % n;
            if per_candidate[c] < cap {
                per_candidate[c] += 1;
                continue 'extra;
            }
        }
        break;
    }

    let source_weights: Vec<u64> = words::SOURCES.iter().map(|s| s.1).collect();
    let mut emails = EmailBook::with_capacity(n);
    let mut candidates = Vec::with_capacity(n);
    let mut apps: Vec<Application> = Vec::with_capacity(total_apps.max(n));

    for (ci, &count) in per_candidate.iter().enumerate() {
        let mut my_apps = Vec::with_capacity(count as usize);
        let mut used_jobs: Vec<u32> = Vec::with_capacity(count as usize);
        for _ in 0..count {
            let same_field = used_jobs
                .first()
                .filter(|_| rng.chance(80))
                .map(|&first| dept_pools[jobs[first as usize].department as usize].as_slice());
            let Some(job) = same_field
                .and_then(|pool| pick_unused(&mut rng, pool, &used_jobs))
                .or_else(|| pick_unused(&mut rng, &job_pool, &used_jobs))
            else {
                break;
            };
            used_jobs.push(job);
            my_apps.push(apps.len() as u32);
            apps.push(gen_application(
                &mut app_rng,
                ci as u32,
                job,
                &jobs[job as usize],
                &source_weights,
            ));
        }

        let first_job = &jobs[used_jobs[0] as usize];
        let dept = &words::DEPARTMENTS[first_job.department as usize];
        let first_name = rng.pick(words::FIRST_NAMES);
        let last_name = rng.pick(words::LAST_NAMES);
        let (f, l) = (ascii_lower(first_name), ascii_lower(last_name));
        let local = match rng.below(6) {
            0 | 1 => format!("{f}.{l}"),
            2 => format!("{f}{l}"),
            3 => format!("{}{l}", &f[..1]),
            4 => format!("{f}_{l}"),
            _ => format!("{f}.{l}{}", rng.range(70, 99)),
        };
        let email = emails.issue(&local, rng.pick(words::EMAIL_DOMAINS));
        let phone = rng.chance(90).then(|| {
            format!(
                "+1 {}-555-01{:02}",
                rng.pick(words::AREA_CODES),
                rng.below(100)
            )
        });
        let title = if rng.chance(5) {
            None
        } else if rng.chance(80) {
            Some(rng.pick(dept.candidate_titles))
        } else {
            let other = &words::DEPARTMENTS[rng.index(words::DEPARTMENTS.len())];
            Some(rng.pick(other.candidate_titles))
        };
        let company = rng.chance(85).then(|| rng.pick(words::COMPANIES));
        let tags = match rng.below(100) {
            0..=69 => Vec::new(),
            70..=94 => vec![rng.pick(words::TAGS)],
            _ => {
                let a = rng.pick(words::TAGS);
                let b = rng.pick(words::TAGS);
                if a == b {
                    vec![a]
                } else {
                    vec![a, b]
                }
            }
        };

        let mine = my_apps.iter().map(|&a| &apps[a as usize]);
        let first_applied = mine
            .clone()
            .map(|a| a.applied_at)
            .min()
            .unwrap_or(ANCHOR_MS);
        let last_activity = mine.map(|a| a.last_activity_at).max().unwrap_or(ANCHOR_MS);
        let created_at = first_applied - rng.below(5_000) as i64;
        let drift = rng.below(2 * HOUR_MS as u64) as i64;
        let updated_at = before_anchor(&mut rng, last_activity + drift, last_activity);
        let recruiter = first_job.recruiters.first().copied();
        let coordinator = first_job.coordinators.first().copied();

        candidates.push(Candidate {
            id: 0,
            first_name: Cow::Borrowed(first_name),
            last_name: Cow::Borrowed(last_name),
            company: company.map(Cow::Borrowed),
            title: title.map(Cow::Borrowed),
            emails: vec![Contact {
                value: email,
                kind: "personal",
            }],
            phones: phone
                .map(|value| Contact {
                    value,
                    kind: "mobile",
                })
                .into_iter()
                .collect(),
            linkedin: rng.chance(55),
            apps: my_apps,
            tags: tags.into_iter().map(Cow::Borrowed).collect(),
            attachments: Vec::new(),
            deleted: false,
            recruiter,
            coordinator,
            created_at,
            updated_at,
            last_activity,
        });
    }

    assign_ids_by_creation(seed, candidates, apps)
}

/// A job from `pool` that is not in `used`: a few random tries (the pool is
/// weighted), then the first free one in order.
fn pick_unused(rng: &mut Rng, pool: &[u32], used: &[u32]) -> Option<u32> {
    if pool.is_empty() {
        return None;
    }
    for _ in 0..8 {
        let j = rng.pick(pool);
        if !used.contains(&j) {
            return Some(j);
        }
    }
    pool.iter().copied().find(|j| !used.contains(j))
}

fn gen_application(
    rng: &mut Rng,
    candidate: u32,
    job_index: u32,
    job: &Job,
    source_weights: &[u64],
) -> Application {
    let window_start = job.opened_at.unwrap_or(job.created_at);
    let window_end = job
        .closed_at
        .unwrap_or(ANCHOR_MS - HOUR_MS)
        .max(window_start + 1);
    let applied_at = window_start + rng.below((window_end - window_start) as u64) as i64;
    let last_stage = job.stages.len().saturating_sub(1) as u16;
    let status = match (job.status, rng.below(100)) {
        (JobStatus::Closed, 0..=91) => AppStatus::Rejected,
        (JobStatus::Closed, _) => AppStatus::Hired,
        (_, 0..=67) => AppStatus::Active,
        (_, 68..=97) => AppStatus::Rejected,
        _ => AppStatus::Hired,
    };
    // Recruiters clear out old applicants: a months-old application that is
    // still active is the exception, not the rule.
    let stale = ANCHOR_MS - applied_at > 120 * DAY_MS;
    let status = if status == AppStatus::Active && stale && rng.chance(75) {
        AppStatus::Rejected
    } else {
        status
    };
    // Funnels are bottom-heavy: each stage keeps a bit under half.
    let mut stage = 0u16;
    let cap = match status {
        AppStatus::Hired => last_stage,
        AppStatus::Rejected => last_stage.saturating_sub(1),
        AppStatus::Active => last_stage,
    };
    if status == AppStatus::Hired {
        stage = last_stage;
    } else {
        while stage < cap && rng.chance(45) {
            stage += 1;
        }
    }
    let elapsed =
        (stage as i64) * rng.range(1, 6) as i64 * DAY_MS + rng.below(12 * HOUR_MS as u64) as i64;
    let last_activity_at = before_anchor(rng, applied_at + elapsed, applied_at);
    let rejected = status == AppStatus::Rejected;
    let source = weighted(rng, source_weights) as u16;
    Application {
        id: 0,
        candidate,
        job: Some(job_index),
        stage,
        status,
        source,
        credited_to: if rng.chance(60) {
            job.recruiters.first().copied()
        } else {
            None
        },
        rejection_reason: rejected.then(|| rng.index(words::REJECTION_REASONS.len()) as u16),
        applied_at,
        rejected_at: rejected.then_some(last_activity_at),
        last_activity_at,
        prospect: None,
        deleted: false,
    }
}

fn assign_ids_by_creation(
    seed: u64,
    mut candidates: Vec<Candidate>,
    mut apps: Vec<Application>,
) -> (Vec<Candidate>, Vec<Application>) {
    let mut rng = Rng::stream(seed, S_CANDIDATES ^ 0xFF);

    // Candidates: order by creation, remember where each one went.
    let mut corder: Vec<u32> = (0..candidates.len() as u32).collect();
    corder.sort_by_key(|&i| (candidates[i as usize].created_at, i));
    let mut cnew = vec![0u32; candidates.len()];
    for (new, &old) in corder.iter().enumerate() {
        cnew[old as usize] = new as u32;
    }
    let mut slots: Vec<Option<Candidate>> = candidates.drain(..).map(Some).collect();
    let mut cand_ids = IdSeq::new(40_123_450_001 + rng.below(1000));
    let mut sorted_c: Vec<Candidate> = corder
        .iter()
        .map(|&old| {
            let mut c = slots[old as usize].take().expect("each slot taken once");
            c.id = cand_ids.take(&mut rng);
            c
        })
        .collect();

    // Applications: same, and rewrite the cross references.
    let mut aorder: Vec<u32> = (0..apps.len() as u32).collect();
    aorder.sort_by_key(|&i| (apps[i as usize].applied_at, i));
    let mut anew = vec![0u32; apps.len()];
    for (new, &old) in aorder.iter().enumerate() {
        anew[old as usize] = new as u32;
    }
    let mut aslots: Vec<Option<Application>> = apps.drain(..).map(Some).collect();
    let mut app_ids = IdSeq::new(50_234_560_001 + rng.below(1000));
    let sorted_a: Vec<Application> = aorder
        .iter()
        .map(|&old| {
            let mut a = aslots[old as usize].take().expect("each slot taken once");
            a.id = app_ids.take(&mut rng);
            a.candidate = cnew[a.candidate as usize];
            a
        })
        .collect();
    for c in &mut sorted_c {
        for a in &mut c.apps {
            *a = anew[*a as usize];
        }
        c.apps.sort_unstable();
    }
    (sorted_c, sorted_a)
}

fn weighted(rng: &mut Rng, weights: &[u64]) -> usize {
    let total: u64 = weights.iter().sum();
    let mut roll = rng.below(total);
    for (i, &w) in weights.iter().enumerate() {
        if roll < w {
            return i;
        }
        roll -= w;
    }
    weights.len() - 1
}

pub(crate) fn ascii_lower(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Hands out e-mail addresses that are unique across the dataset, so the
/// `email` filter and e-mail based matching in the console behave as they do
/// against a real organisation.
#[derive(Default)]
struct EmailBook {
    next_suffix: HashMap<String, u32>,
    issued: HashSet<String>,
}

impl EmailBook {
    fn with_capacity(n: usize) -> Self {
        Self {
            next_suffix: HashMap::with_capacity(n),
            issued: HashSet::with_capacity(n),
        }
    }

    fn issue(&mut self, local: &str, domain: &str) -> String {
        let base = format!("{local}@{domain}");
        let suffix = self.next_suffix.entry(base.clone()).or_insert(0);
        loop {
            let address = if *suffix == 0 {
                base.clone()
            } else {
                format!("{local}{}@{domain}", 99 + *suffix)
            };
            *suffix += 1;
            if self.issued.insert(address.clone()) {
                return address;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(jobs: usize, candidates: usize, applications: usize) -> Sizes {
        Sizes {
            jobs,
            candidates,
            applications,
            users: 12,
        }
    }

    #[test]
    fn ids_sorted_unique_and_cross_references_consistent() {
        let d = Data::generate(42, &sizes(30, 500, 750));
        assert_eq!(d.candidates.len(), 500);
        assert_eq!(d.applications.len(), 750);
        assert!(d.jobs.windows(2).all(|w| w[0].id < w[1].id));
        assert!(d.candidates.windows(2).all(|w| w[0].id < w[1].id));
        assert!(d.applications.windows(2).all(|w| w[0].id < w[1].id));
        let mut seen = 0;
        for (ci, c) in d.candidates.iter().enumerate() {
            assert!(!c.apps.is_empty(), "every candidate applied somewhere");
            let mut their_jobs: Vec<u32> = c
                .apps
                .iter()
                .filter_map(|&a| d.applications[a as usize].job)
                .collect();
            their_jobs.sort_unstable();
            their_jobs.dedup();
            assert_eq!(their_jobs.len(), c.apps.len(), "never twice to one job");
            for &a in &c.apps {
                let app = &d.applications[a as usize];
                assert_eq!(app.candidate as usize, ci);
                assert!(app.applied_at >= c.created_at);
                let job = &d.jobs[app.job.expect("generated apps have a job") as usize];
                assert!((app.stage as usize) < job.stages.len());
                assert_ne!(job.status, JobStatus::Draft);
                seen += 1;
            }
            assert!(c.updated_at <= ANCHOR_MS && c.updated_at >= c.created_at);
        }
        assert_eq!(
            seen, 750,
            "each application belongs to exactly one candidate"
        );
        for j in &d.jobs {
            assert!(
                (5..=8).contains(&j.stages.len()),
                "{} stages",
                j.stages.len()
            );
            assert_eq!(j.stages[0].name, "Application Review");
            assert_eq!(j.stages.last().map(|s| s.name), Some("Offer"));
        }
    }

    #[test]
    fn few_jobs_cap_applications_instead_of_duplicating() {
        let d = Data::generate(11, &sizes(2, 50, 500));
        let eligible = d
            .jobs
            .iter()
            .filter(|j| j.status != JobStatus::Draft)
            .count()
            .max(1);
        assert!(d.applications.len() <= 50 * eligible.min(6));
        assert!(d
            .candidates
            .iter()
            .all(|c| !c.apps.is_empty() && c.apps.len() <= eligible));
    }

    #[test]
    fn emails_are_unique() {
        let d = Data::generate(9, &sizes(10, 5000, 5000));
        let mut all: Vec<&str> = d
            .candidates
            .iter()
            .map(|c| c.emails[0].value.as_str())
            .collect();
        all.sort_unstable();
        let before = all.len();
        all.dedup();
        assert_eq!(before, all.len());
    }

    #[test]
    fn first_user_is_an_active_admin() {
        let d = Data::generate(3, &sizes(5, 10, 10));
        assert_eq!(d.on_behalf_of_user(), Some(d.users[0].id));
        assert!(!d.users[0].disabled && d.users[0].site_admin);
    }
}
