// Filter controls shared by the Requisitions and Candidates lists.
import { useId, useState, type KeyboardEvent } from "react";
import type { JobRow } from "../bindings";
import { PROVIDER_NAMES } from "../lib/connection";
import { formatCount } from "../lib/format";
import { SEARCH_DEBOUNCE_MS, useDebounced } from "../lib/useDebounced";
import { useConnections, useJobSearch, useJobStages } from "../queries";
import type { JobRef } from "../router";
import { Icon } from "./Icon";

/** Which ATS connection to show; "" is every one. */
export function ConnectionFilter({ value, onChange }: { value: string | null; onChange: (id: string | null) => void }) {
  const connections = useConnections();
  const ats = (connections.data ?? []).filter((c) => c.provider !== "interview_platform");
  const id = useId();
  return (
    <span className="field">
      <label htmlFor={id} className="field__label">
        ATS
      </label>
      <select id={id} className="select" data-testid="filter-connection" value={value ?? ""} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">All ATS</option>
        {ats.map((c) => (
          <option key={c.id} value={c.id}>
            {PROVIDER_NAMES[c.provider]} — {c.label}
          </option>
        ))}
      </select>
    </span>
  );
}

const PICKER_LIMIT = 20;

/**
 * A job, found by typing part of its name or requisition ID: a combobox
 * over `list_jobs`, so it works the same with ten jobs or a hundred thousand.
 */
export function JobPicker({ connectionId, value, onChange }: {
  connectionId: string | null;
  value: JobRef | null;
  onChange: (job: JobRef | null) => void;
}) {
  const [text, setText] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const term = useDebounced(text.trim(), SEARCH_DEBOUNCE_MS);
  const results = useJobSearch(term, connectionId, open, PICKER_LIMIT);
  const items = open ? (results.data?.items ?? []) : [];
  const inputId = useId();
  const listId = useId();

  function pick(job: JobRow) {
    onChange({ connection_id: job.connection_id, id: job.id, name: job.name });
    setOpen(false);
    setText("");
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, Math.max(0, items.length - 1)));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === "Enter" && open) {
      const job = items[active];
      if (job) {
        e.preventDefault();
        pick(job);
      }
    } else if (e.key === "Escape" && open) {
      e.stopPropagation();
      setOpen(false);
      setText("");
    }
  }

  const total = results.data?.total ?? 0;
  return (
    <span className="field combo">
      <label htmlFor={inputId} className="field__label">
        Job
      </label>
      <span className="combo__box">
        <input
          id={inputId}
          className="input combo__input"
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open && items[active] ? `${listId}-${active}` : undefined}
          placeholder={value ? value.name : "Any job"}
          autoComplete="off"
          spellCheck={false}
          data-testid="filter-job"
          value={open ? text : (value?.name ?? "")}
          onFocus={() => {
            setOpen(true);
            setActive(0);
          }}
          onBlur={() => {
            setOpen(false);
            setText("");
          }}
          onChange={(e) => {
            setText(e.target.value);
            setActive(0);
            setOpen(true);
          }}
          onKeyDown={onKeyDown}
        />
        {value && (
          <button type="button" className="icon-btn combo__clear" aria-label="Clear job filter" onClick={() => onChange(null)}>
            <Icon name="close" size={12} />
          </button>
        )}
        {open && (
          <div className="combo__popup">
            <ul role="listbox" id={listId} aria-label="Jobs" className="combo__list">
              {items.map((j, k) => (
                <li
                  key={`${j.connection_id}/${j.id}`}
                  id={`${listId}-${k}`}
                  role="option"
                  aria-selected={k === active}
                  className={k === active ? "combo__option combo__option--active" : "combo__option"}
                  data-testid="job-option"
                  // Keep focus in the input so the click lands before blur closes the list.
                  onMouseDown={(e) => e.preventDefault()}
                  onMouseEnter={() => setActive(k)}
                  onClick={() => pick(j)}
                >
                  <span className="combo__name">{j.name}</span>
                  <span className="muted mono">{j.requisition_id ?? ""}</span>
                </li>
              ))}
            </ul>
            <p className="combo__note" role="status">
              {results.isError
                ? "Could not search jobs."
                : results.isPending
                  ? "Searching…"
                  : items.length === 0
                    ? "No matching jobs."
                    : total > items.length
                      ? `First ${items.length} of ${formatCount(total)}; keep typing to narrow down.`
                      : ""}
            </p>
          </div>
        )}
      </span>
    </span>
  );
}

/**
 * A stage name: the selected job's stages to choose from, or free text
 * (stage ids differ per job, so the filter is by name).
 */
export function StageFilter({ job, value, onChange }: { job: JobRef | null; value: string; onChange: (stage: string) => void }) {
  const stages = useJobStages(job);
  const id = useId();
  const names = [...new Set((stages.data ?? []).map((s) => s.name))];
  return (
    <span className="field">
      <label htmlFor={id} className="field__label">
        Stage
      </label>
      {job ? (
        <select id={id} className="select" data-testid="filter-stage" value={value} onChange={(e) => onChange(e.target.value)} disabled={stages.isPending}>
          <option value="">Any stage</option>
          {names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
          {value && !names.includes(value) && <option value={value}>{value}</option>}
        </select>
      ) : (
        <input
          id={id}
          type="search"
          className="input input--stage"
          data-testid="filter-stage"
          placeholder="Any stage"
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </span>
  );
}
