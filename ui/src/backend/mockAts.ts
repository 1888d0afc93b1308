// What the mock backend knows about connecting ATS accounts: the auth options
// of each card, which credentials it accepts, the words it uses when it does
// not, the four troubleshooting checks and a small data set for a freshly
// connected sandbox. The Rust core owns the real versions of all of this.
import type {
  ApiError,
  AtsWebhookView,
  AuthKind,
  AuthOption,
  CandidateRow,
  CheckResult,
  ConnectionView,
  EntityCounts,
  FieldSpec,
  JobRow,
  Provider,
  StageRow,
} from "../bindings";

export type AtsProvider = Exclude<Provider, "interview_platform">;

export const ATS_PROVIDERS: readonly AtsProvider[] = ["greenhouse", "lever", "workday"];

export const ATS_NAMES: Record<AtsProvider, string> = { greenhouse: "Greenhouse", lever: "Lever", workday: "Workday" };

function secret(name: string, label: string, help: string): FieldSpec {
  return { name, label, secret: true, required: true, placeholder: null, help };
}

function text(name: string, label: string, placeholder: string, help: string | null, required = true): FieldSpec {
  return { name, label, secret: false, required, placeholder, help };
}

const WORKDAY_TENANT: FieldSpec[] = [
  text("tenant_url", "Tenant host", "https://wd2-impl-services1.workday.com", "The host of your Workday REST endpoints (View API Clients → Workday REST API Endpoint)."),
  text("tenant", "Tenant name", "acme_sandbox", "The tenant segment of your Workday URLs."),
];

/** Each ATS's ways to connect, in the order the card offers them. */
/** The interview platform's one way to connect: an API key. */
export const PLATFORM_AUTH_OPTIONS: AuthOption[] = [
  {
    kind: "api_key",
    label: "Platform API key",
    description: "An API key from the interview platform's settings (Developers > API keys).",
    fields: [
      { name: "base_url", label: "API base URL", secret: false, required: false, placeholder: "https://api.heymilo.ai", help: "Leave empty for https://api.heymilo.ai." },
      { name: "api_key", label: "API key", secret: true, required: true, placeholder: null, help: "Kept in your system keychain." },
    ],
  },
];

export const AUTH_OPTIONS: Record<AtsProvider, AuthOption[]> = {
  greenhouse: [
    {
      kind: "api_key",
      label: "Harvest API key",
      description: "Paste a Harvest API key. Simplest; one key for the whole account.",
      fields: [
        secret("api_key", "Harvest API key", "Configure → Dev Center → API Credential Management → Create new API key (type Harvest)."),
        text("on_behalf_of", "On-Behalf-Of user ID", "4080123003", "The Greenhouse user notes and stage moves are written as. Needed for writeback.", false),
      ],
    },
    {
      kind: "client_credentials",
      label: "OAuth client credentials (Harvest v3)",
      description: "A custom integration's client ID and secret; tokens renew automatically.",
      fields: [
        text("client_id", "Client ID", "reqlink-sandbox", "Configure → Dev Center → API Credential Management → your Harvest v3 credential."),
        secret("client_secret", "Client secret", "Shown once when the credential is created."),
      ],
    },
  ],
  lever: [
    {
      kind: "oauth_code",
      label: "Sign in with Lever (OAuth)",
      description: "Approve Reqlink in your browser. The signing-in user must be a Lever Super Admin.",
      fields: [],
    },
    {
      kind: "api_key",
      label: "Lever API key",
      description: "Paste an API key with read access to Opportunities, Postings and Users.",
      fields: [secret("api_key", "API key", "Settings → Integrations and API → API credentials → Generate new key.")],
    },
  ],
  workday: [
    {
      kind: "refresh_token",
      label: "Integration System User (refresh token)",
      description: "An API client for integrations with a non-expiring refresh token for your ISU.",
      fields: [
        ...WORKDAY_TENANT,
        text("client_id", "Client ID", "MjQ5ZTkzNDYt", "From Register API Client for Integrations."),
        secret("client_secret", "Client secret", "Shown once when the API client is registered."),
        secret("refresh_token", "Refresh token", "View API Clients → API Clients for Integrations → Manage Refresh Tokens for Integrations (for the ISU)."),
      ],
    },
    {
      kind: "oauth_code",
      label: "Sign in with Workday (OAuth)",
      description: "Approve Reqlink in your browser; a Workday admin is asked to add it as an Assessment Vendor.",
      fields: [...WORKDAY_TENANT, text("client_id", "Client ID", "MjQ5ZTkzNDYt", "From Register API Client (authorization code grant).")],
    },
  ],
};

/** The secrets the mock accepts outside the sandbox (anything else is "wrong"). */
export const MOCK_VALID_SECRETS: Record<string, string> = {
  api_key: "valid-key",
  client_secret: "valid-secret",
  refresh_token: "valid-refresh-token",
};

const REJECTIONS: Record<AtsProvider, Partial<Record<AuthKind, string>>> = {
  greenhouse: {
    api_key:
      "Greenhouse rejected the Harvest API key (401 Unauthorized). Copy the key again from Configure → Dev Center → API Credential Management; it must be a Harvest key with access to Jobs, Candidates and Applications.",
    client_credentials:
      "Greenhouse rejected the client ID or secret (invalid_client). Check both on your Harvest v3 credential under Configure → Dev Center → API Credential Management.",
  },
  lever: {
    api_key:
      "Lever rejected the API key (401 Unauthorized). Generate a new key under Settings → Integrations and API → API credentials, with read access to Opportunities, Postings and Users.",
  },
  workday: {
    refresh_token:
      "Workday rejected the refresh token (invalid_grant). Generate a new one for the Integration System User under View API Clients → API Clients for Integrations, and check the client ID, secret and tenant name.",
  },
};

export function rejection(provider: AtsProvider, kind: AuthKind): ApiError {
  return {
    code: "unauthorized",
    message: REJECTIONS[provider][kind] ?? `${ATS_NAMES[provider]} rejected these credentials (401 Unauthorized). Check them and try again.`,
  };
}

/** Missing required fields, as the core's validation words it. */
export function missingFields(option: AuthOption, fields: Record<string, string>): ApiError | null {
  const missing = option.fields.filter((f) => f.required && !(fields[f.name] ?? "").trim());
  if (missing.length === 0) return null;
  return { code: "invalid_input", message: `Fill in ${missing.map((f) => f.label).join(", ")}.` };
}

export function credentialsValid(option: AuthOption, fields: Record<string, string>): boolean {
  return option.fields.filter((f) => f.secret).every((f) => fields[f.name] === MOCK_VALID_SECRETS[f.name]);
}

const SANDBOX_BASE = "http://127.0.0.1:47110";

export function baseUrl(provider: AtsProvider, sandbox: boolean, fields: Record<string, string>): string {
  if (sandbox) return `${SANDBOX_BASE}/${provider}/v1`;
  switch (provider) {
    case "greenhouse":
      return "https://harvest.greenhouse.io/v1";
    case "lever":
      return "https://api.lever.co/v1";
    case "workday":
      return `${(fields.tenant_url ?? "").replace(/\/+$/, "")}/ccx/api/recruiting/v4/${fields.tenant ?? ""}`;
  }
}

export function identityFor(provider: AtsProvider, kind: AuthKind, sandbox: boolean): string {
  if (sandbox) {
    return provider === "workday" ? "ISU_Reqlink (acme_sandbox)" : "Sandbox Admin (admin@acme-sandbox.example)";
  }
  if (provider === "workday") return kind === "refresh_token" ? "ISU_Reqlink" : "Workday user";
  return kind === "client_credentials" ? "Harvest v3 client" : "Recruiting Ops (ops@acme.example)";
}

/** Lever asks for one signature token per webhook event. */
export const LEVER_EVENTS = ["applicationCreated", "candidateStageChange", "candidateArchiveChange", "candidateHired", "candidateDeleted"];

export function webhookFor(provider: AtsProvider, connectionId: string, base: string | null): AtsWebhookView | null {
  if (provider === "workday") return null;
  const root = (base ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
  return {
    connection_id: connectionId,
    url: `${root}/hooks/${provider}/${connectionId}`,
    secret_configured: false,
    missing_events: provider === "lever" ? [...LEVER_EVENTS] : [],
    received: 0,
    rejected: 0,
    last_received_at: null,
  };
}

/** The four checks of the overview's troubleshooting table, judged from the mock's state. */
export function deriveChecks(
  conn: ConnectionView,
  hook: AtsWebhookView | null,
  stored: Record<string, string> | undefined,
): CheckResult[] {
  const name = ATS_NAMES[conn.provider as AtsProvider] ?? conn.label;
  const checks: CheckResult[] = [];
  if (conn.state === "needs_reconnect") {
    checks.push({
      id: "oauth",
      symptom: "OAuth fails",
      status: "fail",
      detail: conn.detail ?? `${name} refused the stored credentials.`,
      fix: `Click Reconnect on this card. If it fails again, sign in as an ${name} admin (pop-up blockers off) or create new credentials.`,
    });
  } else if (conn.state === "error") {
    checks.push({
      id: "oauth",
      symptom: "OAuth fails",
      status: "warn",
      detail: conn.detail ?? conn.sync.last_error?.message ?? `The last call to ${name} failed.`,
      fix: "Check the network connection, then Sync now. If it keeps failing, Reconnect.",
    });
  } else {
    checks.push({
      id: "oauth",
      symptom: "OAuth fails",
      status: "pass",
      detail: `A test call as ${conn.identity ?? "the stored credentials"} succeeded.`,
      fix: null,
    });
  }
  if (conn.counts.candidates > 0) {
    const noSecret = hook !== null && !hook.secret_configured;
    checks.push({
      id: "candidates",
      symptom: "No candidates",
      status: noSecret ? "warn" : "pass",
      detail: noSecret
        ? `${conn.counts.candidates.toLocaleString("en-US")} candidates synced, but webhooks from ${name} are rejected until the secret is set, so new applicants wait for the next sync.`
        : `${conn.counts.candidates.toLocaleString("en-US")} candidates in ${conn.counts.jobs.toLocaleString("en-US")} jobs synced.`,
      fix: noSecret ? `Set the webhook secret below, exactly as entered in ${name}.` : null,
    });
  } else {
    checks.push({
      id: "candidates",
      symptom: "No candidates",
      status: conn.last_sync_at ? "warn" : "fail",
      detail: conn.last_sync_at ? `The last sync found no candidates in ${name}.` : "Nothing has been synced yet.",
      fix: conn.last_sync_at
        ? `Check that the credentials can read candidates and applications in ${name}, and that jobs have applicants.`
        : "Click Sync now.",
    });
  }
  const needsOnBehalfOf = conn.provider === "greenhouse" && conn.auth_kind === "api_key" && !conn.sandbox && !stored?.on_behalf_of;
  checks.push(
    needsOnBehalfOf
      ? {
          id: "writeback",
          symptom: "No writeback",
          status: "warn",
          detail: "Greenhouse needs an On-Behalf-Of user for notes and stage moves; none is set.",
          fix: "Disconnect and connect again with the On-Behalf-Of user ID of a Greenhouse user allowed to edit candidates.",
        }
      : {
          id: "writeback",
          symptom: "No writeback",
          status: "pass",
          detail: `The credentials may write notes and attachments to ${name}.`,
          fix: null,
        },
  );
  checks.push({
    id: "job_mapping",
    symptom: "Wrong job",
    status: conn.counts.jobs > 0 ? "pass" : "skipped",
    detail:
      conn.counts.jobs > 0
        ? `${conn.counts.jobs.toLocaleString("en-US")} requisitions synced; each keeps the ${name} job ID it came from.`
        : "No requisitions synced yet, so nothing can be linked.",
    fix: conn.counts.jobs > 0 ? null : "Sync, then link each requisition to its interview agent.",
  });
  return checks;
}

const SEED_ROLES = ["Backend Engineer", "Account Executive", "Product Designer", "Support Specialist", "Data Analyst", "Recruiter", "Office Manager", "Sales Engineer"];
const SEED_STAGES = ["New applicant", "Phone screen", "Assessment", "Onsite", "Offer"];
const SEED_PEOPLE = ["Ines Duarte", "Tobias Weber", "Hana Sato", "Marcus Reid", "Olga Petrova", "Kofi Boateng", "Lucía Romero", "Arjun Mehta", "Freya Nilsson", "Daniel Cohen", "Yara Haddad", "Pavel Novak"];

export interface MockApplication {
  connection_id: string;
  candidate_id: string;
  job_id: string;
  stage: string | null;
  status: string;
}

export interface Seed {
  jobs: JobRow[];
  stages: Record<string, StageRow[]>;
  candidates: CandidateRow[];
  applications: MockApplication[];
  counts: EntityCounts;
}

/** A small, deterministic data set for a freshly connected sandbox ATS. */
export function seedFor(provider: AtsProvider, connectionId: string, now = Date.now()): Seed {
  const iso = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
  const prefix = provider === "lever" ? "lv" : provider === "workday" ? "JR" : "gh";
  const jobs: JobRow[] = [];
  const stages: Record<string, StageRow[]> = {};
  SEED_ROLES.forEach((name, i) => {
    const id = provider === "lever" ? `${prefix}-post-${i + 1}` : `${prefix}-${9100 + i}`;
    stages[id] = SEED_STAGES.map((s, k) => ({ id: `${id}-s${k}`, job_id: id, name: s, priority: k, active: true }));
    jobs.push({
      id,
      connection_id: connectionId,
      name,
      requisition_id: `${provider === "workday" ? "R" : "REQ-"}${500 + i}`,
      status: i % 5 === 4 ? "closed" : "open",
      departments: [i % 2 ? "Go-to-market" : "Product & Engineering"],
      offices: [i % 3 ? "Remote" : "Lisbon"],
      opened_at: iso(60 * 24 * (10 + i)),
      updated_at: iso(60 * (i + 1)),
      stage_count: SEED_STAGES.length,
      application_count: 0,
      link_id: null,
      linked_agent: null,
    });
  });
  const candidates: CandidateRow[] = [];
  const applications: MockApplication[] = [];
  for (let i = 0; i < 36; i++) {
    const job = jobs[i % jobs.length] as JobRow;
    const name = SEED_PEOPLE[i % SEED_PEOPLE.length] as string;
    const status = i % 9 === 8 ? "hired" : i % 4 === 3 ? "rejected" : "active";
    const stage = status === "hired" ? "Offer" : (SEED_STAGES[i % SEED_STAGES.length] as string);
    const id = `${prefix}-cand-${1000 + i}`;
    job.application_count += 1;
    candidates.push({
      id,
      connection_id: connectionId,
      name: i < SEED_PEOPLE.length ? name : `${name} ${Math.floor(i / SEED_PEOPLE.length) + 1}`,
      email: `${name.toLowerCase().normalize("NFD").replace(/[^a-z ]/g, "").replace(" ", ".")}${i}@example.com`,
      company: null,
      title: null,
      job_name: job.name,
      stage_name: stage,
      status,
      application_count: 1,
      updated_at: iso(i * 17 + 5),
    });
    applications.push({ connection_id: connectionId, candidate_id: id, job_id: job.id, stage, status });
  }
  return {
    jobs,
    stages,
    candidates,
    applications,
    counts: { jobs: jobs.length, stages: jobs.length * SEED_STAGES.length, users: 6, candidates: candidates.length, applications: applications.length },
  };
}
