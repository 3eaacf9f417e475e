//! Named connections and the commands that manage them: the `default`
//! connection opened at start (with retries while the server comes up),
//! `connect` (host, socket, options and default authentication plugin as
//! mysqltest passes them to the client library), `connection`,
//! `disconnect`/`dirty_close`, `change_user`, `reset_connection`,
//! `send_quit`, `ping`, and automatic reconnection after `enable_reconnect`.
//! A closed connection keeps its slot under a reserved name, as in
//! mysqltest, so queries on it fail with "gone away".

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::cancel::Registration;
use super::flow::{Stop, show};
use super::interpreter::Interpreter;
use super::properties::Prop;
use crate::client::{ClientError, ConnectOptions, Connection, Protocol};
use crate::script::Command;
use crate::script::args::split_args_full;
use crate::script::charset::ClientCharset;

/// Name a closed connection's slot takes.
pub const CLOSED_CONNECTION: &str = "-closed_connection-";
/// Arguments of `connect`: name, host, user, password, database, port,
/// socket, options, default authentication plugin.
const CONNECT_ARGS: usize = 9;
/// Most connections mysqltest keeps (`--max-connections` default).
const MAX_CONNECTIONS: usize = 64;
/// Pause between attempts to reach a server that is not up yet.
const CONNECT_RETRY_SLEEP: Duration = Duration::from_millis(100);

/// Server status flag: a transaction is open.
const SERVER_STATUS_IN_TRANS: u16 = 0x0001;
/// Client error: can't connect (refused or unreachable).
const CR_CONNECTION_ERROR: u16 = 2002;
const CR_CONN_HOST_ERROR: u16 = 2003;
const ER_TOO_MANY_USER_CONNECTIONS: u32 = 1203;
const ER_USER_LIMIT_REACHED: u32 = 1226;

/// One named connection.
pub struct Session {
    pub name: String,
    pub conn: Option<Connection>,
    pub pending: bool,
    pub reconnect: bool,
    /// What it was opened with (for reconnects and `change_user`).
    pub opts: ConnectOptions,
    /// Server status flags after the last statement.
    pub status: u16,
    _abort: Option<Registration>,
}

impl Session {
    fn new(name: String, conn: Connection, opts: ConnectOptions, reg: Registration) -> Self {
        Session {
            name,
            conn: Some(conn),
            pending: false,
            reconnect: false,
            opts,
            status: 0x0002,
            _abort: Some(reg),
        }
    }
}

impl Interpreter {
    /// Options for a connection to the test's server.
    fn base_options(&self) -> ConnectOptions {
        let defaults = ConnectOptions::default();
        ConnectOptions {
            host: self.cfg.host.clone(),
            port: self.cfg.port,
            socket: Some(PathBuf::from(&self.cfg.socket)).filter(|s| !s.as_os_str().is_empty()),
            user: self.cfg.user.clone(),
            password: self.cfg.password.clone(),
            database: Some(self.cfg.database.clone()),
            collation: self.charset.collation_id(),
            plugin_dir: self.cfg.plugin_dir.clone(),
            compress: self.cfg.compress,
            protocol: self.cfg.protocol,
            connect_timeout: self.cfg.connect_timeout.unwrap_or(defaults.connect_timeout),
            ..defaults
        }
    }

    /// The socket of `connect`: a bare name lives in mysqltest's tmpdir, an
    /// empty one means the default socket.
    fn connect_socket(&self, arg: &[u8]) -> String {
        let name = show(arg);
        if name.is_empty() {
            return self.cfg.socket.clone();
        }
        if name.starts_with('/') || name.starts_with('@') {
            return name;
        }
        let tmpdir = self
            .cfg
            .env
            .get("MYSQL_TMP_DIR")
            .map_or_else(|| Path::new(".").to_path_buf(), PathBuf::from);
        tmpdir.join(name).display().to_string()
    }

    /// Opens `default`, retrying while the server refuses connections.
    pub(crate) fn open_default_connection(&mut self) -> Result<(), Stop> {
        let opts = self.base_options();
        let mut attempts = 0;
        let conn = loop {
            match Connection::connect(&opts) {
                Ok(conn) => break conn,
                Err(err)
                    if matches!(err.code(), CR_CONNECTION_ERROR | CR_CONN_HOST_ERROR)
                        && attempts < self.cfg.max_connect_retries =>
                {
                    attempts += 1;
                    self.sleep(CONNECT_RETRY_SLEEP)?;
                }
                Err(err) if attempts > 0 => {
                    return Err(Stop::die(format!(
                        "Could not open connection 'default' after {attempts} attempts: {} {}",
                        err.code(),
                        show(err.message())
                    )));
                }
                Err(err) => {
                    return Err(Stop::die(format!(
                        "Could not open connection 'default': {} {}",
                        err.code(),
                        show(err.message())
                    )));
                }
            }
        };
        let mut conn = conn;
        for query in &self.cfg.setup_queries {
            let _ = conn.query(query);
        }
        let reg = self.cancel.register_socket(conn.abort_handle());
        self.sessions
            .push(Session::new("default".into(), conn, opts, reg));
        self.set_current(0);
        Ok(())
    }

    /// Makes a session current and publishes its name and server version.
    fn set_current(&mut self, index: usize) {
        self.current = Some(index);
        let version = self.sessions[index]
            .conn
            .as_ref()
            .map_or(u32::MAX, |c| version_number(c.server_version()));
        self.vars
            .set_int("mysql_get_server_version", version as i32);
        let name = self.sessions[index].name.clone();
        self.vars.set_str("CURRENT_CONNECTION", &name);
    }

    /// Index of the current session.
    pub(crate) fn current_session(&self) -> Result<usize, Stop> {
        self.current
            .ok_or_else(|| Stop::die("no current connection"))
    }

    /// Runs `f` on a session's connection with the library's automatic
    /// reconnection (after `enable_reconnect`): a connection already lost is
    /// reopened first, and a command whose sending loses it is sent once
    /// more on a fresh connection.
    pub(crate) fn with_connection<T>(
        &mut self,
        index: usize,
        mut f: impl FnMut(&mut Connection) -> Result<T, ClientError>,
    ) -> Result<T, ClientError> {
        let session = &self.sessions[index];
        let lost = session.conn.as_ref().is_none_or(|c| {
            !c.is_connected() || (session.reconnect && !c.has_pending() && !c.is_alive())
        });
        if lost && session.reconnect {
            self.reconnect(index)?;
        }
        let session = &mut self.sessions[index];
        let Some(conn) = session.conn.as_mut() else {
            return Err(ClientError::server_gone());
        };
        match f(conn) {
            Err(err) if session.reconnect && lost_by_sending(&err, conn) => {
                self.reconnect(index)?;
                match self.sessions[index].conn.as_mut() {
                    Some(conn) => f(conn),
                    None => Err(ClientError::server_gone()),
                }
            }
            result => result,
        }
    }

    /// Reopens a session's connection as the library's reconnect does: to
    /// the schema it last knew of, then `SET NAMES` for its character set;
    /// not in the middle of a transaction (that attempt fails, the next one
    /// may reconnect).
    fn reconnect(&mut self, index: usize) -> Result<(), ClientError> {
        let session = &mut self.sessions[index];
        if session.status & SERVER_STATUS_IN_TRANS != 0 {
            session.status &= !SERVER_STATUS_IN_TRANS;
            return Err(ClientError::server_gone());
        }
        if let Some(conn) = &session.conn {
            session.opts.database = conn.schema().map(str::to_string);
        }
        let mut conn = Connection::connect(&session.opts)?;
        let charset = ClientCharset::ALL
            .iter()
            .find(|c| c.collation_id() == session.opts.collation)
            .copied()
            .unwrap_or_default();
        let set_names = format!("SET NAMES {}", charset.name());
        conn.query(set_names.as_bytes())?;
        session._abort = Some(self.cancel.register_socket(conn.abort_handle()));
        session.conn = Some(conn);
        session.status = 0x0002;
        Ok(())
    }

    /// After an error on a connection.
    pub(crate) fn note_lost(&mut self, _index: usize, _err: &ClientError) {}

    /// `connection name`.
    pub(crate) fn cmd_connection(&mut self, command: &Command) -> Result<(), Stop> {
        let args = self.string_args(command, b' ', &["connection_name"], 1)?;
        self.select_connection(&args[0])
    }

    /// Switches to a named connection, logging it under `enable_connect_log`.
    pub(crate) fn select_connection(&mut self, name: &[u8]) -> Result<(), Stop> {
        let wanted = show(name);
        let index = self
            .sessions
            .iter()
            .position(|s| s.name == wanted)
            .ok_or_else(|| {
                Stop::die(format!(
                    "connection '{wanted}' not found in connection pool"
                ))
            })?;
        self.set_current(index);
        if !self.props.get(Prop::ConnectLog) && !self.props.get(Prop::QueryLog) {
            let mut line = b"connection ".to_vec();
            self.rep.append(&mut line, name, self.charset);
            line.extend_from_slice(b";\n");
            self.out.push(&line);
        }
        Ok(())
    }

    /// `disconnect name` and `dirty_close name`.
    pub(crate) fn cmd_disconnect(&mut self, command: &Command, dirty: bool) -> Result<(), Stop> {
        let args = self.string_args(command, b' ', &["connection_name"], 1)?;
        let wanted = show(&args[0]);
        let index = self
            .sessions
            .iter()
            .position(|s| s.name == wanted)
            .ok_or_else(|| {
                Stop::die(format!(
                    "connection '{wanted}' not found in connection pool"
                ))
            })?;
        let session = &mut self.sessions[index];
        if let Some(conn) = session.conn.take() {
            if dirty {
                conn.dirty_close()
            } else {
                conn.quit()
            }
        }
        session._abort = None;
        session.pending = false;
        session.name = CLOSED_CONNECTION.to_string();
        if self.current == Some(index) {
            self.vars.set_int("mysql_get_server_version", -1);
            self.vars.set_str("CURRENT_CONNECTION", CLOSED_CONNECTION);
        }
        if !self.props.get(Prop::ConnectLog) && !self.props.get(Prop::QueryLog) {
            let mut line = b"disconnect ".to_vec();
            self.rep.append(&mut line, &args[0], self.charset);
            line.extend_from_slice(b";\n");
            self.out.push(&line);
        }
        Ok(())
    }

    /// `connect (name,host,user,password,db,port,socket,options,auth)`.
    pub(crate) fn cmd_connect(&mut self, command: &Command) -> Result<(), Stop> {
        let args = self.connect_args(command)?;
        let (mut opts, socket) = self.connect_options(&args)?;
        let name = show(&args[0]);
        if self.sessions.iter().any(|s| s.name == name) {
            return Err(Stop::die(format!("Connection {name} already exists")));
        }
        let explicit_db = !args[4].is_empty();
        let db = if explicit_db {
            show(&args[4])
        } else {
            self.cfg.database.clone()
        };
        let no_one = db == "*NO-ONE*";
        opts.database = if no_one || db.is_empty() {
            None
        } else {
            Some(db.clone())
        };
        let shown_db = if no_one { "" } else { db.as_str() };
        self.log_connect(command, &args, &opts, shown_db, &socket);
        self.open_named(name, opts, !explicit_db)
    }

    /// The nine arguments of `connect`, expanded and checked.
    fn connect_args(&mut self, command: &Command) -> Result<Vec<Vec<u8>>, Stop> {
        let inner = strip_parentheses(command.argument(), command)?;
        // mysqltest strips the parentheses in place: errors quote the result.
        self.ctx.query = text_after_stripping(command);
        let split = split_args_full(inner, b',', CONNECT_ARGS);
        let mut args = Vec::with_capacity(CONNECT_ARGS);
        for value in &split.values {
            args.push(self.expand(value, false)?);
        }
        for (i, required) in [(0, "connection name"), (1, "host")] {
            if args[i].is_empty() {
                return Err(Stop::die(format!(
                    "Missing required argument '{required}' to command 'connect'"
                )));
            }
        }
        if let Some(extra) = split.extra() {
            return Err(Stop::die(format!(
                "Extra argument '{}' passed to 'connect'",
                show(extra)
            )));
        }
        Ok(args)
    }

    /// The client options `connect` asks for, and the socket it names.
    fn connect_options(&self, args: &[Vec<u8>]) -> Result<(ConnectOptions, String), Stop> {
        let mut opts = self.base_options();
        opts.host = show(&args[1]);
        opts.user = show(&args[2]);
        opts.password = args[3].clone();
        let socket = self.connect_socket(&args[6]);
        opts.socket = Some(PathBuf::from(&socket)).filter(|s| !s.as_os_str().is_empty());
        opts.default_auth = Some(show(&args[8])).filter(|a| !a.is_empty());
        if !args[5].is_empty() {
            opts.port = u16::try_from(atoi(&show(&args[5])))
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| {
                    Stop::die(format!("Illegal argument for port: '{}'", show(&args[5])))
                })?;
        }
        apply_connect_options(&mut opts, &args[7])?;
        Ok((opts, socket))
    }

    /// The lines mysqltest writes before connecting.
    fn log_connect(
        &mut self,
        command: &Command,
        args: &[Vec<u8>],
        opts: &ConnectOptions,
        db: &str,
        socket: &str,
    ) {
        let query_log = !self.props.get(Prop::QueryLog);
        if !self.ctx.expected.is_empty() && query_log {
            let mut line = b"connect(".to_vec();
            for (i, part) in [&args[1][..], &args[2], &args[3], db.as_bytes()]
                .iter()
                .enumerate()
            {
                if i > 0 {
                    line.push(b',');
                }
                self.rep.append(&mut line, part, self.charset);
            }
            line.push(b',');
            self.rep
                .append(&mut line, opts.port.to_string().as_bytes(), self.charset);
            line.push(b',');
            self.rep.append(&mut line, socket.as_bytes(), self.charset);
            line.push(b')');
            line.extend_from_slice(&self.delimiter);
            line.push(b'\n');
            self.out.push(&line);
        }
        if !self.props.get(Prop::ConnectLog) && query_log {
            let mut line = Vec::new();
            self.rep
                .append(&mut line, &text_after_stripping(command), self.charset);
            line.extend_from_slice(b";\n");
            self.out.push(&line);
        }
    }

    /// Connects and registers the session; failures go through `--error`.
    fn open_named(
        &mut self,
        name: String,
        opts: ConnectOptions,
        default_db: bool,
    ) -> Result<(), Stop> {
        if self.sessions.len() >= MAX_CONNECTIONS
            && !self.sessions.iter().any(|s| s.name == CLOSED_CONNECTION)
        {
            return Err(Stop::die(format!(
                "Connection limit exhausted, you can have max {MAX_CONNECTIONS} connections"
            )));
        }
        let mut connect_opts = opts.clone();
        if default_db {
            connect_opts.database = None;
        }
        let mut failed_attempts = 0;
        let conn = loop {
            match Connection::connect(&connect_opts) {
                Ok(conn) => break conn,
                Err(err) => {
                    let code = u32::from(err.code());
                    let limited =
                        matches!(code, ER_TOO_MANY_USER_CONNECTIONS | ER_USER_LIMIT_REACHED);
                    if limited && failed_attempts < self.cfg.max_connect_retries {
                        failed_attempts += 1;
                        if self
                            .ctx
                            .expected
                            .find(code, Some(err.sqlstate()))?
                            .is_none()
                        {
                            self.sleep(CONNECT_RETRY_SLEEP)?;
                            continue;
                        }
                    }
                    self.set_errno(code);
                    let mut ds = Vec::new();
                    let result = self.handle_error(code, err.message(), err.sqlstate(), &mut ds);
                    self.out.push(&ds);
                    return result;
                }
            }
        };
        let mut conn = conn;
        if default_db {
            if let Some(db) = &opts.database {
                let _ = conn.init_db(db.as_bytes());
            }
        }
        self.set_errno(0);
        self.handle_no_error()?;
        self.props.revert(&mut self.vars);
        let reg = self.cancel.register_socket(conn.abort_handle());
        let session = Session::new(name, conn, opts, reg);
        let index = match self
            .sessions
            .iter()
            .position(|s| s.name == CLOSED_CONNECTION && self.sessions.len() >= MAX_CONNECTIONS)
        {
            Some(slot) => {
                self.sessions[slot] = session;
                slot
            }
            None => {
                self.sessions.push(session);
                self.sessions.len() - 1
            }
        };
        self.set_current(index);
        Ok(())
    }

    /// `change_user [user], [password], [db]`.
    pub(crate) fn cmd_change_user(&mut self, command: &Command) -> Result<(), Stop> {
        let args = self.string_args(command, b',', &[], 3)?;
        let index = self.current_session()?;
        let opts = self.sessions[index].opts.clone();
        let (user, password, db) = if args[0].is_empty() {
            let db = if args[2].is_empty() {
                // mysqltest takes the library's idea of the current schema.
                match &self.sessions[index].conn {
                    Some(conn) => conn.schema().map(str::to_string),
                    None => opts.database.clone(),
                }
            } else {
                Some(show(&args[2]))
            };
            let password = if args[1].is_empty() {
                opts.password.clone()
            } else {
                args[1].clone()
            };
            (opts.user.clone(), password, db)
        } else {
            let db = (!args[2].is_empty()).then(|| show(&args[2]));
            (show(&args[0]), args[1].clone(), db)
        };
        let result =
            self.with_connection(index, |c| c.change_user(&user, &password, db.as_deref()));
        match result {
            Ok(()) => {
                let session = &mut self.sessions[index];
                session.opts.user = user;
                session.opts.password = password;
                session.opts.database = db;
                self.handle_no_error()
            }
            Err(err) => {
                let mut ds = Vec::new();
                let r = self.handle_error(
                    u32::from(err.code()),
                    err.message(),
                    err.sqlstate(),
                    &mut ds,
                );
                self.out.push(&ds);
                r
            }
        }
    }

    /// `reset_connection`.
    pub(crate) fn cmd_reset_connection(&mut self) -> Result<(), Stop> {
        let index = self.current_session()?;
        self.with_connection(index, |c| c.reset_connection())
            .map_err(|e| Stop::die(format!("reset connection failed: {}", show(e.message()))))
    }

    /// `send_quit name`: COM_QUIT without closing our side.
    pub(crate) fn cmd_send_quit(&mut self, command: &Command) -> Result<(), Stop> {
        let name = command
            .argument()
            .split(|b| super::super::script::lexer::is_space(*b))
            .next()
            .unwrap_or(b"");
        if name.is_empty() {
            return Err(Stop::die("Missing connection name in send_quit"));
        }
        let wanted = show(name);
        let index = self
            .sessions
            .iter()
            .position(|s| s.name == wanted)
            .ok_or_else(|| {
                Stop::die(format!(
                    "connection '{wanted}' not found in connection pool"
                ))
            })?;
        if let Some(conn) = self.sessions[index].conn.take() {
            conn.quit();
        }
        Ok(())
    }

    /// `ping`.
    pub(crate) fn cmd_ping(&mut self) -> Result<(), Stop> {
        let index = self.current_session()?;
        let failed = self.with_connection(index, |c| c.ping()).is_err();
        self.command_result(u32::from(failed), 0)
    }

    /// `enable_reconnect` / `disable_reconnect`.
    pub(crate) fn cmd_reconnect(&mut self, on: bool) -> Result<(), Stop> {
        let index = self.current_session()?;
        self.sessions[index].reconnect = on;
        Ok(())
    }

    /// Warnings shown after a failure ("Warnings from just before the error").
    pub(crate) fn warnings_before_error(&mut self) -> Option<String> {
        let index = self.current?;
        if self.sessions[index].pending {
            return None;
        }
        let conn = self.sessions[index].conn.as_mut()?;
        let responses = conn.query(b"SHOW WARNINGS").ok()?;
        let Some(crate::client::Response::ResultSet(rs)) = responses.into_iter().next() else {
            return None;
        };
        if rs.rows.len() <= 1 {
            return None;
        }
        let mut text = String::from("\nWarnings from just before the error:\n");
        for row in &rs.rows[..rs.rows.len() - 1] {
            for value in row {
                text.push_str(&show(value.as_deref().unwrap_or(b"NULL")));
                text.push(' ');
            }
            text.push('\n');
        }
        Some(text)
    }

    /// Closes every connection at the end of the run.
    pub(crate) fn close_all(&mut self) {
        for session in &mut self.sessions {
            if let Some(conn) = session.conn.take() {
                if session.pending {
                    conn.dirty_close();
                } else {
                    conn.quit();
                }
            }
        }
    }
}

/// Whether a command failed because sending it found the connection gone
/// (the library then reconnects and sends it again).
fn lost_by_sending(err: &ClientError, conn: &Connection) -> bool {
    err.code() == crate::client::codes::SERVER_GONE
        && err.is_connection_lost()
        && !conn.is_connected()
}

/// `connect (…)` requires matching parentheses when it starts with one.
fn strip_parentheses<'a>(arg: &'a [u8], command: &Command) -> Result<&'a [u8], Stop> {
    let start = arg
        .iter()
        .take_while(|b| super::super::script::lexer::is_space(**b))
        .count();
    if arg.get(start) != Some(&b'(') {
        return Ok(arg);
    }
    let end = arg
        .iter()
        .rposition(|b| !super::super::script::lexer::is_space(*b))
        .unwrap_or(0);
    if arg[end] != b')' {
        return Err(Stop::die(format!(
            "{} - argument list started with '(' must be ended with ')'",
            show(command.first_word())
        )));
    }
    Ok(&arg[start + 1..end])
}

/// The command text as mysqltest logs it after stripping parentheses in
/// place: the `(` becomes a blank and the text ends before the `)`.
fn text_after_stripping(command: &Command) -> Vec<u8> {
    let mut text = command.text.clone();
    let arg = command.arg_offset;
    if text.get(arg) == Some(&b'(') {
        text[arg] = b' ';
        if let Some(close) = text
            .iter()
            .rposition(|b| !super::super::script::lexer::is_space(*b))
        {
            if text[close] == b')' {
                text.truncate(close);
            }
        }
    }
    text
}

/// The connection options of `connect`, as mysqltest reads them.
fn apply_connect_options(opts: &mut ConnectOptions, text: &[u8]) -> Result<(), Stop> {
    for option in text
        .split(|b| super::super::script::lexer::is_space(*b))
        .filter(|o| !o.is_empty())
    {
        apply_connect_option(opts, option)?;
    }
    Ok(())
}

/// One option: exact words, then case-insensitive `name=value` settings.
fn apply_connect_option(opts: &mut ConnectOptions, option: &[u8]) -> Result<(), Stop> {
    match option {
        b"SSL" => opts.ssl = true,
        b"NOSSL" => opts.ssl = false,
        _ if option.starts_with(b"SSL-CIPHER=") => opts.ssl = true,
        b"COMPRESS" => opts.compress = true,
        b"TCP" => opts.protocol = Protocol::Tcp,
        b"DEFAULT" => opts.protocol = Protocol::Default,
        b"SOCKET" => opts.protocol = Protocol::Socket,
        b"PIPE" | b"MEMORY" => {}
        _ => return apply_connect_setting(opts, option),
    }
    Ok(())
}

/// `read_timeout=`, `write_timeout=`, `connect_timeout=`, `CHARSET=`, `auth=`.
fn apply_connect_setting(opts: &mut ConnectOptions, option: &[u8]) -> Result<(), Stop> {
    let text = show(option);
    let lower = text.to_ascii_lowercase();
    let value = |prefix: &str| text[prefix.len()..].to_string();
    let seconds = |prefix: &str| {
        Some(atoi(&value(prefix)))
            .filter(|s| *s > 0)
            .map(Duration::from_secs)
    };
    if lower.starts_with("read_timeout=") {
        if let Some(t) = seconds("read_timeout=") {
            opts.read_timeout = Some(t);
        }
    } else if lower.starts_with("write_timeout=") {
        if let Some(t) = seconds("write_timeout=") {
            opts.write_timeout = Some(t);
        }
    } else if lower.starts_with("connect_timeout=") {
        if let Some(t) = seconds("connect_timeout=") {
            opts.connect_timeout = t;
        }
    } else if lower.starts_with("charset=") {
        let name = value("charset=").to_ascii_lowercase();
        let charset = ClientCharset::by_name(&name)
            .ok_or_else(|| Stop::die(format!("unknown character set '{name}' in connect")))?;
        opts.collation = charset.collation_id();
    } else if lower.starts_with("auth=") {
        opts.restricted_auth = Some(value("auth="));
    } else {
        return Err(Stop::die(format!("Illegal option to connect: {text}")));
    }
    Ok(())
}

/// C's `atoi` on non-negative values: leading digits, else 0.
fn atoi(text: &str) -> u64 {
    let digits: String = text
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap_or(0)
}

/// `major*10000 + minor*100 + patch` from a version string.
pub fn version_number(version: &str) -> u32 {
    let mut parts = version
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    let patch = parts.next().unwrap_or(0);
    major * 10000 + minor * 100 + patch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_options_set_protocol_compression_ssl_and_timeouts() {
        let mut opts = ConnectOptions::default();
        apply_connect_options(
            &mut opts,
            b"COMPRESS TCP read_timeout=50 WRITE_TIMEOUT=7x connect_timeout=2",
        )
        .unwrap();
        assert!(opts.compress);
        assert_eq!(opts.protocol, Protocol::Tcp);
        assert_eq!(opts.read_timeout, Some(Duration::from_secs(50)));
        assert_eq!(opts.write_timeout, Some(Duration::from_secs(7)));
        assert_eq!(opts.connect_timeout, Duration::from_secs(2));
        apply_connect_options(&mut opts, b"SSL SOCKET read_timeout=0 auth=dialog").unwrap();
        assert!(opts.ssl);
        assert_eq!(opts.protocol, Protocol::Socket);
        assert_eq!(opts.read_timeout, Some(Duration::from_secs(50)));
        assert_eq!(opts.restricted_auth.as_deref(), Some("dialog"));
        apply_connect_options(&mut opts, b"NOSSL DEFAULT PIPE MEMORY").unwrap();
        assert!(!opts.ssl);
        assert_eq!(opts.protocol, Protocol::Default);
        apply_connect_options(&mut opts, b"SSL-CIPHER=AES128-SHA").unwrap();
        assert!(opts.ssl);
    }

    #[test]
    fn unknown_connect_options_are_fatal() {
        let mut opts = ConnectOptions::default();
        assert!(apply_connect_options(&mut opts, b"SSLX").is_err());
        assert!(apply_connect_options(&mut opts, b"compress").is_err());
    }

    #[test]
    fn atoi_reads_leading_digits() {
        assert_eq!(atoi("5"), 5);
        assert_eq!(atoi("50"), 50);
        assert_eq!(atoi(" 12abc"), 12);
        assert_eq!(atoi("x"), 0);
    }

    #[test]
    fn server_version_numbers() {
        assert_eq!(version_number("10.11.19-MariaDB-0+deb12u1"), 101119);
        assert_eq!(version_number("8.0.36"), 80036);
    }
}
