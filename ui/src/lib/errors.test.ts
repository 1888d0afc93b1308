import { describe, expect, it } from "vitest";
import { isRetryable, toApiError } from "./errors";

describe("toApiError", () => {
  it("keeps a {code, message} error as is", () => {
    expect(toApiError({ code: "rate_limited", message: "Slow down", extra: 1 })).toEqual({
      code: "rate_limited",
      message: "Slow down",
    });
  });

  it("wraps anything else as internal", () => {
    expect(toApiError("Command list_jobs not allowed by ACL")).toEqual({
      code: "internal",
      message: "Command list_jobs not allowed by ACL",
    });
    expect(toApiError(new Error("boom"))).toEqual({ code: "internal", message: "Error: boom" });
    expect(toApiError({ code: 5, message: "x" })).toEqual({ code: "internal", message: "[object Object]" });
  });

  it("retries transient codes only", () => {
    expect(isRetryable({ code: "network", message: "" })).toBe(true);
    expect(isRetryable({ code: "unauthorized", message: "" })).toBe(false);
    expect(isRetryable({ code: "database_too_new", message: "" })).toBe(false);
  });
});
