//! Port ranges for workers. Each worker owns a block of consecutive ports on
//! 127.0.0.1, claimed with a lock file so that several runs on one machine
//! (parallel CI jobs, a developer's two terminals) never share a port. The
//! lock is released when the runner exits, however it exits.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};

use anyhow::bail;

/// Ports in one worker's block (mtr reserves 20 per build thread).
pub const PORTS_PER_WORKER: u16 = 20;
/// First port of the first block.
const FIRST_PORT: u16 = 16000;
/// Blocks to try.
const BLOCKS: u16 = 1500;

/// A claimed block of ports.
pub struct PortBlock {
    pub first: u16,
    _lock: File,
}

impl PortBlock {
    /// The block's number, unique among running workers on this machine:
    /// rmtr's counterpart of mtr's build thread (`$MTR_BUILD_THREAD`).
    pub fn number(&self) -> u16 {
        (self.first - FIRST_PORT) / PORTS_PER_WORKER
    }
}

/// Claims the first free block.
pub fn claim_block() -> anyhow::Result<PortBlock> {
    let dir = std::env::temp_dir().join("rmtr-ports");
    std::fs::create_dir_all(&dir)?;
    // Every user of the machine claims blocks here, as in /tmp itself.
    let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o1777));
    for block in 0..BLOCKS {
        let first = FIRST_PORT + block * PORTS_PER_WORKER;
        let Some(lock) = open_lock(&dir.join(format!("{first}.lock"))) else {
            continue;
        };
        // SAFETY: flock on a file descriptor we own.
        let locked = unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
        if locked && ports_free(first) {
            return Ok(PortBlock { first, _lock: lock });
        }
    }
    bail!(
        "no free block of {PORTS_PER_WORKER} ports between {FIRST_PORT} and {}",
        FIRST_PORT + BLOCKS * PORTS_PER_WORKER
    )
}

/// The block's lock file: created, or opened read-only when another user
/// made it (flock needs no write access); `None` when neither is allowed.
fn open_lock(path: &std::path::Path) -> Option<File> {
    let created = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o666)
        .open(path);
    created.or_else(|_| File::open(path)).ok()
}

/// Whether nothing listens on the block's ports now.
fn ports_free(first: u16) -> bool {
    (first..first + PORTS_PER_WORKER)
        .all(|port| std::net::TcpListener::bind(("127.0.0.1", port)).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_file_that_cannot_be_written_still_locks() {
        let dir = std::env::temp_dir().join(format!("rmtr-ports-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("1.lock");
        std::fs::write(&path, "").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let lock = open_lock(&path).expect("read-only open");
        // SAFETY: flock on a file descriptor we own.
        assert_eq!(
            unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
            0
        );
        assert!(open_lock(&dir.join("missing/2.lock")).is_none());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn two_claims_get_different_blocks() {
        let a = claim_block().unwrap();
        let b = claim_block().unwrap();
        assert_ne!(a.first, b.first);
        assert_ne!(a.number(), b.number());
        assert_eq!(a.first % PORTS_PER_WORKER, FIRST_PORT % PORTS_PER_WORKER);
    }
}
