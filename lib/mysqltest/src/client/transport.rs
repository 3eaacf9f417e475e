//! The byte stream under the packet layer: a TCP socket or a Unix-domain
//! socket, chosen when connecting. Both read, write, take timeouts, shut
//! down and duplicate the same way, so the layers above never ask which.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::time::Duration;

/// A connected socket to the server.
#[derive(Debug)]
pub(crate) enum Transport {
    /// TCP/IP, to a host and port.
    Tcp(TcpStream),
    /// A Unix-domain socket (what `localhost` means to the client library).
    Unix(UnixStream),
}

impl Transport {
    /// Limits how long a read may block; `None` waits forever.
    pub(crate) fn set_read_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        let timeout = timeout.filter(|t| !t.is_zero());
        match self {
            Transport::Tcp(s) => s.set_read_timeout(timeout),
            Transport::Unix(s) => s.set_read_timeout(timeout),
        }
    }

    /// Limits how long a write may block; `None` waits forever.
    pub(crate) fn set_write_timeout(&self, timeout: Option<Duration>) -> io::Result<()> {
        let timeout = timeout.filter(|t| !t.is_zero());
        match self {
            Transport::Tcp(s) => s.set_write_timeout(timeout),
            Transport::Unix(s) => s.set_write_timeout(timeout),
        }
    }

    /// Shuts the socket down; pending and later reads and writes fail.
    pub(crate) fn shutdown(&self) {
        let _ = match self {
            Transport::Tcp(s) => s.shutdown(Shutdown::Both),
            Transport::Unix(s) => s.shutdown(Shutdown::Both),
        };
    }

    /// A second handle on the same socket (for cutting it from another thread).
    pub(crate) fn try_clone(&self) -> io::Result<Transport> {
        Ok(match self {
            Transport::Tcp(s) => Transport::Tcp(s.try_clone()?),
            Transport::Unix(s) => Transport::Unix(s.try_clone()?),
        })
    }

    /// Whether the socket has something to read right now (data, or the
    /// peer's close): the library's test that an idle connection died.
    pub(crate) fn readable_now(&self) -> bool {
        let mut poll = libc::pollfd {
            fd: self.raw_fd(),
            events: libc::POLLIN | libc::POLLPRI,
            revents: 0,
        };
        // SAFETY: `poll` points at one valid pollfd for the duration of the call.
        unsafe { libc::poll(&mut poll, 1, 0) > 0 }
    }

    /// The socket's file descriptor.
    fn raw_fd(&self) -> RawFd {
        match self {
            Transport::Tcp(s) => s.as_raw_fd(),
            Transport::Unix(s) => s.as_raw_fd(),
        }
    }

    /// Whether this is a Unix-domain socket (which plugins treat as secure).
    pub(crate) fn is_unix(&self) -> bool {
        matches!(self, Transport::Unix(_))
    }
}

impl Read for Transport {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Transport::Tcp(s) => s.read(buf),
            Transport::Unix(s) => s.read(buf),
        }
    }
}

impl Write for Transport {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Transport::Tcp(s) => s.write(buf),
            Transport::Unix(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Transport::Tcp(s) => s.flush(),
            Transport::Unix(s) => s.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_pairs_read_write_and_shut_down() {
        let (a, b) = UnixStream::pair().unwrap();
        let mut a = Transport::Unix(a);
        let mut b = Transport::Unix(b);
        assert!(a.is_unix());
        a.write_all(b"ping").unwrap();
        let mut buf = [0u8; 4];
        b.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"ping");
        let cut = b.try_clone().unwrap();
        cut.shutdown();
        assert_eq!(b.read(&mut buf).unwrap(), 0);
    }

    #[test]
    fn a_closed_peer_makes_the_socket_readable() {
        let (a, b) = UnixStream::pair().unwrap();
        let a = Transport::Unix(a);
        assert!(!a.readable_now());
        drop(b);
        assert!(a.readable_now());
    }

    #[test]
    fn read_timeouts_expire() {
        let (a, _b) = UnixStream::pair().unwrap();
        let mut a = Transport::Unix(a);
        a.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
        let err = a.read(&mut [0u8; 1]).unwrap_err();
        assert!(matches!(
            err.kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
        ));
    }
}
