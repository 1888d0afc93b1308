// The only module that talks to the Tauri runtime.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { COMMAND_NAMES, EVENT_CHANNEL, type AppEvent, type Commands } from "../bindings";
import { toApiError } from "../lib/errors";
import type { Backend, CommandName } from "./types";

function command(name: CommandName) {
  return async (req?: unknown): Promise<unknown> => {
    try {
      // Every command takes at most one argument, named `req` on the Rust side.
      return await invoke(name, req === undefined ? {} : { req });
    } catch (e) {
      // The UI branches on `code` only; make sure there always is one.
      throw toApiError(e);
    }
  };
}

function subscribe(handler: (e: AppEvent) => void): () => void {
  let disposed = false;
  let unlisten: (() => void) | undefined;
  listen<AppEvent>(EVENT_CHANNEL, (event) => handler(event.payload)).then(
    (stop) => {
      if (disposed) stop();
      else unlisten = stop;
    },
    (e: unknown) => console.error("reqlink: cannot listen for app events", e),
  );
  return () => {
    disposed = true;
    unlisten?.();
    unlisten = undefined;
  };
}

export function createTauriBackend(): Backend {
  const commands = Object.fromEntries(COMMAND_NAMES.map((name) => [name, command(name)]));
  return { ...(commands as unknown as Commands), kind: "tauri", subscribe };
}

export const tauriBackend: Backend = createTauriBackend();
