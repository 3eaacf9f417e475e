//! The slaves connected to this master: each COM_REGISTER_SLAVE records
//! its slave under the connection's thread id, and each running binlog
//! dump its slave's server id, until that connection ends. SHOW SLAVE
//! HOSTS reads the registrations; a new dump from the same server id
//! finds the old one here to end it.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::request::RegisterSlave;

/// One registered slave, as SHOW SLAVE HOSTS shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaveHost {
    pub server_id: u32,
    /// The report host, or the connection's host when the slave sent none.
    pub host: String,
    pub port: u16,
    /// The id the slave named, or this master's own.
    pub master_id: u32,
}

/// Registrations and dumps, by thread id.
#[derive(Debug, Default)]
pub struct MasterState {
    hosts: Mutex<BTreeMap<u64, SlaveHost>>,
    dumps: Mutex<BTreeMap<u64, u32>>,
}

impl MasterState {
    /// Records a registration, replacing an earlier one of the same thread.
    pub fn register(&self, thread: u64, request: &RegisterSlave, peer_host: &str, own_id: u32) {
        let host = SlaveHost {
            server_id: request.server_id,
            host: if request.host.is_empty() {
                peer_host.to_string()
            } else {
                request.host.clone()
            },
            port: request.port,
            master_id: if request.master_id == 0 {
                own_id
            } else {
                request.master_id
            },
        };
        lock(&self.hosts).insert(thread, host);
    }

    /// Notes that `thread` now dumps the binlog to `server_id`; returns
    /// the other threads dumping to the same (non-zero) server id.
    pub fn start_dump(&self, thread: u64, server_id: u32) -> Vec<u64> {
        let mut dumps = lock(&self.dumps);
        let zombies = dumps
            .iter()
            .filter(|&(&t, &s)| server_id != 0 && s == server_id && t != thread)
            .map(|(&t, _)| t)
            .collect();
        dumps.insert(thread, server_id);
        zombies
    }

    /// Forgets everything about a connection that ended.
    pub fn forget(&self, thread: u64) {
        lock(&self.hosts).remove(&thread);
        lock(&self.dumps).remove(&thread);
    }

    /// The registered slaves, in thread order.
    pub fn hosts(&self) -> Vec<SlaveHost> {
        lock(&self.hosts).values().cloned().collect()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(server_id: u32, host: &str) -> RegisterSlave {
        RegisterSlave {
            server_id,
            host: host.into(),
            user: String::new(),
            password: String::new(),
            port: 3307,
            master_id: 0,
        }
    }

    #[test]
    fn empty_report_host_shows_the_connections_host_and_own_id() {
        let m = MasterState::default();
        m.register(5, &request(2, ""), "localhost", 1);
        m.register(6, &request(3, "h3"), "localhost", 1);
        let hosts = m.hosts();
        assert_eq!(hosts[0].host, "localhost");
        assert_eq!(hosts[0].master_id, 1);
        assert_eq!(hosts[1].host, "h3");
        m.forget(5);
        assert_eq!(m.hosts().len(), 1);
    }

    #[test]
    fn a_second_dump_for_one_server_id_finds_the_first() {
        let m = MasterState::default();
        assert!(m.start_dump(5, 2).is_empty());
        assert!(m.start_dump(7, 0).is_empty());
        assert!(m.start_dump(8, 0).is_empty());
        assert_eq!(m.start_dump(6, 2), vec![5]);
        m.forget(5);
        assert!(m.start_dump(9, 3).is_empty());
    }
}
