//! Framing of the on-disk files: a magic header and a generation number,
//! then records, each as `[length u32][checksum u32][payload]`. A log only
//! applies to the snapshot of its generation, so a crash between writing a
//! new snapshot and emptying the log never replays a change twice. Readers get the decoded records
//! back, or an `InvalidData` error naming the file and offset; in the log a
//! torn last record (a crash mid-write) is dropped, as crash recovery would.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::persist_codec::Decoder;
use super::persist_record::{self, Record};

/// The snapshot file's first bytes.
pub const SNAPSHOT_MAGIC: &[u8; 8] = b"RMTRSNP1";
/// The log file's first bytes.
pub const LOG_MAGIC: &[u8; 8] = b"RMTRLOG1";
const FRAME_HEADER: usize = 8;
/// Magic plus generation.
const FILE_HEADER: usize = 16;

/// A file's generation and records.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Contents {
    /// None: the file is missing (or a log whose header was cut).
    pub generation: Option<u64>,
    pub records: Vec<Record>,
}

/// FNV-1a: cheap, and enough to tell a torn or garbled record.
fn checksum(data: &[u8]) -> u32 {
    data.iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// One record framed for a file.
pub fn frame(record: &Record) -> Vec<u8> {
    let payload = persist_record::encode(record);
    let mut out = Vec::with_capacity(payload.len() + FRAME_HEADER);
    out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    out.extend_from_slice(&checksum(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

fn corrupt(path: &Path, offset: usize, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{}: corrupt at offset {offset}: {what}", path.display()),
    )
}

/// The records of a file (none when it does not exist). `torn_tail_ok`:
/// an incomplete or garbled last record ends the file instead of failing.
pub fn read_records(path: &Path, magic: &[u8; 8], torn_tail_ok: bool) -> io::Result<Contents> {
    let data = match fs::read(path) {
        Ok(d) => d,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Contents::default()),
        Err(e) => return Err(e),
    };
    parse_records(path, &data, magic, torn_tail_ok)
}

/// As [`read_records`], on bytes already read from `path`.
pub fn parse_records(
    path: &Path,
    data: &[u8],
    magic: &[u8; 8],
    torn_tail_ok: bool,
) -> io::Result<Contents> {
    if data.len() < FILE_HEADER && torn_tail_ok && magic.starts_with(&data[..data.len().min(8)]) {
        return Ok(Contents::default());
    }
    let Some(header) = data.get(..FILE_HEADER).filter(|h| h.starts_with(magic)) else {
        return Err(corrupt(path, 0, "not a file of this kind (bad header)"));
    };
    let generation = u64::from_le_bytes(header[8..].try_into().unwrap_or_default());
    let mut records = Vec::new();
    let mut pos = FILE_HEADER;
    while pos < data.len() {
        let Some(payload) = frame_at(data, pos) else {
            if torn_tail_ok && is_tail(data, pos) {
                break;
            }
            return Err(corrupt(path, pos, "incomplete or garbled record"));
        };
        let mut d = Decoder::new(payload, pos + FRAME_HEADER);
        let record =
            persist_record::decode(&mut d).map_err(|e| corrupt(path, e.offset, &e.what))?;
        records.push(record);
        pos += FRAME_HEADER + payload.len();
    }
    Ok(Contents {
        generation: Some(generation),
        records,
    })
}

/// The payload of the frame at `pos`, if it is whole and its checksum holds.
fn frame_at(data: &[u8], pos: usize) -> Option<&[u8]> {
    let header = data.get(pos..pos + FRAME_HEADER)?;
    let len = u32::from_le_bytes(header[..4].try_into().ok()?) as usize;
    let sum = u32::from_le_bytes(header[4..].try_into().ok()?);
    let payload = data.get(pos + FRAME_HEADER..pos + FRAME_HEADER + len)?;
    (checksum(payload) == sum).then_some(payload)
}

/// Whether a bad frame at `pos` is the file's last: its header is cut, or
/// the length it claims reaches the end of the file.
fn is_tail(data: &[u8], pos: usize) -> bool {
    let Some(header) = data.get(pos..pos + FRAME_HEADER) else {
        return true;
    };
    let len = u32::from_le_bytes([header[0], header[1], header[2], header[3]]) as usize;
    pos + FRAME_HEADER + len >= data.len()
}

/// Writes a whole file of records atomically (temporary file, then rename).
pub fn write_file(
    path: &Path,
    magic: &[u8; 8],
    generation: u64,
    records: &[Record],
) -> io::Result<()> {
    let mut buf = header(magic, generation);
    records.iter().for_each(|r| buf.extend(frame(r)));
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, &buf)?;
    fs::rename(&tmp, path)
}

fn header(magic: &[u8; 8], generation: u64) -> Vec<u8> {
    let mut buf = magic.to_vec();
    buf.extend_from_slice(&generation.to_le_bytes());
    buf
}

/// The append-only log of committed changes, shared by the whole server.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: Mutex<File>,
}

impl Journal {
    /// Starts an empty log of `generation` at `path`, replacing what was there.
    pub fn create(path: &Path, generation: u64) -> io::Result<Journal> {
        write_file(path, LOG_MAGIC, generation, &[])?;
        let file = OpenOptions::new().append(true).open(path)?;
        Ok(Journal {
            path: path.to_path_buf(),
            file: Mutex::new(file),
        })
    }

    /// Appends one record in a single write, so a crash cuts at most it.
    pub fn append(&self, record: &Record) {
        let bytes = frame(record);
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = file.write_all(&bytes) {
            eprintln!("replica: cannot append to {}: {e}", self.path.display());
        }
    }

    /// Empties the log and moves it to `generation`, once a snapshot of
    /// that generation holds everything it had.
    pub fn reset(&self, generation: u64) -> io::Result<()> {
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.set_len(0)?;
        file.write_all(&header(LOG_MAGIC, generation))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records() -> Vec<Record> {
        vec![
            Record::CreateDatabase("a".into()),
            Record::Truncate { table: 7 },
            Record::DropDatabase("a".into()),
        ]
    }

    fn log_bytes() -> Vec<u8> {
        let mut buf = header(LOG_MAGIC, 3);
        records().iter().for_each(|r| buf.extend(frame(r)));
        buf
    }

    #[test]
    fn a_torn_last_record_is_dropped_from_the_log() {
        let buf = log_bytes();
        let p = Path::new("log");
        for cut in 1..frame(&records()[2]).len() {
            let got = parse_records(p, &buf[..buf.len() - cut], LOG_MAGIC, true).unwrap();
            assert_eq!(got.records, records()[..2]);
        }
        let mut garbled = buf.clone();
        *garbled.last_mut().unwrap() ^= 0xff;
        let got = parse_records(p, &garbled, LOG_MAGIC, true).unwrap();
        assert_eq!(got.records, records()[..2]);
        let whole = parse_records(p, &buf, LOG_MAGIC, true).unwrap();
        assert_eq!((whole.generation, whole.records), (Some(3), records()));
        let cut_header = parse_records(p, &buf[..5], LOG_MAGIC, true).unwrap();
        assert_eq!(cut_header, Contents::default());
    }

    #[test]
    fn a_garbled_middle_record_fails_with_file_and_offset() {
        let mut buf = log_bytes();
        let second = FILE_HEADER + frame(&records()[0]).len();
        buf[second + FRAME_HEADER] ^= 0xff;
        let err = parse_records(Path::new("/d/log"), &buf, LOG_MAGIC, true).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert_eq!(
            err.to_string(),
            format!("/d/log: corrupt at offset {second}: incomplete or garbled record")
        );
        let err = parse_records(Path::new("s"), b"XXXXXXXXXXXXXXXXXX", SNAPSHOT_MAGIC, false)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "s: corrupt at offset 0: not a file of this kind (bad header)"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_damage_to_a_log_is_an_error_or_a_shorter_log(
            at in 0usize..200,
            byte in proptest::prelude::any::<u8>(),
            cut in 0usize..200,
        ) {
            let mut buf = log_bytes();
            let at = at % buf.len();
            buf[at] = byte;
            buf.truncate(buf.len() - cut % buf.len());
            if let Ok(got) = parse_records(Path::new("l"), &buf, LOG_MAGIC, true) {
                proptest::prop_assert!(got.records.len() <= 3);
            }
        }
    }

    #[test]
    fn a_snapshot_must_be_whole() {
        let mut buf = header(SNAPSHOT_MAGIC, 1);
        buf.extend(frame(&records()[0]));
        buf.pop();
        assert!(parse_records(Path::new("s"), &buf, SNAPSHOT_MAGIC, false).is_err());
    }
}
