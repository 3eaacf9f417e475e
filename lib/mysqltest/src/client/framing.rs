//! Packet framing: every payload travels as 3-byte length + 1-byte sequence
//! id + bytes, split into 16 MiB - 1 pieces (a piece of exactly that size
//! means "more follows"). Reads are buffered; each write goes out in one
//! call so a sent query is on the wire when `write_packet` returns. After
//! `start_compression` the framed bytes travel inside compressed frames
//! (see `compress`); as in the client library, the sequence ids then come
//! from the compressed frames and the inner ones are not checked.

use std::io::{self, BufReader, Read, Write};

use super::compress::{self, FrameHeader};

/// Largest payload of one physical packet; a piece this long is continued.
pub(crate) const MAX_PIECE: usize = 0xFF_FFFF;

/// Largest logical packet we accept from a server (its max_allowed_packet ceiling).
const MAX_LOGICAL: usize = 1 << 30;

/// Why a packet could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FrameError {
    /// The socket failed or closed.
    #[error("read failed: {0}")]
    Io(#[from] io::Error),
    /// The sequence id was not the expected one.
    #[error("packet sequence {got}, expected {want}")]
    OutOfOrder { got: u8, want: u8 },
    /// A logical packet grew beyond any server's limit.
    #[error("packet larger than {MAX_LOGICAL} bytes")]
    TooLarge,
}

/// A byte stream with the protocol's packet framing and sequence ids.
#[derive(Debug)]
pub(crate) struct PacketStream<S: Read + Write> {
    reader: BufReader<S>,
    sequence: u8,
    /// The compressed layer, once it is on.
    compressed: Option<Inflow>,
}

/// Inflated bytes not yet consumed, and the next compressed sequence id.
#[derive(Debug, Default)]
struct Inflow {
    data: Vec<u8>,
    pos: usize,
    sequence: u8,
}

impl<S: Read + Write> PacketStream<S> {
    /// Wraps a connected stream.
    pub(crate) fn new(stream: S) -> Self {
        PacketStream {
            reader: BufReader::with_capacity(64 * 1024, stream),
            sequence: 0,
            compressed: None,
        }
    }

    /// From now on, packets travel inside compressed frames.
    pub(crate) fn start_compression(&mut self) {
        self.compressed = Some(Inflow::default());
    }

    /// Whether bytes already read from the socket wait to be consumed.
    pub(crate) fn has_buffered_input(&self) -> bool {
        !self.reader.buffer().is_empty() || self.inflow_available() > 0
    }

    /// Whether the compressed layer is on.
    pub(crate) fn is_compressed(&self) -> bool {
        self.compressed.is_some()
    }

    /// The underlying stream, for socket options.
    pub(crate) fn get_ref(&self) -> &S {
        self.reader.get_ref()
    }

    /// Starts a new command: the client's first packet has sequence 0.
    pub(crate) fn reset_sequence(&mut self) {
        self.sequence = 0;
        if let Some(inflow) = &mut self.compressed {
            inflow.sequence = 0;
        }
    }

    /// Reads one logical packet, joining continued pieces.
    pub(crate) fn read_packet(&mut self) -> Result<Vec<u8>, FrameError> {
        let mut payload = Vec::new();
        loop {
            let len = self.read_piece_header()?;
            if payload.len() + len > MAX_LOGICAL {
                return Err(FrameError::TooLarge);
            }
            let start = payload.len();
            payload.resize(start + len, 0);
            self.read_bytes(&mut payload[start..])?;
            if len < MAX_PIECE {
                return Ok(payload);
            }
        }
    }

    /// Reads a piece header, checks its sequence id and returns its length.
    fn read_piece_header(&mut self) -> Result<usize, FrameError> {
        let mut header = [0u8; 4];
        self.read_bytes(&mut header)?;
        let len =
            usize::from(header[0]) | usize::from(header[1]) << 8 | usize::from(header[2]) << 16;
        if self.compressed.is_some() {
            return Ok(len);
        }
        if header[3] != self.sequence {
            return Err(FrameError::OutOfOrder {
                got: header[3],
                want: self.sequence,
            });
        }
        self.sequence = self.sequence.wrapping_add(1);
        Ok(len)
    }

    /// Fills `buf` from the socket, or from inflated frames once compressed.
    fn read_bytes(&mut self, buf: &mut [u8]) -> Result<(), FrameError> {
        if self.compressed.is_none() {
            return Ok(self.reader.read_exact(buf)?);
        }
        let mut filled = 0;
        while filled < buf.len() {
            let available = self.inflow_available();
            if available == 0 {
                self.read_compressed_frame()?;
                continue;
            }
            let n = available.min(buf.len() - filled);
            let inflow = self.compressed.as_mut().expect("compressed");
            buf[filled..filled + n].copy_from_slice(&inflow.data[inflow.pos..inflow.pos + n]);
            inflow.pos += n;
            filled += n;
        }
        Ok(())
    }

    /// Inflated bytes waiting to be consumed.
    fn inflow_available(&self) -> usize {
        self.compressed
            .as_ref()
            .map_or(0, |inflow| inflow.data.len() - inflow.pos)
    }

    /// Reads one compressed frame and queues its bytes; its sequence id sets
    /// the next ids of both layers, as the client library does.
    fn read_compressed_frame(&mut self) -> Result<(), FrameError> {
        let mut raw = [0u8; compress::HEADER_LEN];
        self.reader.read_exact(&mut raw)?;
        let header = FrameHeader::parse(&raw);
        if header.uncompressed_len > MAX_LOGICAL {
            return Err(FrameError::TooLarge);
        }
        let mut body = vec![0u8; header.body_len];
        self.reader.read_exact(&mut body)?;
        let bytes = compress::decode(body, header.uncompressed_len)?;
        let next = header.sequence.wrapping_add(1);
        self.sequence = next;
        let inflow = self.compressed.as_mut().expect("compressed");
        inflow.data.drain(..inflow.pos);
        inflow.pos = 0;
        inflow.data.extend_from_slice(&bytes);
        inflow.sequence = next;
        Ok(())
    }

    /// Writes one logical packet, split as needed, in a single write call.
    pub(crate) fn write_packet(&mut self, payload: &[u8]) -> io::Result<()> {
        let mut frames = self.frame(payload);
        if let Some(inflow) = &mut self.compressed {
            frames = compress::encode(&frames, &mut inflow.sequence);
        }
        let stream = self.reader.get_mut();
        stream.write_all(&frames)?;
        stream.flush()
    }

    /// The framed bytes of one logical packet, advancing the sequence id.
    fn frame(&mut self, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(payload.len() + 4 * (1 + payload.len() / MAX_PIECE));
        let mut rest = payload;
        loop {
            let piece = &rest[..rest.len().min(MAX_PIECE)];
            out.extend_from_slice(&(piece.len() as u32).to_le_bytes()[..3]);
            out.push(self.sequence);
            out.extend_from_slice(piece);
            self.sequence = self.sequence.wrapping_add(1);
            rest = &rest[piece.len()..];
            if piece.len() < MAX_PIECE {
                return out;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// An in-memory duplex: reads from `input`, collects writes in `output`.
    #[derive(Debug, Default)]
    struct Duplex {
        input: Cursor<Vec<u8>>,
        output: Vec<u8>,
    }

    impl Read for Duplex {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.input.read(buf)
        }
    }

    impl Write for Duplex {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.output.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn stream_over(input: Vec<u8>) -> PacketStream<Duplex> {
        PacketStream::new(Duplex {
            input: Cursor::new(input),
            output: Vec::new(),
        })
    }

    #[test]
    fn small_packets_are_framed_with_increasing_sequence() {
        let mut stream = stream_over(Vec::new());
        stream.write_packet(b"\x03select 1").unwrap();
        stream.write_packet(b"").unwrap();
        let out = &stream.get_ref().output;
        assert_eq!(&out[..4], &[9, 0, 0, 0]);
        assert_eq!(&out[4..13], b"\x03select 1");
        assert_eq!(&out[13..], &[0, 0, 0, 1]);
    }

    #[test]
    fn a_payload_of_exactly_max_piece_gets_an_empty_trailer() {
        let mut stream = stream_over(Vec::new());
        let payload = vec![7u8; MAX_PIECE];
        stream.write_packet(&payload).unwrap();
        let out = &stream.get_ref().output;
        assert_eq!(out.len(), 4 + MAX_PIECE + 4);
        assert_eq!(&out[..4], &[0xFF, 0xFF, 0xFF, 0]);
        assert_eq!(&out[4 + MAX_PIECE..], &[0, 0, 0, 1]);
    }

    #[test]
    fn continued_pieces_are_joined_on_read() {
        let mut writer = stream_over(Vec::new());
        let payload: Vec<u8> = (0..MAX_PIECE + 10).map(|i| i as u8).collect();
        writer.write_packet(&payload).unwrap();
        let wire = writer.get_ref().output.clone();
        let mut reader = stream_over(wire);
        assert_eq!(reader.read_packet().unwrap(), payload);
    }

    #[test]
    fn wrong_sequence_is_an_error() {
        let mut reader = stream_over(vec![1, 0, 0, 5, 0]);
        assert!(matches!(
            reader.read_packet(),
            Err(FrameError::OutOfOrder { got: 5, want: 0 })
        ));
    }

    #[test]
    fn truncated_input_is_an_io_error() {
        let mut reader = stream_over(vec![10, 0, 0, 0, 1, 2]);
        assert!(matches!(reader.read_packet(), Err(FrameError::Io(_))));
        let mut reader = stream_over(vec![10, 0]);
        assert!(matches!(reader.read_packet(), Err(FrameError::Io(_))));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_wire_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let mut reader = stream_over(bytes);
            while reader.read_packet().is_ok() {}
        }
    }

    /// Two streams wired back to back through a byte buffer, both compressed.
    fn compressed_pair() -> (PacketStream<Duplex>, PacketStream<Duplex>) {
        let mut writer = stream_over(Vec::new());
        writer.start_compression();
        let mut reader = stream_over(Vec::new());
        reader.start_compression();
        (writer, reader)
    }

    #[test]
    fn compressed_packets_round_trip() {
        let (mut writer, mut reader) = compressed_pair();
        let big: Vec<u8> = (0..70_000).map(|i| (i % 7) as u8).collect();
        writer.write_packet(b"\x03select 1").unwrap();
        writer.write_packet(&big).unwrap();
        let wire = writer.get_ref().output.clone();
        reader.reader.get_mut().input = Cursor::new(wire);
        assert_eq!(reader.read_packet().unwrap(), b"\x03select 1");
        assert_eq!(reader.read_packet().unwrap(), big);
        // The second frame had sequence id 1: the next writes continue from 2.
        assert_eq!(reader.sequence, 2);
        assert!(reader.is_compressed());
    }

    #[test]
    fn compressed_writes_number_both_layers_from_zero() {
        let (mut writer, _) = compressed_pair();
        writer.write_packet(b"\x0e").unwrap();
        let out = &writer.get_ref().output;
        assert_eq!(out, &[5, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x0e]);
        writer.reset_sequence();
        writer.write_packet(b"\x0e").unwrap();
        assert_eq!(&writer.get_ref().output[12..16], &[5, 0, 0, 0]);
    }

    #[test]
    fn packets_split_across_compressed_frames_are_joined() {
        let mut inner = vec![3, 0, 0, 9];
        inner.extend_from_slice(b"abc");
        let mut wire = Vec::new();
        let mut seq = 4;
        wire.extend(compress::encode(&inner[..2], &mut seq));
        wire.extend(compress::encode(&inner[2..], &mut seq));
        let mut reader = stream_over(wire);
        reader.start_compression();
        assert_eq!(reader.read_packet().unwrap(), b"abc");
        assert_eq!(reader.sequence, 6);
    }

    #[test]
    fn reads_continue_the_sequence_of_writes() {
        let mut stream = stream_over(vec![1, 0, 0, 1, 0]);
        stream.write_packet(b"\x0e").unwrap();
        assert_eq!(stream.read_packet().unwrap(), vec![0]);
    }
}
