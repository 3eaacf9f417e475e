//! Row-based logging as MariaDB 10.11 writes it: how each column is
//! described and packed (`column`, `pack`, with the binary forms of
//! `decimal` and `temporal` values), row images (`image`), the Table_map
//! event (`table_map`), and the events of one statement's row changes
//! (`events`). Recorded row changes enter through `events`; events leave
//! for the session's binary log cache.

pub mod column;
pub mod decimal;
pub mod events;
pub mod image;
pub mod pack;
pub mod table_map;
pub mod temporal;

pub use events::{Refused, StatementFacts, statement_events};

/// A length-encoded integer, as row events write counts.
pub fn packed_int(n: u64, out: &mut Vec<u8>) {
    match n {
        0..=250 => out.push(n as u8),
        251..=0xffff => {
            out.push(0xfc);
            out.extend_from_slice(&(n as u16).to_le_bytes());
        }
        0x1_0000..=0xff_ffff => {
            out.push(0xfd);
            out.extend_from_slice(&n.to_le_bytes()[..3]);
        }
        _ => {
            out.push(0xfe);
            out.extend_from_slice(&n.to_le_bytes());
        }
    }
}
