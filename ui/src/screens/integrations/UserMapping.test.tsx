import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ConsoleUserRequest, UserMappingRequest } from "../../bindings";
import { createMockBackend } from "../../backend/mock";
import { connection } from "../../test/fixtures";
import { renderApp } from "../../test/render";

async function openUsers(mock: ReturnType<typeof createMockBackend>, provider = "greenhouse") {
  const utils = renderApp({ backend: mock, screen: "integrations" });
  const section = await screen.findByTestId(`users-${provider}`);
  await within(section).findByTestId("user-row-cu-you");
  return { ...utils, section };
}

describe("ATS card: Users", () => {
  it("lists console users (You by default), says how users are matched and warns while none is mapped", async () => {
    const { section } = await openUsers(createMockBackend({ connections: [connection()] }));
    expect(within(section).getByTestId("user-row-cu-you")).toHaveTextContent("You");
    expect(within(section).getByTestId("user-row-cu-you")).toHaveTextContent("Default");
    expect(within(section).getByTestId("users-matched-by-greenhouse")).toHaveTextContent("user id");
    expect(within(section).getByTestId("users-warning-greenhouse")).toHaveTextContent("links cannot be activated");
    const select = within(section).getByTestId("user-map-cu-you");
    expect(select).toHaveValue("");
    expect(within(select).getByRole("option", { name: "Sandbox Admin (4080123001)" })).toBeInTheDocument();
    expect(within(select).getByRole("option", { name: "Former Coordinator (4080123003) — deactivated" })).toBeInTheDocument();
    // Only connected ATS cards have users.
    expect(screen.queryByTestId("users-lever")).not.toBeInTheDocument();
  });

  it("maps a console user to an ATS user, which clears the warning; a deactivated user does not", async () => {
    const mock = createMockBackend({ connections: [connection()] });
    const { user, section } = await openUsers(mock);
    await user.selectOptions(within(section).getByTestId("user-map-cu-you"), "4080123003");
    await waitFor(() => expect(within(section).getByTestId("user-row-cu-you")).toHaveTextContent("Inactive"));
    expect(within(section).getByTestId("users-warning-greenhouse")).toBeInTheDocument();

    await user.selectOptions(within(section).getByTestId("user-map-cu-you"), "4080123001");
    await waitFor(() => expect(within(section).getByTestId("user-row-cu-you")).toHaveTextContent("Active"));
    expect(within(section).queryByTestId("users-warning-greenhouse")).not.toBeInTheDocument();
    expect((mock.callsOf("set_user_mapping") as UserMappingRequest[]).at(-1)).toEqual({ connection_id: "c1", console_user_id: "cu-you", ats_user_id: "4080123001" });

    await user.selectOptions(within(section).getByTestId("user-map-cu-you"), "");
    await waitFor(() => expect(within(section).getByTestId("users-warning-greenhouse")).toBeInTheDocument());
    expect((mock.callsOf("set_user_mapping") as UserMappingRequest[]).at(-1)).toMatchObject({ ats_user_id: null });
  });

  it("matches Lever users by e-mail", async () => {
    const { section } = await openUsers(createMockBackend({ connections: [connection({ id: "lv", provider: "lever" })] }), "lever");
    expect(within(section).getByTestId("users-matched-by-lever")).toHaveTextContent("e-mail");
    expect(within(within(section).getByTestId("user-map-cu-you")).getByRole("option", { name: "Sandbox Admin (admin@acme-sandbox.example)" })).toBeInTheDocument();
  });

  it("adds a console user, and shows the backend's reason when it refuses one", async () => {
    const mock = createMockBackend({ connections: [connection()] });
    const { user, section } = await openUsers(mock);
    await user.click(within(section).getByTestId("add-console-user-greenhouse"));
    expect(within(section).getByTestId("console-user-submit")).toBeDisabled();
    await user.type(within(section).getByTestId("console-user-name"), "Riley Recruiter");
    await user.type(within(section).getByTestId("console-user-email"), "not-an-address");
    await user.click(within(section).getByTestId("console-user-submit"));
    expect(await within(section).findByRole("alert")).toHaveTextContent("“not-an-address” is not an e-mail address.");

    await user.clear(within(section).getByTestId("console-user-email"));
    await user.type(within(section).getByTestId("console-user-email"), "riley@example.com");
    await user.click(within(section).getByTestId("console-user-submit"));
    await waitFor(() => expect(within(section).getAllByTestId(/^user-row-/)).toHaveLength(2));
    expect(within(section).getAllByTestId(/^user-row-/)[1]).toHaveTextContent("Riley Recruiter");
    expect((mock.callsOf("add_console_user") as ConsoleUserRequest[]).at(-1)).toEqual({ name: "Riley Recruiter", email: "riley@example.com" });
    expect(within(section).queryByTestId("console-user-name")).not.toBeInTheDocument();
  });

  it("shows loading, then the backend's error", async () => {
    const mock = createMockBackend({ connections: [connection()], errors: { user_mappings: { code: "storage", message: "The database is locked." } } });
    renderApp({ backend: mock, screen: "integrations" });
    const section = await screen.findByTestId("users-greenhouse");
    expect(await within(section).findByTestId("error-banner")).toHaveTextContent("The database is locked.");
  });
});
