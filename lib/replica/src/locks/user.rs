//! User-level locks (GET_LOCK, RELEASE_LOCK, IS_FREE_LOCK, IS_USED_LOCK,
//! RELEASE_ALL_LOCKS) as plain bookkeeping: each name's holder and how many
//! times it took the lock. The lock manager does the waiting (and the
//! deadlock check); values go back as SQL values.
//!
//! MariaDB 10.11 rules (checked with a real server): names compare exactly
//! (case-sensitively); '' gives NULL from every function; a name longer than
//! 192 bytes fails with 1059; GET_LOCK is re-entrant and counted, and
//! RELEASE_ALL_LOCKS returns the sum of the counts; a cycle of waits fails
//! with 1213; the wait shows the state "User lock". A timeout that is NULL
//! or below zero once cut to an integer (with C's overflow to the lowest
//! BIGINT) makes GET_LOCK NULL with warning 1411; others wait that long.

use std::collections::BTreeMap;

use std::time::Duration;

use crate::error::{ServerError, ServerResult};
use crate::sql::value::Value;

use super::errors;

/// The process list state of a GET_LOCK wait.
pub const USER_LOCK_STATE: &str = "User lock";

/// Longest name MariaDB accepts, in bytes.
const MAX_NAME_BYTES: usize = 192;

/// A lock's holder and how many times it took it.
#[derive(Debug, Clone, Copy)]
struct Holding {
    conn: u64,
    count: u64,
}

/// Held user locks.
#[derive(Debug, Default)]
pub(super) struct UserLocks {
    held: BTreeMap<String, Holding>,
}

/// `None` for a name that yields NULL (''), an error for one that is too long.
pub(super) fn checked_name(name: &str) -> ServerResult<Option<&str>> {
    if name.is_empty() {
        Ok(None)
    } else if name.len() > MAX_NAME_BYTES {
        Err(errors::too_long_ident(name))
    } else {
        Ok(Some(name))
    }
}

/// 2^63: doubles from here on do not fit a BIGINT.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// GET_LOCK's timeout argument in seconds: how long to wait, or the warning
/// (1411) to raise while GET_LOCK returns NULL.
pub fn get_lock_timeout(seconds: Option<f64>) -> Result<Duration, ServerError> {
    let Some(seconds) = seconds else {
        return Err(errors::wrong_get_lock_timeout("NULL"));
    };
    let whole = if (-TWO_POW_63..TWO_POW_63).contains(&seconds) {
        seconds.trunc() as i64
    } else {
        i64::MIN
    };
    if whole < 0 {
        return Err(errors::wrong_get_lock_timeout(&whole.to_string()));
    }
    Ok(Duration::try_from_secs_f64(seconds.max(0.0)).unwrap_or(Duration::MAX))
}

impl UserLocks {
    /// Gives `name` to `conn` (once more if it holds it); nobody else may hold it.
    pub fn grant(&mut self, conn: u64, name: &str) {
        let holding = self
            .held
            .entry(name.to_string())
            .or_insert(Holding { conn, count: 0 });
        debug_assert_eq!(holding.conn, conn, "user lock granted while held");
        holding.count += 1;
    }

    /// RELEASE_LOCK: 1 released once, 0 held by another, NULL held by nobody.
    pub fn release(&mut self, conn: u64, name: &str) -> Value {
        let Some(h) = self.held.get_mut(name) else {
            return Value::Null;
        };
        if h.conn != conn {
            return Value::Int(0);
        }
        h.count -= 1;
        if h.count == 0 {
            self.held.remove(name);
        }
        Value::Int(1)
    }

    /// RELEASE_ALL_LOCKS: how many times `conn` had taken locks, all released.
    pub fn release_all(&mut self, conn: u64) -> u64 {
        let mut released = 0;
        self.held.retain(|_, h| {
            let mine = h.conn == conn;
            if mine {
                released += h.count;
            }
            !mine
        });
        released
    }

    /// The connection holding `name`, unless that is `conn` or nobody.
    pub fn holder_other_than(&self, conn: u64, name: &str) -> Option<u64> {
        self.held.get(name).map(|h| h.conn).filter(|c| *c != conn)
    }

    /// IS_USED_LOCK: the holder's connection id, or NULL.
    pub fn holder(&self, name: &str) -> Value {
        self.held
            .get(name)
            .map_or(Value::Null, |h| Value::Int(h.conn as i64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn locks_are_counted_per_holder_and_names_are_case_sensitive() {
        let mut u = UserLocks::default();
        u.grant(1, "a");
        u.grant(1, "a");
        assert_eq!(u.holder_other_than(1, "a"), None);
        assert_eq!(u.holder_other_than(2, "A"), None);
        u.grant(2, "A");
        assert_eq!(u.holder_other_than(2, "a"), Some(1));
        assert_eq!(u.release(2, "a"), Value::Int(0));
        assert_eq!(u.release(1, "a"), Value::Int(1));
        assert_eq!(u.holder("a"), Value::Int(1));
        assert_eq!(u.release(1, "a"), Value::Int(1));
        assert_eq!(u.release(1, "a"), Value::Null);
        assert_eq!(u.holder("a"), Value::Null);
        u.grant(2, "b");
        assert_eq!(u.release_all(2), 2);
        assert_eq!(u.release_all(2), 0);
    }

    #[test]
    fn names_empty_or_too_long_are_refused() {
        assert_eq!(checked_name("").unwrap(), None);
        assert_eq!(
            checked_name(&"x".repeat(192)).unwrap().map(str::len),
            Some(192)
        );
        assert_eq!(checked_name(&"x".repeat(193)).unwrap_err().code, 1059);
        assert_eq!(checked_name(&"é".repeat(97)).unwrap_err().code, 1059);
    }

    #[test]
    fn timeouts_null_or_negative_give_warning_1411() {
        let shown = |s: Option<f64>| get_lock_timeout(s).unwrap_err().message;
        assert_eq!(
            shown(None),
            "Incorrect timeout value: 'NULL' for function get_lock"
        );
        assert_eq!(
            shown(Some(-2.7)),
            "Incorrect timeout value: '-2' for function get_lock"
        );
        let overflow = "Incorrect timeout value: '-9223372036854775808' for function get_lock";
        assert_eq!(shown(Some(1e300)), overflow);
        assert_eq!(shown(Some(9.3e18)), overflow);
        assert_eq!(get_lock_timeout(Some(-0.5)).unwrap(), Duration::ZERO);
        assert_eq!(
            get_lock_timeout(Some(0.3)).unwrap(),
            Duration::from_millis(300)
        );
        assert_eq!(
            get_lock_timeout(Some(1e18)).unwrap().as_secs(),
            1_000_000_000_000_000_000
        );
    }

    proptest! {
        /// Whatever the sequence, counts balance: what a connection took, RELEASE_ALL_LOCKS returns.
        #[test]
        fn taking_and_releasing_keeps_counts(ops in proptest::collection::vec((1u64..4, 0u8..3, any::<bool>()), 0..60)) {
            let mut u = UserLocks::default();
            let mut taken: BTreeMap<u64, u64> = BTreeMap::new();
            for (conn, n, take) in ops {
                let name = ["a", "b", "c"][n as usize];
                if take {
                    if u.holder_other_than(conn, name).is_none() {
                        u.grant(conn, name);
                        *taken.entry(conn).or_default() += 1;
                    }
                } else if u.release(conn, name) == Value::Int(1) {
                    *taken.entry(conn).or_default() -= 1;
                }
            }
            for conn in 1..4 {
                prop_assert_eq!(u.release_all(conn), taken.get(&conn).copied().unwrap_or(0));
            }
        }
    }
}
