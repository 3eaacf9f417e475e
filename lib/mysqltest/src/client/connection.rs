//! One client connection (TCP or Unix socket), text protocol only. Connect
//! performs the handshake and authentication, then switches to the
//! compressed protocol if both sides agreed; commands write one packet and
//! read the answer. Queries are split in two so mysqltest's `send` can put a
//! query on the wire and return, and `reap` can read its results later, one
//! statement at a time. Any network failure closes the socket: later
//! commands then report "server has gone away", like the client library.

use std::path::Path;
use std::time::Duration;

use mysql_common::constants::CapabilityFlags;

use super::abort::AbortHandle;
use super::auth::{self, AuthRequest, Authenticated, FirstWrite, PacketIo};
use super::decoder::{ResponseDecoder, Step};
use super::error::ClientError;
use super::framing::{FrameError, PacketStream};
use super::handshake::{self, Greeting};
use super::local_infile;
use super::options::ConnectOptions;
use super::packets::{self, ERR_HEADER, OK_HEADER};
use super::response::{OkInfo, Response, SERVER_MORE_RESULTS_EXISTS};
use super::socket;
use super::transport::Transport;
use super::wire::put_nul_terminated;

/// Command bytes (COM_*) this client sends.
mod command {
    pub const QUIT: u8 = 0x01;
    pub const INIT_DB: u8 = 0x02;
    pub const QUERY: u8 = 0x03;
    pub const SHUTDOWN: u8 = 0x08;
    pub const PING: u8 = 0x0E;
    pub const CHANGE_USER: u8 = 0x11;
    pub const RESET_CONNECTION: u8 = 0x1F;
}

/// ER_UNKNOWN_COM_ERROR: a server without the command asked for.
const UNKNOWN_COMMAND: u16 = 1047;

/// The level `mysql_shutdown(mysql, SHUTDOWN_DEFAULT)` sends.
const SHUTDOWN_DEFAULT: u8 = 0;

/// Server status flag: the OK packet carries session state changes.
const SERVER_SESSION_STATE_CHANGED: u16 = 0x4000;

/// Where the client library looks for plugins unless told otherwise (the
/// Debian and Ubuntu build of libmariadb3); only named in error texts.
const DEFAULT_PLUGIN_DIR: &str = "/usr/lib/x86_64-linux-gnu/libmariadb3/plugin";

/// A connection to a MySQL or MariaDB server.
#[derive(Debug)]
pub struct Connection {
    /// The framed socket; `None` once the connection is lost or closed.
    stream: Option<PacketStream<Transport>>,
    /// Capabilities both sides agreed on.
    caps: CapabilityFlags,
    /// MariaDB extended capabilities both sides agreed on.
    mariadb_caps: u32,
    /// What the server said when we connected.
    greeting: Greeting,
    /// The nonce COM_CHANGE_USER answers (the latest one the server sent).
    scramble: Vec<u8>,
    /// Collation announced again by COM_CHANGE_USER.
    collation: u8,
    /// Whether LOAD DATA LOCAL may read files.
    local_infile: bool,
    /// The first plugin COM_CHANGE_USER tries, if one was asked for.
    default_auth: Option<String>,
    /// The plugins allowed, if restricted.
    restricted_auth: Option<String>,
    /// Client plugin directory, for error texts.
    plugin_dir: String,
    /// The socket is a Unix socket.
    secure: bool,
    /// A query was sent and some of its results are unread.
    pending: bool,
    /// Status flags of the last response.
    status_flags: u16,
    /// Warning count of the last response.
    warnings: u16,
    /// Session state changes of the last OK packet.
    session_state: Vec<u8>,
    /// The encoded connection attributes (empty unless both sides agreed).
    attrs: Vec<u8>,
    /// The default schema as the library tracks it (`mysql->db`): set by
    /// the handshake, COM_INIT_DB, COM_CHANGE_USER and schema changes the
    /// server reports; a reconnect goes back to it.
    schema: Option<String>,
}

impl Connection {
    /// Opens the socket the options lead to and authenticates.
    pub fn connect(opts: &ConnectOptions) -> Result<Connection, ClientError> {
        let (mut stream, greeting) = greet(opts)?;
        let plugin_dir = plugin_dir(opts);
        let login = Login {
            opts,
            caps: handshake::client_capabilities(opts, greeting.capabilities),
            mariadb_caps: handshake::client_mariadb_capabilities(greeting.mariadb_capabilities),
            secure: stream.get_ref().is_unix(),
            plugin_dir: &plugin_dir,
            greeting: &greeting,
        };
        let done = login.run(&mut stream)?;
        if login.caps.contains(CapabilityFlags::CLIENT_COMPRESS) {
            stream.start_compression();
        }
        let _ = stream.get_ref().set_read_timeout(opts.read_timeout);
        let _ = stream.get_ref().set_write_timeout(opts.write_timeout);
        let mut conn = login.connection(stream, done.scramble);
        conn.note_ok(&done.ok);
        Ok(conn)
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
        if let Response::Ok(ok) = &response {
            self.note_session_state(ok);
        }
        Ok(response)
    }

    /// Whether the socket is still open (false after a network failure).
    pub fn is_connected(&self) -> bool {
        self.stream.is_some()
    }

    /// Whether an idle connection still stands: the library's check before
    /// a command under auto-reconnect (a socket readable while nothing is
    /// expected means the server closed it).
    pub fn is_alive(&self) -> bool {
        match &self.stream {
            Some(stream) => !stream.has_buffered_input() && !stream.get_ref().readable_now(),
            None => false,
        }
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

    /// COM_SHUTDOWN at the default level, as `mysql_shutdown`: the server
    /// answers EOF (or OK) before it goes down, ERR when it refuses. MySQL
    /// 8.0 and later no longer know the command (1047); they get the
    /// `SHUTDOWN` statement, as MySQL's own mysqltest sends it.
    pub fn shutdown(&mut self) -> Result<(), ClientError> {
        self.start_command(command::SHUTDOWN, &[SHUTDOWN_DEFAULT])?;
        let packet = self.read()?;
        match packet.first() {
            Some(&ERR_HEADER) => match packets::parse_err(&packet)? {
                ClientError::Server { code, .. } if code == UNKNOWN_COMMAND => {
                    self.query(b"SHUTDOWN").map(drop)
                }
                refused => Err(refused),
            },
            Some(_) => Ok(()),
            None => Err(self.lose(ClientError::malformed())),
        }
    }

    /// COM_INIT_DB: changes the default schema.
    pub fn init_db(&mut self, db: &[u8]) -> Result<(), ClientError> {
        self.simple_command(command::INIT_DB, db)?;
        self.schema = Some(String::from_utf8_lossy(db).into_owned());
        Ok(())
    }

    /// The default schema as the client library tracks it.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
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
        if self.pending {
            return Err(ClientError::out_of_sync());
        }
        if self.stream.is_none() {
            return Err(ClientError::server_gone());
        }
        let packet = ChangeUser {
            user: user.to_string(),
            db: db.map(str::to_string),
            collation: self.collation,
            caps: self.caps,
            attrs: self.attrs.clone(),
        };
        let mut first = move |io: &mut dyn PacketIo, data: &[u8], plugin: &str| {
            io.start_command();
            io.write(&packet.payload(data, plugin))
        };
        let settings = self.auth_settings();
        let req = settings.request(password);
        let done = auth::authenticate(self, &mut first, &req)?;
        self.scramble = done.scramble;
        self.schema = db.map(str::to_string);
        self.note_ok(&done.ok);
        Ok(())
    }

    /// What COM_CHANGE_USER authenticates with, owned so the connection
    /// itself can carry the exchange.
    fn auth_settings(&self) -> AuthSettings {
        AuthSettings {
            scramble: self.scramble.clone(),
            default_auth: self.default_auth.clone(),
            restricted_auth: self.restricted_auth.clone(),
            plugin_dir: self.plugin_dir.clone(),
            plugin_auth: self
                .greeting
                .capabilities
                .contains(CapabilityFlags::CLIENT_PLUGIN_AUTH),
            secure: self.secure,
            caps: self.caps,
        }
    }

    /// Session state changes of the last OK packet (empty if it had none),
    /// as the client library keeps them.
    pub fn session_state(&self) -> &[u8] {
        &self.session_state
    }

    /// Whether the connection uses the compressed protocol.
    pub fn is_compressed(&self) -> bool {
        self.stream
            .as_ref()
            .is_some_and(PacketStream::is_compressed)
    }

    /// Whether the connection goes through a Unix socket.
    pub fn is_unix_socket(&self) -> bool {
        self.secure
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

    /// Sends a command with a raw body (COM_REGISTER_SLAVE, COM_BINLOG_DUMP,
    /// …); its answer is read packet by packet with `read_packet`.
    pub fn send_command(&mut self, command: u8, body: &[u8]) -> Result<(), ClientError> {
        self.start_command(command, body)
    }

    /// Reads the next raw packet of a command's answer (a replication stream).
    pub fn read_packet(&mut self) -> Result<Vec<u8>, ClientError> {
        self.read()
    }

    /// Limits how long a read may block; `None` waits forever.
    pub fn set_read_timeout(&mut self, timeout: Option<Duration>) {
        if let Some(stream) = &self.stream {
            let _ = stream.get_ref().set_read_timeout(timeout);
        }
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

    /// Remembers status, warnings and session state of an OK packet.
    fn note_ok(&mut self, ok: &OkInfo) {
        self.status_flags = ok.status_flags;
        self.warnings = ok.warnings;
        self.note_session_state(ok);
    }

    /// Like the library: every OK packet replaces the kept session state
    /// (with its changes, or with nothing); EOF packets leave it, so a
    /// result set shows the state of the OK before it.
    fn note_session_state(&mut self, ok: &OkInfo) {
        if !self.caps.contains(CapabilityFlags::CLIENT_SESSION_TRACK) {
            return;
        }
        self.session_state = if ok.status_flags & SERVER_SESSION_STATE_CHANGED != 0 {
            ok.session_state_changes.clone()
        } else {
            Vec::new()
        };
        if let Some(schema) = packets::tracked_schema(&self.session_state) {
            self.schema = Some(String::from_utf8_lossy(&schema).into_owned());
        }
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
                    deferred = local_infile::send_file(self, &name, allowed)
                        .map_err(lost_while_sending)?;
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
            stream.get_ref().shutdown();
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

    fn start_command(&mut self) {
        if let Some(stream) = &mut self.stream {
            stream.reset_sequence();
        }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        if let Some(stream) = &self.stream {
            stream.get_ref().shutdown();
        }
    }
}

/// The connection attributes block, if the server takes one.
fn connect_attrs(opts: &ConnectOptions, caps: CapabilityFlags) -> Vec<u8> {
    let mut attrs = Vec::new();
    if caps.contains(CapabilityFlags::CLIENT_CONNECT_ATTRS) {
        handshake::put_connect_attrs(&mut attrs, opts);
    }
    attrs
}

/// The library reports a failed write of LOCAL INFILE data as a lost
/// connection (2013), not as a server gone away.
fn lost_while_sending(err: ClientError) -> ClientError {
    if err.code() == super::error::codes::SERVER_GONE && err.is_connection_lost() {
        ClientError::server_lost()
    } else {
        err
    }
}

/// The client plugin directory: as given, else the library's environment
/// variable, else its built-in default.
fn plugin_dir(opts: &ConnectOptions) -> String {
    opts.plugin_dir
        .as_deref()
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os("MARIADB_PLUGIN_DIR").map(Into::into))
        .map_or_else(
            || DEFAULT_PLUGIN_DIR.to_string(),
            |dir| dir.to_string_lossy().into_owned(),
        )
}

/// The connection's authentication settings, detached from it.
struct AuthSettings {
    scramble: Vec<u8>,
    default_auth: Option<String>,
    restricted_auth: Option<String>,
    plugin_dir: String,
    plugin_auth: bool,
    secure: bool,
    caps: CapabilityFlags,
}

impl AuthSettings {
    /// A COM_CHANGE_USER authentication with `password`.
    fn request<'a>(&'a self, password: &'a [u8]) -> AuthRequest<'a> {
        AuthRequest {
            greeting: None,
            default_auth: self.default_auth.as_deref(),
            restricted_auth: self.restricted_auth.as_deref(),
            plugin_auth: self.plugin_auth,
            password,
            scramble: &self.scramble,
            secure: self.secure,
            plugin_dir: &self.plugin_dir,
            caps: self.caps,
        }
    }
}

/// The fixed parts of a COM_CHANGE_USER packet.
struct ChangeUser {
    user: String,
    db: Option<String>,
    collation: u8,
    caps: CapabilityFlags,
    /// Connection attributes, sent again as the library does.
    attrs: Vec<u8>,
}

impl ChangeUser {
    /// The command with the plugin's first answer: user, answer (length
    /// byte, or a single 0 when empty), schema, collation, plugin name.
    fn payload(&self, answer: &[u8], plugin: &str) -> Vec<u8> {
        let mut payload = vec![command::CHANGE_USER];
        put_nul_terminated(&mut payload, self.user.as_bytes());
        let len = answer.len().min(255);
        payload.push(len as u8);
        payload.extend_from_slice(&answer[..len]);
        put_nul_terminated(&mut payload, self.db.as_deref().unwrap_or("").as_bytes());
        payload.extend_from_slice(&u16::from(self.collation).to_le_bytes());
        if self.caps.contains(CapabilityFlags::CLIENT_PLUGIN_AUTH) {
            put_nul_terminated(&mut payload, plugin.as_bytes());
        }
        payload.extend_from_slice(&self.attrs);
        payload
    }
}

/// Opens the socket and reads the greeting (within the connect timeout);
/// refuses to go on when TLS is required and the server would use it.
fn greet(opts: &ConnectOptions) -> Result<(PacketStream<Transport>, Greeting), ClientError> {
    let transport = socket::open_endpoint(opts)?;
    if let Transport::Tcp(tcp) = &transport {
        let _ = tcp.set_nodelay(true);
    }
    let _ = transport.set_read_timeout(Some(opts.connect_timeout).filter(|t| !t.is_zero()));
    let mut stream = PacketStream::new(transport);
    let packet = stream
        .read_packet()
        .map_err(|e| staged_error(socket::GREETING_STAGE, &e))?;
    let greeting = handshake::parse_greeting(&packet)?;
    if opts.ssl && greeting.capabilities.contains(CapabilityFlags::CLIENT_SSL) {
        return Err(ClientError::ssl_unavailable());
    }
    Ok((stream, greeting))
}

/// The handshake's authentication: what it needs from `connect`.
struct Login<'a> {
    opts: &'a ConnectOptions,
    greeting: &'a Greeting,
    caps: CapabilityFlags,
    mariadb_caps: u32,
    secure: bool,
    plugin_dir: &'a str,
}

impl Login<'_> {
    /// The connection, once authenticated over `stream`.
    fn connection(&self, stream: PacketStream<Transport>, scramble: Vec<u8>) -> Connection {
        let opts = self.opts;
        Connection {
            stream: Some(stream),
            caps: self.caps,
            mariadb_caps: self.mariadb_caps,
            greeting: self.greeting.clone(),
            scramble,
            collation: opts.collation,
            local_infile: opts.local_infile,
            default_auth: opts.default_auth.clone(),
            restricted_auth: opts.restricted_auth.clone(),
            plugin_dir: self.plugin_dir.to_string(),
            secure: self.secure,
            pending: false,
            status_flags: 0,
            warnings: 0,
            session_state: Vec::new(),
            attrs: connect_attrs(opts, self.caps),
            schema: opts.database.clone(),
        }
    }

    /// Sends the handshake response (with the first plugin's answer) and
    /// completes authentication.
    fn run(&self, stream: &mut PacketStream<Transport>) -> Result<Authenticated, ClientError> {
        let nonce: Vec<u8> = self.greeting.nonce.iter().copied().take(20).collect();
        let nonce_nul = [&nonce[..], &[0]].concat();
        let req = AuthRequest {
            greeting: Some((&self.greeting.plugin, &nonce_nul)),
            default_auth: self.opts.default_auth.as_deref(),
            restricted_auth: self.opts.restricted_auth.as_deref(),
            plugin_auth: self
                .greeting
                .capabilities
                .contains(CapabilityFlags::CLIENT_PLUGIN_AUTH),
            password: &self.opts.password,
            scramble: &nonce,
            secure: self.secure,
            plugin_dir: self.plugin_dir,
            caps: self.caps,
        };
        let mut first = |io: &mut dyn PacketIo, data: &[u8], plugin: &str| {
            io.write(&handshake::response_packet(
                self.opts,
                self.caps,
                self.mariadb_caps,
                plugin,
                data,
            ))
        };
        let first: &mut FirstWrite<'_> = &mut first;
        auth::authenticate(&mut HandshakeIo { stream }, first, &req)
    }
}

/// Packet I/O during the handshake, reporting failures with the library's stage names.
struct HandshakeIo<'a> {
    stream: &'a mut PacketStream<Transport>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::os::unix::net::UnixListener;
    use std::path::PathBuf;

    /// A MariaDB-like greeting announcing the given lower capability bits.
    fn greeting(lower_caps: u16) -> Vec<u8> {
        let mut packet = vec![10];
        packet.extend_from_slice(b"5.5.5-10.11.19-MariaDB\0");
        packet.extend_from_slice(&7u32.to_le_bytes());
        packet.extend_from_slice(b"abcdefgh\0");
        packet.extend_from_slice(&lower_caps.to_le_bytes());
        packet.push(8);
        packet.extend_from_slice(&2u16.to_le_bytes());
        packet.extend_from_slice(&0x81BFu16.to_le_bytes());
        packet.push(21);
        packet.extend_from_slice(&[0; 10]);
        packet.extend_from_slice(b"ijklmnopqrst\0");
        packet.extend_from_slice(b"mysql_native_password\0");
        packet
    }

    /// Serves one greeting on a fresh Unix socket; returns its path and
    /// what the client sent back (read until it closes).
    fn serve_greeting(name: &str, packet: Vec<u8>) -> (PathBuf, std::thread::JoinHandle<Vec<u8>>) {
        let dir = std::env::temp_dir().join(format!("rmtr-conn-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.sock");
        let listener = UnixListener::bind(&path).unwrap();
        let server = std::thread::spawn(move || {
            let (mut peer, _) = listener.accept().unwrap();
            let mut framed = (packet.len() as u32).to_le_bytes()[..3].to_vec();
            framed.push(0);
            framed.extend_from_slice(&packet);
            peer.write_all(&framed).unwrap();
            let mut answer = Vec::new();
            let _ = peer.read_to_end(&mut answer);
            answer
        });
        (path, server)
    }

    fn options(path: PathBuf, ssl: bool) -> ConnectOptions {
        ConnectOptions {
            host: "localhost".into(),
            socket: Some(path),
            ssl,
            connect_timeout: Duration::from_millis(500),
            ..ConnectOptions::default()
        }
    }

    #[test]
    fn ssl_is_refused_when_the_server_offers_tls() {
        let (path, server) = serve_greeting("tls", greeting(0xFFFE));
        let err = Connection::connect(&options(path, true)).unwrap_err();
        assert_eq!(err.code(), 2026);
        assert_eq!(
            err.message(),
            b"TLS/SSL error: SSL is required, but this client has no TLS support"
        );
        assert!(server.join().unwrap().is_empty(), "nothing sent in clear");
    }

    #[test]
    fn without_ssl_the_handshake_goes_on() {
        let (path, server) = serve_greeting("clear", greeting(0xFFFE));
        let err = Connection::connect(&options(path, false)).unwrap_err();
        assert_eq!(err.code(), 2013, "{err}");
        let answer = server.join().unwrap();
        assert!(answer.len() > 36, "a handshake response was sent");
        let caps = u32::from_le_bytes(answer[4..8].try_into().unwrap());
        assert_eq!(caps & CapabilityFlags::CLIENT_SSL.bits(), 0);
    }

    #[test]
    fn failed_file_uploads_are_lost_connections() {
        assert_eq!(lost_while_sending(ClientError::server_gone()).code(), 2013);
        let other = ClientError::infile_forbidden();
        assert_eq!(lost_while_sending(other.clone()), other);
    }

    #[test]
    fn change_user_packets_carry_user_answer_schema_collation_and_plugin() {
        let packet = ChangeUser {
            user: "u1".into(),
            db: Some("test".into()),
            collation: 8,
            caps: CapabilityFlags::CLIENT_PLUGIN_AUTH,
            attrs: vec![0],
        };
        assert_eq!(
            packet.payload(&[1, 2], "mysql_native_password"),
            b"\x11u1\0\x02\x01\x02test\0\x08\0mysql_native_password\0\0"
        );
        let bare = ChangeUser {
            db: None,
            caps: CapabilityFlags::empty(),
            attrs: Vec::new(),
            ..packet
        };
        assert_eq!(bare.payload(&[], "x"), b"\x11u1\0\0\0\x08\0");
    }
}
