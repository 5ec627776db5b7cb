// A stand-in for the Tauri runtime inside the page: answers Koodesk's commands from an in-page state
// and records every call, so tests can assert on what the UI asked for.
import type { Page } from "@playwright/test";

export interface MockOptions {
  language?: "system" | "en" | "zh-CN";
  systemLanguage?: "en" | "zh-CN";
  /** Make every command fail with this error (e.g. a damaged database). */
  failWith?: { code: string; message: string };
  /** Drafts the mock backend starts with (id → document). */
  drafts?: Record<string, unknown>;
  /** The ruleset limits the backend reports (the shipped ruleset's by default). */
  limits?: Partial<Record<string, number>>;
}

export async function installIpcMock(page: Page, opts: MockOptions = {}): Promise<void> {
  await page.addInitScript((o: MockOptions) => {
    const w = window as unknown as Record<string, unknown>;
    const calls: { cmd: string; args: unknown }[] = [];
    const callbacks = new Map<number, (payload: unknown) => void>();
    const listeners = new Map<string, number[]>();
    let nextId = 1;
    const system = o.systemLanguage ?? "en";
    let pref = o.language ?? "system";
    const settings = () => ({
      language: pref,
      effective_language: pref === "system" ? system : pref,
      system_language: system,
    });
    const emit = (event: string, payload: unknown) => {
      for (const id of listeners.get(event) ?? []) callbacks.get(id)?.({ event, id, payload });
    };
    w.__calls = calls;
    // Accounts: the built-in Demo marketplace plus what the seller adds (keys are not kept).
    const accounts: { id: string; name: string; site: string }[] = [
      { id: "local", name: "Demo marketplace", site: "http://127.0.0.1:40123" },
    ];
    let currentAccount = "local";
    const accountList = () =>
      accounts.map((a) => ({ ...a, demo: a.id === "local", current: a.id === currentAccount, has_keys: true }));
    // A small in-page drafts backend: keeps documents, counts revisions, generates SKUs per
    // billing mode (the real rules live in Rust; this only has to be plausible).
    type Doc = { product: { basic: { name: string }; specifications: { billing_modes: string[]; skus: { billing_mode: string; price: string }[] }[] } };
    const drafts = new Map<string, { revision: number; doc: Doc }>(
      Object.entries(o.drafts ?? {}).map(([id, doc]) => [id, { revision: 1, doc: doc as Doc }]),
    );
    type FormDoc = { id: string; version: number; title: string | { en: string }; sections: { fields: { key: string }[] }[] };
    const forms = new Map<string, FormDoc>();
    const regen = (doc: Doc) => {
      for (const s of doc.product.specifications ?? []) {
        const old = new Map((s.skus ?? []).map((k) => [k.billing_mode, k]));
        s.skus = (s.billing_modes ?? []).map((m) => old.get(m) ?? { billing_mode: m, price: "0.00" });
      }
      return doc;
    };
    const findings = (doc: Doc) =>
      doc.product.basic.name
        ? []
        : [{ rule: "name.required", severity: "error", path: "product.basic.name", en: "Enter the product name.", "zh-CN": "请输入商品名称。" }];
    const view = (id: string) => {
      const d = drafts.get(id)!;
      const f = findings(d.doc);
      return { id, revision: d.revision, doc: d.doc, findings: f, errors: f.length, warnings: 0, updated_at: "2026-11-22T10:00:00Z" };
    };
    w.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener: () => {} };
    w.__TAURI_INTERNALS__ = {
      metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
      transformCallback(cb: (payload: unknown) => void) {
        const id = nextId++;
        callbacks.set(id, cb);
        return id;
      },
      unregisterCallback(id: number) {
        callbacks.delete(id);
      },
      convertFileSrc: (p: string) => p,
      async invoke(cmd: string, args: Record<string, unknown> = {}) {
        calls.push({ cmd, args });
        if (cmd === "plugin:event|listen") {
          const event = String(args.event);
          listeners.set(event, [...(listeners.get(event) ?? []), Number(args.handler)]);
          return Number(args.handler);
        }
        if (cmd === "plugin:event|unlisten") return null;
        if (o.failWith && !["ui_ready", "quit_app"].includes(cmd)) throw o.failWith;
        switch (cmd) {
          case "get_settings":
            return settings();
          case "set_language":
            pref = args.language as typeof pref;
            emit("settings-changed", settings());
            return settings();
          case "app_info": {
            const cur = accounts.find((a) => a.id === currentAccount);
            return {
              version: "0.1.0",
              data_dir: "/home/seller/.local/share/Koodesk",
              log_dir: "/home/seller/.local/share/Koodesk/logs",
              marketplace:
                !cur || cur.id === "local"
                  ? { kind: "demo", base_url: "http://127.0.0.1:40123" }
                  : { kind: "account", id: cur.id, name: cur.name, site: cur.site },
            };
          }
          case "list_accounts":
            return accountList();
          case "add_account":
          case "update_account": {
            const input = args.input as { name: string; site: string; ak: string; sk: string };
            if (!input.name.trim()) throw { code: "invalid_input", message: "Give the account a name, e.g. your company's.", field: "name" };
            if (cmd === "add_account" && (!input.ak || !input.sk))
              throw { code: "invalid_input", message: "Enter the access key (AK).", field: "ak" };
            const id = cmd === "add_account" ? `acc-${accounts.length}` : String(args.id);
            const existing = accounts.find((a) => a.id === id);
            if (existing) Object.assign(existing, { name: input.name.trim(), site: input.site });
            else accounts.push({ id, name: input.name.trim(), site: input.site });
            return accountList().find((a) => a.id === id);
          }
          case "remove_account": {
            const i = accounts.findIndex((a) => a.id === args.id);
            accounts.splice(i, 1);
            if (currentAccount === args.id) currentAccount = "local";
            emit("marketplace-changed", null);
            return accountList();
          }
          case "switch_account":
            currentAccount = String(args.id);
            emit("marketplace-changed", null);
            return accountList().find((a) => a.id === args.id);
          case "test_connection": {
            const a = accounts.find((x) => x.id === args.id);
            if (a?.name.includes("Typo"))
              throw { code: "marketplace", message: "Incorrect app authentication information: the signature does not match" };
            return { base_url: "https://mkt-intl.myhuaweicloud.com/", elapsed_ms: 42, test_order: "MOCKPERIODYEARNEW", order_found: true, message: "The gateway accepted your key and found the test order MOCKPERIODYEARNEW." };
          }
          case "ui_ready":
          case "quit_app":
            return null;
          case "draft_options":
            return {
              methods: [
                { method: "professional_service", billing_modes: ["monthly", "yearly", "one_time"], traded: true, software: false },
                { method: "license", billing_modes: ["monthly", "yearly", "one_time"], traded: true, software: true },
                { method: "saas", billing_modes: ["monthly", "yearly", "pay_per_use"], traded: true, software: true },
              ],
              preset_attribute_names: ["appName", "version", "os", "mode"],
              max_after_sales_groups: 6,
              limits: {
                ruleset_version: 2, name_max_chars: 60, logo_width: 120, logo_height: 120, logo_max_mb: 5,
                min_service_hours_per_day: 8, min_service_days_per_week: 5, stall_days: 5, rejection_limit: 3,
                completion_delay_hours: 3, ...o.limits,
              },
            };
          case "live_products":
            return [];
          case "list_drafts":
            return [...drafts.keys()]
              .filter((id) => {
                const q = String((args.filter as { query?: string | null })?.query ?? "").toLowerCase();
                return !q || drafts.get(id)!.doc.product.basic.name.toLowerCase().includes(q);
              })
              .map((id) => {
              const v = view(id);
              return { id, kind: "release", name: v.doc.product.basic.name, delivery_method: "professional_service", revision: v.revision,
                errors: v.errors, warnings: 0, state: v.errors ? "has_errors" : "ready", updated_at: v.updated_at };
            });
          case "create_draft": {
            const id = `d-new-${drafts.size + 1}`;
            const template = JSON.parse(JSON.stringify([...drafts.values()][0]?.doc ?? { product: { basic: { name: "" }, specifications: [] } })) as Doc;
            template.product.basic.name = "";
            drafts.set(id, { revision: 1, doc: template });
            return view(id);
          }
          case "save_support": {
            const info = args.info as { after_sales_groups: unknown[] };
            w.__support = info;
            return { revision: Number(args.baseRevision ?? 0) + 1, info, findings: [] };
          }
          case "list_forms":
            return [...forms.values()].map((f) => ({ id: f.id, version: f.version, title: typeof f.title === "string" ? f.title : f.title.en, fields: 1, issued: false, updated_at: "2026-11-22T10:00:00Z" }));
          case "new_form": {
            const f = { id: "request-form-1", version: 1, title: { en: "Service request", "zh-CN": "服务需求" }, instructions: "", contact: "",
              sections: [{ key: "details", title: "Details", fields: [{ key: "company", label: "Company name", type: "text", required: true }] }] };
            forms.set(f.id, f);
            return { id: f.id, version: 1, issued: false, form: f, problems: [] };
          }
          case "get_form": {
            const f = forms.get(String(args.id))!;
            return { id: f.id, version: f.version, issued: false, form: f, problems: [] };
          }
          case "save_form": {
            const f = args.form as FormDoc;
            forms.set(f.id, f);
            const keys = f.sections.flatMap((s) => s.fields.map((x) => x.key));
            const problems = keys.some((k) => !k) ? ["sections[0].fields: a key is missing"] : [];
            return { id: f.id, version: f.version, issued: false, form: f, problems };
          }
          case "export_template":
            return `/home/seller/${String(args.id)}.${String(args.format)}`;
          case "check_template":
            return { file: "/home/seller/filled.xlsx", form_id: "request-form-1", version: 1, form_title: "Service request",
              values: { company: "Acme Ltd" }, errors: [{ key: "start", label: "Start date", row: null, location: "Request!B6", message: "required" }] };
          case "get_draft":
            return view(String(args.id));
          case "save_draft": {
            const id = String(args.id);
            const d = drafts.get(id)!;
            d.revision += 1;
            d.doc = regen(JSON.parse(JSON.stringify(args.doc)) as Doc);
            return view(id);
          }
          case "stage_draft":
            return drafts.get(String(args.id))?.revision === args.baseRevision;
          case "diff_live":
            return [];
          case "get_support":
            return { revision: 0, info: { business_contact: { name: "", phone: "", email: "" }, pre_sales: { phone: "", email: "", address: "" }, after_sales_groups: [] }, findings: [] };
          default:
            throw { code: "internal", message: `unmocked command ${cmd}` };
        }
      },
    };
  }, opts);
}

export async function ipcCalls(page: Page): Promise<{ cmd: string; args: Record<string, unknown> }[]> {
  return page.evaluate(() => (window as unknown as { __calls: never }).__calls);
}
