// Interview reports, webhook deliveries and receiver state for the browser
// preview. Report text follows the shape of the platform's report_available
// payload (crates/platform/tests/fixtures/report_available.json).
import type {
  DeliveryDetail,
  DeliveryRow,
  ReceiverStatus,
  ReportDetail,
  ScorecardItem,
  TranscriptLine,
} from "../bindings";

export interface Rng {
  next: () => number;
  pick: <T>(xs: readonly T[]) => T;
  int: (lo: number, hi: number) => number;
}

interface Question {
  id: string;
  question: string;
  criteria: string;
  score1: string;
  score5: string;
  weight: number;
  /** Asked after the first answer, then after the second. */
  followUps: [string, string];
  /** Three answer parts each; a candidate gets strong or weak parts by how well they did. */
  strong: [string, string, string];
  weak: [string, string, string];
  summaryStrong: string;
  summaryWeak: string;
  highlight: string;
  lowlight: string;
  notScored?: boolean;
}

interface Role {
  posting_id: string;
  title: string;
  company: string;
  interviewer: string;
  tags: string[];
  questions: Question[];
  descriptionHtml: string;
}

const BACKEND: Role = {
  posting_id: "pst_8f3a21c9",
  title: "Senior Backend Engineer — technical screen",
  company: "Acme Corp",
  interviewer: "Sarah",
  tags: ["Technical Skills", "System Design", "Problem Solving", "Ownership"],
  descriptionHtml:
    "<h3>Senior Backend Engineer</h3><p>Acme's platform team runs the services behind our logistics API: <strong>Rust and Go</strong> on Postgres and Kafka, about 40k requests per second at peak.</p><h4>What you will do</h4><ul><li>Design and own services end to end, from schema to on-call.</li><li>Make slow paths fast, and keep them that way with good observability.</li><li>Mentor engineers and shape our technical roadmap.</li></ul><h4>What we look for</h4><ul><li>6+ years building production backends.</li><li>Deep knowledge of one relational database.</li><li>Clear written communication; we are remote-first.</li></ul><p>Read more on <a href=\"https://acme.example/careers\" rel=\"noopener noreferrer nofollow\">our careers page</a>.</p>",
  questions: [
    {
      id: "Q1A2B3C4",
      question: "Can you walk me through your professional background and the most significant system you have owned?",
      criteria: "A good answer summarises relevant roles and names one system the candidate owned, with its scale, their decisions and the outcome.",
      score1: "Vague overview, no system named, no sense of scale or personal contribution.",
      score5: "Clear chronology, one owned system with concrete scale, decisions and measurable outcomes.",
      weight: 5,
      followUps: ["What was the scale of that system, roughly?", "What would you design differently today?"],
      strong: [
        "Sure. I spent four years at Stark Logistics on the shipment tracking platform, and before that three years at Initech building billing. At Stark I owned the event ingestion service end to end.",
        "It took about 25,000 events per second at peak, written to Postgres through a Kafka buffer. I moved us from a single writer to partitioned consumers, which cut end-to-end lag from minutes to under two seconds.",
        "I would introduce idempotency keys from day one. We retrofitted them after a double-billing incident, and the retrofit took a quarter that a day of design would have saved.",
      ],
      weak: [
        "I have worked at a few companies, mostly on backend things. Most recently I was on a team that did the APIs for the mobile app.",
        "I am not sure about the numbers, it was pretty big. There were a lot of users. Other people looked after the infrastructure side.",
        "Probably use a newer framework. The one we had was a bit old and people complained about it.",
      ],
      summaryStrong: "Clear, chronological career overview.\nNamed an owned system with concrete scale (25k events/s).\nLinked a design decision to a measurable outcome.",
      summaryWeak: "Career overview was vague.\nCould not describe scale or personal ownership.\nNo measurable outcomes mentioned.",
      highlight: "Owned an event ingestion service end to end and cut consumer lag from minutes to under two seconds.",
      lowlight: "Could not describe the scale of, or their own role in, the systems they worked on.",
    },
    {
      id: "Q5D6E7F8",
      question: "Tell me about a production incident you led. How did you find the cause and what changed afterwards?",
      criteria: "A good answer covers detection, diagnosis with evidence, mitigation, root cause and the follow-up that prevents a repeat.",
      score1: "No concrete incident, or blames others; no diagnosis or follow-up.",
      score5: "Structured account from alert to postmortem, evidence-driven diagnosis, lasting fixes.",
      weight: 5,
      followUps: ["How did you narrow down the cause?", "What did the postmortem change?"],
      strong: [
        "The worst one was a Black Friday outage where checkout latency went from 80 milliseconds to eight seconds. I was incident commander.",
        "Traces showed every slow request waiting on the same connection pool. pg_stat_activity had hundreds of sessions idle in transaction, all from a new batch job that held a transaction open across an HTTP call.",
        "We added a statement and idle-in-transaction timeout on every role, a lint that forbids network calls inside transactions, and a load test for the batch path. We have not had a pool exhaustion since.",
      ],
      weak: [
        "There was a time the site went down and we had to fix it. I was on the team that helped.",
        "We looked at the logs for a while and then someone restarted the servers and it was fine.",
        "I think they wrote a document about it. I was not really involved after that.",
      ],
      summaryStrong: "Led the incident as commander.\nDiagnosed pool exhaustion from traces and pg_stat_activity.\nFollow-ups were systemic: timeouts, a lint rule and a load test.",
      summaryWeak: "Could not describe a concrete incident they led.\nNo diagnosis beyond restarting servers.\nNo follow-up described.",
      highlight: "Led a Black Friday incident and traced pool exhaustion to transactions held across HTTP calls.",
      lowlight: "Did not describe a structured approach to diagnosing production incidents.",
    },
    {
      id: "Q9A0B1C2",
      question: "How would you design an idempotent payments webhook receiver that never loses a delivery?",
      criteria: "A good answer durably stores before acknowledging, deduplicates by a stable key, processes asynchronously and makes retries and dead letters visible.",
      score1: "Processes inline before acknowledging; no deduplication or retry story.",
      score5: "Durable inbox, dedupe key, async worker, retries with backoff, dead-letter queue and replay.",
      weight: 4,
      followUps: ["What happens if the same event arrives twice?", "And if processing keeps failing?"],
      strong: [
        "I would write the raw body to an inbox table in the same request and only then return 200, so a crash after the acknowledgement cannot lose anything. A worker processes the inbox asynchronously.",
        "Each delivery gets a dedupe key, the provider's event id when there is one and a hash of the body otherwise, with a unique index. A second arrival is acknowledged and ignored.",
        "After a few attempts with exponential backoff it goes to a dead-letter state with the error, and there is a replay button. Operators need to see failures, not discover them from a customer.",
      ],
      weak: [
        "I would have an endpoint that takes the request and updates the payment straight away, then returns OK.",
        "Maybe check in the database if the payment is already paid? I have not really dealt with duplicates.",
        "The provider usually retries, so it should sort itself out eventually.",
      ],
      summaryStrong: "Stores before acknowledging; processing is asynchronous.\nDeduplicates with a unique key.\nRetries with backoff, dead letters and replay.",
      summaryWeak: "Processes inline before acknowledging.\nNo clear deduplication strategy.\nRelies on provider retries without visibility.",
      highlight: "Designed a durable inbox with deduplication, dead letters and replay for webhooks.",
      lowlight: "Webhook design acknowledged before storing and had no deduplication.",
    },
    {
      id: "Q3D4E5F6",
      question: "A query that used to take 20 ms now takes 2 seconds. How do you investigate?",
      criteria: "A good answer starts from evidence: the plan, statistics, data growth and recent changes, and verifies the fix.",
      score1: "Guesses (add an index, add caching) without looking at evidence.",
      score5: "Reads the query plan, checks statistics and data distribution, correlates with changes, verifies the fix.",
      weight: 4,
      followUps: ["What do you look for in the plan?", "How do you know the fix worked?"],
      strong: [
        "First EXPLAIN ANALYZE with buffers, on production-like data, and a look at what changed: a deploy, a data migration, or simply growth.",
        "Row estimates against actual rows. A nested loop over a hundred thousand rows where the planner expected ten usually means stale statistics or a correlated predicate the planner cannot see.",
        "Compare p50 and p99 from the query stats before and after, and keep the plan in the PR so a regression shows up in review.",
      ],
      weak: [
        "I would add an index on the columns in the where clause.",
        "If that does not work, put Redis in front of it.",
        "It feels faster afterwards, and users stop complaining.",
      ],
      summaryStrong: "Evidence first: EXPLAIN ANALYZE, recent changes, data growth.\nKnows how to read estimate/actual mismatches.\nVerifies with before/after percentiles.",
      summaryWeak: "Jumps to indexes and caching without evidence.\nDoes not read query plans.\nNo verification of the fix.",
      highlight: "Investigates slow queries from evidence: plans, statistics and before/after percentiles.",
      lowlight: "Reaches for indexes and caching without reading the query plan.",
    },
    {
      id: "Q7A8B9C0",
      question: "How do you help less experienced engineers grow on your team?",
      criteria: "A good answer gives concrete practices (reviews, pairing, delegation) and an example of someone's growth.",
      score1: "Generic statements, no practice or example.",
      score5: "Concrete practices and a specific story of someone they helped grow.",
      weight: 3,
      followUps: ["Can you give an example?", "How do you give difficult feedback?"],
      strong: [
        "I pair on the first tricky change in a new area, and I write review comments that explain the why, with a link to the doc that explains it properly.",
        "A junior engineer on my team took over the ingestion consumer. I gave her the on-call runbook to rewrite, we paired on two incidents, and six months later she led the partitioning project herself.",
        "Privately, soon, and about the work rather than the person. I say what I saw, why it matters and ask what they think, then we agree on one thing to try.",
      ],
      weak: [
        "I answer questions when people ask me.",
        "Not a specific one, but I am always available on Slack.",
        "I try not to, honestly. The manager usually handles that.",
      ],
      summaryStrong: "Concrete mentoring practices: pairing, explanatory reviews.\nSpecific growth story.\nThoughtful approach to feedback.",
      summaryWeak: "Mentoring is reactive.\nNo example of helping someone grow.\nAvoids giving feedback.",
      highlight: "Mentored a junior engineer from runbook rewrite to leading a partitioning project.",
      lowlight: "Mentoring was reactive, with no example of helping someone grow.",
    },
  ],
};

const SALES: Role = {
  posting_id: "pst_1b77e0d4",
  title: "Account Executive, Mid-Market — first round",
  company: "Acme Corp",
  interviewer: "Daniel",
  tags: ["Discovery", "Pipeline Management", "Negotiation", "Communication"],
  descriptionHtml:
    "<h3>Account Executive, Mid-Market</h3><p>Own the full sales cycle for companies with 200–2,000 employees, from first call to signature. Average contract value is around <strong>$48k</strong>.</p><ul><li>Run discovery that finds real pain, not just budget.</li><li>Keep an honest forecast.</li><li>Work closely with Solutions Engineering and Customer Success.</li></ul><p>On-target earnings and equity; remote in North America.</p>",
  questions: [
    {
      id: "S1A2B3C4",
      question: "Walk me through a deal you closed that you are proud of.",
      criteria: "A good answer covers the customer's problem, stakeholders, the sales process and the result, with numbers.",
      score1: "No concrete deal, or only the outcome without the process.",
      score5: "Specific deal with problem, stakeholders, process, obstacles and quantified result.",
      weight: 5,
      followUps: ["Who were the stakeholders?", "What nearly killed the deal?"],
      strong: [
        "Last year I closed a $92k deal with a regional hospital network that was losing nurses to scheduling chaos. It started as an inbound demo request from a single ward manager.",
        "The ward manager was my champion, but the economic buyer was the COO, and IT security had a veto. I mapped all three in the first two weeks and ran separate sessions for each.",
        "Security wanted on-premise hosting. Instead of discounting, I brought our SE in to walk through the SOC 2 report and data residency options, and we signed two weeks before quarter end.",
      ],
      weak: [
        "I closed a lot of deals at my last job. One was with a pretty big company.",
        "I mostly talked to the person who contacted us. I think their boss signed it.",
        "They wanted a discount, so we gave them one and it closed.",
      ],
      summaryStrong: "Specific $92k deal with a clear customer problem.\nMapped champion, economic buyer and security early.\nHandled objections without discounting.",
      summaryWeak: "No specific deal described.\nSingle-threaded with one contact.\nClosed by discounting.",
      highlight: "Closed a $92k multi-stakeholder deal by mapping the champion, COO and security early.",
      lowlight: "Deals were single-threaded and closed by discounting.",
    },
    {
      id: "S5D6E7F8",
      question: "How do you run a first discovery call?",
      criteria: "A good answer shows preparation, open questions about pain and impact, and a clear next step.",
      score1: "Pitches the product immediately; no discovery.",
      score5: "Researched, asks about pain, impact and process, agrees a concrete next step.",
      weight: 5,
      followUps: ["What do you prepare beforehand?", "How do you end the call?"],
      strong: [
        "I spend most of the call on their world, not ours: what is broken, what it costs them and who else feels it. I keep the demo for the second meeting.",
        "Their last two earnings calls or blog posts, LinkedIn for the people on the invite, and any product usage if they are on a free plan. I write down three hypotheses to test.",
        "With a calendar invite for a specific next step and a one-line summary of the pain in their words, so they can forward it internally.",
      ],
      weak: [
        "I usually start with our deck so they understand what we do.",
        "I look at their website, maybe.",
        "I ask if they have any questions, and then I send a follow-up email.",
      ],
      summaryStrong: "Discovery focuses on pain and impact.\nPrepares hypotheses from research.\nEnds with a concrete next step.",
      summaryWeak: "Pitches before understanding the customer.\nMinimal preparation.\nNo concrete next step.",
      highlight: "Runs discovery around pain and impact and always books a concrete next step.",
      lowlight: "Leads with the pitch deck instead of discovery.",
    },
    {
      id: "S9A0B1C2",
      question: "How do you keep your pipeline and forecast honest?",
      criteria: "A good answer uses exit criteria per stage, regular pipeline reviews and clear commit/best-case distinctions.",
      score1: "Forecast is a gut feeling; no stage criteria.",
      score5: "Stage exit criteria, weekly hygiene, and a commit forecast backed by evidence.",
      weight: 4,
      followUps: ["What makes a deal commit?", "What do you do with stalled deals?"],
      strong: [
        "Every stage has exit criteria that the buyer has to do something for, not me. A deal is not in proposal until they have agreed a decision process.",
        "Commit means a signed-off business case, a known signer and a date the signer agreed to. Everything else is best case.",
        "If nothing has moved in two weeks I send a polite break-up email. Half of them come back, and the other half stop polluting my forecast.",
      ],
      weak: [
        "I update the CRM at the end of the month.",
        "When I feel good about it after the call.",
        "I keep following up until they answer.",
      ],
      summaryStrong: "Buyer-verified exit criteria per stage.\nClear commit definition.\nRemoves stalled deals deliberately.",
      summaryWeak: "CRM updated irregularly.\nForecast based on feeling.\nNo approach to stalled deals.",
      highlight: "Keeps an honest forecast with buyer-verified stage exit criteria.",
      lowlight: "Forecast relies on gut feeling rather than stage criteria.",
    },
    {
      id: "SCOMP001",
      question: "What are your compensation expectations for this role?",
      criteria: "Recorded for the recruiter; not scored.",
      score1: "—",
      score5: "—",
      weight: 0,
      followUps: ["Is that on-target earnings?", "Any flexibility on the split?"],
      strong: [
        "I am looking at around 150 thousand on-target earnings, with a 50/50 split.",
        "Yes, that is OTE, and I expect a reasonable equity component.",
        "I am flexible on the split if the territory is strong.",
      ],
      weak: [
        "I would prefer to discuss that later.",
        "I am not sure yet, it depends on the package.",
        "I would need to see the whole offer.",
      ],
      summaryStrong: "Expects about $150k OTE, 50/50 split; flexible on split.",
      summaryWeak: "Preferred not to share expectations yet.",
      highlight: "",
      lowlight: "",
      notScored: true,
    },
  ],
};

const ANALYST: Role = {
  posting_id: "pst_09e6b3f5",
  title: "Data Analyst — SQL screen",
  company: "Acme Corp",
  interviewer: "Priya",
  tags: ["SQL", "Analytics", "Stakeholder Communication"],
  descriptionHtml:
    "<h3>Data Analyst</h3><p>Help our operations teams make decisions with data. You will own dashboards, write <em>a lot</em> of SQL, and explain what the numbers mean.</p><ul><li>Advanced SQL, including window functions.</li><li>Experience with dbt or a similar tool.</li></ul>",
  questions: [
    {
      id: "D1A2B3C4",
      question: "How would you find each customer's second most recent order in SQL?",
      criteria: "A good answer uses a window function partitioned by customer and explains ties.",
      score1: "No working approach.",
      score5: "Correct window-function solution with ties and performance considered.",
      weight: 5,
      followUps: ["What about ties?", "How would it perform on a large table?"],
      strong: [
        "ROW_NUMBER over a partition by customer ordered by order date descending, then filter on row number equals two.",
        "If two orders share a timestamp I would add the order id as a tie-breaker, or use DENSE_RANK if the business wants both.",
        "An index on customer id and order date lets the database read each partition in order instead of sorting everything.",
      ],
      weak: [
        "I would sort by date and take the second row.",
        "I am not sure what you mean by ties.",
        "It should be fine, databases are fast.",
      ],
      summaryStrong: "Correct ROW_NUMBER solution.\nHandled ties explicitly.\nConsidered indexing.",
      summaryWeak: "Did not partition by customer.\nDid not consider ties or performance.",
      highlight: "Solved the second-most-recent-order problem with window functions and explicit tie handling.",
      lowlight: "SQL answer ignored partitioning per customer and ties.",
    },
    {
      id: "D5D6E7F8",
      question: "Tell me about a time your analysis changed a decision.",
      criteria: "A good answer names the decision, the analysis, how it was communicated and the impact.",
      score1: "No example.",
      score5: "Specific decision, sound analysis, clear communication, measurable impact.",
      weight: 4,
      followUps: ["How did you present it?", "What was the impact?"],
      strong: [
        "Operations wanted to open a second warehouse shift. I showed that 70 percent of the late orders came from one carrier's pickup window, not from warehouse capacity.",
        "One chart and one paragraph in the weekly ops review, with the query linked for anyone who wanted to check it.",
        "We renegotiated the pickup window instead of hiring a shift, and late orders dropped by a third within a month.",
      ],
      weak: [
        "I make a lot of dashboards that people use.",
        "I send them the dashboard link.",
        "I think people found it useful.",
      ],
      summaryStrong: "Analysis redirected a staffing decision to a carrier fix.\nConcise communication.\nMeasurable impact.",
      summaryWeak: "No example of changing a decision.\nImpact unclear.",
      highlight: "Showed late orders came from a carrier pickup window, avoiding a new warehouse shift.",
      lowlight: "Could not point to a decision their analysis changed.",
    },
  ],
};

export const DEMO_ROLES = [BACKEND, SALES, ANALYST] as const;

const NAMES: [string, string][] = [
  ["Maya", "Patel"], ["Jonas", "Lindqvist"], ["Amara", "Okafor"], ["Kenji", "Tanaka"], ["Sofia", "García"],
  ["Liam", "O'Brien"], ["Leila", "Haddad"], ["Mateo", "Silva"], ["Grace", "Bennett"], ["Ravi", "Nguyen"],
  ["Ingrid", "Schmidt"], ["Omar", "Ahmed"], ["Chloe", "Dubois"], ["Kwame", "Mensah"], ["Elena", "Ivanova"],
  ["Tomás", "Herrera"], ["Hannah", "Kim"], ["Felix", "Fischer"], ["Nadia", "Kowalski"], ["Samuel", "Park"],
  ["Zoe", "Walsh"], ["Yusuf", "Costa"], ["Mei", "Chen"], ["Diego", "Rossi"], ["Aisha", "Jensen"],
  ["Ethan", "Murphy"], ["Priya", "Andersen"], ["Lucas", "Moreau"],
];

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

function mmss(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${m < 10 ? "0" : ""}${m}:${s < 10 ? "0" : ""}${s}`;
}

function hex(r: Rng, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += "0123456789abcdef"[Math.floor(r.next() * 16)];
  return s;
}

function slug(s: string): string {
  return s.toLowerCase().normalize("NFD").replace(/[^a-z]+/g, "-").replace(/^-|-$/g, "");
}

interface Built {
  detail: ReportDetail;
  /** The report_available body as the platform sent it (compact JSON). */
  payload: string;
}

function buildReport(r: Rng, role: Role, name: [string, string], quality: number, reportedAt: number, hasPdf: boolean, weakAt = -1): Built {
  const [first, last] = name;
  const candidate = `${first} ${last}`;
  const email = `${first}.${last}`.toLowerCase().normalize("NFD").replace(/[^a-z.]/g, "") + "@example.com";
  const interviewId = hex(r, 16).toUpperCase();
  const interviewedAt = reportedAt - r.int(14, 40) * MIN;

  const transcript: TranscriptLine[] = [];
  let t = 0;
  const say = (speaker: string, text: string, gap: number) => {
    transcript.push({ speaker, text, timestamp: t, timestamp_str: mmss(t) });
    t += gap;
    return transcript[transcript.length - 1] as TranscriptLine;
  };
  say("bot", `Hi ${candidate}. Thanks for taking the time to meet with me. My name is ${role.interviewer}, and I'm the AI interviewer for the ${role.title.split(" — ")[0]} role at ${role.company}. How is your day going so far?`, 9);
  say("user", r.pick(["Good, thanks! A little nervous, but looking forward to it.", "Pretty good, thank you for having me.", "Busy morning, but good. Happy to be here."]), 6);
  say("bot", "Great. The interview takes about twenty minutes. I'll ask a few questions about your experience, and you can take your time with each answer. Ready to start?", 11);
  say("user", "Yes, let's go.", 3);

  const scorecard: ScorecardItem[] = [];
  const highlights: string[] = [];
  const lowlights: string[] = [];
  role.questions.forEach((q, k) => {
    const raw = k === weakAt ? 4 : quality * 10 + (r.next() - 0.5) * 3;
    const score = Math.max(1, Math.min(10, Math.round(raw)));
    const good = q.notScored ? r.next() < 0.6 : score >= 6;
    const parts = [0, 1, 2].map((i) => (k === weakAt ? q.weak[i] : (good ? r.next() < 0.85 : r.next() < 0.2) ? q.strong[i] : q.weak[i]) as string);
    const preview = t;
    const excerpts: TranscriptLine[] = [];
    say("bot", k === 0 ? q.question : `${r.pick(["Thank you.", "Thanks, that's helpful.", "Got it."])} Next question: ${q.question}`, 8);
    excerpts.push({ ...say("user", parts[0] as string, r.int(30, 70)), speaker: "Candidate" });
    say("bot", q.followUps[0], 5);
    const second = say("user", parts[1] as string, r.int(30, 80));
    if (good) excerpts.push({ ...second, speaker: "Candidate" });
    say("bot", q.followUps[1], 5);
    say("user", parts[2] as string, r.int(25, 60));
    if (!q.notScored) {
      if (score >= 7 && q.highlight) highlights.push(q.highlight);
      if (score <= 5 && q.lowlight) lowlights.push(q.lowlight);
    }
    scorecard.push({
      question_id: q.id,
      question: q.question,
      evaluation_summary: good ? q.summaryStrong : q.summaryWeak,
      evaluation_criteria: q.criteria,
      evaluation_score: q.notScored ? 0 : score,
      score_weight: q.weight,
      rank: k + 1,
      score_of_1: q.score1,
      score_of_5: q.score5,
      not_scored: q.notScored ?? false,
      preview_timestamp: preview,
      excerpts,
    });
  });
  say("bot", "That's all my questions. Is there anything you would like to ask about the role or the next steps?", 8);
  say("user", r.pick(["What does the next stage of the process look like?", "How soon will I hear back?", "No, I think you covered everything. Thank you."]), 6);
  say("bot", "The hiring team reviews every interview within a few business days, and a recruiter will contact you by email about the next step.", 9);
  say("user", "Perfect, thank you.", 3);
  say("bot", `Thank you for your time, ${candidate}. I appreciate you completing the interview. Have a great rest of your day.`, 4);

  const scored = scorecard.filter((q) => !q.not_scored);
  const weight = scored.reduce((n, q) => n + (q.score_weight ?? 1), 0) || 1;
  const matchScore = Math.round((scored.reduce((n, q) => n + (q.evaluation_score ?? 0) * (q.score_weight ?? 1), 0) / weight) * 10);
  const speech = r.next() < 0.3 ? -1 : Math.round(55 + quality * 40 + (r.next() - 0.5) * 10);
  const hash = hex(r, 24);
  const date = new Date(interviewedAt).toISOString().slice(0, 10);
  const detail: ReportDetail = {
    row: {
      interview_id: interviewId,
      posting_id: role.posting_id,
      posting_title: role.title,
      candidate_name: candidate,
      candidate_email: email,
      match_score: matchScore,
      status: "completed",
      interviewed_at: new Date(interviewedAt).toISOString(),
      reported_at: new Date(reportedAt).toISOString(),
      has_pdf: hasPdf,
      pdf_problem: null,
      exported: [],
      snippet: null,
    },
    highlights,
    lowlights,
    match_details: [...highlights, ...lowlights].sort(() => r.next() - 0.5),
    tags: role.tags.filter(() => r.next() < 0.75),
    scorecard,
    speech_score: speech,
    communication_evaluations: speech === -1 ? 0 : r.int(2, 5),
    transcript,
    audio_recording_link: `https://cdn.interview-platform.example/audio/merged/${Math.floor(interviewedAt / 1000)}-${hash.slice(0, 6)}/audio.wav`,
    video_recording_link: r.next() < 0.8 ? `https://cdn.interview-platform.example/videos/merged/${Math.floor(interviewedAt / 1000)}-${hash.slice(6, 12)}/video.mp4` : null,
    report_url: `https://cdn.interview-platform.example/reports/${hash}/${slug(candidate)}-${date}.pdf`,
    posting_description_html: role.descriptionHtml,
    company_name: role.company,
  };
  const payload = JSON.stringify({
    interview_id: interviewId,
    posting_id: role.posting_id,
    metadata: { candidate_name: candidate, candidate_email: email, candidate_id: hex(r, 16).toUpperCase() },
    report_url: detail.report_url,
    timestamp: reportedAt / 1000,
    interview_type: "web_interview",
    agentic_data: {
      web_interview_info: {
        summary: { interview_id: interviewId, highlights, lowlights, match_score: matchScore },
        scorecard: {
          interview_id: interviewId,
          match_details: detail.match_details,
          questions: scorecard.map(({ excerpts, ...q }) => ({ ...q, chat_transcript: excerpts })),
          tags: detail.tags,
        },
        communication: { interview_id: interviewId, speech_score: speech, evaluations: [], template_id: null },
        transcript: { interview_id: interviewId, transcript },
        audio_recording_link: detail.audio_recording_link,
        video_recording_link: detail.video_recording_link,
      },
    },
  });
  return { detail, payload };
}

export interface DemoInterviews {
  reports: ReportDetail[];
  deliveries: DeliveryDetail[];
  receiver: ReceiverStatus;
  /** The receiver's current public base URL (webhooks made for it are "This app"). */
  base: string;
  /** An address the receiver used before (its subscriptions are stale). */
  oldBase: string;
}

export function demoInterviews(r: Rng, now: number): DemoInterviews {
  const base = "https://quiet-river-4821.trycloudflare.com";
  const oldBase = "https://brave-lake-0937.trycloudflare.com";
  const receiver: ReceiverStatus = { running: true, listen_address: "127.0.0.1:8787", public_base_url: base, error: null };

  const plan: [Role, number, number, number][] = [
    // role, how many, newest (days ago), oldest (days ago)
    [BACKEND, 14, 0.03, 24],
    [SALES, 10, 0.4, 30],
    [ANALYST, 5, 40, 75],
  ];
  const built: Built[] = [];
  let n = 0;
  for (const [role, count, newest, oldest] of plan) {
    for (let i = 0; i < count; i++) {
      const name = NAMES[n % NAMES.length] as [string, string];
      n += 1;
      const daysAgo = newest + ((oldest - newest) * i) / Math.max(1, count - 1);
      const at = now - daysAgo * DAY - r.int(0, 120) * MIN;
      // The newest backend report is the showcase: a strong candidate.
      const showcase = role === BACKEND && i === 0;
      const quality = showcase ? 0.88 : 0.25 + r.next() * 0.7;
      built.push(buildReport(r, role, name, quality, at, daysAgo > 0.5 || i > 1, showcase ? 4 : -1));
    }
  }
  const reports = built.map((b) => b.detail);

  // The delivery log: the three events of each recent interview, plus what went wrong.
  const events: { at: number; row: Omit<DeliveryRow, "id">; payload: string }[] = [];
  for (const b of built) {
    const row = b.detail.row;
    const reportedAt = Date.parse(row.reported_at);
    if (now - reportedAt > 10 * DAY) continue;
    const interviewedAt = Date.parse(row.interviewed_at ?? row.reported_at);
    const small = (type: string, extra: object) =>
      JSON.stringify({ event_type: type, interview_id: row.interview_id, posting_id: row.posting_id, candidate_email: row.candidate_email, ...extra });
    const started = small("interview_started", { started_at: new Date(interviewedAt - 20 * MIN).toISOString() });
    const completed = small("interview_completed", { completed_at: new Date(interviewedAt).toISOString(), duration_seconds: 1210 });
    const base_ = { source: "platform", interview_id: row.interview_id, status: "processed" as const, error: null };
    events.push({ at: interviewedAt - 20 * MIN, row: { ...base_, received_at: "", event_type: "interview_started", size: started.length }, payload: started });
    events.push({ at: interviewedAt, row: { ...base_, received_at: "", event_type: "interview_completed", size: completed.length }, payload: completed });
    events.push({ at: reportedAt, row: { ...base_, received_at: "", event_type: "report_available", size: b.payload.length }, payload: b.payload });
  }
  events.sort((a, b) => a.at - b.at);
  // One delivery the inbox worker could not process (a dead letter, Retry-able).
  const failedAt = now - 2 * DAY - 3 * 60 * MIN;
  const failedPayload = JSON.stringify({ interview_id: "7C1D9E2F3A4B5C6D", posting_id: "pst_8f3a21c9", metadata: { candidate_name: "Noah Lindqvist", candidate_email: "noah.lindqvist@example.com" }, report_url: null, timestamp: failedAt / 1000, interview_type: "web_interview", agentic_data: { web_interview_info: { summary: { highlights: [], lowlights: [], match_score: null } } } });
  events.push({
    at: failedAt,
    row: { source: "platform", received_at: "", event_type: "report_available", interview_id: "7C1D9E2F3A4B5C6D", status: "failed", error: "report_available: missing field `interview_data_model` at line 1 column 412", size: failedPayload.length },
    payload: failedPayload,
  });
  // One waiting for the worker.
  const pendingPayload = JSON.stringify({ event_type: "interview_started", interview_id: "E4F5A6B7C8D9E0F1", posting_id: "pst_1b77e0d4", candidate_email: "zoe.walsh@example.com", started_at: new Date(now - 2 * MIN).toISOString() });
  events.push({
    at: now - 90_000,
    row: { source: "platform", received_at: "", event_type: "interview_started", interview_id: "E4F5A6B7C8D9E0F1", status: "pending", error: null, size: pendingPayload.length },
    payload: pendingPayload,
  });
  events.sort((a, b) => a.at - b.at);
  const deliveries: DeliveryDetail[] = events.map((e, i) => ({
    row: { ...e.row, id: `d${i + 1}`, received_at: new Date(e.at).toISOString() },
    payload: e.payload,
  }));

  // Rejected at the door: never stored, only the first 4 KiB kept.
  const wrongPosting = JSON.stringify({ interview_id: "0A1B2C3D4E5F6071", posting_id: "pst_ffff0000", metadata: { candidate_name: "Test Candidate" }, timestamp: (now - 5 * DAY) / 1000 });
  deliveries.push({
    row: { id: "r1", received_at: new Date(now - 5 * DAY).toISOString(), source: "platform", event_type: "report_available", interview_id: null, status: "rejected", error: 'posting_id "pst_ffff0000" does not match this endpoint\'s posting "pst_8f3a21c9"', size: wrongPosting.length },
    payload: wrongPosting,
  });
  const notJson = "payload=%7B%22interview_id%22%3A%22A1%22&source=zapier-test";
  deliveries.push({
    row: { id: "r2", received_at: new Date(now - 6 * DAY - 40 * MIN).toISOString(), source: "platform", event_type: "interview_completed", interview_id: null, status: "rejected", error: "expected value at line 1 column 1", size: notJson.length },
    payload: notJson,
  });

  return { reports, deliveries, receiver, base, oldBase };
}
