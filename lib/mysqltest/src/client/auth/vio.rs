//! The channel an authentication plugin talks through, with the client
//! library's rules: the first read returns the data the server already sent
//! for this plugin (the greeting's nonce or an auth-switch's data), or, when
//! there is none, first sends an empty answer; the first write becomes the
//! handshake response (or COM_CHANGE_USER); a leading 0x01 marks escaped
//! plugin data; an ERR packet or a switch request ends the plugin's turn.

use super::super::error::ClientError;
use super::super::packets::{self, ERR_HEADER};

/// First byte of an auth-switch request.
pub(crate) const SWITCH_HEADER: u8 = 0xFE;
/// First byte the server puts before plugin data that could pass for a header.
const ESCAPE_HEADER: u8 = 0x01;

/// Moves whole packets to and from the server, mapping I/O failures to client errors.
pub(crate) trait PacketIo {
    /// Reads the next packet.
    fn read(&mut self) -> Result<Vec<u8>, ClientError>;
    /// Writes one packet.
    fn write(&mut self, payload: &[u8]) -> Result<(), ClientError>;
    /// Starts a new command (COM_CHANGE_USER): sequence ids restart at 0.
    fn start_command(&mut self) {}
}

/// Writes the first answer: wraps the plugin's data into the handshake
/// response or COM_CHANGE_USER, naming the plugin that produced it.
pub(crate) type FirstWrite<'a> =
    dyn FnMut(&mut dyn PacketIo, &[u8], &str) -> Result<(), ClientError> + 'a;

/// The plugin's view of the connection during one authentication.
pub(crate) struct Vio<'a> {
    io: &'a mut dyn PacketIo,
    first_write: &'a mut FirstWrite<'a>,
    /// Name of the plugin now running (sent with the first answer).
    pub(crate) plugin: String,
    /// Data already received for the plugin, handed out by the next read.
    pub(crate) cached: Option<Vec<u8>>,
    packets_read: u32,
    packets_written: u32,
    /// The last packet read from the network during this plugin's turn.
    pub(crate) last_read: Option<Vec<u8>>,
    /// The library's pending error (a plugin that could not be loaded).
    pub(crate) error: Option<ClientError>,
    /// The latest nonce (the library's `scramble_buff`).
    pub(crate) scramble: Vec<u8>,
    /// COM_CHANGE_USER: the client speaks first, with the known nonce.
    pub(crate) change_user: bool,
    /// The connection is a Unix socket, which plugins treat as secure.
    pub(crate) secure: bool,
    /// Where the library would load plugins from (for its error texts).
    pub(crate) plugin_dir: String,
}

impl<'a> Vio<'a> {
    /// A channel over `io` whose first write goes through `first_write`.
    pub(crate) fn new(io: &'a mut dyn PacketIo, first_write: &'a mut FirstWrite<'a>) -> Self {
        Vio {
            io,
            first_write,
            plugin: String::new(),
            cached: None,
            packets_read: 0,
            packets_written: 0,
            last_read: None,
            error: None,
            scramble: Vec::new(),
            change_user: false,
            secure: false,
            plugin_dir: String::new(),
        }
    }

    /// The next packet for the plugin. An ERR packet fails with the
    /// server's error; a switch request fails and is kept in `last_read`.
    pub(crate) fn read_packet(&mut self) -> Result<Vec<u8>, ClientError> {
        if let Some(data) = self.cached.take() {
            self.packets_read += 1;
            return Ok(data);
        }
        if self.packets_read == 0 {
            self.write_packet(&[])?;
        }
        let packet = self.io.read()?;
        self.last_read = Some(packet.clone());
        match packet.first() {
            Some(&ERR_HEADER) => return Err(packets::parse_err(&packet)?),
            Some(&SWITCH_HEADER) => return Err(ClientError::malformed()),
            _ => {}
        }
        self.packets_read += 1;
        match packet.split_first() {
            Some((&ESCAPE_HEADER, rest)) => Ok(rest.to_vec()),
            _ => Ok(packet),
        }
    }

    /// Sends the plugin's data; the first write is the handshake answer.
    pub(crate) fn write_packet(&mut self, data: &[u8]) -> Result<(), ClientError> {
        let first = self.packets_written == 0;
        self.packets_written += 1;
        if first {
            (self.first_write)(self.io, data, &self.plugin)
        } else {
            self.io.write(data)
        }
    }

    /// Reads a packet outside the plugin (the answer after its turn).
    pub(crate) fn read_raw(&mut self) -> Result<Vec<u8>, ClientError> {
        self.io.read()
    }

    /// Whether the plugin's turn ended with a switch request.
    pub(crate) fn switched(&self) -> bool {
        self.last_read
            .as_ref()
            .is_some_and(|p| p.first() == Some(&SWITCH_HEADER))
    }
}
