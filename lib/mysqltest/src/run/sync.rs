//! Replication commands: `save_master_pos`,
//! `sync_with_master`, `sync_slave_with_master` (which wait with
//! `MASTER_POS_WAIT`) and `wait_for_slave_to_stop`.

use std::time::Duration;

use super::flow::{Stop, show};
use super::interpreter::Interpreter;
use crate::client::{Response, ResultSet};
use crate::script::Command;
use crate::script::lexer::is_space;

impl Interpreter {
    /// Runs an internal query on the current connection; errors die with `what`.
    fn internal_query(
        &mut self,
        query: &[u8],
        what: &dyn Fn(u16, &str) -> String,
    ) -> Result<Option<ResultSet>, Stop> {
        let current = self.current_session()?;
        let responses = self
            .with_connection(current, |c| c.query(query))
            .map_err(|e| Stop::die(what(e.code(), &show(e.message()))))?;
        Ok(responses.into_iter().find_map(|r| match r {
            Response::ResultSet(rs) => Some(rs),
            Response::Ok(_) => None,
        }))
    }

    /// `save_master_pos`: remembers SHOW MASTER STATUS's file and position.
    pub(crate) fn cmd_save_master_pos(&mut self) -> Result<(), Stop> {
        let rs = self
            .internal_query(b"show master status", &|code, msg| {
                format!("failed in 'show master status': {code} {msg}")
            })?
            .ok_or_else(|| {
                Stop::die("mysql_store_result() returned NULL for 'show master status'")
            })?;
        let row = rs
            .rows
            .first()
            .ok_or_else(|| Stop::die("empty result in show master status"))?;
        let file = row.first().cloned().flatten().unwrap_or_default();
        let pos = row
            .get(1)
            .cloned()
            .flatten()
            .map(|p| show(&p).parse().unwrap_or(0))
            .unwrap_or(0);
        self.master_pos = Some((file, pos));
        Ok(())
    }

    /// `sync_with_master [offset [, connection_name]]`.
    pub(crate) fn cmd_sync_with_master(&mut self, command: &Command) -> Result<(), Stop> {
        let arg = command.argument();
        let digits = arg.iter().take_while(|b| b.is_ascii_digit()).count();
        let offset: u64 = if digits > 0 {
            show(&arg[..digits]).parse().unwrap_or(0)
        } else {
            0
        };
        let rest = &arg[digits..];
        if !rest.is_empty() && !is_space(rest[0]) && rest[0] != b',' {
            return Err(Stop::die(format!(
                "Invalid integer argument \"{}\"",
                show(arg)
            )));
        }
        let rest = &rest[rest.iter().take_while(|b| is_space(**b)).count()..];
        let connection_name = match rest.strip_prefix(b",") {
            Some(name) => {
                let name = &name[name.iter().take_while(|b| is_space(**b)).count()..];
                trim_quotes(name).to_vec()
            }
            None => Vec::new(),
        };
        self.sync_with_master(command, offset, &connection_name)
    }

    /// `sync_slave_with_master [connection]`.
    pub(crate) fn cmd_sync_slave_with_master(&mut self, command: &Command) -> Result<(), Stop> {
        self.cmd_save_master_pos()?;
        if command.argument().is_empty() {
            self.select_connection(b"slave")?;
        } else {
            self.cmd_connection(command)?;
        }
        self.sync_with_master(command, 0, b"")
    }

    /// Waits with `MASTER_POS_WAIT` for the saved position.
    fn sync_with_master(
        &mut self,
        command: &Command,
        offset: u64,
        connection_name: &[u8],
    ) -> Result<(), Stop> {
        let Some((file, pos)) = self.master_pos.clone() else {
            return Err(Stop::die(
                "Calling 'sync_with_master' without calling 'save_master_pos'",
            ));
        };
        let timeout = self.cfg.wait_for_pos_timeout;
        let query = format!(
            "select master_pos_wait('{}', {}, {}, '{}')",
            show(&file),
            pos + offset,
            timeout,
            show(connection_name)
        );
        let rs = self
            .internal_query(query.as_bytes(), &|code, msg| {
                format!("failed in '{query}': {code}: {msg}")
            })?
            .ok_or_else(|| {
                Stop::die(format!("mysql_store_result() returned NULL for '{query}'"))
            })?;
        let row = rs
            .rows
            .first()
            .ok_or_else(|| Stop::die(format!("empty result in {query}")))?;
        let value = row.first().cloned().flatten();
        let result: i64 = value
            .as_ref()
            .map_or(-99, |v| show(v).trim().parse().unwrap_or(0));
        if value.is_some() && result >= 0 {
            return Ok(());
        }
        let word = show(command.first_word());
        let analysis = self.slave_position_analysis(&file, pos + offset, connection_name);
        let message = match (value, result) {
            (None, _) => format!(
                "{word} failed: '{query}' returned NULL indicating slave SQL thread failure"
            ),
            (_, -1) => format!(
                "{word} failed: '{query}' returned -1 indicating timeout after {timeout} seconds"
            ),
            (_, other) => format!("{word} failed: '{query}' returned unknown result :{other}"),
        };
        Err(Stop::die(format!("{analysis}{message}")))
    }

    /// What mysqltest prints to help analyse a failed sync.
    fn slave_position_analysis(&mut self, file: &[u8], pos: u64, connection_name: &[u8]) -> String {
        let query = format!("show slave \"{}\" status", show(connection_name));
        let mut text = String::from("analyze: sync_with_master\n");
        if let Ok(Some(rs)) = self.internal_query(query.as_bytes(), &|_, _| String::new()) {
            if let Some(row) = rs.rows.first() {
                let column = |name: &str| {
                    rs.columns
                        .iter()
                        .position(|c| c.name == name.as_bytes())
                        .and_then(|i| row[i].clone())
                        .map_or_else(|| "NULL".to_string(), |v| show(&v))
                };
                text.push_str(&format!(
                    "Slave position:  file: {}  position: {}\n",
                    column("Relay_Master_Log_File"),
                    column("Read_Master_Log_Pos")
                ));
                text.push_str(&format!(
                    "Master position: file: {}  position: {}\n",
                    show(file),
                    pos
                ));
            }
        }
        text
    }

    /// `wait_for_slave_to_stop`: polls Slave_running.
    pub(crate) fn cmd_wait_for_slave_to_stop(&mut self) -> Result<(), Stop> {
        loop {
            let rs = self
                .internal_query(b"show status like 'Slave_running'", &|_, msg| {
                    format!("Query failed while probing slave for stop: {msg}")
                })?
                .ok_or_else(|| {
                    Stop::die("Strange result from query while probing slave for stop")
                })?;
            let value = rs
                .rows
                .first()
                .and_then(|r| r.get(1).cloned().flatten())
                .ok_or_else(|| {
                    Stop::die("Strange result from query while probing slave for stop")
                })?;
            if value == b"OFF" {
                return Ok(());
            }
            self.sleep(Duration::from_millis(300))?;
        }
    }
}

/// A connection name given as `'name'` or `"name"` or bare.
fn trim_quotes(name: &[u8]) -> &[u8] {
    let end = name
        .iter()
        .rposition(|b| !is_space(*b))
        .map_or(0, |i| i + 1);
    let name = &name[..end];
    match name {
        [q @ (b'\'' | b'"'), inner @ .., last] if q == last => inner,
        _ => name,
    }
}
