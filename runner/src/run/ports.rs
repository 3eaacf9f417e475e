//! Port ranges for workers. Each worker owns a block of consecutive ports on
//! 127.0.0.1, claimed with a lock file so that several runs on one machine
//! (parallel CI jobs, a developer's two terminals) never share a port. The
//! lock is released when the runner exits, however it exits.

use std::fs::File;
use std::os::fd::AsRawFd;

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
    for block in 0..BLOCKS {
        let first = FIRST_PORT + block * PORTS_PER_WORKER;
        let lock = File::create(dir.join(format!("{first}.lock")))?;
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

/// Whether nothing listens on the block's ports now.
fn ports_free(first: u16) -> bool {
    (first..first + PORTS_PER_WORKER)
        .all(|port| std::net::TcpListener::bind(("127.0.0.1", port)).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_claims_get_different_blocks() {
        let a = claim_block().unwrap();
        let b = claim_block().unwrap();
        assert_ne!(a.first, b.first);
        assert_ne!(a.number(), b.number());
        assert_eq!(a.first % PORTS_PER_WORKER, FIRST_PORT % PORTS_PER_WORKER);
    }
}
