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

// The name rules block what surely breaks "no price, version or phone number in the name" and
// warn where a reviewer might read it either way. Word-like characters (元数据, 折叠屏) never count.
// A price written as a price: a currency sign or code next to a number, 元/块 after a number, a
// discount such as 8折 / 八折 / 20% off.
re!(
    PRICE_IN_NAME,
    r"(?i)[$¥￥€£]\s*\d+([.,]\d+)*|\d+([.,]\d+)*\s*[$¥￥€£]|\b(usd|cny|rmb|eur|gbp)\s*\d+([.,]\d+)*|\d+([.,]\d+)*\s*(usd|cny|rmb|eur|gbp)\b|\d+([.,]\d+)*\s*(元|块|塊)|(\d+(\.\d+)?|[一二三四五六七八九两])\s*折|\d+\s*%\s*off\b"
);
// Words that read as an offer without naming a price.
re!(
    OFFER_IN_NAME,
    r"(?i)\b(free|discount|sale|cheap|price|pricing)\b|免费|优惠|特价|折扣|价格|促销|大促|秒杀|限时"
);
// The product's own version: V2, v2.0, Version 3, 版本 2, 2.0版, Edition 2.
re!(
    VERSION_IN_NAME,
    r"(?i)\bv\d+(\.\d+)*\b|\bversion\s*\d|版本\s*[vV]?\d|\d+(\.\d+)*\s*版|\bedition\s*\d"
);
// A bare dotted number (5.7, 8.0): usually the version of the product worked on, not this one's.
re!(DOTTED_NUMBER, r"\b\d+\.\d+(\.\d+)?\b");
// A phone number: a Chinese mobile, a 400/800 service number, a +country number, an area-code
// landline — never just a run of digits such as "2012 2016".
re!(
    PHONE_IN_NAME,
    r"(?:^|[^\d])((?:\+?86[\s-]?)?1[3-9]\d{9}|[48]00[\s-]?\d{3}[\s-]?\d{4}|\+\d{1,3}[\s-]?\d{1,4}[\s-]?\d{3,4}[\s-]?\d{3,4}|0\d{2,3}[\s-]\d{7,8})(?:$|[^\d])"
);
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
