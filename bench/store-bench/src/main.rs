//! Draft list and search with 10 000 drafts, through Koodesk's API, beside the raw SQLite query
//! that returns the same rows (the floor). Prints `ROW|metric|koodesk|baseline|baseline name|unit`
//! lines for `cargo xtask bench`.
//!
//! Also the service-order inbox over 100 000 pulled orders (state, who must act, urgency against
//! the 5-day line, the queued action of each, sorted most pressing first) beside the raw query
//! that reads the same rows.
//!
//! And the editor's write-through: a keystroke's document committed to disk (`drafts::stage`,
//! the store side of "last keystroke → durable"; the UI sends it at once, with no debounce)
//! beside a raw `INSERT OR REPLACE` of the same bytes.

use std::time::{Duration, Instant};

use koodesk_api::dto::DraftFilter;
use koodesk_api::paths::DataDir;
use koodesk_api::{drafts, Context};
use koodesk_domain::draft::DraftDocument;
use koodesk_domain::product::{DeliveryMethod, Highlight, Product};
use koodesk_store::{DraftWrite, SearchFields, Store};

const DRAFTS: usize = 10_000;
const RUNS: usize = 60;

const WORDS: &[&str] = &[
    "migration",
    "backup",
    "database",
    "firewall",
    "kubernetes",
    "analytics",
    "training",
    "support",
    "monitoring",
    "storage",
    "network",
    "security",
    "mysql",
    "postgres",
    "recovery",
    "consulting",
    "integration",
    "pipeline",
    "dashboard",
    "compliance",
];

/// A deterministic pseudo-random generator (xorshift), so every run builds the same data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn word(&mut self) -> &'static str {
        WORDS[(self.next() % WORDS.len() as u64) as usize]
    }
    /// A word from a 4 000-word vocabulary, Zipf-like: a few words are common, most are rare.
    fn vocab(&mut self) -> String {
        let r = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        synthetic_word((r * r * 4000.0) as usize)
    }
}

/// The n-th made-up word: three syllables, deterministic.
fn synthetic_word(n: usize) -> String {
    const SYL: &[&str] = &[
        "ka", "lo", "mi", "ran", "tes", "vor", "ul", "pen", "dri", "sho", "gat", "ne", "bix",
        "qua", "zel", "fo",
    ];
    let s = SYL.len();
    format!(
        "{}{}{}",
        SYL[n % s],
        SYL[(n / s) % s],
        SYL[(n / (s * s)) % s]
    )
}

fn product(rng: &mut Rng, i: usize) -> Product {
    let methods = DeliveryMethod::ALL;
    let mut p = Product::new(methods[i % methods.len()]);
    p.basic.name = format!("{} {} service {i}", rng.word(), rng.word());
    p.basic.version = "V1.0".into();
    p.details.overview = (0..12).map(|_| rng.vocab()).collect::<Vec<_>>().join(" ");
    p.details.description = (0..120).map(|_| rng.vocab()).collect::<Vec<_>>().join(" ");
    p.details.highlights = (0..3)
        .map(|_| Highlight {
            title: rng.word().into(),
            text: format!("{} {}", rng.word(), rng.word()),
        })
        .collect();
    p
}

fn fill(store: &mut Store, count: usize, ctx_rules_counts: impl Fn(&DraftDocument) -> (u32, u32)) {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for i in 0..count {
        let doc = DraftDocument::release(product(&mut rng, i));
        let (errors, warnings) = ctx_rules_counts(&doc);
        let p = &doc.product;
        let w = DraftWrite {
            kind: "release".into(),
            live_product_id: None,
            name: p.basic.name.clone(),
            delivery_method: p.method().tag().into(),
            doc: serde_json::to_string(&doc).unwrap_or_default(),
            errors,
            warnings,
            search: SearchFields {
                name: p.basic.name.clone(),
                overview: p.details.overview.clone(),
                description: p.details.description.clone(),
                highlights: p
                    .details
                    .highlights
                    .iter()
                    .map(|h| format!("{} {}", h.title, h.text))
                    .collect::<Vec<_>>()
                    .join("\n"),
            },
        };
        if let Err(e) = store.create_draft(&format!("d-{i:05}"), &w, "created") {
            eprintln!("store-bench: {e}");
            std::process::exit(2);
        }
    }
}

/// Prints the p50 and p95 rows of one measurement beside its baseline.
fn print_p50_p95(metric: &str, koodesk: &[Duration], baseline: &[Duration], baseline_name: &str) {
    for (label, p) in [("p50", 0.5), ("p95", 0.95)] {
        println!(
            "ROW|{metric}, {label} (ms)|{:.2}|{:.2}|{baseline_name}|ms",
            percentile(koodesk.to_vec(), p),
            percentile(baseline.to_vec(), p)
        );
    }
}

fn percentile(mut v: Vec<Duration>, p: f64) -> f64 {
    v.sort();
    let idx = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[idx.min(v.len() - 1)].as_secs_f64() * 1000.0
}

fn time<T>(mut f: impl FnMut(usize) -> T) -> Vec<Duration> {
    for i in 0..5 {
        std::hint::black_box(f(i)); // warm the page cache and statement cache
    }
    (0..RUNS)
        .map(|i| {
            let t = Instant::now();
            std::hint::black_box(f(i));
            t.elapsed()
        })
        .collect()
}

const ORDERS: usize = 100_000;
const ORDER_RUNS: usize = 8;

/// `runs` timed calls after one warm-up.
fn time_n<T>(runs: usize, mut f: impl FnMut(usize) -> T) -> Vec<Duration> {
    std::hint::black_box(f(0));
    (0..runs)
        .map(|i| {
            let t = Instant::now();
            std::hint::black_box(f(i));
            t.elapsed()
        })
        .collect()
}

/// 100 000 supervised orders in every state, as a pull stores them, under the current account.
fn fill_orders(ctx: &Context) {
    use koodesk_market::contract::ServiceOrder;
    let states = [
        "AWAITING_REQUEST",
        "REQUEST_SUBMITTED",
        "DELIVERING",
        "AWAITING_ACCEPTANCE",
        "ACCEPTED",
        "COMPLETED",
    ];
    let mut rng = Rng(0x5eed_0bde_5eed_0bde);
    // Now: orders updated over the last 9 days, so some are calm and many past a line.
    let base = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(1_795_424_400);
    let ts = |t: i64| {
        time::OffsetDateTime::from_unix_timestamp(t)
            .map(koodesk_market::sign::format_sdk_date)
            .unwrap_or_default()
    };
    let orders: Vec<koodesk_store::RemoteOrder> = (0..ORDERS)
        .map(|i| {
            // As a busy seller's account looks: most orders long completed, the open ones
            // updated within the last days (a few past a line).
            let roll = rng.next() % 100;
            let state = match roll {
                0..=74 => "COMPLETED",
                75..=79 => "ACCEPTED",
                _ => states[(rng.next() % 4) as usize],
            };
            let waiting = match state {
                "REQUEST_SUBMITTED" | "DELIVERING" => "SELLER",
                "ACCEPTED" | "COMPLETED" => "NOBODY",
                _ => "CUSTOMER",
            };
            let age = if state == "COMPLETED" {
                30 * 86_400 + (rng.next() % (300 * 86_400)) as i64
            } else {
                (rng.next() % (5 * 86_400)) as i64
            };
            let updated = base - age;
            let id = format!("CS{i:015}");
            let v = serde_json::json!({
                "orderId": id,
                "orderLineId": format!("{id}-000001"),
                "productId": "OFFI0000001",
                "productName": format!("{} {} service", rng.word(), rng.word()),
                "deliveryMethod": "PROFESSIONAL_SERVICE",
                "orderStatus": if state == "COMPLETED" { "COMPLETED" } else { "PROCESSING" },
                "flowState": state,
                "waitingFor": waiting,
                "customerName": format!("Customer {}", i % 977),
                "createdAt": ts(updated - 86_400),
                "flowUpdatedAt": ts(updated),
                "sellerUpdatedAt": ts(updated),
                "customerUpdatedAt": ts(updated - 3600),
                "sellerRejections": rng.next() % 3,
                "customerRejections": rng.next() % 2,
                "appeal": { "status": if i % 97 == 0 { "IN_PROGRESS" } else { "NONE" } },
                "records": [
                    { "at": ts(updated - 86_400), "party": "CUSTOMER", "operation": "Order paid" },
                    { "at": ts(updated), "party": "CUSTOMER", "operation": "Request submitted",
                      "text": "Please migrate our servers before the end of the month." }
                ],
                "version": 3,
                "flowVersion": 2,
                "updatedAt": ts(updated),
            });
            let order: ServiceOrder = serde_json::from_value(v).unwrap_or_else(|e| {
                eprintln!("store-bench: an order does not fit the contract: {e}");
                std::process::exit(2)
            });
            koodesk_store::RemoteOrder {
                order_id: order.order_id.clone(),
                flow_state: state.into(),
                waiting_for: waiting.into(),
                flow_version: order.flow_version,
                version: order.version,
                updated_at: order.updated_at.clone(),
                json: serde_json::to_string(&order).unwrap_or_default(),
                facts: koodesk_store::OrderColumns {
                    product_name: order.product_name.clone(),
                    flow_updated_at: updated,
                    appeal_open: i % 97 == 0,
                    seller_rejections: order.seller_rejections,
                    customer_rejections: order.customer_rejections,
                    request_accepted_at: (state == "DELIVERING").then_some(updated),
                    avg_delivery_days: Some(10),
                },
            }
        })
        .collect();
    let account = ctx.account();
    let mut store = ctx.store().unwrap_or_else(|e| {
        eprintln!("store-bench: {e}");
        std::process::exit(2)
    });
    for chunk in orders.chunks(5_000) {
        let pulled = koodesk_store::Pulled {
            products: &[],
            applications: &[],
            orders: chunk,
            events: &[],
            cursor: None,
        };
        if let Err(e) = store.store_pull(&account, &pulled) {
            eprintln!("store-bench: {e}");
            std::process::exit(2)
        }
    }
}

/// The inbox over 100 000 orders beside the raw query that reads the same rows.
fn orders_inbox(ctx: &Context, raw: &rusqlite::Connection) {
    let started = Instant::now();
    fill_orders(ctx);
    eprintln!(
        "store-bench: {ORDERS} orders stored in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let account = ctx.account();
    let inbox = time_n(ORDER_RUNS, |_| {
        koodesk_api::orders::list(ctx, koodesk_api::orders::OrderFilter::All, "")
            .map(|v| v.len())
            .unwrap_or(0)
    });
    let shown = koodesk_api::orders::list(ctx, koodesk_api::orders::OrderFilter::All, "")
        .map(|v| v.len())
        .unwrap_or(0);
    eprintln!("store-bench: the inbox shows {shown} orders");
    let raw_read = time_n(ORDER_RUNS, |_| {
        let Ok(mut stmt) = raw.prepare_cached(
            "SELECT order_id, flow_state, waiting_for, flow_version, version, updated_at, json
             FROM remote_orders WHERE account = ?1 ORDER BY updated_at DESC, order_id",
        ) else {
            return 0;
        };
        stmt.query_map([&account], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })
        .map(|it| it.count())
        .unwrap_or(0)
    });
    print_p50_p95(
        &format!("service-order inbox over {ORDERS} orders (state, urgency, sorted)"),
        &inbox,
        &raw_read,
        "raw SQLite read of the same rows",
    );

    // The alert planner's full stall scan (goal ≤ 20 ms) beside the raw scan of the sellers'
    // waiting orders past the first line.
    let due = koodesk_api::alerts::plan_now(ctx)
        .map(|v| v.len())
        .unwrap_or(0);
    eprintln!("store-bench: {due} alerts due over {ORDERS} orders");
    let plan = time_n(ORDER_RUNS * 4, |_| {
        koodesk_api::alerts::plan_now(ctx)
            .map(|v| v.len())
            .unwrap_or(0)
    });
    let now = koodesk_api::orders::marketplace_now(ctx).unwrap_or(0);
    let raw_scan = time_n(ORDER_RUNS * 4, |_| {
        let Ok(mut stmt) = raw.prepare_cached(
            "SELECT order_id, flow_state, flow_updated_at FROM remote_orders
             WHERE account = ?1 AND appeal_open = 0 AND waiting_for = 'SELLER'
               AND flow_updated_at <= ?2",
        ) else {
            return 0;
        };
        stmt.query_map(rusqlite::params![&account, now - 3 * 86_400], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .map(|it| it.count())
        .unwrap_or(0)
    });
    print_p50_p95(
        &format!("alert planner: full stall scan over {ORDERS} orders (goal ≤ 20 ms)"),
        &plan,
        &raw_scan,
        "raw SQLite scan of the seller's waiting orders",
    );
}

/// `store-bench --seed DIR N`: a data folder at DIR holding N linted drafts (what `cargo xtask
/// bench` starts the app on).
fn seed(dir: &std::path::Path, count: usize) {
    let ctx = Context::open(DataDir::at(dir)).unwrap_or_else(|e| {
        eprintln!("store-bench: {e}");
        std::process::exit(2)
    });
    fill_linted(&ctx, count);
}

/// `count` drafts, each with its linter counts, written to the context's database.
fn fill_linted(ctx: &Context, count: usize) {
    let rules = ctx.rules().clone();
    let support = koodesk_domain::support::SupportInfo::default();
    let mut store = ctx.store().unwrap_or_else(|e| {
        eprintln!("store-bench: {e}");
        std::process::exit(2)
    });
    fill(&mut store, count, |d| {
        let f = koodesk_domain::lint::lint(d, &support, &rules);
        let (e, w) = koodesk_domain::lint::counts(&f);
        (e as u32, w as u32)
    });
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, dir, count] = args.as_slice() {
        if flag == "--seed" {
            seed(std::path::Path::new(dir), count.parse().unwrap_or(200));
            return;
        }
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| {
        eprintln!("store-bench: {e}");
        std::process::exit(2)
    });
    let data = DataDir::at(dir.path());
    let ctx = Context::open(data.clone()).unwrap_or_else(|e| {
        eprintln!("store-bench: {e}");
        std::process::exit(2)
    });
    let started = Instant::now();
    fill_linted(&ctx, DRAFTS);
    eprintln!(
        "store-bench: {DRAFTS} drafts written in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let raw = rusqlite::Connection::open(data.database()).unwrap_or_else(|e| {
        eprintln!("store-bench: {e}");
        std::process::exit(2)
    });
    let list_sql = "SELECT d.id, d.kind, d.name, d.delivery_method, d.revision, d.errors, d.warnings,
                           d.submitted, d.updated_at
                    FROM drafts d WHERE d.deleted_at IS NULL ORDER BY d.updated_at DESC, d.id LIMIT 500";
    let search_sql = "SELECT d.id, d.kind, d.name, d.delivery_method, d.revision, d.errors, d.warnings,
                             d.submitted, d.updated_at
                      FROM drafts d JOIN drafts_fts ON drafts_fts.rowid = d.rowid AND drafts_fts MATCH ?1
                      WHERE d.deleted_at IS NULL ORDER BY drafts_fts.rank, d.updated_at DESC LIMIT 500";
    let raw_rows = |sql: &str, arg: Option<&str>| -> usize {
        let Ok(mut stmt) = raw.prepare_cached(sql) else {
            return 0;
        };
        let mapper = |r: &rusqlite::Row<'_>| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, bool>(7)?,
                r.get::<_, String>(8)?,
            ))
        };
        let rows = match arg {
            Some(a) => stmt.query_map([a], mapper).map(|it| it.count()),
            None => stmt.query_map([], mapper).map(|it| it.count()),
        };
        rows.unwrap_or(0)
    };

    let api_list = time(|_| {
        drafts::list(&ctx, &DraftFilter::default())
            .map(|v| v.len())
            .unwrap_or(0)
    });
    let raw_list = time(|_| raw_rows(list_sql, None));
    // Half the searches are a product word plus a description word, half a single rarer word.
    let queries: Vec<String> = (0..RUNS + 5)
        .map(|i| {
            if i % 2 == 0 {
                format!(
                    "{} {}",
                    WORDS[i % WORDS.len()],
                    synthetic_word(i * 37 % 400)
                )
            } else {
                synthetic_word(300 + i * 53 % 3000)
            }
        })
        .collect();
    let api_search = time(|i| {
        drafts::list(
            &ctx,
            &DraftFilter {
                query: Some(queries[i].clone()),
                ..Default::default()
            },
        )
        .map(|v| v.len())
        .unwrap_or(0)
    });
    let raw_search = time(|i| {
        let q = queries[i]
            .split_whitespace()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(" ");
        raw_rows(search_sql, Some(&q))
    });
    let hits: Vec<usize> = queries
        .iter()
        .take(10)
        .map(|q| {
            drafts::list(
                &ctx,
                &DraftFilter {
                    query: Some(q.clone()),
                    ..Default::default()
                },
            )
            .map(|v| v.len())
            .unwrap_or(0)
        })
        .collect();
    eprintln!("store-bench: hits of the first searches (capped at 500): {hits:?}");

    // Keystrokes into the first draft's name: the write-through of each, then the raw floor.
    let first = drafts::get(&ctx, "d-00000").unwrap_or_else(|e| {
        eprintln!("store-bench: {e}");
        std::process::exit(2)
    });
    let typed = |i: usize| {
        let mut doc = first.doc.clone();
        doc["product"]["basic"]["name"] = serde_json::json!(format!("Typed {i}"));
        doc
    };
    let stage =
        time(|i| drafts::stage(&ctx, "d-00000", first.revision, &typed(i)).unwrap_or(false));
    // The same durability as the store's connection (WAL, synchronous=NORMAL).
    let _ = raw.pragma_update(None, "synchronous", "NORMAL");
    let kept = drafts::stage(&ctx, "d-00000", first.revision, &typed(0)).unwrap_or(false);
    eprintln!("store-bench: a staged keystroke is kept: {kept}");
    let _ = raw.execute(
        "CREATE TABLE IF NOT EXISTS bench_raw (id TEXT PRIMARY KEY, doc TEXT NOT NULL)",
        [],
    );
    let raw_put = time(|i| {
        let text = serde_json::to_string(&typed(i)).unwrap_or_default();
        raw.execute(
            "INSERT OR REPLACE INTO bench_raw (id, doc) VALUES ('d', ?1)",
            [text],
        )
        .unwrap_or(0)
    });
    orders_inbox(&ctx, &raw);
    print_p50_p95(
        "keystroke → durable (store write-through)",
        &stage,
        &raw_put,
        "raw SQLite upsert",
    );
    print_p50_p95(
        &format!("list 500 of {DRAFTS} drafts"),
        &api_list,
        &raw_list,
        "raw SQLite query",
    );
    print_p50_p95(
        &format!("search {DRAFTS} drafts, one or two words"),
        &api_search,
        &raw_search,
        "raw FTS5 query",
    );
}
