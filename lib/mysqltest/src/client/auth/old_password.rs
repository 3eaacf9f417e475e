//! The pre-4.1 password scheme (`mysql_old_password`): a password hashes to
//! two 31-bit numbers (what `OLD_PASSWORD()` shows as 16 hex digits), and
//! the client answers an 8-byte nonce with 8 bytes drawn from a small
//! generator seeded with the hashes of password and nonce. The algorithm
//! follows the protocol's public description; it is weak and exists only
//! because old accounts and tests still use it.

/// Bytes of the old nonce and of the answer.
pub(crate) const SCRAMBLE_LEN: usize = 8;

/// Modulus of the scramble's generator.
const MAX_VALUE: u64 = 0x3FFF_FFFF;

/// The two 31-bit halves of the old password hash; blanks and tabs do not count.
pub(crate) fn hash(bytes: &[u8]) -> [u32; 2] {
    let mut nr: u32 = 1_345_345_333;
    let mut add: u32 = 7;
    let mut nr2: u32 = 0x1234_5671;
    for &byte in bytes.iter().filter(|&&b| b != b' ' && b != b'\t') {
        let tmp = u32::from(byte);
        nr ^= ((nr & 63).wrapping_add(add))
            .wrapping_mul(tmp)
            .wrapping_add(nr << 8);
        nr2 = nr2.wrapping_add((nr2 << 8) ^ nr);
        add = add.wrapping_add(tmp);
    }
    [nr & 0x7FFF_FFFF, nr2 & 0x7FFF_FFFF]
}

/// The generator the scramble draws from.
struct Generator {
    seed1: u64,
    seed2: u64,
}

impl Generator {
    /// Seeds reduced modulo the generator's range.
    fn new(seed1: u32, seed2: u32) -> Self {
        Generator {
            seed1: u64::from(seed1) % MAX_VALUE,
            seed2: u64::from(seed2) % MAX_VALUE,
        }
    }

    /// The next value in [0, 1).
    fn next(&mut self) -> f64 {
        self.seed1 = (self.seed1 * 3 + self.seed2) % MAX_VALUE;
        self.seed2 = (self.seed1 + self.seed2 + 33) % MAX_VALUE;
        self.seed1 as f64 / MAX_VALUE as f64
    }

    /// A value in [0, 31).
    fn next_31(&mut self) -> u8 {
        (self.next() * 31.0).floor() as u8
    }
}

/// The answer to the first 8 bytes of `nonce` for `password` (non-empty).
pub(crate) fn scramble(nonce: &[u8], password: &[u8]) -> [u8; SCRAMBLE_LEN] {
    let message = &nonce[..nonce.len().min(SCRAMBLE_LEN)];
    let pass = hash(password);
    let msg = hash(message);
    let mut generator = Generator::new(pass[0] ^ msg[0], pass[1] ^ msg[1]);
    let mut out = [0u8; SCRAMBLE_LEN];
    for byte in out.iter_mut().take(message.len()) {
        *byte = generator.next_31() + 64;
    }
    let extra = generator.next_31();
    for byte in out.iter_mut().take(message.len()) {
        *byte ^= extra;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `OLD_PASSWORD()` as MariaDB 10.11 prints it.
    fn hex(bytes: &[u8]) -> String {
        let [a, b] = hash(bytes);
        format!("{a:08x}{b:08x}")
    }

    #[test]
    fn hashes_match_the_servers_old_password() {
        // Values of OLD_PASSWORD(...) from MariaDB 10.11 (also in the
        // upstream tests connect, change_user and set_password).
        assert_eq!(hex(b"gambling2"), "2f27438961437573");
        assert_eq!(hex(b"oldpw"), "09301740536db389");
        assert_eq!(hex(b"test"), "378b243e220ca493");
        assert_eq!(hex(b"t e\ts t"), "378b243e220ca493");
    }

    #[test]
    fn scramble_matches_one_the_server_accepted() {
        // Nonce and answer of a login MariaDB 10.11.19 accepted for an
        // account with OLD_PASSWORD('test') (captured from the exchange).
        assert_eq!(&scramble(b"e%&/VG?G(1ZU|/rtmId<", b"test"), b"N@JCHSU@");
    }

    #[test]
    fn scrambles_agree_with_mysql_commons_implementation() {
        use mysql_common::auth::plugins::mysql_old_password::scramble_323;
        let nonces: [&[u8; 8]; 3] = [b"abcdefgh", b"e%&/VG?G", b"\x01\x7f ~\t00z"];
        for nonce in nonces {
            for password in [&b"x"[..], b"test", b"a longer pass phrase", b"\xff\x80"] {
                assert_eq!(
                    Some(scramble(nonce, password)),
                    scramble_323(nonce, password),
                    "{nonce:?} {password:?}"
                );
            }
        }
    }

    #[test]
    fn scrambles_are_printable_and_depend_on_both_inputs() {
        let a = scramble(b"abcdefgh", b"secret");
        assert!(a.iter().all(|b| (64..96).contains(b)));
        assert_ne!(a, scramble(b"abcdefgi", b"secret"));
        assert_ne!(a, scramble(b"abcdefgh", b"secres"));
        assert_eq!(a, scramble(b"abcdefghIGNORED", b"secret"));
    }
}
