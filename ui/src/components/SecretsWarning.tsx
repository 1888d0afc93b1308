import { useAppStatus } from "../queries";
import { Icon } from "./Icon";

const BACKENDS: Record<string, string> = {
  file: "in a file on this computer",
  memory: "in memory only, and are forgotten when Reqlink quits",
};

/** App-wide: credentials are not protected by the system keychain. */
export function SecretsWarning() {
  const status = useAppStatus();
  const secrets = status.data?.secrets;
  if (!secrets?.warning) return null;
  const where = BACKENDS[secrets.backend];
  return (
    <div className="app-warning" role="alert" data-testid="secrets-warning">
      <Icon name="alert" className="app-warning__icon" />
      <div className="app-warning__text">
        <strong>{where ? `ATS credentials are kept ${where}.` : "ATS credentials are not in the system keychain."}</strong>
        <span>{secrets.warning}</span>
      </div>
    </div>
  );
}
