//! Text banks for the interviews the platform emulator plays: questions with
//! their rubrics, candidate answers, interviewer follow-ups, report phrases.
//! Placeholders in braces are filled per interview by `report::fill`:
//! `{company}` (the candidate's previous employer), `{n}` (a small count),
//! `{pct}` (a percentage), `{team}` (a team size), `{title}` (the posting's
//! title), `{employer}` (the hiring company), `{name}` (candidate's first name),
//! `{interviewer}`, `{minutes}`, `{count}` (questions in this interview).

/// One scored interview question.
pub(crate) struct Question {
    pub text: &'static str,
    pub criteria: &'static str,
    pub score_of_1: &'static str,
    pub score_of_5: &'static str,
    /// Noun phrase for follow-ups ("Tell me more about {topic}").
    pub topic: &'static str,
    /// How a candidate starts answering this question.
    pub answers: &'static [&'static str],
}

/// Everything role-specific about an interview, per department.
pub(crate) struct RoleKit {
    pub department: &'static str,
    pub questions: &'static [Question],
    pub tags: &'static [&'static str],
    pub highlights: &'static [&'static str],
    pub lowlights: &'static [&'static str],
    /// Sentences a candidate adds when elaborating.
    pub details: &'static [&'static str],
}

pub(crate) fn kit_for(department: &str) -> &'static RoleKit {
    KITS.iter()
        .find(|k| k.department == department)
        .unwrap_or(&GENERIC_KIT)
}

/// Opens every interview.
pub(crate) const BACKGROUND: Question = Question {
    text: "Can you walk me through your professional background and the key achievements in your most recent roles?",
    criteria: "A good answer provides a clear, concise summary of relevant work experience, highlighting key roles, responsibilities, and achievements aligned with the position.",
    score_of_1: "Very vague, unclear, or incomplete overview. Missing company names, roles, or timelines. No achievements or impact mentioned.",
    score_of_5: "Gives a clear, chronological flow of career steps. Mentions companies and role titles. Provides relevant achievements and connects experience to the role.",
    topic: "your most recent role",
    answers: &[
        "Sure. I've spent the last {n} years at {company}, where I started as an individual contributor and grew into a lead role.",
        "Of course. I'm currently at {company}; before that I spent a couple of years at a smaller startup, which taught me to wear a lot of hats.",
        "Yes, so my background is a mix of agency and in-house work, and for the past {n} years I've been at {company}.",
        "Happy to. I joined {company} about {n} years ago, and most of my achievements come from the work I've done there.",
    ],
};

/// Generic questions a posting may add after the role-specific ones.
pub(crate) const GENERIC_QUESTIONS: &[Question] = &[
    Question {
        text: "What attracted you to this {title} role at {employer}, and why now?",
        criteria: "A good answer shows genuine research into the company and the role, and explains the motivation with specifics rather than generic statements.",
        score_of_1: "Generic motivation that could apply to any company; no knowledge of the role or the company.",
        score_of_5: "Specific, well-researched reasons that connect the candidate's goals with the company's mission and the role's scope.",
        topic: "your motivation for this move",
        answers: &[
            "Honestly, I've followed {employer} for a while, and the problems this team is solving are exactly the ones I want to work on next.",
            "A friend who works here spoke really highly of the culture, and when I read the description for the {title} role it matched what I've been doing.",
            "I'm looking for a place where I can have more ownership, and this role seems to offer that.",
        ],
    },
    Question {
        text: "Tell me about a time you disagreed with a colleague or stakeholder. How did you handle it?",
        criteria: "A good answer describes a real disagreement, shows empathy and a constructive approach, and ends with a resolution and what the candidate learned.",
        score_of_1: "Avoids the question, blames others, or describes an unresolved conflict without reflection.",
        score_of_5: "Describes the situation, the candidate's actions and the outcome clearly; shows self-awareness and a collaborative mindset.",
        topic: "that disagreement",
        answers: &[
            "There was a situation last year where a product lead and I disagreed on priorities for a launch.",
            "I remember a project where my manager wanted to cut scope, and I felt strongly we'd lose the most valuable part.",
            "Early at {company} I disagreed with a peer about how we should handle a customer request.",
        ],
    },
    Question {
        text: "How do you prioritise when everything on your plate feels urgent?",
        criteria: "A good answer gives a concrete method for prioritisation, shows communication with stakeholders, and includes an example.",
        score_of_1: "No method; reacts to whoever asks loudest; no example.",
        score_of_5: "A clear framework, proactive communication of trade-offs, and a specific example with a good outcome.",
        topic: "how you prioritise",
        answers: &[
            "I usually start by separating what's truly time-sensitive from what's just loud.",
            "I keep a running list and re-rank it every morning based on impact and deadlines.",
            "The first thing I do is talk to the people asking, because often the urgency is negotiable.",
        ],
    },
];

pub(crate) const INTERVIEWER_NAMES: &[&str] = &[
    "Sarah", "Milo", "Ava", "James", "Nora", "Leo", "Priya", "Daniel",
];

pub(crate) const SMALL_TALK_REPLIES: &[&str] = &[
    "It's going well, thank you. A little nervous, but excited.",
    "Pretty good so far, thanks for asking!",
    "Good, thanks. Busy morning, but I'm ready.",
    "It's going great, thank you. How about you?",
    "Not bad at all. Thanks for having me.",
];

pub(crate) const PROCESS_OVERVIEW: &[&str] = &[
    "Glad to hear it. This interview takes about {minutes} minutes. I'll ask you {count} questions about your experience and the {title} role, and you can take your time with each answer. Shall we begin?",
    "Great. Here's how this works: I'll ask {count} questions related to the {title} position, and I may follow up on your answers. It should take around {minutes} minutes. Are you ready to start?",
];

pub(crate) const READY_REPLIES: &[&str] = &[
    "Yes, let's do it.",
    "Sounds good, I'm ready.",
    "Yes, ready when you are.",
    "Sure, let's begin.",
];

pub(crate) const QUESTION_LEADS: &[&str] = &[
    "Let's start with this one.",
    "Thank you. Next question.",
    "Great, let's move on.",
    "Thanks for sharing that. Here's the next one.",
    "Okay, moving on.",
    "Appreciate the detail.",
];

/// Interviewer follow-ups after an answer.
pub(crate) const FOLLOW_UPS: &[&str] = &[
    "Thanks. What was your specific role in that?",
    "How did you measure whether it worked?",
    "What would you do differently if you did it again?",
    "Can you give me a concrete example of {topic}?",
    "How did the rest of the team respond?",
    "What was the biggest obstacle, and how did you get past it?",
    "Interesting. How does that experience relate to this {title} role?",
    "Could you tell me a bit more about {topic}?",
    "What did you learn from that?",
    "Who else was involved, and how did you keep them aligned?",
];

/// How candidates elaborate, whatever the role.
pub(crate) const GENERIC_DETAILS: &[&str] = &[
    "I was the one driving it day to day, but I had a lot of support from a team of {team}.",
    "We tracked it weekly, and within a quarter we'd improved the main metric by about {pct} percent.",
    "Looking back, I would have involved stakeholders earlier; we lost a couple of weeks to rework.",
    "The biggest obstacle was time. We had {n} weeks and a lot of moving parts.",
    "The team was skeptical at first, but once they saw the early results they got on board.",
    "I learned to write things down early, because a short document saves a lot of meetings.",
    "It's a big part of why I'm interested in this role, since the scope here sounds similar.",
    "I set up a short weekly check-in with everyone involved, which kept surprises to a minimum.",
    "We ran a small pilot first, learned from it, and then rolled it out more broadly.",
    "My manager at {company} gave me a lot of room to experiment, which I appreciated.",
];

/// Hedges a weaker candidate adds.
pub(crate) const HEDGES: &[&str] = &[
    "I don't remember the exact numbers, though.",
    "To be honest, I wasn't directly involved in that part.",
    "It's hard to say exactly, it was a while ago.",
    "I think it went fine overall, but we didn't really measure it.",
    "I'd have to think about that a bit more.",
];

pub(crate) const CANDIDATE_QUESTIONS: &[&str] = &[
    "Yes, what does the onboarding look like for someone joining in this role?",
    "I'd love to know how the team measures success in the first six months.",
    "Could you tell me what the next steps in the process are?",
    "How big is the team I'd be working with?",
    "No, I think you covered everything. Thank you.",
];

pub(crate) const BOT_ANSWERS: &[&str] = &[
    "That's a great question. The hiring team will cover it in detail in the next conversation, and I'll make sure your question is noted for them.",
    "Thanks for asking. The recruiting team will follow up with next steps shortly after reviewing this interview.",
    "Good question. I'll pass that along to the hiring manager, who can give you the specifics.",
];

pub(crate) const CLOSING_REPLIES: &[&str] = &[
    "Thank you. Have a nice day.",
    "Thanks so much, this was great.",
    "Thank you, I enjoyed it.",
    "Thanks for your time, bye!",
];

pub(crate) const GENERIC_HIGHLIGHTS: &[&str] = &[
    "Communicated ideas concisely and showed a good problem-solving approach.",
    "Provided clear examples of past work with measurable outcomes.",
    "Showed genuine enthusiasm for the role and had researched the company.",
    "Structured answers well, moving from situation to action to result.",
    "Demonstrated ownership and accountability for past outcomes.",
    "Reflected honestly on mistakes and what they learned from them.",
    "Described effective collaboration with cross-functional partners.",
];

pub(crate) const GENERIC_LOWLIGHTS: &[&str] = &[
    "Missed the opportunity to connect past experience to the role requirements.",
    "Some answers stayed high level and lacked specific examples.",
    "Did not quantify the impact of their work.",
    "Struggled to explain their own contribution separately from the team's.",
    "Answers were occasionally long and lost focus.",
    "Limited evidence of experience at the scale this role requires.",
    "Did not ask any questions about the team or the role.",
];

pub(crate) const SUMMARY_POSITIVE: &[&str] = &[
    "Gave a concrete example with a clear outcome.",
    "Explained their personal contribution clearly.",
    "Quantified the impact of their work.",
    "Answer was well structured and easy to follow.",
    "Connected the example to the requirements of this role.",
    "Showed sound judgement about trade-offs.",
    "Mentioned specific companies, tools and timelines.",
];

pub(crate) const SUMMARY_NEGATIVE: &[&str] = &[
    "Answer stayed high level and lacked specifics.",
    "Did not explain the outcome or how it was measured.",
    "Could have gone deeper on the obstacles faced.",
    "Did not fully connect the experience to this position.",
    "Missing quantitative achievements.",
    "Relied on the team's work rather than their own contribution.",
    "Needed prompting before giving an example.",
];

pub(crate) const COMMUNICATION_CRITERIA: &[(&str, &str)] = &[
    (
        "Clarity",
        "Speaks clearly and organises thoughts before answering.",
    ),
    ("Pace", "Keeps a comfortable pace without long pauses."),
    (
        "Vocabulary",
        "Uses professional vocabulary appropriate to the role.",
    ),
    ("Confidence", "Answers with conviction and stays composed."),
    (
        "Conciseness",
        "Gets to the point and avoids unnecessary detail.",
    ),
];

const GENERIC_KIT: RoleKit = RoleKit {
    department: "",
    questions: &[
        Question {
            text: "Describe a challenging project you led and how you handled obstacles along the way.",
            criteria: "A good answer describes a specific project, the obstacles faced, actions taken, and outcomes achieved with clarity and structure.",
            score_of_1: "A weak answer is vague, lacks specific details, and fails to describe actions taken or outcomes achieved.",
            score_of_5: "A strong answer clearly describes the project, obstacles, actions, and outcomes with specific details and measurable results.",
            topic: "that project",
            answers: &[
                "One of the most challenging projects was a migration we did at {company} last year.",
                "The one that comes to mind is a launch we had to pull forward by a month.",
                "I led a cross-team initiative to rebuild one of our core processes.",
            ],
        },
        Question {
            text: "Tell me about a process you improved. What did you change and what was the result?",
            criteria: "A good answer identifies a real inefficiency, explains the change made and shows a measurable improvement.",
            score_of_1: "No concrete process or result; describes ideas rather than actions.",
            score_of_5: "Clear before/after, the candidate's own actions, and a measured result.",
            topic: "that process change",
            answers: &[
                "At {company} our weekly reporting took almost a full day, so I automated most of it.",
                "We had a handoff between two teams that kept dropping things, and I redesigned it.",
            ],
        },
        Question {
            text: "How do you keep learning and improving in your field?",
            criteria: "A good answer shows habits of continuous learning and an example of applying something new at work.",
            score_of_1: "No habits or examples.",
            score_of_5: "Concrete learning habits and an example of applying a new skill with results.",
            topic: "something you learned recently",
            answers: &[
                "I read a lot, and I try to apply one new idea per quarter at work.",
                "I took a course last year and then ran a small experiment with what I learned.",
            ],
        },
    ],
    tags: &[
        "Problem Solving",
        "Communication",
        "Ownership",
        "Collaboration",
        "Adaptability",
    ],
    highlights: &[
        "Gave a well-structured account of a complex project.",
        "Showed a pragmatic, results-oriented mindset.",
    ],
    lowlights: &[
        "Could have gone deeper on the measurable impact of their work.",
        "Did not elaborate on how they would approach the first 90 days.",
    ],
    details: &[
        "We documented the new approach so that other teams could reuse it.",
        "The result was about {pct} percent less time spent on the same work.",
    ],
};

const KITS: &[RoleKit] = &[
    RoleKit {
        department: "Engineering",
        questions: &[
            Question {
                text: "Walk me through the architecture of a system you built or significantly changed. What trade-offs did you make?",
                criteria: "A good answer explains the system's components and data flow, names the key trade-offs (consistency, latency, cost, complexity) and justifies the choices.",
                score_of_1: "Cannot describe the architecture or the reasoning behind it; no trade-offs mentioned.",
                score_of_5: "Clear description of components and data flow with well-reasoned trade-offs and what they would change today.",
                topic: "those trade-offs",
                answers: &[
                    "Sure. At {company} I redesigned our order-processing service, which was a monolith handling about {n} thousand requests per minute.",
                    "The most interesting one was an event pipeline we built to replace nightly batch jobs.",
                    "I led the move of our notification system from a cron-based design to a queue-based one.",
                ],
            },
            Question {
                text: "Tell me about a production incident you were involved in. How did you find the root cause, and what changed afterwards?",
                criteria: "A good answer shows a calm, systematic debugging approach, clear communication during the incident and concrete follow-up actions.",
                score_of_1: "Vague incident description, no debugging method, no follow-up.",
                score_of_5: "Systematic diagnosis using metrics, logs and traces; clear communication; blameless post-mortem with preventive actions.",
                topic: "the root cause",
                answers: &[
                    "We had an outage where our API latency spiked to several seconds during peak traffic.",
                    "One Friday evening our payment webhooks started failing silently.",
                    "A database migration locked a large table in production and took the checkout down.",
                ],
            },
            Question {
                text: "How do you approach code review, both as an author and as a reviewer?",
                criteria: "A good answer covers small, well-described changes as an author and constructive, prioritised feedback as a reviewer, with attention to correctness, tests and readability.",
                score_of_1: "Treats review as a formality or as gatekeeping; no mention of tests or communication.",
                score_of_5: "Thoughtful practices on both sides, examples of feedback that improved a design, and awareness of team dynamics.",
                topic: "your review practices",
                answers: &[
                    "As an author I try to keep pull requests small and explain the why, not just the what.",
                    "I see review as a conversation. I separate blocking comments from suggestions.",
                ],
            },
            Question {
                text: "How do you decide what to test, and how do you keep a test suite fast and reliable?",
                criteria: "A good answer distinguishes unit, integration and end-to-end tests, explains risk-based choices and how flaky tests are handled.",
                score_of_1: "No testing strategy; tests are an afterthought.",
                score_of_5: "Risk-based testing strategy, concrete practices against flakiness and slow suites, and an example.",
                topic: "your testing strategy",
                answers: &[
                    "I focus tests on the places where a bug would hurt the most, like money movement and permissions.",
                    "Our suite at {company} had become slow and flaky, so I spent a quarter fixing that.",
                ],
            },
            Question {
                text: "Describe a time you had to learn a new technology quickly to deliver something.",
                criteria: "A good answer shows a deliberate learning approach, pragmatic delivery and reflection on what they would do differently.",
                score_of_1: "No concrete example or learning approach.",
                score_of_5: "A specific example with a structured approach to learning, a delivered result and honest reflection.",
                topic: "how you ramped up",
                answers: &[
                    "We adopted Kubernetes at {company} and I had about {n} weeks to move our services over.",
                    "I had to pick up Rust for a performance-critical component we were rewriting.",
                ],
            },
        ],
        tags: &[
            "System Design",
            "Debugging",
            "Code Quality",
            "Testing",
            "Technical Communication",
            "Distributed Systems",
        ],
        highlights: &[
            "Demonstrated strong understanding of core technical concepts.",
            "Explained architectural trade-offs clearly and pragmatically.",
            "Described a systematic, calm approach to production incidents.",
            "Showed solid testing discipline and care for code quality.",
            "Learned new technologies quickly and applied them effectively.",
        ],
        lowlights: &[
            "Did not elaborate on experience with distributed systems.",
            "Limited depth on observability and monitoring practices.",
            "Could not clearly explain the scaling limits of the system described.",
            "Little evidence of mentoring or leading technical decisions.",
            "Testing approach was mostly manual.",
        ],
        details: &[
            "We split the hot path into its own service and put a queue in front of it.",
            "The root cause turned out to be a missing index combined with a retry storm.",
            "After that we added alerts on queue depth and p99 latency.",
            "We wrote a post-mortem and added a load test to the release checklist.",
            "Latency went from around two seconds to under {n} hundred milliseconds.",
        ],
    },
    RoleKit {
        department: "Product",
        questions: &[
            Question {
                text: "Tell me about a product decision you made with incomplete data. How did you decide?",
                criteria: "A good answer frames the decision, explains how available evidence was weighed, how risk was reduced and how the outcome was measured.",
                score_of_1: "Decision made on gut feeling without explanation or follow-up.",
                score_of_5: "Clear framing, explicit assumptions, a plan to validate them and measured results.",
                topic: "how you validated that decision",
                answers: &[
                    "We had to decide whether to rebuild onboarding before we had solid funnel data.",
                    "At {company} I had to choose between two roadmap bets with very little usage data.",
                ],
            },
            Question {
                text: "How do you work with engineering and design to go from a problem to a shipped solution?",
                criteria: "A good answer shows shared problem framing, early involvement of engineering and design, iterative delivery and clear ownership.",
                score_of_1: "Throws requirements over the wall; no collaboration described.",
                score_of_5: "Collaborative discovery, clear problem statements, iterative delivery and examples of joint decisions.",
                topic: "that collaboration",
                answers: &[
                    "I try to bring engineering and design in before there is a solution, at the problem stage.",
                    "On my last team we ran short discovery sprints with a designer and a tech lead.",
                ],
            },
            Question {
                text: "Describe a time you said no to a stakeholder's feature request. How did you handle it?",
                criteria: "A good answer shows the candidate understood the underlying need, explained the trade-off and kept the relationship healthy.",
                score_of_1: "Either never says no or dismisses stakeholders without explanation.",
                score_of_5: "Understands the underlying need, uses data and strategy to explain, and offers alternatives.",
                topic: "that conversation",
                answers: &[
                    "Our sales team wanted a custom reporting feature for one large prospect.",
                    "A senior executive asked for a feature that didn't fit our strategy at all.",
                ],
            },
            Question {
                text: "Which metrics would you use to judge the success of a product you own, and why?",
                criteria: "A good answer ties metrics to user value and business outcomes, distinguishes leading from lagging indicators and mentions guardrails.",
                score_of_1: "Vanity metrics only, no reasoning.",
                score_of_5: "A coherent metric tree with leading indicators, guardrail metrics and an example of acting on them.",
                topic: "those metrics",
                answers: &[
                    "I like to start from the user outcome and work backwards to a small set of metrics.",
                    "For the product I own at {company}, activation within the first week is the north star.",
                ],
            },
        ],
        tags: &[
            "Product Sense",
            "Prioritisation",
            "Stakeholder Management",
            "User Research",
            "Data-Driven Decisions",
        ],
        highlights: &[
            "Framed problems around user needs before discussing solutions.",
            "Showed strong prioritisation using impact and effort.",
            "Gave a thoughtful account of collaborating with design and engineering.",
            "Used data to support product decisions.",
        ],
        lowlights: &[
            "Success metrics were loosely defined.",
            "Limited evidence of direct user research.",
            "Did not describe how they would handle competing stakeholder priorities.",
            "Relied heavily on intuition without a validation plan.",
        ],
        details: &[
            "We ran {n} user interviews and a quick prototype test before committing.",
            "Activation improved by about {pct} percent over the following quarter.",
            "I wrote a one-page brief so everyone agreed on the problem first.",
            "We shipped a smaller first version in {n} weeks and iterated from there.",
        ],
    },
    RoleKit {
        department: "Sales",
        questions: &[
            Question {
                text: "Walk me through a deal you're proud of, from first contact to close.",
                criteria: "A good answer covers prospecting, discovery, stakeholder mapping, handling objections and closing, with deal size and cycle length.",
                score_of_1: "No structure; cannot describe the buyer or the process.",
                score_of_5: "A clear narrative with discovery, champion and economic buyer, objections handled and concrete numbers.",
                topic: "that deal",
                answers: &[
                    "My favourite was a mid-market logistics company I sourced myself through outbound.",
                    "Last year at {company} I closed our largest new-logo deal in the region.",
                    "I'm proud of a deal that had gone cold and that I revived after a leadership change.",
                ],
            },
            Question {
                text: "How do you run a discovery call? What are you trying to learn?",
                criteria: "A good answer shows a structured discovery approach (pain, impact, decision process, timeline, budget) and active listening.",
                score_of_1: "Pitches instead of discovering; no structure.",
                score_of_5: "Structured discovery, quantifies pain, maps the decision process and qualifies clearly.",
                topic: "your discovery approach",
                answers: &[
                    "I go in with a hypothesis, but I spend most of the call asking about their current process.",
                    "I use a light version of MEDDICC, mostly to make sure I understand the decision process.",
                ],
            },
            Question {
                text: "Tell me about a quarter where you missed your number. What happened and what did you change?",
                criteria: "A good answer takes ownership, analyses the pipeline honestly and describes concrete changes that improved results.",
                score_of_1: "Blames external factors only; no changes made.",
                score_of_5: "Honest analysis, ownership, specific changes and evidence they worked.",
                topic: "what you changed",
                answers: &[
                    "Yes, in my second year I hit about {n}0 percent of quota one quarter.",
                    "It happened once, when two big deals slipped into the next quarter.",
                ],
            },
            Question {
                text: "How do you handle the objection 'your product is too expensive'?",
                criteria: "A good answer reframes around value and cost of inaction, asks questions before discounting and involves the right stakeholders.",
                score_of_1: "Goes straight to discounting.",
                score_of_5: "Explores the objection, quantifies value, uses references and protects margin.",
                topic: "handling pricing objections",
                answers: &[
                    "First I try to find out what they're comparing us to.",
                    "I usually go back to the numbers from discovery and the cost of doing nothing.",
                ],
            },
        ],
        tags: &[
            "Discovery",
            "Pipeline Management",
            "Negotiation",
            "Objection Handling",
            "Closing",
            "Relationship Building",
        ],
        highlights: &[
            "Described a disciplined, structured discovery process.",
            "Consistently quantified deal sizes and quota attainment.",
            "Handled objections by reframing around customer value.",
            "Showed resilience and ownership after a missed quarter.",
        ],
        lowlights: &[
            "Limited experience with multi-threaded enterprise deals.",
            "Relied on discounting to close.",
            "Pipeline generation strategy was unclear.",
            "Could not clearly describe the customer's decision process.",
        ],
        details: &[
            "The deal was about {n}0 thousand in annual recurring revenue.",
            "I finished that year at about 1{n}0 percent of quota.",
            "I mapped out the buying committee early, which saved us at the end.",
            "The sales cycle was around {n} months, which was typical for that segment.",
            "I built a business case together with our champion for their CFO.",
        ],
    },
    RoleKit {
        department: "Customer Success",
        questions: &[
            Question {
                text: "Tell me about a customer who was unhappy or at risk of churning. What did you do?",
                criteria: "A good answer shows empathy, fast diagnosis of the root cause, a recovery plan and the outcome.",
                score_of_1: "Defensive or passive; no plan.",
                score_of_5: "Empathetic, structured recovery with clear ownership, internal coordination and a positive outcome.",
                topic: "the recovery plan",
                answers: &[
                    "One of my largest accounts at {company} told us they were evaluating a competitor.",
                    "I had a customer escalate directly to our CEO after a failed rollout.",
                ],
            },
            Question {
                text: "How do you structure onboarding for a new customer so they see value quickly?",
                criteria: "A good answer defines success criteria with the customer, has a clear timeline and milestones, and tracks adoption.",
                score_of_1: "No structure; onboarding is ad hoc.",
                score_of_5: "Clear success plan, milestones, adoption metrics and examples of shortening time to value.",
                topic: "your onboarding plan",
                answers: &[
                    "I always start with a kickoff where we agree on what success looks like in the first 90 days.",
                    "We had a standard onboarding plan, but I tailored it based on the customer's goals.",
                ],
            },
            Question {
                text: "How do you prioritise across a large book of accounts?",
                criteria: "A good answer segments accounts by value and risk, uses health signals and explains how time is allocated.",
                score_of_1: "Treats every account the same or reacts to whoever is loudest.",
                score_of_5: "Segmented approach using health scores, renewal dates and expansion potential, with examples.",
                topic: "your account prioritisation",
                answers: &[
                    "I manage around {n}0 accounts, so I segment them by ARR and health score.",
                    "I look at renewal dates and product usage every Monday and plan the week from that.",
                ],
            },
            Question {
                text: "Describe a time you turned customer feedback into a product change.",
                criteria: "A good answer shows how feedback was gathered, quantified and advocated for internally, and what changed.",
                score_of_1: "Passes feedback along without follow-up.",
                score_of_5: "Aggregates feedback, builds the case with data, partners with product and closes the loop with customers.",
                topic: "that feedback loop",
                answers: &[
                    "Several customers kept asking for better reporting, so I started collecting the requests systematically.",
                    "A recurring support issue told us our setup flow was confusing.",
                ],
            },
        ],
        tags: &[
            "Customer Empathy",
            "Retention",
            "Onboarding",
            "Account Management",
            "Escalation Handling",
        ],
        highlights: &[
            "Showed strong empathy and ownership with an at-risk customer.",
            "Described a clear, milestone-based onboarding approach.",
            "Used health signals to prioritise a large book of business.",
            "Closed the loop between customer feedback and the product team.",
        ],
        lowlights: &[
            "Limited experience with expansion and upsell conversations.",
            "Did not mention metrics such as net revenue retention.",
            "Escalation example lacked a clear outcome.",
            "Onboarding approach relied heavily on manual work.",
        ],
        details: &[
            "We kept the account and actually expanded it by {pct} percent at renewal.",
            "Time to first value dropped from about six weeks to {n} weeks.",
            "I set up a weekly call with their team until things stabilised.",
            "I brought in our product manager so they heard the feedback first-hand.",
        ],
    },
    RoleKit {
        department: "Marketing",
        questions: &[
            Question {
                text: "Tell me about a campaign you ran from start to finish. How did you measure its success?",
                criteria: "A good answer covers audience, positioning, channels, budget and results against clear goals.",
                score_of_1: "No goals or metrics; describes activities only.",
                score_of_5: "Clear goal, audience insight, channel choices justified and results measured against targets.",
                topic: "that campaign",
                answers: &[
                    "Last year I ran a product launch campaign at {company} across email, paid social and webinars.",
                    "The one I'm proudest of was a content series that became our top source of inbound leads.",
                ],
            },
            Question {
                text: "How do you decide how to split a limited budget across channels?",
                criteria: "A good answer uses data on channel performance, tests incrementally and reallocates based on results.",
                score_of_1: "No method; spends the same as last year.",
                score_of_5: "Data-driven allocation, testing plan, clear attribution caveats and reallocation examples.",
                topic: "your budget decisions",
                answers: &[
                    "I start with what has worked historically, then keep around 20 percent for experiments.",
                    "We looked at cost per opportunity by channel rather than cost per lead.",
                ],
            },
            Question {
                text: "How do you work with sales to make sure marketing leads turn into pipeline?",
                criteria: "A good answer describes shared definitions, service-level agreements, feedback loops and joint metrics.",
                score_of_1: "Marketing and sales work in silos.",
                score_of_5: "Shared lead definitions, regular feedback, joint pipeline targets and an example of improvement.",
                topic: "the sales handoff",
                answers: &[
                    "At {company} we agreed on a shared definition of a qualified lead with the sales leaders.",
                    "I sit in on the weekly pipeline review so I hear directly what's converting.",
                ],
            },
            Question {
                text: "How would you position our product against a larger, better-known competitor?",
                criteria: "A good answer identifies a specific audience and differentiator, and backs positioning with customer insight.",
                score_of_1: "Generic claims like 'better and cheaper'.",
                score_of_5: "Sharp positioning for a defined segment, grounded in customer evidence.",
                topic: "that positioning",
                answers: &[
                    "I'd avoid competing head-on and focus on a segment they underserve.",
                    "I'd start by interviewing customers who switched to us and find the common thread.",
                ],
            },
        ],
        tags: &[
            "Campaign Management",
            "Positioning",
            "Analytics",
            "Content Strategy",
            "Sales Alignment",
        ],
        highlights: &[
            "Measured campaigns against clear pipeline goals.",
            "Showed a thoughtful, test-and-learn approach to budget allocation.",
            "Demonstrated strong alignment with sales teams.",
            "Articulated sharp positioning grounded in customer insight.",
        ],
        lowlights: &[
            "Attribution approach was unclear.",
            "Limited experience owning a significant budget.",
            "Campaign results were described in vanity metrics.",
            "Positioning answer was generic.",
        ],
        details: &[
            "The campaign generated about {n}00 qualified leads and {pct} percent of the quarter's pipeline.",
            "We A/B tested the landing page and improved conversion by {pct} percent.",
            "I shifted budget from display to webinars once we saw the numbers.",
            "We built the messaging from a dozen customer interviews.",
        ],
    },
    RoleKit {
        department: "Finance",
        questions: &[
            Question {
                text: "Walk me through how you build and maintain a forecast or budget model.",
                criteria: "A good answer explains drivers, assumptions, scenario planning and how the model is kept accurate over time.",
                score_of_1: "Cannot explain drivers or assumptions.",
                score_of_5: "Driver-based model, documented assumptions, scenarios and variance analysis with examples.",
                topic: "your model's assumptions",
                answers: &[
                    "At {company} I owned the revenue forecast, which was a driver-based model built from pipeline and retention.",
                    "I build budgets bottom-up with each department and reconcile them to a top-down target.",
                ],
            },
            Question {
                text: "Tell me about a time you found an error or discrepancy in the numbers. What did you do?",
                criteria: "A good answer shows attention to detail, a methodical investigation, clear communication and a control to prevent recurrence.",
                score_of_1: "No example or covers it up.",
                score_of_5: "Methodical root-cause analysis, transparent communication and a new control.",
                topic: "that investigation",
                answers: &[
                    "During a month-end close I noticed revenue didn't tie out to the billing system.",
                    "I found a duplicated vendor payment while reviewing accruals.",
                ],
            },
            Question {
                text: "How do you explain financial results to non-finance stakeholders?",
                criteria: "A good answer tailors the message to the audience, focuses on what drives the numbers and recommends actions.",
                score_of_1: "Jargon-heavy; no adaptation to the audience.",
                score_of_5: "Clear narrative, visuals, focus on drivers and decisions, with an example.",
                topic: "how you present results",
                answers: &[
                    "I focus on the two or three drivers that actually moved and skip the rest.",
                    "I prepare a one-page summary for department heads every month.",
                ],
            },
            Question {
                text: "Which month-end close process improvement are you most proud of?",
                criteria: "A good answer quantifies the improvement and explains the change, including controls and automation.",
                score_of_1: "No concrete improvement.",
                score_of_5: "Specific change with measured time savings and maintained accuracy.",
                topic: "the close process",
                answers: &[
                    "We went from a ten-day close to {n} days over about a year.",
                    "I automated our bank reconciliations, which used to take most of a day.",
                ],
            },
        ],
        tags: &[
            "Financial Modeling",
            "Attention to Detail",
            "Forecasting",
            "Stakeholder Communication",
            "Process Improvement",
        ],
        highlights: &[
            "Explained a driver-based forecasting approach clearly.",
            "Showed strong attention to detail and internal controls.",
            "Translated financial results into business language effectively.",
            "Quantified improvements to the close process.",
        ],
        lowlights: &[
            "Limited exposure to scenario planning.",
            "Did not mention controls after fixing the discrepancy.",
            "Experience with ERP systems at scale is unclear.",
            "Explanations to stakeholders were somewhat technical.",
        ],
        details: &[
            "Forecast accuracy improved to within {n} percent of actuals.",
            "We added a reconciliation check to the close checklist afterwards.",
            "The model had about {n} key drivers, each with an owner.",
            "I walked the leadership team through the variance every month.",
        ],
    },
    RoleKit {
        department: "People",
        questions: &[
            Question {
                text: "Tell me about a hard-to-fill role you recruited for. How did you find the right person?",
                criteria: "A good answer covers intake with the hiring manager, sourcing strategy, candidate experience and outcome metrics.",
                score_of_1: "Posted the job and waited; no strategy.",
                score_of_5: "Thorough intake, creative sourcing, strong candidate experience and clear results.",
                topic: "your sourcing strategy",
                answers: &[
                    "We needed a staff engineer with payments experience, which is a very small market.",
                    "At {company} I hired our first data science lead after the role had been open for months.",
                ],
            },
            Question {
                text: "How do you partner with hiring managers who have unrealistic expectations?",
                criteria: "A good answer uses market data, calibrates early and manages the relationship constructively.",
                score_of_1: "Accepts unrealistic expectations or gives up.",
                score_of_5: "Uses data to recalibrate, proposes trade-offs and keeps the manager engaged.",
                topic: "that calibration",
                answers: &[
                    "I bring market data to the intake meeting, like salary ranges and candidate supply.",
                    "I usually present a few calibration profiles early to test expectations.",
                ],
            },
            Question {
                text: "How do you make the interview process fair and consistent?",
                criteria: "A good answer mentions structured interviews, scorecards, interviewer training and monitoring of outcomes.",
                score_of_1: "No structure; relies on gut feeling.",
                score_of_5: "Structured process, calibrated scorecards, trained interviewers and data on pass-through rates.",
                topic: "structured interviewing",
                answers: &[
                    "Every role I run has a scorecard agreed before the first interview.",
                    "We trained all interviewers and reviewed pass-through rates by stage every month.",
                ],
            },
            Question {
                text: "Which recruiting metrics do you track, and how have they changed your approach?",
                criteria: "A good answer names relevant metrics (time to hire, pass-through, offer acceptance, quality of hire) and gives an example of acting on them.",
                score_of_1: "Tracks nothing or only counts hires.",
                score_of_5: "Meaningful metrics with an example of a change driven by data.",
                topic: "those metrics",
                answers: &[
                    "Time to hire and offer acceptance rate are the two I watch most closely.",
                    "I track pass-through rates per stage to find where we lose good candidates.",
                ],
            },
        ],
        tags: &[
            "Sourcing",
            "Stakeholder Management",
            "Candidate Experience",
            "Structured Interviewing",
            "Recruiting Metrics",
        ],
        highlights: &[
            "Described a creative, targeted sourcing strategy.",
            "Partnered effectively with hiring managers using market data.",
            "Showed commitment to fair, structured interviewing.",
            "Used recruiting metrics to improve the process.",
        ],
        lowlights: &[
            "Limited experience with high-volume hiring.",
            "Did not mention diversity in the sourcing strategy.",
            "Metrics discussion stayed at a high level.",
            "Unclear how they would scale the process with a growing team.",
        ],
        details: &[
            "We filled the role in {n} weeks, and the hire is still there and doing great.",
            "Offer acceptance went up from about 70 to almost 90 percent.",
            "I reached out to about {n}0 people personally for that search.",
            "We cut time to hire by about {pct} percent by removing one interview round.",
        ],
    },
    RoleKit {
        department: "Operations",
        questions: &[
            Question {
                text: "Describe a process you redesigned. How did you measure the improvement?",
                criteria: "A good answer maps the current process, identifies bottlenecks, implements change with stakeholders and measures results.",
                score_of_1: "No measurement; change was not adopted.",
                score_of_5: "Clear mapping, data-driven change, adoption plan and measured improvement.",
                topic: "that redesign",
                answers: &[
                    "Our procurement process at {company} took weeks, so I mapped it end to end.",
                    "I redesigned how we handled IT onboarding for new hires.",
                ],
            },
            Question {
                text: "How do you manage a vendor that is underperforming?",
                criteria: "A good answer uses clear SLAs and data, escalates constructively and has a contingency plan.",
                score_of_1: "Complains without action or switches vendors impulsively.",
                score_of_5: "Data-backed conversations, a recovery plan with deadlines and a contingency option.",
                topic: "that vendor situation",
                answers: &[
                    "We had a logistics vendor missing delivery windows about a third of the time.",
                    "I set up monthly business reviews with our key vendors, which helped a lot.",
                ],
            },
            Question {
                text: "Tell me about a time you had to manage several projects with competing deadlines.",
                criteria: "A good answer shows planning, prioritisation, communication of trade-offs and delivery.",
                score_of_1: "Missed deadlines without communication.",
                score_of_5: "Clear plan, proactive trade-off conversations and on-time delivery of what mattered most.",
                topic: "how you planned it",
                answers: &[
                    "Last spring I was running an office move, a new expense tool rollout and the annual audit prep.",
                    "I had {n} projects landing in the same month at {company}.",
                ],
            },
            Question {
                text: "Which tools or automations have you introduced to reduce manual work?",
                criteria: "A good answer identifies repetitive work, chooses appropriate tools and quantifies time saved.",
                score_of_1: "No examples.",
                score_of_5: "Specific automation with adoption and quantified savings.",
                topic: "that automation",
                answers: &[
                    "I built a few workflows in our ticketing system that removed a lot of manual triage.",
                    "We replaced spreadsheets with a simple internal tool for approvals.",
                ],
            },
        ],
        tags: &[
            "Process Improvement",
            "Vendor Management",
            "Project Management",
            "Automation",
            "Cross-functional Coordination",
        ],
        highlights: &[
            "Mapped and redesigned a process with measurable results.",
            "Managed vendors with clear SLAs and data.",
            "Showed strong organisation across competing projects.",
            "Reduced manual work through pragmatic automation.",
        ],
        lowlights: &[
            "Limited experience with budget ownership.",
            "Improvement results were not quantified.",
            "Did not describe a contingency plan.",
            "Tooling experience is narrow.",
        ],
        details: &[
            "Cycle time dropped from about three weeks to {n} days.",
            "We saved roughly {n}0 hours a month across the team.",
            "I created a simple tracker everyone could see, which reduced status meetings.",
            "We renegotiated the contract with penalties tied to the SLA.",
        ],
    },
    RoleKit {
        department: "Legal",
        questions: &[
            Question {
                text: "Tell me about a complex contract negotiation you handled. What was at stake and how did it end?",
                criteria: "A good answer identifies the key risks, the negotiation strategy, trade-offs made and the business outcome.",
                score_of_1: "Cannot articulate the risks or the outcome.",
                score_of_5: "Clear risk assessment, pragmatic strategy, good business outcome and relationship preserved.",
                topic: "that negotiation",
                answers: &[
                    "We were negotiating a master services agreement with a large enterprise customer who wanted unlimited liability.",
                    "At {company} I negotiated a data processing agreement with a major cloud vendor.",
                ],
            },
            Question {
                text: "How do you balance legal risk with the business's need to move quickly?",
                criteria: "A good answer shows risk-based thinking, clear escalation thresholds and partnership with the business.",
                score_of_1: "Either blocks everything or ignores risk.",
                score_of_5: "Risk-tiered approach, playbooks and examples of enabling the business safely.",
                topic: "your risk framework",
                answers: &[
                    "I think of risk in tiers; most contracts should go through a playbook without me.",
                    "My goal is to be the person who finds a way to yes, within clear limits.",
                ],
            },
            Question {
                text: "How do you stay current with privacy and regulatory changes, and how do you roll them out internally?",
                criteria: "A good answer shows structured monitoring, impact assessment and practical internal communication.",
                score_of_1: "No process for tracking changes.",
                score_of_5: "Structured monitoring, impact assessments and effective training or playbooks.",
                topic: "rolling out regulatory changes",
                answers: &[
                    "I follow a few regulatory newsletters and a privacy practitioners' group.",
                    "When the new data transfer rules came in, I led the rollout at {company}.",
                ],
            },
        ],
        tags: &[
            "Contract Negotiation",
            "Risk Assessment",
            "Privacy",
            "Business Partnership",
            "Regulatory Compliance",
        ],
        highlights: &[
            "Articulated a pragmatic, risk-based approach to legal review.",
            "Negotiated complex contracts with good business outcomes.",
            "Showed a structured approach to regulatory change.",
        ],
        lowlights: &[
            "Limited experience with employment law matters.",
            "Did not describe negotiation playbooks or templates.",
            "Regulatory experience is concentrated in one jurisdiction.",
        ],
        details: &[
            "We settled on a liability cap of {n} times annual fees, which the business could live with.",
            "I wrote a playbook that let the sales team handle most redlines themselves.",
            "Contract turnaround went from two weeks to about {n} days.",
        ],
    },
];
