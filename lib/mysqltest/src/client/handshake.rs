//! The connection handshake's two fixed packets: the server's greeting
//! (parsed with mysql_common into what later steps need) and the client's
//! response, written here because it must announce the caller's collation
//! (latin1 by default, as mysqltest does) and our capability set.

use mysql_common::constants::CapabilityFlags;
use mysql_common::io::ParseBuf;
use mysql_common::packets::HandshakePacket;

use super::auth;
use super::error::ClientError;
use super::options::ConnectOptions;
use super::packets::{self, ERR_HEADER};
use super::wire::{put_lenenc_bytes, put_lenenc_int, put_nul_terminated};

/// The only protocol version this client speaks.
const PROTOCOL_VERSION: u8 = 10;

/// Largest packet we announce we accept (the server's own ceiling).
const MAX_PACKET: u32 = 1 << 30;

/// Prefix MariaDB puts before its real version for old clients.
const MARIADB_VERSION_PREFIX: &str = "5.5.5-";

/// What the server's greeting tells us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Greeting {
    /// Server version, without MariaDB's `5.5.5-` prefix.
    pub server_version: String,
    /// Thread id of this connection (what `KILL` takes).
    pub connection_id: u32,
    /// The 20-byte nonce for the first authentication answer.
    pub nonce: Vec<u8>,
    /// Server capabilities.
    pub capabilities: CapabilityFlags,
    /// Authentication plugin the server suggests.
    pub plugin: String,
    /// MariaDB's extended capabilities (the greeting's last reserved bytes).
    pub mariadb_capabilities: u32,
}

/// MariaDB extended capability: type and format names in column metadata.
pub(crate) const MARIADB_CLIENT_EXTENDED_METADATA: u32 = 1 << 3;

/// The extended capabilities a MariaDB server offers, from the raw greeting:
/// they follow the version, thread id, first nonce part, filler, capability
/// and status fields, and six reserved bytes.
fn mariadb_capabilities(packet: &[u8]) -> u32 {
    let Some(version_end) = packet[1..].iter().position(|&b| b == 0) else {
        return 0;
    };
    let at = 1 + version_end + 1 + 4 + 8 + 1 + 2 + 1 + 2 + 2 + 1 + 6;
    packet
        .get(at..at + 4)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Whether the server is MariaDB (it does not claim MySQL's flag 1).
pub(crate) fn is_mariadb(server: CapabilityFlags) -> bool {
    !server.contains(CapabilityFlags::CLIENT_LONG_PASSWORD)
}

/// Decodes the greeting; an ERR greeting (e.g. too many connections) is that error.
pub(crate) fn parse_greeting(packet: &[u8]) -> Result<Greeting, ClientError> {
    match packet.first() {
        Some(&ERR_HEADER) => return Err(packets::parse_err(packet)?),
        Some(&PROTOCOL_VERSION) => {}
        Some(&other) => return Err(ClientError::version_mismatch(other)),
        None => return Err(ClientError::handshake()),
    }
    let hello: HandshakePacket<'_> = ParseBuf(packet)
        .parse(())
        .map_err(|_| ClientError::handshake())?;
    if !hello
        .capabilities()
        .contains(CapabilityFlags::CLIENT_PROTOCOL_41)
    {
        return Err(ClientError::handshake());
    }
    Ok(Greeting {
        server_version: strip_mariadb_prefix(&hello.server_version_str()).to_string(),
        connection_id: hello.connection_id(),
        nonce: hello.nonce(),
        capabilities: hello.capabilities(),
        plugin: hello
            .auth_plugin_name_str()
            .map(|name| name.into_owned())
            .unwrap_or_else(|| auth::NATIVE_PASSWORD.to_string()),
        mariadb_capabilities: if is_mariadb(hello.capabilities()) {
            mariadb_capabilities(packet)
        } else {
            0
        },
    })
}

/// The MariaDB extended capabilities we ask for, limited to what the server offers.
pub(crate) fn client_mariadb_capabilities(server: u32) -> u32 {
    MARIADB_CLIENT_EXTENDED_METADATA & server
}

/// MariaDB reports `5.5.5-10.11.6-MariaDB`; clients show `10.11.6-MariaDB`.
fn strip_mariadb_prefix(version: &str) -> &str {
    match version.strip_prefix(MARIADB_VERSION_PREFIX) {
        Some(rest) if rest.contains("MariaDB") => rest,
        _ => version,
    }
}

/// The capabilities we ask for, limited to what the server offers.
pub(crate) fn client_capabilities(
    opts: &ConnectOptions,
    server: CapabilityFlags,
) -> CapabilityFlags {
    let mut wanted = CapabilityFlags::CLIENT_LONG_PASSWORD
        | CapabilityFlags::CLIENT_LONG_FLAG
        | CapabilityFlags::CLIENT_PROTOCOL_41
        | CapabilityFlags::CLIENT_SECURE_CONNECTION
        | CapabilityFlags::CLIENT_PLUGIN_AUTH
        | CapabilityFlags::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
        | CapabilityFlags::CLIENT_TRANSACTIONS
        | CapabilityFlags::CLIENT_MULTI_RESULTS
        | CapabilityFlags::CLIENT_PS_MULTI_RESULTS
        | CapabilityFlags::CLIENT_SESSION_TRACK
        | CapabilityFlags::CLIENT_CONNECT_ATTRS;
    let optional = [
        (
            opts.multi_statements,
            CapabilityFlags::CLIENT_MULTI_STATEMENTS,
        ),
        (opts.local_infile, CapabilityFlags::CLIENT_LOCAL_FILES),
        (
            opts.database.is_some(),
            CapabilityFlags::CLIENT_CONNECT_WITH_DB,
        ),
        (opts.deprecate_eof, CapabilityFlags::CLIENT_DEPRECATE_EOF),
        (opts.compress, CapabilityFlags::CLIENT_COMPRESS),
    ];
    for (enabled, flag) in optional {
        if enabled {
            wanted |= flag;
        }
    }
    wanted & server
}

/// The handshake response packet.
pub(crate) fn response_packet(
    opts: &ConnectOptions,
    caps: CapabilityFlags,
    mariadb_caps: u32,
    plugin: &str,
    auth_data: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(&caps.bits().to_le_bytes());
    out.extend_from_slice(&MAX_PACKET.to_le_bytes());
    out.push(opts.collation);
    // 19 reserved bytes, then MariaDB's extended capabilities.
    out.extend_from_slice(&[0; 19]);
    out.extend_from_slice(&mariadb_caps.to_le_bytes());
    put_nul_terminated(&mut out, opts.user.as_bytes());
    put_auth_data(&mut out, caps, auth_data);
    if caps.contains(CapabilityFlags::CLIENT_CONNECT_WITH_DB) {
        put_nul_terminated(&mut out, opts.database.as_deref().unwrap_or("").as_bytes());
    }
    put_nul_terminated(&mut out, plugin.as_bytes());
    if caps.contains(CapabilityFlags::CLIENT_CONNECT_ATTRS) {
        put_connect_attrs(&mut out, opts);
    }
    out
}

/// The connection attributes, in the client library's order: its own
/// (`_os`, `_client_name`, `_pid`, `_client_version`, `_platform`), the
/// program's, then `_server_host` when a host was named.
pub(crate) fn put_connect_attrs(out: &mut Vec<u8>, opts: &ConnectOptions) {
    let pid = std::process::id().to_string();
    let mut attrs = vec![
        ("_os", os_name()),
        ("_client_name", env!("CARGO_PKG_NAME").to_string()),
        ("_pid", pid),
        ("_client_version", env!("CARGO_PKG_VERSION").to_string()),
        ("_platform", std::env::consts::ARCH.to_string()),
    ];
    if let Some(program) = &opts.program_name {
        attrs.push(("program_name", program.clone()));
    }
    if !opts.host.is_empty() {
        attrs.push(("_server_host", opts.host.clone()));
    }
    let mut block = Vec::new();
    for (key, value) in &attrs {
        put_lenenc_bytes(&mut block, key.as_bytes());
        put_lenenc_bytes(&mut block, value.as_bytes());
    }
    put_lenenc_int(out, block.len() as u64);
    out.extend_from_slice(&block);
}

/// The kernel's name, as `uname` reports it (`Linux`).
fn os_name() -> String {
    // SAFETY: a zeroed utsname is a valid buffer for uname to fill.
    let mut name: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: `name` is a valid, writable utsname.
    if unsafe { libc::uname(&mut name) } != 0 {
        return std::env::consts::OS.to_string();
    }
    let bytes: Vec<u8> = name
        .sysname
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Auth data is length-encoded when the server allows it, else one length byte.
fn put_auth_data(out: &mut Vec<u8>, caps: CapabilityFlags, auth_data: &[u8]) {
    if caps.contains(CapabilityFlags::CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) {
        put_lenenc_bytes(out, auth_data);
    } else {
        let len = auth_data.len().min(255);
        out.push(len as u8);
        out.extend_from_slice(&auth_data[..len]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A greeting as MariaDB 10.11 sends it.
    fn mariadb_greeting() -> Vec<u8> {
        let mut packet = vec![10];
        packet.extend_from_slice(b"5.5.5-10.11.19-MariaDB-0+deb12u1\0");
        packet.extend_from_slice(&7u32.to_le_bytes());
        packet.extend_from_slice(b"abcdefgh\0");
        packet.extend_from_slice(&0xF7FEu16.to_le_bytes());
        packet.push(8);
        packet.extend_from_slice(&2u16.to_le_bytes());
        packet.extend_from_slice(&0x81BFu16.to_le_bytes());
        packet.push(21);
        packet.extend_from_slice(&[0; 6]);
        packet.extend_from_slice(&[0x1D, 0, 0, 0]);
        packet.extend_from_slice(b"ijklmnopqrst\0");
        packet.extend_from_slice(b"mysql_native_password\0");
        packet
    }

    #[test]
    fn greeting_yields_version_id_nonce_and_plugin() {
        let greeting = parse_greeting(&mariadb_greeting()).unwrap();
        assert_eq!(greeting.server_version, "10.11.19-MariaDB-0+deb12u1");
        assert_eq!(greeting.connection_id, 7);
        assert_eq!(greeting.nonce, b"abcdefghijklmnopqrst");
        assert_eq!(greeting.plugin, "mysql_native_password");
        assert!(
            greeting
                .capabilities
                .contains(CapabilityFlags::CLIENT_PLUGIN_AUTH)
        );
    }

    #[test]
    fn bad_greetings_are_client_errors() {
        assert_eq!(parse_greeting(&[9, 0]).unwrap_err().code(), 2007);
        assert_eq!(parse_greeting(&[]).unwrap_err().code(), 2012);
        assert_eq!(
            parse_greeting(&mariadb_greeting()[..20])
                .unwrap_err()
                .code(),
            2012
        );
        let err = parse_greeting(b"\xff\x10\x04Too many connections").unwrap_err();
        assert_eq!(err.code(), 1040);
    }

    #[test]
    fn mysql_versions_are_kept_as_sent() {
        assert_eq!(strip_mariadb_prefix("8.0.36"), "8.0.36");
        assert_eq!(
            strip_mariadb_prefix("5.5.5-10.6.1-MariaDB"),
            "10.6.1-MariaDB"
        );
        assert_eq!(strip_mariadb_prefix("5.5.5-other"), "5.5.5-other");
    }

    #[test]
    fn response_announces_collation_user_db_and_plugin() {
        let opts = ConnectOptions {
            user: "root".into(),
            database: Some("test".into()),
            ..ConnectOptions::default()
        };
        let caps = client_capabilities(&opts, CapabilityFlags::all());
        assert!(caps.contains(CapabilityFlags::CLIENT_MULTI_STATEMENTS));
        assert!(!caps.contains(CapabilityFlags::CLIENT_DEPRECATE_EOF));
        let packet = response_packet(&opts, caps, 0, "mysql_native_password", &[1, 2]);
        assert_eq!(packet[8], 8);
        assert_eq!(&packet[32..37], b"root\0");
        assert_eq!(&packet[37..40], &[2, 1, 2]);
        assert_eq!(&packet[40..45], b"test\0");
        assert_eq!(&packet[45..67], b"mysql_native_password\0");
        let attrs = &packet[67..];
        assert_eq!(usize::from(attrs[0]), attrs.len() - 1);
        let text = String::from_utf8_lossy(attrs);
        for key in [
            "_os",
            "_client_name",
            "_pid",
            "_client_version",
            "_platform",
        ] {
            assert!(text.contains(key), "{text}");
        }
        assert!(text.ends_with("\x0cprogram_name\x09mysqltest\x0c_server_host\x09127.0.0.1"));
    }

    #[test]
    fn attributes_follow_the_librarys_order() {
        let opts = ConnectOptions {
            host: String::new(),
            program_name: None,
            ..ConnectOptions::default()
        };
        let mut out = Vec::new();
        put_connect_attrs(&mut out, &opts);
        let text = String::from_utf8_lossy(&out[1..]).into_owned();
        let os = text.find("_os").unwrap();
        let name = text.find("_client_name").unwrap();
        let platform = text.find("_platform").unwrap();
        assert!(os < name && name < platform);
        assert!(!text.contains("program_name") && !text.contains("_server_host"));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_greetings_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let _ = parse_greeting(&bytes);
        }

        #[test]
        fn truncated_greetings_never_panic(cut in 0usize..120) {
            let packet = mariadb_greeting();
            let _ = parse_greeting(&packet[..cut.min(packet.len())]);
        }
    }

    #[test]
    fn compression_is_asked_for_only_when_wanted() {
        let plain = client_capabilities(&ConnectOptions::default(), CapabilityFlags::all());
        assert!(!plain.contains(CapabilityFlags::CLIENT_COMPRESS));
        let opts = ConnectOptions {
            compress: true,
            ..ConnectOptions::default()
        };
        let caps = client_capabilities(&opts, CapabilityFlags::all());
        assert!(caps.contains(CapabilityFlags::CLIENT_COMPRESS));
        assert!(!caps.contains(CapabilityFlags::CLIENT_SSL));
        let server = CapabilityFlags::CLIENT_PROTOCOL_41;
        assert!(!client_capabilities(&opts, server).contains(CapabilityFlags::CLIENT_COMPRESS));
    }

    #[test]
    fn capabilities_never_exceed_the_servers() {
        let opts = ConnectOptions::default();
        let server = CapabilityFlags::CLIENT_PROTOCOL_41 | CapabilityFlags::CLIENT_LOCAL_FILES;
        assert_eq!(client_capabilities(&opts, server), server);
    }
}
