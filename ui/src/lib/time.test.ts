import { describe, expect, it } from "vitest";
import { span, when, workingDaysSince } from "./time";

describe("time", () => {
  it("counts working days, not weekends", () => {
    // Friday 09:00 → Monday 10:00: one working day (Monday).
    expect(workingDaysSince("2026-11-27T09:00:00Z", new Date("2026-11-30T10:00:00Z"))).toBe(1);
    // Monday → Thursday: three.
    expect(workingDaysSince("2026-11-23T09:00:00Z", new Date("2026-11-26T09:00:00Z"))).toBe(3);
    expect(workingDaysSince("2026-11-23T09:00:00Z", new Date("2026-11-23T18:00:00Z"))).toBe(0);
    expect(workingDaysSince("not a time")).toBe(0);
  });

  it("formats in the seller's language and keeps what it cannot read", () => {
    expect(when("2026-11-23T09:00:00Z", "en")).toMatch(/2026/);
    expect(when("garbage", "en")).toBe("garbage");
    expect(when(null, "en")).toBe("");
  });

  it("keeps one formatter per language, never the other's", () => {
    const iso = "2026-11-23T09:00:00Z";
    const en = when(iso, "en");
    const zh = when(iso, "zh-CN");
    expect(zh).not.toBe(en);
    expect(zh).toMatch(/2026年/);
    expect(when(iso, "en")).toBe(en);
    expect(when("2027-01-02T09:00:00Z", "en")).toMatch(/2027/);
  });
});

describe("span", () => {
  it("says days and hours, hours and minutes, or minutes, in the seller's language", () => {
    expect(span(2 * 86_400 + 4 * 3600 + 59, "en")).toBe("2 d 4 h");
    expect(span(5 * 3600 + 10 * 60, "en")).toBe("5 h 10 min");
    expect(span(12 * 60 + 5, "en")).toBe("12 min");
    expect(span(-(9 * 3600), "en")).toBe("9 h 0 min");
    expect(span(86_400 + 3600, "zh-CN")).toBe("1天1小时");
  });
});
