// The UI's view of the desktop host. Deliberately free of @tauri-apps imports
// so screens and tests depend only on this interface.
import type { AppEvent, Commands, COMMAND_NAMES } from "../bindings";

export type CommandName = (typeof COMMAND_NAMES)[number];

// Compile-time guard: the generated name list and the Commands interface agree.
type Missing = Exclude<keyof Commands, CommandName>;
type Extra = Exclude<CommandName, keyof Commands>;
export const commandListsAgree: [Missing, Extra] extends [never, never] ? true : never = true;

export interface Backend extends Commands {
  /** "tauri" inside the desktop shell; "mock" in tests and the browser preview. */
  readonly kind: "tauri" | "mock";
  /** Calls `handler` for every event on the app channel; returns an unsubscribe. */
  subscribe(handler: (e: AppEvent) => void): () => void;
}
