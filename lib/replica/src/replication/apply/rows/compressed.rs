//! MariaDB's compressed binlog payloads (log_bin_compress): a header byte
//! (0x80 | n), the uncompressed length in n big-endian bytes, then a zlib
//! stream. Query_compressed carries its statement text so, and the
//! compressed rows events their rows. Bytes in, the inflated bytes out.

use std::io::Read;

use super::{Malformed, Reader};

/// The largest payload inflated (MariaDB's max_allowed_packet ceiling).
const MAX_LEN: u64 = 1 << 30;

/// Inflates one compressed payload, checking the announced length.
pub fn inflate(bytes: &[u8]) -> Result<Vec<u8>, Malformed> {
    let mut r = Reader::new(bytes);
    let head = r.u8()?;
    let len_bytes = usize::from(head & 0x07);
    if head & 0x80 == 0 || !(1..=4).contains(&len_bytes) {
        return Err(Malformed);
    }
    let len = r.uint_be(len_bytes)?;
    if len > MAX_LEN {
        return Err(Malformed);
    }
    let mut out = Vec::with_capacity(len as usize);
    flate2::read::ZlibDecoder::new(r.rest())
        .take(len + 1)
        .read_to_end(&mut out)
        .map_err(|_| Malformed)?;
    if out.len() as u64 != len {
        return Err(Malformed);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn compressed(data: &[u8]) -> Vec<u8> {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(data).unwrap();
        let mut out = vec![0x82, (data.len() >> 8) as u8, data.len() as u8];
        out.extend(z.finish().unwrap());
        out
    }

    #[test]
    fn inflates_what_mariadb_deflates() {
        let data = b"INSERT INTO t VALUES (1)".repeat(20);
        assert_eq!(inflate(&compressed(&data)).unwrap(), data);
    }

    #[test]
    fn rejects_wrong_lengths_and_headers() {
        let mut bad = compressed(b"abc");
        bad[2] = 4;
        assert_eq!(inflate(&bad), Err(Malformed));
        assert_eq!(inflate(&[0x01, 3]), Err(Malformed));
        assert_eq!(inflate(&[]), Err(Malformed));
    }
}
