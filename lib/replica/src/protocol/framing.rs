//! Packet framing: every payload travels as 3-byte length + 1-byte
//! sequence id + bytes; payloads of 16 MiB-1 or more continue in further
//! frames. [`PacketIo`] reads whole payloads from a byte stream (checking
//! sequence ids and max_allowed_packet) and queues outgoing payloads as
//! frames until `flush` writes them in one go. The sequence restarts at 0
//! with each command.

use std::io::{self, Read, Write};

use crate::error::ServerError;
use crate::protocol::errors;

/// The largest payload one frame carries; a frame this long continues.
pub const MAX_FRAME: usize = 0xFF_FFFF;

/// Why a payload could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The peer closed the stream between packets.
    #[error("connection closed")]
    Closed,
    /// The peer broke off mid-packet, or the socket failed.
    #[error("read failed: {0}")]
    Io(#[from] io::Error),
    /// The payload exceeds max_allowed_packet.
    #[error("packet too large")]
    TooLarge,
    /// A frame carried the wrong sequence id.
    #[error("packets out of order")]
    OutOfOrder,
}

impl FrameError {
    /// The ERR the client should get before the connection closes, if any.
    pub fn to_server_error(&self) -> Option<ServerError> {
        match self {
            FrameError::TooLarge => Some(errors::packet_too_large()),
            FrameError::OutOfOrder => Some(errors::packets_out_of_order()),
            FrameError::Closed | FrameError::Io(_) => None,
        }
    }
}

/// One side of a connection: reads payloads, queues and writes frames.
#[derive(Debug)]
pub struct PacketIo<S> {
    stream: S,
    seq: u8,
    max_packet: usize,
    out: Vec<u8>,
}

impl<S: Read + Write> PacketIo<S> {
    pub fn new(stream: S, max_packet: usize) -> Self {
        PacketIo {
            stream,
            seq: 0,
            max_packet,
            out: Vec::new(),
        }
    }

    /// Starts a new command: the client's next packet has sequence id 0.
    pub fn reset_seq(&mut self) {
        self.seq = 0;
    }

    /// Reads one whole payload, joining continuation frames.
    pub fn read_packet(&mut self) -> Result<Vec<u8>, FrameError> {
        let mut payload = Vec::new();
        let mut first = true;
        loop {
            let len = self.read_header(first)?;
            first = false;
            if payload.len() + len > self.max_packet {
                return Err(FrameError::TooLarge);
            }
            self.read_body(len, &mut payload)?;
            if len < MAX_FRAME {
                return Ok(payload);
            }
        }
    }

    /// Reads a frame header, checks its sequence id, returns its length.
    fn read_header(&mut self, first: bool) -> Result<usize, FrameError> {
        let mut header = [0u8; 4];
        let got = read_full(&mut self.stream, &mut header)?;
        if got == 0 && first {
            return Err(FrameError::Closed);
        }
        if got < 4 {
            return Err(FrameError::Io(io::ErrorKind::UnexpectedEof.into()));
        }
        if header[3] != self.seq {
            return Err(FrameError::OutOfOrder);
        }
        self.seq = self.seq.wrapping_add(1);
        Ok(usize::from(header[0]) | usize::from(header[1]) << 8 | usize::from(header[2]) << 16)
    }

    /// Appends exactly `len` bytes of frame body, growing only as data comes.
    fn read_body(&mut self, len: usize, payload: &mut Vec<u8>) -> Result<(), FrameError> {
        let before = payload.len();
        (&mut self.stream).take(len as u64).read_to_end(payload)?;
        if payload.len() - before < len {
            return Err(FrameError::Io(io::ErrorKind::UnexpectedEof.into()));
        }
        Ok(())
    }

    /// Queues one payload as frames with the next sequence ids.
    pub fn queue(&mut self, payload: &[u8]) {
        let mut chunks = payload.chunks(MAX_FRAME);
        let mut last_len = 0;
        for chunk in chunks.by_ref() {
            self.queue_frame(chunk);
            last_len = chunk.len();
        }
        if last_len == MAX_FRAME || payload.is_empty() {
            self.queue_frame(&[]);
        }
    }

    fn queue_frame(&mut self, chunk: &[u8]) {
        let len = chunk.len() as u32;
        self.out.extend_from_slice(&len.to_le_bytes()[..3]);
        self.out.push(self.seq);
        self.seq = self.seq.wrapping_add(1);
        self.out.extend_from_slice(chunk);
    }

    /// Writes every queued frame to the stream.
    pub fn flush(&mut self) -> io::Result<()> {
        let result = self
            .stream
            .write_all(&self.out)
            .and_then(|()| self.stream.flush());
        self.out.clear();
        result
    }

    /// Queues and writes one payload.
    pub fn send(&mut self, payload: &[u8]) -> io::Result<()> {
        self.queue(payload);
        self.flush()
    }

    pub fn stream(&self) -> &S {
        &self.stream
    }
}

/// Fills `buf` unless the stream ends first; returns how much was read.
fn read_full(stream: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match stream.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Cursor;

    /// A stream reading from fixed bytes and recording writes.
    #[derive(Debug, Default)]
    struct Pipe {
        input: Cursor<Vec<u8>>,
        output: Vec<u8>,
    }

    impl Read for Pipe {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.input.read(buf)
        }
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.output.write(buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn io_over(input: Vec<u8>, max: usize) -> PacketIo<Pipe> {
        PacketIo::new(
            Pipe {
                input: Cursor::new(input),
                output: Vec::new(),
            },
            max,
        )
    }

    fn frames(payload: &[u8]) -> Vec<u8> {
        let mut io = io_over(Vec::new(), usize::MAX);
        io.send(payload).unwrap();
        io.stream.output
    }

    #[test]
    fn small_packet_round_trips_with_sequence_ids() {
        let wire = frames(b"\x03SELECT 1");
        assert_eq!(&wire[..4], &[9, 0, 0, 0]);
        let mut io = io_over(wire, 1024);
        assert_eq!(io.read_packet().unwrap(), b"\x03SELECT 1");
        assert!(matches!(io.read_packet(), Err(FrameError::Closed)));
    }

    #[test]
    fn exact_frame_size_payload_ends_with_an_empty_frame() {
        let payload = vec![7u8; MAX_FRAME];
        let wire = frames(&payload);
        assert_eq!(wire.len(), MAX_FRAME + 8);
        assert_eq!(&wire[MAX_FRAME + 4..], &[0, 0, 0, 1]);
        let mut io = io_over(wire, 32 << 20);
        assert_eq!(io.read_packet().unwrap().len(), MAX_FRAME);
    }

    #[test]
    fn long_payload_continues_across_frames() {
        let payload: Vec<u8> = (0..MAX_FRAME + 10).map(|i| i as u8).collect();
        let mut io = io_over(frames(&payload), 32 << 20);
        assert_eq!(io.read_packet().unwrap(), payload);
    }

    #[test]
    fn payload_above_max_is_refused() {
        let mut io = io_over(frames(&[1u8; 100]), 99);
        let err = io.read_packet().unwrap_err();
        assert!(matches!(err, FrameError::TooLarge));
        assert_eq!(err.to_server_error().unwrap().code, 1153);
    }

    #[test]
    fn wrong_sequence_id_is_out_of_order() {
        let mut io = io_over(vec![1, 0, 0, 5, 0x0e], 100);
        let err = io.read_packet().unwrap_err();
        assert_eq!(err.to_server_error().unwrap().code, 1156);
    }

    #[test]
    fn truncated_packet_is_an_io_error() {
        let mut io = io_over(vec![5, 0, 0, 0, 1, 2], 100);
        assert!(matches!(io.read_packet(), Err(FrameError::Io(_))));
    }

    #[test]
    fn reset_seq_starts_the_next_command_at_zero() {
        let mut wire = frames(b"a");
        wire.extend(frames(b"b"));
        let mut io = io_over(wire, 100);
        io.read_packet().unwrap();
        io.queue(b"reply");
        io.reset_seq();
        assert_eq!(io.read_packet().unwrap(), b"b");
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic_the_decoder(bytes in proptest::collection::vec(any::<u8>(), 0..2048), max in 0usize..4096) {
            let mut io = io_over(bytes, max);
            for _ in 0..8 {
                match io.read_packet() {
                    Ok(p) => prop_assert!(p.len() <= max),
                    Err(_) => break,
                }
            }
        }
    }
}
