//! Reading the relay log as the SQL thread does: from a file and offset,
//! event by event, on to the next file the index lists, and waiting on
//! the channel's `relay_grown` when everything written has been read.
//! Files enter as bytes on disk; whole events leave, checked for length
//! and (when the latest Format_description says so) CRC32. A bad length,
//! a bad checksum, or an event cut short that can no longer grow is a
//! [`ReadError::Corrupt`], never a panic.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::decode::announces_checksum;
use crate::binlog::crc::crc32;
use crate::binlog::event::{CHECKSUM_LEN, HEADER_LEN, flag, kind};
use crate::replication::channel::{Channel, IoRunning};

/// The largest event the reader accepts (MariaDB's max_allowed_packet ceiling).
const MAX_EVENT: u32 = 1 << 30;

/// How long one wait for the relay log to grow lasts before the stop flag is checked again.
const WAIT_SLICE: Duration = Duration::from_millis(50);

/// What the reader asks its caller while it waits for the relay log to grow.
pub struct Control<'a> {
    /// Whether to give up (STOP SLAVE).
    pub stopping: &'a dyn Fn() -> bool,
    /// Called each time the reader has read everything and waits.
    pub waiting: &'a dyn Fn(),
}

/// One whole event read from the relay log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEvent {
    /// The relay log file (no directory) and the event's offset in it.
    pub file: String,
    pub pos: u64,
    /// The offset after the event.
    pub end: u64,
    /// Header and body, checksum removed.
    pub bytes: Vec<u8>,
}

/// Why reading stopped.
#[derive(Debug)]
pub enum ReadError {
    /// A truncated or corrupt event: the SQL thread stops with 1594.
    Corrupt(String),
    /// The file system failed.
    Io(io::Error),
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Where the relay log lives.
#[derive(Debug, Clone)]
pub struct RelayFiles {
    /// `relay_log_basename`: the directory holds the numbered files.
    pub base: PathBuf,
    pub index: PathBuf,
}

impl RelayFiles {
    /// The file names the index lists, oldest first.
    pub fn names(&self) -> Vec<String> {
        std::fs::read_to_string(&self.index)
            .map(|text| {
                text.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| l.rsplit('/').next().unwrap_or(l).trim().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.base.with_file_name(name)
    }
}

/// A read position in the relay log.
pub struct RelayReader {
    files: RelayFiles,
    file: String,
    pos: u64,
    open: Option<File>,
    /// Whether events carry a CRC32 (from the latest Format_description).
    checksum: bool,
    /// Whether to check the CRC32s (`slave_sql_verify_checksum`).
    verify: bool,
}

impl RelayReader {
    /// A reader at `file`/`pos`; an empty file name means the index's first file.
    pub fn new(files: RelayFiles, file: &str, pos: u64, verify: bool) -> RelayReader {
        RelayReader {
            files,
            file: file.to_string(),
            pos: pos.max(4),
            open: None,
            checksum: true,
            verify,
        }
    }

    /// The file being read and the offset of the next event.
    pub fn position(&self) -> (&str, u64) {
        (&self.file, self.pos)
    }

    /// The next event; None once the caller is stopping.
    pub fn next(
        &mut self,
        channel: &Channel,
        control: &Control<'_>,
    ) -> Result<Option<RawEvent>, ReadError> {
        loop {
            if (control.stopping)() {
                return Ok(None);
            }
            let seen = relay_space(channel);
            if let Some(event) = self.try_next(channel)? {
                return Ok(Some(event));
            }
            (control.waiting)();
            wait_for_growth(channel, seen, control.stopping);
        }
    }

    /// One event if a whole one is there, moving to the next file at the end of one.
    fn try_next(&mut self, channel: &Channel) -> Result<Option<RawEvent>, ReadError> {
        if !self.ensure_open()? {
            return Ok(None);
        }
        if let Some(event) = self.read_event()? {
            return Ok(Some(event));
        }
        // At the end of what is there. Whether the writer may still add to
        // this file is asked before reading again, so an event finished after
        // that read is seen on the next try; the index is read only here.
        let may_grow = self.is_last_file() && io_running(channel);
        match self.read_event()? {
            Some(event) => Ok(Some(event)),
            None if self.at_end()? && !self.is_last_file() => {
                self.advance_file();
                self.try_next(channel)
            }
            None if !self.at_end()? && !may_grow => Err(ReadError::Corrupt(format!(
                "event at {}:{} cut short",
                self.file, self.pos
            ))),
            None => Ok(None),
        }
    }

    /// Opens the current file (the first one when none is named); false while there is none.
    fn ensure_open(&mut self) -> Result<bool, ReadError> {
        if self.open.is_some() {
            return Ok(true);
        }
        if self.file.is_empty() {
            match self.files.names().into_iter().next() {
                Some(first) => self.file = first,
                None => return Ok(false),
            }
        }
        let mut file = match File::open(self.files.path(&self.file)) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        self.checksum = file_checksum(&mut file)?.unwrap_or(self.checksum);
        self.open = Some(file);
        Ok(true)
    }

    fn is_last_file(&self) -> bool {
        self.files.names().last().is_none_or(|l| *l == self.file)
    }

    /// Whether the open file has no bytes past the read position.
    fn at_end(&mut self) -> Result<bool, ReadError> {
        let len = self
            .open
            .as_ref()
            .map_or(Ok(0), |f| f.metadata().map(|m| m.len()))?;
        Ok(len <= self.pos)
    }

    /// Moves to the file after the current one in the index.
    fn advance_file(&mut self) {
        let names = self.files.names();
        if let Some(at) = names.iter().position(|n| *n == self.file) {
            if let Some(next) = names.get(at + 1) {
                self.file = next.clone();
                self.pos = 4;
                self.open = None;
            }
        }
    }

    /// Reads the event at the position if it is all there.
    fn read_event(&mut self) -> Result<Option<RawEvent>, ReadError> {
        let Some(file) = self.open.as_mut() else {
            return Ok(None);
        };
        let Some(header) = read_at(file, self.pos, HEADER_LEN)? else {
            return Ok(None);
        };
        let size = u32::from_le_bytes([header[9], header[10], header[11], header[12]]);
        let least = (HEADER_LEN + if self.checksum { CHECKSUM_LEN } else { 0 }) as u32;
        if !(least..=MAX_EVENT).contains(&size) {
            return Err(ReadError::Corrupt(format!(
                "event at {}:{} has length {size}",
                self.file, self.pos
            )));
        }
        let Some(bytes) = read_at(file, self.pos, size as usize)? else {
            return Ok(None);
        };
        let event = self.checked(bytes)?;
        let start = self.pos;
        self.pos += u64::from(size);
        Ok(Some(RawEvent {
            file: self.file.clone(),
            pos: start,
            end: self.pos,
            bytes: event,
        }))
    }

    /// Strips and checks the checksum; a Format_description sets whether later events have one.
    fn checked(&mut self, mut bytes: Vec<u8>) -> Result<Vec<u8>, ReadError> {
        let is_fde = bytes[4] == kind::FORMAT_DESCRIPTION;
        let summed = if is_fde {
            announces_checksum(&bytes).unwrap_or(false)
        } else {
            self.checksum
        };
        if is_fde {
            self.checksum = summed;
        }
        if !summed {
            return Ok(bytes);
        }
        let split = bytes.len() - CHECKSUM_LEN;
        let stored = u32::from_le_bytes([
            bytes[split],
            bytes[split + 1],
            bytes[split + 2],
            bytes[split + 3],
        ]);
        bytes.truncate(split);
        if self.verify && !checksum_matches(&bytes, stored, is_fde) {
            return Err(ReadError::Corrupt(format!(
                "event at {}:{} fails its checksum",
                self.file, self.pos
            )));
        }
        Ok(bytes)
    }
}

/// Whether `stored` is the CRC32 of the event; a Format_description is
/// summed with its in-use flag cleared.
fn checksum_matches(bytes: &[u8], stored: u32, is_fde: bool) -> bool {
    if crc32(bytes) == stored {
        return true;
    }
    if is_fde && bytes[17] & flag::BINLOG_IN_USE as u8 != 0 {
        let mut cleared = bytes.to_vec();
        cleared[17] &= !(flag::BINLOG_IN_USE as u8);
        return crc32(&cleared) == stored;
    }
    false
}

/// Whether the file's own Format_description (at offset 4) announces checksums.
fn file_checksum(file: &mut File) -> io::Result<Option<bool>> {
    let Some(header) = read_at(file, 4, HEADER_LEN)? else {
        return Ok(None);
    };
    let size = u32::from_le_bytes([header[9], header[10], header[11], header[12]]) as usize;
    if header[4] != kind::FORMAT_DESCRIPTION || size > 4096 {
        return Ok(None);
    }
    Ok(read_at(file, 4, size)?.and_then(|e| announces_checksum(&e)))
}

/// `len` bytes at `pos`, or None when the file is shorter; positioned
/// reads, so no seek per event.
fn read_at(file: &mut File, pos: u64, len: usize) -> io::Result<Option<Vec<u8>>> {
    let mut buf = vec![0u8; len];
    let mut done = 0;
    while done < len {
        match file.read_at(&mut buf[done..], pos + done as u64) {
            Ok(0) => return Ok(None),
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Some(buf))
}

/// Whether the IO thread may still append to the relay log.
fn io_running(channel: &Channel) -> bool {
    channel.io.lock().unwrap_or_else(|e| e.into_inner()).running != IoRunning::No
}

/// The relay log's size as the IO thread last reported it.
fn relay_space(channel: &Channel) -> u64 {
    channel
        .io
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .relay_log_space
}

/// Waits a slice of time for the IO thread to append, unless it has since
/// `seen` (an append between the read and the wait is not waited for) or
/// a stop came (asked under the lock STOP SLAVE notifies with).
fn wait_for_growth(channel: &Channel, seen: u64, stopping: &dyn Fn() -> bool) {
    let io = channel.io.lock().unwrap_or_else(|e| e.into_inner());
    if io.relay_log_space != seen || stopping() {
        return;
    }
    let _ = channel.relay_grown.wait_timeout(io, WAIT_SLICE);
}

/// The relay log files of a server: `relay_log_basename`/`relay_log_index`,
/// or MariaDB's default `<datadir>/<host>-relay-bin` when unset.
pub fn relay_files(globals: &crate::sysvars::SystemVariables, datadir: &Path) -> RelayFiles {
    let text = |name: &str| {
        globals
            .global(name)
            .map(|s| s.as_text().to_string())
            .filter(|t| !t.is_empty())
    };
    let base = text("relay_log_basename")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            datadir.join(format!("{}-relay-bin", crate::sysvars::startup::hostname()))
        });
    let index = text("relay_log_index")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(format!("{}.index", base.display())));
    RelayFiles { base, index }
}

#[cfg(test)]
#[path = "relay_reader_tests.rs"]
mod tests;
