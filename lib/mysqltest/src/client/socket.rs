//! Opening the TCP socket: resolve the host (with the resolver's own error
//! number, which the client library prints), connect within the timeout,
//! and turn failures into the library's codes and texts.

use std::ffi::CString;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::error::ClientError;

/// errno the library reports for a refused or unreachable TCP connect: it
/// connects non-blocking and prints the errno of the pending connect.
const CONNECT_IN_PROGRESS: i32 = libc::EINPROGRESS;

/// Stage name the library prints when the greeting never arrives.
pub(crate) const GREETING_STAGE: &str = "handshake: reading initial communication packet";

/// Resolves `host` and connects to the first address that answers.
pub(crate) fn open(host: &str, port: u16, timeout: Duration) -> Result<TcpStream, ClientError> {
    let addrs = resolve(host, port)?;
    let mut last = ClientError::cant_connect(host, CONNECT_IN_PROGRESS);
    for addr in addrs {
        match connect_one(&addr, timeout) {
            Ok(stream) => return Ok(stream),
            Err(err) => last = connect_error(host, &err),
        }
    }
    Err(last)
}

/// One connect attempt; a zero timeout means the system's own.
fn connect_one(addr: &SocketAddr, timeout: Duration) -> io::Result<TcpStream> {
    if timeout.is_zero() {
        TcpStream::connect(addr)
    } else {
        TcpStream::connect_timeout(addr, timeout)
    }
}

/// The library's report of a failed connect.
fn connect_error(host: &str, err: &io::Error) -> ClientError {
    if err.kind() == io::ErrorKind::TimedOut {
        return ClientError::server_lost_at(GREETING_STAGE, libc::ETIMEDOUT);
    }
    let errno = match err.raw_os_error() {
        Some(libc::ECONNREFUSED | libc::EHOSTUNREACH | libc::ENETUNREACH) | None => {
            CONNECT_IN_PROGRESS
        }
        Some(other) => other,
    };
    ClientError::cant_connect(host, errno)
}

/// Addresses for `host`; a failed lookup reports the resolver's return code.
fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, ClientError> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    if let Some(code) = lookup_failure(host) {
        return Err(ClientError::unknown_host(host, code));
    }
    (host, port)
        .to_socket_addrs()
        .map(Iterator::collect)
        .map_err(|_| ClientError::unknown_host(host, libc::EAI_NONAME))
}

/// The getaddrinfo return code when `host` does not resolve, else `None`.
fn lookup_failure(host: &str) -> Option<i32> {
    let Ok(name) = CString::new(host) else {
        return Some(libc::EAI_NONAME);
    };
    // SAFETY: a zeroed addrinfo is a valid "no hints" value.
    let mut hints: libc::addrinfo = unsafe { std::mem::zeroed() };
    hints.ai_socktype = libc::SOCK_STREAM;
    let mut found: *mut libc::addrinfo = std::ptr::null_mut();
    // SAFETY: `name` is NUL-terminated, `hints` and `found` are valid for the call.
    let code = unsafe { libc::getaddrinfo(name.as_ptr(), std::ptr::null(), &hints, &mut found) };
    if !found.is_null() {
        // SAFETY: `found` was allocated by getaddrinfo and is freed once.
        unsafe { libc::freeaddrinfo(found) };
    }
    (code != 0).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn refused_connect_reports_like_the_library() {
        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let err = open("127.0.0.1", port, Duration::from_secs(2)).unwrap_err();
        assert_eq!(err.code(), 2002);
        assert_eq!(
            err.message(),
            b"Can't connect to server on '127.0.0.1' (115)"
        );
    }

    #[test]
    fn unknown_hosts_report_the_resolver_code() {
        let err = open("nosuch.invalid", 3306, Duration::from_secs(2)).unwrap_err();
        assert_eq!(err.code(), 2005);
        let text = String::from_utf8_lossy(err.message()).into_owned();
        assert!(
            text.starts_with("Unknown server host 'nosuch.invalid' (-"),
            "{text}"
        );
    }

    #[test]
    fn listening_ports_connect() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        assert!(open("localhost", port, Duration::from_secs(2)).is_ok());
    }
}
