//! Text helpers shared by the rules.

use std::sync::LazyLock;

use regex::Regex;

pub(crate) fn chars(s: &str) -> usize {
    s.trim().chars().count()
}

pub(crate) fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

macro_rules! re {
    ($name:ident, $pat:literal) => {
        pub(crate) static $name: LazyLock<Regex> =
            LazyLock::new(|| Regex::new($pat).expect("a valid built-in pattern"));
    };
}

re!(
    PRICE_IN_NAME,
    r"(?i)[$¥￥€£]|\b(usd|cny|rmb|eur|price|free|discount)\b|元|价格|免费|折"
);
re!(
    VERSION_IN_NAME,
    r"(?i)\bv\d+(\.\d+)*\b|\bversion\b|\bedition\s*\d|\b\d+\.\d+(\.\d+)?\b|版本|版\s*\d"
);
re!(PHONE, r"\+?\d[\d\s\-()]{5,}\d");
re!(EMAIL, r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$");
re!(URL, r"^https?://[A-Za-z0-9.\-]+(:\d+)?(/\S*)?$");
re!(
    PRICE_ELSEWHERE,
    r"(?i)\b(contact|call|e-?mail|ask)\b[^.\n]{0,60}\b(price|prices|pricing|quote|quotation)\b|联系[^。\n]{0,30}(价格|报价|询价)"
);
re!(HOURS, r"(\d{1,2}):(\d{2})\s*[-–~至到]\s*(\d{1,2}):(\d{2})");
re!(
    TIME_ZONE,
    r"(?i)\b(GMT|UTC)\s*[+-]\s*\d{1,2}(:\d{2})?|\b(GMT|UTC)\b"
);

/// Names of Huawei Cloud Stack products carry this suffix by rule; it is not a version.
pub(crate) fn strip_hcs_suffix(name: &str) -> String {
    name.replace("(HCS Version)", "")
        .replace("（HCS Version）", "")
}

/// The longest run of empty lines.
pub(crate) fn longest_blank_run(s: &str) -> usize {
    let mut best = 0;
    let mut run = 0;
    for line in s.lines() {
        if line.trim().is_empty() {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// Hours per day in a `08:00-17:00 (GMT+01:00)` span; `None` when no span is written.
pub(crate) fn service_hours_per_day(text: &str) -> Option<f64> {
    let c = HOURS.captures(text)?;
    let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<f64>().ok());
    let start = n(1)? + n(2)? / 60.0;
    let end = n(3)? + n(4)? / 60.0;
    let span = if end > start {
        end - start
    } else {
        end + 24.0 - start
    };
    Some(span)
}
