//! Decoding a command packet: the first byte names the command, the rest
//! is its argument. Untrusted bytes enter, a [`Command`] leaves; anything
//! the server does not serve becomes `Unknown`.

use mysql_common::io::ParseBuf;

/// A client command the server understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command<'a> {
    Quit,
    InitDb(&'a [u8]),
    Query(&'a [u8]),
    FieldList,
    Shutdown,
    Statistics,
    ProcessKill(u64),
    Debug,
    Ping,
    ChangeUser(&'a [u8]),
    /// COM_BINLOG_DUMP: a slave asks for the binary log.
    BinlogDump(&'a [u8]),
    /// COM_REGISTER_SLAVE: a slave says who it is.
    RegisterSlave(&'a [u8]),
    SetOption(u16),
    ResetConnection,
    Unknown(u8),
}

/// Decodes one command packet (an empty packet is an unknown command).
pub fn decode(packet: &[u8]) -> Command<'_> {
    let Some((&code, body)) = packet.split_first() else {
        return Command::Unknown(0);
    };
    match code {
        0x01 => Command::Quit,
        0x02 => Command::InitDb(body),
        0x03 => Command::Query(body),
        0x04 => Command::FieldList,
        0x08 => Command::Shutdown,
        0x09 => Command::Statistics,
        0x0C => Command::ProcessKill(u64::from(ParseBuf(body).checked_eat_u32_le().unwrap_or(0))),
        0x0D => Command::Debug,
        0x0E => Command::Ping,
        0x11 => Command::ChangeUser(body),
        0x12 => Command::BinlogDump(body),
        0x15 => Command::RegisterSlave(body),
        0x1B => Command::SetOption(ParseBuf(body).checked_eat_u16_le().unwrap_or(u16::MAX)),
        0x1F => Command::ResetConnection,
        other => Command::Unknown(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_arguments() {
        assert_eq!(decode(b"\x03SELECT 1"), Command::Query(b"SELECT 1"));
        assert_eq!(decode(b"\x0c\x05\x00\x00\x00"), Command::ProcessKill(5));
        assert_eq!(decode(b"\x1b\x01\x00"), Command::SetOption(1));
        assert_eq!(decode(b"\x02db"), Command::InitDb(b"db"));
        assert_eq!(decode(b"\x0d"), Command::Debug);
        assert_eq!(decode(b"\x12\x04"), Command::BinlogDump(b"\x04"));
        assert_eq!(decode(b"\x15\x02"), Command::RegisterSlave(b"\x02"));
        assert_eq!(decode(b"\xff"), Command::Unknown(0xFF));
        assert_eq!(decode(b""), Command::Unknown(0));
    }

    proptest! {
        #[test]
        fn arbitrary_commands_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode(&bytes);
        }
    }
}
