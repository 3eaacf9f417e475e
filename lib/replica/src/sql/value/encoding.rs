//! Text between character sets. Inside the server every character string
//! is UTF-8 (binary strings are raw bytes); text enters from the client in
//! `character_set_client` ([`decode`]) and leaves in the charset of a column
//! or of `character_set_results` ([`encode`]). MariaDB's latin1 is cp1252
//! whose five unassigned bytes stand for the C1 controls of the same value.

/// Unicode code points of latin1 bytes 0x80..=0x9F (cp1252).
const CP1252_HIGH: [u16; 32] = [
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
];

/// Bytes in `charset` as UTF-8 text (invalid sequences become U+FFFD).
pub fn decode(bytes: &[u8], charset: &str) -> String {
    match charset {
        "latin1" => bytes.iter().map(|&b| latin1_char(b)).collect(),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// UTF-8 text as bytes of `charset`; characters it lacks become `?`.
/// Bytes that are not UTF-8 (binary data) pass unchanged, as do charsets
/// the server does not convert.
pub fn encode(text: &[u8], charset: &str) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(text) else {
        return text.to_vec();
    };
    match charset {
        "latin1" => text.chars().map(latin1_byte).collect(),
        "ascii" => text
            .chars()
            .map(|c| if c.is_ascii() { c as u8 } else { b'?' })
            .collect(),
        "utf8mb3" => text
            .chars()
            .flat_map(|c| {
                let c = if c.len_utf8() > 3 { '?' } else { c };
                let mut buf = [0u8; 4];
                c.encode_utf8(&mut buf).as_bytes().to_vec()
            })
            .collect(),
        _ => text.as_bytes().to_vec(),
    }
}

/// Whether `encode` changes text for this charset (the UTF-8 family and
/// binary keep the bytes).
pub fn converts(charset: &str) -> bool {
    matches!(charset, "latin1" | "ascii" | "utf8mb3")
}

fn latin1_char(b: u8) -> char {
    match b {
        0x80..=0x9F => char::from_u32(u32::from(CP1252_HIGH[usize::from(b - 0x80)])).unwrap_or('?'),
        _ => char::from(b),
    }
}

fn latin1_byte(c: char) -> u8 {
    let code = c as u32;
    if code < 0x80 || (0xA0..=0xFF).contains(&code) {
        return code as u8;
    }
    CP1252_HIGH
        .iter()
        .position(|&p| u32::from(p) == code)
        .map_or(b'?', |i| 0x80 + i as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_is_cp1252_both_ways() {
        // MariaDB: HEX(CONVERT(_latin1 0x80818D8F909D9FFF USING utf8mb4))
        let bytes = [0x80, 0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x9F, 0xFF];
        let text = decode(&bytes, "latin1");
        assert_eq!(
            text.as_bytes(),
            b"\xE2\x82\xAC\xC2\x81\xC2\x8D\xC2\x8F\xC2\x90\xC2\x9D\xC5\xB8\xC3\xBF"
        );
        assert_eq!(encode(text.as_bytes(), "latin1"), bytes);
        assert_eq!(decode(b"caf\xE9", "latin1"), "café");
    }

    #[test]
    fn characters_a_charset_lacks_become_question_marks() {
        assert_eq!(encode("a€ä✓".as_bytes(), "latin1"), b"a\x80\xE4?");
        assert_eq!(encode("aé".as_bytes(), "ascii"), b"a?");
        assert_eq!(encode("a😀".as_bytes(), "utf8mb3"), b"a?");
        assert_eq!(encode("a😀".as_bytes(), "utf8mb4"), "a😀".as_bytes());
    }

    #[test]
    fn binary_bytes_pass_unchanged() {
        assert_eq!(encode(&[0xE9, 0xFF], "latin1"), [0xE9, 0xFF]);
    }
}
