//! A set of named counters: one per session (SHOW SESSION STATUS) and one
//! for the server (SHOW GLOBAL STATUS). Every name a counter can have is
//! listed up front, so the counters show as 0 before anything counts them.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::commands::COMMAND_COUNTERS;

/// Counters other than `Com_*` that statements bump.
const OTHER_COUNTERS: &[&str] = &[
    "Handler_delete",
    "Handler_update",
    "Handler_write",
    "Questions",
    "Slave_retried_transactions",
];

/// Named counters, safe to share between connections.
#[derive(Debug)]
pub struct Counters {
    values: Mutex<BTreeMap<&'static str, u64>>,
}

impl Default for Counters {
    fn default() -> Self {
        let values = COMMAND_COUNTERS
            .iter()
            .chain(OTHER_COUNTERS)
            .map(|name| (*name, 0))
            .collect();
        Counters {
            values: Mutex::new(values),
        }
    }
}

impl Counters {
    /// Adds `n` to the counter `name`.
    pub fn add(&self, name: &'static str, n: u64) {
        *self.lock().entry(name).or_insert(0) += n;
    }

    /// The current value of every counter.
    pub fn snapshot(&self) -> Vec<(&'static str, u64)> {
        self.lock().iter().map(|(n, v)| (*n, *v)).collect()
    }

    /// The value of one counter (0 if never counted).
    pub fn get(&self, name: &str) -> u64 {
        self.lock().get(name).copied().unwrap_or(0)
    }

    /// FLUSH STATUS: every counter back to 0.
    pub fn reset(&self) {
        self.lock().values_mut().for_each(|v| *v = 0);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, u64>> {
        self.values.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_start_at_zero_and_add() {
        let c = Counters::default();
        assert_eq!(c.get("Com_select"), 0);
        c.add("Com_select", 1);
        c.add("Com_select", 2);
        assert_eq!(c.get("Com_select"), 3);
        c.reset();
        assert_eq!(c.get("Com_select"), 0);
        assert!(c.snapshot().iter().any(|(n, _)| *n == "Questions"));
    }
}
