// Generated from docs/schemas/*.schema.json by `npm run gen:types`. Do not edit.

export type DraftKind = "release" | "modification";
/**
 * The service-flow template a professional service follows.
 */
export type ServiceFlow = "standard" | "website_building";
export type Attribute = {
  /**
   * Stable code, used as the key in SKU options.
   */
  code: string;
  /**
   * Shown to customers on the product page and in bills.
   */
  name: string;
} & Attribute1;
export type Attribute1 =
  | {
      type: "enumeration";
      values: string[];
    }
  | {
      max: number;
      min: number;
      pricing?: "linear" | "tiered";
      step: number;
      /**
       * Tiered pricing: the upper bound of each tier but the last (which ends at `max`).
       */
      tier_bounds?: number[];
      type: "quantity";
      unit?: string;
    };
export type BillingMode = ("pay_per_use" | "trial") | "monthly" | "yearly" | "one_time";
/**
 * A price as a decimal string with at most two decimals, never negative, e.g. "12.50".
 */
export type Money = string;
/**
 * Where a released product stands on KooGallery.
 */
export type ListingStatus = "online" | "hidden" | "offline";

/**
 * A release draft, or a modification draft with the live copy it was made from.
 */
export interface DraftDocument {
  /**
   * Always `koodesk.product-draft`.
   */
  format: string;
  /**
   * Always 1 for this version of the format.
   */
  format_version: number;
  kind: DraftKind;
  /**
   * Modification drafts: the live product as it was when the draft was made.
   */
  live?: Product | null;
  /**
   * Modification drafts: the marketplace id of the live product.
   */
  live_product_id?: string | null;
  /**
   * Modification drafts: the live product's status when the draft was made, if known.
   */
  live_status?: ListingStatus | null;
  /**
   * Modification drafts: the marketplace's version of the live product the draft was made
   * from, if known; the modification names it, and the marketplace refuses it when the live
   * product has moved on since.
   */
  live_version?: number | null;
  product: Product;
}
/**
 * The whole product, as a release or modification draft holds it.
 */
export interface Product {
  basic?: BasicInfo;
  details?: Details;
  /**
   * Listed on the KooGallery front end and in search (`false`: buyable only through its URL).
   */
  public_sales?: boolean;
  qualification?: Qualification;
  seo?: Seo;
  specifications?: Specification[];
}
export interface BasicInfo {
  /**
   * The delivery method and the basic-information fields that only it has.
   */
  delivery?:
    | {
        /**
         * Average delivery duration in calendar days.
         */
        avg_delivery_days?: number | null;
        method: "professional_service";
        request_templates?: RequestTemplate[];
        service_flow?: ServiceFlow | null;
      }
    | {
        /**
         * How the license is delivered (offline, through service supervision).
         */
        delivery_process?: string;
        method: "license";
      }
    | {
        /**
         * The released SaaS asset in the asset center.
         */
        associated_asset?: string;
        involves_service_supervision?: boolean;
        method: "saas";
      }
    | {
        /**
         * The released image asset.
         */
        image_asset?: string;
        method: "image";
      }
    | {
        method: "hardware";
      }
    | {
        method: "consulting_service";
        /**
         * The seller's own page the listing links to.
         */
        website_url?: string;
      };
  logo?: Attachment | null;
  name?: string;
  /**
   * e.g. `V1.0`, `V2.0.1`.
   */
  version?: string;
}
/**
 * A request template the customer downloads, fills in and attaches to the service request:
 * either a Koodesk request form (generated as .xlsx/.docx) or an uploaded file.
 */
export interface RequestTemplate {
  file?: Attachment | null;
  form_id?: string | null;
  title?: string;
}
/**
 * A file stored once in the data folder, named by the SHA-256 of its content.
 */
export interface Attachment {
  file_name: string;
  /**
   * Pixel size, for images whose content was decoded on the way in.
   */
  image?: ImageInfo | null;
  /**
   * e.g. `image/png`, `application/pdf`.
   */
  media_type: string;
  /**
   * Lower-case hex SHA-256 of the content.
   */
  sha256: string;
  size: number;
}
export interface ImageInfo {
  height: number;
  width: number;
}
export interface Details {
  customer_cases?: CustomerCase[];
  description?: string;
  highlights?: Highlight[];
  /**
   * The summary shown in search results and at the top of the product page.
   */
  overview?: string;
}
export interface CustomerCase {
  customer?: string;
  text?: string;
  title?: string;
}
export interface Highlight {
  text?: string;
  title?: string;
}
export interface Qualification {
  /**
   * The after-sales customer-service group (by id) from Services & support.
   */
  after_sales_group?: string | null;
  business_letter?: Attachment | null;
  eula?: Attachment | null;
  software_copyright?: Attachment | null;
  user_guide?: Attachment | null;
}
export interface Seo {
  description?: string;
  keywords?: string[];
  title?: string;
}
export interface Specification {
  /**
   * License: the released application asset this specification delivers.
   */
  application_asset?: string;
  /**
   * The dimensions SKUs are generated from (custom pricing template only).
   */
  attributes?: Attribute[];
  billing_modes?: BillingMode[];
  /**
   * Stable id: the marketplace's id for released specifications, a local one for new ones.
   */
  id?: string;
  name?: string;
  pricing?: "simple" | "custom";
  /**
   * Removed from the catalog (a released specification is never deleted, only removed).
   */
  removed?: boolean;
  skus?: Sku[];
}
export interface Sku {
  billing_mode: BillingMode;
  /**
   * Enumeration attribute code → chosen value.
   */
  options?: {
    [k: string]: string | undefined;
  };
  /**
   * The price of this SKU per billing period; with a linear quantity attribute, per unit.
   */
  price?: string;
  /**
   * With a tiered quantity attribute: the unit price in each tier, in tier order.
   */
  tier_prices?: Money[];
}

export interface SupportInfo {
  after_sales_groups?: AfterSalesGroup[];
  business_contact?: Contact;
  pre_sales?: PreSales;
}
export interface AfterSalesGroup {
  email?: string;
  id?: string;
  name?: string;
  phone?: string;
  /**
   * e.g. `Monday to Friday`.
   */
  service_days?: string;
  /**
   * e.g. `08:00-17:00 (GMT+01:00)`: at least the ruleset's hours a day, with the time zone.
   */
  service_hours?: string;
}
/**
 * How KooGallery's operations team reaches the seller.
 */
export interface Contact {
  email?: string;
  name?: string;
  phone?: string;
}
export interface PreSales {
  /**
   * Kept by KooGallery but never shown to buyers.
   */
  address?: string;
  email?: string;
  phone?: string;
}

export type Field = {
  example?: string | null;
  help?: Text | null;
  /**
   * Stable key, unique across the form; filled values are reported under it.
   */
  key: string;
  label: Text;
  required?: boolean;
} & Field1;
/**
 * Text shown to people: one string, or one string per language (`en`, `zh-CN`).
 */
export type Text =
  | string
  | {
      [k: string]: string | undefined;
    };
export type Field1 =
  | {
      max_length?: number | null;
      type: "text";
    }
  | {
      max_length?: number | null;
      type: "multiline";
    }
  | {
      max?: number | null;
      min?: number | null;
      type: "integer";
    }
  | {
      max?: number | null;
      min?: number | null;
      type: "decimal";
    }
  | {
      type: "date";
    }
  | {
      options: string[];
      type: "enum";
    }
  | {
      options: string[];
      type: "multi_choice";
    }
  | {
      type: "yes_no";
    }
  | {
      type: "email";
    }
  | {
      type: "phone";
    }
  | {
      type: "url";
    };

export interface RequestForm {
  /**
   * How to reach the seller about the form (e-mail, phone).
   */
  contact?: string;
  /**
   * Stable id, e.g. `data-migration-request`.
   */
  id: string;
  /**
   * Text shown to people: one string, or one string per language (`en`, `zh-CN`).
   */
  instructions?:
    | string
    | {
        [k: string]: string | undefined;
      };
  sections: Section[];
  title: Text;
  /**
   * Bumped whenever the fields change; a filled file is read only with its own version.
   */
  version: number;
}
export interface Section {
  fields: Field[];
  key: string;
  /**
   * A table the customer fills with any number of rows (e.g. "servers to migrate").
   */
  repeating?: boolean;
  title: Text;
}
