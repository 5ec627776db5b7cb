// The request form as the builder edits it: every property present, texts split per language.
// `fromForm` / `toForm` convert losslessly to and from the public format (docs/request-form.md).
import type { RequestForm } from "./backend/formats";

type Text = RequestForm["title"];
export type Loc = { en: string; "zh-CN": string };

export const FIELD_TYPES = [
  "text",
  "multiline",
  "integer",
  "decimal",
  "date",
  "enum",
  "multi_choice",
  "yes_no",
  "email",
  "phone",
  "url",
] as const;
export type FieldTypeName = (typeof FIELD_TYPES)[number];

export type EditField = {
  key: string;
  label: Loc;
  help: Loc;
  example: string;
  required: boolean;
  type: FieldTypeName;
  max_length: number | null;
  min: number | null;
  max: number | null;
  options: string[];
};
export type EditSection = { key: string; title: Loc; repeating: boolean; fields: EditField[] };
export type EditForm = {
  id: string;
  version: number;
  title: Loc;
  instructions: Loc;
  contact: string;
  sections: EditSection[];
};

export function loc(t: Text | null | undefined): Loc {
  if (t === null || t === undefined) return { en: "", "zh-CN": "" };
  if (typeof t === "string") return { en: t, "zh-CN": "" };
  return { en: t.en ?? "", "zh-CN": t["zh-CN"] ?? "" };
}

/** A single string when only English is given, else both languages. */
export function text(l: Loc): Text {
  return l["zh-CN"].trim() ? { en: l.en, "zh-CN": l["zh-CN"] } : l.en;
}

export function fromForm(f: RequestForm): EditForm {
  return {
    id: f.id,
    version: f.version,
    title: loc(f.title),
    instructions: loc(f.instructions),
    contact: f.contact ?? "",
    sections: f.sections.map((s) => ({
      key: s.key,
      title: loc(s.title),
      repeating: s.repeating ?? false,
      fields: s.fields.map((x) => {
        const any = x as Record<string, unknown>;
        return {
          key: x.key,
          label: loc(x.label),
          help: loc(x.help),
          example: x.example ?? "",
          required: x.required ?? false,
          type: x.type as FieldTypeName,
          max_length: (any.max_length as number | null | undefined) ?? null,
          min: (any.min as number | null | undefined) ?? null,
          max: (any.max as number | null | undefined) ?? null,
          options: (any.options as string[] | undefined) ?? [],
        };
      }),
    })),
  };
}

export function toForm(e: EditForm): RequestForm {
  return {
    id: e.id,
    version: e.version,
    title: text(e.title),
    instructions: text(e.instructions),
    contact: e.contact,
    sections: e.sections.map((s) => ({
      key: s.key,
      title: text(s.title),
      ...(s.repeating ? { repeating: true } : {}),
      fields: s.fields.map((f) => {
        const out: Record<string, unknown> = { key: f.key, label: text(f.label), type: f.type };
        if (f.required) out.required = true;
        if (f.help.en.trim() || f.help["zh-CN"].trim()) out.help = text(f.help);
        if (f.example.trim()) out.example = f.example;
        if ((f.type === "text" || f.type === "multiline") && f.max_length !== null) out.max_length = f.max_length;
        if (f.type === "integer" || f.type === "decimal") {
          if (f.min !== null) out.min = f.min;
          if (f.max !== null) out.max = f.max;
        }
        if (f.type === "enum" || f.type === "multi_choice") out.options = f.options;
        return out as RequestForm["sections"][number]["fields"][number];
      }),
    })),
  };
}

/** `prefix`, `prefix_2`, … : the first that is not taken. */
export function freshKey(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  if (!used.has(prefix)) return prefix;
  for (let n = 2; ; n++) if (!used.has(`${prefix}_${n}`)) return `${prefix}_${n}`;
}

export function allKeys(e: EditForm): string[] {
  return e.sections.flatMap((s) => [s.key, ...s.fields.map((f) => f.key)]);
}

export function newField(e: EditForm): EditField {
  return {
    key: freshKey("field", allKeys(e)),
    label: { en: "", "zh-CN": "" },
    help: { en: "", "zh-CN": "" },
    example: "",
    required: false,
    type: "text",
    max_length: null,
    min: null,
    max: null,
    options: [],
  };
}

/** Moves item `i` of `list` by `delta` places (returns a new array). */
export function moved<T>(list: T[], i: number, delta: number): T[] {
  const j = i + delta;
  if (j < 0 || j >= list.length) return list;
  const copy = [...list];
  const [item] = copy.splice(i, 1);
  copy.splice(j, 0, item as T);
  return copy;
}
