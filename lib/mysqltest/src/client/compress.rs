//! The compressed protocol's outer frames. Once both sides agreed on
//! CLIENT_COMPRESS, the ordinary framed packets travel as a byte stream cut
//! into frames of 3-byte compressed length + 1-byte sequence id + 3-byte
//! uncompressed length, then the zlib data (or the bytes as they are, with
//! an uncompressed length of 0, when compressing would not pay). `encode`
//! wraps outgoing bytes; `decode` unwraps one frame's body.

use std::io::{self, Read, Write};

use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;

/// Bytes in a compressed frame's header.
pub(crate) const HEADER_LEN: usize = 7;

/// Most uncompressed bytes one frame carries (its length field is 3 bytes).
const MAX_CHUNK: usize = 0xFF_FFFF;

/// Payloads shorter than this are sent as they are (the libraries' limit).
const MIN_COMPRESS_LENGTH: usize = 50;

/// The fields of a compressed frame's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FrameHeader {
    /// Bytes of the frame's body on the wire.
    pub body_len: usize,
    /// The frame's sequence id.
    pub sequence: u8,
    /// Bytes after inflating; 0 means the body is not compressed.
    pub uncompressed_len: usize,
}

impl FrameHeader {
    /// Reads the 7 header bytes.
    pub(crate) fn parse(bytes: &[u8; HEADER_LEN]) -> FrameHeader {
        let len3 = |b: &[u8]| usize::from(b[0]) | usize::from(b[1]) << 8 | usize::from(b[2]) << 16;
        FrameHeader {
            body_len: len3(&bytes[0..3]),
            sequence: bytes[3],
            uncompressed_len: len3(&bytes[4..7]),
        }
    }
}

/// Wraps `bytes` (already framed packets) in compressed frames, numbering
/// them from `sequence` on.
pub(crate) fn encode(bytes: &[u8], sequence: &mut u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + HEADER_LEN);
    let mut chunks = bytes.chunks(MAX_CHUNK).peekable();
    if chunks.peek().is_none() {
        put_frame(&mut out, &[], 0, sequence);
    }
    for chunk in chunks {
        match deflate(chunk) {
            Some(packed) => put_frame(&mut out, &packed, chunk.len(), sequence),
            None => put_frame(&mut out, chunk, 0, sequence),
        }
    }
    out
}

/// The zlib form of `chunk`, when it is worth sending.
fn deflate(chunk: &[u8]) -> Option<Vec<u8>> {
    if chunk.len() < MIN_COMPRESS_LENGTH {
        return None;
    }
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(chunk).ok()?;
    let packed = encoder.finish().ok()?;
    (packed.len() < chunk.len()).then_some(packed)
}

/// One frame: header, then body.
fn put_frame(out: &mut Vec<u8>, body: &[u8], uncompressed_len: usize, sequence: &mut u8) {
    out.extend_from_slice(&(body.len() as u32).to_le_bytes()[..3]);
    out.push(*sequence);
    out.extend_from_slice(&(uncompressed_len as u32).to_le_bytes()[..3]);
    out.extend_from_slice(body);
    *sequence = sequence.wrapping_add(1);
}

/// The bytes a frame's body stands for.
pub(crate) fn decode(body: Vec<u8>, uncompressed_len: usize) -> io::Result<Vec<u8>> {
    if uncompressed_len == 0 {
        return Ok(body);
    }
    let mut out = Vec::with_capacity(uncompressed_len);
    ZlibDecoder::new(&body[..])
        .take(uncompressed_len as u64 + 1)
        .read_to_end(&mut out)?;
    if out.len() != uncompressed_len {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "compressed frame inflates to the wrong length",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(bytes: &[u8]) -> Vec<(FrameHeader, Vec<u8>)> {
        let mut out = Vec::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            let header = FrameHeader::parse(rest[..HEADER_LEN].try_into().unwrap());
            let body = rest[HEADER_LEN..HEADER_LEN + header.body_len].to_vec();
            rest = &rest[HEADER_LEN + header.body_len..];
            out.push((header, body));
        }
        out
    }

    #[test]
    fn short_payloads_travel_uncompressed() {
        let mut seq = 0;
        let wire = encode(b"\x05\x00\x00\x00\x03select", &mut seq);
        let got = frames(&wire);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0.uncompressed_len, 0);
        assert_eq!(got[0].0.sequence, 0);
        assert_eq!(got[0].1, b"\x05\x00\x00\x00\x03select");
        assert_eq!(seq, 1);
    }

    #[test]
    fn long_payloads_round_trip_compressed() {
        let payload: Vec<u8> = b"select repeat('x', 100) from t1 where a = 1 and b = 2 "
            .iter()
            .cycle()
            .take(5000)
            .copied()
            .collect();
        let mut seq = 7;
        let wire = encode(&payload, &mut seq);
        let got = frames(&wire);
        assert_eq!(got.len(), 1);
        let (header, body) = got.into_iter().next().unwrap();
        assert_eq!(header.sequence, 7);
        assert_eq!(header.uncompressed_len, payload.len());
        assert!(body.len() < payload.len());
        assert_eq!(decode(body, header.uncompressed_len).unwrap(), payload);
        assert_eq!(seq, 8);
    }

    #[test]
    fn a_known_zlib_body_inflates() {
        // zlib.compress(b"hello hello hello hello") from Python's standard library.
        let body = vec![
            0x78, 0x9c, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0xc8, 0x40, 0x27, 0x01, 0x68, 0x03,
            0x08, 0xb1,
        ];
        assert_eq!(decode(body, 23).unwrap(), b"hello hello hello hello");
    }

    #[test]
    fn wrong_lengths_and_garbage_are_errors() {
        let mut seq = 0;
        let payload = vec![b'a'; 1000];
        let wire = encode(&payload, &mut seq);
        let (header, body) = frames(&wire).into_iter().next().unwrap();
        assert!(decode(body.clone(), header.uncompressed_len - 1).is_err());
        assert!(decode(body, header.uncompressed_len + 1).is_err());
        assert!(decode(vec![1, 2, 3], 10).is_err());
    }

    #[test]
    fn empty_writes_still_make_a_frame() {
        let mut seq = 3;
        assert_eq!(encode(&[], &mut seq), vec![0, 0, 0, 3, 0, 0, 0]);
        assert_eq!(seq, 4);
    }
}
