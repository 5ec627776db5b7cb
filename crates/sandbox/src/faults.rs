//! Fault injection per route: what the next calls to a route suffer.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Fault {
    /// 503 from the gateway; nothing is applied.
    FailBefore,
    /// The request is applied, then the connection is cut before the answer is complete.
    ApplyThenDrop,
    /// 500 with the marketplace's envelope; nothing is applied.
    Status500,
    /// 429 with `Retry-After`; nothing is applied.
    Status429 {
        #[serde(default = "one")]
        retry_after_secs: u64,
    },
    /// The request is applied, and the answer comes after `delay_ms` (past a client's timeout).
    Delay { delay_ms: u64 },
    /// The request is applied, and the answer is not valid JSON.
    Malformed,
    /// The request is applied, then the gateway answers 502 (its backend's answer was lost):
    /// a 5xx on a write does not mean "not applied".
    ApplyThen502,
}

fn one() -> u64 {
    1
}

/// `POST /admin/faults`: `route` is `METHOD /path` as in the contract (path parameters in
/// braces, without the base path), e.g. `POST /isv/applications`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultRule {
    pub route: String,
    pub fault: Fault,
    /// How many calls in a row suffer it.
    #[serde(default = "one_u32")]
    pub times: u32,
}

fn one_u32() -> u32 {
    1
}

#[derive(Default)]
pub struct Faults(Mutex<HashMap<String, VecDeque<Fault>>>);

impl Faults {
    pub fn add(&self, rule: FaultRule) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let q = map.entry(rule.route).or_default();
        for _ in 0..rule.times {
            q.push_back(rule.fault.clone());
        }
    }

    pub fn take(&self, route: &str) -> Option<Fault> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get_mut(route).and_then(VecDeque::pop_front)
    }

    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    pub fn pending(&self) -> HashMap<String, usize> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.iter()
            .filter(|(_, q)| !q.is_empty())
            .map(|(k, q)| (k.clone(), q.len()))
            .collect()
    }
}
