//! When to try a call again: exponential back-off with full jitter (a random wait between zero and
//! the exponential bound), or exactly what the marketplace's `Retry-After` asked for.
//!
//! Hand-written on purpose: the attempt count and the next attempt time live in the outbox row so
//! they survive restarts, which an in-memory retry loop (such as `backon`'s) cannot give, and
//! `backon`'s jitter is added on top of the delay rather than spread over it.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The bound after the first failed attempt.
    pub base: Duration,
    /// The bound never grows past this.
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(2),
            cap: Duration::from_secs(300),
        }
    }
}

impl Backoff {
    /// The exponential bound after `attempts` failed attempts (1 = the first failure).
    pub fn bound(&self, attempts: u32) -> Duration {
        let doubled = 1u64
            .checked_shl(attempts.saturating_sub(1).min(40))
            .unwrap_or(u64::MAX);
        let ms = (self.base.as_millis() as u64).saturating_mul(doubled);
        Duration::from_millis(ms).min(self.cap)
    }

    /// How long to wait before the next attempt: `Retry-After` when the server named one,
    /// else a uniformly random wait in [0, bound].
    pub fn delay(
        &self,
        attempts: u32,
        retry_after: Option<Duration>,
        rng: &mut fastrand::Rng,
    ) -> Duration {
        if let Some(d) = retry_after {
            return d.min(Duration::from_secs(3600));
        }
        let bound = self.bound(attempts).as_millis() as u64;
        Duration::from_millis(rng.u64(0..=bound))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_doubles_up_to_the_cap_and_the_wait_is_spread_below_it() {
        let b = Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_millis(1000),
        };
        let bounds: Vec<u64> = (1..=6).map(|n| b.bound(n).as_millis() as u64).collect();
        assert_eq!(bounds, vec![100, 200, 400, 800, 1000, 1000]);
        assert_eq!(b.bound(u32::MAX), Duration::from_millis(1000));
        let mut rng = fastrand::Rng::with_seed(7);
        let waits: Vec<u64> = (0..2000)
            .map(|_| b.delay(3, None, &mut rng).as_millis() as u64)
            .collect();
        assert!(waits.iter().all(|w| *w <= 400));
        // Full jitter: the waits cover the whole range, not just its top.
        assert!(waits.iter().any(|w| *w < 40), "some waits are short");
        assert!(waits.iter().any(|w| *w > 360), "some waits are long");
        let mean = waits.iter().sum::<u64>() as f64 / waits.len() as f64;
        assert!((170.0..230.0).contains(&mean), "mean {mean}");
    }

    #[test]
    fn retry_after_is_honoured() {
        let b = Backoff::default();
        let mut rng = fastrand::Rng::with_seed(1);
        assert_eq!(
            b.delay(9, Some(Duration::from_secs(7)), &mut rng),
            Duration::from_secs(7)
        );
    }
}
