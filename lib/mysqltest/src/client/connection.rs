//! One client connection over TCP, text protocol only. Connect performs the
//! handshake; commands write one packet and read the answer. Queries are
//! split in two so mysqltest's `send` can put a query on the wire and
//! return, and `reap` can read its results later, one statement at a time.
//! Any network failure closes the socket: later commands then report
//! "server has gone away", like the client library.

use std::net::{Shutdown, TcpStream};
use std::time::Duration;

use mysql_common::constants::CapabilityFlags;

use super::abort::AbortHandle;
use super::auth::{self, AuthExchange, PacketIo};
use super::decoder::{ResponseDecoder, Step};
use super::error::ClientError;
use super::framing::{FrameError, PacketStream};
use super::handshake::{self, Greeting};
use super::local_infile;
use super::options::ConnectOptions;
use super::packets::{self, ERR_HEADER, OK_HEADER};
use super::response::{OkInfo, Response, SERVER_MORE_RESULTS_EXISTS};
use super::socket;
use super::wire::put_nul_terminated;

/// Command bytes (COM_*) this client sends.
mod command {
    pub const QUIT: u8 = 0x01;
    pub const INIT_DB: u8 = 0x02;
    pub const QUERY: u8 = 0x03;
    pub const PING: u8 = 0x0E;
    pub const CHANGE_USER: u8 = 0x11;
    pub const RESET_CONNECTION: u8 = 0x1F;
}

/// A connection to a MySQL or MariaDB server.
#[derive(Debug)]
pub struct Connection {
    /// The framed socket; `None` once the connection is lost or closed.
    stream: Option<PacketStream<TcpStream>>,
    /// Capabilities both sides agreed on.
    caps: CapabilityFlags,
    /// MariaDB extended capabilities both sides agreed on.
    mariadb_caps: u32,
    /// What the server said when we connected.
    greeting: Greeting,
    /// Collation announced again by COM_CHANGE_USER.
    collation: u8,
    /// Whether LOAD DATA LOCAL may read files.
    local_infile: bool,
    /// A query was sent and some of its results are unread.
    pending: bool,
    /// Status flags of the last response.
    status_flags: u16,
    /// Warning count of the last response.
    warnings: u16,
}

impl Connection {
    /// Opens a TCP connection and authenticates.
    pub fn connect(opts: &ConnectOptions) -> Result<Connection, ClientError> {
        let tcp = socket::open(&opts.host, opts.port, opts.connect_timeout)?;
        let _ = tcp.set_nodelay(true);
        let handshake_timeout = Some(opts.connect_timeout).filter(|t| !t.is_zero());
        let _ = tcp.set_read_timeout(handshake_timeout);
        let mut stream = PacketStream::new(tcp);
        let greeting_packet = stream
            .read_packet()
            .map_err(|e| staged_error(socket::GREETING_STAGE, &e))?;
        let greeting = handshake::parse_greeting(&greeting_packet)?;
        let caps = handshake::client_capabilities(opts, greeting.capabilities);
        let mariadb_caps = handshake::client_mariadb_capabilities(greeting.mariadb_capabilities);
        authenticate(&mut stream, opts, &greeting, caps, mariadb_caps)?;
        let _ = stream.get_ref().set_read_timeout(None);
        Ok(Connection {
            stream: Some(stream),
            caps,
            mariadb_caps,
            greeting,
            collation: opts.collation,
            local_infile: opts.local_infile,
            pending: false,
            status_flags: 0,
            warnings: 0,
        })
    }

    /// The server's thread id for this connection (what `KILL` takes).
    pub fn connection_id(&self) -> u32 {
        self.greeting.connection_id
    }

    /// The server's version string, e.g. `10.11.6-MariaDB`.
    pub fn server_version(&self) -> &str {
        &self.greeting.server_version
    }

    /// Writes COM_QUERY with `sql` as-is and returns once it is on the wire.
    pub fn send_query(&mut self, sql: &[u8]) -> Result<(), ClientError> {
        self.start_command(command::QUERY, sql)?;
        self.pending = true;
        Ok(())
    }

    /// Reads the next result of a sent query (one statement's worth).
    pub fn read_response(&mut self) -> Result<Response, ClientError> {
        if !self.pending {
            return Err(ClientError::out_of_sync());
        }
        self.pending = false;
        let response = self.decode_response()?;
        self.status_flags = response.status_flags();
        self.warnings = response.warnings();
        self.pending = response.more_results();
        Ok(response)
    }

    /// Whether the socket is still open (false after a network failure).
    pub fn is_connected(&self) -> bool {
        self.stream.is_some()
    }

    /// Whether a sent query still has unread results.
    pub fn has_pending(&self) -> bool {
        self.pending
    }

    /// Whether the last response said more results follow.
    pub fn more_results(&self) -> bool {
        self.status_flags & SERVER_MORE_RESULTS_EXISTS != 0
    }

    /// Sends a query and reads all its results; stops at the first error.
    pub fn query(&mut self, sql: &[u8]) -> Result<Vec<Response>, ClientError> {
        self.send_query(sql)?;
        let mut responses = Vec::new();
        while self.pending {
            responses.push(self.read_response()?);
        }
        Ok(responses)
    }

    /// Warnings raised by the last statement.
    pub fn warning_count(&self) -> u16 {
        self.warnings
    }

    /// Server status flags after the last statement.
    pub fn status_flags(&self) -> u16 {
        self.status_flags
    }

    /// COM_PING: checks the server still answers.
    pub fn ping(&mut self) -> Result<(), ClientError> {
        self.simple_command(command::PING, &[]).map(drop)
    }

    /// COM_INIT_DB: changes the default schema.
    pub fn init_db(&mut self, db: &[u8]) -> Result<(), ClientError> {
        self.simple_command(command::INIT_DB, db).map(drop)
    }

    /// COM_RESET_CONNECTION: clears session state, keeps the login.
    pub fn reset_connection(&mut self) -> Result<(), ClientError> {
        self.simple_command(command::RESET_CONNECTION, &[])
            .map(drop)
    }

    /// COM_CHANGE_USER: logs in again as another account on this connection.
    pub fn change_user(
        &mut self,
        user: &str,
        password: &[u8],
        db: Option<&str>,
    ) -> Result<(), ClientError> {
        let plugin = self.first_plugin();
        let answer = auth::scramble(&plugin, &self.greeting.nonce, password)?;
        let payload = self.change_user_payload(user, &answer, db, &plugin);
        self.start_command(command::CHANGE_USER, &payload)?;
        let mut exchange = AuthExchange::new(&plugin, &self.greeting.nonce, password, self.caps);
        let ok = exchange.finish(self)?;
        self.note_ok(&ok);
        Ok(())
    }

    /// COM_QUIT, then close the socket.
    pub fn quit(mut self) {
        let _ = self.start_command(command::QUIT, &[]);
    }

    /// Closes the socket without COM_QUIT (the server sees an aborted client).
    pub fn dirty_close(self) {}

    /// A handle another thread can use to cut this connection.
    pub fn abort_handle(&self) -> AbortHandle {
        AbortHandle::new(
            self.stream
                .as_ref()
                .and_then(|s| s.get_ref().try_clone().ok()),
        )
    }

    /// Limits how long a read may block; `None` waits forever.
    pub fn set_read_timeout(&mut self, timeout: Option<Duration>) {
        if let Some(stream) = &self.stream {
            let _ = stream
                .get_ref()
                .set_read_timeout(timeout.filter(|t| !t.is_zero()));
        }
    }

    /// Plugin for the first answer: the server's choice if we have it.
    fn first_plugin(&self) -> String {
        if auth::supports(&self.greeting.plugin) {
            self.greeting.plugin.clone()
        } else {
            auth::NATIVE_PASSWORD.to_string()
        }
    }

    /// The body of COM_CHANGE_USER after its command byte.
    fn change_user_payload(
        &self,
        user: &str,
        answer: &[u8],
        db: Option<&str>,
        plugin: &str,
    ) -> Vec<u8> {
        let mut payload = Vec::with_capacity(64);
        put_nul_terminated(&mut payload, user.as_bytes());
        let len = answer.len().min(255);
        payload.push(len as u8);
        payload.extend_from_slice(&answer[..len]);
        put_nul_terminated(&mut payload, db.unwrap_or("").as_bytes());
        payload.extend_from_slice(&u16::from(self.collation).to_le_bytes());
        if self.caps.contains(CapabilityFlags::CLIENT_PLUGIN_AUTH) {
            put_nul_terminated(&mut payload, plugin.as_bytes());
        }
        payload
    }

    /// Starts a command: refuses while results are unread, then writes it.
    fn start_command(&mut self, command: u8, body: &[u8]) -> Result<(), ClientError> {
        if self.pending {
            return Err(ClientError::out_of_sync());
        }
        let mut packet = Vec::with_capacity(1 + body.len());
        packet.push(command);
        packet.extend_from_slice(body);
        let stream = self.stream.as_mut().ok_or_else(ClientError::server_gone)?;
        stream.reset_sequence();
        self.write(&packet)
    }

    /// Sends a command answered by one OK or ERR packet.
    fn simple_command(&mut self, command: u8, body: &[u8]) -> Result<OkInfo, ClientError> {
        self.start_command(command, body)?;
        let packet = self.read()?;
        let ok = match packet.first() {
            Some(&OK_HEADER) => packets::parse_ok(&packet, self.caps)?,
            Some(&ERR_HEADER) => return Err(packets::parse_err(&packet)?),
            _ => return Err(self.lose(ClientError::malformed())),
        };
        self.note_ok(&ok);
        Ok(ok)
    }

    /// Remembers status and warnings of an OK that was not a statement result.
    fn note_ok(&mut self, ok: &OkInfo) {
        self.status_flags = ok.status_flags;
        self.warnings = ok.warnings;
    }

    /// Feeds packets to a decoder until one statement's response is complete.
    fn decode_response(&mut self) -> Result<Response, ClientError> {
        let extended = self.mariadb_caps & handshake::MARIADB_CLIENT_EXTENDED_METADATA != 0;
        let mut decoder = ResponseDecoder::new(self.caps).with_extended_metadata(extended);
        let mut deferred = None;
        loop {
            let packet = self.read()?;
            match decoder.feed(&packet) {
                Ok(Step::NeedMore) => {}
                Ok(Step::SendFile(name)) => {
                    let allowed = self.local_infile;
                    deferred = local_infile::send_file(self, &name, allowed)?;
                }
                Ok(Step::Done(response)) => return self.finish_response(response, deferred),
                Err(err @ ClientError::Client { .. }) => return Err(self.lose(err)),
                Err(err) => return Err(err),
            }
        }
    }

    /// A complete response, unless sending a local file failed: then that
    /// error, with later results of the same query still readable.
    fn finish_response(
        &mut self,
        response: Response,
        deferred: Option<ClientError>,
    ) -> Result<Response, ClientError> {
        match deferred {
            None => Ok(response),
            Some(err) => {
                self.pending = response.more_results();
                Err(err)
            }
        }
    }

    /// Closes the socket after a failure and passes the error on.
    fn lose(&mut self, err: ClientError) -> ClientError {
        if let Some(stream) = self.stream.take() {
            let _ = stream.get_ref().shutdown(Shutdown::Both);
        }
        self.pending = false;
        err
    }
}

impl PacketIo for Connection {
    fn read(&mut self) -> Result<Vec<u8>, ClientError> {
        let stream = self.stream.as_mut().ok_or_else(ClientError::server_gone)?;
        match stream.read_packet() {
            Ok(packet) => Ok(packet),
            Err(_) => Err(self.lose(ClientError::server_lost())),
        }
    }

    fn write(&mut self, payload: &[u8]) -> Result<(), ClientError> {
        let stream = self.stream.as_mut().ok_or_else(ClientError::server_gone)?;
        match stream.write_packet(payload) {
            Ok(()) => Ok(()),
            Err(_) => Err(self.lose(ClientError::server_gone())),
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(stream) = &self.stream {
            let _ = stream.get_ref().shutdown(Shutdown::Both);
        }
    }
}

/// Sends the handshake response and completes authentication.
fn authenticate(
    stream: &mut PacketStream<TcpStream>,
    opts: &ConnectOptions,
    greeting: &Greeting,
    caps: CapabilityFlags,
    mariadb_caps: u32,
) -> Result<(), ClientError> {
    let plugin = if auth::supports(&greeting.plugin) {
        greeting.plugin.as_str()
    } else {
        auth::NATIVE_PASSWORD
    };
    let answer = auth::scramble(plugin, &greeting.nonce, &opts.password)?;
    let mut io = HandshakeIo { stream };
    io.write(&handshake::response_packet(
        opts,
        caps,
        mariadb_caps,
        plugin,
        &answer,
    ))?;
    AuthExchange::new(plugin, &greeting.nonce, &opts.password, caps).finish(&mut io)?;
    Ok(())
}

/// Packet I/O during the handshake, reporting failures with the library's stage names.
struct HandshakeIo<'a> {
    stream: &'a mut PacketStream<TcpStream>,
}

impl PacketIo for HandshakeIo<'_> {
    fn read(&mut self) -> Result<Vec<u8>, ClientError> {
        self.stream
            .read_packet()
            .map_err(|e| staged_error("reading authorization packet", &e))
    }

    fn write(&mut self, payload: &[u8]) -> Result<(), ClientError> {
        self.stream.write_packet(payload).map_err(|e| {
            ClientError::server_lost_at(
                "sending authentication information",
                e.raw_os_error().unwrap_or(0),
            )
        })
    }
}

/// "Lost connection at <stage>" with the system error of a failed read.
fn staged_error(stage: &str, err: &FrameError) -> ClientError {
    let errno = match err {
        FrameError::Io(io) if io.kind() == std::io::ErrorKind::WouldBlock => libc::ETIMEDOUT,
        FrameError::Io(io) => io.raw_os_error().unwrap_or(0),
        _ => 0,
    };
    ClientError::server_lost_at(stage, errno)
}
