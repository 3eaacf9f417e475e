//! The response of one statement as a state machine over server packets:
//! the connection feeds it packets one by one and it answers "need more",
//! "here is the response", or "the server wants a local file". It does no
//! I/O, so arbitrary packet sequences can be fed to it in tests.

use mysql_common::constants::CapabilityFlags;

use super::error::ClientError;
use super::packets::{self, EOF_HEADER, ERR_HEADER, LOCAL_INFILE_HEADER, OK_HEADER, is_terminator};
use super::response::{OkInfo, Response, ResultSet};
use super::wire::Reader;

/// What the decoder needs next.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// Feed the next packet.
    NeedMore,
    /// The statement's response is complete.
    Done(Response),
    /// Send this local file (then an empty packet) and keep feeding.
    SendFile(Vec<u8>),
}

/// Where in a response the decoder is.
#[derive(Debug)]
enum State {
    /// Expecting OK, ERR, LOCAL INFILE or a column count.
    First,
    /// After a LOCAL INFILE exchange: expecting OK or ERR.
    AfterFile,
    /// Reading column definitions.
    Columns { expected: usize, set: ResultSet },
    /// Expecting the EOF after the column definitions (no DEPRECATE_EOF).
    ColumnsEof { set: ResultSet },
    /// Reading rows until EOF/OK or ERR.
    Rows { set: ResultSet },
    /// The response ended; more packets are a protocol error.
    Finished,
}

/// Decodes the packets of one statement's response.
#[derive(Debug)]
pub(crate) struct ResponseDecoder {
    caps: CapabilityFlags,
    /// Column definitions carry MariaDB's extended metadata.
    extended_metadata: bool,
    state: State,
}

impl ResponseDecoder {
    /// A decoder for the negotiated capabilities.
    pub(crate) fn new(caps: CapabilityFlags) -> Self {
        ResponseDecoder {
            caps,
            extended_metadata: false,
            state: State::First,
        }
    }

    /// Reads MariaDB's extended metadata in column definitions.
    pub(crate) fn with_extended_metadata(mut self, on: bool) -> Self {
        self.extended_metadata = on;
        self
    }

    /// Consumes one packet. After an error or `Done`, the decoder is finished.
    pub(crate) fn feed(&mut self, packet: &[u8]) -> Result<Step, ClientError> {
        let state = std::mem::replace(&mut self.state, State::Finished);
        let (next, step) = match state {
            State::First => self.first(packet)?,
            State::AfterFile => self.after_file(packet)?,
            State::Columns { expected, set } => self.column(packet, expected, set)?,
            State::ColumnsEof { set } => Self::columns_eof(packet, set)?,
            State::Rows { set } => self.row(packet, set)?,
            State::Finished => return Err(ClientError::malformed()),
        };
        self.state = next;
        Ok(step)
    }

    /// Whether EOF packets are replaced by OK packets.
    fn deprecate_eof(&self) -> bool {
        self.caps.contains(CapabilityFlags::CLIENT_DEPRECATE_EOF)
    }

    /// The first packet decides the kind of response.
    fn first(&self, packet: &[u8]) -> Result<(State, Step), ClientError> {
        match packet.first() {
            Some(&OK_HEADER) => Ok(finish_ok(packets::parse_ok(packet, self.caps)?)),
            Some(&ERR_HEADER) => Err(packets::parse_err(packet)?),
            Some(&LOCAL_INFILE_HEADER) => {
                Ok((State::AfterFile, Step::SendFile(packet[1..].to_vec())))
            }
            Some(_) => Self::column_count(packet),
            None => Err(ClientError::malformed()),
        }
    }

    /// After the file was sent, only OK or ERR may follow.
    fn after_file(&self, packet: &[u8]) -> Result<(State, Step), ClientError> {
        match packet.first() {
            Some(&OK_HEADER) => Ok(finish_ok(packets::parse_ok(packet, self.caps)?)),
            Some(&ERR_HEADER) => Err(packets::parse_err(packet)?),
            _ => Err(ClientError::malformed()),
        }
    }

    /// A result set starts with its column count.
    fn column_count(packet: &[u8]) -> Result<(State, Step), ClientError> {
        let mut reader = Reader::new(packet);
        let count = reader.lenenc_int().ok_or_else(ClientError::malformed)?;
        if count == 0 || !reader.is_empty() {
            return Err(ClientError::malformed());
        }
        let expected = usize::try_from(count).map_err(|_| ClientError::malformed())?;
        let set = ResultSet {
            columns: Vec::with_capacity(expected.min(4096)),
            ..ResultSet::default()
        };
        Ok((State::Columns { expected, set }, Step::NeedMore))
    }

    /// One column definition; after the last, rows (or the EOF before them).
    fn column(
        &self,
        packet: &[u8],
        expected: usize,
        mut set: ResultSet,
    ) -> Result<(State, Step), ClientError> {
        if packet.first() == Some(&ERR_HEADER) {
            return Err(packets::parse_err(packet)?);
        }
        set.columns
            .push(packets::parse_column(packet, self.extended_metadata)?);
        let next = if set.columns.len() < expected {
            State::Columns { expected, set }
        } else if self.deprecate_eof() {
            State::Rows { set }
        } else {
            State::ColumnsEof { set }
        };
        Ok((next, Step::NeedMore))
    }

    /// The EOF between column definitions and rows.
    fn columns_eof(packet: &[u8], set: ResultSet) -> Result<(State, Step), ClientError> {
        match packet.first() {
            Some(&EOF_HEADER) => {
                packets::parse_eof(packet)?;
                Ok((State::Rows { set }, Step::NeedMore))
            }
            Some(&ERR_HEADER) => Err(packets::parse_err(packet)?),
            _ => Err(ClientError::malformed()),
        }
    }

    /// A row, or the packet that ends the rows.
    fn row(&self, packet: &[u8], mut set: ResultSet) -> Result<(State, Step), ClientError> {
        if packet.first() == Some(&ERR_HEADER) {
            return Err(packets::parse_err(packet)?);
        }
        if is_terminator(packet, self.deprecate_eof()) {
            return self.end_rows(packet, set);
        }
        set.rows
            .push(packets::parse_row(packet, set.columns.len())?);
        Ok((State::Rows { set }, Step::NeedMore))
    }

    /// The EOF (or OK) after the last row carries warnings and status.
    fn end_rows(&self, packet: &[u8], mut set: ResultSet) -> Result<(State, Step), ClientError> {
        let (warnings, status) = if self.deprecate_eof() {
            let ok = packets::parse_terminator(packet, self.caps)?;
            (ok.warnings, ok.status_flags)
        } else {
            packets::parse_eof(packet)?
        };
        set.warnings = warnings;
        set.status_flags = status;
        Ok((State::Finished, Step::Done(Response::ResultSet(set))))
    }
}

/// An OK packet ends the response.
fn finish_ok(ok: OkInfo) -> (State, Step) {
    (State::Finished, Step::Done(Response::Ok(ok)))
}

/// Column type used by the test helpers for `VAR_STRING` columns.
#[cfg(test)]
pub(crate) const TYPE_VAR_STRING: u8 = 0xFD;

/// Test helper: a column definition packet named `name`.
#[cfg(test)]
pub(crate) fn column_packet(name: &[u8]) -> Vec<u8> {
    let mut packet = Vec::new();
    for text in [&b"def"[..], b"", b"", b"", name, b""] {
        super::wire::put_lenenc_bytes(&mut packet, text);
    }
    packet.extend_from_slice(&[0x0c, 8, 0, 10, 0, 0, 0, TYPE_VAR_STRING, 0, 0, 0, 0, 0]);
    packet
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn caps(deprecate_eof: bool) -> CapabilityFlags {
        let mut caps = CapabilityFlags::CLIENT_PROTOCOL_41;
        if deprecate_eof {
            caps |= CapabilityFlags::CLIENT_DEPRECATE_EOF;
        }
        caps
    }

    fn run(deprecate_eof: bool, packets: &[Vec<u8>]) -> Result<Step, ClientError> {
        let mut decoder = ResponseDecoder::new(caps(deprecate_eof));
        let mut last = Step::NeedMore;
        for packet in packets {
            last = decoder.feed(packet)?;
        }
        Ok(last)
    }

    #[test]
    fn ok_response() {
        let step = run(false, &[b"\x00\x01\x00\x02\x00\x00\x00".to_vec()]).unwrap();
        let Step::Done(Response::Ok(ok)) = step else {
            panic!("{step:?}")
        };
        assert_eq!(ok.affected_rows, 1);
    }

    #[test]
    fn classic_result_set() {
        let packets = vec![
            vec![2],
            column_packet(b"a"),
            column_packet(b"b"),
            b"\xfe\x00\x00\x02\x00".to_vec(),
            b"\x01\xe9\xfb".to_vec(),
            b"\xfe\x01\x00\x0a\x00".to_vec(),
        ];
        let Step::Done(Response::ResultSet(set)) = run(false, &packets).unwrap() else {
            panic!("not a result set")
        };
        assert_eq!(set.columns[1].name, b"b");
        assert_eq!(set.rows, vec![vec![Some(vec![0xE9]), None]]);
        assert_eq!((set.warnings, set.status_flags), (1, 0x0a));
    }

    #[test]
    fn ok_terminated_result_set() {
        let packets = vec![
            vec![1],
            column_packet(b"a"),
            b"\x01x".to_vec(),
            b"\xfe\x00\x00\x08\x00\x03\x00".to_vec(),
        ];
        let Step::Done(response) = run(true, &packets).unwrap() else {
            panic!("not done")
        };
        assert_eq!(response.warnings(), 3);
        assert!(response.more_results());
        assert_eq!(response.affected_rows(), 1);
    }

    #[test]
    fn error_in_the_middle_of_rows() {
        let packets = vec![
            vec![1],
            column_packet(b"a"),
            b"\xfe\x00\x00\x02\x00".to_vec(),
            b"\x01x".to_vec(),
            b"\xff\x25\x05#70100Query execution was interrupted".to_vec(),
        ];
        let err = run(false, &packets).unwrap_err();
        assert_eq!((err.code(), err.sqlstate()), (1317, "70100"));
    }

    #[test]
    fn local_infile_request_then_ok() {
        let mut decoder = ResponseDecoder::new(caps(false));
        assert_eq!(
            decoder.feed(b"\xfb/tmp/f.txt").unwrap(),
            Step::SendFile(b"/tmp/f.txt".to_vec())
        );
        assert!(matches!(
            decoder.feed(b"\x00\x02\x00\x02\x00\x00\x00").unwrap(),
            Step::Done(Response::Ok(_))
        ));
        assert!(decoder.feed(b"\x00").is_err());
    }

    #[test]
    fn empty_and_zero_count_packets_are_malformed() {
        assert_eq!(run(false, &[vec![]]).unwrap_err().code(), 2027);
        assert_eq!(run(false, &[vec![0xFC, 0, 0]]).unwrap_err().code(), 2027);
    }

    proptest! {
        #[test]
        fn arbitrary_packets_never_panic(
            deprecate_eof in any::<bool>(),
            packets in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..12),
        ) {
            let mut decoder = ResponseDecoder::new(caps(deprecate_eof));
            for packet in &packets {
                if decoder.feed(packet).is_err() {
                    break;
                }
            }
        }

        #[test]
        fn arbitrary_rows_after_a_valid_header_never_panic(
            deprecate_eof in any::<bool>(),
            rows in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..32), 0..8),
        ) {
            let mut packets = vec![vec![2], column_packet(b"a"), column_packet(b"b")];
            if !deprecate_eof {
                packets.push(b"\xfe\x00\x00\x02\x00".to_vec());
            }
            packets.extend(rows);
            let _ = run(deprecate_eof, &packets);
        }
    }
}
