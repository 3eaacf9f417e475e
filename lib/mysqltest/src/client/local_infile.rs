//! The client's half of LOAD DATA LOCAL INFILE: after the server names a
//! file, stream its bytes in packets and finish with an empty packet. When
//! the file cannot be sent, only the empty packet goes out and the error to
//! report is handed back; the caller still reads the server's answer.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use super::auth::PacketIo;
use super::error::ClientError;

/// Bytes per data packet.
const CHUNK: usize = 64 * 1024;

/// Sends `file_name` (or nothing, if forbidden or unreadable) to the server.
/// `Ok(Some(e))`: the exchange went through but the statement must fail with `e`.
pub(crate) fn send_file(
    io: &mut dyn PacketIo,
    file_name: &[u8],
    allowed: bool,
) -> Result<Option<ClientError>, ClientError> {
    if !allowed {
        io.write(&[])?;
        return Ok(Some(ClientError::infile_forbidden()));
    }
    let path = Path::new(std::ffi::OsStr::from_bytes(file_name));
    match File::open(path) {
        Ok(file) => {
            stream(io, file)?;
            Ok(None)
        }
        Err(err) => {
            io.write(&[])?;
            let shown = String::from_utf8_lossy(file_name);
            Ok(Some(ClientError::infile_not_found(&shown, &err)))
        }
    }
}

/// Copies the file in packets, then the empty end packet. Like the library,
/// a read error (e.g. the name is a directory) simply ends the data.
fn stream(io: &mut dyn PacketIo, mut file: File) -> Result<(), ClientError> {
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match file.read(&mut buf) {
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => 0,
        };
        if n == 0 {
            return io.write(&[]);
        }
        io.write(&buf[..n])?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records written packets; never has anything to read.
    #[derive(Debug, Default)]
    struct Sink(Vec<Vec<u8>>);

    impl PacketIo for Sink {
        fn read(&mut self) -> Result<Vec<u8>, ClientError> {
            Err(ClientError::server_lost())
        }
        fn write(&mut self, payload: &[u8]) -> Result<(), ClientError> {
            self.0.push(payload.to_vec());
            Ok(())
        }
    }

    #[test]
    fn a_file_is_sent_in_chunks_then_an_empty_packet() {
        let dir = std::env::temp_dir().join(format!("rmtr-infile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("data.txt");
        let data: Vec<u8> = (0..CHUNK + 10).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let mut sink = Sink::default();
        let outcome = send_file(&mut sink, path.as_os_str().as_bytes(), true).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(outcome.is_none());
        assert_eq!(sink.0.last().unwrap(), &Vec::<u8>::new());
        assert_eq!(sink.0[..sink.0.len() - 1].concat(), data);
    }

    #[test]
    fn a_missing_file_sends_only_the_end_packet() {
        let mut sink = Sink::default();
        let err = send_file(&mut sink, b"/nonexistent/rmtr.txt", true)
            .unwrap()
            .unwrap();
        assert_eq!(sink.0, vec![Vec::<u8>::new()]);
        assert_eq!(err.code(), 2);
        assert_eq!(
            err.message(),
            b"File '/nonexistent/rmtr.txt' not found (Errcode: 2)"
        );
    }

    #[test]
    fn forbidden_infile_sends_only_the_end_packet() {
        let mut sink = Sink::default();
        let err = send_file(&mut sink, b"/etc/hostname", false)
            .unwrap()
            .unwrap();
        assert_eq!(sink.0, vec![Vec::<u8>::new()]);
        assert_eq!(err.message(), b"Load data local infile forbidden");
    }

    #[test]
    fn a_directory_sends_no_data() {
        let mut sink = Sink::default();
        assert!(send_file(&mut sink, b"/tmp", true).unwrap().is_none());
        assert_eq!(sink.0, vec![Vec::<u8>::new()]);
    }
}
