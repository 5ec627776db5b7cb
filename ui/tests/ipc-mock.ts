// A stand-in for the Tauri runtime inside the page: answers Koodesk's commands from an in-page state
// and records every call, so tests can assert on what the UI asked for.
//
// The answers are typed against the generated bindings (`Wire` below, derived from `commands` in
// ui/src/lib/backend/bindings.ts): a command the app no longer has, or an answer whose shape the Rust
// side changed, fails `npm run check`, so the mock cannot drift from the real IPC.
import type { Page } from "@playwright/test";
import type { commands, RuleLimits } from "../src/lib/backend/bindings";
import type { DraftDocument, RequestForm, Sku, SupportInfo } from "../src/lib/backend/formats";

type Commands = typeof commands;
/** What a command answers when it succeeds. */
type Answer<K extends keyof Commands> =
  Awaited<ReturnType<Commands[K]>> extends infer R
    ? R extends { status: "ok"; data: infer D }
      ? D
      : R extends { status: "error" }
        ? never
        : R
    : never;
/** `getSettings` → `get_settings`: the name the UI invokes. */
type Snake<S extends string> = S extends `${infer H}${infer T}`
  ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${Snake<T>}`
  : S;
/** Every command by the name it is invoked with, and what it answers. */
export type Wire = { [K in keyof Commands as Snake<K & string>]: Answer<K> };
type Handlers = { [C in keyof Wire]?: (args: Record<string, unknown>) => Wire[C] };

export interface MockOptions {
  language?: "system" | "en" | "zh-CN";
  systemLanguage?: "en" | "zh-CN";
  /** Make every command fail with this error (e.g. a damaged database). */
  failWith?: { code: string; message: string };
  /** Drafts the mock backend starts with (id → document). */
  drafts?: Record<string, DraftDocument>;
  /** The ruleset limits the backend reports (the shipped ruleset's by default). */
  limits?: Partial<RuleLimits>;
  /** Service orders as last synced, most pressing first (the inbox). */
  orders?: Wire["list_orders"];
  /** Whole orders by id (the order page). */
  orderDetails?: Record<string, Wire["get_order"]>;
  /** The customer's files read back, by order id. */
  readings?: Record<string, Wire["read_order_request"]>;
  /** Alerts raised so far (the Notifications page). */
  alerts?: Wire["list_alerts"];
  /** Whether the desktop shows a tray (a start at login goes there, else minimised). */
  trayHost?: boolean;
  /** Changing the login item fails with this message (a read-only autostart folder). */
  autostartFails?: string;
  /** Hand the first page its settings, facts and drafts with the page, as the shell does. */
  boot?: boolean;
  /** The Demo marketplace is not up at start (`local_only`) until `window.__demoUp()`. */
  demoLater?: boolean;
  /** What the update manifest offers (null: up to date), and how installing goes. */
  update?: { info: Wire["check_for_updates"]; installFails?: string };
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
    const settings = (): Wire["get_settings"] => ({
      language: pref,
      effective_language: pref === "system" ? system : pref,
      system_language: system,
    });
    const emit = (event: string, payload: unknown) => {
      for (const id of listeners.get(event) ?? []) callbacks.get(id)?.({ event, id, payload });
    };
    w.__calls = calls;
    let demoUp = !o.demoLater;
    w.__demoUp = () => {
      demoUp = true;
      emit("marketplace-changed", null);
    };
    type Detail = Wire["get_order"];
    // As the real desk: offers are judged on the order as the queued action will leave it (an
    // accept waiting to send makes Deliver possible, and Accept and Reject not).
    const offersOf = (d: Detail, queued: Detail["row"]["queued"]): Detail["actions"] =>
      queued === "ACCEPT_REQUEST"
        ? d.actions.map((a) =>
            a.action === "DELIVER_SERVICE"
              ? { ...a, leads_to: "AWAITING_ACCEPTANCE" as const, unavailable: null }
              : a.action === "INITIATE_APPEAL"
                ? a
                : { ...a, leads_to: null, unavailable: `${a.action} is not possible while the order is Delivering.` },
          )
        : d.actions;
    // Alerts and the seller's choices about them.
    const alertList: Wire["list_alerts"] = [...(o.alerts ?? [])];
    let alertSettings: Wire["alert_settings"] = {
      off: [],
      quiet_start: null,
      quiet_end: null,
      utc_offset_minutes: 0,
      urgent_breaks_through: true,
    };
    const unreadNow = () => alertList.filter((a) => !a.read).length;
    let startAtLogin = false;
    let updateSettings: Wire["update_settings"] = { daily: false, last_checked: null };
    // Order actions queued from the order page, by order id.
    const queuedActions = new Map<string, NonNullable<Wire["list_orders"][number]["queued"]>>();
    // Accounts: the built-in Demo marketplace plus what the seller adds (keys are not kept).
    const accounts: { id: string; name: string; site: string }[] = [
      { id: "local", name: "Demo marketplace", site: "http://127.0.0.1:40123" },
    ];
    let currentAccount = "local";
    const accountList = (): Wire["list_accounts"] =>
      accounts.map((a) => ({ ...a, demo: a.id === "local", current: a.id === currentAccount, has_keys: true }));
    const account = (id: string) => {
      const a = accountList().find((x) => x.id === id);
      if (!a) throw { code: "not_found", message: `no account ${id}` };
      return a;
    };
    // A small in-page drafts backend: keeps documents, counts revisions, generates SKUs per
    // billing mode (the real rules live in Rust; this only has to be plausible).
    const drafts = new Map<string, { revision: number; doc: DraftDocument }>(
      Object.entries(o.drafts ?? {}).map(([id, doc]) => [id, { revision: 1, doc }]),
    );
    const forms = new Map<string, RequestForm>();
    const regen = (doc: DraftDocument) => {
      for (const s of doc.product.specifications ?? []) {
        const old = new Map((s.skus ?? []).map((k) => [k.billing_mode, k]));
        s.skus = (s.billing_modes ?? []).map((m): Sku => old.get(m) ?? { billing_mode: m, price: "0.00" });
      }
      return doc;
    };
    const findings = (doc: DraftDocument): Wire["get_draft"]["findings"] =>
      doc.product.basic?.name
        ? doc.product.basic.name.includes("免费")
          ? [
              {
                rule: "name.promotion",
                severity: "warning",
                path: "product.basic.name",
                en: "The name should not promise a free offer.",
                "zh-CN": "名称不应承诺免费。",
              },
            ]
          : []
        : [
            {
              rule: "name.required",
              severity: "error",
              path: "product.basic.name",
              en: "Enter the product name.",
              "zh-CN": "请输入商品名称。",
            },
          ];
    const draft = (id: string) => {
      const d = drafts.get(id);
      if (!d) throw { code: "not_found", message: `no draft ${id}` };
      return d;
    };
    const view = (id: string): Wire["get_draft"] => {
      const d = draft(id);
      const f = findings(d.doc);
      return {
        id,
        revision: d.revision,
        doc: d.doc,
        findings: f,
        errors: f.length,
        warnings: 0,
        updated_at: "2026-11-22T10:00:00Z",
      };
    };
    const formView = (f: RequestForm, problems: string[] = []): Wire["get_form"] => ({
      id: f.id,
      version: f.version,
      issued: false,
      form: f,
      problems,
    });
    const titleOf = (f: RequestForm) => (typeof f.title === "string" ? f.title : (f.title.en ?? ""));
    const emptySupport: SupportInfo = {
      business_contact: { name: "", phone: "", email: "" },
      pre_sales: { phone: "", email: "", address: "" },
      after_sales_groups: [],
    };

    const handlers: Handlers = {
      get_settings: () => settings(),
      set_language: (args) => {
        pref = args.language as typeof pref;
        emit("settings-changed", settings());
        return settings();
      },
      app_info: () => {
        const cur = accounts.find((a) => a.id === currentAccount);
        return {
          version: "0.1.0",
          data_dir: "/home/seller/.local/share/Koodesk",
          log_dir: "/home/seller/.local/share/Koodesk/logs",
          marketplace:
            !cur || cur.id === "local"
              ? demoUp
                ? { kind: "demo", base_url: "http://127.0.0.1:40123" }
                : { kind: "local_only" }
              : { kind: "account", id: cur.id, name: cur.name, site: cur.site },
        };
      },
      ui_ready: () => {
        // What was on screen when the page said it was ready.
        w.__rowsAtReady = document.querySelectorAll("[data-testid=draft-row]").length;
        return null;
      },
      quit_app: () => null,
      list_accounts: () => accountList(),
      add_account: (args) => saveAccount(`acc-${accounts.length}`, args.input, true),
      update_account: (args) => saveAccount(String(args.id), args.input, false),
      remove_account: (args) => {
        const i = accounts.findIndex((a) => a.id === args.id);
        if (i >= 0) accounts.splice(i, 1);
        if (currentAccount === args.id) currentAccount = "local";
        emit("marketplace-changed", null);
        return accountList();
      },
      switch_account: (args) => {
        currentAccount = String(args.id);
        emit("marketplace-changed", null);
        return account(currentAccount);
      },
      test_connection: (args) => {
        const a = accounts.find((x) => x.id === args.id);
        if (a?.name.includes("Typo"))
          throw {
            code: "marketplace",
            message: "Incorrect app authentication information: the signature does not match",
          };
        return {
          base_url: "https://mkt-intl.myhuaweicloud.com/",
          elapsed_ms: 42,
          test_order: "MOCKPERIODYEARNEW",
          order_found: true,
          message: "The gateway accepted your key and found the test order MOCKPERIODYEARNEW.",
        };
      },
      draft_options: () => ({
        methods: [
          {
            method: "professional_service",
            billing_modes: ["monthly", "yearly", "one_time"],
            traded: true,
            software: false,
          },
          { method: "license", billing_modes: ["monthly", "yearly", "one_time"], traded: true, software: true },
          { method: "saas", billing_modes: ["monthly", "yearly", "pay_per_use"], traded: true, software: true },
        ],
        preset_attribute_names: ["appName", "version", "os", "mode"],
        max_after_sales_groups: 6,
        limits: {
          ruleset_version: 2,
          name_max_chars: 60,
          logo_width: 120,
          logo_height: 120,
          logo_max_mb: 5,
          min_service_hours_per_day: 8,
          min_service_days_per_week: 5,
          stall_days: 5,
          rejection_limit: 3,
          completion_delay_hours: 3,
          ...o.limits,
        },
      }),
      live_products: () => [],
      list_drafts: (args) => {
        const q = String((args.filter as { query?: string | null })?.query ?? "").toLowerCase();
        return [...drafts.keys()]
          .filter((id) => !q || (draft(id).doc.product.basic?.name ?? "").toLowerCase().includes(q))
          .map((id) => {
            const v = view(id);
            return {
              id,
              kind: v.doc.kind,
              name: v.doc.product.basic?.name ?? "",
              delivery_method: v.doc.product.basic?.delivery?.method ?? "professional_service",
              revision: v.revision,
              errors: v.errors,
              warnings: 0,
              state: v.errors ? "has_errors" : "ready",
              updated_at: v.updated_at,
            };
          });
      },
      create_draft: () => {
        const id = `d-new-${drafts.size + 1}`;
        const first = [...drafts.values()][0]?.doc;
        const doc: DraftDocument = first
          ? structuredClone(first)
          : {
              format: "koodesk.product-draft",
              format_version: 1,
              kind: "release",
              product: { basic: { name: "" }, specifications: [] },
            };
        doc.product.basic = { ...doc.product.basic, name: "" };
        drafts.set(id, { revision: 1, doc });
        return view(id);
      },
      get_draft: (args) => view(String(args.id)),
      save_draft: (args) => {
        const id = String(args.id);
        const d = draft(id);
        d.revision += 1;
        d.doc = regen(structuredClone(args.doc as DraftDocument));
        return view(id);
      },
      stage_draft: (args) => drafts.get(String(args.id))?.revision === args.baseRevision,
      diff_live: () => [],
      get_support: () => ({ revision: 0, info: emptySupport, findings: [] }),
      save_support: (args) => {
        const info = args.info as SupportInfo;
        w.__support = info;
        return { revision: Number(args.baseRevision ?? 0) + 1, info, findings: [] };
      },
      list_forms: () =>
        [...forms.values()].map((f) => ({
          id: f.id,
          version: f.version,
          title: titleOf(f),
          fields: 1,
          issued: false,
          updated_at: "2026-11-22T10:00:00Z",
        })),
      new_form: () => {
        const f: RequestForm = {
          id: "request-form-1",
          version: 1,
          title: { en: "Service request", "zh-CN": "服务需求" },
          instructions: "",
          contact: "",
          sections: [
            {
              key: "details",
              title: "Details",
              fields: [{ key: "company", label: "Company name", type: "text", required: true }],
            },
          ],
        };
        forms.set(f.id, f);
        return formView(f);
      },
      get_form: (args) => {
        const f = forms.get(String(args.id));
        if (!f) throw { code: "not_found", message: `no form ${String(args.id)}` };
        return formView(f);
      },
      save_form: (args) => {
        const f = args.form as RequestForm;
        forms.set(f.id, f);
        const keys = f.sections.flatMap((s) => (s.fields ?? []).map((x) => x.key));
        return formView(f, keys.some((k) => !k) ? ["sections[0].fields: a key is missing"] : []);
      },
      export_template: (args) => `/home/seller/${String(args.id)}.${String(args.format)}`,
      check_template: () => ({
        file: "/home/seller/filled.xlsx",
        form_id: "request-form-1",
        version: 1,
        form_title: "Service request",
        values: { company: "Acme Ltd" },
        errors: [{ key: "start", label: "Start date", row: null, location: "Request!B6", message: "required" }],
      }),
    };

    // A small marketplace behind Submit: applications pending review until a test decides them
    // (`window.__review(id, "approved" | "rejected", comments)`).
    const applications: Wire["list_applications"] = [];
    // Drafts whose last submission the marketplace refused (`window.__refuse(draftId, message)`).
    const refused = new Map<string, string>();
    w.__refuse = (id: string, message: string) => {
      refused.set(id, message);
      emit("sync-status-changed", syncStatus());
    };
    const syncStatus = (): Wire["sync_status"] => ({
      online: true,
      offline_reason: null,
      paused: null,
      waiting: 0,
      sent: 0,
      last_synced: Date.now(),
      attention: [],
    });
    Object.assign(handlers, {
      submit_draft: (args: Record<string, unknown>): Wire["submit_draft"] => {
        const id = String(args.id);
        const f = view(id).findings;
        const errors = f.filter((x) => x.severity === "error").length;
        if (errors)
          throw {
            code: "invalid_input",
            message: `Fix the ${errors} blocking problem(s) before submitting`,
            field: "product",
          };
        const warnings = f.filter((x) => x.severity === "warning");
        if (warnings.length && !args.acceptWarnings)
          throw { code: "invalid_input", message: "confirm the warnings", field: "warnings" };
        const now = new Date().toISOString();
        applications.unshift({
          application_id: `APP${applications.length + 1}`,
          modification: draft(id).doc.kind === "modification",
          state: "pending_review",
          product_name: draft(id).doc.product.basic?.name ?? "",
          product_id: null,
          submitted_at: now,
          updated_at: now,
          reviewed_at: null,
          review_comments: [],
          draft_id: id,
          withdrawing: false,
        });
        setTimeout(() => emit("sync-status-changed", syncStatus()), 10);
        return {
          submission_id: `S${applications.length}`,
          draft_id: id,
          calls: 2,
          uploads: 1,
          support_change: false,
          generated: [],
          warnings,
        };
      },
      draft_submission: (args: Record<string, unknown>): Wire["draft_submission"] => {
        const refusal = refused.get(String(args.id));
        if (refusal)
          return {
            submission_id: "S-refused",
            state: "needs_attention",
            submitted_at: new Date().toISOString(),
            message: refusal,
            application: null,
          };
        const a = applications.find((x) => x.draft_id === String(args.id));
        if (!a) return null;
        return {
          submission_id: a.application_id,
          state: a.state,
          submitted_at: a.submitted_at,
          message: null,
          application: a,
        };
      },
      list_applications: (): Wire["list_applications"] => applications,
      list_orders: (args: Record<string, unknown>): Wire["list_orders"] => {
        const needle = String(args.search ?? "").toLowerCase();
        type Row = Wire["list_orders"][number];
        const all = (): boolean => true;
        const keep: Record<string, (r: Row) => boolean> = {
          all,
          needs_me: (r) => !r.appeal_open && r.waiting_for === "SELLER",
          waiting_for_customer: (r) => !r.appeal_open && r.waiting_for === "CUSTOMER",
          in_appeal: (r) => r.appeal_open,
          completed: (r) => r.flow_state === "ACCEPTED" || r.flow_state === "COMPLETED",
        };
        return (o.orders ?? []).filter(
          (r) =>
            (keep[String(args.filter)] ?? all)(r) &&
            (!needle || [r.order_id, r.product_name, r.customer_name].some((f) => f.toLowerCase().includes(needle))),
        );
      },
      list_alerts: (args: Record<string, unknown>): Wire["list_alerts"] =>
        alertList.filter((a) => !args.unreadOnly || !a.read),
      mark_alerts_read: (args: Record<string, unknown>): Wire["mark_alerts_read"] => {
        let n = 0;
        for (const a of alertList)
          if (!a.read && (args.key === null || a.key === args.key)) {
            a.read = true;
            n += 1;
          }
        emit("alerts-changed", { unread: unreadNow() });
        return n;
      },
      snooze_alert: (args: Record<string, unknown>): Wire["snooze_alert"] => {
        const a = alertList.find((x) => x.key === args.key);
        if (!a) throw { code: "not_found", message: `There is no alert ${String(args.key)}.` };
        a.snoozed_until = new Date(Date.now() + Number(args.secs) * 1000).toISOString();
        a.delivered = false;
        return null;
      },
      alert_settings: (): Wire["alert_settings"] => alertSettings,
      set_alert_settings: (args: Record<string, unknown>): Wire["set_alert_settings"] => {
        const next = args.settings as Wire["alert_settings"];
        for (const t of [next.quiet_start, next.quiet_end])
          if (t !== null && !/^([01]\d|2[0-3]):[0-5]\d$/.test(t))
            throw { code: "invalid_input", message: `"${t}" is not a time of day (use 22:00).`, field: "quiet_start" };
        alertSettings = next;
        return next;
      },
      autostart_state: (): Wire["autostart_state"] => ({ enabled: startAtLogin, in_tray: o.trayHost ?? true }),
      set_autostart: (args: Record<string, unknown>): Wire["set_autostart"] => {
        if (o.autostartFails) throw { code: "io", message: o.autostartFails };
        startAtLogin = Boolean(args.enabled);
        return { enabled: startAtLogin, in_tray: o.trayHost ?? true };
      },
      check_for_updates: (): Wire["check_for_updates"] => {
        updateSettings = { ...updateSettings, last_checked: "2026-12-02T09:00:00Z" };
        // A test may hold the answer back (`window.__checkGate`, a promise) to look at the page
        // while the check is in flight.
        const gate = w.__checkGate as Promise<void> | undefined;
        if (gate) return gate.then(() => o.update?.info ?? null) as unknown as Wire["check_for_updates"];
        return o.update?.info ?? null;
      },
      install_update: (): Wire["install_update"] => {
        const info = o.update?.info;
        if (!info) throw { code: "update", message: "Look for updates first." };
        emit("update-progress", { downloaded: 1048576, total: 4194304 });
        if (o.update?.installFails) throw { code: "update", message: o.update.installFails };
        emit("update-progress", { downloaded: 4194304, total: 4194304 });
        return { version: info.version };
      },
      update_settings: (): Wire["update_settings"] => updateSettings,
      set_daily_update_check: (args: Record<string, unknown>): Wire["set_daily_update_check"] => {
        updateSettings = { ...updateSettings, daily: Boolean(args.daily) };
        return updateSettings;
      },
      send_test_alert: (): Wire["send_test_alert"] => {
        const a: Wire["send_test_alert"] = {
          key: `test:${alertList.length}`,
          kind: "test",
          target: { kind: "queue" },
          title: "Koodesk test notification",
          body: "Notifications work. Click to open the Notifications page.",
          urgent: false,
          happened_at: new Date().toISOString(),
          raised_at: new Date().toISOString(),
          read: false,
          delivered: true,
          snoozed_until: null,
        };
        alertList.unshift(a);
        emit("alerts-changed", { unread: unreadNow() });
        return a;
      },
      get_order: (args: Record<string, unknown>): Wire["get_order"] => {
        const d = o.orderDetails?.[String(args.id)];
        if (!d) throw { code: "not_found", message: `There is no order ${String(args.id)} (as of the last sync).` };
        const queued = queuedActions.get(d.row.order_id) ?? d.row.queued;
        return { ...d, row: { ...d.row, queued }, actions: offersOf(d, queued) };
      },
      read_order_request: (args: Record<string, unknown>): Wire["read_order_request"] =>
        o.readings?.[String(args.id)] ?? [],
      save_order_file: (args: Record<string, unknown>): Wire["save_order_file"] =>
        `/home/seller/Downloads/${String(args.fileName)}`,
      act_on_order: (args: Record<string, unknown>): Wire["act_on_order"] => {
        const id = String(args.id);
        const input = args.input as { action: string; reason: string | null; result_text: string | null };
        const d = o.orderDetails?.[id];
        const offer = d && offersOf(d, queuedActions.get(id) ?? d.row.queued).find((a) => a.action === input.action);
        if (!d || !offer || offer.unavailable)
          throw { code: "invalid_input", message: offer?.unavailable ?? "Not possible now.", field: "action" };
        if ((input.action === "REJECT_REQUEST" || input.action === "INITIATE_APPEAL") && !input.reason)
          throw { code: "invalid_input", message: "Reason is required for this action.", field: "action" };
        if (input.action === "DELIVER_SERVICE" && !input.result_text)
          throw { code: "invalid_input", message: "ResultText is required for this action.", field: "action" };
        queuedActions.set(id, input.action as NonNullable<Wire["list_orders"][number]["queued"]>);
        return { client_token: `tok-${queuedActions.size}`, uploads: 0 };
      },
      rebase_draft: (args: Record<string, unknown>): Wire["rebase_draft"] => {
        const id = String(args.id);
        refused.delete(id);
        return {
          draft: view(id),
          conflicts: [{ path: "product.basic.name", base: "Old", mine: "Mine", theirs: "Theirs" }],
          from_version: 1,
          to_version: 2,
        };
      },
      three_way: (args: Record<string, unknown>): Wire["three_way"] => {
        const a = applications.find((x) => x.draft_id === String(args.id));
        const name = draft(String(args.id)).doc.product.basic?.name ?? "";
        return {
          draft_id: String(args.id),
          submission: a
            ? {
                id: a.application_id,
                state: "sent",
                submitted_at: a.submitted_at,
                application_id: a.application_id,
                message: null,
              }
            : null,
          live_product_id: null,
          has_live: false,
          rows: [
            { path: "product.basic.name", draft: name, submitted: a?.product_name ?? null, live: null, pricing: false },
            {
              path: "product.specifications[id=s1].skus[0].price",
              draft: "4999.00",
              submitted: "0.00",
              live: null,
              pricing: true,
            },
          ],
        };
      },
      withdraw_application: (args: Record<string, unknown>): Wire["withdraw_application"] => {
        const a = applications.find((x) => x.application_id === String(args.id));
        if (a) a.state = "withdrawn";
        return null;
      },
      sync_status: syncStatus,
      sync_now: () => null,
      list_outbox: (): Wire["list_outbox"] => [],
      retry_outbox: () => null,
      discard_outbox: () => null,
    } satisfies Handlers);
    w.__review = (
      id: string,
      state: "approved" | "rejected",
      comments: { field: string | null; message: string }[],
    ) => {
      const a = applications.find((x) => x.application_id === id);
      if (!a) return;
      a.state = state;
      a.reviewed_at = new Date().toISOString();
      a.review_comments = comments;
      emit("sync-status-changed", syncStatus());
    };

    function saveAccount(id: string, raw: unknown, adding: boolean): Wire["add_account"] {
      const input = raw as { name: string; site: string; ak: string; sk: string };
      if (!input.name.trim())
        throw { code: "invalid_input", message: "Give the account a name, e.g. your company's.", field: "name" };
      if (adding && (!input.ak || !input.sk))
        throw { code: "invalid_input", message: "Enter the access key (AK).", field: "ak" };
      const existing = accounts.find((a) => a.id === id);
      if (existing) Object.assign(existing, { name: input.name.trim(), site: input.site });
      else accounts.push({ id, name: input.name.trim(), site: input.site });
      return account(id);
    }

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
        const handle = (handlers as Record<string, ((a: Record<string, unknown>) => unknown) | undefined>)[cmd];
        if (!handle) throw { code: "internal", message: `unmocked command ${cmd}` };
        return handle(args);
      },
    };
    // As the shell does: the first page's settings, facts and drafts come with the page.
    if (o.boot) {
      w.__KOODESK_BOOT__ = {
        settings: settings(),
        info: handlers.app_info?.({}),
        drafts: handlers.list_drafts?.({ filter: {} }),
      };
    }
  }, opts);
}

export async function ipcCalls(page: Page): Promise<{ cmd: string; args: Record<string, unknown> }[]> {
  return page.evaluate(() => (window as unknown as { __calls: never }).__calls);
}
