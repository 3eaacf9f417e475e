//! A client socket, TCP or Unix, behind one type so the connection code
//! does not care which listener accepted it. A clone of it stays with the
//! server so KILL and shutdown can cut a connection blocked in a read.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::unix::net::UnixStream;

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
