//! Sandbox time: runs at `speed` times real time from an anchor, and can jump ahead.

use std::sync::Mutex;
use std::time::Instant;

struct Anchor {
    real: Instant,
    sim: f64,
    speed: f64,
}

pub struct Clock(Mutex<Anchor>);

impl Clock {
    pub fn new(start: i64, speed: f64) -> Self {
        Clock(Mutex::new(Anchor {
            real: Instant::now(),
            sim: start as f64,
            speed: speed.max(0.0),
        }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Anchor> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sandbox time, Unix seconds.
    pub fn now(&self) -> i64 {
        let a = self.lock();
        (a.sim + a.real.elapsed().as_secs_f64() * a.speed).floor() as i64
    }

    pub fn speed(&self) -> f64 {
        self.lock().speed
    }

    fn rebase(a: &mut Anchor) {
        a.sim += a.real.elapsed().as_secs_f64() * a.speed;
        a.real = Instant::now();
    }

    /// Moves sandbox time forward (never backward).
    pub fn advance(&self, secs: i64) {
        let mut a = self.lock();
        Self::rebase(&mut a);
        a.sim += secs.max(0) as f64;
    }

    pub fn set_speed(&self, speed: f64) {
        let mut a = self.lock();
        Self::rebase(&mut a);
        a.speed = speed.max(0.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stopped_clock_moves_only_by_jumps() {
        let c = Clock::new(1_000, 0.0);
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert_eq!(c.now(), 1_000);
        c.advance(3_600);
        assert_eq!(c.now(), 4_600);
        c.advance(-50);
        assert_eq!(c.now(), 4_600, "never backwards");
    }

    #[test]
    fn an_accelerated_clock_runs_fast() {
        let c = Clock::new(0, 10_000.0);
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(c.now() >= 400, "{}", c.now());
    }
}
