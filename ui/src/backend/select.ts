import type { Backend } from "./types";

declare global {
  interface Window {
    __TAURI_INTERNALS__?: unknown;
  }
}

/**
 * The Tauri backend inside the desktop shell; otherwise (plain browser,
 * `npm run dev`) an in-memory mock with realistic demo data. Each is loaded
 * on demand, so the desktop bundle never runs the mock.
 */
export async function selectBackend(): Promise<Backend> {
  if (typeof window !== "undefined" && window.__TAURI_INTERNALS__ !== undefined) {
    const { tauriBackend } = await import("./tauri");
    return tauriBackend;
  }
  const { createMockBackend } = await import("./mock");
  const { demoData } = await import("./demo");
  return createMockBackend({ ...demoData(), simulateSync: true, simulateInbox: true, latencyMs: 150 });
}
