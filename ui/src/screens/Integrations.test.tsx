import { act, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ConnectRequest, SyncRequest, WebhookSecretRequest } from "../bindings";
import { createMockBackend, type MockBackend } from "../backend/mock";
import { connection, job } from "../test/fixtures";
import { renderApp } from "../test/render";

const WRONG_KEY =
  "Lever rejected the API key (401 Unauthorized). Generate a new key under Settings → Integrations and API → API credentials, with read access to Opportunities, Postings and Users.";

function card(provider: string) {
  return screen.getByTestId(`integration-card-${provider}`);
}

async function openIntegrations(mock: MockBackend) {
  const utils = renderApp({ backend: mock, screen: "integrations" });
  await screen.findByTestId("integration-card-greenhouse");
  return utils;
}

function platform() {
  return connection({ id: "ip", provider: "interview_platform", label: "Interview agents — sandbox", auth_style: "API key", identity: null });
}

describe("Integrations: cards", () => {
  it("shows a card per ATS with its auth styles and status, and the interview platform", async () => {
    const mock = createMockBackend({ connections: [connection(), platform()] });
    await openIntegrations(mock);

    const gh = within(card("greenhouse"));
    expect(screen.getByTestId("connection-status-greenhouse")).toHaveTextContent("Connected as Sandbox Admin (admin@acme-sandbox.example)");
    expect(gh.getByText("Sandbox")).toBeInTheDocument();
    expect(gh.getByText("Harvest API key")).toBeInTheDocument();
    expect(gh.getByText("http://127.0.0.1:47110/greenhouse/v1")).toBeInTheDocument();
    expect(gh.getByText("2,412")).toBeInTheDocument();
    expect(gh.getByTestId("sync-now-greenhouse")).toBeEnabled();

    expect(screen.getByTestId("connection-status-lever")).toHaveTextContent("Not connected");
    expect(screen.getByTestId("auth-style-lever")).toHaveTextContent("Connects with Sign in with Lever (OAuth) or Lever API key.");
    expect(screen.getByTestId("connection-status-workday")).toHaveTextContent("Not connected");
    expect(within(card("lever")).queryByTestId("sync-now-lever")).not.toBeInTheDocument();
    expect(within(card("lever")).queryByTestId("disconnect-lever")).not.toBeInTheDocument();

    expect(await screen.findByTestId("integration-card-interview_platform")).toHaveTextContent("Interview agents — sandbox");
  });

  it("says what failed when a connection is in error", async () => {
    const mock = createMockBackend({
      connections: [connection({ state: "error", detail: "Greenhouse answered 503 three times; check status.greenhouse.io, then Sync now." })],
    });
    await openIntegrations(mock);
    expect(screen.getByTestId("connection-status-greenhouse")).toHaveTextContent(
      "Error: Greenhouse answered 503 three times; check status.greenhouse.io, then Sync now.",
    );
  });

  it("counts down to the access token's expiry", async () => {
    const expires = Math.floor(Date.now() / 1000) + 52 * 60 + 30;
    const mock = createMockBackend({
      connections: [connection({ provider: "lever", id: "lv", auth_kind: "oauth_code", auth_style: "Sign in with Lever (OAuth)", token_expires_at: expires })],
    });
    await openIntegrations(mock);
    expect(screen.getByTestId("connection-status-lever")).toHaveTextContent("Token expires in 52 min");
  });

  it("shows an error banner when the cards cannot be loaded", async () => {
    renderApp({
      backend: createMockBackend({ errors: { integrations: { code: "storage", message: "disk full" } } }),
      screen: "integrations",
    });
    expect(await screen.findByTestId("error-banner")).toHaveTextContent("disk full");
  });
});

describe("Integrations: connecting", () => {
  it("connects with an API key; the secret is a password field and the card turns connected", async () => {
    const mock = createMockBackend({ connections: [connection()] });
    const { user } = await openIntegrations(mock);
    await user.click(screen.getByTestId("connect-lever"));
    await user.click(screen.getByTestId("auth-option-api_key"));
    const key = within(card("lever")).getByLabelText("API key");
    expect(key).toHaveAttribute("type", "password");
    await user.type(key, "valid-key");
    await user.click(within(card("lever")).getByRole("button", { name: "Connect" }));

    await waitFor(() => expect(screen.getByTestId("connection-status-lever")).toHaveTextContent("Connected as Recruiting Ops (ops@acme.example)"));
    expect(mock.callsOf("connect")).toEqual([{ provider: "lever", kind: "api_key", sandbox: false, fields: { api_key: "valid-key" } } satisfies ConnectRequest]);
    expect(within(card("lever")).getByText("Connected to Lever as Recruiting Ops (ops@acme.example).")).toBeInTheDocument();
    expect(screen.getByTestId("sync-now-lever")).toBeEnabled();
    // Nothing on screen echoes the key.
    expect(document.body.textContent).not.toContain("valid-key");
    expect([...document.querySelectorAll("input")].some((i) => i.value === "valid-key")).toBe(false);
  });

  it("shows why a wrong key was refused, next to the form, and stores nothing", async () => {
    const mock = createMockBackend({ connections: [connection()] });
    const { user } = await openIntegrations(mock);
    await user.click(screen.getByTestId("connect-lever"));
    await user.click(screen.getByTestId("auth-option-api_key"));
    await user.type(within(card("lever")).getByLabelText("API key"), "wrong-key");
    await user.click(within(card("lever")).getByRole("button", { name: "Connect" }));

    const error = await screen.findByTestId("connect-error-lever");
    expect(error).toHaveTextContent(WRONG_KEY);
    expect(error).toHaveAttribute("role", "alert");
    expect(within(screen.getByTestId("connect-form-lever")).getByTestId("connect-error-lever")).toBe(error);
    expect(screen.getByTestId("connection-status-lever")).toHaveTextContent("Not connected");
    expect(mock.data.connections.some((c) => c.provider === "lever")).toBe(false);
    expect(Object.keys(mock.data.credentials)).toEqual([]);
    // The refused secret is not kept in the form either.
    expect(within(card("lever")).getByLabelText("API key")).toHaveValue("");
  });

  it("asks for the required fields before calling the core", async () => {
    const mock = createMockBackend({ connections: [connection()] });
    const { user } = await openIntegrations(mock);
    await user.click(screen.getByTestId("connect-workday"));
    await user.click(within(card("workday")).getByRole("button", { name: "Connect" }));
    expect(within(card("workday")).getByRole("alert")).toHaveTextContent("Fill in Tenant host, Tenant name, Client ID, Client secret, Refresh token.");
    expect(within(card("workday")).getByLabelText("Tenant host")).toHaveAttribute("aria-invalid", "true");
    expect(mock.callsOf("connect")).toEqual([]);
  });

  it("connects the sandbox with empty fields", async () => {
    const mock = createMockBackend({ connections: [connection()] });
    const { user } = await openIntegrations(mock);
    await user.click(screen.getByTestId("connect-workday"));
    expect(screen.getByTestId("auth-option-refresh_token")).toBeChecked();
    await user.click(within(card("workday")).getByTestId("use-sandbox"));
    await waitFor(() => expect(screen.getByTestId("connection-status-workday")).toHaveTextContent("Connected as ISU_Reqlink (acme_sandbox)"));
    expect(mock.callsOf("connect")).toEqual([{ provider: "workday", kind: "refresh_token", sandbox: true, fields: {} }]);
    expect(within(card("workday")).getByText("Sandbox")).toBeInTheDocument();
    expect(screen.getByTestId("connection-status-workday")).toHaveTextContent(/Token expires in (59|60) min/);
  });

  it("OAuth: waits for the browser with the link to copy, then shows the connection", async () => {
    const mock = createMockBackend({ connections: [connection()], oauthDelayMs: null });
    const { user } = await openIntegrations(mock);
    await user.click(screen.getByTestId("connect-lever"));
    expect(screen.getByTestId("auth-option-oauth_code")).toBeChecked();
    await user.click(within(card("lever")).getByRole("button", { name: "Sign in with Lever" }));

    const waiting = await screen.findByTestId("oauth-waiting");
    expect(waiting).toHaveTextContent("Waiting for the browser…");
    expect(waiting).toHaveTextContent("Browser did not open?");
    const flow = mock.data.oauthFlows[0]!;
    expect(within(waiting).getByRole("textbox", { name: "Sign-in link" })).toHaveValue(flow.authorize_url);
    expect(within(waiting).getByRole("button", { name: "Copy the link" })).toBeEnabled();
    expect(mock.callsOf("start_oauth")).toEqual([{ provider: "lever", kind: "oauth_code", sandbox: false, fields: {} }]);

    act(() => mock.finishOAuth(flow.flow_id));
    await waitFor(() => expect(screen.queryByTestId("oauth-waiting")).not.toBeInTheDocument());
    await waitFor(() => expect(screen.getByTestId("connection-status-lever")).toHaveTextContent("Connected as Recruiting Ops (ops@acme.example)"));
    expect(within(card("lever")).getByText("Signed in to Lever.")).toBeInTheDocument();
  });

  it("OAuth: the mock approves by itself after a short delay", async () => {
    const mock = createMockBackend({ connections: [connection()], oauthDelayMs: 30 });
    const { user } = await openIntegrations(mock);
    await user.click(screen.getByTestId("connect-lever"));
    await user.click(within(card("lever")).getByTestId("use-sandbox"));
    await waitFor(() => expect(screen.getByTestId("connection-status-lever")).toHaveTextContent("Connected as Sandbox Admin"));
    expect(mock.callsOf("start_oauth")).toEqual([{ provider: "lever", kind: "oauth_code", sandbox: true, fields: {} }]);
  });

  it("OAuth: Cancel stops waiting and goes back to the form", async () => {
    const mock = createMockBackend({ connections: [connection()], oauthDelayMs: null });
    const { user } = await openIntegrations(mock);
    await user.click(screen.getByTestId("connect-lever"));
    await user.click(within(card("lever")).getByRole("button", { name: "Sign in with Lever" }));
    await user.click(await screen.findByTestId("oauth-cancel"));

    await waitFor(() => expect(screen.queryByTestId("oauth-waiting")).not.toBeInTheDocument());
    expect(within(card("lever")).getByText("Sign-in cancelled.")).toBeInTheDocument();
    expect(mock.callsOf("cancel_oauth")).toEqual([{ flow_id: mock.data.oauthFlows[0]!.flow_id }]);
    expect(mock.data.oauthFlows[0]!.status).toBe("cancelled");
    // A late approval of the cancelled flow changes nothing.
    act(() => mock.finishOAuth(mock.data.oauthFlows[0]!.flow_id));
    expect(screen.getByTestId("connection-status-lever")).toHaveTextContent("Not connected");
  });

  it("OAuth: a refused sign-in says why, and Try again starts a new one", async () => {
    const mock = createMockBackend({ connections: [connection()], oauthDelayMs: null });
    const { user } = await openIntegrations(mock);
    await user.click(screen.getByTestId("connect-lever"));
    await user.click(within(card("lever")).getByRole("button", { name: "Sign in with Lever" }));
    await screen.findByTestId("oauth-waiting");
    const denied = {
      code: "forbidden" as const,
      message: "Lever denied access (access_denied): the signing-in user must be a Lever Super Admin. Ask an admin to sign in, or try again.",
    };
    act(() => mock.finishOAuth(mock.data.oauthFlows[0]!.flow_id, denied));

    expect(await screen.findByTestId("oauth-failed")).toHaveTextContent(denied.message);
    expect(screen.getByTestId("connection-status-lever")).toHaveTextContent("Not connected");
    await user.click(within(card("lever")).getByRole("button", { name: "Try again" }));
    await screen.findByTestId("oauth-waiting");
    expect(mock.callsOf("start_oauth")).toHaveLength(2);
  });

  it("needs reconnect: one Reconnect button restarts the same auth", async () => {
    const mock = createMockBackend({
      connections: [
        connection({ state: "needs_reconnect", detail: "Greenhouse answered 401: the Harvest API key was revoked. Reconnect with a new key." }),
      ],
    });
    const { user } = await openIntegrations(mock);
    const status = screen.getByTestId("connection-status-greenhouse");
    expect(status).toHaveTextContent("Needs reconnect");
    expect(status).toHaveTextContent("the Harvest API key was revoked");
    expect(within(card("greenhouse")).getAllByRole("button", { name: "Reconnect" })).toHaveLength(1);
    expect(screen.getByTestId("sync-now-greenhouse")).toBeDisabled();

    await user.click(within(status).getByRole("button", { name: "Reconnect" }));
    await waitFor(() => expect(screen.getByTestId("connection-status-greenhouse")).toHaveTextContent("Connected as Sandbox Admin"));
    expect(mock.callsOf("connect")).toEqual([{ provider: "greenhouse", kind: "api_key", sandbox: true, fields: {} }]);
    // Same connection, data kept.
    expect(mock.data.connections.map((c) => c.id)).toEqual(["c1"]);
  });

  it("needs reconnect after a browser sign-in: Reconnect goes straight to the browser with the saved settings", async () => {
    const mock = createMockBackend({
      connections: [
        connection({ id: "lever", provider: "lever", sandbox: false, auth_kind: "oauth_code", state: "needs_reconnect", detail: "Lever needs to be reconnected: the sign-in was revoked." }),
      ],
    });
    const { user } = await openIntegrations(mock);
    await user.click(within(card("lever")).getByRole("button", { name: "Reconnect" }));
    await screen.findByTestId("oauth-waiting");
    expect(mock.callsOf("start_oauth")).toEqual([{ provider: "lever", kind: "oauth_code", sandbox: false, fields: {} }]);
    expect(screen.queryByTestId("connect-form-lever")).not.toBeInTheDocument();
  });

  it("needs reconnect outside the sandbox: Reconnect opens that option's form only", async () => {
    const mock = createMockBackend({
      connections: [connection({ sandbox: false, state: "needs_reconnect", detail: "The key was revoked." })],
    });
    const { user } = await openIntegrations(mock);
    await user.click(within(card("greenhouse")).getByRole("button", { name: "Reconnect" }));
    const form = screen.getByTestId("connect-form-greenhouse");
    expect(form).toHaveTextContent("Reconnect Greenhouse");
    expect(within(form).queryByTestId("auth-option-client_credentials")).not.toBeInTheDocument();
    await user.type(within(form).getByLabelText("Harvest API key"), "valid-key");
    await user.click(within(form).getByRole("button", { name: "Connect" }));
    await waitFor(() => expect(screen.getByTestId("connection-status-greenhouse")).toHaveTextContent("Connected as"));
    expect(mock.callsOf("connect")).toEqual([{ provider: "greenhouse", kind: "api_key", sandbox: false, fields: { api_key: "valid-key" } }]);
  });
});

describe("Integrations: sync, disconnect, checks, webhooks", () => {
  it("Sync now shows a progress bar with counts, and Cancel stops it", async () => {
    const mock = createMockBackend({ connections: [connection()], simulateSync: "manual" });
    const { user } = await openIntegrations(mock);
    await user.click(screen.getByTestId("sync-now-greenhouse"));
    expect(mock.callsOf("sync_now")).toEqual([{ connection_id: "c1" } satisfies SyncRequest]);
    await waitFor(() => expect(screen.getByTestId("sync-now-greenhouse")).toBeDisabled());

    // users (4 steps), jobs (4), stages (4), then candidates half way.
    act(() => {
      for (let i = 0; i < 14; i++) mock.advanceSync("c1");
    });
    const progress = await screen.findByTestId("sync-progress-greenhouse");
    await waitFor(() => expect(progress).toHaveTextContent("Candidates 1,206 / 2,412"));
    const bar = within(progress).getByRole("progressbar");
    expect(bar).toHaveAttribute("aria-valuenow", "1206");
    expect(bar).toHaveAttribute("aria-valuemax", "2412");
    expect(screen.getByTestId("sync-state")).toHaveTextContent("Syncing candidates… 1,206 / 2,412");

    await user.click(within(progress).getByRole("button", { name: "Cancel" }));
    expect(mock.callsOf("cancel_sync")).toEqual([{ connection_id: "c1" }]);
    await waitFor(() => expect(screen.queryByTestId("sync-progress-greenhouse")).not.toBeInTheDocument());
    expect(card("greenhouse")).toHaveTextContent("cancelled; the next sync resumes where it stopped");
    await waitFor(() => expect(screen.getByTestId("sync-now-greenhouse")).toBeEnabled());
  });

  it("a finished sync updates the card's counts and last sync", async () => {
    const mock = createMockBackend({
      connections: [connection(), connection({ id: "lv", provider: "lever", sandbox: true, last_sync_at: null, counts: { jobs: 0, stages: 0, users: 0, candidates: 0, applications: 0 } })],
      simulateSync: "manual",
    });
    const { user } = await openIntegrations(mock);
    expect(within(card("lever")).getByText("never")).toBeInTheDocument();
    await user.click(screen.getByTestId("sync-now-lever"));
    act(() => mock.finishSync("lv"));
    await waitFor(() => expect(within(card("lever")).getAllByText("36")).toHaveLength(2));
    expect(within(card("lever")).queryByText("never")).not.toBeInTheDocument();
    expect(mock.data.candidates.filter((c) => c.connection_id === "lv")).toHaveLength(36);
  });

  it("shows why Sync now could not start, next to the button", async () => {
    const mock = createMockBackend({
      connections: [connection()],
      errors: { sync_now: { code: "network", message: "Cannot reach Greenhouse: check the network connection." } },
    });
    const { user } = await openIntegrations(mock);
    await user.click(screen.getByTestId("sync-now-greenhouse"));
    expect(await within(card("greenhouse")).findByRole("alert")).toHaveTextContent("Cannot reach Greenhouse: check the network connection.");
  });

  it("Disconnect asks first, says local data is removed, then removes it", async () => {
    const mock = createMockBackend({ connections: [connection()], jobs: [job()] });
    const { user } = await openIntegrations(mock);
    await user.click(screen.getByTestId("disconnect-greenhouse"));
    const dialog = screen.getByRole("alertdialog", { name: "Disconnect Greenhouse?" });
    expect(dialog).toHaveTextContent("The local data synced from Greenhouse is removed from this computer: 186 jobs, 2,412 candidates and 3,110 applications.");
    expect(within(dialog).getByRole("button", { name: "Keep Greenhouse" })).toHaveFocus();

    await user.keyboard("{Escape}");
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(mock.callsOf("disconnect")).toEqual([]);

    await user.click(screen.getByTestId("disconnect-greenhouse"));
    await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Disconnect" }));
    await waitFor(() => expect(screen.getByTestId("connection-status-greenhouse")).toHaveTextContent("Not connected"));
    expect(mock.callsOf("disconnect")).toEqual([{ connection_id: "c1" }]);
    expect(mock.data.jobs).toEqual([]);
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(screen.getByTestId("connect-greenhouse")).toBeEnabled();
  });

  it("Troubleshoot runs the four checks and shows each with its fix", async () => {
    const mock = createMockBackend({
      connections: [connection()],
      checks: {
        c1: [
          { id: "oauth", symptom: "OAuth fails", status: "pass", detail: "A test call as Sandbox Admin succeeded.", fix: "never shown for a pass" },
          { id: "candidates", symptom: "No candidates", status: "warn", detail: "Webhooks are rejected: no secret.", fix: "Set the webhook secret below." },
          { id: "writeback", symptom: "No writeback", status: "fail", detail: "No On-Behalf-Of user.", fix: "Reconnect with an On-Behalf-Of user ID." },
          { id: "job_mapping", symptom: "Wrong job", status: "skipped", detail: "Nothing is linked yet.", fix: "Link a requisition to an agent." },
        ],
      },
    });
    const { user } = await openIntegrations(mock);
    const checks = screen.getByTestId("checks-greenhouse");
    await user.click(within(checks).getByRole("button", { name: "Run checks" }));
    const items = await within(checks).findAllByRole("listitem");
    expect(items.map((i) => i.getAttribute("data-testid"))).toEqual(["check-oauth", "check-candidates", "check-writeback", "check-job_mapping"]);
    expect(items[0]).toHaveTextContent("PassOAuth fails");
    expect(items[0]).not.toHaveTextContent("never shown");
    expect(items[1]).toHaveTextContent("Warning");
    expect(items[1]).toHaveTextContent("Fix: Set the webhook secret below.");
    expect(items[2]).toHaveTextContent("Fail");
    expect(items[2]).toHaveTextContent("Fix: Reconnect with an On-Behalf-Of user ID.");
    expect(items[3]).toHaveTextContent("Skipped");
    expect(mock.callsOf("run_checks")).toEqual([{ connection_id: "c1" }]);
    expect(within(checks).getByRole("button", { name: "Run checks again" })).toBeEnabled();
  });

  it("derives failing checks from a connection that needs reconnecting", async () => {
    const mock = createMockBackend({ connections: [connection({ state: "needs_reconnect", detail: "401 from Greenhouse." })] });
    const { user } = await openIntegrations(mock);
    await user.click(within(screen.getByTestId("checks-greenhouse")).getByRole("button", { name: "Run checks" }));
    const oauth = await screen.findByTestId("check-oauth");
    expect(oauth).toHaveTextContent("Fail");
    expect(oauth).toHaveTextContent("Fix: Click Reconnect on this card.");
  });

  it("the webhook secret form is write-only: the secret never shows again", async () => {
    const mock = createMockBackend({
      connections: [connection()],
      atsWebhooks: {
        c1: { connection_id: "c1", url: "http://127.0.0.1:8787/hooks/greenhouse/c1", secret_configured: false, missing_events: [], received: 12, rejected: 2, last_received_at: null },
      },
    });
    const { user } = await openIntegrations(mock);
    const hook = screen.getByTestId("webhook-greenhouse");
    expect(within(hook).getByRole("textbox", { name: "Greenhouse webhook URL" })).toHaveValue("http://127.0.0.1:8787/hooks/greenhouse/c1");
    expect(within(hook).getByRole("button", { name: "Copy URL" })).toBeEnabled();
    expect(hook).toHaveTextContent("Secret key not set: deliveries are rejected until it is.");
    expect(hook).toHaveTextContent("Received 12 · Rejected 2");

    const input = within(hook).getByLabelText("Secret key");
    expect(input).toHaveAttribute("type", "password");
    await user.type(input, "s3cr3t-value");
    await user.click(within(hook).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(within(hook).getByTestId("webhook-secret-state-greenhouse")).toHaveTextContent("Secret key set."));
    expect(mock.callsOf("set_webhook_secret")).toEqual([{ connection_id: "c1", event: null, secret: "s3cr3t-value" } satisfies WebhookSecretRequest]);
    expect(within(hook).getByLabelText("Secret key")).toHaveValue("");
    expect(hook).toHaveTextContent("Secret saved. It is kept in the keychain and never shown again.");
    expect(document.body.textContent).not.toContain("s3cr3t-value");
    expect([...document.querySelectorAll("input")].some((i) => i.value === "s3cr3t-value")).toBe(false);
  });

  it("lists Lever's events without a signature token and sets one per event", async () => {
    const mock = createMockBackend({
      connections: [connection({ id: "lv", provider: "lever" })],
      atsWebhooks: {
        lv: { connection_id: "lv", url: "http://127.0.0.1:8787/hooks/lever/lv", secret_configured: false, missing_events: ["candidateStageChange", "candidateHired"], received: 0, rejected: 0, last_received_at: null },
      },
    });
    const { user } = renderApp({ backend: mock, screen: "integrations" });
    const hook = await screen.findByTestId("webhook-lever");
    expect(hook).toHaveTextContent("Signature tokens missing for: candidateStageChange, candidateHired.");
    await user.selectOptions(within(hook).getByLabelText("Event"), "candidateHired");
    await user.type(within(hook).getByLabelText("Signature token"), "tok-hired");
    await user.click(within(hook).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(hook).toHaveTextContent("Signature tokens missing for: candidateStageChange."));
    expect(mock.callsOf("set_webhook_secret")).toEqual([{ connection_id: "lv", event: "candidateHired", secret: "tok-hired" }]);
  });

  it("sets the background sync interval, 0 turning it off", async () => {
    const mock = createMockBackend({ connections: [connection()] });
    const { user } = await openIntegrations(mock);
    const input = screen.getByTestId("sync-interval");
    await waitFor(() => expect(input).toHaveValue(15));
    await user.clear(input);
    await user.type(input, "5000");
    await user.click(within(screen.getByTestId("sync-settings")).getByRole("button", { name: "Save" }));
    expect(screen.getByTestId("sync-settings")).toHaveTextContent("Enter whole minutes from 0 (off) to 1440 (a day).");
    expect(mock.callsOf("set_sync_settings")).toEqual([]);

    await user.clear(input);
    await user.type(input, "0");
    await user.click(within(screen.getByTestId("sync-settings")).getByRole("button", { name: "Save" }));
    await waitFor(() => expect(screen.getByTestId("sync-settings")).toHaveTextContent("Background sync is off"));
    expect(mock.callsOf("set_sync_settings")).toEqual([{ interval_minutes: 0 }]);
  });
});

describe("secret store warning", () => {
  it("shows an app-wide banner when secrets are not in the keychain", async () => {
    const warning = "No system keychain was found (is a Secret Service running?). Secrets are kept in a file readable by your user account.";
    renderApp({ backend: createMockBackend({ status: { secrets: { backend: "file", warning } } }) });
    const banner = await screen.findByTestId("secrets-warning");
    expect(banner).toHaveTextContent("ATS credentials are kept in a file on this computer.");
    expect(banner).toHaveTextContent(warning);
  });

  it("stays hidden when the keychain is used", async () => {
    const mock = createMockBackend();
    renderApp({ backend: mock });
    await waitFor(() => expect(mock.callsOf("app_status")).toHaveLength(1));
    await screen.findByTestId("workspace-badge");
    expect(screen.queryByTestId("secrets-warning")).not.toBeInTheDocument();
  });
});

describe("Integrations: the interview platform account", () => {
  it("connects a real account with its API key, says when the key is wrong, and goes back to the sandbox", async () => {
    const mock = createMockBackend({ connections: [connection(), platform()] });
    const { user } = await openIntegrations(mock);
    const ip = () => within(card("interview_platform"));
    await user.click(await ip().findByTestId("platform-connect"));

    const key = ip().getByTestId("field-api_key");
    expect(key).toHaveAttribute("type", "password");
    await user.type(key, "nope");
    await user.click(ip().getByTestId("connect-submit-interview_platform"));
    expect(await ip().findByRole("alert")).toHaveTextContent("rejected the API key");

    await user.clear(ip().getByTestId("field-api_key"));
    await user.type(ip().getByTestId("field-api_key"), "valid-key");
    await user.click(ip().getByTestId("connect-submit-interview_platform"));
    await waitFor(() => expect(card("interview_platform")).toHaveTextContent("https://api.heymilo.ai"));
    expect(ip().queryByText("Sandbox")).not.toBeInTheDocument();
    expect(mock.callsOf("connect").at(-1)).toMatchObject({ provider: "interview_platform", kind: "api_key", sandbox: false });

    await user.click(ip().getByTestId("disconnect-interview_platform"));
    const dialog = await screen.findByTestId("disconnect-dialog-interview_platform");
    expect(dialog).toHaveTextContent("goes back to the sandbox");
    await user.click(within(dialog).getByRole("button", { name: "Disconnect" }));
    await waitFor(() => expect(card("interview_platform")).toHaveTextContent("Interview agents — sandbox"));
  });
});
