//! The client character set of a mysqltest session (`character_set`
//! command, `CHARSET=` connect option): its handshake collation, how many
//! bytes a multi-byte character spans (so the line reader never mistakes a
//! trailing byte for a quote or an escape), and its lower-casing.

/// Character sets a client can select, with the ids of their default collations.
macro_rules! client_charsets {
    ($($variant:ident => $name:literal, $collation:literal,)*) => {
        /// A client character set.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ClientCharset { $($variant,)* }

        impl ClientCharset {
            /// Every known set.
            pub const ALL: &'static [ClientCharset] = &[$(ClientCharset::$variant,)*];

            /// The name the server knows it by.
            pub fn name(self) -> &'static str {
                match self { $(ClientCharset::$variant => $name,)* }
            }

            /// The id of its default collation, sent in the handshake.
            pub fn collation_id(self) -> u8 {
                match self { $(ClientCharset::$variant => $collation,)* }
            }
        }
    };
}

client_charsets! {
    Big5 => "big5", 1,
    Dec8 => "dec8", 3,
    Cp850 => "cp850", 4,
    Hp8 => "hp8", 6,
    Koi8r => "koi8r", 7,
    Latin1 => "latin1", 8,
    Latin2 => "latin2", 9,
    Swe7 => "swe7", 10,
    Ascii => "ascii", 11,
    Ujis => "ujis", 12,
    Sjis => "sjis", 13,
    Hebrew => "hebrew", 16,
    Tis620 => "tis620", 18,
    Euckr => "euckr", 19,
    Koi8u => "koi8u", 22,
    Gb2312 => "gb2312", 24,
    Greek => "greek", 25,
    Cp1250 => "cp1250", 26,
    Gbk => "gbk", 28,
    Latin5 => "latin5", 30,
    Armscii8 => "armscii8", 32,
    Utf8mb3 => "utf8mb3", 33,
    Cp866 => "cp866", 36,
    Keybcs2 => "keybcs2", 37,
    Macce => "macce", 38,
    Macroman => "macroman", 39,
    Cp852 => "cp852", 40,
    Latin7 => "latin7", 41,
    Utf8mb4 => "utf8mb4", 45,
    Cp1251 => "cp1251", 51,
    Cp1256 => "cp1256", 57,
    Cp1257 => "cp1257", 59,
    Binary => "binary", 63,
    Geostd8 => "geostd8", 92,
    Cp932 => "cp932", 95,
    Eucjpms => "eucjpms", 97,
}

impl Default for ClientCharset {
    /// mysqltest's default client character set.
    fn default() -> Self {
        ClientCharset::Latin1
    }
}

impl ClientCharset {
    /// Finds a set by name, letter case ignored; `utf8` means utf8mb3 as in 10.11.
    pub fn by_name(name: &str) -> Option<ClientCharset> {
        if name.eq_ignore_ascii_case("utf8") {
            return Some(ClientCharset::Utf8mb3);
        }
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.name().eq_ignore_ascii_case(name))
    }

    /// Length of the multi-byte character whose first byte is `lead` and
    /// whose following bytes start `rest`; `None` for a single byte or an
    /// invalid sequence.
    pub fn multibyte_len(self, lead: u8, rest: &[u8]) -> Option<usize> {
        let len = match self {
            ClientCharset::Sjis | ClientCharset::Cp932 => sjis_len(lead, rest),
            ClientCharset::Gbk => two_byte(lead, rest, 0x81..=0xFE, |t| {
                (0x40..=0x7E).contains(&t) || (0x80..=0xFE).contains(&t)
            }),
            ClientCharset::Big5 => two_byte(lead, rest, 0xA1..=0xF9, |t| {
                (0x40..=0x7E).contains(&t) || (0xA1..=0xFE).contains(&t)
            }),
            ClientCharset::Gb2312 | ClientCharset::Euckr => {
                two_byte(lead, rest, 0xA1..=0xFE, |t| (0xA1..=0xFE).contains(&t))
            }
            ClientCharset::Ujis | ClientCharset::Eucjpms => ujis_len(lead, rest),
            ClientCharset::Utf8mb3 | ClientCharset::Utf8mb4 => utf8_len(lead, rest),
            _ => 1,
        };
        (len > 1).then_some(len)
    }

    /// Lower-cases one byte as the client character set does
    /// (`lowercase_result`); multi-byte sets only fold ASCII.
    pub fn to_lower(self, b: u8) -> u8 {
        match self {
            ClientCharset::Latin1 if (0xC0..=0xDE).contains(&b) && b != 0xD7 => b + 0x20,
            _ => b.to_ascii_lowercase(),
        }
    }
}

/// A lead byte in `leads` followed by one trail byte accepted by `trail`.
fn two_byte(
    lead: u8,
    rest: &[u8],
    leads: std::ops::RangeInclusive<u8>,
    trail: impl Fn(u8) -> bool,
) -> usize {
    match rest.first() {
        Some(&t) if leads.contains(&lead) && trail(t) => 2,
        _ => 1,
    }
}

fn sjis_len(lead: u8, rest: &[u8]) -> usize {
    let is_lead = (0x81..=0x9F).contains(&lead) || (0xE0..=0xFC).contains(&lead);
    match rest.first() {
        Some(&t) if is_lead && ((0x40..=0x7E).contains(&t) || (0x80..=0xFC).contains(&t)) => 2,
        _ => 1,
    }
}

fn ujis_len(lead: u8, rest: &[u8]) -> usize {
    let high = |b: Option<&u8>| b.is_some_and(|&b| (0xA1..=0xFE).contains(&b));
    match lead {
        0x8E if rest.first().is_some_and(|&b| (0xA1..=0xDF).contains(&b)) => 2,
        0x8F if high(rest.first()) && high(rest.get(1)) => 3,
        0xA1..=0xFE if high(rest.first()) => 2,
        _ => 1,
    }
}

fn utf8_len(lead: u8, rest: &[u8]) -> usize {
    let want = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return 1,
    };
    let continuation = rest
        .iter()
        .take(want - 1)
        .filter(|&&b| b & 0xC0 == 0x80)
        .count();
    if continuation == want - 1 { want } else { 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_collations() {
        assert_eq!(
            ClientCharset::by_name("LATIN1"),
            Some(ClientCharset::Latin1)
        );
        assert_eq!(ClientCharset::by_name("utf8"), Some(ClientCharset::Utf8mb3));
        assert_eq!(ClientCharset::by_name("nonesuch"), None);
        assert_eq!(ClientCharset::Utf8mb4.collation_id(), 45);
        assert_eq!(ClientCharset::Sjis.collation_id(), 13);
    }

    #[test]
    fn multibyte_lengths() {
        assert_eq!(ClientCharset::Sjis.multibyte_len(0x95, b"\x5c"), Some(2));
        assert_eq!(ClientCharset::Sjis.multibyte_len(b'a', b"\x5c"), None);
        assert_eq!(ClientCharset::Gb2312.multibyte_len(0xB0, b"\xA1"), Some(2));
        assert_eq!(ClientCharset::Gb2312.multibyte_len(0xB0, b"a"), None);
        assert_eq!(
            ClientCharset::Utf8mb4.multibyte_len(0xE2, b"\x82\xAC"),
            Some(3)
        );
        assert_eq!(ClientCharset::Utf8mb4.multibyte_len(0xE2, b"\x82"), None);
        assert_eq!(
            ClientCharset::Ujis.multibyte_len(0x8F, b"\xA1\xA1"),
            Some(3)
        );
        assert_eq!(ClientCharset::Latin1.multibyte_len(0xE9, b"x"), None);
    }

    #[test]
    fn latin1_lowercase_folds_accents_but_not_times() {
        assert_eq!(ClientCharset::Latin1.to_lower(0xC9), 0xE9);
        assert_eq!(ClientCharset::Latin1.to_lower(0xD7), 0xD7);
        assert_eq!(ClientCharset::Utf8mb4.to_lower(0xC9), 0xC9);
        assert_eq!(ClientCharset::Latin1.to_lower(b'Q'), b'q');
    }
}
