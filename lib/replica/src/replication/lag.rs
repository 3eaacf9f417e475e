//! What Seconds_Behind_Master counts from (spec 6): the master time of
//! every group the SQL thread has read and not yet finished. The SQL
//! thread (serial) or the driver (parallel) adds a group when it takes
//! it and the thread that finishes it removes it; SHOW SLAVE STATUS asks
//! for the age of the oldest, 0 when nothing is pending.

use std::collections::BTreeMap;

/// Pending groups' master times, by a key given when each was added.
#[derive(Debug, Default)]
pub struct Lag {
    next: u64,
    pending: BTreeMap<u64, u64>,
}

impl Lag {
    /// Adds a group with master time `master_time` (seconds); its key.
    pub fn begin(&mut self, master_time: u64) -> u64 {
        self.next += 1;
        self.pending.insert(self.next, master_time);
        self.next
    }

    pub fn end(&mut self, key: u64) {
        self.pending.remove(&key);
    }

    pub fn clear(&mut self) {
        self.pending.clear();
    }

    /// Seconds the oldest pending group is behind `now`; 0 when none is.
    pub fn seconds(&self, now: u64) -> u64 {
        self.pending
            .values()
            .min()
            .map_or(0, |&oldest| now.saturating_sub(oldest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_unfinished_group_counts() {
        let mut lag = Lag::default();
        assert_eq!(lag.seconds(100), 0);
        let a = lag.begin(90);
        let b = lag.begin(95);
        assert_eq!(lag.seconds(100), 10);
        lag.end(a);
        assert_eq!(lag.seconds(100), 5);
        lag.end(b);
        assert_eq!(lag.seconds(100), 0);
        lag.begin(120);
        assert_eq!(
            lag.seconds(100),
            0,
            "a master clock ahead gives 0, not less"
        );
    }
}
