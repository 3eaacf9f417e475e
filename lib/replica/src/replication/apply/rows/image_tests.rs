use super::*;
use crate::replication::apply::rows::table_map::ColumnType;
use proptest::prelude::*;

fn ty(code: u8, meta: u16) -> ColumnType {
    ColumnType { code, meta }
}

fn one(code: u8, meta: u16, bytes: &[u8]) -> Field {
    let mut r = Reader::new(bytes);
    let f = field(&mut r, ty(code, meta)).unwrap();
    assert!(r.is_empty(), "{code}: bytes left");
    f
}

fn shown(f: Field) -> String {
    match f {
        Field::Temporal(t) => t.to_string(),
        Field::Decimal(d) => d.to_string(),
        other => format!("{other:?}"),
    }
}

#[test]
fn integers_keep_their_bytes() {
    assert_eq!(
        one(code::TINY, 0, &[0xfb]),
        Field::Int {
            bits: 251,
            bytes: 1
        }
    );
    assert_eq!(
        one(code::SHORT, 0, &[1, 2]),
        Field::Int {
            bits: 0x201,
            bytes: 2
        }
    );
    assert_eq!(
        one(code::INT24, 0, &[0xff; 3]),
        Field::Int {
            bits: 0xff_ffff,
            bytes: 3
        }
    );
    assert_eq!(
        one(code::LONG, 0, &[1, 0, 0, 0]),
        Field::Int { bits: 1, bytes: 4 }
    );
    assert_eq!(
        one(code::LONGLONG, 0, &[0xff; 8]),
        Field::Int {
            bits: u64::MAX,
            bytes: 8
        }
    );
}

#[test]
fn floats_and_decimals() {
    assert_eq!(one(code::FLOAT, 4, &[0, 0, 0xc0, 0x3f]), Field::Float(1.5));
    assert_eq!(
        one(code::DOUBLE, 8, &[0, 0, 0, 0, 0, 0, 2, 0x40]),
        Field::Double(2.25)
    );
    // DECIMAL(10,2) -12.34, as 10.11 wrote it.
    let d = one(
        code::NEWDECIMAL,
        10 | 2 << 8,
        &[0x7f, 0xff, 0xff, 0xf3, 0xdd],
    );
    assert_eq!(shown(d), "-12.34");
    let d = one(code::NEWDECIMAL, 5 | 5 << 8, &[0x80, 0x30, 0x39]);
    assert_eq!(shown(d), "0.12345");
}

#[test]
fn strings_and_blobs_after_their_lengths() {
    assert_eq!(
        one(code::VARCHAR, 10, &[2, b'a', b'b']),
        Field::Bytes(b"ab".to_vec())
    );
    assert_eq!(
        one(code::VARCHAR, 300, &[1, 0, b'x']),
        Field::Bytes(b"x".to_vec())
    );
    assert_eq!(
        one(code::STRING, 12, &[3, 0xc3, 0xa4, b'b']),
        Field::Bytes("äb".as_bytes().to_vec())
    );
    assert_eq!(
        one(code::BLOB, 2, &[1, 0, b'z']),
        Field::Bytes(b"z".to_vec())
    );
    assert_eq!(one(code::BLOB, 4, &[0, 0, 0, 0]), Field::Bytes(Vec::new()));
}

#[test]
fn enum_set_bit_year() {
    assert_eq!(one(code::ENUM, 1, &[2]), Field::Index(2));
    assert_eq!(one(code::ENUM, 2, &[1, 1]), Field::Index(257));
    assert_eq!(one(code::SET, 1, &[5]), Field::Index(5));
    assert_eq!(one(code::BIT, 5, &[0x15]), Field::Bit(0x15));
    assert_eq!(one(code::BIT, 2 << 8 | 1, &[1, 0, 3]), Field::Bit(0x10003));
    assert_eq!(one(code::YEAR, 0, &[121]), Field::Year(2021));
    assert_eq!(one(code::YEAR, 0, &[0]), Field::Year(0));
}

#[test]
fn temporals_as_mariadb_packs_them() {
    let date = one(code::DATE, 0, &[0x64, 0xcc, 0x0f]);
    assert_eq!(shown(date), "2022-03-04");
    let dt = one(
        code::DATETIME2,
        3,
        &[0x99, 0xa5, 0x44, 0x31, 0x05, 0x1a, 0x7c],
    );
    assert_eq!(shown(dt), "2020-01-02 03:04:05.678");
    let ts = one(code::TIMESTAMP2, 2, &[0x60, 0x1a, 0x20, 0xf2, 0x07]);
    assert_eq!(shown(ts), "2021-02-03 04:05:06.07");
    let zero = one(code::TIMESTAMP2, 0, &[0, 0, 0, 0]);
    assert_eq!(shown(zero), "0000-00-00 00:00:00");
    let time = one(code::TIME2, 1, &[0x7f, 0x37, 0x47, 0xba]);
    assert_eq!(shown(time), "-12:34:56.7");
    let time = one(code::TIME2, 0, &[0x80, 0xc8, 0x83]);
    assert_eq!(shown(time), "12:34:03");
    let time = one(code::TIME2, 4, &[0x7f, 0xff, 0xff, 0xff, 0x9c]);
    assert_eq!(shown(time), "-00:00:00.0100");
    let time = one(code::TIME2, 6, &[0x80, 0x00, 0x01, 0x00, 0x00, 0x01]);
    assert_eq!(shown(time), "00:00:01.000001");
    let old = one(code::DATETIME, 0, &20_200_102_030_405u64.to_le_bytes());
    assert_eq!(shown(old), "2020-01-02 03:04:05");
}

#[test]
fn reads_a_whole_image_as_10_11_wrote_it() {
    let columns = [ty(code::LONG, 0), ty(code::VARCHAR, 10), ty(code::LONG, 0)];
    let bytes = [0xfc, 1, 0, 0, 0, 2, b'a', b'b'];
    let mut r = Reader::new(&bytes);
    let image = read_image(&mut r, &columns, &[true, true, true]).unwrap();
    let expected = [
        Some(Field::Int { bits: 1, bytes: 4 }),
        Some(Field::Bytes(b"ab".to_vec())),
        Some(Field::Null),
    ];
    assert_eq!(image, expected);
    let mut r = Reader::new(&[0xfe, 7, 0, 0, 0]);
    let image = read_image(&mut r, &columns, &[true, false, false]).unwrap();
    assert_eq!(image, [Some(Field::Int { bits: 7, bytes: 4 }), None, None]);
}

/// The Table_map and Write_rows_v1 bodies 10.11 wrote for one row of 19 columns.
const MAP: &str = "120000000000 0100 04 7465737400 02 743100 13 030f12f6fefe100d11130a040508fcfcfe0109 13 0a00030a02f701f8010500020104080202fe0c feff07";
const WRITE: &str = "120000000000 0100 13 ffff07 0000f8 01000000 026162 99a54431051a7c 7ffffff3dd 02 05 15 79 \
    601a20f207 7f3747ba 64cc0f 0000c03f 0000000000000240 ffffffffffffffff 0400 74657874 \
    0400 626c6f62 03c3a462 fb ffffff";

fn hex(text: &str) -> Vec<u8> {
    let digits: String = text.chars().filter(char::is_ascii_hexdigit).collect();
    (0..digits.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn reads_a_write_rows_event_as_10_11_wrote_it() {
    let map = super::super::table_map::decode(&hex(MAP)).unwrap();
    let event = super::super::event::decode(23, &hex(WRITE)).unwrap();
    assert_eq!((event.table_id, event.width), (map.table_id, 19));
    let mut r = Reader::new(&event.rows);
    let image = read_image(&mut r, &map.columns, &event.present).unwrap();
    assert!(r.is_empty());
    let shown: Vec<String> = image.into_iter().map(|f| shown(f.unwrap())).collect();
    assert_eq!(
        shown,
        [
            "Int { bits: 1, bytes: 4 }",
            "Bytes([97, 98])",
            "2020-01-02 03:04:05.678",
            "-12.34",
            "Index(2)",
            "Index(5)",
            "Bit(21)",
            "Year(2021)",
            "2021-02-03 04:05:06.07",
            "-12:34:56.7",
            "2022-03-04",
            "Float(1.5)",
            "Double(2.25)",
            "Int { bits: 18446744073709551615, bytes: 8 }",
            "Bytes([116, 101, 120, 116])",
            "Bytes([98, 108, 111, 98])",
            "Bytes([195, 164, 98])",
            "Int { bits: 251, bytes: 1 }",
            "Int { bits: 16777215, bytes: 3 }",
        ]
    );
}

#[test]
fn geometry_is_not_supported() {
    let mut r = Reader::new(&[0]);
    assert_eq!(
        field(&mut r, ty(code::GEOMETRY, 4)).map(|_| ()),
        Err(ImageError::Unsupported(code::GEOMETRY))
    );
    let mut r = Reader::new(&[0]);
    assert_eq!(
        field(&mut r, ty(code::DECIMAL, 0)).map(|_| ()),
        Err(ImageError::Unsupported(code::DECIMAL))
    );
}

proptest! {
    #[test]
    fn random_bytes_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..64),
        codes in proptest::collection::vec((any::<u8>(), any::<u16>()), 1..8),
    ) {
        let columns: Vec<ColumnType> = codes.iter().map(|&(c, m)| ty(c, m)).collect();
        let present = vec![true; columns.len()];
        let mut r = Reader::new(&bytes);
        let _ = read_image(&mut r, &columns, &present);
    }
}
