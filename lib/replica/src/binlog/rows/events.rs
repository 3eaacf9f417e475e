//! The events one row-logged statement adds to its transaction's group,
//! in MariaDB 10.11's order: Annotate_rows with the statement's text (when
//! binlog_annotate_row_events is on), a Table_map per table changed, then
//! Write/Update/Delete_rows (v1) events, one per run of same-kind changes
//! to one table, split at binlog_row_event_max_size (8192 bytes), the last
//! carrying STMT_END_F. The statement's recorded row changes come in;
//! events leave, or [`Refused`] naming a value no event may carry.

use std::collections::HashMap;

use super::column::{Layout, layout};
use super::image;
use super::packed_int;
use super::table_map::table_map;
use crate::binlog::event::Event;
use crate::storage::RowChange;

/// Row event type codes (version 1, which 10.11 writes).
pub mod kind {
    pub const ANNOTATE_ROWS: u8 = 160;
    pub const WRITE_ROWS_V1: u8 = 23;
    pub const UPDATE_ROWS_V1: u8 = 24;
    pub const DELETE_ROWS_V1: u8 = 25;
}

/// Rows event flag: the statement's last row event.
pub const STMT_END_F: u16 = 1;
/// binlog_row_event_max_size's default: a rows event grows no further.
const MAX_ROWS_EVENT: usize = 8192;

/// What the statement's events carry besides its changes.
#[derive(Debug, Clone, Copy)]
pub struct StatementFacts<'a> {
    pub timestamp: u32,
    pub text: &'a str,
    /// binlog_annotate_row_events.
    pub annotate: bool,
    /// The session zone's distance from UTC in seconds, for TIMESTAMPs.
    pub utc_offset: i64,
}

/// A column whose value no row event can carry.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    pub table: String,
    pub column: String,
}

/// The statement's events; none when it changed no logged row.
pub fn statement_events(
    facts: StatementFacts<'_>,
    changes: &[RowChange],
) -> Result<Vec<Event>, Refused> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let mut events = Vec::new();
    if facts.annotate {
        events.push(Event {
            kind: kind::ANNOTATE_ROWS,
            timestamp: facts.timestamp,
            flags: 0,
            body: facts.text.as_bytes().to_vec(),
        });
    }
    let mut layouts: HashMap<u64, Vec<Layout>> = HashMap::new();
    for change in changes {
        if layouts.contains_key(&change.table_id) {
            continue;
        }
        let def = &change.table;
        let l: Vec<Layout> = def
            .columns
            .iter()
            .map(|c| layout(c, &def.charset))
            .collect();
        events.push(table_map(facts.timestamp, change.table_id, def, &l));
        layouts.insert(change.table_id, l);
    }
    let mut pending: Option<Pending> = None;
    for change in changes {
        let kind = kind_of(change);
        let mut row = Vec::new();
        let layout = &layouts[&change.table_id];
        for image in [&change.before, &change.after].into_iter().flatten() {
            image::row(layout, image, facts.utc_offset, &mut row).map_err(|i| Refused {
                table: format!("{}.{}", change.table.schema, change.table.name),
                column: change.table.columns[i].name.clone(),
            })?;
        }
        let fits = pending.as_ref().is_some_and(|p| {
            p.table_id == change.table_id
                && p.kind == kind
                && p.body.len() + row.len() <= MAX_ROWS_EVENT
        });
        if !fits {
            events.extend(pending.take().map(|p| p.event(facts.timestamp, 0)));
            pending = Some(Pending::new(change.table_id, kind, layout.len()));
        }
        if let Some(p) = pending.as_mut() {
            p.body.extend_from_slice(&row);
        }
    }
    events.extend(pending.map(|p| p.event(facts.timestamp, STMT_END_F)));
    Ok(events)
}

fn kind_of(change: &RowChange) -> u8 {
    match (&change.before, &change.after) {
        (None, _) => kind::WRITE_ROWS_V1,
        (Some(_), Some(_)) => kind::UPDATE_ROWS_V1,
        (Some(_), None) => kind::DELETE_ROWS_V1,
    }
}

/// A rows event being filled.
struct Pending {
    table_id: u64,
    kind: u8,
    body: Vec<u8>,
}

impl Pending {
    /// The header part: table, flags (set when finished), width and column bitmaps.
    fn new(table_id: u64, kind: u8, columns: usize) -> Pending {
        let mut body = table_id.to_le_bytes()[..6].to_vec();
        body.extend_from_slice(&0u16.to_le_bytes());
        packed_int(columns as u64, &mut body);
        image::all_columns(columns, &mut body);
        if kind == kind::UPDATE_ROWS_V1 {
            image::all_columns(columns, &mut body);
        }
        Pending {
            table_id,
            kind,
            body,
        }
    }

    fn event(mut self, timestamp: u32, flags: u16) -> Event {
        self.body[6..8].copy_from_slice(&flags.to_le_bytes());
        Event {
            kind: self.kind,
            timestamp,
            flags: 0,
            body: self.body,
        }
    }
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
