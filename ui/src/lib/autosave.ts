// Autosave: edits are sent a short moment after the seller stops typing, one save at a time, and
// every save is committed by the backend before it answers. Identical documents are not re-sent.
// With `stage`, every edit is also written through at once (no revision, no lint), so a crash
// loses at most the edit in flight. Stage and save calls never overlap. Every live saver is
// flushed by `flushAll` (the shell asks for it before the app quits).

export type SaveStatus = "saved" | "pending" | "saving" | "error";

export interface AutosaveOptions<T> {
  /** Sends a document; resolves once it is committed. */
  save: (doc: T) => Promise<void>;
  /** Writes a document through before the save (resolves once committed). */
  stage?: (doc: T) => Promise<unknown>;
  delayMs?: number;
  onStatus?: (s: SaveStatus, error?: unknown) => void;
}

const live = new Set<{ flush(): Promise<void> }>();

/** Saves what every open editor has pending and waits until it is committed. */
export async function flushAll(): Promise<void> {
  await Promise.allSettled([...live].map((s) => s.flush()));
}

export class Autosaver<T> {
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Backend calls (stage and save) run one after another, in the order they were made. */
  private chain: Promise<unknown> = Promise.resolve();
  private staging = false;
  private stageAgain = false;
  private inFlight: Promise<void> | null = null;
  private latest: T | null = null;
  private lastSent: string;
  private status: SaveStatus = "saved";

  constructor(
    initial: T,
    private readonly opts: AutosaveOptions<T>,
  ) {
    this.lastSent = JSON.stringify(initial);
    live.add(this);
  }

  get state(): SaveStatus {
    return this.status;
  }

  /** Tells the saver what is on screen now; the document is copied when it is sent. */
  edit(doc: T): void {
    if (JSON.stringify(doc) === this.lastSent && !this.latest) return;
    this.latest = doc;
    this.set("pending");
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), this.opts.delayMs ?? 300);
    this.stageSoon();
  }

  /** Writes the newest pending document through; one stage at a time, the newest next. */
  private stageSoon(): void {
    const stage = this.opts.stage;
    if (!stage) return;
    if (this.staging) {
      this.stageAgain = true;
      return;
    }
    this.staging = true;
    void (async () => {
      do {
        this.stageAgain = false;
        const doc = this.latest;
        if (doc === null) break;
        await this.serial(() => stage(doc)).catch(() => {});
      } while (this.stageAgain);
      this.staging = false;
    })();
  }

  private serial<R>(f: () => Promise<R>): Promise<R> {
    const p = this.chain.then(f, f);
    this.chain = p.catch(() => {});
    return p;
  }

  /** Treats `doc` as saved (e.g. after the backend answered with a normalized document). */
  accept(doc: T): void {
    this.lastSent = JSON.stringify(doc);
  }

  /** Saves what is pending now and waits until everything sent is committed. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.inFlight) await this.inFlight.catch(() => {});
    const doc = this.latest;
    if (doc === null) return;
    const json = JSON.stringify(doc);
    this.latest = null;
    if (json === this.lastSent) {
      this.set("saved");
      return;
    }
    this.set("saving");
    this.inFlight = this.serial(() => this.opts.save(doc)).then(
      () => {
        this.lastSent = json;
        this.inFlight = null;
        this.set(this.latest ? "pending" : "saved");
      },
      (e: unknown) => {
        this.inFlight = null;
        // Keep the unsaved document: the next edit or flush tries again.
        if (this.latest === null) this.latest = doc;
        this.set("error", e);
      },
    );
    await this.inFlight.catch(() => {});
    if (this.latest && this.status !== "error") await this.flush();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    live.delete(this);
  }

  private set(s: SaveStatus, error?: unknown) {
    this.status = s;
    this.opts.onStatus?.(s, error);
  }
}
