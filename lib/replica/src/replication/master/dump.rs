//! One binlog dump: from the start file and position (or the GTID start)
//! to the end of the log, then waiting for more. Each file's stream opens
//! with an artificial Rotate and its Format_description; its events go
//! out as written (checksums included), each behind the OK byte, filtered
//! by GTID in GTID mode; at a file's end the next file in the index
//! follows; when caught up the dump waits on the binlog (Heartbeats while
//! idle) until new events, a KILL, shutdown, or RESET MASTER. A request
//! and options come in; packets leave through a `Sink`; how it ended
//! comes back.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use super::errors::{self, Coordinates};
use super::frames::{self, header};
use super::gtid_start::{self, ConnectState};
use super::options::DumpOptions;
use super::request::{DUMP_NON_BLOCK, DumpRequest};
use super::scan;
use super::skip::GtidFilter;
use super::until::{FLAG_UNTIL_REACHED, UntilFilter};
use crate::binlog::BinaryLog;
use crate::binlog::event::{CHECKSUM_LEN, HEADER_LEN, kind};
use crate::binlog::files::LogEnd;
use crate::error::ServerError;
use crate::session::registry::ThreadEntry;

/// Process-list states of a dump thread, as MariaDB shows them.
pub mod state {
    pub const SENDING: &str = "Sending binlog event to slave";
    pub const WAITING: &str = "Master has sent all binlog to slave; waiting for more updates";
    pub const NEXT_FILE: &str = "Finished reading one binlog; switching to next binlog";
    pub const ENDING: &str = "Waiting to finalize termination";
}

/// Where the dump's packets go.
pub trait Sink {
    /// Queues one packet payload.
    fn queue(&mut self, payload: &[u8]);
    /// Sends what is queued.
    fn flush(&mut self) -> io::Result<()>;
}

/// How a dump ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// A non-blocking dump reached the end: EOF follows.
    Eof,
    /// Killed, shut down or the slave went away: nothing more to send.
    Closed,
    /// An error for the slave.
    Failed(ServerError),
}

/// What the dump reads besides the request.
pub struct DumpEnv<'a> {
    pub log: Option<&'a BinaryLog>,
    /// This master's server id, on the events it makes up.
    pub server_id: u32,
    pub thread: &'a ThreadEntry,
    /// Whether to stop now: KILL or shutdown.
    pub stop: &'a dyn Fn() -> bool,
    /// Whether `dump_thread_wait_before_send_xid` is on now, and the
    /// signals its wait uses (a debug hook; None in unit tests).
    pub xid_pause: Option<(&'a dyn Fn() -> bool, &'a crate::debug::signals::Signals)>,
}

/// Serves one COM_BINLOG_DUMP.
pub fn run(
    sink: &mut dyn Sink,
    request: &DumpRequest,
    opts: &DumpOptions,
    env: &DumpEnv<'_>,
) -> Ending {
    let Some(log) = env.log else {
        return Ending::Failed(errors::fatal("Binary log is not open"));
    };
    let mut dump = match Dump::start(sink, request, opts, env, log) {
        Ok(d) => d,
        Err(e) => return Ending::Failed(e),
    };
    match dump.files() {
        Ok(ending) => ending,
        Err(Stop::Closed) => Ending::Closed,
        Err(Stop::UntilReached) => Ending::Eof,
        Err(Stop::Error(e)) => Ending::Failed(e),
    }
}

/// Why the stream stops early.
enum Stop {
    Closed,
    /// The slave's UNTIL position has been sent: EOF follows.
    UntilReached,
    Error(ServerError),
}

impl From<io::Error> for Stop {
    /// A failed write means the slave is gone.
    fn from(_: io::Error) -> Stop {
        Stop::Closed
    }
}

/// The state of a running dump.
struct Dump<'a> {
    sink: &'a mut dyn Sink,
    env: &'a DumpEnv<'a>,
    log: &'a BinaryLog,
    opts: &'a DumpOptions,
    request: &'a DumpRequest,
    filter: GtidFilter,
    /// START SLAVE UNTIL master_gtid_pos: where the dump ends.
    until: Option<UntilFilter>,
    /// The file being read, its handle (kept open: RESET MASTER may remove it).
    file: String,
    handle: File,
    /// Where the next event starts, and where the last one started.
    pos: u64,
    last_pos: u64,
    /// RESET MASTERs seen when the dump started.
    resets: u64,
    /// Whether the stream's events carry checksums (the current file's, or the slave's wish before one).
    checksum: bool,
    /// The first Format_description goes out with log_pos 0 (start past it).
    clear_log_pos: bool,
}

impl<'a> Dump<'a> {
    /// Finds the start file and position and checks them.
    fn start(
        sink: &'a mut dyn Sink,
        request: &'a DumpRequest,
        opts: &'a DumpOptions,
        env: &'a DumpEnv<'a>,
        log: &'a BinaryLog,
    ) -> Result<Dump<'a>, ServerError> {
        let resets = log.end().resets;
        let (file, pos, filter) = match &opts.connect_state {
            Some(text) => gtid_start(log, text, opts)?,
            None => file_start(log, request)?,
        };
        let until = until_filter(opts)?;
        let handle = log
            .path_of(&file)
            .and_then(|p| File::open(p).ok())
            .ok_or_else(|| {
                errors::fatal("Could not find first log file name in binary log index file")
            })?;
        let length = handle.metadata().map_or(0, |m| m.len());
        if pos < 4 || pos > length {
            return Err(errors::impossible_position(&request.file, pos));
        }
        Ok(Dump {
            sink,
            env,
            log,
            opts,
            request,
            filter,
            until,
            file,
            handle,
            pos,
            last_pos: pos,
            resets,
            checksum: opts.checksum_crc32,
            clear_log_pos: pos > 4,
        })
    }

    /// Streams file after file until the dump ends.
    fn files(&mut self) -> Result<Ending, Stop> {
        loop {
            self.open_stream()?;
            if let Some(ending) = self.one_file()? {
                return Ok(ending);
            }
            self.env.thread.set_state(state::NEXT_FILE);
            self.next_file()?;
        }
    }

    /// The artificial Rotate and the Format_description that open a file's stream.
    fn open_stream(&mut self) -> Result<(), Stop> {
        let rotate = frames::fake_rotate(self.env.server_id, &self.file, self.pos, self.checksum);
        self.send_event(&rotate);
        let fd = scan::event_at(&mut self.handle, 4)
            .ok()
            .flatten()
            .filter(|e| e[4] == kind::FORMAT_DESCRIPTION)
            .ok_or_else(|| {
                self.fatal("Failed to find format descriptor event in start of binlog")
            })?;
        // Coordinates as MariaDB's are once it has read the event.
        let start = self.pos;
        (self.last_pos, self.pos) = (4, 4 + fd.len() as u64);
        self.checksum = frames::format_checksums(&fd);
        if self.checksum && !self.opts.checksum_aware {
            return Err(self.fatal(
                "Slave can not handle replication events with the checksum that master is configured to log",
            ));
        }
        let keep_temporaries = self.opts.connect_state.is_some() && !self.filter.start_reached();
        let sent = frames::format_description_for_slave(&fd, self.clear_log_pos, keep_temporaries);
        self.clear_log_pos = false;
        self.send_event(&sent);
        if start != 4 {
            self.pos = start;
        }
        Ok(())
    }

    /// Sends the current file to its end; Some when the dump is over.
    fn one_file(&mut self) -> Result<Option<Ending>, Stop> {
        loop {
            if (self.env.stop)() {
                return Err(Stop::Closed);
            }
            let (end, active) = self.readable_end();
            if self.pos < end {
                self.env.thread.set_state(state::SENDING);
                self.send_range(end)?;
                continue;
            }
            if !active {
                self.sink.flush()?;
                return Ok(None);
            }
            if self.request.flags & DUMP_NON_BLOCK != 0 || self.request.server_id == 0 {
                self.sink.flush()?;
                return Ok(Some(Ending::Eof));
            }
            self.sink.flush()?;
            self.wait()?;
        }
    }

    /// Whether `end` is where this dump has sent up to.
    fn caught_up(&self, end: &LogEnd) -> bool {
        end.file == self.file && end.resets == self.resets && end.pos <= self.pos
    }

    /// How far the current file can be read, and whether it is the one written to.
    fn readable_end(&self) -> (u64, bool) {
        let end = self.log.end();
        if end.file == self.file && end.resets == self.resets {
            (end.pos, true)
        } else {
            (self.handle.metadata().map_or(self.pos, |m| m.len()), false)
        }
    }

    /// Sends the events from the current position up to `end`.
    fn send_range(&mut self, end: u64) -> Result<(), Stop> {
        let mut bytes = vec![0u8; (end - self.pos) as usize];
        self.handle
            .seek(SeekFrom::Start(self.pos))
            .map_err(|_| self.read_error())?;
        self.handle
            .read_exact(&mut bytes)
            .map_err(|_| self.read_error())?;
        let mut at = 0usize;
        while at < bytes.len() {
            let size = header(&bytes[at..]).map_or(0, |h| h.size);
            let least = HEADER_LEN + if self.checksum { CHECKSUM_LEN } else { 0 };
            if size < least {
                return Err(self.fatal("bogus data in log event"));
            }
            if at + size > bytes.len() {
                return Err(self.fatal(
                    "binlog truncated in the middle of event; consider out of disk space on master",
                ));
            }
            self.last_pos = self.pos;
            self.pos += size as u64;
            self.one_event(&bytes[at..at + size])?;
            at += size;
        }
        Ok(())
    }

    /// Sends one event (unless the GTID filter skips it), and the
    /// artificial Gtid_list when the slave's start has just been passed.
    fn one_event(&mut self, event: &[u8]) -> Result<(), Stop> {
        let h = header(event).ok_or_else(|| self.fatal("bogus data in log event"))?;
        let body_end = event.len() - if self.checksum { CHECKSUM_LEN } else { 0 };
        let body = &event[HEADER_LEN..body_end];
        let log = self.log;
        let verdict = self
            .filter
            .event(h.kind, h.server_id, body, &|| scan::binlog_state(log))
            .map_err(|e| Stop::Error(errors::skip(&e)))?;
        let until = self
            .until
            .as_mut()
            .map(|u| u.event(h.kind, h.server_id, body));
        if verdict.send && !until.is_some_and(|u| u.hold_back) {
            if h.kind == kind::XID {
                self.pause_before_xid()?;
            }
            self.send_event(event);
        }
        if verdict.then_gtid_list {
            let list = frames::fake_gtid_list(
                self.env.server_id,
                &self.filter.seen(),
                self.pos as u32,
                self.checksum,
            );
            self.send_event(&list);
        }
        if until.is_some_and(|u| u.reached) {
            return Err(self.until_reached());
        }
        Ok(())
    }

    /// `dump_thread_wait_before_send_xid`: what is queued goes out, then the dump waits.
    fn pause_before_xid(&mut self) -> Result<(), Stop> {
        let Some((on, signals)) = self.env.xid_pause else {
            return Ok(());
        };
        if on() {
            self.sink.flush()?;
            crate::debug::hooks::dump_before_xid(signals, self.env.thread);
        }
        Ok(())
    }

    /// Ends the dump at the UNTIL position: the flagged Gtid_list, then EOF.
    fn until_reached(&mut self) -> Stop {
        let state = self
            .until
            .as_ref()
            .map(UntilFilter::state)
            .unwrap_or_default();
        let list = frames::flagged_gtid_list(
            self.env.server_id,
            &state,
            FLAG_UNTIL_REACHED,
            self.pos as u32,
            self.checksum,
        );
        self.send_event(&list);
        match self.sink.flush() {
            Ok(()) => Stop::UntilReached,
            Err(_) => Stop::Closed,
        }
    }

    /// Waits for the log to grow, sending a Heartbeat each idle period.
    fn wait(&mut self) -> Result<(), Stop> {
        self.env.thread.set_state(state::WAITING);
        let seen: LogEnd = self.log.end();
        // Written since `one_file` found nothing to send: waiting for the
        // next change would hold this event back until another write.
        if !self.caught_up(&seen) {
            return Ok(());
        }
        let now = self
            .log
            .wait_for_change(&seen, self.opts.heartbeat, self.env.stop);
        if (self.env.stop)() {
            return Err(Stop::Closed);
        }
        if now == seen && self.opts.heartbeat.is_some() {
            let beat = frames::heartbeat(self.env.server_id, &self.file, self.pos, self.checksum);
            self.send_event(&beat);
            self.sink.flush()?;
        }
        Ok(())
    }

    /// Moves to the file after the current one in the index.
    fn next_file(&mut self) -> Result<(), Stop> {
        let names = self.log.names();
        let next = names
            .iter()
            .position(|n| *n == self.file)
            .filter(|_| self.log.end().resets == self.resets)
            .and_then(|i| names.get(i + 1))
            .ok_or_else(|| self.fatal("could not find next log"))?
            .clone();
        let handle = self
            .log
            .path_of(&next)
            .and_then(|p| File::open(p).ok())
            .ok_or_else(|| self.fatal("could not find next log"))?;
        self.file = next;
        self.handle = handle;
        self.pos = 4;
        self.last_pos = 4;
        Ok(())
    }

    /// Queues an event behind the OK byte.
    fn send_event(&mut self, event: &[u8]) {
        let mut packet = Vec::with_capacity(event.len() + 1);
        packet.push(0);
        packet.extend_from_slice(event);
        self.sink.queue(&packet);
    }

    fn read_error(&self) -> Stop {
        self.fatal("I/O error reading log event")
    }

    /// 1236 with the coordinates reached.
    fn fatal(&self, reason: &str) -> Stop {
        Stop::Error(errors::fatal_at(
            reason,
            &Coordinates {
                start_file: self.request.file.clone(),
                start_pos: u64::from(self.request.pos),
                file: self.file.clone(),
                last_pos: self.last_pos,
                pos: self.pos,
            },
        ))
    }
}

/// GTID mode: the checked connect state, and the file to start in.
fn gtid_start(
    log: &BinaryLog,
    text: &str,
    opts: &DumpOptions,
) -> Result<(String, u64, GtidFilter), ServerError> {
    let mut state = ConnectState::parse(text).map_err(|e| errors::start(&e))?;
    state
        .check(&scan::binlog_state(log), opts.gtid_ignore_duplicates)
        .map_err(|e| errors::start(&e))?;
    let file = gtid_start::start_file(&scan::file_lists(log), &mut state)
        .map_err(|e| errors::start(&e))?;
    Ok((file, 4, GtidFilter::gtid(state, opts.gtid_strict_mode)))
}

/// The UNTIL condition a GTID-mode slave set, or MariaDB's refusal of it.
fn until_filter(opts: &DumpOptions) -> Result<Option<UntilFilter>, ServerError> {
    match (&opts.connect_state, &opts.until_gtid) {
        (Some(_), Some(text)) => UntilFilter::parse(text).map(Some).map_err(|_| {
            ServerError::new(
                1105,
                "HY000",
                "Out of memory or malformed slave request when obtaining UNTIL position sent from slave",
            )
        }),
        _ => Ok(None),
    }
}

/// File/position mode: the named file (the first when none) and position.
fn file_start(
    log: &BinaryLog,
    request: &DumpRequest,
) -> Result<(String, u64, GtidFilter), ServerError> {
    let names = log.names();
    let file = if request.file.is_empty() {
        names.first().cloned()
    } else {
        names.iter().find(|n| **n == request.file).cloned()
    };
    let file = file.ok_or_else(|| {
        errors::fatal("Could not find first log file name in binary log index file")
    })?;
    Ok((file, u64::from(request.pos), GtidFilter::off()))
}

impl<S: io::Read + io::Write> Sink for crate::protocol::framing::PacketIo<S> {
    fn queue(&mut self, payload: &[u8]) {
        crate::protocol::framing::PacketIo::queue(self, payload);
    }

    fn flush(&mut self) -> io::Result<()> {
        crate::protocol::framing::PacketIo::flush(self)
    }
}

#[cfg(test)]
#[path = "dump_tests.rs"]
mod tests;
