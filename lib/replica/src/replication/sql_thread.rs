//! The SQL thread, as a placeholder until the applier lands: it shows its
//! `Slave_SQL` process-list row, reports Slave_SQL_Running = Yes, and
//! waits to be stopped. It applies nothing. START SLAVE has put UNTIL and
//! the relay-log start position into `channel.sql` before `start`.

use std::sync::Arc;

use crate::server::state::ServerState;

/// The state an idle SQL thread shows.
const IDLE: &str = "Slave has read all relay log; waiting for more updates";

/// Starts the SQL thread; Slave_SQL_Running is Yes when this returns.
pub fn start(state: &Arc<ServerState>) -> std::io::Result<()> {
    let entry = state.threads.register("system user", "", None);
    entry.begin("Slave_SQL", None);
    entry.set_state(IDLE);
    {
        let mut sql = state.slave.sql.lock().unwrap();
        sql.running = true;
        sql.state = IDLE.to_string();
    }
    let shared = Arc::clone(state);
    std::thread::Builder::new()
        .name("slave-sql".into())
        .spawn(move || {
            let channel = &shared.slave;
            let mut sql = channel.sql.lock().unwrap();
            while sql.running {
                sql = channel.sql_advanced.wait(sql).unwrap();
            }
            sql.state.clear();
            drop(sql);
            shared.threads.unregister(entry.id);
            channel.sql_advanced.notify_all();
        })?;
    Ok(())
}

/// Asks the SQL thread to stop and waits until it has (Slave_SQL_Running = No).
pub fn stop(state: &Arc<ServerState>) {
    let channel = &state.slave;
    let mut sql = channel.sql.lock().unwrap();
    sql.running = false;
    channel.sql_advanced.notify_all();
    while !sql.state.is_empty() {
        sql = channel.sql_advanced.wait(sql).unwrap();
    }
}
