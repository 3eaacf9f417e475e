//! Decoders for single server packets of the text protocol: OK, ERR, EOF,
//! column definition and text row. Each takes one payload and returns the
//! owned value or a `ClientError`; malformed input is an error, never a
//! panic. OK packets go through mysql_common; ERR packets and column
//! definitions are read here because the server may omit the SQLSTATE
//! marker before authentication and types/flags must stay raw numbers.

use mysql_common::constants::CapabilityFlags;
use mysql_common::io::ParseBuf;
use mysql_common::packets::{
    CommonOkPacket, OkPacket, OkPacketDeserializer, OkPacketKind, ResultSetTerminator,
};

use super::error::ClientError;
use super::response::{Column, OkInfo};
use super::wire::Reader;

/// First byte of an OK packet.
pub(crate) const OK_HEADER: u8 = 0x00;
/// First byte of an ERR packet.
pub(crate) const ERR_HEADER: u8 = 0xFF;
/// First byte of an EOF packet (and of an OK packet ending a result set).
pub(crate) const EOF_HEADER: u8 = 0xFE;
/// First byte of a LOAD DATA LOCAL INFILE request.
pub(crate) const LOCAL_INFILE_HEADER: u8 = 0xFB;

/// SQLSTATE the server's errors carry when the packet has none.
const DEFAULT_SQLSTATE: &str = "HY000";

/// Decodes an ERR packet into the server error it reports.
pub(crate) fn parse_err(packet: &[u8]) -> Result<ClientError, ClientError> {
    let mut reader = Reader::new(packet);
    if reader.u8() != Some(ERR_HEADER) {
        return Err(ClientError::malformed());
    }
    let code = reader.u16().ok_or_else(ClientError::malformed)?;
    let mut sqlstate = DEFAULT_SQLSTATE.to_string();
    if reader.rest().first() == Some(&b'#') {
        let state = reader.take(6).ok_or_else(ClientError::malformed)?;
        sqlstate = String::from_utf8_lossy(&state[1..]).into_owned();
    }
    Ok(ClientError::Server {
        code,
        sqlstate,
        message: reader.rest().to_vec(),
    })
}

/// Decodes an OK packet (header 0x00).
pub(crate) fn parse_ok(packet: &[u8], caps: CapabilityFlags) -> Result<OkInfo, ClientError> {
    parse_ok_kind::<CommonOkPacket>(packet, caps)
}

/// Decodes the OK packet (header 0xFE) that ends a result set under DEPRECATE_EOF.
pub(crate) fn parse_terminator(
    packet: &[u8],
    caps: CapabilityFlags,
) -> Result<OkInfo, ClientError> {
    parse_ok_kind::<ResultSetTerminator>(packet, caps)
}

/// Decodes an OK packet of the given kind with mysql_common.
fn parse_ok_kind<K: OkPacketKind>(
    packet: &[u8],
    caps: CapabilityFlags,
) -> Result<OkInfo, ClientError> {
    let ok: OkPacket<'_> = ParseBuf(packet)
        .parse::<OkPacketDeserializer<'_, K>>(caps)
        .map_err(|_| ClientError::malformed())?
        .into_inner();
    Ok(OkInfo {
        affected_rows: ok.affected_rows(),
        last_insert_id: ok.last_insert_id().unwrap_or(0),
        status_flags: ok.status_flags().bits(),
        warnings: ok.warnings(),
        info: ok.info_ref().map(<[u8]>::to_vec).unwrap_or_default(),
        session_state_changes: ok
            .session_state_info_ref()
            .map(<[u8]>::to_vec)
            .unwrap_or_default(),
    })
}

/// Session tracker type of a schema change.
const SESSION_TRACK_SCHEMA: u8 = 1;

/// The last schema a session-state block reports (the library then
/// remembers it as the connection's database).
pub(crate) fn tracked_schema(block: &[u8]) -> Option<Vec<u8>> {
    let mut reader = Reader::new(block);
    let mut schema = None;
    while !reader.is_empty() {
        let kind = reader.u8()?;
        let data = reader.lenenc_bytes()?;
        if kind == SESSION_TRACK_SCHEMA {
            schema = Some(Reader::new(data).lenenc_bytes()?.to_vec());
        }
    }
    schema
}

/// Decodes a classic EOF packet into (warnings, status flags).
pub(crate) fn parse_eof(packet: &[u8]) -> Result<(u16, u16), ClientError> {
    let mut reader = Reader::new(packet);
    if reader.u8() != Some(EOF_HEADER) {
        return Err(ClientError::malformed());
    }
    let warnings = reader.u16().ok_or_else(ClientError::malformed)?;
    let status = reader.u16().ok_or_else(ClientError::malformed)?;
    Ok((warnings, status))
}

/// Whether a packet in row position ends the result set.
pub(crate) fn is_terminator(packet: &[u8], deprecate_eof: bool) -> bool {
    let limit = if deprecate_eof { 0xFF_FFFF } else { 9 };
    packet.first() == Some(&EOF_HEADER) && packet.len() < limit
}

/// Decodes a column definition (protocol 4.1).
pub(crate) fn parse_column(packet: &[u8], extended: bool) -> Result<Column, ClientError> {
    read_column(&mut Reader::new(packet), extended).ok_or_else(ClientError::malformed)
}

/// Reads the fields of a column definition, `None` if short.
fn read_column(reader: &mut Reader<'_>, extended: bool) -> Option<Column> {
    let mut text = || reader.lenenc_bytes().map(<[u8]>::to_vec);
    let (catalog, schema, table, org_table, name, org_name) =
        (text()?, text()?, text()?, text()?, text()?, text()?);
    let (data_type_name, format_name) = if extended {
        extended_metadata(reader.lenenc_bytes()?)?
    } else {
        (Vec::new(), Vec::new())
    };
    let fixed_len = usize::try_from(reader.lenenc_int()?).ok()?;
    let mut fixed = Reader::new(reader.take(fixed_len)?);
    let charset = fixed.u16()?;
    let length = u32::from(fixed.u16()?) | u32::from(fixed.u16()?) << 16;
    Some(Column {
        catalog,
        schema,
        table,
        org_table,
        name,
        org_name,
        charset,
        length,
        column_type: fixed.u8()?,
        flags: fixed.u16()?,
        decimals: fixed.u8()?,
        data_type_name,
        format_name,
    })
}

#[cfg(test)]
mod extended_tests {
    use super::*;

    #[test]
    fn extended_metadata_pairs() {
        let block = b"\x01\x04json\x00\x05inet6";
        assert_eq!(
            extended_metadata(block),
            Some((b"inet6".to_vec(), b"json".to_vec()))
        );
        assert_eq!(extended_metadata(b"\x01\x09js"), None);
    }
}

/// MariaDB's extended metadata: pairs of a key byte (0: data type name,
/// 1: format name) and a length-encoded value.
fn extended_metadata(block: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut reader = Reader::new(block);
    let (mut data_type, mut format) = (Vec::new(), Vec::new());
    while let Some(key) = reader.u8() {
        let value = reader.lenenc_bytes()?.to_vec();
        match key {
            0 => data_type = value,
            1 => format = value,
            _ => {}
        }
    }
    Some((data_type, format))
}

/// Decodes a text row of `columns` cells.
pub(crate) fn parse_row(
    packet: &[u8],
    columns: usize,
) -> Result<Vec<Option<Vec<u8>>>, ClientError> {
    let mut reader = Reader::new(packet);
    let mut row = Vec::with_capacity(columns.min(4096));
    for _ in 0..columns {
        let cell = reader.cell().ok_or_else(ClientError::malformed)?;
        row.push(cell.map(<[u8]>::to_vec));
    }
    if !reader.is_empty() {
        return Err(ClientError::malformed());
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn err_packets_with_and_without_sqlstate() {
        let with = parse_err(b"\xff\x7a\x04#42S02Table 't' doesn't exist").unwrap();
        assert_eq!(with.code(), 1146);
        assert_eq!(with.sqlstate(), "42S02");
        assert_eq!(with.message(), b"Table 't' doesn't exist");
        let without = parse_err(b"\xff\x10\x04Too many connections").unwrap();
        assert_eq!(without.code(), 1040);
        assert_eq!(without.sqlstate(), "HY000");
        assert_eq!(without.message(), b"Too many connections");
        assert!(parse_err(b"\xff\x10").is_err());
        assert!(parse_err(b"\xff\x10\x04#42S").is_err());
    }

    #[test]
    fn ok_packets_carry_counts_flags_and_info() {
        let packet = b"\x00\x03\x05\x02\x00\x01\x00\x26Records: 3  Duplicates: 0  Warnings: 1";
        let ok = parse_ok(packet, CapabilityFlags::CLIENT_PROTOCOL_41).unwrap();
        assert_eq!(ok.affected_rows, 3);
        assert_eq!(ok.last_insert_id, 5);
        assert_eq!(ok.status_flags, 2);
        assert_eq!(ok.warnings, 1);
        assert_eq!(ok.info, b"Records: 3  Duplicates: 0  Warnings: 1");
        assert!(parse_ok(b"\x00\x01", CapabilityFlags::CLIENT_PROTOCOL_41).is_err());
    }

    #[test]
    fn ok_packets_carry_session_state_changes() {
        let caps = CapabilityFlags::CLIENT_PROTOCOL_41 | CapabilityFlags::CLIENT_SESSION_TRACK;
        let plain = parse_ok(b"\x00\x00\x00\x02\x00\x00\x00", caps).unwrap();
        assert!(plain.session_state_changes.is_empty());
        let tracked = b"\x00\x00\x00\x02\x40\x00\x00\x00\x0d\x00\x0b\x09last_gtid\x00";
        let ok = parse_ok(tracked, caps).unwrap();
        assert_eq!(ok.session_state_changes, b"\x00\x0b\x09last_gtid\x00");
    }

    #[test]
    fn schema_changes_are_found_among_tracked_state() {
        let block = b"\x00\x0b\x09last_gtid\x00\x01\x06\x05mysql";
        assert_eq!(tracked_schema(block), Some(b"mysql".to_vec()));
        assert_eq!(tracked_schema(b"\x00\x0b\x09last_gtid\x00"), None);
        assert_eq!(tracked_schema(b"\x01\x09\x05my"), None);
    }

    #[test]
    fn eof_packets_and_terminators() {
        assert_eq!(parse_eof(b"\xfe\x02\x00\x22\x00").unwrap(), (2, 0x22));
        assert!(is_terminator(b"\xfe\x00\x00\x02\x00", false));
        assert!(!is_terminator(&[0xFE; 9], false));
        assert!(is_terminator(&[0xFE; 9], true));
        assert!(!is_terminator(b"\x01a", true));
    }

    #[test]
    fn column_definitions_keep_raw_type_and_flags() {
        let mut packet = Vec::new();
        for text in [&b"def"[..], b"test", b"t", b"t1", b"a", b"a"] {
            packet.push(text.len() as u8);
            packet.extend_from_slice(text);
        }
        packet.extend_from_slice(&[
            0x0c, 0x08, 0x00, 0x0b, 0x00, 0x00, 0x00, 0xF9, 0x01, 0x10, 0x00, 0x00, 0x00,
        ]);
        let column = parse_column(&packet, false).unwrap();
        assert_eq!(column.catalog, b"def");
        assert_eq!(column.org_table, b"t1");
        assert_eq!(column.charset, 8);
        assert_eq!(column.length, 11);
        assert_eq!(column.column_type, 0xF9);
        assert_eq!(column.flags, 0x1001);
        assert!(parse_column(&packet[..packet.len() - 4], false).is_err());
    }

    #[test]
    fn rows_hold_bytes_and_nulls() {
        let row = parse_row(b"\x01\xe9\xfb\x00", 3).unwrap();
        assert_eq!(row, vec![Some(vec![0xE9]), None, Some(vec![])]);
        assert!(parse_row(b"\x01\xe9", 2).is_err());
        assert!(parse_row(b"\x01\xe9\x00", 1).is_err());
    }
}
