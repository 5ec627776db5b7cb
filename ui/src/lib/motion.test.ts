import { afterEach, describe, expect, it, vi } from "vitest";
import { scrollBehavior } from "./motion";

describe("scrollBehavior", () => {
  afterEach(() => vi.unstubAllGlobals());

  const system = (reduce: boolean) =>
    vi.stubGlobal("matchMedia", (q: string) => ({ matches: reduce && q.includes("reduce") }) as MediaQueryList);

  it("scrolls smoothly unless the system asks for reduced motion", () => {
    system(false);
    expect(scrollBehavior()).toBe("smooth");
    system(true);
    expect(scrollBehavior()).toBe("auto");
  });
});
