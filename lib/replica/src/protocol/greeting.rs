//! The server's first packet, Handshake v10, as MariaDB 10.11 sends it:
//! protocol 10, the `5.5.5-` prefixed version, the connection id, a
//! 20-byte scramble in two parts, capabilities (MariaDB's minus SSL,
//! compression and EOF deprecation, which this server does not do), the
//! default collation, status flags and the auth plugin name.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use mysql_common::constants::{CapabilityFlags, StatusFlags};

use super::wire::PutWire;
use crate::server::config::VERSION;

/// The only authentication plugin the server speaks.
pub const NATIVE_PASSWORD: &str = "mysql_native_password";

/// utf8mb4_general_ci, the collation announced to clients.
pub const SERVER_COLLATION: u8 = 45;

/// What MariaDB clients expect in front of the real version in the handshake.
const MARIADB_VERSION_PREFIX: &str = "5.5.5-";

/// Scramble length for mysql_native_password.
pub const SCRAMBLE_LEN: usize = 20;

/// MariaDB 10.11's capabilities (0x81fff7fe) without COMPRESS and DEPRECATE_EOF.
pub fn server_capabilities() -> CapabilityFlags {
    CapabilityFlags::from_bits_retain(0x81ff_f7fe)
        - CapabilityFlags::CLIENT_COMPRESS
        - CapabilityFlags::CLIENT_DEPRECATE_EOF
        - CapabilityFlags::CLIENT_SSL
}

/// A fresh scramble of printable, non-NUL bytes, as MariaDB makes them.
pub fn new_scramble() -> [u8; SCRAMBLE_LEN] {
    let mut out = [0u8; SCRAMBLE_LEN];
    let mut hasher = RandomState::new().build_hasher();
    for (i, b) in out.iter_mut().enumerate() {
        hasher.write_usize(i);
        *b = 33 + (hasher.finish() % 94) as u8;
    }
    out
}

/// The Handshake v10 payload for connection `id`.
pub fn handshake_v10(id: u64, scramble: &[u8; SCRAMBLE_LEN]) -> Vec<u8> {
    let caps = server_capabilities().bits();
    let mut p = vec![10];
    p.put_nul_str(format!("{MARIADB_VERSION_PREFIX}{VERSION}").as_bytes());
    p.put_u32(id as u32);
    p.extend_from_slice(&scramble[..8]);
    p.put_u8(0);
    p.put_u16(caps as u16);
    p.put_u8(SERVER_COLLATION);
    p.put_u16(StatusFlags::SERVER_STATUS_AUTOCOMMIT.bits());
    p.put_u16((caps >> 16) as u16);
    p.put_u8(SCRAMBLE_LEN as u8 + 1);
    p.extend_from_slice(&[0; 6]);
    p.put_u32(0); // MariaDB extended capabilities: none offered.
    p.extend_from_slice(&scramble[8..]);
    p.put_u8(0);
    p.put_nul_str(NATIVE_PASSWORD.as_bytes());
    p
}

/// An auth switch request asking the client to answer with our plugin.
pub fn auth_switch(scramble: &[u8; SCRAMBLE_LEN]) -> Vec<u8> {
    let mut p = vec![0xFE];
    p.put_nul_str(NATIVE_PASSWORD.as_bytes());
    p.extend_from_slice(scramble);
    p.put_u8(0);
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_leave_out_ssl_compress_and_deprecate_eof() {
        let caps = server_capabilities();
        assert!(caps.contains(CapabilityFlags::CLIENT_PROTOCOL_41));
        assert!(caps.contains(CapabilityFlags::CLIENT_PLUGIN_AUTH));
        assert!(caps.contains(CapabilityFlags::CLIENT_SECURE_CONNECTION));
        assert!(!caps.contains(CapabilityFlags::CLIENT_SSL));
        assert!(!caps.contains(CapabilityFlags::CLIENT_COMPRESS));
        assert!(!caps.contains(CapabilityFlags::CLIENT_DEPRECATE_EOF));
        // MariaDB leaves bit 0 clear: its clients then read extended capabilities.
        assert!(!caps.contains(CapabilityFlags::CLIENT_LONG_PASSWORD));
    }

    #[test]
    fn handshake_layout_matches_mariadb() {
        let scramble = new_scramble();
        let p = handshake_v10(7, &scramble);
        assert_eq!(p[0], 10);
        let version_end = p.iter().position(|&b| b == 0).unwrap();
        assert_eq!(&p[1..version_end], format!("5.5.5-{VERSION}").as_bytes());
        let rest = &p[version_end + 1..];
        assert_eq!(&rest[..4], &7u32.to_le_bytes());
        assert_eq!(&rest[4..12], &scramble[..8]);
        assert_eq!(rest[15], SERVER_COLLATION);
        assert_eq!(rest[20], 21);
        assert_eq!(&rest[31..43], &scramble[8..]);
        assert_eq!(&rest[44..], b"mysql_native_password\0");
    }

    #[test]
    fn scramble_is_printable_and_changes() {
        let a = new_scramble();
        assert!(a.iter().all(|b| (33..127).contains(b)));
        assert_ne!(a, new_scramble());
    }
}
