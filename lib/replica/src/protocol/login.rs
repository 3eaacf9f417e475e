//! Logging in: parsing the client's Handshake Response 4.1 and the body of
//! COM_CHANGE_USER into one [`LoginRequest`], and the account rule (any
//! account must exist and the password match). Untrusted bytes
//! enter; a request or `None` (malformed) leaves.

use mysql_common::constants::CapabilityFlags;
use mysql_common::io::ParseBuf;

use super::errors;
use crate::accounts::{AccountName, Accounts};
use crate::error::ServerError;

/// What a client asks to log in with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginRequest {
    pub caps: CapabilityFlags,
    pub max_packet: u32,
    pub collation: u16,
    pub user: String,
    pub auth: Vec<u8>,
    pub db: Option<String>,
    /// The plugin the auth data was made with, if the client named one.
    pub plugin: Option<String>,
}

/// The fixed part of a Handshake Response 4.1: caps, max packet, charset, filler.
const FIXED_PART: usize = 32;

/// Parses a Handshake Response 4.1; `None` when malformed.
pub fn parse_handshake_response(payload: &[u8]) -> Option<LoginRequest> {
    let mut buf = ParseBuf(payload);
    let caps = CapabilityFlags::from_bits_retain(buf.checked_eat_u32_le()?);
    if !caps.contains(CapabilityFlags::CLIENT_PROTOCOL_41) || payload.len() < FIXED_PART {
        return None;
    }
    let max_packet = buf.checked_eat_u32_le()?;
    let collation = u16::from(buf.checked_eat_u8()?);
    buf.checked_skip(23).then_some(())?;
    let user = text(checked_null_str(&mut buf)?);
    let auth = auth_data(&mut buf, caps)?.to_vec();
    let db = optional(&mut buf, caps, CapabilityFlags::CLIENT_CONNECT_WITH_DB)?;
    let plugin = optional(&mut buf, caps, CapabilityFlags::CLIENT_PLUGIN_AUTH)?;
    Some(LoginRequest {
        caps,
        max_packet,
        collation,
        user,
        auth,
        db: db.filter(|d| !d.is_empty()),
        plugin,
    })
}

/// Parses the body of COM_CHANGE_USER (after the command byte).
pub fn parse_change_user(body: &[u8], caps: CapabilityFlags) -> Option<LoginRequest> {
    let mut buf = ParseBuf(body);
    let user = text(checked_null_str(&mut buf)?);
    let auth = if caps.contains(CapabilityFlags::CLIENT_SECURE_CONNECTION) {
        buf.checked_eat_u8_str()?
    } else {
        checked_null_str(&mut buf)?
    };
    let db = text(checked_null_str(&mut buf)?);
    let collation = buf.checked_eat_u16_le().unwrap_or(0);
    let plugin = if caps.contains(CapabilityFlags::CLIENT_PLUGIN_AUTH) && !buf.is_empty() {
        Some(text(checked_null_str(&mut buf)?))
    } else {
        None
    };
    Some(LoginRequest {
        caps,
        max_packet: 0,
        collation,
        user,
        auth: auth.to_vec(),
        db: Some(db).filter(|d| !d.is_empty()),
        plugin,
    })
}

/// The auth response, in whichever of the three encodings the caps select.
fn auth_data<'a>(buf: &mut ParseBuf<'a>, caps: CapabilityFlags) -> Option<&'a [u8]> {
    if caps.contains(CapabilityFlags::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) {
        buf.checked_eat_lenenc_str()
    } else if caps.contains(CapabilityFlags::CLIENT_SECURE_CONNECTION) {
        buf.checked_eat_u8_str()
    } else {
        checked_null_str(buf)
    }
}

/// A NUL-terminated field present only under `flag` (or absent at the end).
fn optional(
    buf: &mut ParseBuf<'_>,
    caps: CapabilityFlags,
    flag: CapabilityFlags,
) -> Option<Option<String>> {
    if !caps.contains(flag) || buf.is_empty() {
        return Some(None);
    }
    checked_null_str(buf).map(|s| Some(text(s)))
}

/// A NUL-terminated string; a missing NUL at the very end is tolerated.
fn checked_null_str<'a>(buf: &mut ParseBuf<'a>) -> Option<&'a [u8]> {
    if buf.is_empty() {
        return None;
    }
    Some(buf.eat_null_str())
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The account check: the account `user` from `host` lands on, if the
/// auth response proves its password (mysql_native_password over `scramble`).
pub fn check_account(
    accounts: &Accounts,
    user: &str,
    (host, ip): (&str, &str),
    scramble: &[u8],
    auth: &[u8],
) -> Result<AccountName, ServerError> {
    accounts
        .login_from(user, host, ip, scramble, auth)
        .ok_or_else(|| errors::access_denied(user, host, !auth.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::wire::PutWire;
    use proptest::prelude::*;

    fn response(caps: CapabilityFlags, user: &str, auth: &[u8], db: Option<&str>) -> Vec<u8> {
        let mut p = Vec::new();
        p.put_u32(caps.bits());
        p.put_u32(1 << 24);
        p.put_u8(45);
        p.extend_from_slice(&[0; 23]);
        p.put_nul_str(user.as_bytes());
        p.put_u8(auth.len() as u8);
        p.extend_from_slice(auth);
        if let Some(db) = db {
            p.put_nul_str(db.as_bytes());
        }
        p.put_nul_str(b"mysql_native_password");
        p
    }

    fn client_caps() -> CapabilityFlags {
        CapabilityFlags::CLIENT_PROTOCOL_41
            | CapabilityFlags::CLIENT_SECURE_CONNECTION
            | CapabilityFlags::CLIENT_PLUGIN_AUTH
    }

    #[test]
    fn parses_user_db_and_plugin() {
        let caps = client_caps() | CapabilityFlags::CLIENT_CONNECT_WITH_DB;
        let req = parse_handshake_response(&response(caps, "root", b"", Some("test"))).unwrap();
        assert_eq!(req.user, "root");
        assert!(req.auth.is_empty());
        assert_eq!(req.db.as_deref(), Some("test"));
        assert_eq!(req.plugin.as_deref(), Some("mysql_native_password"));
        assert_eq!(req.collation, 45);
    }

    #[test]
    fn pre_41_or_short_response_is_malformed() {
        assert!(parse_handshake_response(&[0; 10]).is_none());
        let old = response(CapabilityFlags::CLIENT_SECURE_CONNECTION, "u", b"", None);
        assert!(parse_handshake_response(&old).is_none());
    }

    #[test]
    fn change_user_body_parses() {
        let mut body = Vec::new();
        body.put_nul_str(b"bob");
        body.put_u8(0);
        body.put_nul_str(b"mysql");
        body.put_u16(45);
        body.put_nul_str(b"mysql_native_password");
        let req = parse_change_user(&body, client_caps()).unwrap();
        assert_eq!(
            (req.user.as_str(), req.db.as_deref()),
            ("bob", Some("mysql"))
        );
    }

    #[test]
    fn logins_are_checked_against_the_accounts() {
        let accounts = Accounts::new();
        let scramble = b"abcdefghijklmnopqrst";
        let root = check_account(&accounts, "root", ("localhost", ""), scramble, b"").unwrap();
        assert_eq!(root.plain(), "root@localhost");
        let e = check_account(&accounts, "u", ("localhost", ""), scramble, b"x").unwrap_err();
        assert_eq!(
            e.message,
            "Access denied for user 'u'@'localhost' (using password: YES)"
        );
        let e =
            check_account(&accounts, "root", ("10.0.0.9", "10.0.0.9"), scramble, b"").unwrap_err();
        assert_eq!(
            e.message,
            "Access denied for user 'root'@'10.0.0.9' (using password: NO)"
        );
    }

    proptest! {
        #[test]
        fn arbitrary_login_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256), caps in any::<u32>()) {
            let _ = parse_handshake_response(&bytes);
            let _ = parse_change_user(&bytes, CapabilityFlags::from_bits_retain(caps));
        }
    }
}
