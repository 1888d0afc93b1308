import { screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExportRequest, ReportQuery } from "../../bindings";
import { createMockBackend } from "../../backend/mock";
import { connection, job, loopData, mockLink, pipelineEntry, report } from "../../test/fixtures";
import { renderApp } from "../../test/render";

const HOUR = 3_600_000;
const ago = (h: number) => new Date(Date.now() - h * HOUR).toISOString();

const reports = () => [
  report({ row: { interview_id: "iv1", posting_id: "p1", candidate_name: "Jane Doe", candidate_email: "jane@example.com", reported_at: ago(1) } }),
  report({ row: { interview_id: "iv2", posting_id: "p1", candidate_name: "Omar Haddad", candidate_email: null, reported_at: ago(2) } }),
  report({ row: { interview_id: "iv3", posting_id: "p9", candidate_name: "Lea Roth", candidate_email: "lea@example.com", reported_at: ago(3) } }),
];

function backend(over = {}) {
  return createMockBackend({
    connections: [connection({ id: "gh", provider: "greenhouse", label: "Acme on Greenhouse" }), connection({ id: "lv", provider: "lever", label: "Acme on Lever" })],
    jobs: [
      job({ id: "J1", connection_id: "gh", name: "Backend Engineer" }),
      job({ id: "J2", connection_id: "gh", name: "Data Engineer" }),
      job({ id: "P1", connection_id: "lv", name: "Account Executive" }),
    ],
    reports: reports(),
    userMappings: {
      gh: [{ console_user_id: "cu-you", ats_user_id: "4080123001" }],
      lv: [{ console_user_id: "cu-you", ats_user_id: "8d1c2a4e-0b6f-4c53-9d1e-3f2a5b6c7d80" }],
    },
    ...over,
  });
}

async function openExport(mock: ReturnType<typeof backend>, ids: string[] = ["iv1"]) {
  const utils = renderApp({ backend: mock, screen: "reports" });
  await screen.findAllByTestId("report-row");
  expect(screen.getByTestId("export-button")).toBeDisabled();
  for (const id of ids) await utils.user.click(screen.getByTestId(`report-select-${id}`));
  // Ticking a row does not open the report.
  expect(screen.queryByRole("tab")).not.toBeInTheDocument();
  await utils.user.click(screen.getByTestId("export-button"));
  const dialog = screen.getByTestId("export-dialog");
  await within(dialog).findByTestId("export-connection");
  return { ...utils, dialog };
}

const explain = () => screen.getByTestId("export-explain");

describe("Export to ATS", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("explains the Greenhouse rule: one job makes a candidate, none or several a prospect", async () => {
    const { user, dialog } = await openExport(backend());
    expect(within(dialog).getByTestId("export-connection")).toHaveValue("gh");
    expect(explain()).toHaveTextContent("Prospect");
    expect(explain()).toHaveTextContent("prospect on no job");
    await user.click(await within(dialog).findByTestId("export-job-J1"));
    expect(explain()).toHaveTextContent("Candidate");
    expect(explain()).toHaveTextContent("candidate with an application on “Backend Engineer”");
    await user.click(within(dialog).getByTestId("export-job-J2"));
    expect(explain()).toHaveTextContent("Prospect");
    expect(explain()).toHaveTextContent("prospect on the 2 selected jobs");
  });

  it("explains the Lever rule: one posting makes an opportunity, none a general opportunity in New Lead from Reqlink", async () => {
    const { user, dialog } = await openExport(backend());
    await user.selectOptions(within(dialog).getByTestId("export-connection"), "lv");
    expect(await within(dialog).findByTestId("export-job-none")).toBeChecked();
    expect(explain()).toHaveTextContent("General opportunity");
    expect(explain()).toHaveTextContent("“New Lead”");
    expect(explain()).toHaveTextContent("“Reqlink”");
    await user.click(await within(dialog).findByTestId("export-job-P1"));
    expect(explain()).toHaveTextContent("Opportunity");
    expect(explain()).toHaveTextContent("opportunity on the posting “Account Executive”");
  });

  it.each([
    ["gh", ["J1"], "Candidate"],
    ["gh", [], "Prospect"],
    ["gh", ["J1", "J2"], "Prospect"],
    ["lv", ["P1"], "Opportunity"],
    ["lv", [], "General opportunity"],
  ] as const)("exports to %s with %j and shows %s in the summary", async (conn, jobIds, kind) => {
    const mock = backend();
    const { user, dialog } = await openExport(mock);
    if (conn === "lv") await user.selectOptions(within(dialog).getByTestId("export-connection"), "lv");
    for (const id of jobIds) await user.click(await within(dialog).findByTestId(`export-job-${id}`));
    await user.click(within(dialog).getByTestId("export-run"));
    const summary = await within(dialog).findByTestId("export-summary");
    expect((mock.callsOf("export_candidates") as ExportRequest[])[0]).toEqual({ connection_id: conn, interview_ids: ["iv1"], job_ids: [...jobIds] });
    expect(within(summary).getByTestId("export-kind-iv1")).toHaveTextContent(kind);
    expect(within(summary).getByTestId("export-succeeded")).toHaveTextContent("1");
  });

  it("summarises succeeded, failed (with the reason) and skipped, then badges the exported rows", async () => {
    const mock = backend();
    const { user, dialog } = await openExport(mock, ["iv1", "iv2"]);
    await user.click(await within(dialog).findByTestId("export-job-J1"));
    await user.click(within(dialog).getByTestId("export-run"));
    const summary = await within(dialog).findByTestId("export-summary");
    expect(within(summary).getByTestId("export-succeeded")).toHaveTextContent("1");
    expect(within(summary).getByTestId("export-failed")).toHaveTextContent("1");
    expect(within(summary).getByTestId("export-skipped")).toHaveTextContent("0");
    expect(within(summary).getByTestId("export-result-iv2")).toHaveTextContent("Failed");
    expect(within(summary).getByTestId("export-result-iv2")).toHaveTextContent("no e-mail address");
    expect(summary).toHaveTextContent("1 candidate exported to Greenhouse · 1 failed");
    await user.click(within(dialog).getByTestId("export-close"));

    const today = new Date();
    const badge = await screen.findByTestId("exported-badge-iv1");
    expect(badge).toHaveTextContent(`Exported to Greenhouse ${today.toLocaleString("en-US", { month: "short" })} ${today.getDate()}, ${today.getFullYear()}`);
    expect(screen.queryByTestId("exported-badge-iv2")).not.toBeInTheDocument();
    expect(screen.getByTestId("last-export")).toHaveTextContent("Last export: 1 candidate exported to Greenhouse · 1 failed");
    // The selection was cleared.
    expect(screen.getByTestId("export-button")).toBeDisabled();

    // Exporting the same person again skips them.
    await user.click(screen.getByTestId("report-select-iv1"));
    await user.click(screen.getByTestId("export-button"));
    const again = screen.getByTestId("export-dialog");
    await user.click(await within(again).findByTestId("export-run"));
    const second = await within(again).findByTestId("export-summary");
    expect(within(second).getByTestId("export-skipped")).toHaveTextContent("1");
    expect(within(second).getByTestId("export-result-iv1")).toHaveTextContent("Already exported");
  });

  it("warns when no user is mapped, and shows the backend's refusal", async () => {
    const mock = backend({ userMappings: {} });
    const { user, dialog } = await openExport(mock);
    expect(await within(dialog).findByTestId("export-mapping-warning")).toHaveTextContent("Only mapped users can export");
    await user.click(within(dialog).getByTestId("export-run"));
    expect(await within(dialog).findByTestId("error-banner")).toHaveTextContent("Only mapped users can export");
    expect(within(dialog).queryByTestId("export-summary")).not.toBeInTheDocument();
  });

  it("says to connect Greenhouse or Lever when neither is connected", async () => {
    const mock = backend({ connections: [connection({ id: "wd", provider: "workday" })] });
    const { user } = renderApp({ backend: mock, screen: "reports" });
    await user.click(await screen.findByTestId("report-select-iv1"));
    await user.click(screen.getByTestId("export-button"));
    const dialog = screen.getByTestId("export-dialog");
    expect(await within(dialog).findByTestId("export-no-ats")).toHaveTextContent("Connect Greenhouse or Lever");
    expect(within(dialog).getByTestId("export-run")).toBeDisabled();
  });
});

describe("Reports: exported badge and requisition filter", () => {
  it("shows an Exported to <ATS> <date> badge from the row's marks", async () => {
    const mock = createMockBackend({
      connections: [connection({ id: "lv", provider: "lever" })],
      reports: [
        report({
          row: {
            interview_id: "iv1",
            exported: [{ connection_id: "lv", provider: "lever", ats_candidate_id: "abc", exported_at: new Date(2025, 2, 4, 12).toISOString() }],
          },
        }),
      ],
    });
    renderApp({ backend: mock, screen: "reports" });
    expect(await screen.findByTestId("exported-badge-iv1")).toHaveTextContent("Exported to Lever Mar 4, 2025");
  });

  it("filters reports by requisition (ATS + job) through list_reports", async () => {
    const mock = createMockBackend({
      ...loopData(),
      reports: [
        report({ row: { interview_id: "ivA", posting_id: "p1", candidate_name: "Linked Agent", reported_at: ago(1) } }),
        report({ row: { interview_id: "ivB", posting_id: "p9", candidate_name: "Invited Here", reported_at: ago(2) } }),
        report({ row: { interview_id: "ivC", posting_id: "p9", candidate_name: "Elsewhere", reported_at: ago(3) } }),
      ],
      links: [mockLink({ id: "L1", job_id: "1", posting_id: "p1" })],
      pipeline: [pipelineEntry({ link_id: "L1", interview_id: "ivB" })],
    });
    const { user } = renderApp({ backend: mock, screen: "reports" });
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(3));
    await waitFor(() => expect(within(screen.getByTestId("filter-connection")).getByRole("option", { name: /Greenhouse/ })).toBeInTheDocument());
    await user.selectOptions(screen.getByTestId("filter-connection"), "c1");
    await user.click(screen.getByTestId("filter-job"));
    await user.type(screen.getByTestId("filter-job"), "Backend");
    const option = await screen.findByRole("option", { name: /Backend Engineer/ });
    await user.click(option);
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(2));
    expect(screen.getAllByTestId("report-row").map((r) => r.querySelector(".cell-primary")?.textContent)).toEqual(["Linked Agent", "Invited Here"]);
    expect((mock.callsOf("list_reports") as ReportQuery[]).at(-1)).toMatchObject({ connection_id: "c1", job_id: "1" });
    expect(screen.getByText("2 matching reports")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Clear" }));
    // Back to every report (the unfiltered page comes from the cache).
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(3));
    expect(screen.getByTestId("filter-job")).toHaveValue("");
  });
});
