// Alerts as the Notifications page receives them, for the browser tests.
import type { Wire } from "./ipc-mock";

type Alert = Wire["list_alerts"][number];

function alert(key: string, over: Partial<Alert>): Alert {
  return {
    key,
    kind: "stall_warning",
    target: { kind: "order", id: "CS-APPEALABLE" },
    title: "Order waiting for you",
    body: "CloudMove Server Migration Service (CS-APPEALABLE): no update from you for 3 days.",
    urgent: false,
    happened_at: "2026-12-01T08:00:00Z",
    raised_at: "2026-12-01T08:00:00Z",
    read: false,
    delivered: true,
    snoozed_until: null,
    ...over,
  };
}

export const ALERTS: Alert[] = [
  alert("stall_urgent:CS-URGENT:1", {
    kind: "stall_urgent",
    target: { kind: "order", id: "CS-URGENT" },
    title: "Act today",
    body: "SecureGate Web Application Firewall (CS-URGENT): the customer may appeal tomorrow.",
    urgent: true,
  }),
  alert("event:EV1", {
    kind: "review_rejected",
    target: { kind: "application", id: "APP1" },
    title: "Review rejected",
    body: "APP1: Database Migration: the overview still says TODO.",
  }),
  alert("stall_warning:CS-APPEALABLE:1", { read: true }),
];
