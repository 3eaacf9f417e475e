//! Option text that is not UTF-8. mtr passes `.opt` file contents to the
//! server byte for byte (`main.ctype_filesystem` gives a latin1 path), while
//! rmtr keeps options as `String`s. [`decode`] turns file bytes into a
//! `String` that keeps every byte: valid UTF-8 stays as it is and each other
//! byte becomes one private-use character; [`encode`] turns such a `String`
//! back into the exact bytes as an argument for the server's command line.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

/// The stand-in for byte `b` is `ESCAPE_BASE + b`: the last 256 code points
/// of plane 16's private use area, which no option spells on purpose.
const ESCAPE_BASE: u32 = 0x10_FF00;

/// File bytes as a `String`, with bytes that are not UTF-8 kept as stand-ins.
pub fn decode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for &byte in chunk.invalid() {
            text.push(char::from_u32(ESCAPE_BASE + u32::from(byte)).expect("private use"));
        }
    }
    text
}

/// The bytes a decoded `String` stands for, as a command-line argument.
pub fn encode(text: &str) -> OsString {
    let mut bytes = Vec::with_capacity(text.len());
    for c in text.chars() {
        match u32::from(c).checked_sub(ESCAPE_BASE) {
            Some(byte) => bytes.push(byte as u8),
            None => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    OsString::from_vec(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn latin1_bytes_survive_and_utf8_stays_readable() {
        let text = decode(b"--character-sets-dir=$MYSQL_TEST_DIR/\xdf\n");
        assert!(text.starts_with("--character-sets-dir=$MYSQL_TEST_DIR/"));
        assert_eq!(
            encode(&text).into_vec(),
            b"--character-sets-dir=$MYSQL_TEST_DIR/\xdf\n"
        );
        assert_eq!(decode("--x=ß".as_bytes()), "--x=ß");
        assert_eq!(encode("--x=ß").into_vec(), "--x=ß".as_bytes());
    }

    proptest! {
        #[test]
        fn any_bytes_round_trip(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(encode(&decode(&bytes)).into_vec(), bytes);
        }
    }
}
