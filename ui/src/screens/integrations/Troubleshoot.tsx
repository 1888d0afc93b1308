import type { CheckStatus, ConnectionView } from "../../bindings";
import { Badge, type Tone } from "../../components/Badge";
import { useRunChecks } from "../../queries";

const STATUS: Record<CheckStatus, { tone: Tone; text: string }> = {
  pass: { tone: "green", text: "Pass" },
  warn: { tone: "amber", text: "Warning" },
  fail: { tone: "red", text: "Fail" },
  skipped: { tone: "grey", text: "Skipped" },
};

/** Live checks for the four usual symptoms: sign-in, no candidates, no writeback, wrong job. */
export function Troubleshoot({ connection }: { connection: ConnectionView }) {
  const checks = useRunChecks();
  const provider = connection.provider;
  return (
    <section className="troubleshoot" data-testid={`checks-${provider}`} aria-label="Troubleshoot">
      <div className="card__section-head">
        <h3 className="card__section-title">Troubleshoot</h3>
        <button
          type="button"
          className="btn btn--small"
          disabled={checks.isPending}
          onClick={() => checks.mutate(connection.id)}
          data-testid={`run-checks-${provider}`}
        >
          {checks.isPending ? "Checking…" : checks.data ? "Run checks again" : "Run checks"}
        </button>
      </div>
      {!checks.data && !checks.error && (
        <p className="card__detail">Checks sign-in, missing candidates, writeback and job mapping against the live ATS.</p>
      )}
      {checks.error && (
        <p className="field-error" role="alert">
          {checks.error.message}
        </p>
      )}
      {checks.data && (
        <ul className="checks" aria-busy={checks.isPending}>
          {checks.data.map((c) => (
            <li key={c.id} className={`check check--${c.status}`} data-testid={`check-${c.id}`}>
              <Badge tone={STATUS[c.status].tone}>{STATUS[c.status].text}</Badge>
              <div className="check__body">
                <span className="check__symptom">{c.symptom}</span>
                <span className="check__detail">{c.detail}</span>
                {c.fix && c.status !== "pass" && (
                  <span className="check__fix">
                    <strong>Fix:</strong> {c.fix}
                  </span>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
