//! Which KooGallery gateway an account talks to, and the base URL it stands for: HTTPS always,
//! plain HTTP only on this computer (the sandbox).

use std::net::IpAddr;

use url::Url;

use crate::error::MarketError;

/// Which KooGallery gateway an account talks to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "url")]
pub enum Site {
    /// `https://mkt-intl.myhuaweicloud.com`
    International,
    /// `https://mkt.myhuaweicloud.eu`
    Europe,
    /// Any other base URL: HTTPS, or plain HTTP on this computer only (the sandbox).
    Custom(String),
}

impl Site {
    /// `intl`, `eu`, or a URL.
    pub fn parse(s: &str) -> Result<Site, MarketError> {
        let site = match s.trim() {
            "intl" | "international" => Site::International,
            "eu" | "europe" => Site::Europe,
            other => Site::Custom(other.to_owned()),
        };
        site.base_url()?;
        Ok(site)
    }

    pub fn base_url(&self) -> Result<Url, MarketError> {
        let raw = match self {
            Site::International => "https://mkt-intl.myhuaweicloud.com",
            Site::Europe => "https://mkt.myhuaweicloud.eu",
            Site::Custom(u) => u,
        };
        let url = Url::parse(raw).map_err(|e| {
            MarketError::BadSite(format!(
                "{raw:?} is not a marketplace address ({e}); use intl, eu or a URL"
            ))
        })?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(MarketError::BadSite(format!(
                    "{raw} uses plain HTTP; only HTTPS is allowed except on this computer (127.0.0.1, localhost)"
                )))
            }
            other => {
                return Err(MarketError::BadSite(format!(
                    "{raw}: the scheme {other:?} is not supported; use https://"
                )))
            }
        }
        if url.host_str().is_none() {
            return Err(MarketError::BadSite(format!("{raw} has no host")));
        }
        Ok(url)
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// `host[:port]` as the HTTP client will send it in `Host` (default ports left out).
pub(crate) fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_are_https_except_on_this_computer() {
        assert_eq!(
            Site::parse("intl")
                .and_then(|s| s.base_url())
                .map(|u| u.to_string())
                .ok(),
            Some("https://mkt-intl.myhuaweicloud.com/".into())
        );
        assert!(Site::parse("http://127.0.0.1:9000").is_ok());
        assert!(Site::parse("http://localhost:9000").is_ok());
        let err = Site::parse("http://example.com").expect_err("plain HTTP refused");
        assert!(err.to_string().contains("only HTTPS"), "{err}");
        assert!(Site::parse("ftp://x").is_err());
        assert!(Site::parse("not a url").is_err());
    }
}
