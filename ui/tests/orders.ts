// Service orders as the inbox receives them (most pressing first), for the browser tests.
import type { Wire } from "./ipc-mock";

type Row = Wire["list_orders"][number];

const H = 3600;
const D = 86_400;

function row(id: string, over: Partial<Row>): Row {
  return {
    order_id: id,
    product_name: "CloudMove Server Migration Service",
    customer_name: "Acme Ltd",
    flow_state: "DELIVERING",
    waiting_for: "SELLER",
    urgency: "calm",
    idle_secs: D,
    seller_idle_secs: D,
    customer_idle_secs: 2 * D,
    appeal_in_secs: 4 * D,
    seller_rejections: 0,
    customer_rejections: 0,
    appeal_open: false,
    flow_version: 3,
    flow_updated_at: "2026-11-30T09:00:00Z",
    queued: null,
    refused: null,
    ...over,
  };
}

export const ORDERS: Row[] = [
  row("CS-APPEALABLE", {
    customer_name: "深圳星河科技有限公司",
    urgency: "appealable",
    idle_secs: 5 * D + H,
    appeal_in_secs: -H,
    flow_state: "REQUEST_SUBMITTED",
  }),
  row("CS-URGENT", {
    product_name: "SecureGate Web Application Firewall",
    customer_name: "Bolt Logistics",
    urgency: "urgent",
    idle_secs: 4 * D + 20 * H,
    appeal_in_secs: 4 * H,
    queued: "DELIVER_SERVICE",
  }),
  row("CS-CALM", { urgency: "calm", idle_secs: 6 * H, appeal_in_secs: 4 * D + 18 * H }),
  row("CS-THEIRS", {
    urgency: "their_move",
    flow_state: "AWAITING_ACCEPTANCE",
    waiting_for: "CUSTOMER",
    appeal_in_secs: null,
    refused: "Order CS-THEIRS moved on since you looked (flow version 3 → 4). Refresh it before acting.",
  }),
  row("CS-FROZEN", {
    urgency: "frozen",
    waiting_for: "OPERATIONS",
    appeal_open: true,
    appeal_in_secs: null,
    customer_rejections: 3,
  }),
  row("CS-DONE", { urgency: "done", flow_state: "COMPLETED", waiting_for: "NOBODY", appeal_in_secs: null }),
];

type Detail = Wire["get_order"];
type Offer = Detail["actions"][number];

const FROZEN = "The service flow is frozen by an appeal; nobody can act until it is resolved.";

function offers(allowed: Partial<Record<Offer["action"], Offer["leads_to"]>>, why: string): Offer[] {
  const all: Offer["action"][] = ["ACCEPT_REQUEST", "REJECT_REQUEST", "DELIVER_SERVICE", "INITIATE_APPEAL"];
  return all.map((action) =>
    action in allowed
      ? { action, leads_to: allowed[action] ?? null, unavailable: null }
      : { action, leads_to: null, unavailable: why },
  );
}

function detail(r: Row, over: Partial<Detail>): Detail {
  return {
    row: r,
    kind: "professional_service",
    created_at: "2026-11-20T08:00:00Z",
    billing_mode: "yearly",
    request_text: null,
    request_submitted_at: null,
    request_files: [],
    delivery_text: null,
    delivered_at: null,
    actual_enabling_time: null,
    deliverables: [],
    accepted_at: null,
    completes_at: null,
    usage_starts_at: null,
    usage_starts_at_acceptance: true,
    appeal_status: "none",
    appeal_by: null,
    appeal_reason: null,
    appeal_at: null,
    appeal_outcome: null,
    appeal_proofs: [],
    customer_may_appeal: null,
    seller_has_grounds: false,
    records: [],
    actions: [],
    stall_days: 5,
    rejection_limit: 3,
    completion_hours: 3,
    ...over,
  };
}

const byId = (id: string) => ORDERS.find((r) => r.order_id === id) as Row;

export const DETAILS: Record<string, Detail> = {
  "CS-APPEALABLE": detail(byId("CS-APPEALABLE"), {
    request_text: "Please migrate our 12 servers before the 15th.",
    request_submitted_at: "2026-11-25T08:00:00Z",
    request_files: [
      {
        attachment_id: "ATT-1",
        file_name: "Data migration request (filled).xlsx",
        content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        size: 9000,
        local: true,
        template: true,
      },
      {
        attachment_id: "ATT-2",
        file_name: "broken.xlsx",
        content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        size: 20,
        local: true,
        template: true,
      },
    ],
    customer_may_appeal: "The seller has not updated the service for more than 5 days.",
    records: [
      { at: "2026-11-25T08:00:00Z", party: "CUSTOMER", operation: "Request submitted", text: "Please migrate" },
      { at: "2026-11-20T08:00:00Z", party: "NOBODY", operation: "Order paid", text: null },
    ],
    actions: offers(
      { ACCEPT_REQUEST: "DELIVERING", REJECT_REQUEST: "AWAITING_REQUEST", INITIATE_APPEAL: "REQUEST_SUBMITTED" },
      "DeliverService is not possible while the order is RequestSubmitted.",
    ),
  }),
  "CS-FROZEN": detail(byId("CS-FROZEN"), {
    appeal_status: "in_progress",
    appeal_by: "CUSTOMER",
    appeal_reason: "The delivery was still not what we ordered after 3 attempts.",
    appeal_at: "2026-11-28T10:00:00Z",
    actions: offers({}, FROZEN),
  }),
};

export const READINGS: Wire["read_order_request"] = [
  {
    attachment_id: "ATT-1",
    file_name: "Data migration request (filled).xlsx",
    form_id: "data-migration-request",
    version: 1,
    form_title: "Data migration request",
    source: "marketplace",
    note: null,
    problems: 1,
    error: null,
    answers: [
      {
        section: "Your company",
        row: null,
        key: "company_name",
        label: "Company name",
        value: "Acme Ltd",
        required: true,
        problem: null,
        location: null,
      },
      {
        section: "Your company",
        row: null,
        key: "contact_email",
        label: "Contact e-mail",
        value: "",
        required: true,
        problem: "An answer is required.",
        location: "Request!C8",
      },
      {
        section: "Servers to migrate",
        row: 1,
        key: "hostname",
        label: "Host name",
        value: "db-01",
        required: true,
        problem: null,
        location: null,
      },
    ],
  },
  {
    attachment_id: "ATT-2",
    file_name: "broken.xlsx",
    form_id: null,
    version: null,
    form_title: null,
    source: "none",
    note: null,
    problems: 0,
    error: "This is neither an Excel (.xlsx) nor a Word (.docx) file.",
    answers: [],
  },
];
