//! The port forwarder a worker's network holder runs: rmtr's own binary,
//! mounted into the holder and started as `rmtr --container-port-forwarder
//! FIRST-END`. Docker delivers a published port to the namespace's bridge
//! address; the forwarder listens there on each of the worker's ports and
//! relays every connection to the same port on 127.0.0.1, where the servers
//! listen as mtr's config binds them. A test's connection therefore reaches
//! its server from 127.0.0.1, as it does with local servers (`USER()` is
//! `root@localhost`, the grants mtr bootstraps apply).

use std::io::Write;
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::ops::Range;

use anyhow::{Context, bail};

/// The hidden command-line switch that runs the forwarder.
pub const SWITCH: &str = "--container-port-forwarder";
/// What the forwarder prints once it listens: the holder's readiness.
pub const READY: &str = "rmtr port forwarder ready";

/// The ports to forward when rmtr was started as the forwarder.
pub fn requested(args: &[String]) -> Option<anyhow::Result<Range<u16>>> {
    match args {
        [_, switch, range] if switch == SWITCH => Some(parse_range(range)),
        _ => None,
    }
}

/// `16000-16020` → 16000..16020.
fn parse_range(text: &str) -> anyhow::Result<Range<u16>> {
    let (first, end) = text
        .split_once('-')
        .with_context(|| format!("bad port range '{text}': expected FIRST-END"))?;
    let range = first.parse()?..end.parse()?;
    if range.is_empty() {
        bail!("empty port range '{text}'");
    }
    Ok(range)
}

/// The argument that asks for `ports`.
pub fn range_argument(ports: &Range<u16>) -> String {
    format!("{}-{}", ports.start, ports.end)
}

/// Listens on every non-loopback IPv4 address for each port and relays
/// connections to 127.0.0.1; runs until the container is removed.
pub fn run(ports: Range<u16>) -> anyhow::Result<()> {
    let addresses = own_addresses()?;
    if addresses.is_empty() {
        bail!("the namespace has no address besides loopback");
    }
    let mut listeners = Vec::new();
    for address in &addresses {
        for port in ports.clone() {
            let listener = TcpListener::bind((*address, port))
                .with_context(|| format!("listening on {address}:{port}"))?;
            listeners.push((listener, port));
        }
    }
    let mut handles = Vec::new();
    for (listener, port) in listeners {
        handles.push(std::thread::spawn(move || accept_loop(&listener, port)));
    }
    println!("{READY}");
    std::io::stdout().flush()?;
    for handle in handles {
        let _ = handle.join();
    }
    Ok(())
}

/// Relays each connection of one listener to the loopback port.
fn accept_loop(listener: &TcpListener, port: u16) {
    for incoming in listener.incoming() {
        let Ok(client) = incoming else { continue };
        std::thread::spawn(move || {
            // Nothing listens yet: the client sees the connection close, as
            // it would see a refusal.
            if let Ok(server) = TcpStream::connect((Ipv4Addr::LOCALHOST, port)) {
                relay(client, server);
            }
        });
    }
}

/// Copies both ways until each side has finished sending.
fn relay(client: TcpStream, server: TcpStream) {
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (Ok(mut client_read), Ok(mut server_read)) = (client.try_clone(), server.try_clone())
    else {
        return;
    };
    let mut server_write = server;
    let mut client_write = client;
    let upstream = std::thread::spawn(move || {
        let _ = std::io::copy(&mut client_read, &mut server_write);
        let _ = server_write.shutdown(Shutdown::Write);
    });
    let _ = std::io::copy(&mut server_read, &mut client_write);
    let _ = client_write.shutdown(Shutdown::Write);
    let _ = upstream.join();
}

/// The namespace's IPv4 addresses other than loopback.
fn own_addresses() -> anyhow::Result<Vec<Ipv4Addr>> {
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list`, which freeifaddrs releases below.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return Err(std::io::Error::last_os_error()).context("getifaddrs");
    }
    let mut addresses = Vec::new();
    let mut entry = list;
    while !entry.is_null() {
        // SAFETY: entries of the list getifaddrs returned, read before it is freed.
        let ifa = unsafe { &*entry };
        if !ifa.ifa_addr.is_null() {
            // SAFETY: ifa_addr points to a sockaddr whose family says its type.
            let family = unsafe { (*ifa.ifa_addr).sa_family };
            if i32::from(family) == libc::AF_INET {
                // SAFETY: an AF_INET address is a sockaddr_in.
                let sin = unsafe { &*(ifa.ifa_addr as *const libc::sockaddr_in) };
                let address = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
                if !address.is_loopback() {
                    addresses.push(address);
                }
            }
        }
        entry = ifa.ifa_next;
    }
    // SAFETY: the list came from getifaddrs and is freed once.
    unsafe { libc::freeifaddrs(list) };
    Ok(addresses)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_hidden_switch_with_a_range_asks_for_the_forwarder() {
        let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let ports = requested(&args(&["rmtr", SWITCH, "16000-16020"]))
            .unwrap()
            .unwrap();
        assert_eq!(ports, 16000..16020);
        assert!(requested(&args(&["rmtr", "--suite", "rpl"])).is_none());
        assert!(
            requested(&args(&["rmtr", SWITCH, "16000"]))
                .unwrap()
                .is_err()
        );
        assert!(requested(&args(&["rmtr", SWITCH, "5-5"])).unwrap().is_err());
        assert_eq!(range_argument(&(16000..16020)), "16000-16020");
    }

    #[test]
    fn a_relayed_connection_carries_both_ways_and_ends() {
        let server = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let front = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let server_port = server.local_addr().unwrap().port();
        let front_port = front.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let (client, _) = front.accept().unwrap();
            let upstream = TcpStream::connect((Ipv4Addr::LOCALHOST, server_port)).unwrap();
            relay(client, upstream);
        });
        let echo = std::thread::spawn(move || {
            let (mut conn, _) = server.accept().unwrap();
            let mut got = String::new();
            std::io::Read::read_to_string(&mut conn, &mut got).unwrap();
            conn.write_all(got.to_uppercase().as_bytes()).unwrap();
        });
        let mut client = TcpStream::connect((Ipv4Addr::LOCALHOST, front_port)).unwrap();
        client.write_all(b"ping").unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        let mut answer = String::new();
        std::io::Read::read_to_string(&mut client, &mut answer).unwrap();
        assert_eq!(answer, "PING");
        echo.join().unwrap();
    }
}
