//! What the protocol layer shares across connections beyond
//! `ServerState`: the open sockets (so KILL and shutdown can cut a
//! connection blocked in a read), the stop request, max_allowed_packet
//! and the counters COM_STATISTICS reports.

use std::collections::HashMap;
use std::net::Shutdown;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::stream::Stream;
use crate::server::shutdown::ShutdownSignal;
use crate::server::state::ServerState;

/// MariaDB 10.11's default max_allowed_packet (16 MiB).
pub const DEFAULT_MAX_PACKET: usize = 16 << 20;

/// Shared by every connection of one server.
#[derive(Debug)]
pub struct Shared {
    pub state: Arc<ServerState>,
    pub shutdown: Arc<ShutdownSignal>,
    pub max_packet: usize,
    /// Statements and commands received (`Questions`).
    pub questions: AtomicU64,
    sockets: Mutex<HashMap<u64, Stream>>,
}

impl Shared {
    pub fn new(state: Arc<ServerState>, shutdown: Arc<ShutdownSignal>) -> Shared {
        let max_packet = max_allowed_packet(&state.config.options);
        Shared {
            state,
            shutdown,
            max_packet,
            questions: AtomicU64::new(0),
            sockets: Mutex::new(HashMap::new()),
        }
    }

    /// Remembers a connection's socket under its thread id.
    pub fn add_socket(&self, id: u64, stream: Stream) {
        self.sockets.lock().unwrap().insert(id, stream);
    }

    pub fn remove_socket(&self, id: u64) {
        self.sockets.lock().unwrap().remove(&id);
    }

    /// Stops reading from a connection: its current command still answers,
    /// then its next read sees the end and it closes.
    pub fn stop_reading(&self, id: u64) {
        if let Some(s) = self.sockets.lock().unwrap().get(&id) {
            let _ = s.shutdown(Shutdown::Read);
        }
    }

    /// Cuts every open connection (server shutdown).
    pub fn close_all(&self) {
        for s in self.sockets.lock().unwrap().values() {
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    /// How many connections are open (`Threads`).
    pub fn open_connections(&self) -> usize {
        self.sockets.lock().unwrap().len()
    }

    pub fn count_question(&self) {
        self.questions.fetch_add(1, Ordering::Relaxed);
    }
}

/// max_allowed_packet from the options (`16M`, `1G`, bytes), else the default.
pub fn max_allowed_packet(options: &[(String, String)]) -> usize {
    options
        .iter()
        .rev()
        .find(|(k, _)| k == "max_allowed_packet")
        .and_then(|(_, v)| parse_size(v))
        .unwrap_or(DEFAULT_MAX_PACKET)
}

/// A size with an optional K/M/G suffix, as mariadbd reads it.
pub fn parse_size(v: &str) -> Option<usize> {
    let v = v.trim();
    let (digits, shift) = match v.as_bytes().last()?.to_ascii_uppercase() {
        b'K' => (&v[..v.len() - 1], 10),
        b'M' => (&v[..v.len() - 1], 20),
        b'G' => (&v[..v.len() - 1], 30),
        _ => (v, 0),
    };
    digits.parse::<usize>().ok()?.checked_mul(1 << shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_suffixes() {
        assert_eq!(parse_size("16M"), Some(16 << 20));
        assert_eq!(parse_size("1k"), Some(1024));
        assert_eq!(parse_size("1000"), Some(1000));
        assert_eq!(parse_size("x"), None);
    }

    #[test]
    fn last_max_allowed_packet_wins() {
        let opts = vec![
            ("max_allowed_packet".to_string(), "1K".to_string()),
            ("max_allowed_packet".to_string(), "2K".to_string()),
        ];
        assert_eq!(max_allowed_packet(&opts), 2048);
        assert_eq!(max_allowed_packet(&[]), DEFAULT_MAX_PACKET);
    }
}
