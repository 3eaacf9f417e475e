//! The byte stream under the packet layer: a TCP socket or a Unix-domain
//! socket, chosen when connecting. Both read, write, take timeouts, shut
//! down and duplicate the same way, so the layers above never ask which.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
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
