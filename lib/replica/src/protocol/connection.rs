//! One client connection from accept to close: the handshake and login,
//! then a loop reading one command packet at a time and dispatching it to
//! one function per command, until COM_QUIT, a KILL, a fatal packet error
//! or server shutdown. The session does the SQL; this file only moves
//! packets between the socket and the session.

use std::io;
use std::sync::Arc;

use mysql_common::constants::CapabilityFlags;

use super::command::{self, Command};
use super::errors;
use super::framing::{FrameError, PacketIo};
use super::greeting::{self, NATIVE_PASSWORD, SCRAMBLE_LEN};
use super::login::{self, LoginRequest};
use super::packets::{self, Trailer};
use super::result_charset;
use super::results;
use super::shared::Shared;
use super::statistics::{self, Statistics};
use super::stream::Stream;
use crate::accounts::AccountName;
use crate::error::ServerError;
use crate::replication::master;
use crate::session::outcome::{OkInfo, Outcome};
use crate::session::registry::ThreadEntry;
use crate::session::{Session, StatementResult};

/// The user a connection shows before it has logged in.
const UNAUTHENTICATED: &str = "unauthenticated user";

/// Whether the command loop goes on after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    Close,
}

/// A logged-in connection.
struct Connection {
    io: PacketIo<Stream>,
    shared: Arc<Shared>,
    session: Session,
    caps: CapabilityFlags,
    scramble: [u8; SCRAMBLE_LEN],
    /// `localhost` or the client's address, for access-denied texts.
    host: String,
    user: String,
}

/// Serves one accepted socket until it closes.
pub fn serve(stream: Stream, shared: Arc<Shared>) {
    let host = stream.peer_host();
    let thread = shared
        .state
        .threads
        .register(UNAUTHENTICATED, &stream.process_list_host(), None);
    thread.begin("Connect", None);
    if let Ok(clone) = stream.try_clone() {
        shared.add_socket(thread.id, clone);
    }
    if let Ok(clone) = stream.try_clone() {
        let state = Arc::clone(&shared.state);
        thread.set_waker(Box::new(move || {
            let _ = clone.shutdown(std::net::Shutdown::Read);
            // A binlog dump waits on the log, not on the socket.
            if let Some(log) = &state.binlog {
                log.wake_waiters();
            }
        }));
    }
    let io = PacketIo::new(stream, shared.max_packet);
    if let Some(mut conn) = login_phase(io, &shared, &thread, host) {
        conn.run();
        conn.session.close();
    }
    shared.remove_socket(thread.id);
    shared.state.master.forget(thread.id);
    shared.state.threads.unregister(thread.id);
}

/// Greets, reads the login, checks it; the connection if it succeeded.
fn login_phase(
    mut io: PacketIo<Stream>,
    shared: &Arc<Shared>,
    thread: &Arc<ThreadEntry>,
    host: String,
) -> Option<Connection> {
    let scramble = greeting::new_scramble();
    io.send(&greeting::handshake_v10(thread.id, &scramble))
        .ok()?;
    let packet = io.read_packet().ok()?;
    let Some(mut req) = login::parse_handshake_response(&packet) else {
        send_fatal(&mut io, &errors::bad_handshake());
        return None;
    };
    req.auth = switch_plugin_if_asked(&mut io, &req, &scramble).ok()?;
    let session = Session::new(Arc::clone(&shared.state), Arc::clone(thread));
    let mut conn = Connection {
        io,
        shared: Arc::clone(shared),
        session,
        caps: req.caps & greeting::server_capabilities(),
        scramble,
        host,
        user: req.user.clone(),
    };
    match conn.accept_login(&req) {
        Ok(()) => Some(conn),
        Err(e) => {
            send_fatal(&mut conn.io, &e);
            None
        }
    }
}

/// Sends a last ERR and lets the client read it before the socket closes
/// (closing with unread input would reset the connection and lose it).
fn send_fatal(io: &mut PacketIo<Stream>, e: &ServerError) {
    if io.send(&packets::err(e)).is_ok() {
        io.stream().drain_and_close();
    }
}

/// Asks for mysql_native_password when the client answered for another
/// plugin; returns the auth data to check.
fn switch_plugin_if_asked(
    io: &mut PacketIo<Stream>,
    req: &LoginRequest,
    scramble: &[u8; SCRAMBLE_LEN],
) -> Result<Vec<u8>, FrameError> {
    match req.plugin.as_deref() {
        Some(p)
            if p != NATIVE_PASSWORD && req.caps.contains(CapabilityFlags::CLIENT_PLUGIN_AUTH) =>
        {
            io.send(&greeting::auth_switch(scramble))?;
            io.read_packet()
        }
        _ => Ok(req.auth.clone()),
    }
}

impl Connection {
    /// Checks the account and the requested database, then says OK.
    fn accept_login(&mut self, req: &LoginRequest) -> Result<(), ServerError> {
        let accounts = &self.shared.state.accounts;
        let ip = self.io.stream().peer_ip();
        self.session.account = login::check_account(
            accounts,
            &req.user,
            (&self.host, &ip),
            &self.scramble,
            &req.auth,
        )?;
        self.check_expired_password(req)?;
        self.session.login = AccountName::new(&req.user, &self.host);
        self.session.thread.set_user(&req.user);
        self.session.vars.adopt_client_collation(req.collation);
        if let Some(db) = &req.db {
            self.session.init_db(db)?;
        }
        self.session.thread.begin("Sleep", None);
        self.send_ok(&OkInfo::default())
            .map(drop)
            .map_err(|_| errors::bad_handshake())
    }

    /// An expired password: MariaDB refuses the login (1862) when
    /// disconnect_on_expired_password is on and the client cannot handle
    /// expired passwords; otherwise the session is sandboxed (1820).
    fn check_expired_password(&mut self, req: &LoginRequest) -> Result<(), ServerError> {
        let state = &self.shared.state;
        if !state.accounts.password_expired(&self.session.account) {
            return Ok(());
        }
        let disconnect = state
            .globals
            .global("disconnect_on_expired_password")
            .is_some_and(|s| s.as_bool());
        if disconnect
            && !req
                .caps
                .contains(CapabilityFlags::CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS)
        {
            return Err(crate::accounts::errors::must_change_password_login());
        }
        self.session.password_expired = true;
        Ok(())
    }

    /// The command loop.
    fn run(&mut self) {
        loop {
            self.io.reset_seq();
            let packet = match self.io.read_packet() {
                Ok(p) => p,
                Err(e) => {
                    self.report_frame_error(&e);
                    return;
                }
            };
            if self.killed() {
                return;
            }
            match self.dispatch(&packet) {
                Ok(Flow::Continue) if !self.killed() => {}
                _ => return,
            }
        }
    }

    fn killed(&self) -> bool {
        self.session.thread.kill.connection_killed() || self.shared.shutdown.is_requested()
    }

    /// Sends the ERR a broken packet deserves before closing.
    fn report_frame_error(&mut self, e: &FrameError) {
        if let Some(err) = e.to_server_error() {
            send_fatal(&mut self.io, &err);
        }
    }

    /// One function per command.
    fn dispatch(&mut self, packet: &[u8]) -> io::Result<Flow> {
        self.shared.count_question();
        match command::decode(packet) {
            Command::Quit => Ok(Flow::Close),
            Command::InitDb(db) => self.com_init_db(db),
            Command::Query(sql) => self.com_query(sql),
            Command::FieldList => self.com_field_list(),
            Command::Shutdown => self.com_shutdown(),
            Command::Statistics => self.com_statistics(),
            Command::ProcessKill(id) => self.com_process_kill(id),
            Command::Debug => self.send_eof(),
            Command::Ping => self.send_ok(&OkInfo::default()),
            Command::ChangeUser(body) => self.com_change_user(body),
            Command::RegisterSlave(body) => self.com_register_slave(body),
            Command::BinlogDump(body) => self.com_binlog_dump(body),
            Command::SetOption(option) => self.com_set_option(option),
            Command::ResetConnection => self.com_reset_connection(),
            Command::Unknown(_) => self.send_err(&errors::unknown_command()),
        }
    }

    fn com_query(&mut self, sql: &[u8]) -> io::Result<Flow> {
        let mut results: Vec<(StatementResult, bool)> = Vec::new();
        self.session.run_query(sql, &mut |result, more| {
            results.push((result, more));
            Ok(())
        })?;
        let out_charset = self
            .session
            .vars
            .character_set_results()
            .map(str::to_string);
        for (result, more) in &mut results {
            if let Ok(Outcome::Rows(set)) = result {
                result_charset::convert(set, out_charset.as_deref());
            }
            let trailer = self.trailer(*more);
            results::queue_result(&mut self.io, result, trailer, self.caps);
        }
        self.io.flush()?;
        Ok(Flow::Continue)
    }

    fn com_init_db(&mut self, db: &[u8]) -> io::Result<Flow> {
        let db = String::from_utf8_lossy(db).into_owned();
        match self.session.init_db(&db) {
            Ok(()) => self.send_ok(&OkInfo::default()),
            Err(e) => self.send_err(&e),
        }
    }

    /// COM_FIELD_LIST: no table has fields to list yet.
    fn com_field_list(&mut self) -> io::Result<Flow> {
        if self.session.db.is_none() {
            return self.send_err(&errors::no_database_selected());
        }
        self.send_eof()
    }

    fn com_shutdown(&mut self) -> io::Result<Flow> {
        if let Err(e) = crate::sql::exec::accounts::require_shutdown(&self.session) {
            return self.send_err(&e);
        }
        self.send_eof()?;
        let initiator = format!(
            "{user}[{user}] @ {host} [{ip}]",
            user = self.user,
            host = self.host,
            ip = self.io.stream().peer_ip()
        );
        self.shared.shutdown.request(&initiator);
        Ok(Flow::Close)
    }

    fn com_statistics(&mut self) -> io::Result<Flow> {
        let stats = Statistics {
            uptime_secs: self.shared.state.started.elapsed().as_secs(),
            threads: self.shared.open_connections(),
            questions: self
                .shared
                .questions
                .load(std::sync::atomic::Ordering::Relaxed),
            opens: 0,
            open_tables: 0,
        };
        self.io.send(statistics::format(&stats).as_bytes())?;
        Ok(Flow::Continue)
    }

    fn com_process_kill(&mut self, id: u64) -> io::Result<Flow> {
        let Some(victim) = self.shared.state.threads.get(id) else {
            return self.send_err(&errors::no_such_thread(id));
        };
        victim.kill_connection();
        self.shared.stop_reading(id);
        self.send_ok(&OkInfo::default())
    }

    fn com_register_slave(&mut self, body: &[u8]) -> io::Result<Flow> {
        let (state, thread) = (&self.shared.state, &self.session.thread);
        match master::register_slave(state, thread, &self.host, body) {
            Ok(()) => self.send_ok(&OkInfo::default()),
            Err(e) => self.send_err(&e),
        }
    }

    /// COM_BINLOG_DUMP: streams until the dump ends, then closes.
    fn com_binlog_dump(&mut self, body: &[u8]) -> io::Result<Flow> {
        let shared = Arc::clone(&self.shared);
        let thread = Arc::clone(&self.session.thread);
        let stop = || thread.kill.connection_killed() || shared.shutdown.is_requested();
        let session = &self.session;
        let xid_pause = || crate::debug::hooks::dump_waits_before_xid(session);
        let ending = master::binlog_dump(
            &mut self.io,
            &shared.state,
            &thread,
            &session.user_vars,
            body,
            &stop,
            &xid_pause,
        );
        match ending {
            master::Ending::Eof => self.send_eof()?,
            master::Ending::Failed(e) => self.send_err(&e)?,
            master::Ending::Closed => Flow::Close,
        };
        Ok(Flow::Close)
    }

    fn com_change_user(&mut self, body: &[u8]) -> io::Result<Flow> {
        let Some(mut req) = login::parse_change_user(body, self.caps) else {
            send_fatal(&mut self.io, &errors::bad_handshake());
            return Ok(Flow::Close);
        };
        req.auth = match switch_plugin_if_asked(&mut self.io, &req, &self.scramble) {
            Ok(auth) => auth,
            Err(_) => return Ok(Flow::Close),
        };
        self.fresh_session();
        self.user = req.user.clone();
        match self.accept_login(&req) {
            Ok(()) => Ok(Flow::Continue),
            Err(e) => {
                send_fatal(&mut self.io, &e);
                Ok(Flow::Close)
            }
        }
    }

    /// COM_SET_OPTION: multi-statements on (0) or off (1).
    fn com_set_option(&mut self, option: u16) -> io::Result<Flow> {
        match option {
            0 => self.caps.insert(CapabilityFlags::CLIENT_MULTI_STATEMENTS),
            1 => self.caps.remove(CapabilityFlags::CLIENT_MULTI_STATEMENTS),
            _ => return self.send_err(&errors::unknown_command()),
        }
        self.send_eof()
    }

    fn com_reset_connection(&mut self) -> io::Result<Flow> {
        self.fresh_session();
        self.send_ok(&OkInfo::default())
    }

    /// Ends the session and starts a new one on the same thread id, keeping
    /// the login and the handshake's scramble (COM_CHANGE_USER answers it).
    fn fresh_session(&mut self) {
        self.session.close();
        let thread = Arc::clone(&self.session.thread);
        let (account, login) = (self.session.account.clone(), self.session.login.clone());
        self.session = Session::new(Arc::clone(&self.shared.state), thread);
        (self.session.account, self.session.login) = (account, login);
    }

    fn trailer(&self, more: bool) -> Trailer {
        Trailer {
            status: results::status_flags(self.session.status(), more),
            warnings: self.session.warning_count(),
        }
    }

    fn send_ok(&mut self, info: &OkInfo) -> io::Result<Flow> {
        let payload = packets::ok(info, self.trailer(false), self.caps);
        self.io.send(&payload)?;
        Ok(Flow::Continue)
    }

    fn send_eof(&mut self) -> io::Result<Flow> {
        let payload = packets::eof(self.trailer(false));
        self.io.send(&payload)?;
        Ok(Flow::Continue)
    }

    fn send_err(&mut self, e: &ServerError) -> io::Result<Flow> {
        self.io.send(&packets::err(e))?;
        Ok(Flow::Continue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::config::ServerConfig;
    use crate::server::shutdown::ShutdownSignal;
    use crate::server::state::ServerState;
    use proptest::prelude::*;
    use std::io::{Read, Write};
    use std::net::Shutdown;
    use std::os::unix::net::UnixStream;

    fn shared() -> Arc<Shared> {
        let state = ServerState::new(ServerConfig::default());
        Arc::new(Shared::new(state, Arc::new(ShutdownSignal::new().unwrap())))
    }

    fn frame(seq: u8, payload: &[u8]) -> Vec<u8> {
        let mut f = (payload.len() as u32).to_le_bytes()[..3].to_vec();
        f.push(seq);
        f.extend_from_slice(payload);
        f
    }

    fn login_frame() -> Vec<u8> {
        let caps: u32 = 0x0200 | 0x8000 | 0x0008_0000;
        let mut p = caps.to_le_bytes().to_vec();
        p.extend_from_slice(&[0, 0, 0, 1, 45]);
        p.extend_from_slice(&[0; 23]);
        p.extend_from_slice(b"root\0\0mysql_native_password\0");
        frame(1, &p)
    }

    /// Feeds `input` to a connection whose client then hangs up; returns
    /// everything the server wrote, after the connection has ended.
    fn converse(shared: &Arc<Shared>, input: &[u8]) -> Vec<u8> {
        let (mut client, server) = UnixStream::pair().unwrap();
        client.write_all(input).unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        serve(Stream::Unix(server), Arc::clone(shared));
        read_until_closed(&mut client)
    }

    /// Everything readable until EOF or a reset (closing with unread input resets).
    fn read_until_closed(client: &mut UnixStream) -> Vec<u8> {
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = client.read(&mut buf) {
            out.extend_from_slice(&buf[..n]);
        }
        out
    }

    #[test]
    fn ping_after_login_answers_ok_then_hang_up_unregisters() {
        let shared = shared();
        let mut input = login_frame();
        input.extend(frame(0, &[0x0E]));
        let out = converse(&shared, &input);
        let ok = frame(2, &[0, 0, 0, 2, 0, 0, 0]);
        let ping_ok = frame(1, &[0, 0, 0, 2, 0, 0, 0]);
        assert!(out.ends_with(&[ok, ping_ok].concat()));
        assert!(shared.state.threads.snapshot().is_empty());
        assert_eq!(shared.open_connections(), 0);
    }

    #[test]
    fn a_killed_connection_answers_nothing_more() {
        let shared = shared();
        let mut input = login_frame();
        input.extend(frame(0, &[0x0C, 1, 0, 0, 0]));
        input.extend(frame(0, &[0x0E]));
        let out = converse(&shared, &input);
        // Login OK (seq 2), then the self-KILL's OK (seq 1); the ping is never answered.
        let tail = [
            frame(2, &[0, 0, 0, 2, 0, 0, 0]),
            frame(1, &[0, 0, 0, 2, 0, 0, 0]),
        ]
        .concat();
        assert!(out.ends_with(&tail));
    }

    #[test]
    fn com_shutdown_requests_a_server_stop() {
        let shared = shared();
        let mut input = login_frame();
        input.extend(frame(0, &[0x08, 0]));
        let out = converse(&shared, &input);
        assert!(out.ends_with(&frame(1, &[0xFE, 0, 0, 2, 0])));
        assert!(shared.shutdown.is_requested());
        assert_eq!(shared.shutdown.initiator(), "root[root] @ localhost []");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn arbitrary_handshake_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let shared = shared();
            converse(&shared, &bytes);
            prop_assert!(shared.state.threads.snapshot().is_empty());
        }

        #[test]
        fn arbitrary_commands_after_login_never_panic(
            commands in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..64), 0..8)
        ) {
            let shared = shared();
            let mut input = login_frame();
            for c in &commands {
                input.extend(frame(0, c));
            }
            converse(&shared, &input);
            prop_assert!(shared.state.threads.snapshot().is_empty());
        }
    }
}
