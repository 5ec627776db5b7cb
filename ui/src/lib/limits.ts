// The limits the UI's hints quote (logo size, service hours, the appeal line, ...): always from
// the ruleset in force, never written into the translation files.
import { backend, type RuleLimits } from "./backend";

let cached: Promise<RuleLimits> | null = null;

/** The ruleset's limits, asked once per run (the ruleset changes only with a restart). */
export function ruleLimits(): Promise<RuleLimits> {
  cached ??= backend.draftOptions().then(
    (o) => o.limits,
    (e: unknown) => {
      cached = null;
      throw e;
    },
  );
  return cached;
}
