//! mysql_native_password: the stored hash SHA1(SHA1(password)), its
//! `*HEX` text form as PASSWORD() and SHOW GRANTS give it, and the check
//! of a client's scramble response against a stored hash.

use super::sha1::sha1;

/// SHA1(SHA1(password)): what an account stores.
pub type PasswordHash = [u8; 20];

/// The stored hash of a clear-text password.
pub fn hash_password(password: &str) -> PasswordHash {
    sha1(&[&sha1(&[password.as_bytes()])])
}

/// `*` and 40 upper-case hex digits, as PASSWORD('x') returns.
pub fn hash_text(hash: &PasswordHash) -> String {
    let hex: String = hash.iter().map(|b| format!("{b:02X}")).collect();
    format!("*{hex}")
}

/// Reads `*HEX` back; None when it is not 41 characters of that form.
pub fn parse_hash_text(text: &str) -> Option<PasswordHash> {
    let hex = text.strip_prefix('*')?;
    if hex.len() != 40 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 20];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).ok()?;
    }
    Some(out)
}

/// Whether `response` proves knowledge of the password behind `stored`:
/// response XOR SHA1(scramble, stored) must hash to `stored`.
pub fn check_scramble(scramble: &[u8], response: &[u8], stored: &PasswordHash) -> bool {
    if response.len() != 20 {
        return false;
    }
    let mask = sha1(&[scramble, stored]);
    let candidate: Vec<u8> = response.iter().zip(mask).map(|(r, m)| r ^ m).collect();
    sha1(&[&candidate]) == *stored
}

#[cfg(test)]
mod tests {
    use super::*;
    use mysql_common::auth::plugins::mysql_native_password::scramble_native;
    use proptest::prelude::*;

    #[test]
    fn hash_text_matches_mariadb_password_function() {
        assert_eq!(
            hash_text(&hash_password("pw")),
            "*D821809F681A40A6E379B50D0463EFAE20BDD122"
        );
        let hash = hash_password("secret");
        assert_eq!(parse_hash_text(&hash_text(&hash)), Some(hash));
        assert_eq!(parse_hash_text("*12"), None);
        assert_eq!(parse_hash_text("plain"), None);
    }

    #[test]
    fn client_scramble_is_accepted_and_wrong_password_is_not() {
        let scramble = *b"abcdefghijklmnopqrst";
        let stored = hash_password("secret");
        let good = scramble_native(&scramble, b"secret").unwrap();
        let bad = scramble_native(&scramble, b"secreT").unwrap();
        assert!(check_scramble(&scramble, &good, &stored));
        assert!(!check_scramble(&scramble, &bad, &stored));
        assert!(!check_scramble(&scramble, b"", &stored));
    }

    proptest! {
        #[test]
        fn any_password_round_trips_through_a_scramble(pw in "[ -~]{1,40}", scramble in proptest::collection::vec(33u8..127, 20)) {
            let response = scramble_native(&scramble, pw.as_bytes()).unwrap();
            prop_assert!(check_scramble(&scramble, &response, &hash_password(&pw)));
        }

        #[test]
        fn arbitrary_responses_never_panic(response in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = check_scramble(b"01234567890123456789", &response, &hash_password("x"));
        }
    }
}
