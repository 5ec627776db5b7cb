import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Autosaver, flushAll, type SaveStatus } from "./autosave";

describe("Autosaver", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("debounces edits into one save of the latest document", async () => {
    const saved: string[] = [];
    const s = new Autosaver({ name: "" }, { save: async (d) => void saved.push(d.name), delayMs: 300 });
    s.edit({ name: "a" });
    s.edit({ name: "ab" });
    s.edit({ name: "abc" });
    expect(saved).toEqual([]);
    await vi.advanceTimersByTimeAsync(300);
    expect(saved).toEqual(["abc"]);
    expect(s.state).toBe("saved");
  });

  it("never runs two saves at once and sends edits made during a save afterwards", async () => {
    let release!: () => void;
    const order: string[] = [];
    const s = new Autosaver(
      { n: 0 },
      {
        delayMs: 10,
        save: (d) => {
          order.push(`start ${d.n}`);
          return new Promise<void>((r) => {
            release = () => {
              order.push(`end ${d.n}`);
              r();
            };
          });
        },
      },
    );
    s.edit({ n: 1 });
    await vi.advanceTimersByTimeAsync(10);
    s.edit({ n: 2 });
    await vi.advanceTimersByTimeAsync(10);
    expect(order).toEqual(["start 1"]);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(["start 1", "end 1", "start 2"]);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.state).toBe("saved");
  });

  it("keeps a failed document and saves it on the next flush", async () => {
    const statuses: SaveStatus[] = [];
    let fail = true;
    const saved: number[] = [];
    const s = new Autosaver(
      { n: 0 },
      {
        delayMs: 10,
        onStatus: (st) => statuses.push(st),
        save: async (d) => {
          if (fail) throw new Error("disk full");
          saved.push(d.n);
        },
      },
    );
    s.edit({ n: 7 });
    await vi.advanceTimersByTimeAsync(10);
    expect(s.state).toBe("error");
    fail = false;
    await s.flush();
    expect(saved).toEqual([7]);
    expect(statuses).toContain("error");
    expect(s.state).toBe("saved");
  });

  it("does not resend what is already saved", async () => {
    const saved: unknown[] = [];
    const s = new Autosaver({ n: 1 }, { delayMs: 10, save: async (d) => void saved.push(d) });
    s.edit({ n: 1 });
    await vi.advanceTimersByTimeAsync(50);
    expect(saved).toEqual([]);
  });
});

describe("write-through and flushing on quit", () => {
  it("stages every edit at once, never overlapping a save, and flushAll saves what is pending", async () => {
    const calls: string[] = [];
    let busy = false;
    const track = (name: string) => async (doc: { v: number }) => {
      expect(busy, `${name} overlaps another call`).toBe(false);
      busy = true;
      calls.push(`${name} ${doc.v}`);
      await new Promise((r) => setTimeout(r, 5));
      busy = false;
    };
    const saver = new Autosaver({ v: 0 }, { delayMs: 10_000, save: track("save"), stage: track("stage") });
    saver.edit({ v: 1 });
    saver.edit({ v: 2 });
    saver.edit({ v: 3 });
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toEqual(["stage 1", "stage 3"]);
    expect(saver.state).toBe("pending");
    await flushAll();
    expect(calls.at(-1)).toBe("save 3");
    expect(saver.state).toBe("saved");
    saver.dispose();
  });
});
