//! Protocol primitives over byte slices: a cursor that reads fixed and
//! length-encoded integers and strings without ever panicking (a short
//! packet yields `None`), and writers that append the same encodings.

/// A read position in one packet payload.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Starts at the beginning of `bytes`.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { rest: bytes }
    }

    /// The unread bytes.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.rest
    }

    /// Whether everything was read.
    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The next `n` bytes, if there are that many.
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.rest.len() {
            return None;
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Some(head)
    }

    /// One byte.
    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    /// A little-endian u16.
    pub(crate) fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }

    /// A little-endian unsigned integer of `n` (at most 8) bytes.
    fn uint(&mut self, n: usize) -> Option<u64> {
        let bytes = self.take(n)?;
        Some(
            bytes
                .iter()
                .rev()
                .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)),
        )
    }

    /// A length-encoded integer; the NULL marker 0xFB is not one.
    pub(crate) fn lenenc_int(&mut self) -> Option<u64> {
        match self.u8()? {
            first @ 0..=0xFA => Some(u64::from(first)),
            0xFC => self.uint(2),
            0xFD => self.uint(3),
            0xFE => self.uint(8),
            _ => None,
        }
    }

    /// A length-encoded string.
    pub(crate) fn lenenc_bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.lenenc_int()?).ok()?;
        self.take(len)
    }

    /// A text-protocol cell: 0xFB is SQL NULL, anything else a lenenc string.
    pub(crate) fn cell(&mut self) -> Option<Option<&'a [u8]>> {
        if self.rest.first() == Some(&0xFB) {
            self.rest = &self.rest[1..];
            return Some(None);
        }
        self.lenenc_bytes().map(Some)
    }
}

/// Appends a length-encoded integer.
pub(crate) fn put_lenenc_int(out: &mut Vec<u8>, value: u64) {
    match value {
        0..=0xFA => out.push(value as u8),
        0xFB..=0xFFFF => {
            out.push(0xFC);
            out.extend_from_slice(&(value as u16).to_le_bytes());
        }
        0x1_0000..=0xFF_FFFF => {
            out.push(0xFD);
            out.extend_from_slice(&(value as u32).to_le_bytes()[..3]);
        }
        _ => {
            out.push(0xFE);
            out.extend_from_slice(&value.to_le_bytes());
        }
    }
}

/// Appends a length-encoded string.
pub(crate) fn put_lenenc_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_lenenc_int(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Appends bytes and a terminating NUL.
pub(crate) fn put_nul_terminated(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(bytes);
    out.push(0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn short_input_is_none_not_a_panic() {
        assert_eq!(Reader::new(&[0xFC, 1]).lenenc_int(), None);
        assert_eq!(Reader::new(&[5, b'a']).lenenc_bytes(), None);
        assert_eq!(Reader::new(&[0xFF]).lenenc_int(), None);
        assert_eq!(Reader::new(&[]).u16(), None);
    }

    #[test]
    fn cells_distinguish_null_from_empty() {
        let mut reader = Reader::new(&[0xFB, 0x00, 0x01, b'x']);
        assert_eq!(reader.cell(), Some(None));
        assert_eq!(reader.cell(), Some(Some(&b""[..])));
        assert_eq!(reader.cell(), Some(Some(&b"x"[..])));
        assert!(reader.is_empty());
    }

    proptest! {
        #[test]
        fn lenenc_ints_round_trip(value in any::<u64>()) {
            let mut out = Vec::new();
            put_lenenc_int(&mut out, value);
            let mut reader = Reader::new(&out);
            prop_assert_eq!(reader.lenenc_int(), Some(value));
            prop_assert!(reader.is_empty());
        }

        #[test]
        fn lenenc_strings_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let mut out = Vec::new();
            put_lenenc_bytes(&mut out, &bytes);
            prop_assert_eq!(Reader::new(&out).lenenc_bytes(), Some(&bytes[..]));
        }
    }
}
