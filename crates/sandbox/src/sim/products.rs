//! Live products in SQL: a release creates one, an approved modification changes it, and
//! customers buy it in purchase slots (decided in [`super::customer::buys`]).

use koodesk_domain::product::{ListingStatus, Product};
use koodesk_domain::supervision;
use koodesk_market::contract::*;
use rusqlite::{params, Connection};

use super::customer;
use super::{parse_ts, pick, roll, ts, Sim, HOUR};
use crate::db;

pub fn save_product(
    tx: &Connection,
    p: &LiveProduct,
    next_purchase_at: Option<i64>,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO products (product_id, updated_at, next_purchase_at, json) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(product_id) DO UPDATE SET updated_at = excluded.updated_at,
             next_purchase_at = COALESCE(excluded.next_purchase_at, products.next_purchase_at),
             json = excluded.json",
        params![
            p.product_id,
            parse_ts(&p.updated_at).unwrap_or(0),
            next_purchase_at,
            db::to_json(p)
        ],
    )?;
    Ok(())
}

/// The contract's order kind for a product customers buy under service supervision.
pub fn order_method(p: &Product) -> Option<OrderDelivery> {
    use koodesk_domain::product::DeliveryMethod as M;
    match supervision::supervised_method(p)? {
        M::ProfessionalService => Some(OrderDelivery::ProfessionalService),
        M::License => Some(OrderDelivery::License),
        M::Saas => Some(OrderDelivery::Saas),
        _ => None,
    }
}

impl Sim {
    /// A product released at `now`; customers start buying soon after.
    pub fn new_product(
        &self,
        tx: &Connection,
        product: Product,
        now: i64,
    ) -> rusqlite::Result<LiveProduct> {
        self.new_product_at(tx, product, now, now)
    }

    /// A product released at `released_at` whose customers start buying after `buyers_from`.
    /// With Public Sales off it is hidden: on sale, but only through its URL.
    pub fn new_product_at(
        &self,
        tx: &Connection,
        product: Product,
        released_at: i64,
        buyers_from: i64,
    ) -> rusqlite::Result<LiveProduct> {
        let now = released_at;
        let n = db::next_seq(tx, "product")?;
        let live = LiveProduct {
            product_id: format!(
                "OFFI{:018}",
                560_000_000_000_000_000u64
                    + (roll(self.seed, "product") % 1_000_000) * 100
                    + n as u64
            ),
            status: ListingStatus::on_sale(product.public_sales).into(),
            version: 1,
            updated_at: ts(now),
            product,
        };
        let next = order_method(&live.product).map(|_| {
            buyers_from.max(now)
                + pick(
                    self.seed,
                    &format!("{}:first-purchase", live.product_id),
                    6,
                    48,
                ) * HOUR
        });
        save_product(tx, &live, next)?;
        Ok(live)
    }

    /// A purchase slot of a product is due: perhaps a customer buys; the next slot is set.
    pub(crate) fn purchase(
        &self,
        tx: &Connection,
        p: LiveProduct,
        at: i64,
    ) -> rusqlite::Result<()> {
        let key = format!("{}:{at}:purchase", p.product_id);
        let next = at + pick(self.seed, &key, 24, 96) * HOUR;
        tx.execute(
            "UPDATE products SET next_purchase_at = ?2 WHERE product_id = ?1",
            params![p.product_id, next],
        )?;
        if customer::buys(p.status, self.seed, &format!("{key}:buys")) {
            if let Some(method) = order_method(&p.product) {
                self.new_order(tx, &p, method, at)?;
            }
        }
        Ok(())
    }
}
