//! A handle that can cut a connection's socket from another thread, so a
//! read blocked on a hung statement returns at once (as "lost connection").
//! It holds a duplicate of the socket; nothing else is shared.

use super::transport::Transport;

/// Shuts down a connection's socket from anywhere.
#[derive(Debug)]
pub struct AbortHandle {
    socket: Option<Transport>,
}

impl AbortHandle {
    /// A handle on a duplicate of `socket` (none if it could not be duplicated).
    pub(crate) fn new(socket: Option<Transport>) -> Self {
        AbortHandle { socket }
    }

    /// Shuts the socket down both ways; the connection's reads and writes then fail.
    pub fn abort(&self) {
        if let Some(socket) = &self.socket {
            socket.shutdown();
        }
    }
}
