// English UI strings. Every key here must also be in zh-CN.ts (the type checker enforces it).
export const en = {
  "app.name": "Koodesk",
  "app.tagline": "KooGallery seller desk",
  "nav.label": "Main navigation",
  "nav.products": "Products",
  "nav.applications": "Applications",
  "nav.orders": "Service orders",
  "nav.templates": "Templates",
  "nav.notifications": "Notifications",
  "nav.settings": "Settings",
  "nav.shortcut": "Ctrl+{n}",
  "profile.localOnly": "Local profile",
  "profile.localOnlyHint": "No marketplace account connected",

  "products.subtitle": "Release drafts, modifications and live products",
  "products.empty.title": "No products yet",
  "products.empty.body":
    "Drafts of new releases and modifications of live products appear here, each with how ready it is for review. Every change is saved on this computer as you type, so you can work offline.",
  "products.empty.how": "Live products appear once a KooGallery account is connected in Settings.",

  "applications.subtitle": "What you submitted for review",
  "applications.empty.title": "No applications yet",
  "applications.empty.body":
    "Release and modification applications appear here with their review status: pending approval, rejected with the reviewer's comments, approved or withdrawn. Koodesk tells you when a review result arrives.",
  "applications.empty.how": "Submit a product draft to create an application.",

  "orders.subtitle": "Service supervision",
  "orders.empty.title": "No service orders yet",
  "orders.empty.body":
    "Orders for professional services, licenses and supervised SaaS appear here: who must act next, how long since the last update, and a warning before a customer can appeal (more than 5 days without an update).",
  "orders.empty.how": "Orders appear once a KooGallery account is connected in Settings.",

  "templates.subtitle": "Request templates for your customers",
  "templates.empty.title": "No request forms yet",
  "templates.empty.body":
    "Define a request form once and Koodesk turns it into Excel and Word request templates for customers to fill in. Filled files that customers return can be checked here, field by field.",
  "templates.empty.how": "Request forms are attached to professional-service products.",

  "notifications.subtitle": "What happened while you were away",
  "notifications.empty.title": "Nothing new",
  "notifications.empty.body":
    "Review results, new customer requests, reminders and orders about to stall appear here, and as system notifications so you see them even when Koodesk is in the background.",
  "notifications.empty.how": "You are up to date.",

  "settings.subtitle": "Language, data and this installation",
  "settings.language": "Language",
  "settings.language.hint": "Koodesk follows your system's language unless you choose one.",
  "settings.language.system": "Follow the system ({lang})",
  "settings.language.saved": "Language saved",
  "settings.data": "Data",
  "settings.data.folder": "Data folder",
  "settings.data.logs": "Log folder",
  "settings.data.hint": "Drafts, settings and logs are kept in this folder on this computer.",
  "settings.marketplace": "Marketplace",
  "settings.marketplace.localOnly":
    "Local profile: no KooGallery account is connected. Everything you prepare stays on this computer.",
  "settings.about": "About",
  "settings.about.version": "Version",
  "settings.about.quit": "Quit Koodesk",
  "settings.about.quitHint": "Ctrl+Q",

  "lang.en": "English",
  "lang.zh-CN": "简体中文",

  "error.title": "Koodesk cannot open its data",
  "error.damaged":
    "The database file is damaged. Nothing has been changed or deleted. Restore a backup or move the file away, then start Koodesk again.",
  "error.newer": "This data was written by a newer Koodesk. Update Koodesk to open it.",
  "error.generic": "Something went wrong.",
  "error.details": "Details",
  "common.loading": "Loading…",
} as const;

export type MessageKey = keyof typeof en;
