//! A client socket, TCP or Unix, behind one type so the connection code
//! does not care which listener accepted it. A clone of it stays with the
//! server so KILL and shutdown can cut a connection blocked in a read.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

/// How long one read of the closing drain may block.
const DRAIN_STEP: Duration = Duration::from_millis(100);

/// How long the closing drain may take in all.
const DRAIN_LIMIT: Duration = Duration::from_secs(1);

/// An accepted client socket.
#[derive(Debug)]
pub enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Stream {
    /// Another handle on the same socket.
    pub fn try_clone(&self) -> io::Result<Stream> {
        Ok(match self {
            Stream::Tcp(s) => Stream::Tcp(s.try_clone()?),
            Stream::Unix(s) => Stream::Unix(s.try_clone()?),
        })
    }

    /// Shuts down one or both directions; a blocked read then sees the end.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.shutdown(how),
            Stream::Unix(s) => s.shutdown(how),
        }
    }

    /// Ends our side, then discards what the client still sends until it
    /// closes too (bounded), so our last packet is not lost to a reset.
    pub fn drain_and_close(&self) {
        let _ = self.shutdown(Shutdown::Write);
        let Ok(mut reader) = self.try_clone() else {
            return;
        };
        let _ = reader.set_read_timeout(Some(DRAIN_STEP));
        let deadline = Instant::now() + DRAIN_LIMIT;
        let mut sink = [0u8; 4096];
        while Instant::now() < deadline {
            match reader.read(&mut sink) {
                Ok(0) => return,
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return,
            }
        }
    }

    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.set_read_timeout(t),
            Stream::Unix(s) => s.set_read_timeout(t),
        }
    }

    /// The host MariaDB shows for this client: `localhost` for the Unix
    /// socket and loopback, otherwise the peer address.
    pub fn peer_host(&self) -> String {
        match self {
            Stream::Unix(_) => "localhost".to_string(),
            Stream::Tcp(s) => match s.peer_addr() {
                Ok(a) if a.ip().is_loopback() => "localhost".to_string(),
                Ok(a) => a.ip().to_string(),
                Err(_) => "localhost".to_string(),
            },
        }
    }

    /// The host shown in the process list: `localhost:port` for TCP.
    pub fn process_list_host(&self) -> String {
        match self {
            Stream::Unix(_) => "localhost".to_string(),
            Stream::Tcp(s) => match s.peer_addr() {
                Ok(a) => format!("{}:{}", self.peer_host(), a.port()),
                Err(_) => self.peer_host(),
            },
        }
    }

    /// The peer's address as the shutdown log line shows it.
    pub fn peer_ip(&self) -> String {
        match self {
            Stream::Unix(_) => String::new(),
            Stream::Tcp(s) => s
                .peer_addr()
                .map(|a| a.ip().to_string())
                .unwrap_or_default(),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Unix(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Tcp(s) => s.flush(),
            Stream::Unix(s) => s.flush(),
        }
    }
}
