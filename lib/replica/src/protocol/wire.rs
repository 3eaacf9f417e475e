//! Building packet payloads: little-endian integers, length-encoded
//! integers and strings, NUL-terminated strings. Readers use
//! `mysql_common::io::ParseBuf`; this is the writing half it lacks
//! without the `bytes` crate. Data enters as values and leaves as bytes
//! appended to a `Vec<u8>`.

/// Appends MySQL wire encodings to a payload.
pub trait PutWire {
    fn put_u8(&mut self, v: u8);
    fn put_u16(&mut self, v: u16);
    fn put_u32(&mut self, v: u32);
    fn put_lenenc_int(&mut self, v: u64);
    fn put_lenenc_str(&mut self, s: &[u8]);
    fn put_nul_str(&mut self, s: &[u8]);
}

impl PutWire for Vec<u8> {
    fn put_u8(&mut self, v: u8) {
        self.push(v);
    }

    fn put_u16(&mut self, v: u16) {
        self.extend_from_slice(&v.to_le_bytes());
    }

    fn put_u32(&mut self, v: u32) {
        self.extend_from_slice(&v.to_le_bytes());
    }

    fn put_lenenc_int(&mut self, v: u64) {
        match v {
            0..251 => self.push(v as u8),
            251..65_536 => {
                self.push(0xFC);
                self.extend_from_slice(&v.to_le_bytes()[..2]);
            }
            65_536..16_777_216 => {
                self.push(0xFD);
                self.extend_from_slice(&v.to_le_bytes()[..3]);
            }
            _ => {
                self.push(0xFE);
                self.extend_from_slice(&v.to_le_bytes());
            }
        }
    }

    fn put_lenenc_str(&mut self, s: &[u8]) {
        self.put_lenenc_int(s.len() as u64);
        self.extend_from_slice(s);
    }

    fn put_nul_str(&mut self, s: &[u8]) {
        self.extend_from_slice(s);
        self.push(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mysql_common::io::ParseBuf;
    use proptest::prelude::*;

    #[test]
    fn lenenc_boundaries_use_the_right_prefix() {
        for (v, len) in [
            (250u64, 1),
            (251, 3),
            (65_535, 3),
            (65_536, 4),
            (16_777_216, 9),
        ] {
            let mut b = Vec::new();
            b.put_lenenc_int(v);
            assert_eq!(b.len(), len, "{v}");
        }
    }

    proptest! {
        #[test]
        fn lenenc_round_trips_through_parsebuf(v in any::<u64>(), s in proptest::collection::vec(any::<u8>(), 0..300)) {
            let mut b = Vec::new();
            b.put_lenenc_int(v);
            b.put_lenenc_str(&s);
            let mut p = ParseBuf(&b);
            prop_assert_eq!(p.checked_eat_lenenc_int(), Some(v));
            prop_assert_eq!(p.checked_eat_lenenc_str(), Some(&s[..]));
            prop_assert!(p.is_empty());
        }
    }
}
