import { describe, expect, it } from "vitest";
import { formatAbsolute, formatRelative, parseTime } from "./time";

const now = new Date(2025, 2, 14, 12, 0, 0); // Mar 14, 2025 12:00 local
const before = (ms: number) => new Date(now.getTime() - ms).toISOString();
const MIN = 60_000;

describe("formatRelative", () => {
  it("says never for missing or invalid input", () => {
    expect(formatRelative(null, now)).toBe("never");
    expect(formatRelative("not a date", now)).toBe("never");
  });

  it("reads just now for the last few seconds", () => {
    expect(formatRelative(before(10_000), now)).toBe("just now");
  });

  it("counts minutes, then hours", () => {
    expect(formatRelative(before(3 * MIN), now)).toBe("3 min ago");
    expect(formatRelative(before(59 * MIN), now)).toBe("59 min ago");
    expect(formatRelative(before(2 * 60 * MIN + 5 * MIN), now)).toBe("2 h ago");
  });

  it("uses yesterday, then days, then a date", () => {
    expect(formatRelative(before(26 * 60 * MIN), now)).toBe("yesterday");
    expect(formatRelative(before(5 * 24 * 60 * MIN), now)).toBe("5 days ago");
    expect(formatRelative(new Date(2025, 0, 2, 9, 0).toISOString(), now)).toBe("Jan 2");
    expect(formatRelative(new Date(2023, 6, 9, 9, 0).toISOString(), now)).toBe("Jul 9, 2023");
  });

  it("handles clock skew into the future", () => {
    expect(formatRelative(new Date(now.getTime() + 20_000).toISOString(), now)).toBe("just now");
    expect(formatRelative(new Date(now.getTime() + 5 * MIN).toISOString(), now)).toBe("in 5 min");
  });
});

describe("formatAbsolute", () => {
  it("prints a local date and 24h time", () => {
    expect(formatAbsolute(new Date(2025, 2, 4, 14, 5).toISOString())).toBe("Mar 4, 2025, 14:05");
  });

  it("is empty for missing input", () => {
    expect(formatAbsolute(null)).toBe("");
    expect(parseTime("")).toBeNull();
  });
});
