//! Firing triggers: INSERT, UPDATE and DELETE call [`fire`] for each row,
//! before and after the change. The table's triggers for that timing and
//! event run in creation order, each in a frame holding the OLD and NEW
//! rows; what a BEFORE trigger sets in NEW is what gets stored.

use super::ast::{Event, Timing};
use super::call::in_frame;
use super::header::{Create, parse_create};
use super::interpreter::run_node;
use super::state::{Frame, FrameKind, TriggerRows};
use crate::error::ServerResult;
use crate::session::Session;
use crate::sql::value::Row;
use crate::storage::schema::TableDef;

/// Runs the triggers of `table` for `timing` and `event` on one row; a
/// BEFORE trigger's changes to NEW end up in `new`.
pub fn fire(
    session: &mut Session,
    table: &TableDef,
    timing: Timing,
    event: Event,
    old: Option<&Row>,
    new: Option<&mut Row>,
) -> ServerResult<()> {
    if table.temporary {
        return Ok(());
    }
    let triggers = session
        .state
        .storage
        .triggers_of(&table.schema, &table.name);
    if triggers.is_empty() {
        return Ok(());
    }
    let mut new_row = new.as_ref().map(|r| r.to_vec());
    for stored in triggers {
        let Create::Trigger(def) = parse_create(&stored.definition)? else {
            continue;
        };
        if def.timing != timing || def.event != event {
            continue;
        }
        let mut frame = Frame::new(
            FrameKind::Trigger,
            format!("{}.{}", stored.schema, stored.name),
        );
        frame.trigger = Some(TriggerRows {
            timing,
            event,
            columns: table.columns.clone(),
            old: old.cloned(),
            new: new_row.clone(),
        });
        new_row = in_frame(session, &stored, frame, |session| {
            run_node(session, &def.body)?;
            Ok(session
                .routines
                .frame()
                .and_then(|f| f.trigger.as_ref())
                .and_then(|t| t.new.clone()))
        })?;
    }
    if let (Some(target), Some(changed)) = (new, new_row) {
        *target = changed;
    }
    Ok(())
}
