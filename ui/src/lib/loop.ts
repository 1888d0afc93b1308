// Words for the recruiting loop: pipeline steps, invite and write states.
import type { InviteState, OutboxState, WriteKind } from "../bindings";
import type { Tone } from "../components/Badge";

/** The pipeline's steps, in order, as `PipelineCandidate.step` names them. */
export const STEP_ORDER = ["in_trigger_stage", "invited", "started", "completed", "reported", "written_back"] as const;
export type Step = (typeof STEP_ORDER)[number];

export const STEP_LABELS: Record<Step, string> = {
  in_trigger_stage: "In trigger stage",
  invited: "Invited",
  started: "Started",
  completed: "Completed",
  reported: "Report",
  written_back: "Written back",
};

export function stepLabel(step: string): string {
  return (STEP_LABELS as Record<string, string>)[step] ?? step.replace(/_/g, " ");
}

export const INVITE_LABELS: Record<InviteState, { label: string; tone: Tone; title: string }> = {
  queued: { label: "Queued", tone: "blue", title: "Waiting to be sent" },
  sending: { label: "Sending", tone: "blue", title: "Handed to the interview platform; no answer yet" },
  sent: { label: "Sent", tone: "green", title: "The platform created the interview" },
  unconfirmed: {
    label: "Unconfirmed",
    tone: "amber",
    title: "Sending may or may not have reached the platform; it is confirmed when the interview's events arrive",
  },
  failed: { label: "Failed", tone: "red", title: "Failed for good; Retry sends it again" },
  skipped: { label: "Skipped", tone: "grey", title: "Already in the trigger stage when the link was made: not invited unless you ask" },
};

/** Invites a person may (re)send with "Invite now". */
export function canInviteNow(state: InviteState | null): boolean {
  return state === "failed" || state === "unconfirmed" || state === "skipped";
}

export const WRITE_KIND_LABELS: Record<WriteKind, string> = { note: "Note", attachment: "PDF report", stage_move: "Stage move" };

export const OUTBOX_STATE_LABELS: Record<OutboxState, { label: string; tone: Tone }> = {
  pending: { label: "Pending", tone: "blue" },
  done: { label: "Done", tone: "green" },
  dead: { label: "Stopped retrying", tone: "red" },
  discarded: { label: "Discarded", tone: "grey" },
};
