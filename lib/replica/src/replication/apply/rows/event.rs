//! The frame of a Write/Update/Delete_rows event (v1 as MariaDB writes
//! it, v2 as MySQL does, and MariaDB's compressed forms): the table id,
//! the flags, which columns the images carry, and the packed row images,
//! inflated when compressed. An event type and body enter; a
//! [`RowsEvent`] or [`Malformed`] leaves. The images themselves need the
//! table map and are read by `image`.

use super::table_map::column_count;
use super::{Malformed, Reader, compressed};

/// STMT_END_F: the statement's last rows event; its table maps end with it.
pub const STMT_END: u16 = 0x1;

/// What a rows event does to each row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowsKind {
    Write,
    Update,
    Delete,
}

/// A decoded rows event; `rows` holds the packed images.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsEvent {
    pub code: u8,
    pub kind: RowsKind,
    pub table_id: u64,
    pub flags: u16,
    /// The number of columns of the master's table.
    pub width: usize,
    /// The columns of the (before) image.
    pub present: Vec<bool>,
    /// The columns of an update's after image.
    pub present_after: Vec<bool>,
    pub rows: Vec<u8>,
}

/// The kind, and whether the event is v2 and whether compressed, of a rows event type.
pub fn rows_kind(code: u8) -> Option<(RowsKind, bool, bool)> {
    use RowsKind::*;
    Some(match code {
        23 => (Write, false, false),
        24 => (Update, false, false),
        25 => (Delete, false, false),
        30 => (Write, true, false),
        31 => (Update, true, false),
        32 => (Delete, true, false),
        166 => (Write, false, true),
        167 => (Update, false, true),
        168 => (Delete, false, true),
        169 => (Write, true, true),
        170 => (Update, true, true),
        171 => (Delete, true, true),
        _ => return None,
    })
}

/// Decodes the body of a rows event of type `code`.
pub fn decode(code: u8, body: &[u8]) -> Result<RowsEvent, Malformed> {
    let (kind, v2, packed) = rows_kind(code).ok_or(Malformed)?;
    let mut r = Reader::new(body);
    let table_id = r.uint_le(6)?;
    let flags = r.uint_le(2)? as u16;
    if v2 {
        // The extra data's length counts its own two bytes.
        let extra = r.uint_le(2)? as usize;
        r.take(extra.checked_sub(2).ok_or(Malformed)?)?;
    }
    let width = column_count(&mut r)?;
    let present = r.bitmap(width)?;
    let present_after = match kind {
        RowsKind::Update => r.bitmap(width)?,
        _ => Vec::new(),
    };
    let rows = match packed {
        true => compressed::inflate(r.rest())?,
        false => r.rest().to_vec(),
    };
    Ok(RowsEvent {
        code,
        kind,
        table_id,
        flags,
        width,
        present,
        present_after,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_frame_of_an_update() {
        // table 18, STMT_END_F, 2 columns, both in both images, one row pair.
        let body = [
            18, 0, 0, 0, 0, 0, 1, 0, 2, 3, 3, 0xfc, 1, 0, 0, 0, 0xfc, 2, 0, 0, 0,
        ];
        let e = decode(24, &body).unwrap();
        assert_eq!(
            (e.kind, e.table_id, e.flags, e.width),
            (RowsKind::Update, 18, 1, 2)
        );
        assert_eq!(e.present, [true, true]);
        assert_eq!(e.present_after, [true, true]);
        assert_eq!(e.rows.len(), 10);
    }

    #[test]
    fn v2_skips_its_extra_data() {
        let body = [7, 0, 0, 0, 0, 0, 0, 0, 4, 0, 9, 9, 1, 1, 0xfe, 5];
        let e = decode(30, &body).unwrap();
        assert_eq!((e.kind, e.width), (RowsKind::Write, 1));
        assert_eq!(e.rows, [0xfe, 5]);
        assert_eq!(decode(30, &body[..10]), Err(Malformed));
    }
}
