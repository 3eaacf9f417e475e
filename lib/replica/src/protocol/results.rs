//! Writing one statement's result: an OK, a text result set (count,
//! column definitions, EOF, rows, EOF) or an ERR. Results come from
//! `Session::run_query`; packets leave queued on the `PacketIo`.

use std::io::{Read, Write};

use mysql_common::constants::{CapabilityFlags, StatusFlags};

use super::framing::PacketIo;
use super::packets::{self, Trailer};
use crate::session::outcome::{Outcome, ResultSet};
use crate::session::{SessionStatus, StatementResult};

/// Status flags of OK/EOF packets for a session state.
pub fn status_flags(status: SessionStatus, more: bool) -> StatusFlags {
    let mut flags = StatusFlags::empty();
    flags.set(StatusFlags::SERVER_STATUS_AUTOCOMMIT, status.autocommit);
    flags.set(StatusFlags::SERVER_STATUS_IN_TRANS, status.in_transaction);
    flags.set(StatusFlags::SERVER_MORE_RESULTS_EXISTS, more);
    flags
}

/// Queues the packets of one statement's result.
pub fn queue_result<S: Read + Write>(
    io: &mut PacketIo<S>,
    result: &StatementResult,
    trailer: Trailer,
    caps: CapabilityFlags,
) {
    match result {
        Ok(Outcome::Ok(info)) => io.queue(&packets::ok(info, trailer, caps)),
        Ok(Outcome::Rows(set)) => queue_result_set(io, set, trailer),
        Err(e) => io.queue(&packets::err(e)),
    }
}

/// Queues a text result set; the first EOF does not announce more results.
fn queue_result_set<S: Read + Write>(io: &mut PacketIo<S>, set: &ResultSet, trailer: Trailer) {
    io.queue(&packets::column_count(set.columns.len()));
    for c in &set.columns {
        io.queue(&packets::column_definition(c));
    }
    let header = Trailer {
        status: trailer.status - StatusFlags::SERVER_MORE_RESULTS_EXISTS,
        ..trailer
    };
    io.queue(&packets::eof(header));
    for row in &set.rows {
        io.queue(&packets::text_row(row));
    }
    io.queue(&packets::eof(trailer));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ServerError;
    use crate::session::outcome::OkInfo;
    use std::io::Cursor;

    fn written(result: StatementResult, more: bool) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut io = PacketIo::new(Cursor::new(&mut out), 1024);
            let status = status_flags(
                SessionStatus {
                    in_transaction: false,
                    autocommit: true,
                },
                more,
            );
            let trailer = Trailer {
                status,
                warnings: 1,
            };
            queue_result(&mut io, &result, trailer, CapabilityFlags::empty());
            io.flush().unwrap();
        }
        out
    }

    #[test]
    fn ok_carries_more_results_and_warnings() {
        let out = written(Ok(Outcome::Ok(OkInfo::default())), true);
        assert_eq!(out, [7, 0, 0, 0, 0, 0, 0, 0x0A, 0, 1, 0]);
    }

    #[test]
    fn result_set_is_count_columns_eof_rows_eof() {
        let set = ResultSet::of_text(&["a"], vec![vec![Some("x".into())], vec![None]]);
        let out = written(Ok(Outcome::Rows(set)), false);
        let seqs: Vec<u8> = frames(&out).iter().map(|f| f.0).collect();
        assert_eq!(seqs, [0, 1, 2, 3, 4, 5]);
        let f = frames(&out);
        assert_eq!(f[0].1, [1]);
        assert_eq!(f[2].1, [0xFE, 1, 0, 2, 0]);
        assert_eq!(f[3].1, [1, b'x']);
        assert_eq!(f[4].1, [0xFB]);
    }

    #[test]
    fn error_is_one_err_packet() {
        let out = written(Err(ServerError::new(1235, "42000", "no")), false);
        assert_eq!(&out[4..], b"\xff\xd3\x04#42000no");
    }

    /// Splits written bytes into (sequence id, payload) frames.
    fn frames(mut bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
        let mut out = Vec::new();
        while bytes.len() >= 4 {
            let len = usize::from(bytes[0]) | usize::from(bytes[1]) << 8;
            out.push((bytes[3], bytes[4..4 + len].to_vec()));
            bytes = &bytes[4 + len..];
        }
        out
    }
}
