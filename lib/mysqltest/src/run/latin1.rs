//! The byte-string rules mysqltest applies to expression strings and to
//! variable names, which are latin1 to it: ASCII and latin1 letters change
//! case, and strings compare case- and accent-insensitively with trailing
//! spaces ignored (latin1_swedish_ci). The weights below were measured from
//! the installed `mariadb-test` by comparing every pair of bytes with
//! `least()`; the letters, by which bytes `$name` accepts.

use std::cmp::Ordering;

/// Sort weight of each byte; equal weights compare equal.
const WEIGHTS: [u8; 256] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
    26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49,
    50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73,
    74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 65,
    66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89,
    90, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115,
    116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134,
    135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153,
    154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 65, 65, 65, 65, 92, 91, 92, 67, 69,
    69, 69, 69, 73, 73, 73, 73, 68, 78, 79, 79, 79, 79, 93, 166, 167, 85, 85, 85, 89, 89, 168, 169,
    65, 65, 65, 65, 92, 91, 92, 67, 69, 69, 69, 69, 73, 73, 73, 73, 68, 78, 79, 79, 79, 79, 93,
    170, 167, 85, 85, 85, 89, 89, 168, 171,
];

/// The latin1 upper case of `b`.
pub fn to_upper(b: u8) -> u8 {
    match b {
        b'a'..=b'z' | 0xE0..=0xFE if b != 0xF7 => b - 0x20,
        _ => b,
    }
}

/// The latin1 lower case of `b`.
pub fn to_lower(b: u8) -> u8 {
    match b {
        b'A'..=b'Z' | 0xC0..=0xDE if b != 0xD7 => b + 0x20,
        _ => b,
    }
}

/// The collation weight of `b`: bytes with equal weights compare equal.
pub fn weight(b: u8) -> u8 {
    WEIGHTS[usize::from(b)]
}

/// Whether `b` is a letter or digit in latin1 (mysqltest's `my_isalnum`).
pub fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(b, 0x83 | 0x8A | 0x8C | 0x8E | 0x9A | 0x9C | 0x9E | 0x9F)
        || (0xC0..=0xFF).contains(&b) && b != 0xD7 && b != 0xF7
}

/// Whether two bytes collate equal.
pub fn same(a: u8, b: u8) -> bool {
    WEIGHTS[usize::from(a)] == WEIGHTS[usize::from(b)]
}

/// Collation order of two strings; the shorter one is padded with spaces.
pub fn compare(a: &[u8], b: &[u8]) -> Ordering {
    let weight = |s: &[u8], i: usize| WEIGHTS[usize::from(s.get(i).copied().unwrap_or(b' '))];
    (0..a.len().max(b.len()))
        .map(|i| weight(a, i).cmp(&weight(b, i)))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// The offset of the first occurrence of `needle` in `hay` at or after
/// `from`, matching bytes by collation weight.
pub fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > hay.len() {
        return None;
    }
    if needle.is_empty() {
        return Some(from);
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w.iter().zip(needle).all(|(&x, &y)| same(x, y)))
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_maps_cover_latin1_letters() {
        assert_eq!(to_upper(b'a'), b'A');
        assert_eq!(to_upper(0xE4), 0xC4);
        assert_eq!(to_upper(0xF7), 0xF7);
        assert_eq!(to_lower(0xC3), 0xE3);
        assert_eq!(to_lower(0xD7), 0xD7);
        assert_eq!(to_lower(b'1'), b'1');
    }

    #[test]
    fn comparison_ignores_case_and_trailing_spaces() {
        assert_eq!(compare(b"B", b"a"), Ordering::Greater);
        assert_eq!(compare(b"a ", b"A"), Ordering::Equal);
        assert_eq!(compare(b"a", b"ab"), Ordering::Less);
        assert_eq!(compare("ä".as_bytes(), b"b"), Ordering::Less);
    }

    #[test]
    fn find_matches_by_weight() {
        assert_eq!(find(b"Hello World", b"world", 0), Some(6));
        assert_eq!(find("ä".as_bytes(), b"A", 0), Some(0));
        assert_eq!(find(b"hello", b"", 5), Some(5));
        assert_eq!(find(b"hello", b"", 6), None);
        assert_eq!(find(b"hello", b"x", 0), None);
    }
}
