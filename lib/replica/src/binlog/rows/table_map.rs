//! The Table_map event MariaDB 10.11 writes before a table's row events:
//! the table's number and names, its column types, their metadata and
//! which columns may be NULL (no optional metadata: binlog_row_metadata
//! defaults to NO_LOG). A table definition comes in; an [`Event`] leaves.

use super::column::Layout;
use super::packed_int;
use crate::binlog::event::Event;
use crate::storage::schema::TableDef;

/// The Table_map event type.
pub const TABLE_MAP: u8 = 19;
/// Table_map flag: bit counts are exact (the only one MariaDB sets).
const BIT_LEN_EXACT: u16 = 1;

/// The Table_map event of table number `table_id`, whose columns are laid out as `layouts`.
pub fn table_map(timestamp: u32, table_id: u64, def: &TableDef, layouts: &[Layout]) -> Event {
    let mut body = table_id.to_le_bytes()[..6].to_vec();
    body.extend_from_slice(&BIT_LEN_EXACT.to_le_bytes());
    for name in [&def.schema, &def.name] {
        body.push(name.len() as u8);
        body.extend_from_slice(name.as_bytes());
        body.push(0);
    }
    packed_int(layouts.len() as u64, &mut body);
    body.extend(layouts.iter().map(|l| l.type_code));
    let metadata: Vec<u8> = layouts.iter().flat_map(|l| l.metadata.clone()).collect();
    packed_int(metadata.len() as u64, &mut body);
    body.extend_from_slice(&metadata);
    let mut nullable = vec![0u8; def.columns.len().div_ceil(8)];
    for (i, column) in def.columns.iter().enumerate() {
        if column.nullable {
            nullable[i / 8] |= 1 << (i % 8);
        }
    }
    body.extend_from_slice(&nullable);
    Event {
        kind: TABLE_MAP,
        timestamp,
        flags: 0,
        body,
    }
}
