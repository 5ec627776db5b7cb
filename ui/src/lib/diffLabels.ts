// Readable names for the paths a diff reports (`basic.name` → "Name").
import type { MessageKey } from "./i18n/index.svelte";

const KNOWN: [RegExp, MessageKey][] = [
  [/^basic\.name$/, "draft.name"],
  [/^basic\.version$/, "draft.version"],
  [/^basic\.logo/, "draft.logo"],
  [/^basic\.delivery\.service_flow/, "draft.serviceFlow"],
  [/^basic\.delivery\.avg_delivery_days/, "draft.avgDays"],
  [/^basic\.delivery\.request_templates/, "draft.requestTemplates"],
  [/^basic\.delivery/, "draft.delivery"],
  [/^details\.overview/, "draft.overview"],
  [/^details\.description/, "draft.description"],
  [/^details\.highlights/, "draft.highlights"],
  [/^details\.customer_cases/, "draft.cases"],
  [/^qualification\.after_sales_group/, "draft.afterSales"],
  [/^qualification\.eula/, "draft.eula"],
  [/^qualification\.user_guide/, "draft.userGuide"],
  [/^qualification\.business_letter/, "draft.businessLetter"],
  [/^qualification\.software_copyright/, "draft.copyright"],
  [/^seo/, "draft.seo"],
  [/^public_sales/, "draft.publicSales"],
  [/^specifications/, "draft.specifications"],
];

/** The label key for a diff path, and the rest of the path worth showing after it. */
export function labelFor(path: string): { key: MessageKey | null; detail: string } {
  for (const [re, key] of KNOWN) {
    if (re.test(path)) {
      const spec = /^specifications\[id=([^\]]+)\]\.?(.*)$/.exec(path);
      return { key, detail: spec ? `${spec[1]}${spec[2] ? ` › ${spec[2]}` : ""}` : "" };
    }
  }
  return { key: null, detail: path };
}

/** A value as a short, readable string. */
export function show(v: unknown): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "string") return v === "" ? "“”" : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "object" && v && "file_name" in v) return String((v as { file_name: string }).file_name);
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
