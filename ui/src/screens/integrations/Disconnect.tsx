import { useState } from "react";
import type { ConnectionView } from "../../bindings";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { PROVIDER_NAMES } from "../../lib/connection";
import { plural } from "../../lib/format";
import { useDisconnect } from "../../queries";

/** Disconnect, after saying plainly what is removed from this computer. */
export function Disconnect({ connection }: { connection: ConnectionView }) {
  const [confirming, setConfirming] = useState(false);
  const disconnect = useDisconnect();
  const provider = connection.provider;
  const name = PROVIDER_NAMES[provider];
  const { jobs, candidates, applications } = connection.counts;

  return (
    <>
      <button
        type="button"
        className="btn btn--ghost btn--ghost-danger"
        onClick={() => {
          disconnect.reset();
          setConfirming(true);
        }}
        disabled={disconnect.isPending}
        data-testid={`disconnect-${provider}`}
      >
        Disconnect
      </button>
      {confirming && (
        <ConfirmDialog
          title={`Disconnect ${name}?`}
          confirmLabel="Disconnect"
          busyLabel="Disconnecting…"
          cancelLabel={`Keep ${name}`}
          danger
          busy={disconnect.isPending}
          error={disconnect.error}
          testId={`disconnect-dialog-${provider}`}
          onCancel={() => setConfirming(false)}
          onConfirm={() => disconnect.mutate(connection.id, { onSuccess: () => setConfirming(false) })}
        >
          {provider === "interview_platform" ? (
            <p>
              The API key is deleted from the keychain and Reqlink goes back to the sandbox&apos;s platform. Reports already received stay on this
              computer.
            </p>
          ) : (
            <>
              <p>
                The local data synced from {name} is removed from this computer: {plural(jobs, "job")}, {plural(candidates, "candidate")} and{" "}
                {plural(applications, "application")}. Its credentials are deleted from the keychain.
              </p>
              <p>Nothing changes in {name} itself; connect again and sync to get the data back.</p>
            </>
          )}
        </ConfirmDialog>
      )}
    </>
  );
}
