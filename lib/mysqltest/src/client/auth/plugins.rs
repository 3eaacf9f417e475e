//! The client authentication plugins, written natively where the real
//! client would load a shared library: each reads and writes through a
//! `Vio` exactly as the library's (or the test suite's) plugin does, and
//! ends with "the server's answer follows" (`Outcome::Ok`), "I already read
//! it" (`Outcome::HandshakeComplete`) or an error. A plugin we do not have
//! becomes the library's fallback, which answers empty packets and keeps
//! the "could not be loaded" text for the error that follows.

use mysql_common::auth::plugins::caching_sha2_password::scramble_sha256;
use mysql_common::auth::plugins::mysql_native_password::scramble_native;
use mysql_common::crypto;

use super::super::error::ClientError;
use super::old_password;
use super::vio::Vio;

/// Plugin the library uses when nothing else is named.
pub(crate) const NATIVE_PASSWORD: &str = "mysql_native_password";
/// The pre-4.1 scheme, also chosen by a bare switch request.
pub(crate) const OLD_PASSWORD: &str = "mysql_old_password";
/// Bytes of the 4.1 nonce.
const SCRAMBLE_LENGTH: usize = 20;
/// Most questions the fallback plugin answers.
const FALLBACK_ROUNDS: usize = 10;

/// caching_sha2: the cached hash matched, an OK follows.
const FAST_AUTH_OK: u8 = 0x03;
/// caching_sha2: the server needs the password itself.
const FULL_AUTH_NEEDED: u8 = 0x04;
/// caching_sha2: request for the server's RSA public key.
const CACHING_SHA2_REQUEST_KEY: u8 = 0x02;
/// sha256_password: request for the server's RSA public key.
const SHA256_REQUEST_KEY: u8 = 0x01;

/// Dialog question types (first byte of a question).
mod question {
    /// The last ordinary question (an ordinary one is 2).
    pub const LAST: u8 = 3;
    /// A password question; with the test plugins, the last one.
    pub const PASSWORD: u8 = 4;
    /// A password question; with the test plugins, more may follow.
    pub const LAST_PASSWORD: u8 = 5;
}

/// How a plugin's turn ended without error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The server's verdict (OK, ERR or switch) is the next packet.
    Ok,
    /// The plugin already read the verdict; it is the last packet read.
    HandshakeComplete,
}

/// A client authentication plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Plugin {
    /// SHA-1 based 4.1 scramble.
    Native,
    /// Pre-4.1 scramble.
    OldPassword,
    /// The password as it is, NUL-terminated.
    ClearPassword,
    /// Questions and answers (PAM and the dialog examples).
    Dialog,
    /// The test suite's dialog plugins, which answer password questions only.
    TestDialog(&'static str),
    /// MySQL 8's default.
    CachingSha2,
    /// MySQL's RSA-only SHA-256 plugin.
    Sha256,
    /// The library's stand-in for a plugin it could not load.
    Fallback,
}

/// Client plugins of the test suite, which all behave the same way.
const TEST_DIALOGS: [&str; 3] = ["auth_test_plugin", "qa_auth_client", "qa_auth_interface"];

impl Plugin {
    /// The plugin of that name, if this client has it.
    pub(crate) fn find(name: &str) -> Option<Plugin> {
        Some(match name {
            NATIVE_PASSWORD => Plugin::Native,
            OLD_PASSWORD => Plugin::OldPassword,
            "mysql_clear_password" => Plugin::ClearPassword,
            "dialog" => Plugin::Dialog,
            "caching_sha2_password" => Plugin::CachingSha2,
            "sha256_password" => Plugin::Sha256,
            other => Plugin::TestDialog(TEST_DIALOGS.into_iter().find(|t| *t == other)?),
        })
    }

    /// The name sent with the first answer.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Plugin::Native => NATIVE_PASSWORD,
            Plugin::OldPassword => OLD_PASSWORD,
            Plugin::ClearPassword => "mysql_clear_password",
            Plugin::Dialog => "dialog",
            Plugin::TestDialog(name) => name,
            Plugin::CachingSha2 => "caching_sha2_password",
            Plugin::Sha256 => "sha256_password",
            Plugin::Fallback => "dummy_fallback_auth",
        }
    }

    /// Runs the plugin's side of the exchange.
    pub(crate) fn run(&self, vio: &mut Vio<'_>, password: &[u8]) -> Result<Outcome, ClientError> {
        let password = c_string(password);
        match self {
            Plugin::Native => native(vio, password),
            Plugin::OldPassword => old(vio, password),
            Plugin::ClearPassword => clear(vio, password),
            Plugin::Dialog => dialog(vio, password),
            Plugin::TestDialog(_) => test_dialog(vio, password),
            Plugin::CachingSha2 => caching_sha2(vio, password),
            Plugin::Sha256 => sha256(vio, password),
            Plugin::Fallback => fallback(vio),
        }
    }
}

/// The library's text for a plugin it cannot load from `dir`.
pub(crate) fn cannot_load(name: &str, dir: &str) -> ClientError {
    ClientError::plugin_cannot_load(
        name,
        &format!("{dir}/{name}.so: cannot open shared object file: No such file or directory"),
    )
}

/// Passwords are C strings in the library: they end at the first NUL.
fn c_string(password: &[u8]) -> &[u8] {
    password
        .iter()
        .position(|&b| b == 0)
        .map_or(password, |end| &password[..end])
}

/// `password` and its terminating NUL.
fn with_nul(password: &[u8]) -> Vec<u8> {
    [password, &[0]].concat()
}

/// The nonce of the library's 4.1 and pre-4.1 plugins: in COM_CHANGE_USER
/// they speak first with the known one, else they read it (see `read_nonce`).
fn known_or_read_nonce(vio: &mut Vio<'_>, lengths: &[usize]) -> Result<Vec<u8>, ClientError> {
    if vio.change_user {
        return Ok(vio.scramble.clone());
    }
    read_nonce(vio, lengths)
}

/// Reads the server's nonce and remembers it; `lengths` are the packet
/// lengths (nonce and NUL) the plugin accepts. The SHA-256 plugins always
/// read it, in COM_CHANGE_USER too: there the server answers with a switch
/// request carrying a fresh nonce, which is what the scramble must use.
fn read_nonce(vio: &mut Vio<'_>, lengths: &[usize]) -> Result<Vec<u8>, ClientError> {
    let packet = vio.read_packet()?;
    if !lengths.contains(&packet.len()) {
        return Err(ClientError::handshake());
    }
    let nonce = packet[..packet.len() - 1].to_vec();
    remember_scramble(&mut vio.scramble, &nonce);
    Ok(nonce)
}

/// Stores a nonce where the library keeps it: a shorter (pre-4.1) one
/// overwrites only the start of the 20-byte buffer.
fn remember_scramble(scramble: &mut Vec<u8>, nonce: &[u8]) {
    if nonce.len() >= scramble.len() {
        *scramble = nonce.to_vec();
    } else {
        scramble[..nonce.len()].copy_from_slice(nonce);
    }
}

/// mysql_native_password: SHA-1 scramble of the 20-byte nonce.
fn native(vio: &mut Vio<'_>, password: &[u8]) -> Result<Outcome, ClientError> {
    let nonce = known_or_read_nonce(vio, &[SCRAMBLE_LENGTH + 1])?;
    let answer = match password {
        [] => Vec::new(),
        _ => {
            let nonce = nonce
                .get(..SCRAMBLE_LENGTH)
                .ok_or_else(ClientError::handshake)?;
            scramble_native(nonce, password)
                .map(|s| s.to_vec())
                .unwrap_or_default()
        }
    };
    vio.write_packet(&answer)?;
    Ok(Outcome::Ok)
}

/// mysql_old_password: the pre-4.1 scramble of the nonce's first 8 bytes.
fn old(vio: &mut Vio<'_>, password: &[u8]) -> Result<Outcome, ClientError> {
    let nonce = known_or_read_nonce(vio, &[old_password::SCRAMBLE_LEN + 1, SCRAMBLE_LENGTH + 1])?;
    let answer = match password {
        [] => Vec::new(),
        _ => with_nul(&old_password::scramble(&nonce, password)),
    };
    vio.write_packet(&answer)?;
    Ok(Outcome::Ok)
}

/// mysql_clear_password: the password itself, without reading anything.
fn clear(vio: &mut Vio<'_>, password: &[u8]) -> Result<Outcome, ClientError> {
    vio.write_packet(&with_nul(password))?;
    Ok(Outcome::Ok)
}

/// dialog: answers questions until the last one (odd type byte); the
/// password goes to a first password question (and to an empty prompt),
/// other questions get what an empty standard input gives (an empty line).
fn dialog(vio: &mut Vio<'_>, password: &[u8]) -> Result<Outcome, ClientError> {
    let mut first = true;
    let mut kind = 0u8;
    loop {
        let packet = vio.read_packet()?;
        let answer = match packet.split_first() {
            Some((&0 | &0xFE, _)) => return Ok(Outcome::HandshakeComplete),
            Some((&question, _)) => {
                kind = question;
                let asks_password = question >> 1 == question::PASSWORD >> 1;
                if asks_password && first && !password.is_empty() {
                    password
                } else {
                    b""
                }
            }
            None => password,
        };
        vio.write_packet(&with_nul(answer))?;
        first = false;
        if kind & 1 == 1 {
            return Ok(Outcome::Ok);
        }
    }
}

/// auth_test_plugin, qa_auth_client, qa_auth_interface: answer password
/// questions with an empty prompt by the password; stop after a plain
/// password question; anything else is an error.
fn test_dialog(vio: &mut Vio<'_>, password: &[u8]) -> Result<Outcome, ClientError> {
    loop {
        let packet = vio.read_packet()?;
        let (kind, prompt) = packet.split_first().map_or((0, &[][..]), |(k, p)| (*k, p));
        if kind == 0 || kind == 0xFE {
            return Ok(Outcome::HandshakeComplete);
        }
        let empty_prompt = prompt.first().is_none_or(|&b| b == 0);
        let asks_password = kind == question::PASSWORD || kind == question::LAST_PASSWORD;
        if !(asks_password && empty_prompt) {
            return Err(ClientError::unknown());
        }
        vio.write_packet(&with_nul(password))?;
        if kind == question::LAST || kind == question::PASSWORD {
            return Ok(Outcome::Ok);
        }
    }
}

/// caching_sha2_password: the SHA-256 scramble; on "full authentication"
/// the password goes in clear over a Unix socket, RSA-encrypted otherwise.
fn caching_sha2(vio: &mut Vio<'_>, password: &[u8]) -> Result<Outcome, ClientError> {
    let nonce = read_nonce(vio, &[SCRAMBLE_LENGTH + 1])?;
    if password.is_empty() {
        vio.write_packet(&[])?;
        return Ok(Outcome::Ok);
    }
    let nonce20: &[u8; SCRAMBLE_LENGTH] = nonce
        .get(..SCRAMBLE_LENGTH)
        .and_then(|n| n.try_into().ok())
        .ok_or_else(ClientError::handshake)?;
    let answer = scramble_sha256(nonce20, password)
        .map(|s| s.to_vec())
        .unwrap_or_default();
    vio.write_packet(&answer)?;
    match vio.read_packet()?.as_slice() {
        [FAST_AUTH_OK] => return Ok(Outcome::Ok),
        [FULL_AUTH_NEEDED] => {}
        _ => return Err(ClientError::unknown()),
    }
    if vio.secure {
        vio.write_packet(&with_nul(password))?;
        return Ok(Outcome::Ok);
    }
    vio.write_packet(&[CACHING_SHA2_REQUEST_KEY])?;
    let key = vio.read_packet()?;
    let sealed = encrypt_password(password, &nonce, &key, "caching_sha2_password")?;
    vio.write_packet(&sealed)?;
    Ok(Outcome::Ok)
}

/// sha256_password: asks for the server's RSA key and sends the password
/// encrypted with it.
fn sha256(vio: &mut Vio<'_>, password: &[u8]) -> Result<Outcome, ClientError> {
    let nonce = read_nonce(vio, &[SCRAMBLE_LENGTH + 1])?;
    if password.is_empty() {
        vio.write_packet(&[])?;
        return Ok(Outcome::Ok);
    }
    vio.write_packet(&[SHA256_REQUEST_KEY])?;
    let key = vio.read_packet()?;
    let sealed = encrypt_password(password, &nonce, &key, "sha256_password")?;
    vio.write_packet(&sealed)?;
    Ok(Outcome::Ok)
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
    let mut plain = with_nul(password);
    for (i, byte) in plain.iter_mut().enumerate() {
        *byte ^= nonce[i % nonce.len()];
    }
    crypto::encrypt(&plain, key)
        .map_err(|e| ClientError::plugin_cannot_load(plugin, &e.to_string()))
}

/// The library's fallback: up to ten empty answers; the error that ends it
/// keeps its code but carries the pending "could not be loaded" text.
fn fallback(vio: &mut Vio<'_>) -> Result<Outcome, ClientError> {
    let pending = vio.error.clone();
    let mut last = pending.clone();
    for _ in 0..FALLBACK_ROUNDS {
        if let Err(err) = vio.read_packet() {
            last = Some(err);
            break;
        }
        if let Err(err) = vio.write_packet(&[]) {
            last = Some(err);
            break;
        }
    }
    let err = last.unwrap_or_else(ClientError::unknown);
    Err(match pending {
        Some(pending) => err.with_message(pending.message()),
        None => err,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_nonces_overwrite_the_start_of_the_scramble() {
        let mut scramble = b"abcdefghijklmnopqrst".to_vec();
        remember_scramble(&mut scramble, b"ABCDEFGH");
        assert_eq!(scramble, b"ABCDEFGHijklmnopqrst");
        remember_scramble(&mut scramble, b"01234567890123456789");
        assert_eq!(scramble, b"01234567890123456789");
    }

    #[test]
    fn passwords_end_at_the_first_nul() {
        assert_eq!(c_string(b"ab\0cd"), b"ab");
        assert_eq!(c_string(b"abc"), b"abc");
    }

    #[test]
    fn every_named_plugin_is_found_under_its_own_name() {
        for name in [
            "mysql_native_password",
            "mysql_old_password",
            "mysql_clear_password",
            "dialog",
            "auth_test_plugin",
            "qa_auth_client",
            "qa_auth_interface",
            "caching_sha2_password",
            "sha256_password",
        ] {
            assert_eq!(Plugin::find(name).unwrap().name(), name);
        }
        assert_eq!(Plugin::find("client_ed25519"), None);
        assert_eq!(Plugin::Fallback.name(), "dummy_fallback_auth");
    }
}
