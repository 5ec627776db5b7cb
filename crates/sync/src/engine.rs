//! The executor: takes the sender's lease, carries out the planner's answer — each row marked in
//! flight and committed before its request leaves, its answer and local effects written together —
//! and pulls the marketplace's copies.

use std::collections::HashSet;
use std::future::Future;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use koodesk_market::contract::*;
use koodesk_market::{Client, ErrorClass, MarketError};
use koodesk_store::{Pulled, RemoteProduct, Store};
use serde::Serialize;

use crate::backoff::Backoff;
use crate::calls::{self, Call};
use crate::plan::{self, Op, RowView};
use crate::probe::{self, Served};
use crate::SyncError;

/// The marketplace as the engine sees it: the sandbox and KooGallery through [`Client`], or a
/// fake in a unit test.
pub trait Marketplace: Send + Sync {
    /// A contract call with a body fixed before (the outbox's bytes); the answer's JSON.
    fn call(
        &self,
        method: &str,
        path: &str,
        body: Vec<u8>,
    ) -> impl Future<Output = Result<serde_json::Value, MarketError>> + Send;
    fn applications(
        &self,
        page: &Page,
    ) -> impl Future<Output = Result<ApplicationList, MarketError>> + Send;
    fn products(
        &self,
        page: &Page,
    ) -> impl Future<Output = Result<ProductList, MarketError>> + Send;
    fn events(
        &self,
        cursor: Option<&str>,
        limit: u32,
    ) -> impl Future<Output = Result<EventPage, MarketError>> + Send;
    fn support_changes(
        &self,
        page: &Page,
    ) -> impl Future<Output = Result<SupportChangeList, MarketError>> + Send;
    fn service_orders(
        &self,
        page: &Page,
    ) -> impl Future<Output = Result<ServiceOrderList, MarketError>> + Send;
}

impl Marketplace for Client {
    async fn call(
        &self,
        method: &str,
        path: &str,
        body: Vec<u8>,
    ) -> Result<serde_json::Value, MarketError> {
        self.call_bytes(method, path, Vec::new(), body).await
    }
    async fn applications(&self, page: &Page) -> Result<ApplicationList, MarketError> {
        self.list_applications(page, None).await
    }
    async fn products(&self, page: &Page) -> Result<ProductList, MarketError> {
        self.list_products(page).await
    }
    async fn events(&self, cursor: Option<&str>, limit: u32) -> Result<EventPage, MarketError> {
        Client::events(self, cursor, limit).await
    }
    async fn support_changes(&self, page: &Page) -> Result<SupportChangeList, MarketError> {
        self.list_support_changes(page).await
    }
    async fn service_orders(&self, page: &Page) -> Result<ServiceOrderList, MarketError> {
        self.list_service_orders(page).await
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub backoff: Backoff,
    pub plan: plan::Settings,
    /// How long the sender's lease lasts without renewal; a crashed sender's lease runs out
    /// after this and another process may send.
    pub lease_ttl: Duration,
    pub page_size: u32,
    /// Pull at all; off for a send-only run (the drain benchmark).
    pub pull: bool,
    /// Rows of different entities sent side by side.
    pub parallel: usize,
}

impl Report {
    /// Counts one row's outcome; true when sending should stop (offline, or the account paused).
    fn count(&mut self, outcome: Outcome) -> bool {
        match outcome {
            Outcome::Done => self.done += 1,
            Outcome::Rejected => self.rejected += 1,
            Outcome::Retry => self.retrying += 1,
            Outcome::Offline(why) => {
                self.retrying += 1;
                self.offline = Some(why);
                return true;
            }
            Outcome::Paused(why) => {
                self.retrying += 1;
                self.paused = Some(why);
                return true;
            }
        }
        false
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            backoff: Backoff::default(),
            plan: plan::Settings::default(),
            lease_ttl: Duration::from_secs(30),
            page_size: 100,
            pull: true,
            parallel: 8,
        }
    }
}

/// Sync state keys (per account) the engine keeps in the store.
pub mod keys {
    /// Why sending is paused (the account's keys were refused); set until the seller acts.
    pub const PAUSED: &str = "paused";
    /// Why the marketplace could not be reached at the last attempt.
    pub const OFFLINE: &str = "offline";
    /// When the last pull finished (Unix ms).
    pub const LAST_PULL: &str = "last_pull";
    pub const EVENTS_CURSOR: &str = "events.cursor";
    /// Which contract operations the gateway serves (`probe::Served` as JSON).
    pub const SERVED: &str = "served";
    /// The marketplace's clock minus this computer's, in ms, at the last pull of service orders:
    /// every "how long since" of an order is measured in marketplace time.
    pub const SERVER_OFFSET: &str = "server_offset_ms";
}

/// What one pass did, for the status line and `koodesk sync --json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Another process (the app, or `koodesk sync`) holds the sender's lease.
    pub busy: Option<String>,
    pub sent: u32,
    pub done: u32,
    pub rejected: u32,
    pub retrying: u32,
    pub pulled: bool,
    pub offline: Option<String>,
    pub paused: Option<String>,
    /// Rows still open after the pass.
    pub open: u32,
    /// When a backed-off row becomes due (Unix ms).
    pub wake_at: Option<i64>,
    /// Errors of the pull that did not stop the pass.
    pub pull_error: Option<String>,
}

enum Start {
    Ready(Box<InFlight>),
    Finished(Outcome),
}

/// A request committed in flight, about to leave.
struct InFlight {
    seq: i64,
    call: Call,
    method: String,
    path: String,
    body: Vec<u8>,
    attempts: u32,
    submission_id: Option<String>,
}

enum Outcome {
    Done,
    Rejected,
    Retry,
    Offline(String),
    Paused(String),
}

pub struct Engine<M> {
    store: Store,
    market: M,
    account: String,
    attachments: PathBuf,
    holder: String,
    config: Config,
    rng: fastrand::Rng,
    changed_since_pull: bool,
    /// Until when (Unix ms) this engine's lease is known to be held without renewing it.
    lease_until: i64,
    /// An offline note may be in the store (cleared at the next success).
    offline_noted: bool,
}

/// Lease holders are `<host>:<pid>:<random>`; a holder of this host whose process is gone left
/// its lease behind.
fn holder_name() -> String {
    format!(
        "{}:{}:{}",
        host(),
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    )
}

fn host() -> String {
    std::env::var("HOSTNAME")
        .or_else(|_| std::env::var("COMPUTERNAME"))
        .unwrap_or_else(|_| "this-computer".into())
}

fn holder_is_gone(holder: &str) -> bool {
    let mut parts = holder.splitn(3, ':');
    let (Some(h), Some(pid)) = (parts.next(), parts.next()) else {
        return false;
    };
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    h == host() && pid != std::process::id() && !process_alive(pid)
}

/// Whether a process of this computer still runs (where that cannot be told, it is assumed to).
#[cfg(unix)]
pub fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // Signal 0 checks that the process exists without touching it.
    // SAFETY: kill with signal 0 sends nothing; it only reports whether `pid` exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
pub fn process_alive(_pid: u32) -> bool {
    // Not checked here: the lease runs out after its time instead.
    true
}

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl<M: Marketplace> Engine<M> {
    /// An engine for one account over its own connection to the data folder's database.
    pub fn new(
        store: Store,
        market: M,
        account: impl Into<String>,
        attachments: PathBuf,
        config: Config,
    ) -> Self {
        Engine {
            store,
            market,
            account: account.into(),
            attachments,
            holder: holder_name(),
            config,
            rng: fastrand::Rng::new(),
            changed_since_pull: false,
            lease_until: 0,
            offline_noted: true,
        }
    }

    pub fn market(&self) -> &M {
        &self.market
    }

    /// Whether the last attempt found the marketplace unreachable.
    pub fn is_offline(&self) -> Result<bool, SyncError> {
        Ok(self
            .store
            .sync_state(&self.account, keys::OFFLINE)?
            .is_some())
    }

    /// The network is back (see [`crate::reach`]): what was backing off because the marketplace
    /// could not be reached is due now rather than at the end of its back-off. Returns how many
    /// rows that made due.
    pub fn reconnected(&mut self) -> Result<usize, SyncError> {
        if !self.is_offline()? {
            return Ok(0);
        }
        let n = self.store.outbox_due_now(&self.account, now_ms())?;
        // Pull too: what happened while away is waiting.
        self.request_pull();
        Ok(n)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Pulls at the next pass even if the last pull is recent (the seller asked to sync now).
    pub fn request_pull(&mut self) {
        self.changed_since_pull = true;
    }

    /// Gives the lease back so another process may send at once.
    pub fn release(&mut self) -> Result<(), SyncError> {
        self.lease_until = 0;
        self.store.release_lease(&self.holder)?;
        Ok(())
    }

    /// Takes or renews the sender's lease. A lease left by a process of this computer that no
    /// longer runs (killed, crashed) is taken over at once rather than after it expires.
    fn lease(&mut self) -> Result<bool, SyncError> {
        let ttl = self.config.lease_ttl.as_millis() as i64;
        let now = now_ms();
        // Renewed when a third of it is used up, not before every call.
        if now < self.lease_until - 2 * ttl / 3 {
            return Ok(true);
        }
        if self.store.acquire_lease(&self.holder, now, ttl)? {
            self.lease_until = now + ttl;
            return Ok(true);
        }
        self.lease_until = 0;
        let Some((other, _)) = self.store.lease()? else {
            let taken = self.store.acquire_lease(&self.holder, now, ttl)?;
            if taken {
                self.lease_until = now + ttl;
            }
            return Ok(taken);
        };
        if holder_is_gone(&other) {
            tracing::info!(previous = %other, "taking over the lease of a sender that exited");
            let taken = self.store.take_over_lease(&other, &self.holder, now, ttl)?;
            if taken {
                self.lease_until = now + ttl;
            }
            return Ok(taken);
        }
        Ok(false)
    }

    fn local(&self) -> Result<plan::Local, SyncError> {
        let open = self.store.outbox(&self.account, false)?;
        let mut tokens: Vec<String> = open
            .iter()
            .flat_map(|r| r.waits_for.iter().cloned())
            .collect();
        tokens.sort();
        tokens.dedup();
        let waited = self.store.outbox_by_tokens(&tokens)?;
        let rows = open
            .into_iter()
            .chain(waited)
            .map(|r| RowView {
                seq: r.seq,
                client_token: r.client_token,
                entity: r.entity,
                state: r.state,
                waits_for: r.waits_for,
                next_attempt_at: r.next_attempt_at,
            })
            .collect();
        Ok(plan::Local {
            rows,
            paused: self
                .store
                .sync_state(&self.account, keys::PAUSED)?
                .is_some(),
        })
    }

    fn remote(&self) -> Result<plan::Remote, SyncError> {
        Ok(plan::Remote {
            last_pull: self
                .store
                .sync_state(&self.account, keys::LAST_PULL)?
                .and_then(|v| v.parse().ok()),
            changed_since_pull: self.changed_since_pull,
        })
    }

    /// One pass: send everything that is due, then pull if it is time. Never sends a row twice
    /// in one pass; a row that failed waits for its back-off.
    pub async fn pass(&mut self) -> Result<Report, SyncError> {
        let mut report = Report::default();
        if !self.lease()? {
            report.busy = self.store.lease()?.map(|(h, _)| h);
            return Ok(report);
        }
        let served = self.served().await?;
        let mut tried = HashSet::new();
        'sending: loop {
            let ops = plan::plan(&self.local()?, &self.remote()?, &self.config.plan, now_ms());
            let due: Vec<i64> = ops
                .iter()
                .filter_map(|o| match o {
                    Op::Send(seq) if !tried.contains(seq) => Some(*seq),
                    _ => None,
                })
                .collect();
            if due.is_empty() {
                break;
            }
            // Batches go one after another; each commit records the answers of the batch before
            // and puts the next in flight, before any of its requests leaves.
            let mut answered = Vec::new();
            for batch in due.chunks(self.config.parallel.max(1)) {
                tried.extend(batch.iter().copied());
                if !self.lease()? {
                    self.record(std::mem::take(&mut answered), &mut report)?;
                    report.busy = self.store.lease()?.map(|(h, _)| h);
                    return Ok(report);
                }
                let earlier = std::mem::take(&mut answered);
                let (stop, ready) = self.in_batch(|e| {
                    let mut stop = false;
                    for (f, answer) in earlier {
                        stop |= report.count(e.finish(f, answer)?);
                    }
                    let mut ready = Vec::new();
                    if stop {
                        // Offline or paused: this batch stays queued, untouched.
                        return Ok((stop, ready));
                    }
                    report.sent += batch.len() as u32;
                    for &seq in batch {
                        match e.start(seq, &served)? {
                            Start::Ready(f) => ready.push(*f),
                            Start::Finished(o) => stop |= report.count(o),
                        }
                    }
                    Ok((stop, ready))
                })?;
                if stop && ready.is_empty() {
                    break 'sending;
                }
                answered = self.send(ready).await;
            }
            // What comes next may wait for these answers: record them before planning again.
            self.record(answered, &mut report)?;
        }
        let ops = plan::plan(&self.local()?, &self.remote()?, &self.config.plan, now_ms());
        if self.config.pull && report.offline.is_none() && ops.contains(&Op::Pull) {
            match self.pull().await {
                Ok(()) => report.pulled = true,
                Err(SyncError::Market(e)) => match self.classify_trouble(&e)? {
                    Some(Outcome::Offline(w)) => report.offline = Some(w),
                    Some(Outcome::Paused(w)) => report.paused = Some(w),
                    _ => report.pull_error = Some(e.to_string()),
                },
                Err(e) => return Err(e),
            }
        }
        let open = self.store.outbox(&self.account, false)?;
        report.open = open.len() as u32;
        report.wake_at = open
            .iter()
            .map(|r| r.next_attempt_at)
            .filter(|t| *t > now_ms())
            .min();
        if report.paused.is_none() {
            report.paused = self.store.sync_state(&self.account, keys::PAUSED)?;
        }
        Ok(report)
    }

    /// Passes until nothing is open (or `deadline` passes), sleeping until the next row is due.
    /// Tests and `koodesk sync --once`: the app runs [`Engine::pass`] from its own loop.
    pub async fn run_until_idle(&mut self, deadline: Duration) -> Result<Report, SyncError> {
        let until = tokio::time::Instant::now() + deadline;
        loop {
            let report = self.pass().await?;
            let stuck = report.paused.is_some() || report.busy.is_some();
            if report.open == 0 || stuck || tokio::time::Instant::now() >= until {
                return Ok(report);
            }
            let wait = report
                .wake_at
                .map(|t| Duration::from_millis((t - now_ms()).max(0) as u64))
                .unwrap_or(Duration::from_millis(50))
                .max(Duration::from_millis(5));
            let left = until.saturating_duration_since(tokio::time::Instant::now());
            tokio::time::sleep(wait.min(left)).await;
        }
    }

    /// Offline or paused, if the error says so; records it in the store.
    fn classify_trouble(&mut self, e: &MarketError) -> Result<Option<Outcome>, SyncError> {
        let status = match e {
            MarketError::Rejected { status, .. } => Some(*status),
            _ => None,
        };
        let outcome = match e {
            MarketError::Unreachable { .. } => Some(Outcome::Offline(e.to_string())),
            MarketError::ClockSkew { .. } | MarketError::BadSite(_) | MarketError::Sign(_) => {
                Some(Outcome::Paused(e.to_string()))
            }
            _ if matches!(status, Some(401 | 403)) => Some(Outcome::Paused(format!(
                "The marketplace refused this account's keys: {e}. Check the access key in \
                 Settings → Accounts; sending resumes when they are replaced."
            ))),
            _ => None,
        };
        match &outcome {
            Some(Outcome::Offline(w)) => {
                self.store
                    .set_sync_state(&self.account, keys::OFFLINE, Some(w))?;
                self.offline_noted = true;
            }
            Some(Outcome::Paused(w)) => {
                self.store
                    .set_sync_state(&self.account, keys::PAUSED, Some(w))?;
            }
            _ => {}
        }
        Ok(outcome)
    }

    /// The marketplace answered: clear the offline note if there may be one.
    fn online(&mut self) -> Result<(), SyncError> {
        if self.offline_noted {
            self.store
                .set_sync_state(&self.account, keys::OFFLINE, None)?;
            self.offline_noted = false;
        }
        Ok(())
    }

    fn retry_at(&mut self, attempts: u32, retry_after: Option<Duration>) -> i64 {
        let d = self
            .config
            .backoff
            .delay(attempts.max(1), retry_after, &mut self.rng);
        now_ms() + d.as_millis() as i64
    }

    /// What the gateway serves: probed once per account and kept; all served when it cannot be
    /// asked now (the calls themselves then find out).
    pub async fn served(&mut self) -> Result<Served, SyncError> {
        let known = self
            .store
            .sync_state(&self.account, keys::SERVED)?
            .and_then(|json| serde_json::from_str::<Served>(&json).ok());
        if let Some(s) = &known {
            // Asked again once a day: an account may be given more of the API.
            if now_ms() - s.probed_at < 24 * 3_600_000 {
                return Ok(s.clone());
            }
        }
        match probe::probe(&self.market, now_ms()).await {
            Ok(s) => {
                let json = serde_json::to_string(&s).unwrap_or_default();
                self.store
                    .set_sync_state(&self.account, keys::SERVED, Some(&json))?;
                if !s.missing().is_empty() {
                    tracing::info!(missing = ?s.missing(), "the gateway does not serve every operation");
                }
                Ok(s)
            }
            Err(e) => {
                tracing::debug!(error = %e, "could not probe the gateway");
                Ok(known.unwrap_or_default())
            }
        }
    }

    /// Runs `f` in one store transaction: committed if it succeeds, rolled back if not.
    fn in_batch<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, SyncError>,
    ) -> Result<T, SyncError> {
        self.store.begin_batch()?;
        match f(self) {
            Ok(v) => {
                self.store.commit_batch()?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.store.rollback_batch();
                Err(e)
            }
        }
    }

    /// Fixes and commits a row's request and marks it in flight, ready to leave; or finishes it
    /// at once (not served here, its file gone).
    fn start(&mut self, seq: i64, served: &Served) -> Result<Start, SyncError> {
        let row = self
            .store
            .outbox_row(seq)?
            .ok_or_else(|| SyncError::Corrupt(format!("outbox row {seq} vanished")))?;
        let call = Call::from_row(&row)?;
        if !served.serves(&row.op) {
            let message = probe::not_served_message(&row.op);
            let effects = calls::on_refused(row.submission_id.as_deref(), &call, &message);
            self.store.outbox_rejected(seq, &message, &effects)?;
            return Ok(Start::Finished(Outcome::Rejected));
        }
        let row = match (&row.method, &row.path, &row.body) {
            (Some(_), Some(_), Some(_)) => self.store.outbox_start(seq, "", "", &[])?,
            _ => match calls::build(&self.store, &self.attachments, &row, &call) {
                Ok(req) => self
                    .store
                    .outbox_start(seq, req.method, &req.path, &req.body)?,
                Err(SyncError::Local(why)) => {
                    // Nothing left here; the seller can fix it (attach the file again) or
                    // discard the row. Try again later, slowly.
                    let at = self.retry_at(row.attempts + 1, None);
                    self.store.outbox_retry_later(seq, at, &why)?;
                    return Ok(Start::Finished(Outcome::Retry));
                }
                Err(e) => return Err(e),
            },
        };
        let (Some(method), Some(path), Some(body)) = (row.method, row.path, row.body) else {
            return Err(SyncError::Corrupt(format!(
                "outbox row {seq} has no request"
            )));
        };
        tracing::debug!(seq, op = %row.op, attempt = row.attempts, "sending");
        Ok(Start::Ready(Box::new(InFlight {
            seq,
            call,
            method,
            path,
            body,
            attempts: row.attempts,
            submission_id: row.submission_id,
        })))
    }

    /// Records what became of a request: done with its effects, refused, or to be sent again
    /// (the same bytes) later.
    fn finish(
        &mut self,
        f: InFlight,
        answer: Result<serde_json::Value, MarketError>,
    ) -> Result<Outcome, SyncError> {
        let seq = f.seq;
        match answer {
            Ok(answer) => match calls::on_done(&f.call, &answer) {
                Ok(effects) => {
                    self.store.outbox_done(seq, &answer.to_string(), &effects)?;
                    self.online()?;
                    self.changed_since_pull = true;
                    Ok(Outcome::Done)
                }
                Err(e) => {
                    // An answer that says success but cannot be read: the same token asks again.
                    let at = self.retry_at(f.attempts, None);
                    self.store.outbox_retry_later(seq, at, &e.to_string())?;
                    Ok(Outcome::Retry)
                }
            },
            Err(e) => {
                if let Some(trouble) = self.classify_trouble(&e)? {
                    let at = match &trouble {
                        Outcome::Offline(_) => self.retry_at(f.attempts, None),
                        _ => now_ms(),
                    };
                    self.store.outbox_retry_later(seq, at, &e.to_string())?;
                    return Ok(trouble);
                }
                self.online()?;
                match e.class() {
                    ErrorClass::Rejected => {
                        let message = e.to_string();
                        let effects =
                            calls::on_refused(f.submission_id.as_deref(), &f.call, &message);
                        self.store.outbox_rejected(seq, &message, &effects)?;
                        tracing::info!(seq, %message, "the marketplace refused a call");
                        Ok(Outcome::Rejected)
                    }
                    ErrorClass::Retryable | ErrorClass::UnknownOutcome => {
                        let retry_after = match &e {
                            MarketError::Busy { retry_after, .. } => *retry_after,
                            _ => None,
                        };
                        let at = self.retry_at(f.attempts, retry_after);
                        self.store.outbox_retry_later(seq, at, &e.to_string())?;
                        Ok(Outcome::Retry)
                    }
                }
            }
        }
    }

    /// Sends requests already committed in flight, side by side (rows of different entities, at
    /// most `Config::parallel`); the answers come back in queue order.
    /// (`&mut self`, not `&self`: the store is not `Sync`, and the app's task must stay `Send`.)
    async fn send(
        &mut self,
        ready: Vec<InFlight>,
    ) -> Vec<(InFlight, Result<serde_json::Value, MarketError>)> {
        let market = &self.market;
        let answers = futures_util::future::join_all(
            ready
                .iter()
                .map(|f| market.call(&f.method, &f.path, f.body.clone())),
        )
        .await;
        ready.into_iter().zip(answers).collect()
    }

    /// Records answers with their effects in one commit (a crash before it: the rows are still
    /// in flight and go again with the same bytes, and the marketplace answers as before).
    fn record(
        &mut self,
        answered: Vec<(InFlight, Result<serde_json::Value, MarketError>)>,
        report: &mut Report,
    ) -> Result<(), SyncError> {
        if answered.is_empty() {
            return Ok(());
        }
        self.in_batch(|e| {
            for (f, answer) in answered {
                report.count(e.finish(f, answer)?);
            }
            Ok(())
        })
    }

    /// Reads applications, products and new events into the store (never a draft).
    pub async fn pull(&mut self) -> Result<(), SyncError> {
        let limit = self.config.page_size.max(1);
        let served = self.served().await?;
        let mut applications = Vec::new();
        let mut offset = 0;
        while served.serves("list_applications") {
            let page = Page {
                offset,
                limit,
                updated_since: None,
            };
            let list = self.market.applications(&page).await?;
            let n = list.applications.len() as u32;
            applications.extend(list.applications.iter().map(calls::remote_application));
            offset += n;
            if n == 0 || offset >= list.total {
                break;
            }
        }
        let mut products = Vec::new();
        let mut offset = 0;
        while served.serves("list_products") {
            let page = Page {
                offset,
                limit,
                updated_since: None,
            };
            let list = self.market.products(&page).await?;
            let n = list.products.len() as u32;
            products.extend(list.products.iter().map(|p| {
                RemoteProduct {
                    product_id: p.product_id.clone(),
                    version: p.version,
                    status: serde_json::to_value(p.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    json: serde_json::to_string(p).unwrap_or_default(),
                }
            }));
            offset += n;
            if n == 0 || offset >= list.total {
                break;
            }
        }
        // The newest Services & support change, for its review state.
        let mut support_change = None;
        if served.serves("submit_support_change") {
            let first = self.market.support_changes(&Page::first(1)).await?;
            if first.total > 0 {
                let last = Page {
                    offset: first.total - 1,
                    limit: 1,
                    updated_since: None,
                };
                support_change = self
                    .market
                    .support_changes(&last)
                    .await?
                    .support_changes
                    .pop();
            }
        }
        let mut cursor = self.store.sync_state(&self.account, keys::EVENTS_CURSOR)?;
        let mut events = Vec::new();
        while served.serves("events") {
            let page = self.market.events(cursor.as_deref(), limit).await?;
            let n = page.events.len();
            events.extend(page.events.iter().map(|e| {
                (
                    e.event_id.clone(),
                    serde_json::to_string(e).unwrap_or_default(),
                )
            }));
            let moved = cursor.as_deref() != Some(page.next_cursor.as_str());
            cursor = Some(page.next_cursor);
            if n == 0 || !moved {
                break;
            }
        }
        let mut orders = Vec::new();
        let mut server_offset = None;
        let mut offset = 0;
        while served.serves("list_service_orders") {
            let page = Page {
                offset,
                limit,
                updated_since: None,
            };
            let asked_at = now_ms();
            let list = self.market.service_orders(&page).await?;
            if let Some(t) = list
                .server_time
                .as_deref()
                .and_then(koodesk_market::sign::parse_sdk_date)
            {
                let server_ms = t.unix_timestamp() * 1000;
                // Half the round trip is the answer's age when it arrives.
                let local_ms = asked_at + (now_ms() - asked_at) / 2;
                server_offset = Some(server_ms - local_ms);
            }
            let n = list.service_orders.len() as u32;
            orders.extend(list.service_orders.iter().map(calls::remote_order));
            offset += n;
            if n == 0 || offset >= list.total {
                break;
            }
        }
        self.store.store_pull(
            &self.account,
            &Pulled {
                products: &products,
                applications: &applications,
                orders: &orders,
                events: &events,
                cursor: cursor.as_deref(),
            },
        )?;
        if let Some(ms) = server_offset {
            self.store
                .set_sync_state(&self.account, keys::SERVER_OFFSET, Some(&ms.to_string()))?;
        }
        if let Some(c) = support_change {
            let json = serde_json::to_string(&c).unwrap_or_default();
            self.store
                .set_sync_state(&self.account, calls::SUPPORT_CHANGE, Some(&json))?;
        }
        self.store
            .set_sync_state(&self.account, keys::LAST_PULL, Some(&now_ms().to_string()))?;
        self.online()?;
        self.changed_since_pull = false;
        Ok(())
    }
}

/// The app runs passes on a multi-threaded runtime: a pass must stay `Send` (checked when the
/// tests compile, not first in the app's build).
#[cfg(test)]
#[allow(dead_code)]
fn a_pass_is_send(
    e: &mut Engine<Client>,
) -> impl Future<Output = Result<Report, SyncError>> + Send + '_ {
    e.pass()
}
