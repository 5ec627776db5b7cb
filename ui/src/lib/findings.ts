// Lint findings: which ones belong to a field, and in which language to show them.
import type { FindingDto } from "./backend";
import type { Lang } from "./i18n/index.svelte";

/** Findings whose path is `path` or lies inside it (`path.x`, `path[0]`). */
export function findingsAt(findings: FindingDto[], path: string): FindingDto[] {
  return findings.filter((f) => f.path === path || f.path.startsWith(`${path}.`) || f.path.startsWith(`${path}[`));
}

/** Findings exactly at `path` (for fields whose children have their own places). */
export function findingsExactly(findings: FindingDto[], path: string): FindingDto[] {
  return findings.filter((f) => f.path === path);
}

export function messageOf(f: FindingDto, lang: Lang): string {
  return lang === "zh-CN" ? f["zh-CN"] : f.en;
}

/** The DOM id of the field at `path`. */
export function fieldId(path: string): string {
  return `f-${path.replace(/[^A-Za-z0-9_-]/g, "_")}`;
}

/** The nearest field on screen for a finding: its own path, else the closest enclosing one. */
export function scrollTargetFor(path: string, exists: (id: string) => boolean): string | null {
  let p = path;
  while (p) {
    if (exists(fieldId(p))) return fieldId(p);
    const cut = Math.max(p.lastIndexOf("."), p.lastIndexOf("["));
    if (cut <= 0) break;
    p = p.slice(0, cut);
  }
  return null;
}
