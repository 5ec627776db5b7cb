//! The one definition of what an e-mail address, a phone number and a web address look like,
//! shared by request-form answers, Services & support contacts and the linter.

use std::sync::LazyLock;

use regex::Regex;

fn compiled(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a valid built-in pattern")
}

/// `name@host.tld`.
pub static EMAIL: LazyLock<Regex> = LazyLock::new(|| compiled(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"));

/// A phone number as a whole field: an optional `+`, then digits with spaces, brackets, dots or
/// dashes (at least five digits: see [`is_phone`]).
static PHONE: LazyLock<Regex> = LazyLock::new(|| compiled(r"^\+?[0-9(][0-9 ()\-.]{4,30}$"));

/// An `http`/`https` address with a host (any script: 例子.测试 too).
pub static URL: LazyLock<Regex> = LazyLock::new(|| compiled(r"^https?://[^\s/$.?#][^\s]*$"));

pub fn is_email(s: &str) -> bool {
    EMAIL.is_match(s.trim())
}

pub fn is_phone(s: &str) -> bool {
    let s = s.trim();
    PHONE.is_match(s) && s.chars().filter(char::is_ascii_digit).count() >= 5
}

pub fn is_url(s: &str) -> bool {
    URL.is_match(s.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_definition_for_each_kind_of_contact() {
        assert!(is_email("it-ops@example.com") && !is_email("sales at example"));
        assert!(is_phone("+86 10 6543 2100") && is_phone("(010) 6543-2100"));
        assert!(!is_phone("1234") && !is_phone("call me"));
        assert!(is_url("https://example.com/consulting") && is_url("http://例子.测试"));
        assert!(!is_url("example dot com") && !is_url("www.acme") && !is_url("https:// x"));
    }
}
