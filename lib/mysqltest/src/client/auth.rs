//! Authentication: the bytes a plugin answers to the server's nonce, and
//! the exchange after the first answer went out (auth switch requests,
//! caching_sha2 fast/full auth with the server's RSA key, the final OK or
//! ERR). Packets enter and leave through a `PacketIo`, so the handshake,
//! COM_CHANGE_USER and tests with scripted servers share this code.
//! Supported plugins: mysql_native_password, caching_sha2_password,
//! sha256_password (RSA over plain TCP) and mysql_clear_password;
//! client_ed25519 and others fail with the library's "could not be loaded".

use mysql_common::auth::plugins::caching_sha2_password::scramble_sha256;
use mysql_common::auth::plugins::mysql_native_password::scramble_native;
use mysql_common::crypto;
use mysql_common::io::ParseBuf;
use mysql_common::packets::AuthSwitchRequest;

use super::error::ClientError;
use super::packets::{self, ERR_HEADER, OK_HEADER};
use super::response::OkInfo;
use mysql_common::constants::CapabilityFlags;

/// Plugin the client falls back to when the server names one it lacks.
pub(crate) const NATIVE_PASSWORD: &str = "mysql_native_password";
/// MySQL 8's default plugin.
const CACHING_SHA2: &str = "caching_sha2_password";
/// MySQL's RSA-only SHA-256 plugin.
const SHA256_PASSWORD: &str = "sha256_password";
/// Sends the password in clear text (only safe over TLS or sockets).
const CLEAR_PASSWORD: &str = "mysql_clear_password";

/// First byte of an auth-switch request.
const AUTH_SWITCH_HEADER: u8 = 0xFE;
/// First byte of plugin-specific extra data from the server.
const MORE_DATA_HEADER: u8 = 0x01;
/// caching_sha2: the cached hash matched, an OK follows.
const FAST_AUTH_OK: u8 = 0x03;
/// caching_sha2: the server needs the password itself.
const FULL_AUTH_NEEDED: u8 = 0x04;
/// caching_sha2: request for the server's RSA public key.
const REQUEST_PUBLIC_KEY: u8 = 0x02;
/// sha256_password: request for the server's RSA public key.
const SHA256_REQUEST_PUBLIC_KEY: u8 = 0x01;

/// Moves whole packets to and from the server, mapping I/O failures to client errors.
pub(crate) trait PacketIo {
    /// Reads the next packet.
    fn read(&mut self) -> Result<Vec<u8>, ClientError>;
    /// Writes one packet.
    fn write(&mut self, payload: &[u8]) -> Result<(), ClientError>;
}

/// Whether this client can answer for a plugin.
pub(crate) fn supports(plugin: &str) -> bool {
    matches!(
        plugin,
        NATIVE_PASSWORD | CACHING_SHA2 | SHA256_PASSWORD | CLEAR_PASSWORD
    )
}

/// The first answer of `plugin` to the server's `nonce`.
pub(crate) fn scramble(
    plugin: &str,
    nonce: &[u8],
    password: &[u8],
) -> Result<Vec<u8>, ClientError> {
    if password.is_empty() && plugin != CLEAR_PASSWORD {
        return Ok(if plugin == SHA256_PASSWORD {
            vec![0]
        } else {
            Vec::new()
        });
    }
    match plugin {
        NATIVE_PASSWORD => Ok(scramble_native(nonce_20(nonce)?, password)
            .map(|s| s.to_vec())
            .unwrap_or_default()),
        CACHING_SHA2 => {
            let nonce: &[u8; 20] = nonce_20(nonce)?
                .try_into()
                .map_err(|_| ClientError::malformed())?;
            Ok(scramble_sha256(nonce, password)
                .map(|s| s.to_vec())
                .unwrap_or_default())
        }
        SHA256_PASSWORD => Ok(vec![SHA256_REQUEST_PUBLIC_KEY]),
        CLEAR_PASSWORD => Ok([password, &[0]].concat()),
        other => Err(ClientError::plugin_cannot_load(
            other,
            "not supported by this client",
        )),
    }
}

/// The 20-byte nonce the hashing plugins use.
fn nonce_20(nonce: &[u8]) -> Result<&[u8], ClientError> {
    nonce.get(..20).ok_or_else(ClientError::malformed)
}

/// The state of one authentication exchange.
#[derive(Debug)]
pub(crate) struct AuthExchange<'a> {
    /// Plugin currently in charge.
    plugin: String,
    /// Nonce the plugin answers to.
    nonce: Vec<u8>,
    /// Password bytes.
    password: &'a [u8],
    /// Negotiated capabilities (for parsing the final OK).
    caps: CapabilityFlags,
}

impl<'a> AuthExchange<'a> {
    /// An exchange whose first answer (by `plugin` to `nonce`) was already sent.
    pub(crate) fn new(
        plugin: &str,
        nonce: &[u8],
        password: &'a [u8],
        caps: CapabilityFlags,
    ) -> Self {
        AuthExchange {
            plugin: plugin.to_string(),
            nonce: nonce.to_vec(),
            password,
            caps,
        }
    }

    /// Reads server packets and answers them until OK (returned) or ERR.
    pub(crate) fn finish(&mut self, io: &mut dyn PacketIo) -> Result<OkInfo, ClientError> {
        loop {
            let packet = io.read()?;
            match packet.first() {
                Some(&OK_HEADER) => return packets::parse_ok(&packet, self.caps),
                Some(&ERR_HEADER) => return Err(packets::parse_err(&packet)?),
                Some(&AUTH_SWITCH_HEADER) => self.switch(&packet, io)?,
                Some(&MORE_DATA_HEADER) => self.more_data(&packet[1..], io)?,
                _ => return Err(ClientError::malformed()),
            }
        }
    }

    /// The server asks to continue with another plugin and a fresh nonce.
    fn switch(&mut self, packet: &[u8], io: &mut dyn PacketIo) -> Result<(), ClientError> {
        if packet.len() == 1 {
            return Err(ClientError::old_auth_refused());
        }
        let request: AuthSwitchRequest<'_> = ParseBuf(packet)
            .parse(())
            .map_err(|_| ClientError::malformed())?;
        self.plugin = String::from_utf8_lossy(request.auth_plugin().as_bytes()).into_owned();
        self.nonce = request.plugin_data().to_vec();
        let answer = scramble(&self.plugin, &self.nonce, self.password)?;
        io.write(&answer)
    }

    /// Plugin-specific data: caching_sha2 status bytes or an RSA public key.
    fn more_data(&mut self, data: &[u8], io: &mut dyn PacketIo) -> Result<(), ClientError> {
        match (self.plugin.as_str(), data) {
            (CACHING_SHA2, [FAST_AUTH_OK]) => Ok(()),
            (CACHING_SHA2, [FULL_AUTH_NEEDED]) => io.write(&[REQUEST_PUBLIC_KEY]),
            (CACHING_SHA2 | SHA256_PASSWORD, key) if key.starts_with(b"-----BEGIN") => io.write(
                &encrypt_password(self.password, &self.nonce, key, &self.plugin)?,
            ),
            _ => Err(ClientError::malformed()),
        }
    }
}

/// The password (NUL-terminated, XORed with the nonce) encrypted with the server's key.
fn encrypt_password(
    password: &[u8],
    nonce: &[u8],
    key: &[u8],
    plugin: &str,
) -> Result<Vec<u8>, ClientError> {
    if nonce.is_empty() {
        return Err(ClientError::malformed());
    }
    let mut plain = [password, &[0]].concat();
    for (i, byte) in plain.iter_mut().enumerate() {
        *byte ^= nonce[i % nonce.len()];
    }
    crypto::encrypt(&plain, key)
        .map_err(|e| ClientError::plugin_cannot_load(plugin, &e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    /// A scripted server: hands out `replies` and records what the client wrote.
    #[derive(Debug, Default)]
    struct Script {
        replies: VecDeque<Vec<u8>>,
        written: Vec<Vec<u8>>,
    }

    impl PacketIo for Script {
        fn read(&mut self) -> Result<Vec<u8>, ClientError> {
            self.replies
                .pop_front()
                .ok_or_else(ClientError::server_lost)
        }
        fn write(&mut self, payload: &[u8]) -> Result<(), ClientError> {
            self.written.push(payload.to_vec());
            Ok(())
        }
    }

    fn script(replies: &[&[u8]]) -> Script {
        Script {
            replies: replies.iter().map(|r| r.to_vec()).collect(),
            written: Vec::new(),
        }
    }

    const NONCE: &[u8; 20] = b"abcdefghijklmnopqrst";
    const OK: &[u8] = b"\x00\x00\x00\x02\x00\x00\x00";
    /// A 2048-bit RSA public key (public material, made for these tests).
    const PUBLIC_KEY: &[u8] = b"-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAy9GnPu2TcNXE+dFzP+pI
XX4Crs8PYEabh1k8WekTRwGbDMxiRjV6JQ5EzUAg7ANS/JFoyVS1NmOUcmAqjdQe
ge79clbfQZawutdZwME7luUs7ctT1Ug6I5SCLasEEMlm56lavJHtztrrYfKeulfF
amuCzRqhzSQEgQ13Tf2CNnaeWeHmm+2qL5Cqx7Vh7k27TGx/tiblfkQZKQk9ZZtN
8mFJEu82rtYqB/61+lBjRurDSQYmHVjhcVYNjinG9YlGH7PoYkwo9N/2IcW4SNd3
AoAGtQvUATqmTGDP7z4tZeUG48jLfnlN3Wwcg2rikOr7oXC3Ogopbhrs95/0Wb7A
EwIDAQAB
-----END PUBLIC KEY-----
";

    fn exchange<'a>(plugin: &str, password: &'a [u8]) -> AuthExchange<'a> {
        AuthExchange::new(plugin, NONCE, password, CapabilityFlags::CLIENT_PROTOCOL_41)
    }

    #[test]
    fn native_scramble_is_twenty_bytes_or_empty() {
        assert_eq!(
            scramble(NATIVE_PASSWORD, NONCE, b"secret").unwrap().len(),
            20
        );
        assert!(scramble(NATIVE_PASSWORD, NONCE, b"").unwrap().is_empty());
        assert_eq!(scramble(CACHING_SHA2, NONCE, b"secret").unwrap().len(), 32);
        assert_eq!(scramble(CLEAR_PASSWORD, NONCE, b"pw").unwrap(), b"pw\0");
        assert_eq!(
            scramble("client_ed25519", NONCE, b"pw").unwrap_err().code(),
            2059
        );
        assert!(scramble(NATIVE_PASSWORD, b"short", b"pw").is_err());
    }

    #[test]
    fn ok_ends_and_err_fails_the_exchange() {
        let ok = exchange(NATIVE_PASSWORD, b"")
            .finish(&mut script(&[OK]))
            .unwrap();
        assert_eq!(ok.status_flags, 2);
        let denied = b"\xff\x15\x04#28000Access denied";
        let err = exchange(NATIVE_PASSWORD, b"")
            .finish(&mut script(&[denied]))
            .unwrap_err();
        assert_eq!((err.code(), err.sqlstate()), (1045, "28000"));
    }

    #[test]
    fn auth_switch_answers_with_the_new_plugin_and_nonce() {
        let mut switch = b"\xfemysql_native_password\0".to_vec();
        switch.extend_from_slice(b"ABCDEFGHIJKLMNOPQRST\0");
        let mut io = script(&[&switch, OK]);
        exchange(CACHING_SHA2, b"pw").finish(&mut io).unwrap();
        let expected = scramble_native(b"ABCDEFGHIJKLMNOPQRST", b"pw").unwrap();
        assert_eq!(io.written, vec![expected.to_vec()]);
    }

    #[test]
    fn old_password_switch_is_refused() {
        let err = exchange(NATIVE_PASSWORD, b"pw")
            .finish(&mut script(&[b"\xfe"]))
            .unwrap_err();
        assert_eq!(err.code(), 2049);
    }

    #[test]
    fn switch_to_an_unknown_plugin_fails_cleanly() {
        let err = exchange(NATIVE_PASSWORD, b"pw")
            .finish(&mut script(&[
                b"\xfeclient_ed25519\0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            ]))
            .unwrap_err();
        assert_eq!(err.code(), 2059);
        assert!(err.to_string().contains("client_ed25519"));
    }

    #[test]
    fn caching_sha2_fast_path() {
        let mut io = script(&[b"\x01\x03", OK]);
        exchange(CACHING_SHA2, b"pw").finish(&mut io).unwrap();
        assert!(io.written.is_empty());
    }

    #[test]
    fn caching_sha2_full_auth_requests_the_key_and_sends_rsa() {
        let key = [b"\x01", PUBLIC_KEY].concat();
        let mut io = script(&[b"\x01\x04", &key, OK]);
        exchange(CACHING_SHA2, b"pw").finish(&mut io).unwrap();
        assert_eq!(io.written[0], vec![REQUEST_PUBLIC_KEY]);
        assert_eq!(io.written[1].len(), 256);
    }

    #[test]
    fn a_bad_key_is_a_clear_error() {
        let mut io = script(&[b"\x01\x04", b"\x01-----BEGIN PUBLIC KEY-----\nnope\n"]);
        let err = exchange(CACHING_SHA2, b"pw").finish(&mut io).unwrap_err();
        assert_eq!(err.code(), 2059);
        assert!(err.to_string().contains(CACHING_SHA2));
    }

    #[test]
    fn unexpected_packets_are_malformed() {
        let err = exchange(NATIVE_PASSWORD, b"pw")
            .finish(&mut script(&[b"\x01\x03"]))
            .unwrap_err();
        assert_eq!(err.code(), 2027);
        let err = exchange(NATIVE_PASSWORD, b"pw")
            .finish(&mut script(&[b""]))
            .unwrap_err();
        assert_eq!(err.code(), 2027);
    }
}
