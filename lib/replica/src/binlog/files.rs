//! The binary log files: `<base>.000001`, … and `<base>.index` listing
//! them. One `BinaryLog` per server, behind a mutex: groups of events
//! enter whole (a GTID is assigned and written first), FLUSH LOGS and the
//! size limit rotate to the next file, RESET MASTER and PURGE remove
//! files, and a clean shutdown closes the open file with a Stop event.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::delete_domain::{Deletion, delete_domains};
use super::event::{self, Event, gtid_flag};
use super::gtid::{Gtid, GtidState};
use crate::server::config::VERSION;
use crate::sysvars::{Setting, SystemVariables};

/// Where the files go and what their first event says.
#[derive(Debug, Clone)]
pub struct LogSettings {
    /// `log_bin_basename`: the path without the number.
    pub base: PathBuf,
    /// `log_bin_index`.
    pub index: PathBuf,
    /// The server version the Format_description event names.
    pub version: String,
    pub server_id: u32,
    /// `max_binlog_size`: rotate once a file grows past it.
    pub max_size: u64,
}

/// Why PURGE BINARY LOGS TO failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurgeError {
    /// The file is not in the index (1373).
    NotFound,
}

/// The open log and its state.
#[derive(Debug)]
struct Open {
    /// File names in the index, oldest first; the last one is open.
    names: Vec<String>,
    file: File,
    position: u64,
    state: GtidState,
    server_id: u32,
    next_xid: u64,
    /// RESET MASTERs so far: a reader of a removed file must stop.
    resets: u64,
}

/// Where the log ends now, as a dump thread compares it with what it sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEnd {
    /// The open file's name.
    pub file: String,
    /// The end of its last complete event group.
    pub pos: u64,
    /// RESET MASTERs so far.
    pub resets: u64,
}

/// The server's binary log.
#[derive(Debug)]
pub struct BinaryLog {
    settings: LogSettings,
    open: Mutex<Open>,
    /// Signalled after every change of the end (write, rotate, reset,
    /// close) and by `wake_waiters`, so dump threads wake at once.
    changed: Condvar,
}

/// Seconds since the epoch, the events' timestamp.
pub fn now() -> u32 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as u32)
}

impl BinaryLog {
    /// Opens the log at start-up: the next numbered file after those the
    /// index lists, its state carried on from the newest one.
    pub fn open(settings: LogSettings) -> io::Result<BinaryLog> {
        let names = read_index(&settings.index)?;
        let mut state = GtidState::default();
        if let Some(last) = names.last() {
            let path = settings.base.with_file_name(last);
            if let Ok(bytes) = fs::read(path) {
                for g in super::reader::gtids(&bytes) {
                    state.record(g);
                }
            }
        }
        let number = names.last().and_then(|n| file_number(n)).unwrap_or(0) + 1;
        let ts = now();
        let open = start_file(&settings, names, number, state, ts, ts)?;
        Ok(BinaryLog {
            settings,
            open: Mutex::new(open),
            changed: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Where the log ends now.
    pub fn end(&self) -> LogEnd {
        end_of(&self.lock())
    }

    /// Waits until the end moves past `seen`, `stop()` holds, or `timeout`
    /// passes; returns the end then. `stop` is checked under the lock, so
    /// a `wake_waiters` after setting what it checks is never missed.
    pub fn wait_for_change(
        &self,
        seen: &LogEnd,
        timeout: Option<Duration>,
        stop: &dyn Fn() -> bool,
    ) -> LogEnd {
        let deadline = timeout.map(|t| std::time::Instant::now() + t);
        let mut open = self.lock();
        loop {
            let now = end_of(&open);
            if &now != seen || stop() {
                return now;
            }
            let left = match deadline {
                Some(d) => match d.checked_duration_since(std::time::Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => return now,
                },
                None => None,
            };
            open = match left {
                Some(left) => {
                    self.changed
                        .wait_timeout(open, left)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
                None => self.changed.wait(open).unwrap_or_else(|e| e.into_inner()),
            };
        }
    }

    /// Wakes every waiting dump thread (a KILL or shutdown to notice).
    pub fn wake_waiters(&self) {
        let _open = self.lock();
        self.changed.notify_all();
    }

    /// The path of a file the index lists.
    pub fn path_of(&self, name: &str) -> Option<PathBuf> {
        let known = self.lock().names.iter().any(|n| n == name);
        known.then(|| self.settings.base.with_file_name(name))
    }

    /// The file names in the index, oldest first.
    pub fn names(&self) -> Vec<String> {
        self.lock().names.clone()
    }

    /// Writes one event group: a Gtid event with `gtid_flags`, then
    /// `events`; returns the GTID given to it.
    pub fn write_group(
        &self,
        domain_id: u32,
        server_id: u32,
        gtid_flags: u8,
        events: Vec<Event>,
    ) -> io::Result<Gtid> {
        self.write_group_in_commit(domain_id, server_id, gtid_flags, None, events)
    }

    /// [`Self::write_group`] with the group commit id its Gtid event carries, if any.
    pub fn write_group_in_commit(
        &self,
        domain_id: u32,
        server_id: u32,
        gtid_flags: u8,
        commit_id: Option<u64>,
        events: Vec<Event>,
    ) -> io::Result<Gtid> {
        let mut open = self.lock();
        let gtid = open.state.next(domain_id, server_id);
        let head = (gtid_flags, commit_id);
        self.write_locked(&mut open, gtid, head, &events)
    }

    /// Writes a group under a GTID of its own: a replicated group keeps
    /// its origin's domain, server id (in every event header) and sequence number.
    pub fn write_replicated_group(
        &self,
        gtid: Gtid,
        gtid_flags: u8,
        events: Vec<Event>,
    ) -> io::Result<Gtid> {
        let mut open = self.lock();
        let written = self.write_locked(&mut open, gtid, (gtid_flags, None), &events);
        open.server_id = self.settings.server_id;
        written
    }

    /// Appends the group; `head` is the Gtid event's flags and commit id.
    fn write_locked(
        &self,
        open: &mut Open,
        gtid: Gtid,
        head: (u8, Option<u64>),
        events: &[Event],
    ) -> io::Result<Gtid> {
        open.server_id = gtid.server_id;
        let timestamp = events.first().map_or_else(now, |e| e.timestamp);
        let (flags, commit_id) = head;
        let head =
            event::gtid_in_commit_group(timestamp, gtid.seq_no, gtid.domain_id, flags, commit_id);
        append(open, &head)?;
        for e in events {
            append(open, e)?;
        }
        open.state.record(gtid);
        if open.position > self.settings.max_size {
            self.rotate_locked(open)?;
        }
        self.changed.notify_all();
        Ok(gtid)
    }

    /// A fresh xid for a transaction's Xid event or a DDL's status.
    pub fn next_xid(&self) -> u64 {
        let mut open = self.lock();
        open.next_xid += 1;
        open.next_xid
    }

    /// FLUSH LOGS: closes the open file with a Rotate event, opens the next.
    pub fn rotate(&self) -> io::Result<()> {
        let mut open = self.lock();
        let done = self.rotate_locked(&mut open);
        self.changed.notify_all();
        done
    }

    fn rotate_locked(&self, open: &mut Open) -> io::Result<()> {
        let number = open.names.last().and_then(|n| file_number(n)).unwrap_or(0) + 1;
        let next = file_name(&self.settings.base, number);
        append(open, &event::rotate(now(), &next))?;
        close_file(open)?;
        let previous = open.names.last().cloned();
        let names = std::mem::take(&mut open.names);
        let mut fresh = start_file(&self.settings, names, number, open.state.clone(), now(), 0)?;
        if previous.is_some() {
            // The new file first names the previous one as still needed,
            // then itself once the previous one's transactions are durable.
            let own = fresh.names.last().cloned().unwrap_or_default();
            append(&mut fresh, &event::binlog_checkpoint(now(), &own))?;
        }
        fresh.next_xid = open.next_xid;
        fresh.resets = open.resets;
        *open = fresh;
        Ok(())
    }

    /// FLUSH BINARY LOGS DELETE_DOMAIN_ID: drops the domains no file
    /// still needs from the state, then rotates if any was dropped.
    pub fn delete_domains(
        &self,
        ids: &[u32],
    ) -> io::Result<Result<Deletion, (Vec<String>, String)>> {
        let mut open = self.lock();
        let oldest = open
            .names
            .first()
            .and_then(|n| fs::read(self.settings.base.with_file_name(n)).ok())
            .map(|bytes| super::reader::opening_gtid_list(&bytes))
            .unwrap_or_default();
        let deletion = match delete_domains(&mut open.state, ids, &oldest) {
            Ok(d) => d,
            Err(refused) => return Ok(Err(refused)),
        };
        if deletion.changed {
            self.rotate_locked(&mut open)?;
            self.changed.notify_all();
        }
        Ok(Ok(deletion))
    }

    /// RESET MASTER: removes every file and starts again at `.000001`.
    pub fn reset(&self) -> io::Result<()> {
        let mut open = self.lock();
        for name in &open.names {
            let _ = fs::remove_file(self.settings.base.with_file_name(name));
        }
        let ts = now();
        let (next_xid, resets) = (open.next_xid, open.resets + 1);
        let fresh = start_file(&self.settings, Vec::new(), 1, GtidState::default(), ts, ts);
        open.resets = resets;
        self.changed.notify_all();
        *open = fresh?;
        open.next_xid = next_xid;
        open.resets = resets;
        Ok(())
    }

    /// PURGE BINARY LOGS TO 'name': removes the files before it.
    pub fn purge_to(&self, name: &str) -> io::Result<Result<(), PurgeError>> {
        let mut open = self.lock();
        let Some(at) = open.names.iter().position(|n| n == name) else {
            return Ok(Err(PurgeError::NotFound));
        };
        for old in open.names.drain(..at) {
            let _ = fs::remove_file(self.settings.base.with_file_name(old));
        }
        write_index(&self.settings.index, &open.names)?;
        Ok(Ok(()))
    }

    /// Clean shutdown: a Stop event, and the file marked as closed.
    pub fn close(&self) -> io::Result<()> {
        let mut open = self.lock();
        append(&mut open, &event::stop(now()))?;
        let closed = close_file(&mut open);
        self.changed.notify_all();
        closed
    }

    /// The open file's name and the position of its end (SHOW MASTER STATUS).
    pub fn status(&self) -> (String, u64) {
        let open = self.lock();
        (
            open.names.last().cloned().unwrap_or_default(),
            open.position,
        )
    }

    /// Every file in the index with its size (SHOW BINARY LOGS).
    pub fn files(&self) -> Vec<(String, u64)> {
        let open = self.lock();
        open.names
            .iter()
            .map(|n| {
                let path = self.settings.base.with_file_name(n);
                (n.clone(), fs::metadata(path).map_or(0, |m| m.len()))
            })
            .collect()
    }

    /// The bytes of a file in the index, for SHOW BINLOG EVENTS.
    pub fn read(&self, name: &str) -> Option<Vec<u8>> {
        let known = self.lock().names.iter().any(|n| n == name);
        known
            .then(|| fs::read(self.settings.base.with_file_name(name)).ok())
            .flatten()
    }

    /// The GTID state now: the last GTID of each domain.
    pub fn gtid_state(&self) -> GtidState {
        self.lock().state.clone()
    }

    /// `@@gtid_binlog_pos`.
    pub fn gtid_pos(&self) -> String {
        self.lock().state.to_string()
    }

    /// Shows the GTID state in `gtid_binlog_pos`, `gtid_binlog_state`
    /// and `gtid_current_pos` (no slave side yet: the same value).
    pub fn publish(&self, globals: &SystemVariables) {
        let pos = self.gtid_pos();
        for name in ["gtid_binlog_pos", "gtid_binlog_state", "gtid_current_pos"] {
            globals.set_server_value(name, Setting::Text(Some(pos.clone())));
        }
    }
}

/// Opens file `number`, writes its opening events and adds it to the index.
fn start_file(
    settings: &LogSettings,
    mut names: Vec<String>,
    number: u32,
    state: GtidState,
    timestamp: u32,
    created: u32,
) -> io::Result<Open> {
    let name = file_name(&settings.base, number);
    let path = settings.base.with_file_name(&name);
    let file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .open(&path)?;
    let checkpoint = names.last().cloned().unwrap_or_else(|| name.clone());
    names.push(name);
    write_index(&settings.index, &names)?;
    let mut open = Open {
        names,
        file,
        position: 0,
        state,
        server_id: settings.server_id,
        next_xid: 0,
        resets: 0,
    };
    open.file.write_all(&[0xfe, b'b', b'i', b'n'])?;
    open.position = 4;
    append(
        &mut open,
        &event::format_description(timestamp, &settings.version, created),
    )?;
    let list = open.state.list();
    append(&mut open, &event::gtid_list(timestamp, &list))?;
    append(&mut open, &event::binlog_checkpoint(timestamp, &checkpoint))?;
    Ok(open)
}

fn end_of(open: &Open) -> LogEnd {
    LogEnd {
        file: open.names.last().cloned().unwrap_or_default(),
        pos: open.position,
        resets: open.resets,
    }
}

/// Writes one event at the end of the open file.
fn append(open: &mut Open, e: &Event) -> io::Result<()> {
    let bytes = e.frame(open.server_id, open.position);
    open.file.write_all(&bytes)?;
    open.position += bytes.len() as u64;
    Ok(())
}

/// Clears the in-use flag of the file's Format_description event.
fn close_file(open: &mut Open) -> io::Result<()> {
    use std::io::{Seek, SeekFrom};
    open.file.seek(SeekFrom::Start(4 + 17))?;
    open.file.write_all(&[0])?;
    open.file.seek(SeekFrom::End(0))?;
    open.file.flush()
}

/// `base.NNNNNN`, the file name alone.
pub fn file_name(base: &Path, number: u32) -> String {
    let stem = base
        .file_name()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    format!("{stem}.{number:06}")
}

/// The number a log file's name ends in.
pub fn file_number(name: &str) -> Option<u32> {
    name.rsplit('.').next()?.parse().ok()
}

/// The file names the index lists (`./name` lines, as MariaDB writes them).
pub fn read_index(path: &Path) -> io::Result<Vec<String>> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(text
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| l.rsplit('/').next().unwrap_or(l).to_string())
            .collect()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Writes an index as MariaDB does: one `./name` line per file.
pub fn write_index(path: &Path, names: &[String]) -> io::Result<()> {
    let text: String = names.iter().map(|n| format!("./{n}\n")).collect();
    fs::write(path, text)
}

/// The server's log when `log_bin` is ON and the datadir is on disk;
/// publishes its GTID state to the globals. A log that cannot be opened
/// leaves the server without one.
pub fn open_for(globals: &SystemVariables, persistent: bool) -> Option<BinaryLog> {
    if !globals.log_bin() || !persistent {
        return None;
    }
    let text = |name: &str| globals.global(name).map(|s| s.as_text().to_string());
    let settings = LogSettings {
        base: PathBuf::from(text("log_bin_basename")?),
        index: PathBuf::from(text("log_bin_index")?),
        version: format!("{VERSION}-log"),
        server_id: globals.server_id() as u32,
        max_size: globals
            .global("max_binlog_size")
            .map_or(1 << 30, |s| s.as_u64()),
    };
    let log = BinaryLog::open(settings).ok()?;
    log.publish(globals);
    Some(log)
}

/// The GTID flags of a statement-based group.
pub fn group_flags(ddl: bool, transactional: bool) -> u8 {
    match (ddl, transactional) {
        (true, _) => gtid_flag::STANDALONE | gtid_flag::ALLOW_PARALLEL | gtid_flag::DDL,
        (false, true) => gtid_flag::TRANSACTIONAL | gtid_flag::ALLOW_PARALLEL,
        (false, false) => gtid_flag::ALLOW_PARALLEL,
    }
}

#[cfg(test)]
#[path = "files_tests.rs"]
mod tests;
