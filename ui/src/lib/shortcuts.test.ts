import { beforeEach, describe, expect, it } from "vitest";
import { setSingleKeys, singleKey, singleKeysOn } from "./shortcuts";

const press = (key: string, target: EventTarget | null = null, mods: Partial<KeyboardEvent> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target,
  ...mods,
});

describe("single-key shortcuts", () => {
  beforeEach(() => localStorage.clear());

  it("are on by default and give the key pressed", () => {
    expect(singleKeysOn()).toBe(true);
    expect(singleKey(press("A"))).toBe("a");
  });

  it("ignore modified keys, named keys and typing into a field", () => {
    expect(singleKey(press("a", null, { ctrlKey: true }))).toBeNull();
    expect(singleKey(press("Enter"))).toBeNull();
    expect(singleKey(press("a", document.createElement("input")))).toBeNull();
    expect(singleKey(press("a", document.createElement("textarea")))).toBeNull();
    expect(singleKey(press("a", document.createElement("button")))).toBe("a");
  });

  it("can be turned off and on again, and the choice is kept", () => {
    setSingleKeys(false);
    expect(singleKeysOn()).toBe(false);
    expect(singleKey(press("j"))).toBeNull();
    setSingleKeys(true);
    expect(singleKey(press("j"))).toBe("j");
  });
});
