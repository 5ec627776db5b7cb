//! Readable differences between two versions of a document (draft revisions, draft vs live).
//!
//! Works on the JSON form, so it covers every field without a hand-written list. Array items that
//! carry an `id` (specifications, after-sales groups) are matched by id, others by position.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Change {
    /// e.g. `product.basic.name`, `product.specifications[id=s1].name`.
    pub path: String,
    pub kind: ChangeKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
}

/// The changes that turn `before` into `after`, in document order.
pub fn diff<T: Serialize>(before: &T, after: &T) -> Vec<Change> {
    let a = serde_json::to_value(before).unwrap_or(Value::Null);
    let b = serde_json::to_value(after).unwrap_or(Value::Null);
    let mut out = Vec::new();
    walk("", &a, &b, &mut out);
    out
}

/// One field across the three copies of a product: the draft, the last submitted snapshot and the
/// live product. `None` where the field does not exist in that copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ThreeWay {
    pub path: String,
    pub draft: Option<Value>,
    pub submitted: Option<Value>,
    pub live: Option<Value>,
    /// A price or billing field: the seller's customers pay by it.
    pub pricing: bool,
}

impl ThreeWay {
    /// The draft changed the field after it was submitted.
    pub fn edited_since_submit(&self) -> bool {
        self.draft != self.submitted
    }

    /// What was submitted differs from what is live (pending review, or rejected).
    pub fn awaiting_review(&self) -> bool {
        self.submitted != self.live
    }
}

/// Whether a field path is about money: prices, billing modes, SKUs' charging.
pub fn is_pricing(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    ["price", "billing", "charging", "period", "currency"]
        .iter()
        .any(|w| p.contains(w))
}

/// Every field that differs in any of the three copies, in document order (the draft's changes
/// first). A field equal in all three is left out.
pub fn three_way<T: Serialize>(draft: &T, submitted: &T, live: &T) -> Vec<ThreeWay> {
    let ld = diff(live, draft);
    let ls = diff(live, submitted);
    let sd = diff(submitted, draft);
    let mut order: Vec<&str> = Vec::new();
    for c in ld.iter().chain(&ls).chain(&sd) {
        if !order.contains(&c.path.as_str()) {
            order.push(&c.path);
        }
    }
    let find = |list: &[Change], path: &str| -> Option<(Option<Value>, Option<Value>)> {
        list.iter()
            .find(|c| c.path == path)
            .map(|c| (c.before.clone(), c.after.clone()))
    };
    order
        .into_iter()
        .map(|path| {
            let from_ld = find(&ld, path);
            let from_ls = find(&ls, path);
            let from_sd = find(&sd, path);
            // Where no diff against live names the path, the copy equals live there.
            let live = from_ld
                .as_ref()
                .map(|(b, _)| b.clone())
                .or_else(|| from_ls.as_ref().map(|(b, _)| b.clone()))
                .or_else(|| from_sd.as_ref().map(|(b, _)| b.clone()))
                .flatten();
            let draft = match (&from_ld, &from_sd) {
                (Some((_, a)), _) => a.clone(),
                (None, Some((_, a))) => a.clone(),
                (None, None) => live.clone(),
            };
            let submitted = match (&from_ls, &from_sd) {
                (Some((_, a)), _) => a.clone(),
                (None, Some((b, _))) => b.clone(),
                (None, None) => live.clone(),
            };
            ThreeWay {
                pricing: is_pricing(path),
                path: path.to_owned(),
                draft,
                submitted,
                live,
            }
        })
        .collect()
}

fn join(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_string()
    } else {
        format!("{base}.{key}")
    }
}

fn id_of(v: &Value) -> Option<&str> {
    v.get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn walk(path: &str, a: &Value, b: &Value, out: &mut Vec<Change>) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                match y.get(k) {
                    Some(vb) => walk(&join(path, k), va, vb, out),
                    None if !va.is_null() => out.push(Change {
                        path: join(path, k),
                        kind: ChangeKind::Removed,
                        before: Some(va.clone()),
                        after: None,
                    }),
                    None => {}
                }
            }
            for (k, vb) in y {
                if !x.contains_key(k) && !vb.is_null() {
                    out.push(Change {
                        path: join(path, k),
                        kind: ChangeKind::Added,
                        before: None,
                        after: Some(vb.clone()),
                    });
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.iter().chain(y).all(|v| id_of(v).is_some()) => {
            for va in x {
                let id = id_of(va).unwrap_or_default();
                let p = format!("{path}[id={id}]");
                match y.iter().find(|vb| id_of(vb) == Some(id)) {
                    Some(vb) => walk(&p, va, vb, out),
                    None => out.push(Change {
                        path: p,
                        kind: ChangeKind::Removed,
                        before: Some(va.clone()),
                        after: None,
                    }),
                }
            }
            for vb in y {
                let id = id_of(vb).unwrap_or_default();
                if !x.iter().any(|va| id_of(va) == Some(id)) {
                    out.push(Change {
                        path: format!("{path}[id={id}]"),
                        kind: ChangeKind::Added,
                        before: None,
                        after: Some(vb.clone()),
                    });
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                let p = format!("{path}[{i}]");
                match (x.get(i), y.get(i)) {
                    (Some(va), Some(vb)) => walk(&p, va, vb, out),
                    (Some(va), None) => out.push(Change {
                        path: p,
                        kind: ChangeKind::Removed,
                        before: Some(va.clone()),
                        after: None,
                    }),
                    (None, Some(vb)) => out.push(Change {
                        path: p,
                        kind: ChangeKind::Added,
                        before: None,
                        after: Some(vb.clone()),
                    }),
                    (None, None) => {}
                }
            }
        }
        _ => out.push(Change {
            path: path.to_string(),
            kind: if a.is_null() {
                ChangeKind::Added
            } else if b.is_null() {
                ChangeKind::Removed
            } else {
                ChangeKind::Changed
            },
            before: (!a.is_null()).then(|| a.clone()),
            after: (!b.is_null()).then(|| b.clone()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::product::{DeliveryMethod, Product};
    use crate::spec::Specification;
    use serde_json::json;

    #[test]
    fn changed_fields_and_specifications_are_named_by_path_and_id() {
        let mut a = Product::new(DeliveryMethod::License);
        a.basic.name = "Backup Pro".into();
        a.specifications.push(Specification {
            id: "s1".into(),
            name: "Basic".into(),
            ..Default::default()
        });
        a.specifications.push(Specification {
            id: "s2".into(),
            name: "Pro".into(),
            ..Default::default()
        });
        let mut b = a.clone();
        b.basic.name = "Backup Plus".into();
        b.specifications.remove(0);
        b.specifications[0].name = "Professional".into();
        b.details.highlights.push(Default::default());

        let changes = diff(&a, &b);
        let paths: Vec<(&str, &ChangeKind)> =
            changes.iter().map(|c| (c.path.as_str(), &c.kind)).collect();
        assert!(
            paths.contains(&("basic.name", &ChangeKind::Changed)),
            "{paths:?}"
        );
        assert!(
            paths.contains(&("specifications[id=s1]", &ChangeKind::Removed)),
            "{paths:?}"
        );
        assert!(
            paths.contains(&("specifications[id=s2].name", &ChangeKind::Changed)),
            "{paths:?}"
        );
        assert!(
            paths.contains(&("details.highlights[0]", &ChangeKind::Added)),
            "{paths:?}"
        );
        let name = changes.iter().find(|c| c.path == "basic.name").unwrap();
        assert_eq!(name.before, Some(Value::from("Backup Pro")));
        assert_eq!(name.after, Some(Value::from("Backup Plus")));
        assert!(diff(&a, &a).is_empty());
    }

    #[test]
    fn three_copies_side_by_side_with_prices_flagged() {
        let live = json!({"name": "A", "price": "10.00", "summary": "s", "tags": ["x"]});
        let submitted = json!({"name": "B", "price": "12.00", "summary": "s", "tags": ["x"]});
        let draft = json!({"name": "C", "price": "12.00", "summary": "s2", "tags": ["x"]});
        let rows = three_way(&draft, &submitted, &live);
        let by = |p: &str| rows.iter().find(|r| r.path == p).cloned().expect(p);
        let name = by("name");
        assert_eq!(
            (name.draft, name.submitted, name.live),
            (Some(json!("C")), Some(json!("B")), Some(json!("A")))
        );
        let price = by("price");
        assert!(price.pricing && !price.edited_since_submit() && price.awaiting_review());
        let summary = by("summary");
        assert_eq!(
            summary.submitted,
            Some(json!("s")),
            "unchanged in the snapshot: equals live"
        );
        assert!(summary.edited_since_submit() && !summary.awaiting_review());
        assert!(
            rows.iter().all(|r| r.path != "tags"),
            "equal everywhere: left out"
        );
        assert!(three_way(&live, &live, &live).is_empty());
        assert!(
            !is_pricing("product.basic.name")
                && is_pricing("product.specifications[id=s1].skus[0].billing_mode")
        );
    }
}
