// The draft document as the editor holds it: every optional part filled in, so fields can bind.
import type { DraftDocument, SupportInfo } from "./backend";

type DeepRequired<T> = T extends (infer U)[]
  ? DeepRequired<U>[]
  : T extends object
    ? { [K in keyof T]-?: DeepRequired<Exclude<T[K], undefined>> }
    : T;

export type Doc = DeepRequired<DraftDocument>;
export type FullProduct = Doc["product"];
export type FullSpec = FullProduct["specifications"][number];
export type FullSku = FullSpec["skus"][number];
export type FullAttribute = FullSpec["attributes"][number];
export type FullSupport = DeepRequired<SupportInfo>;
export type Delivery = FullProduct["basic"]["delivery"];

/** Fills the few parts the backend leaves out when empty. */
export function filled(d: DraftDocument): Doc {
  const doc = structuredClone(d) as Doc;
  doc.live ??= null;
  doc.live_product_id ??= null;
  for (const s of doc.product.specifications ?? []) {
    for (const k of s.skus ?? []) k.tier_prices ??= [];
    for (const a of s.attributes ?? []) {
      if (a.type === "quantity") {
        a.tier_bounds ??= [];
        a.unit ??= "";
        a.pricing ??= "linear";
      }
    }
  }
  return doc;
}

export type DeliveryMethod = Delivery["method"];

/** The delivery of another method, with its own fields empty (a modification may change method). */
export function emptyDelivery(method: DeliveryMethod): Delivery {
  switch (method) {
    case "professional_service":
      return { method, avg_delivery_days: null, request_templates: [], service_flow: null };
    case "license":
      return { method, delivery_process: "" };
    case "saas":
      return { method, associated_asset: "", involves_service_supervision: false };
    case "image":
      return { method, image_asset: "" };
    case "hardware":
      return { method };
    case "consulting_service":
      return { method, website_url: "" };
  }
}

export const PRICE = /^\d{1,13}(\.\d{1,2})?$/;

/** A new local id for a specification or group. */
export function localId(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

export function emptySpec(name: string): FullSpec {
  return {
    id: localId("spec"),
    name,
    billing_modes: [],
    pricing: "simple",
    attributes: [],
    skus: [],
    removed: false,
    application_asset: "",
  };
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export type FullAttachment = NonNullable<FullProduct["basic"]["logo"]>;

/** An attachment reference as the document holds it. */
export function fullAttachment(a: import("./backend").Attachment): FullAttachment {
  return { ...a, image: a.image ?? null };
}
