// Users on an ATS card: which ATS user each console user writes (and
// exports) as. At least one console user must be mapped to an active ATS
// user before links can be activated.
import { useId, useState, type FormEvent } from "react";
import type { AtsUserRow, ConnectionView, UserMappingView } from "../../bindings";
import { Badge } from "../../components/Badge";
import { ErrorBanner, Loading } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { PROVIDER_NAMES } from "../../lib/connection";
import { useAddConsoleUser, useSetUserMapping, useUserMappings } from "../../queries";

function atsUserLabel(u: AtsUserRow, matchedBy: string): string {
  const key = matchedBy === "e-mail" ? (u.email ?? "no e-mail") : u.id;
  return `${u.name} (${key})${u.disabled ? " — deactivated" : ""}`;
}

function AddConsoleUser({ provider }: { provider: string }) {
  const add = useAddConsoleUser();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const nameId = useId();
  const emailId = useId();

  function submit(e: FormEvent) {
    e.preventDefault();
    add.mutate(
      { name: name.trim(), email: email.trim() || null },
      {
        onSuccess: () => {
          setName("");
          setEmail("");
          setOpen(false);
        },
      },
    );
  }

  if (!open) {
    return (
      <button type="button" className="btn btn--small" data-testid={`add-console-user-${provider}`} onClick={() => setOpen(true)}>
        Add console user
      </button>
    );
  }
  return (
    <form className="users__add" onSubmit={submit} noValidate data-testid={`add-console-user-form-${provider}`}>
      <span className="form-field">
        <label htmlFor={nameId} className="form-field__label">
          Name
        </label>
        <input id={nameId} className="input" data-testid="console-user-name" value={name} autoComplete="off" onChange={(e) => setName(e.target.value)} />
      </span>
      <span className="form-field">
        <label htmlFor={emailId} className="form-field__label">
          E-mail (optional)
        </label>
        <input id={emailId} className="input" type="email" data-testid="console-user-email" value={email} autoComplete="off" onChange={(e) => setEmail(e.target.value)} />
      </span>
      <span className="users__add-actions">
        <button type="submit" className="btn btn--small btn--primary" data-testid="console-user-submit" disabled={add.isPending || name.trim() === ""}>
          {add.isPending ? "Adding…" : "Add"}
        </button>
        <button type="button" className="btn btn--small btn--ghost" onClick={() => setOpen(false)} disabled={add.isPending}>
          Cancel
        </button>
      </span>
      {add.error && (
        <p className="field-error" role="alert">
          {add.error.message}
        </p>
      )}
    </form>
  );
}

function MappingTable({ view }: { view: UserMappingView }) {
  const set = useSetUserMapping();
  const name = PROVIDER_NAMES[view.provider];
  return (
    <>
      <table className="simple-table users__table">
        <thead>
          <tr>
            <th scope="col">Console user</th>
            <th scope="col">{name} user</th>
            <th scope="col">
              <span className="visually-hidden">State</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {view.console_users.map((u) => {
            const mapping = view.mappings.find((m) => m.console_user_id === u.id);
            const pending = set.isPending && set.variables.console_user_id === u.id;
            return (
              <tr key={u.id} data-testid={`user-row-${u.id}`}>
                <td>
                  <span className="cell-stack">
                    <span className="cell-primary">
                      {u.name}
                      {view.default_console_user_id === u.id && (
                        <Badge tone="violet" title="Writes use this user's mapping by default">
                          Default
                        </Badge>
                      )}
                    </span>
                    {u.email && <span className="cell-secondary">{u.email}</span>}
                  </span>
                </td>
                <td>
                  <select
                    className="select users__select"
                    aria-label={`${name} user for ${u.name}`}
                    data-testid={`user-map-${u.id}`}
                    value={mapping?.ats_user_id ?? ""}
                    disabled={pending}
                    onChange={(e) => set.mutate({ connection_id: view.connection_id, console_user_id: u.id, ats_user_id: e.target.value || null })}
                  >
                    <option value="">Not mapped</option>
                    {view.ats_users.map((a) => (
                      <option key={a.id} value={a.id}>
                        {atsUserLabel(a, view.matched_by)}
                      </option>
                    ))}
                    {mapping && !view.ats_users.some((a) => a.id === mapping.ats_user_id) && (
                      <option value={mapping.ats_user_id}>{mapping.ats_user_id} (no longer in {name})</option>
                    )}
                  </select>
                </td>
                <td>
                  {mapping ? (
                    mapping.active ? (
                      <Badge tone="green">Active</Badge>
                    ) : (
                      <Badge tone="red" title={`The ${name} user is deactivated or gone; writes cannot be made as them`}>
                        Inactive
                      </Badge>
                    )
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {set.error && <ErrorBanner error={set.error} title="Could not change the mapping." />}
    </>
  );
}

/** The Users section of a connected ATS card. */
export function UserMapping({ connection }: { connection: ConnectionView }) {
  const mappings = useUserMappings(connection.id);
  const provider = connection.provider;
  const name = PROVIDER_NAMES[provider];

  let body;
  if (mappings.isError) {
    body = <ErrorBanner error={mappings.error} onRetry={() => void mappings.refetch()} title="Could not load the users." />;
  } else if (mappings.isPending) {
    body = <Loading label="Loading users…" />;
  } else {
    const view = mappings.data;
    const anyActive = view.mappings.some((m) => m.active);
    body = (
      <>
        <p className="card__detail">
          Notes, attachments, stage moves and exports are made as the {name} user a console user is mapped to, matched by{" "}
          <strong data-testid={`users-matched-by-${provider}`}>{view.matched_by}</strong>.
        </p>
        {!anyActive && (
          <p className="notice notice--warn notice--flush" data-testid={`users-warning-${provider}`}>
            <Icon name="alert" /> No console user is mapped to an active {name} user: links cannot be activated, and nothing is
            written back or exported, until at least one is.
          </p>
        )}
        {view.ats_users.length === 0 && <p className="muted">No {name} users synced yet; Sync now to fetch them.</p>}
        <MappingTable view={view} />
        <AddConsoleUser provider={provider} />
      </>
    );
  }

  return (
    <section className="users" data-testid={`users-${provider}`} aria-labelledby={`users-title-${provider}`}>
      <h3 className="card__section-title" id={`users-title-${provider}`}>
        Users
      </h3>
      {body}
    </section>
  );
}
