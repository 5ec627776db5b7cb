// Times as sellers read them: in their language and time zone.

// One formatter per language: making one is far dearer than using it (a list of 200 drafts
// formatted with `toLocaleString` spent most of its first render there).
const formats = new Map<string, Intl.DateTimeFormat>();

/** `2026-11-23T09:00:00Z` → a local date and time in `lang`; the input as it is if unreadable. */
export function when(iso: string | null | undefined, lang: string): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  let f = formats.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
    formats.set(lang, f);
  }
  return f.format(d);
}

/** Working days (Monday to Friday) from `fromIso` to `now`, whole days only. */
export function workingDaysSince(fromIso: string, now: Date = new Date()): number {
  const start = new Date(fromIso);
  if (Number.isNaN(start.getTime()) || start > now) return 0;
  let days = 0;
  const d = new Date(start);
  d.setUTCDate(d.getUTCDate() + 1);
  while (d <= now) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) days += 1;
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return days;
}

/** A duration in seconds as sellers say it: "2 d 4 h", "5 h 10 min", "12 min" (en), "2天4小时" (zh). */
export function span(secs: number, lang: string): string {
  const s = Math.abs(Math.trunc(secs));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const zh = lang.startsWith("zh");
  if (d > 0) return zh ? `${d}天${h}小时` : `${d} d ${h} h`;
  if (h > 0) return zh ? `${h}小时${m}分钟` : `${h} h ${m} min`;
  return zh ? `${m}分钟` : `${m} min`;
}
