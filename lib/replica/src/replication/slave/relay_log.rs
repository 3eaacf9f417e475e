//! The relay log as MariaDB 10.11 writes it: numbered files
//! `<base>.000001`, … listed in `<base>.index`. Each file opens with the
//! slave's own Format_description (flagged as a relay-log event), then
//! holds the master's events byte for byte as the IO thread received
//! them. A Rotate from the master, or a file grown past the size limit,
//! closes the file with the slave's own Rotate and opens the next one.
//! Bytes enter through `append`; the files are read back by SHOW RELAYLOG
//! EVENTS and the SQL thread.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::PathBuf;

use crate::binlog::event::{self, Event};
use crate::binlog::files::{file_name, file_number, now, read_index, write_index};

/// `LOG_EVENT_RELAY_LOG_F`: the flag of the events the slave writes itself.
pub const RELAY_LOG_FLAG: u16 = 0x40;

/// Where the files go and what their first event says.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    /// `relay_log_basename`: the path without the number.
    pub base: PathBuf,
    /// `relay_log_index`.
    pub index: PathBuf,
    /// The server version the Format_description names.
    pub version: String,
    /// The slave's own server id, on the events it writes itself.
    pub server_id: u32,
    /// `max_relay_log_size` (or `max_binlog_size` when that is 0).
    pub max_size: u64,
}

/// The open relay log.
#[derive(Debug)]
pub struct RelayLog {
    settings: RelaySettings,
    /// File names in the index, oldest first; the last one is open.
    names: Vec<String>,
    file: File,
    position: u64,
    /// The bytes of the closed files, so `space` needs no file system call.
    closed_space: u64,
}

impl RelayLog {
    /// Opens the next numbered file after those the index lists. The first
    /// file of a server run records its creation time, as MariaDB's does.
    pub fn open(settings: RelaySettings, first_of_run: bool) -> io::Result<RelayLog> {
        let names = read_index(&settings.index)?;
        let number = names.last().and_then(|n| file_number(n)).unwrap_or(0) + 1;
        let ts = now();
        let created = if first_of_run { ts } else { 0 };
        let closed_space = names
            .iter()
            .map(|n| fs::metadata(settings.base.with_file_name(n)).map_or(0, |m| m.len()))
            .sum();
        let (file, names) = start_file(&settings, names, number)?;
        let mut log = RelayLog {
            settings,
            names,
            file,
            position: 0,
            closed_space,
        };
        log.write_header(ts, created)?;
        Ok(log)
    }

    /// Appends one event of the master exactly as received; rotates when the
    /// file has grown past the size limit.
    pub fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file.write_all(bytes)?;
        self.position += bytes.len() as u64;
        if self.position > self.settings.max_size {
            self.rotate()?;
        }
        Ok(())
    }

    /// Closes the open file with the slave's own Rotate and opens the next.
    pub fn rotate(&mut self) -> io::Result<()> {
        let number = self.names.last().and_then(|n| file_number(n)).unwrap_or(0) + 1;
        let next = file_name(&self.settings.base, number);
        let mut rotate = event::rotate(now(), &next);
        rotate.flags = RELAY_LOG_FLAG;
        self.write_own(&rotate)?;
        self.file.flush()?;
        self.closed_space += self.position;
        let ts = now();
        let names = std::mem::take(&mut self.names);
        let (file, names) = start_file(&self.settings, names, number)?;
        self.file = file;
        self.names = names;
        self.position = 0;
        self.write_header(ts, 0)
    }

    /// Removes every file and the index (RESET SLAVE).
    pub fn remove_all(self) -> io::Result<()> {
        for name in &self.names {
            let _ = fs::remove_file(self.settings.base.with_file_name(name));
        }
        match fs::remove_file(&self.settings.index) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Removes every file and starts again at `.000001` (CHANGE MASTER, or
    /// START SLAVE in GTID mode, purging the relay logs).
    pub fn purge_all(self) -> io::Result<RelayLog> {
        let settings = self.settings.clone();
        self.remove_all()?;
        RelayLog::open(settings, false)
    }

    /// The open file's name, without its directory.
    pub fn current(&self) -> String {
        self.names.last().cloned().unwrap_or_default()
    }

    /// The first file in the index (where a purged relay log starts).
    pub fn first(&self) -> String {
        self.names.first().cloned().unwrap_or_default()
    }

    /// The total size of the files (`Relay_Log_Space`), kept as they grow.
    pub fn space(&self) -> u64 {
        self.closed_space + self.position
    }

    /// The bytes of a file in the index, for SHOW RELAYLOG EVENTS.
    pub fn read(&self, name: &str) -> Option<Vec<u8>> {
        self.names
            .iter()
            .any(|n| n == name)
            .then(|| fs::read(self.settings.base.with_file_name(name)).ok())
            .flatten()
    }

    /// Every file in the index, oldest first.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The magic number and the slave's own Format_description.
    fn write_header(&mut self, timestamp: u32, created: u32) -> io::Result<()> {
        self.file.write_all(&[0xfe, b'b', b'i', b'n'])?;
        self.position = 4;
        let mut fde = event::format_description(timestamp, &self.settings.version, created);
        fde.flags = RELAY_LOG_FLAG;
        self.write_own(&fde)
    }

    fn write_own(&mut self, e: &Event) -> io::Result<()> {
        let bytes = e.frame(self.settings.server_id, self.position);
        self.file.write_all(&bytes)?;
        self.position += bytes.len() as u64;
        Ok(())
    }
}

/// The relay log of a server with a datadir on disk, by its
/// `relay_log_basename` / `relay_log_index`; None without one.
pub fn open_for(state: &crate::server::state::ServerState, first_of_run: bool) -> Option<RelayLog> {
    if !state.storage.is_persistent() {
        return None;
    }
    let globals = &state.globals;
    let text = |name: &str| globals.global(name).map(|s| s.as_text().to_string());
    let max_size = match globals
        .global("max_relay_log_size")
        .map_or(0, |s| s.as_u64())
    {
        0 => globals
            .global("max_binlog_size")
            .map_or(1 << 30, |s| s.as_u64()),
        n => n,
    };
    let settings = RelaySettings {
        base: PathBuf::from(text("relay_log_basename").filter(|t| !t.is_empty())?),
        index: PathBuf::from(text("relay_log_index").filter(|t| !t.is_empty())?),
        version: format!("{}-log", crate::server::config::VERSION),
        server_id: globals.server_id() as u32,
        max_size,
    };
    RelayLog::open(settings, first_of_run).ok()
}

/// Creates file `number` and lists it in the index.
fn start_file(
    settings: &RelaySettings,
    mut names: Vec<String>,
    number: u32,
) -> io::Result<(File, Vec<String>)> {
    let name = file_name(&settings.base, number);
    let file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .open(settings.base.with_file_name(&name))?;
    names.push(name);
    write_index(&settings.index, &names)?;
    Ok((file, names))
}

#[cfg(test)]
#[path = "relay_log_tests.rs"]
mod tests;
