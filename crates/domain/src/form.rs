//! Request forms: what a customer must tell the seller, defined once and turned into .xlsx and .docx
//! request templates. The JSON shape is a public interface (docs/request-form.md).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::patterns;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Text shown to people: one string, or one string per language (`en`, `zh-CN`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Text {
    Plain(String),
    Localized(BTreeMap<String, String>),
}

impl Default for Text {
    fn default() -> Self {
        Text::Plain(String::new())
    }
}

impl Text {
    /// The text in `lang`, falling back to English, then to any language given.
    pub fn get(&self, lang: &str) -> &str {
        match self {
            Text::Plain(s) => s,
            Text::Localized(m) => m
                .get(lang)
                .or_else(|| m.get("en"))
                .or_else(|| m.values().next())
                .map(String::as_str)
                .unwrap_or(""),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RequestForm {
    /// Stable id, e.g. `data-migration-request`.
    pub id: String,
    /// Bumped whenever the fields change; a filled file is read only with its own version.
    pub version: u32,
    pub title: Text,
    #[serde(default)]
    pub instructions: Text,
    /// How to reach the seller about the form (e-mail, phone).
    #[serde(default)]
    pub contact: String,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Section {
    pub key: String,
    pub title: Text,
    /// A table the customer fills with any number of rows (e.g. "servers to migrate").
    #[serde(default)]
    pub repeating: bool,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Field {
    /// Stable key, unique across the form; filled values are reported under it.
    pub key: String,
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(flatten)]
    pub kind: FieldType,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldType {
    Text {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
    },
    Multiline {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u32>,
    },
    Integer {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    Decimal {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    /// `YYYY-MM-DD`.
    Date,
    Enum {
        options: Vec<String>,
    },
    MultiChoice {
        options: Vec<String>,
    },
    YesNo,
    Email,
    Phone,
    Url,
}

impl FieldType {
    pub fn tag(&self) -> &'static str {
        match self {
            FieldType::Text { .. } => "text",
            FieldType::Multiline { .. } => "multiline",
            FieldType::Integer { .. } => "integer",
            FieldType::Decimal { .. } => "decimal",
            FieldType::Date => "date",
            FieldType::Enum { .. } => "enum",
            FieldType::MultiChoice { .. } => "multi_choice",
            FieldType::YesNo => "yes_no",
            FieldType::Email => "email",
            FieldType::Phone => "phone",
            FieldType::Url => "url",
        }
    }

    pub fn options(&self) -> &[String] {
        match self {
            FieldType::Enum { options } | FieldType::MultiChoice { options } => options,
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("not JSON or not a request form: {0}")]
    Json(String),
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// Keys must be safe in cell maps and Word bookmarks.
static KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$").expect("valid"));

impl RequestForm {
    pub fn from_json(text: &str) -> Result<Self, FormError> {
        let form: RequestForm =
            serde_json::from_str(text).map_err(|e| FormError::Json(e.to_string()))?;
        form.validate()?;
        Ok(form)
    }

    /// Checks what the JSON Schema cannot: unique keys, options present, ranges in order.
    pub fn validate(&self) -> Result<(), FormError> {
        let bad = |path: String, message: &str| {
            Err(FormError::Invalid {
                path,
                message: message.into(),
            })
        };
        if !KEY.is_match(&self.id) {
            return bad(
                "id".into(),
                "use letters, digits, - and _ (starting with a letter)",
            );
        }
        if self.sections.is_empty() {
            return bad("sections".into(), "a form needs at least one section");
        }
        let mut keys = BTreeSet::new();
        for (si, s) in self.sections.iter().enumerate() {
            if !KEY.is_match(&s.key) || !keys.insert(s.key.clone()) {
                return bad(
                    format!("sections[{si}].key"),
                    "section keys are letters, digits, - and _, and unique",
                );
            }
            if s.fields.is_empty() {
                return bad(
                    format!("sections[{si}].fields"),
                    "a section needs at least one field",
                );
            }
            for (fi, f) in s.fields.iter().enumerate() {
                let p = format!("sections[{si}].fields[{fi}]");
                if !KEY.is_match(&f.key) || !keys.insert(f.key.clone()) {
                    return bad(
                        format!("{p}.key"),
                        "field keys are letters, digits, - and _, and unique across the form",
                    );
                }
                match &f.kind {
                    FieldType::Enum { options } | FieldType::MultiChoice { options } => {
                        let unique: BTreeSet<&String> = options.iter().collect();
                        if options.is_empty()
                            || unique.len() != options.len()
                            || options.iter().any(|o| o.trim().is_empty())
                        {
                            return bad(
                                format!("{p}.options"),
                                "list at least one option, each different",
                            );
                        }
                    }
                    FieldType::Integer {
                        min: Some(a),
                        max: Some(b),
                    } if a > b => return bad(p, "min is above max"),
                    FieldType::Decimal {
                        min: Some(a),
                        max: Some(b),
                    } if a > b => return bad(p, "min is above max"),
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// Every field with the section it belongs to, in form order.
    pub fn fields(&self) -> impl Iterator<Item = (&Section, &Field)> {
        self.sections
            .iter()
            .flat_map(|s| s.fields.iter().map(move |f| (s, f)))
    }
}

pub const YES: &[&str] = &["yes", "y", "true", "是", "1"];
pub const NO: &[&str] = &["no", "n", "false", "否", "0"];

/// Parses what a customer wrote in a field into a typed JSON value, or says what is wrong.
/// `raw` is the cell's text (already trimmed by the caller); empty means "no answer".
/// How an answer is written into a template cell so that [`parse_value`] reads it back as the same
/// value (used to pre-fill templates).
pub fn answer_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(true) => "Yes".into(),
        Value::Bool(false) => "No".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(answer_text).collect::<Vec<_>>().join(", "),
        Value::Object(_) => value.to_string(),
    }
}

/// A plausible, valid answer for a field: its own example when that is valid, else one made up
/// for its type (`n` varies choices). `None` when nothing valid could be made (a form whose
/// limits exclude every example).
pub fn example_answer(field: &Field, n: usize) -> Option<Value> {
    let ok = |raw: &str| parse_value(field, raw).ok().flatten();
    if let Some(v) = field.example.as_deref().and_then(ok) {
        return Some(v);
    }
    let raw = match &field.kind {
        FieldType::Text { max_length } | FieldType::Multiline { max_length } => {
            let max = max_length.unwrap_or(200) as usize;
            "Sample answer".chars().take(max.max(1)).collect()
        }
        FieldType::Integer { min, max } => {
            let v = min.unwrap_or(1).max(1);
            max.map_or(v, |m| v.min(m)).to_string()
        }
        FieldType::Decimal { min, max } => {
            let v = min.unwrap_or(1.5).max(1.5);
            max.map_or(v, |m| v.min(m)).to_string()
        }
        FieldType::Date => "2026-12-01".into(),
        FieldType::Enum { options } | FieldType::MultiChoice { options } => {
            options.get(n % options.len().max(1))?.clone()
        }
        FieldType::YesNo => "Yes".into(),
        FieldType::Email => "it-ops@example.com".into(),
        FieldType::Phone => "+86 10 6543 2100".into(),
        FieldType::Url => "https://www.example.com".into(),
    };
    ok(&raw)
}

pub fn parse_value(field: &Field, raw: &str) -> Result<Option<Value>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return if field.required {
            Err("required".into())
        } else {
            Ok(None)
        };
    }
    let v = match &field.kind {
        FieldType::Text { max_length } | FieldType::Multiline { max_length } => {
            let n = raw.chars().count();
            if let Some(max) = max_length {
                if n > *max as usize {
                    return Err(format!("at most {max} characters (this has {n})"));
                }
            }
            Value::String(raw.to_string())
        }
        FieldType::Integer { min, max } => {
            let n: i64 = match raw.parse::<i64>() {
                Ok(n) => n,
                // Spreadsheets store whole numbers as 12.0.
                Err(_) => match raw.parse::<f64>() {
                    Ok(f) if f.fract() == 0.0 && f.abs() < 9e15 => f as i64,
                    _ => return Err(format!("\"{raw}\" is not a whole number")),
                },
            };
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                return Err(range_message(min.map(|m| m as f64), max.map(|m| m as f64)));
            }
            Value::from(n)
        }
        FieldType::Decimal { min, max } => {
            let f: f64 = raw
                .parse()
                .map_err(|_| format!("\"{raw}\" is not a number"))?;
            if !f.is_finite() {
                return Err(format!("\"{raw}\" is not a number"));
            }
            if min.is_some_and(|m| f < m) || max.is_some_and(|m| f > m) {
                return Err(range_message(*min, *max));
            }
            serde_json::Number::from_f64(f)
                .map(Value::Number)
                .ok_or("not a number")?
        }
        FieldType::Date => Value::String(
            parse_date(raw).ok_or_else(|| format!("\"{raw}\" is not a date (YYYY-MM-DD)"))?,
        ),
        FieldType::Enum { options } => {
            let found = options
                .iter()
                .find(|o| o.as_str() == raw || o.eq_ignore_ascii_case(raw));
            Value::String(
                found
                    .ok_or_else(|| format!("\"{raw}\" is not one of: {}", options.join(", ")))?
                    .clone(),
            )
        }
        FieldType::MultiChoice { options } => {
            let mut picked = Vec::new();
            for part in raw
                .split([',', ';', '\n', '，', '；'])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                let found = options
                    .iter()
                    .find(|o| o.as_str() == part || o.eq_ignore_ascii_case(part));
                let o = found
                    .ok_or_else(|| format!("\"{part}\" is not one of: {}", options.join(", ")))?;
                if !picked.contains(o) {
                    picked.push(o.clone());
                }
            }
            Value::Array(picked.into_iter().map(Value::String).collect())
        }
        FieldType::YesNo => {
            let l = raw.to_lowercase();
            if YES.contains(&l.as_str()) {
                Value::Bool(true)
            } else if NO.contains(&l.as_str()) {
                Value::Bool(false)
            } else {
                return Err(format!("\"{raw}\" is not Yes or No"));
            }
        }
        FieldType::Email if patterns::is_email(raw) => Value::String(raw.to_string()),
        FieldType::Email => return Err(format!("\"{raw}\" is not an e-mail address")),
        FieldType::Phone if patterns::is_phone(raw) => Value::String(raw.to_string()),
        FieldType::Phone => return Err(format!("\"{raw}\" is not a phone number")),
        FieldType::Url if patterns::is_url(raw) => Value::String(raw.to_string()),
        FieldType::Url => {
            return Err(format!(
                "\"{raw}\" is not a web address (http:// or https://)"
            ))
        }
    };
    Ok(Some(v))
}

fn range_message(min: Option<f64>, max: Option<f64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("must be between {a} and {b}"),
        (Some(a), None) => format!("must be at least {a}"),
        (None, Some(b)) => format!("must be at most {b}"),
        (None, None) => "out of range".into(),
    }
}

/// `YYYY-MM-DD` (also `YYYY/MM/DD` and `YYYY.MM.DD`), checked to be a real calendar date.
pub fn parse_date(raw: &str) -> Option<String> {
    let parts: Vec<&str> = raw.trim().split(['-', '/', '.']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1900..=2200).contains(&y) || !(1..=12).contains(&m) {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][(m - 1) as usize];
    (1..=days)
        .contains(&d)
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// The JSON Schema of the request-form format, as published in docs/.
pub fn form_json_schema() -> Value {
    serde_json::to_value(schemars::schema_for!(RequestForm)).unwrap_or_default()
}

#[cfg(test)]
mod tests;
