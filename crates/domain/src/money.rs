//! Prices in minor units (cents), written in JSON as decimal strings ("12.50") so no float rounding
//! ever touches a price. A price is never negative: "-3" is refused when read, as the editor does.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money {
    cents: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a price: use digits with at most two decimals, e.g. 12.50 (no minus sign)")]
pub struct ParseMoneyError(pub String);

impl Money {
    pub const ZERO: Money = Money { cents: 0 };

    pub const fn from_cents(cents: u64) -> Self {
        Money { cents }
    }

    pub fn cents(self) -> u64 {
        self.cents
    }

    pub fn is_positive(self) -> bool {
        self.cents > 0
    }
}

impl FromStr for Money {
    type Err = ParseMoneyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseMoneyError(s.to_string());
        let t = s.trim();
        let (whole, frac) = match t.split_once('.') {
            Some((w, f)) => (w, f),
            None => (t, ""),
        };
        if whole.is_empty()
            || whole.len() > 13
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > 2
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || (t.contains('.') && frac.is_empty())
        {
            return Err(err());
        }
        let whole: u64 = whole.parse().map_err(|_| err())?;
        let frac: u64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<u64>().map_err(|_| err())? * 10,
            _ => frac.parse().map_err(|_| err())?,
        };
        Ok(Money {
            cents: whole * 100 + frac,
        })
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.cents / 100, self.cents % 100)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Money {
    fn schema_name() -> Cow<'static, str> {
        "Money".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "A price as a decimal string with at most two decimals, never negative, e.g. \"12.50\".",
            "pattern": "^\\d{1,13}(\\.\\d{1,2})?$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_parse_and_print_exactly() {
        for (text, cents, shown) in [
            ("12", 1200, "12.00"),
            ("12.5", 1250, "12.50"),
            ("0.07", 7, "0.07"),
            (" 1999.99 ", 199_999, "1999.99"),
        ] {
            let m: Money = text.parse().unwrap();
            assert_eq!(m.cents(), cents, "{text}");
            assert_eq!(m.to_string(), shown);
        }
        for bad in [
            "",
            "abc",
            "1.234",
            "1.",
            ".5",
            "1,5",
            "1e3",
            "99999999999999",
            "-3.10",
            "-0",
            " -1",
        ] {
            assert!(bad.parse::<Money>().is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn prices_are_strings_in_json() {
        let m = Money::from_cents(1050);
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"10.50\"");
        let back: Money = serde_json::from_str("\"10.5\"").unwrap();
        assert_eq!(back, m);
        assert!(serde_json::from_str::<Money>("10.5").is_err());
    }
}
