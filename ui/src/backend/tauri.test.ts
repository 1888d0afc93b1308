import { beforeEach, describe, expect, it, vi } from "vitest";
import { COMMAND_NAMES, EVENT_CHANNEL, type AppEvent } from "../bindings";
import { createTauriBackend } from "./tauri";

const { invoke, listen } = vi.hoisted(() => ({ invoke: vi.fn(), listen: vi.fn() }));
vi.mock("@tauri-apps/api/core", () => ({ invoke }));
vi.mock("@tauri-apps/api/event", () => ({ listen }));

beforeEach(() => {
  invoke.mockReset();
  listen.mockReset();
});

describe("tauriBackend", () => {
  it("has a function for every generated command name", () => {
    const backend = createTauriBackend();
    for (const name of COMMAND_NAMES) expect(typeof backend[name]).toBe("function");
    expect(backend.kind).toBe("tauri");
  });

  it("sends the argument as `req`, and nothing for argument-less commands", async () => {
    invoke.mockResolvedValueOnce({ items: [], total: 0 }).mockResolvedValue(null);
    const backend = createTauriBackend();
    const req = { search: "eng", connection_id: null, status: null, sort: null, dir: null, offset: 0, limit: 100 };
    await expect(backend.list_jobs(req)).resolves.toEqual({ items: [], total: 0 });
    await backend.app_status();
    await backend.sync_now({ connection_id: null });
    expect(invoke).toHaveBeenNthCalledWith(1, "list_jobs", { req });
    expect(invoke).toHaveBeenNthCalledWith(2, "app_status", {});
    expect(invoke).toHaveBeenNthCalledWith(3, "sync_now", { req: { connection_id: null } });
  });

  it("passes an ApiError from the host through unchanged", async () => {
    invoke.mockRejectedValueOnce({ code: "rate_limited", message: "Greenhouse says slow down" });
    await expect(createTauriBackend().list_connections()).rejects.toEqual({
      code: "rate_limited",
      message: "Greenhouse says slow down",
    });
  });

  it("normalises a thrown string (e.g. an ACL refusal) into an internal ApiError", async () => {
    invoke.mockRejectedValueOnce("Command app_status not allowed by ACL");
    await expect(createTauriBackend().app_status()).rejects.toEqual({
      code: "internal",
      message: "Command app_status not allowed by ACL",
    });
  });

  it("normalises a thrown Error into an internal ApiError", async () => {
    invoke.mockRejectedValueOnce(new TypeError("window.__TAURI_INTERNALS__ is undefined"));
    await expect(createTauriBackend().list_agents()).rejects.toEqual({
      code: "internal",
      message: "TypeError: window.__TAURI_INTERNALS__ is undefined",
    });
  });

  it("listens on the event channel and forwards payloads", async () => {
    const unlisten = vi.fn();
    let deliver: ((e: { payload: AppEvent }) => void) | undefined;
    listen.mockImplementation((_channel: string, cb: (e: { payload: AppEvent }) => void) => {
      deliver = cb;
      return Promise.resolve(unlisten);
    });
    const handler = vi.fn();
    const stop = createTauriBackend().subscribe(handler);
    expect(listen).toHaveBeenCalledWith(EVENT_CHANNEL, expect.any(Function));
    const event: AppEvent = { type: "data_changed", entities: ["jobs"] };
    deliver?.({ payload: event });
    expect(handler).toHaveBeenCalledWith(event);
    await Promise.resolve();
    stop();
    expect(unlisten).toHaveBeenCalledTimes(1);
  });

  it("unlistens even when unsubscribed before listen() resolved", async () => {
    const unlisten = vi.fn();
    let resolve: ((u: () => void) => void) | undefined;
    listen.mockReturnValue(new Promise((r) => (resolve = r)));
    const stop = createTauriBackend().subscribe(vi.fn());
    stop();
    resolve?.(unlisten);
    await vi.waitFor(() => expect(unlisten).toHaveBeenCalledTimes(1));
  });
});
