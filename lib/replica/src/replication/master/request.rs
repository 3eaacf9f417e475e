//! The two commands a slave sends to start replicating, decoded from
//! untrusted bytes: COM_REGISTER_SLAVE (0x15: who the slave says it is,
//! for SHOW SLAVE HOSTS) and COM_BINLOG_DUMP (0x12: where to start). The
//! command byte is already gone; a body comes in, a request or MariaDB's
//! error for a malformed one goes out. Nothing here panics.

use crate::error::ServerError;

/// COM_REGISTER_SLAVE's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterSlave {
    pub server_id: u32,
    /// `report_host`; empty when the slave sets none.
    pub host: String,
    pub user: String,
    pub password: String,
    pub port: u16,
    /// The master id the slave names; 0 for none.
    pub master_id: u32,
}

/// COM_BINLOG_DUMP's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DumpRequest {
    /// Where to start in `file` (ignored in GTID mode).
    pub pos: u32,
    pub flags: u16,
    /// The slave's server id; 0 for a client such as mariadb-binlog.
    pub server_id: u32,
    /// The file to start in; empty for the first one.
    pub file: String,
}

/// Dump flag: end at the end of the log instead of waiting for more.
pub const DUMP_NON_BLOCK: u16 = 1;

/// The longest report-host, user and password MariaDB keeps (bytes + 1 each).
const HOST_LIMIT: usize = 60 * 3 + 1;
const USER_LIMIT: usize = 128 + 1;
const PASSWORD_LIMIT: usize = 512 * 3 + 1;

/// The longest start-file name MariaDB accepts (FN_REFLEN).
const NAME_LIMIT: usize = 512;

/// Decodes a COM_REGISTER_SLAVE body.
pub fn register_slave(body: &[u8]) -> Result<RegisterSlave, ServerError> {
    let mut r = Reader { bytes: body, at: 0 };
    let server_id = r.u32().ok_or_else(|| register_error(WRONG))?;
    let host = r
        .short_string(HOST_LIMIT)
        .map_err(|()| register_error(LONG_HOST))?;
    let user = r
        .short_string(USER_LIMIT)
        .map_err(|()| register_error(LONG_USER))?;
    let password = r
        .short_string(PASSWORD_LIMIT)
        .map_err(|()| register_error(LONG_PASSWORD))?;
    // Port, the obsolete recovery rank, then the master id: 10 bytes.
    if r.left() < 10 {
        return Err(register_error(WRONG));
    }
    let port = r.u16().ok_or_else(|| register_error(WRONG))?;
    r.at += 4;
    let master_id = r.u32().ok_or_else(|| register_error(WRONG))?;
    Ok(RegisterSlave {
        server_id,
        host,
        user,
        password,
        port,
        master_id,
    })
}

/// Decodes a COM_BINLOG_DUMP body: pos(4) flags(2) server_id(4) file.
pub fn binlog_dump(body: &[u8]) -> Result<DumpRequest, ServerError> {
    let mut r = Reader { bytes: body, at: 0 };
    let (Some(pos), Some(flags), Some(server_id)) = (r.u32(), r.u16(), r.u32()) else {
        return Err(malformed_packet());
    };
    let rest = &body[r.at..];
    let name = rest.split(|&b| b == 0).next().unwrap_or_default();
    if name.len() >= NAME_LIMIT {
        return Err(malformed_packet());
    }
    Ok(DumpRequest {
        pos,
        flags,
        server_id,
        file: String::from_utf8_lossy(name).into_owned(),
    })
}

const WRONG: &str = "Wrong parameters to function register_slave";
const LONG_HOST: &str = "Failed to register slave: too long 'report-host'";
const LONG_USER: &str = "Failed to register slave: too long 'report-user'";
const LONG_PASSWORD: &str = "Failed to register slave; too long 'report-password'";

/// 1105 with register_slave's message, as MariaDB refuses a bad packet.
fn register_error(message: &str) -> ServerError {
    ServerError::new(1105, "HY000", message)
}

/// 1835 ER_MALFORMED_PACKET.
fn malformed_packet() -> ServerError {
    ServerError::new(1835, "HY000", "Malformed communication packet")
}

/// A cursor over the body; every read checks the length first.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn left(&self) -> usize {
        self.bytes.len().saturating_sub(self.at)
    }

    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let slice = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(slice)
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A one-byte length and that many bytes, shorter than `limit`.
    fn short_string(&mut self, limit: usize) -> Result<String, ()> {
        let len = usize::from(*self.take(1).ok_or(())?.first().ok_or(())?);
        if len >= limit || len > self.left() {
            return Err(());
        }
        let bytes = self.take(len).ok_or(())?;
        Ok(String::from_utf8_lossy(bytes).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What a 10.11 slave on port 19511 without report_host sends.
    const REAL_REGISTER: &[u8] =
        b"\x02\x00\x00\x00\x00\x00\x00\x37\x4c\x00\x00\x00\x00\x00\x00\x00\x00";

    #[test]
    fn decodes_a_real_slaves_registration() {
        let r = register_slave(REAL_REGISTER).unwrap();
        assert_eq!((r.server_id, r.port, r.master_id), (2, 19511, 0));
        assert_eq!((r.host.as_str(), r.user.as_str()), ("", ""));
    }

    #[test]
    fn reads_report_host_and_user() {
        let mut body = 7u32.to_le_bytes().to_vec();
        body.extend_from_slice(b"\x04host\x02me\x00");
        body.extend_from_slice(&3306u16.to_le_bytes());
        body.extend_from_slice(&[0; 4]);
        body.extend_from_slice(&9u32.to_le_bytes());
        let r = register_slave(&body).unwrap();
        assert_eq!(
            (r.host.as_str(), r.user.as_str(), r.port, r.master_id),
            ("host", "me", 3306, 9)
        );
    }

    #[test]
    fn short_registration_is_refused_with_mariadbs_text() {
        let e = register_slave(&REAL_REGISTER[..12]).unwrap_err();
        assert_eq!((e.code, e.message.as_str()), (1105, WRONG));
        let e = register_slave(b"\x01\x00\x00\x00\xff").unwrap_err();
        assert_eq!(e.message, LONG_HOST);
    }

    #[test]
    fn decodes_real_dump_requests() {
        let gtid = binlog_dump(b"\x04\x00\x00\x00\x00\x00\x02\x00\x00\x00").unwrap();
        assert_eq!(
            (gtid.pos, gtid.flags, gtid.server_id, gtid.file.as_str()),
            (4, 0, 2, "")
        );
        let file =
            binlog_dump(b"\x20\x03\x00\x00\x00\x00\x02\x00\x00\x00master-bin.000001").unwrap();
        assert_eq!((file.pos, file.file.as_str()), (800, "master-bin.000001"));
        let tool = binlog_dump(b"\x04\x00\x00\x00\x03\x00\x00\x00\x00\x00m.000001").unwrap();
        assert_eq!((tool.flags & DUMP_NON_BLOCK, tool.server_id), (1, 0));
    }

    #[test]
    fn short_dump_request_is_malformed() {
        assert_eq!(binlog_dump(b"\x04\x00\x00").unwrap_err().code, 1835);
    }

    proptest! {
        #[test]
        fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = register_slave(&body);
            let _ = binlog_dump(&body);
        }

        #[test]
        fn registrations_round_trip(id: u32, host in "[a-z]{0,40}", user in "[a-z]{0,20}", port: u16, master: u32) {
            let mut body = id.to_le_bytes().to_vec();
            for s in [&host, &user] {
                body.push(s.len() as u8);
                body.extend_from_slice(s.as_bytes());
            }
            body.push(0);
            body.extend_from_slice(&port.to_le_bytes());
            body.extend_from_slice(&[0; 4]);
            body.extend_from_slice(&master.to_le_bytes());
            let r = register_slave(&body).unwrap();
            prop_assert_eq!((r.server_id, r.host, r.user, r.port, r.master_id), (id, host, user, port, master));
        }
    }
}
