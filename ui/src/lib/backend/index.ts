// The only module that reaches Tauri. Everything else imports `backend` from here, so browser tests
// can mock IPC underneath it and nothing else changes.
import {
  commands,
  events,
  type AccountDto,
  type AccountInput_Deserialize as AccountInput,
  type ConnectionReport,
  type MarketplaceProfile,
  type PageMark_Deserialize as PageMark,
  type ApiError,
  type AppInfo,
  type BillingMode,
  type ChangeDto_Serialize as ChangeDto,
  type ChangeKind,
  type DeliveryMethod,
  type DraftFilter,
  type DraftKind,
  type DraftListItem,
  type DraftOptions,
  type DraftState,
  type DraftView,
  type FindingDto,
  type FormSummary,
  type FormView,
  type TemplateCheck,
  type TemplateFormat,
  type Language,
  type LanguagePref,
  type LiveProductDto,
  type RevisionDto,
  type RuleLimits,
  type Settings,
  type StateFilter,
  type SupportView,
  type ApplicationDto_Serialize as ApplicationDto,
  type ApplicationState,
  type DraftSubmission_Serialize as DraftSubmission,
  type OutboxItem_Serialize as OutboxItem,
  type SubmissionState,
  type SubmitResult,
  type SyncStatus_Serialize as SyncStatus,
  type ThreeWayView_Serialize as ThreeWayView,
  type OrderFilter,
  type OrderRow_Serialize as OrderRow,
  type OrderDetail_Serialize as OrderDetail,
  type OrderActionForm_Deserialize as OrderActionForm,
  type OrderFile,
  type RequestReading_Serialize as RequestReading,
  type AnswerView_Serialize as AnswerView,
  type ActionOffer_Serialize as ActionOffer,
  type QueuedOrderAction,
  type SellerAction,
  type Urgency,
  type AlertView_Serialize as AlertView,
  type AlertSettings_Serialize as AlertSettings,
  type AlertKind,
  type Target as AlertTarget,
  type AutostartState,
  type UpdateInfo_Serialize as UpdateInfo,
  type UpdateSettings_Serialize as UpdateSettings,
} from "./bindings";
import type { Attachment, DraftDocument, RequestForm, SupportInfo } from "./formats";

export type {
  AutostartState,
  UpdateInfo,
  UpdateSettings,
  AlertView,
  AlertSettings,
  AlertKind,
  AlertTarget,
  OrderFilter,
  OrderRow,
  OrderDetail,
  OrderActionForm,
  OrderFile,
  RequestReading,
  AnswerView,
  ActionOffer,
  QueuedOrderAction,
  SellerAction,
  Urgency,
  AccountDto,
  AccountInput,
  ConnectionReport,
  MarketplaceProfile,
  ApiError,
  AppInfo,
  Attachment,
  BillingMode,
  ChangeDto,
  ChangeKind,
  DeliveryMethod,
  DraftDocument,
  DraftFilter,
  DraftKind,
  DraftListItem,
  DraftOptions,
  DraftState,
  DraftView,
  FindingDto,
  FormSummary,
  FormView,
  Language,
  RequestForm,
  TemplateCheck,
  TemplateFormat,
  LanguagePref,
  LiveProductDto,
  RevisionDto,
  RuleLimits,
  Settings,
  StateFilter,
  SupportInfo,
  SupportView,
  ApplicationDto,
  ApplicationState,
  DraftSubmission,
  OutboxItem,
  SubmissionState,
  SubmitResult,
  SyncStatus,
  ThreeWayView,
};

/** A failure reported by the Rust side, in the one wire shape `{ code, message, field? }`. */
export class BackendError extends Error {
  readonly code: ApiError["code"];
  readonly field: string | null;

  constructor(e: ApiError) {
    super(e.message);
    this.name = "BackendError";
    this.code = e.code;
    this.field = e.field ?? null;
  }
}

type Outcome<T> = { status: "ok"; data: T } | { status: "error"; error: ApiError };

async function call<T>(pending: Promise<Outcome<T>>): Promise<T> {
  const r = await pending;
  if (r.status === "error") throw new BackendError(r.error);
  return r.data;
}

/** Reads a picked file as base64 (without the data: prefix). */
function base64Of(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onerror = () => reject(r.error ?? new Error("the file could not be read"));
    r.onload = () => {
      const url = String(r.result);
      resolve(url.slice(url.indexOf(",") + 1));
    };
    r.readAsDataURL(file);
  });
}

export const backend = {
  getSettings: () => call(commands.getSettings()),
  setLanguage: (language: LanguagePref) => call(commands.setLanguage(language)),
  appInfo: () => call(commands.appInfo()),
  uiReady: (marks: PageMark[]) => commands.uiReady(marks),
  quit: () => commands.quitApp(),
  restoreLatestBackup: () => call(commands.restoreLatestBackup(false)),
  onSettingsChanged: (cb: (s: Settings) => void) => events.settingsChanged.listen((e) => cb(e.payload)),
  /** The Demo marketplace came up or the seller switched accounts. */
  onMarketplaceChanged: (cb: () => void) => events.marketplaceChanged.listen(() => cb()),
  /** The shell is about to quit: save everything pending, then call `flushDone(token)`. */
  onFlushRequested: (cb: (token: number) => void) => events.flushRequested.listen((e) => cb(e.payload.token)),
  flushDone: (token: number) => commands.flushDone(token),

  listAccounts: () => call(commands.listAccounts()),
  addAccount: (input: AccountInput) => call(commands.addAccount(input)),
  updateAccount: (id: string, input: AccountInput) => call(commands.updateAccount(id, input)),
  removeAccount: (id: string) => call(commands.removeAccount(id)),
  switchAccount: (id: string) => call(commands.switchAccount(id)),
  testConnection: (id: string) => call(commands.testConnection(id)),

  draftOptions: () => call(commands.draftOptions()),
  listDrafts: (filter: DraftFilter) => call(commands.listDrafts(filter)),
  createDraft: (method: DeliveryMethod) => call(commands.createDraft(method)),
  liveProducts: () => call(commands.liveProducts()),
  createModification: (liveId: string) => call(commands.createModification(liveId)),
  getDraft: (id: string) => call(commands.getDraft(id)),
  stageDraft: (id: string, baseRevision: number, doc: DraftDocument) =>
    call(commands.stageDraft(id, baseRevision, doc)),
  saveDraft: (id: string, baseRevision: number | null, doc: DraftDocument) =>
    call(commands.saveDraft(id, baseRevision, doc)),
  deleteDraft: (id: string) => call(commands.deleteDraft(id)),
  draftRevisions: (id: string) => call(commands.draftRevisions(id)),
  diffRevisions: (id: string, from: number, to: number) => call(commands.diffRevisions(id, from, to)),
  diffLive: (id: string) => call(commands.diffLive(id)),
  restoreRevision: (id: string, revision: number) => call(commands.restoreRevision(id, revision)),
  attachFile: async (file: File) => call(commands.attachFile(file.name, await base64Of(file))),
  getSupport: () => call(commands.getSupport()),
  listForms: () => call(commands.listForms()),
  getForm: (id: string) => call(commands.getForm(id)),
  newForm: () => call(commands.newForm()),
  saveForm: (form: RequestForm) => call(commands.saveForm(form)),
  /** Asks where to save (the shell opens the system dialog), then writes the template; resolves
   * to the path, or null if cancelled. */
  exportTemplate: (id: string, format: TemplateFormat, lang: Language) =>
    call(commands.exportTemplate(id, format, lang)),
  /** Asks for a filled template (the shell opens the system dialog), then checks it in a child
   * process; resolves to null if cancelled. */
  checkTemplate: () => call(commands.checkTemplate()),
  saveSupport: (baseRevision: number | null, info: SupportInfo) => call(commands.saveSupport(baseRevision, info)),

  /** Checks the draft, makes its request templates and queues it; the background sync sends it. */
  submitDraft: (id: string, acceptWarnings: boolean) => call(commands.submitDraft(id, acceptWarnings)),
  draftSubmission: (id: string) => call(commands.draftSubmission(id)),
  /** The draft, its last submitted snapshot and the live product, field by field. */
  threeWay: (id: string) => call(commands.threeWay(id)),
  /** Applies the seller's changes onto the live product as last pulled (a new revision). */
  rebaseDraft: (id: string) => call(commands.rebaseDraft(id)),
  listApplications: () => call(commands.listApplications()),
  /** The service-order inbox as last synced, most pressing first. */
  listOrders: (filter: OrderFilter, search: string) => call(commands.listOrders(filter, search)),
  getOrder: (id: string) => call(commands.getOrder(id)),
  /** The customer's filled templates read as their forms (may download the files and forms). */
  readOrderRequest: (id: string) => call(commands.readOrderRequest(id)),
  /** Asks where to save (the shell opens the system dialog); resolves to the path, or null. */
  saveOrderFile: (id: string, attachmentId: string, fileName: string) =>
    call(commands.saveOrderFile(id, attachmentId, fileName)),
  /** Queues a supervision action; the background sync sends it. */
  actOnOrder: (id: string, input: OrderActionForm) => call(commands.actOnOrder(id, input)),
  withdrawApplication: (id: string) => call(commands.withdrawApplication(id)),
  syncStatus: () => call(commands.syncStatus()),
  syncNow: () => commands.syncNow(),
  onSyncStatus: (cb: (s: SyncStatus) => void) => events.syncStatusChanged.listen((e) => cb(e.payload)),

  listAlerts: (unreadOnly: boolean) => call(commands.listAlerts(unreadOnly)),
  /** Marks one alert read, or all (null). */
  markAlertsRead: (key: string | null) => call(commands.markAlertsRead(key)),
  snoozeAlert: (key: string, secs: number) => call(commands.snoozeAlert(key, secs)),
  alertSettings: () => call(commands.alertSettings()),
  setAlertSettings: (s: AlertSettings) => call(commands.setAlertSettings(s)),
  /** Sends a sample alert through the operating system. */
  sendTestAlert: () => call(commands.sendTestAlert()),
  /** Whether Koodesk starts at login, and where it goes then. */
  autostartState: () => call(commands.autostartState()),
  setAutostart: (enabled: boolean) => call(commands.setAutostart(enabled)),
  /** Asks the update manifest for a newer version (null: up to date). */
  checkForUpdates: () => call(commands.checkForUpdates()),
  /** Downloads, checks the signature of, and installs the update the last check found. */
  installUpdate: () => call(commands.installUpdate()),
  updateSettings: () => call(commands.updateSettings()),
  setDailyUpdateCheck: (daily: boolean) => call(commands.setDailyUpdateCheck(daily)),
  onUpdateProgress: (cb: (downloaded: number, total: number | null) => void) =>
    events.updateProgress.listen((e) => cb(e.payload.downloaded ?? 0, e.payload.total ?? null)),
  onUpdateAvailable: (cb: (u: UpdateInfo) => void) => events.updateAvailable.listen((e) => cb(e.payload)),
  onAlertsChanged: (cb: (unread: number) => void) => events.alertsChanged.listen((e) => cb(e.payload.unread)),
  /** The seller clicked an alert in the system: show what it is about. */
  onAlertOpened: (cb: (target: AlertTarget) => void) => events.alertOpened.listen((e) => cb(e.payload.target)),
  listOutbox: () => call(commands.listOutbox()),
  retryOutbox: (seq: number) => call(commands.retryOutbox(seq)),
  discardOutbox: (seq: number) => call(commands.discardOutbox(seq)),
};
