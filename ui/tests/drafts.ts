// Draft documents for the browser tests: an empty release that the editor can bind to, with what a
// test needs set on it.
import type { BasicInfo, DraftDocument, Specification } from "../src/lib/backend/formats";

/** A simple one-time specification priced 0.00 (so `sku.price` fires until it is priced). */
export const oneTimeSpec: Specification = {
  id: "s1",
  name: "Standard",
  billing_modes: ["one_time"],
  pricing: "simple",
  attributes: [],
  skus: [{ billing_mode: "one_time", options: {}, price: "0.00" }],
  removed: false,
  application_asset: "",
};

export function releaseDraft(
  opts: { name?: string; version?: string; delivery?: BasicInfo["delivery"]; specs?: Specification[] } = {},
): DraftDocument {
  return {
    format: "koodesk.product-draft",
    format_version: 1,
    kind: "release",
    product: {
      basic: {
        name: opts.name ?? "",
        version: opts.version ?? "",
        logo: null,
        delivery: opts.delivery ?? {
          method: "professional_service",
          service_flow: null,
          avg_delivery_days: null,
          request_templates: [],
        },
      },
      details: { overview: "", description: "", highlights: [], customer_cases: [] },
      qualification: {
        eula: null,
        after_sales_group: null,
        user_guide: null,
        business_letter: null,
        software_copyright: null,
      },
      seo: { title: "", keywords: [], description: "" },
      public_sales: true,
      specifications: opts.specs ?? [],
    },
  };
}

/** A modification of `release`'s product (the live copy is the same product). */
export function modificationOf(release: DraftDocument, liveId: string): DraftDocument {
  return { ...release, kind: "modification", live_product_id: liveId, live: release.product };
}
