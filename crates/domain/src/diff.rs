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

/// A field both the seller and the marketplace changed, differently, since the draft was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Conflict {
    pub path: String,
    /// The live product the draft was made from.
    pub base: Option<Value>,
    /// The seller's value, which the rebased draft keeps.
    pub mine: Option<Value>,
    /// The live product's value now.
    pub theirs: Option<Value>,
}

/// Applies the seller's changes (`base` → `mine`) onto the live product as it is now (`theirs`):
/// a field only one side changed takes that side's value; a field both changed differently is a
/// conflict, resolved to the seller's value and listed so nothing is lost silently. Lists whose
/// items carry an `id` (specifications, groups) are merged item by item.
pub fn rebase<T: Serialize + serde::de::DeserializeOwned>(
    base: &T,
    mine: &T,
    theirs: &T,
) -> Result<(T, Vec<Conflict>), serde_json::Error> {
    let b = serde_json::to_value(base)?;
    let m = serde_json::to_value(mine)?;
    let t = serde_json::to_value(theirs)?;
    let mut conflicts = Vec::new();
    let merged = merge3("", Some(&b), Some(&m), Some(&t), &mut conflicts).unwrap_or(Value::Null);
    Ok((serde_json::from_value(merged)?, conflicts))
}

fn merge3(
    path: &str,
    b: Option<&Value>,
    m: Option<&Value>,
    t: Option<&Value>,
    out: &mut Vec<Conflict>,
) -> Option<Value> {
    if m == b {
        return t.cloned();
    }
    if t == b || m == t {
        return m.cloned();
    }
    match (b, m, t) {
        (Some(Value::Object(bo)), Some(Value::Object(mo)), Some(Value::Object(to))) => {
            let mut keys: Vec<&String> = to.keys().collect();
            keys.extend(mo.keys().filter(|k| !to.contains_key(*k)));
            let mut merged = serde_json::Map::new();
            for k in keys {
                if let Some(v) = merge3(&join(path, k), bo.get(k), mo.get(k), to.get(k), out) {
                    merged.insert(k.clone(), v);
                }
            }
            Some(Value::Object(merged))
        }
        (Some(Value::Array(ba)), Some(Value::Array(ma)), Some(Value::Array(ta)))
            if [ba, ma, ta]
                .iter()
                .all(|a| a.iter().all(|v| id_of(v).is_some())) =>
        {
            let find = |a: &'_ [Value], id: &str| a.iter().find(|v| id_of(v) == Some(id)).cloned();
            let mut ids: Vec<String> = ta.iter().filter_map(id_of).map(str::to_owned).collect();
            for id in ma.iter().filter_map(id_of) {
                if !ids.iter().any(|x| x == id) {
                    ids.push(id.to_owned());
                }
            }
            let mut merged = Vec::new();
            for id in ids {
                let p = format!("{path}[id={id}]");
                let (bv, mv, tv) = (find(ba, &id), find(ma, &id), find(ta, &id));
                if let Some(v) = merge3(&p, bv.as_ref(), mv.as_ref(), tv.as_ref(), out) {
                    merged.push(v);
                }
            }
            Some(Value::Array(merged))
        }
        _ => {
            out.push(Conflict {
                path: path.to_owned(),
                base: b.cloned(),
                mine: m.cloned(),
                theirs: t.cloned(),
            });
            m.cloned()
        }
    }
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

    #[test]
    fn rebase_keeps_both_sides_changes_and_lists_real_conflicts() {
        let base = json!({"name": "A", "price": "10", "summary": "s", "specs": [{"id": "x", "n": 1}, {"id": "y", "n": 2}]});
        let mine = json!({"name": "A2", "price": "12", "summary": "s", "specs": [{"id": "x", "n": 5}, {"id": "y", "n": 2}, {"id": "z", "n": 9}]});
        let theirs =
            json!({"name": "A", "price": "11", "summary": "live", "specs": [{"id": "x", "n": 1}]});
        let (merged, conflicts): (Value, _) = rebase(&base, &mine, &theirs).unwrap();
        assert_eq!(merged["name"], json!("A2"), "only the seller changed it");
        assert_eq!(
            merged["summary"],
            json!("live"),
            "only the marketplace changed it"
        );
        assert_eq!(
            merged["price"],
            json!("12"),
            "both changed: the seller's value is kept"
        );
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        assert_eq!(conflicts[0].path, "price");
        assert_eq!(conflicts[0].theirs, Some(json!("11")));
        // x: only the seller changed it; y: removed live, untouched by the seller; z: the seller's new one.
        assert_eq!(
            merged["specs"],
            json!([{"id": "x", "n": 5}, {"id": "z", "n": 9}])
        );
        let (same, none): (Value, _) = rebase(&base, &base, &theirs).unwrap();
        assert_eq!((same, none.len()), (theirs.clone(), 0));
    }
}
