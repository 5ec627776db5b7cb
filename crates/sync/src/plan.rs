//! The planner: given the outbox and what is known about the marketplace, what to do now. Pure and
//! deterministic; the executor (`engine`) only carries out its answer.

use std::collections::{HashMap, HashSet};

/// What the planner needs to know about one outbox row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowView {
    pub seq: i64,
    pub client_token: String,
    pub entity: String,
    /// `queued`, `in_flight`, `done`, `rejected` or `discarded`.
    pub state: String,
    pub waits_for: Vec<String>,
    /// Unix milliseconds.
    pub next_attempt_at: i64,
}

impl RowView {
    fn open(&self) -> bool {
        matches!(self.state.as_str(), "queued" | "in_flight")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Local {
    /// The account's open rows and every row they wait for, in any order.
    pub rows: Vec<RowView>,
    /// The marketplace refused the account's keys: nothing is sent or pulled until the seller
    /// acts.
    pub paused: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Remote {
    /// When the last pull finished (Unix ms).
    pub last_pull: Option<i64>,
    /// A call finished since the last pull: what it changed is worth reading back.
    pub changed_since_pull: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Pull at least this often (ms).
    pub pull_every: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { pull_every: 60_000 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Send this row now (its request is fixed at the first send).
    Send(i64),
    /// Read applications, products and events.
    Pull,
    /// Nothing more to do before this time (Unix ms), when a backed-off row becomes due.
    WakeAt(i64),
}

/// Decides what to send and pull at `now`.
///
/// Within one entity rows go strictly in order: only its oldest open row may be sent. A row is
/// sent only when every row it waits for is done. Rows of other entities never hold each other
/// up. Sends come in queue order, then the pull, then when to wake up next.
pub fn plan(local: &Local, remote: &Remote, settings: &Settings, now: i64) -> Vec<Op> {
    if local.paused {
        return Vec::new();
    }
    let state: HashMap<&str, &str> = local
        .rows
        .iter()
        .map(|r| (r.client_token.as_str(), r.state.as_str()))
        .collect();
    let mut rows: Vec<&RowView> = local.rows.iter().filter(|r| r.open()).collect();
    rows.sort_by_key(|r| r.seq);
    let mut entity_seen = HashSet::new();
    let mut ops = Vec::new();
    let mut wake: Option<i64> = None;
    for r in rows {
        // Only the oldest open row of each entity is a candidate.
        if !entity_seen.insert(r.entity.as_str()) {
            continue;
        }
        let waits_done = r
            .waits_for
            .iter()
            .all(|t| state.get(t.as_str()) == Some(&"done"));
        if !waits_done {
            continue; // it becomes a candidate when what it waits for finishes
        }
        if r.next_attempt_at <= now {
            ops.push(Op::Send(r.seq));
        } else {
            wake = Some(wake.map_or(r.next_attempt_at, |w| w.min(r.next_attempt_at)));
        }
    }
    let due = match remote.last_pull {
        None => true,
        Some(t) => now - t >= settings.pull_every,
    };
    if due || remote.changed_since_pull {
        ops.push(Op::Pull);
    }
    if let Some(w) = wake {
        ops.push(Op::WakeAt(w));
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seq: i64, entity: &str, state: &str, waits: &[&str], next: i64) -> RowView {
        RowView {
            seq,
            client_token: format!("t{seq}"),
            entity: entity.into(),
            state: state.into(),
            waits_for: waits.iter().map(|s| s.to_string()).collect(),
            next_attempt_at: next,
        }
    }

    fn sends(ops: &[Op]) -> Vec<i64> {
        ops.iter()
            .filter_map(|o| match o {
                Op::Send(s) => Some(*s),
                _ => None,
            })
            .collect()
    }

    const NOW: i64 = 1_000_000;
    const PULLED: Remote = Remote {
        last_pull: Some(NOW - 1),
        changed_since_pull: false,
    };

    #[test]
    fn one_row_per_entity_in_order_and_entities_do_not_wait_for_each_other() {
        let cases: &[(&str, Vec<RowView>, Vec<i64>)] = &[
            ("empty", vec![], vec![]),
            (
                "two entities go side by side",
                vec![row(1, "a", "queued", &[], 0), row(2, "b", "queued", &[], 0)],
                vec![1, 2],
            ),
            (
                "the second row of an entity waits for the first",
                vec![row(1, "a", "queued", &[], 0), row(2, "a", "queued", &[], 0)],
                vec![1],
            ),
            (
                "an in-flight row after a crash is sent again",
                vec![
                    row(1, "a", "in_flight", &[], 0),
                    row(2, "a", "queued", &[], 0),
                ],
                vec![1],
            ),
            (
                "a backed-off row holds up its entity only",
                vec![
                    row(1, "a", "queued", &[], NOW + 5),
                    row(2, "a", "queued", &[], 0),
                    row(3, "b", "queued", &[], 0),
                ],
                vec![3],
            ),
            (
                "finished rows do not hold anything up",
                vec![
                    row(1, "a", "done", &[], 0),
                    row(2, "a", "rejected", &[], 0),
                    row(3, "a", "queued", &[], 0),
                ],
                vec![3],
            ),
            (
                "an explicit wait across entities",
                vec![
                    row(1, "upload:x", "queued", &[], 0),
                    row(2, "product:p", "queued", &["t1"], 0),
                ],
                vec![1],
            ),
            (
                "the wait is over once it is done",
                vec![
                    row(1, "upload:x", "done", &[], 0),
                    row(2, "product:p", "queued", &["t1"], 0),
                ],
                vec![2],
            ),
            (
                "a wait on a row that is not done yet (or gone) blocks",
                vec![row(2, "product:p", "queued", &["t9"], 0)],
                vec![],
            ),
            (
                "queue order, not entity order",
                vec![row(7, "z", "queued", &[], 0), row(3, "y", "queued", &[], 0)],
                vec![3, 7],
            ),
        ];
        for (name, rows, want) in cases {
            let local = Local {
                rows: rows.clone(),
                paused: false,
            };
            let ops = plan(&local, &PULLED, &Settings::default(), NOW);
            assert_eq!(&sends(&ops), want, "{name}");
        }
    }

    #[test]
    fn paused_accounts_do_nothing() {
        let local = Local {
            rows: vec![row(1, "a", "queued", &[], 0)],
            paused: true,
        };
        assert!(plan(&local, &Remote::default(), &Settings::default(), NOW).is_empty());
    }

    #[test]
    fn pulls_when_due_or_after_a_change_and_wakes_for_the_earliest_backoff() {
        let s = Settings { pull_every: 100 };
        let idle = Local::default();
        assert_eq!(plan(&idle, &Remote::default(), &s, NOW), vec![Op::Pull]);
        assert_eq!(plan(&idle, &PULLED, &s, NOW), vec![]);
        let stale = Remote {
            last_pull: Some(NOW - 100),
            changed_since_pull: false,
        };
        assert_eq!(plan(&idle, &stale, &s, NOW), vec![Op::Pull]);
        let changed = Remote {
            changed_since_pull: true,
            ..PULLED
        };
        assert_eq!(plan(&idle, &changed, &s, NOW), vec![Op::Pull]);
        let backed_off = Local {
            rows: vec![
                row(1, "a", "queued", &[], NOW + 50),
                row(2, "b", "queued", &[], NOW + 20),
            ],
            paused: false,
        };
        assert_eq!(
            plan(&backed_off, &PULLED, &s, NOW),
            vec![Op::WakeAt(NOW + 20)]
        );
    }

    #[test]
    fn the_same_input_gives_the_same_plan() {
        let local = Local {
            rows: (0..40)
                .map(|i| row(i, &format!("e{}", i % 7), "queued", &[], (i % 3) * NOW))
                .collect(),
            paused: false,
        };
        let a = plan(&local, &PULLED, &Settings::default(), NOW);
        let mut shuffled = local.clone();
        shuffled.rows.reverse();
        assert_eq!(a, plan(&shuffled, &PULLED, &Settings::default(), NOW));
        // e2 and e5 start with a row backed off until 2 × NOW.
        assert_eq!(sends(&a), vec![0, 1, 3, 4, 6]);
    }
}
