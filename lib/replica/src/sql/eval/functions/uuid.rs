//! UUID(): MariaDB's version-1 (time-based) UUIDs,
//! `xxxxxxxx-xxxx-1xxx-yxxx-xxxxxxxxxxxx`: the count of 100 ns intervals
//! since 1582-10-15, a clock sequence and a node id. With no MAC address
//! to read, the node and the clock sequence are random per process (the
//! node with its multicast bit set, as RFC 4122 asks of a random node).
//! Timestamps only ever go up, so no two calls return the same value.
//! No arguments come in; the text goes out.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use super::arity;
use crate::error::ServerResult;
use crate::sql::value::Value;

/// 100 ns intervals from 1582-10-15 (the Gregorian reform) to 1970-01-01.
const GREGORIAN_TO_UNIX: u64 = 0x01B2_1DD2_1381_4000;

/// The process's generator: the last timestamp given, clock sequence, node.
struct Generator {
    last: u64,
    clock_seq: u16,
    node: [u8; 6],
}

static GENERATOR: Mutex<Option<Generator>> = Mutex::new(None);

/// UUID(); None for other names.
pub fn call(lower: &str, name: &str, args: &[Value]) -> Option<ServerResult<Value>> {
    match lower {
        "uuid" => Some(arity(name, args.len(), 0, 0).map(|_| Value::text(&next()))),
        _ => None,
    }
}

/// The next UUID of this process.
fn next() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| (d.as_nanos() / 100) as u64)
        + GREGORIAN_TO_UNIX;
    let mut slot = GENERATOR.lock().unwrap_or_else(|e| e.into_inner());
    let generator = slot.get_or_insert_with(|| {
        let seed = random();
        let mut node = [0u8; 6];
        node.copy_from_slice(&seed.to_le_bytes()[..6]);
        node[0] |= 0x01;
        Generator {
            last: 0,
            clock_seq: (seed >> 48) as u16,
            node,
        }
    });
    generator.last = now.max(generator.last + 1);
    format(generator.last, generator.clock_seq, &generator.node)
}

/// A random 64-bit number from std's per-process hash keys.
fn random() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.write_u32(std::process::id());
    hasher.finish()
}

/// The text of a version-1 UUID with the RFC 4122 variant.
fn format(timestamp: u64, clock_seq: u16, node: &[u8; 6]) -> String {
    let time_low = timestamp & 0xffff_ffff;
    let time_mid = (timestamp >> 32) & 0xffff;
    let time_hi = ((timestamp >> 48) & 0x0fff) | 0x1000;
    let clock = (clock_seq & 0x3fff) | 0x8000;
    let node: String = node.iter().map(|b| format!("{b:02x}")).collect();
    format!("{time_low:08x}-{time_mid:04x}-{time_hi:04x}-{clock:04x}-{node}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_is_version_1_with_the_rfc_variant() {
        let text = format(0x01ee_1234_5678_9abc, 0xffff, &[1, 2, 3, 4, 5, 6]);
        assert_eq!(text, "56789abc-1234-11ee-bfff-010203040506");
    }

    #[test]
    fn calls_are_distinct_and_well_formed() {
        let a = next();
        let b = next();
        assert_ne!(a, b);
        let shape = regex::Regex::new(
            "^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
        )
        .unwrap();
        assert!(shape.is_match(&a), "{a}");
        assert!(shape.is_match(&b), "{b}");
    }

    #[test]
    fn arguments_are_refused_with_1582() {
        let e = call("uuid", "UUID", &[Value::Int(1)]).unwrap().unwrap_err();
        assert_eq!(e.code, 1582);
    }
}
