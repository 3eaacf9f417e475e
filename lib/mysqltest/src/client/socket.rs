//! Opening the socket to the server. The client library's rule decides
//! which kind: `localhost` (or no host) goes through the Unix socket unless
//! TCP is forced; everything else is TCP, where the host is resolved (with
//! the resolver's own error number, which the library prints) and connected
//! within the timeout. Failures become the library's codes and texts.

use std::ffi::CString;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::error::ClientError;
use super::options::{ConnectOptions, Protocol};
use super::transport::Transport;

/// The host name the library maps to its Unix socket.
const LOCAL_HOST: &str = "localhost";

/// Where a connection goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// A Unix-domain socket (a leading `@` names an abstract one).
    Unix(PathBuf),
    /// TCP to a host and port.
    Tcp { host: String, port: u16 },
}

/// The library's choice: the Unix socket for `localhost` or an empty host,
/// unless TCP is forced. Where the library would fall back to its built-in
/// socket path, we have none to offer and use TCP to `localhost` instead.
pub(crate) fn endpoint(opts: &ConnectOptions) -> Endpoint {
    let local = opts.host.is_empty() || opts.host == LOCAL_HOST;
    let socket = opts.socket.as_ref().filter(|s| !s.as_os_str().is_empty());
    match socket {
        Some(path) if local && opts.protocol != Protocol::Tcp => Endpoint::Unix(path.clone()),
        _ => Endpoint::Tcp {
            host: if opts.host.is_empty() {
                LOCAL_HOST.to_string()
            } else {
                opts.host.clone()
            },
            port: opts.port,
        },
    }
}

/// Opens the socket the options lead to.
pub(crate) fn open_endpoint(opts: &ConnectOptions) -> Result<Transport, ClientError> {
    match endpoint(opts) {
        Endpoint::Unix(path) => open_unix(&path).map(Transport::Unix),
        Endpoint::Tcp { host, port } => open(&host, port, opts.connect_timeout).map(Transport::Tcp),
    }
}

/// Connects to a Unix socket; failure reports the socket and errno.
fn open_unix(path: &Path) -> Result<UnixStream, ClientError> {
    connect_unix(path).map_err(|err| {
        ClientError::cant_connect_local(
            &path.to_string_lossy(),
            err.raw_os_error().unwrap_or(libc::ECONNREFUSED),
        )
    })
}

/// A path socket, or an abstract one for names starting with `@`.
fn connect_unix(path: &Path) -> io::Result<UnixStream> {
    use std::os::unix::ffi::OsStrExt;
    match path.as_os_str().as_bytes() {
        [b'@', name @ ..] => connect_abstract(name),
        _ => UnixStream::connect(path),
    }
}

/// Linux abstract sockets live outside the file system.
fn connect_abstract(name: &[u8]) -> io::Result<UnixStream> {
    use std::os::linux::net::SocketAddrExt;
    let addr = std::os::unix::net::SocketAddr::from_abstract_name(name)?;
    UnixStream::connect_addr(&addr)
}

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

    fn opts(host: &str, socket: Option<&str>, protocol: Protocol) -> ConnectOptions {
        ConnectOptions {
            host: host.into(),
            port: 3307,
            socket: socket.map(PathBuf::from),
            protocol,
            ..ConnectOptions::default()
        }
    }

    #[test]
    fn localhost_uses_the_socket_unless_tcp_is_forced() {
        let unix = Endpoint::Unix(PathBuf::from("/tmp/s.sock"));
        let tcp = |host: &str| Endpoint::Tcp {
            host: host.into(),
            port: 3307,
        };
        let sock = Some("/tmp/s.sock");
        assert_eq!(endpoint(&opts("localhost", sock, Protocol::Default)), unix);
        assert_eq!(endpoint(&opts("", sock, Protocol::Default)), unix);
        assert_eq!(endpoint(&opts("localhost", sock, Protocol::Socket)), unix);
        assert_eq!(
            endpoint(&opts("localhost", sock, Protocol::Tcp)),
            tcp("localhost")
        );
        assert_eq!(
            endpoint(&opts("127.0.0.1", sock, Protocol::Default)),
            tcp("127.0.0.1")
        );
        assert_eq!(
            endpoint(&opts("127.0.0.1", sock, Protocol::Socket)),
            tcp("127.0.0.1")
        );
        assert_eq!(endpoint(&opts("::1", sock, Protocol::Default)), tcp("::1"));
        assert_eq!(
            endpoint(&opts("localhost", None, Protocol::Default)),
            tcp("localhost")
        );
        assert_eq!(
            endpoint(&opts("", Some(""), Protocol::Default)),
            tcp("localhost")
        );
    }

    #[test]
    fn missing_sockets_report_like_the_library() {
        let err = open_unix(Path::new("/nonexistent/dir/x.sock")).unwrap_err();
        assert_eq!(err.code(), 2002);
        assert_eq!(
            err.message(),
            b"Can't connect to local server through socket '/nonexistent/dir/x.sock' (2)"
        );
        let err = open_unix(Path::new("@rmtr-no-such-abstract-socket")).unwrap_err();
        assert_eq!(
            err.message(),
            b"Can't connect to local server through socket '@rmtr-no-such-abstract-socket' (111)"
        );
    }

    #[test]
    fn unix_and_abstract_sockets_connect() {
        let dir = std::env::temp_dir().join(format!("rmtr-sock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.sock");
        let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        let mut o = opts("localhost", path.to_str(), Protocol::Default);
        assert!(open_endpoint(&o).unwrap().is_unix());
        let name = format!("rmtr-abstract-{}", std::process::id());
        let addr = {
            use std::os::linux::net::SocketAddrExt;
            std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap()
        };
        let _abstract = std::os::unix::net::UnixListener::bind_addr(&addr).unwrap();
        o.socket = Some(PathBuf::from(format!("@{name}")));
        assert!(open_endpoint(&o).unwrap().is_unix());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn ipv6_literals_connect_over_tcp() {
        let Ok(listener) = TcpListener::bind("[::1]:0") else {
            return; // no IPv6 loopback on this machine
        };
        let port = listener.local_addr().unwrap().port();
        assert!(open("::1", port, Duration::from_secs(2)).is_ok());
    }

    #[test]
    fn listening_ports_connect() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        assert!(open("localhost", port, Duration::from_secs(2)).is_ok());
    }
}
