import type { ApiError, ErrorCode } from "../bindings";

/** True for a value shaped like the backend's `{code, message}` error. */
export function isApiError(e: unknown): e is ApiError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { code?: unknown }).code === "string" &&
    typeof (e as { message?: unknown }).message === "string"
  );
}

/**
 * Anything thrown, as an ApiError. A value that is not already `{code, message}`
 * (a Tauri ACL rejection string, a JS exception) becomes `internal`.
 */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return { code: e.code, message: e.message };
  return { code: "internal", message: String(e) };
}

/** Codes where trying the same call again cannot help. */
const PERMANENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "invalid_input",
  "not_found",
  "unauthorized",
  "forbidden",
  "database_too_new",
  "cancelled",
]);

export function isRetryable(e: unknown): boolean {
  return !PERMANENT.has(toApiError(e).code);
}
