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
