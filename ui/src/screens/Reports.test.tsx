import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ReportQuery } from "../bindings";
import { createMockBackend, type MockBackend } from "../backend/mock";
import { agent, line, report, scorecardItem } from "../test/fixtures";
import { renderApp } from "../test/render";

const HOUR = 3_600_000;
const ago = (h: number) => new Date(Date.now() - h * HOUR).toISOString();

function reportCalls(mock: MockBackend): ReportQuery[] {
  return mock.callsOf("list_reports") as ReportQuery[];
}

/** A 40-line interview: the interviewer asks, the candidate answers. */
function transcript40() {
  return Array.from({ length: 40 }, (_, i) =>
    line({
      speaker: i % 2 === 0 ? "bot" : "user",
      text: i % 2 === 0 ? `Question ${i / 2 + 1}: tell me about your work.` : i === 13 ? "We moved the ledger to Postgres last spring." : `Answer number ${(i + 1) / 2}.`,
      timestamp: i * 15,
      timestamp_str: `${String(Math.floor((i * 15) / 60)).padStart(2, "0")}:${String((i * 15) % 60).padStart(2, "0")}`,
    }),
  );
}

const two = () => [
  report({
    row: { interview_id: "iv1", posting_id: "p1", posting_title: "Backend screen", candidate_name: "Jane Doe", candidate_email: "jane@example.com", match_score: 82, has_pdf: true, reported_at: ago(1) },
    transcript: [
      line({ speaker: "bot", text: "How do you test input handling?", timestamp: 0, timestamp_str: "00:00" }),
      line({ speaker: "user", text: "Typing <script>alert(1)</script> tests escaping.", timestamp: 5, timestamp_str: "00:05" }),
    ],
  }),
  report({
    row: { interview_id: "iv2", posting_id: "p2", posting_title: "Sales screen", candidate_name: "Omar Haddad", candidate_email: "omar@example.com", match_score: 41, has_pdf: false, reported_at: ago(30) },
    transcript: [line({ text: "I closed a large deal with a hospital network." })],
  }),
];

const agents = [agent({ posting_id: "p1", title: "Backend screen" }), agent({ posting_id: "p2", title: "Sales screen", webhooks: [] })];

describe("Reports list", () => {
  it("renders a row per report: candidate, agent, coloured score, status, time and PDF state", async () => {
    renderApp({ backend: createMockBackend({ reports: two(), agents }), screen: "reports" });
    const rows = await screen.findAllByTestId("report-row");
    expect(rows).toHaveLength(2);
    // Newest first by default.
    expect(rows[0]).toHaveTextContent("Jane Doe");
    expect(rows[0]).toHaveTextContent("jane@example.com");
    expect(rows[0]).toHaveTextContent("Backend screen");
    expect(rows[0]).toHaveTextContent("Completed");
    expect(rows[0]).toHaveTextContent("1 h ago");
    expect(rows[0]).toHaveTextContent("PDF cached for offline reading");
    expect(within(rows[0]!).getByTitle("Match score 82 of 100")).toHaveClass("score-pill--green");
    expect(rows[1]).toHaveTextContent("Omar Haddad");
    expect(rows[1]).toHaveTextContent("PDF not downloaded yet");
    expect(within(rows[1]!).getByTitle("Match score 41 of 100")).toHaveClass("score-pill--red");
    expect(screen.getByText("2 reports")).toBeInTheDocument();
    expect(screen.getByRole("columnheader", { name: "Reported" })).toHaveAttribute("aria-sort", "descending");
  });

  it("explains honestly where reports come from when there are none, and points to Webhooks", async () => {
    const { user } = renderApp({ backend: createMockBackend({ agents }), screen: "reports" });
    const empty = await screen.findByTestId("empty-state");
    expect(empty).toHaveTextContent("No interview reports yet.");
    expect(empty).toHaveTextContent("report_available");
    expect(empty).toHaveTextContent("Subscribe all");
    expect(screen.queryByTestId("score-chart")).not.toBeInTheDocument();
    expect(screen.queryByRole("searchbox")).not.toBeInTheDocument();
    await user.click(within(empty).getByRole("button", { name: "Open Webhooks" }));
    expect(screen.getByTestId("screen-webhooks")).toBeInTheDocument();
  });

  it("searches after a 250 ms pause and marks the hits in each row's snippet, as text", async () => {
    const mock = createMockBackend({ reports: two(), agents });
    const { user } = renderApp({ backend: mock, screen: "reports" });
    await screen.findAllByTestId("report-row");
    await user.type(screen.getByRole("searchbox", { name: "Search reports" }), "escaping");
    // Typed, but the debounce has not fired yet.
    expect(reportCalls(mock).filter((q) => q.search !== null)).toHaveLength(0);
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(1));
    // One query for the whole word, none per keystroke.
    expect(reportCalls(mock).map((q) => q.search).filter((s) => s !== null)).toEqual(["escaping"]);

    const row = screen.getByTestId("report-row");
    const snippet = within(row).getByTestId("report-snippet");
    const marks = snippet.querySelectorAll("mark");
    expect([...marks].map((m) => m.textContent)).toEqual(["escaping"]);
    // The candidate's "<script>" is data: it shows as text and is no element.
    expect(snippet).toHaveTextContent("Typing <script>alert(1)</script> tests escaping.");
    expect(document.querySelector("[data-testid='screen-reports'] script")).toBeNull();
    expect(screen.getByText(/best match first/)).toBeInTheDocument();
  });

  it("offers the agents of stored reports in the filter when the platform cannot be reached", async () => {
    const mock = createMockBackend({ reports: two(), agents, errors: { list_agents: { code: "network", message: "could not reach the interview platform" } } });
    const { user } = renderApp({ backend: mock, screen: "reports" });
    await screen.findAllByTestId("report-row");
    const filter = screen.getByRole("combobox", { name: "Agent" });
    await waitFor(() => expect(within(filter).getByRole("option", { name: "Sales screen" })).toBeInTheDocument());
    expect(within(filter).getByRole("option", { name: "Backend screen" })).toBeInTheDocument();
    await user.selectOptions(filter, "p2");
    await waitFor(() => expect(reportCalls(mock).at(-1)).toMatchObject({ posting_id: "p2" }));
  });

  it("passes the agent, score and date filters to list_reports", async () => {
    const mock = createMockBackend({ reports: two(), agents });
    const { user } = renderApp({ backend: mock, screen: "reports" });
    await screen.findAllByTestId("report-row");

    await user.selectOptions(screen.getByRole("combobox", { name: "Agent" }), "p2");
    await waitFor(() => expect(reportCalls(mock).at(-1)).toMatchObject({ posting_id: "p2" }));
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(1));
    expect(screen.getByTestId("report-row")).toHaveTextContent("Omar Haddad");

    await user.selectOptions(screen.getByRole("combobox", { name: "Agent" }), "");
    await user.type(screen.getByRole("spinbutton", { name: "Minimum score" }), "60");
    await waitFor(() => expect(reportCalls(mock).at(-1)).toMatchObject({ posting_id: null, min_score: 60, max_score: null }));
    // Debounced: no query for the "6" typed on the way to "60".
    expect(reportCalls(mock).some((q) => q.min_score === 6)).toBe(false);
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(1));
    expect(screen.getByTestId("report-row")).toHaveTextContent("Jane Doe");

    fireEvent.change(screen.getByLabelText("Reported from"), { target: { value: "2025-03-01" } });
    await waitFor(() => expect(reportCalls(mock).at(-1)).toMatchObject({ from: new Date(2025, 2, 1).toISOString(), min_score: 60 }));
  });

  it("filters by interview status", async () => {
    const reports = two();
    reports[1]!.row.status = "dismissed";
    const mock = createMockBackend({ reports, agents });
    const { user } = renderApp({ backend: mock, screen: "reports" });
    await screen.findAllByTestId("report-row");
    await user.selectOptions(screen.getByRole("combobox", { name: "Status" }), "dismissed");
    await waitFor(() => expect(reportCalls(mock).at(-1)).toMatchObject({ status: "dismissed" }));
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(1));
    expect(screen.getByTestId("report-row")).toHaveTextContent("Omar Haddad");
  });

  it("sorts by score through the column header", async () => {
    const mock = createMockBackend({ reports: two(), agents });
    const { user } = renderApp({ backend: mock, screen: "reports" });
    await screen.findAllByTestId("report-row");
    await user.click(screen.getByRole("button", { name: "Score" }));
    await waitFor(() => expect(reportCalls(mock).at(-1)).toMatchObject({ sort: "score", dir: "desc" }));
    await user.click(screen.getByRole("button", { name: "Score" }));
    await waitFor(() => expect(reportCalls(mock).at(-1)).toMatchObject({ sort: "score", dir: "asc" }));
    await waitFor(() => expect(screen.getAllByTestId("report-row")[0]).toHaveTextContent("Omar Haddad"));
  });

  it("draws each agent's score distribution in ten buckets, and filters by agent on click", async () => {
    const reports = [
      ...two(),
      report({ row: { interview_id: "iv3", posting_id: "p1", posting_title: "Backend screen", match_score: 88, reported_at: ago(50) } }),
    ];
    const mock = createMockBackend({ reports, agents });
    const { user } = renderApp({ backend: mock, screen: "reports" });
    const chart = await screen.findByTestId("score-chart");
    const perAgent = within(chart).getAllByTestId("score-chart-agent");
    expect(perAgent).toHaveLength(2);
    expect(perAgent[0]).toHaveTextContent("Backend screen");
    expect(perAgent[0]).toHaveTextContent("2 reports");
    expect(perAgent[0]!.querySelectorAll(".score-chart__bar")).toHaveLength(10);
    expect(within(perAgent[0]!).getByRole("img")).toHaveAccessibleName(expect.stringContaining("80–89: 2"));
    expect(within(perAgent[1]!).getByRole("img")).toHaveAccessibleName(expect.stringContaining("40–49: 1"));

    await user.click(perAgent[1]!);
    await waitFor(() => expect(reportCalls(mock).at(-1)).toMatchObject({ posting_id: "p2" }));
    expect(screen.getByRole("combobox", { name: "Agent" })).toHaveValue("p2");
  });

  it("refetches the list and the chart when the backend reports new reports", async () => {
    const mock = createMockBackend({ reports: two(), agents });
    renderApp({ backend: mock, screen: "reports" });
    await screen.findAllByTestId("report-row");
    const chartCalls = mock.callsOf("score_distribution").length;
    mock.data.reports.push(report({ row: { interview_id: "iv9", candidate_name: "Mei Chen", reported_at: ago(0.1) } }));
    act(() => mock.emit({ type: "data_changed", entities: ["reports"] }));
    await waitFor(() => expect(screen.getAllByTestId("report-row")).toHaveLength(3));
    expect(screen.getAllByTestId("report-row")[0]).toHaveTextContent("Mei Chen");
    await waitFor(() => expect(mock.callsOf("score_distribution").length).toBeGreaterThan(chartCalls));
  });

  it("shows the backend's message when reports cannot be listed", async () => {
    renderApp({
      backend: createMockBackend({ errors: { list_reports: { code: "storage", message: "The database is locked." } } }),
      screen: "reports",
    });
    expect(await screen.findByTestId("error-banner")).toHaveTextContent("The database is locked.");
  });
});

describe("Report view", () => {
  function full() {
    return report({
      row: { interview_id: "iv1", candidate_name: "Jane Doe", posting_title: "Backend screen", match_score: 78, has_pdf: true },
      highlights: ["Strong grasp of Postgres internals.", "Clear incident write-ups."],
      lowlights: ["Little distributed systems experience."],
      match_details: ["Owned the billing ledger."],
      tags: ["Technical Skills", "Ownership"],
      scorecard: [
        scorecardItem({ question_id: "Q1", question: "Walk me through your background.", evaluation_score: 7, score_weight: 5, evaluation_summary: "Clear overview.\nMissing numbers." }),
        scorecardItem({ question_id: "Q2", question: "Tell me about an incident.", evaluation_score: 4, score_weight: 3, excerpts: [line({ speaker: "Candidate", text: "The pool ran dry.", timestamp_str: "04:34" })] }),
        scorecardItem({ question_id: "Q3", question: "Salary expectations?", not_scored: true, evaluation_score: 0, score_weight: 0 }),
      ],
      speech_score: -1,
      transcript: transcript40(),
    });
  }

  it("opens from a row with the header, scorecard, communication and the full transcript", async () => {
    const mock = createMockBackend({ reports: [full()], agents });
    const { user } = renderApp({ backend: mock, screen: "reports" });
    await user.click(await screen.findByTestId("report-row"));
    const view = screen.getByTestId("report-view");
    const items = await within(view).findAllByTestId("scorecard-item");
    expect(mock.callsOf("get_report")).toEqual([{ interview_id: "iv1" }]);

    expect(within(view).getByRole("heading", { name: "Jane Doe" })).toBeInTheDocument();
    expect(within(view).getByTitle("Match score 78 of 100")).toBeInTheDocument();
    expect(within(view).getByTestId("pdf-state")).toHaveTextContent("PDF cached for offline reading");
    for (const [name, href] of [
      [/Audio recording/, "https://cdn.example.com/audio/iv1.wav"],
      [/Video recording/, "https://cdn.example.com/video/iv1.mp4"],
      [/Report on the interview platform/, "https://cdn.example.com/reports/iv1.pdf"],
    ] as const) {
      const link = within(view).getByRole("link", { name });
      expect(link).toHaveAttribute("href", href);
      expect(link).toHaveAttribute("target", "_blank");
      expect(link).toHaveAttribute("rel", "noreferrer");
    }
    expect(within(view).getByTestId("highlights")).toHaveTextContent("Strong grasp of Postgres internals.");
    expect(within(view).getByTestId("lowlights")).toHaveTextContent("Little distributed systems experience.");
    expect(within(view).getByTestId("match-details")).toHaveTextContent("Owned the billing ledger.");
    expect(within(view).getByRole("list", { name: "Tags" })).toHaveTextContent("Ownership");

    expect(items).toHaveLength(3);
    const first = items[0]!;
    expect(first).toHaveTextContent("Walk me through your background.");
    expect(first).toHaveTextContent("7/10");
    expect(first).toHaveTextContent("Weight 5");
    expect(first).toHaveTextContent("A clear, concise summary of relevant experience.");
    expect(first).toHaveTextContent("Vague, no roles or timeline.");
    expect(first).toHaveTextContent("Clear, chronological, with achievements.");
    // The summary keeps its line breaks (shown with white-space: pre-line).
    expect(first.querySelector(".sc-summary")?.textContent).toBe("Clear overview.\nMissing numbers.");
    expect(items[1]).toHaveTextContent("4/10");
    expect(items[1]).toHaveTextContent("04:34");
    expect(items[1]).toHaveTextContent("The pool ran dry.");
    expect(items[2]).toHaveTextContent("Not scored");

    expect(within(view).getByTestId("communication")).toHaveTextContent("Speech scoreNot scored");

    const lines = within(view).getAllByTestId("transcript-line");
    expect(lines).toHaveLength(40);
    expect(lines[0]).toHaveTextContent("00:00Interviewer");
    expect(lines[1]).toHaveTextContent("00:15Candidate");

    await user.type(within(view).getByRole("searchbox", { name: "Filter transcript" }), "postgres");
    const filtered = within(view).getAllByTestId("transcript-line");
    expect(filtered).toHaveLength(1);
    expect(filtered[0]).toHaveTextContent("We moved the ledger to Postgres last spring.");
    expect(filtered[0]!.querySelector("mark")).toHaveTextContent("Postgres");
    expect(within(view).getByText("1 of 40 lines")).toBeInTheDocument();

    await user.click(within(view).getByRole("button", { name: /Back to reports/ }));
    expect(screen.queryByTestId("report-view")).not.toBeInTheDocument();
    expect(screen.getAllByTestId("report-row")).toHaveLength(1);
  });

  it("renders platform text as text, and only the sanitized posting description as HTML", async () => {
    const xss = "<img src=x onerror=alert(1)>";
    const mock = createMockBackend({
      reports: [
        report({
          row: { interview_id: "iv1", candidate_name: `Eve ${xss}` },
          highlights: [`Pasted ${xss} in the chat`],
          lowlights: ["<b>bold claim</b>"],
          transcript: [line({ text: `My name is ${xss}` })],
          scorecard: [scorecardItem({ evaluation_summary: `Said ${xss}` })],
          posting_description_html: "<p>We are hiring a <strong>backend engineer</strong>.</p>",
        }),
      ],
      agents,
    });
    const { user } = renderApp({ backend: mock, screen: "reports" });
    await user.click(await screen.findByTestId("report-row"));
    const view = screen.getByTestId("report-view");
    await within(view).findAllByTestId("scorecard-item");

    expect(within(view).getByTestId("highlights")).toHaveTextContent(`Pasted ${xss} in the chat`);
    expect(within(view).getByTestId("lowlights")).toHaveTextContent("<b>bold claim</b>");
    expect(within(view).getByRole("heading", { name: `Eve ${xss}` })).toBeInTheDocument();
    expect(within(view).getByTestId("transcript-line")).toHaveTextContent(`My name is ${xss}`);
    expect(view.querySelector("img")).toBeNull();
    expect(within(view).getByTestId("lowlights").querySelector("b")).toBeNull();

    const description = within(view).getByTestId("posting-description");
    expect(description.querySelector("strong")).toHaveTextContent("backend engineer");
    expect(description).toHaveTextContent("We are hiring a backend engineer.");
  });

  it("says when the report cannot be opened, and goes back on Escape", async () => {
    const mock = createMockBackend({ reports: two(), agents, errors: { get_report: { code: "malformed_response", message: "The stored report cannot be read." } } });
    const { user } = renderApp({ backend: mock, screen: "reports" });
    await user.click((await screen.findAllByTestId("report-row"))[0]!);
    expect(await within(screen.getByTestId("report-view")).findByTestId("error-banner")).toHaveTextContent("The stored report cannot be read.");
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("report-view")).not.toBeInTheDocument();
  });
});
