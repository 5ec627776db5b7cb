//! Noticing that the network is back. While the marketplace cannot be reached the engine backs
//! off (up to minutes); meanwhile [`wait_until_reachable`] opens a bare TCP connection to the
//! gateway every few seconds — no request, nothing signed, nothing sent — and returns as soon as
//! one succeeds, so the queue goes out when the hotel Wi-Fi comes up rather than when the
//! back-off ends.

use std::time::Duration;

use tokio::net::TcpStream;

/// How long one connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// The host and port a base URL such as `https://example.com` or `http://127.0.0.1:8080`
/// connects to.
pub fn host_port(base_url: &str) -> Option<(String, u16)> {
    let url = url::Url::parse(base_url).ok()?;
    let host = url
        .host_str()?
        .trim_start_matches('[')
        .trim_end_matches(']');
    Some((host.to_string(), url.port_or_known_default()?))
}

/// Whether a TCP connection to the gateway opens now.
pub async fn reachable(base_url: &str) -> bool {
    let Some((host, port)) = host_port(base_url) else {
        return false;
    };
    matches!(
        tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect((host.as_str(), port))).await,
        Ok(Ok(_))
    )
}

/// Returns once the gateway accepts a TCP connection, trying every `every`. Never returns for a
/// base URL it cannot parse (the engine's own back-off still runs).
pub async fn wait_until_reachable(base_url: &str, every: Duration) {
    if host_port(base_url).is_none() {
        std::future::pending::<()>().await;
    }
    loop {
        if reachable(base_url).await {
            return;
        }
        tokio::time::sleep(every).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port_come_from_the_base_url() {
        assert_eq!(
            host_port("https://example.com"),
            Some(("example.com".into(), 443))
        );
        assert_eq!(
            host_port("http://127.0.0.1:8080/x"),
            Some(("127.0.0.1".into(), 8080))
        );
        assert_eq!(host_port("http://[::1]:9"), Some(("::1".into(), 9)));
        assert_eq!(host_port("not a url"), None);
    }
}
