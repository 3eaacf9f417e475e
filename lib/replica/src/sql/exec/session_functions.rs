//! Functions that read or change session or server state, for expression
//! evaluation: SLEEP (interruptible by KILL), CONNECTION_ID, DATABASE,
//! USER, NOW and its kin, LAST_INSERT_ID, ROW_COUNT, FOUND_ROWS and the
//! user-level locks; plus KILL itself and `@@` variables.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sqlparser::ast::KillType;

use super::{errors, ok};
use crate::error::ServerResult;
use crate::session::{Session, StatementResult};
use crate::sql::eval::VarScope;
use crate::sql::eval::random::{RandSeed, Random};
use crate::sql::value::time_zone::TimeZone;
use crate::sql::value::{Value, to_string_lossy as text};

/// The value of a session function, or None when `name` is not one.
pub fn call(session: &mut Session, name: &str, args: &[Value]) -> Option<ServerResult<Value>> {
    Some(match name {
        "sleep" => sleep(session, args.first()),
        "connection_id" => Ok(Value::UInt(session.id())),
        "database" | "schema" => Ok(session.db.as_deref().map_or(Value::Null, Value::text)),
        "user" | "session_user" | "system_user" => Ok(Value::text(&session.login.plain())),
        "current_user" => Ok(Value::text(&session.account.plain())),
        "now" | "current_timestamp" | "localtime" | "localtimestamp" => {
            let at = session.query_start.read(session.vars.fixed_timestamp());
            Ok(now(session.time_zone(), Some(at), args.first()))
        }
        // SYSDATE() reads the clock even under SET TIMESTAMP.
        "sysdate" => Ok(now(session.time_zone(), None, args.first())),
        "last_insert_id" => last_insert_id(session, args.first()),
        "row_count" => Ok(Value::Int(session.row_count)),
        "found_rows" => Ok(Value::UInt(session.found_rows)),
        "version" => Ok(Value::text(crate::server::config::VERSION)),
        "uuid_short" => uuid_short(session, args),
        "get_lock" => get_lock(session, args),
        "release_lock" => lock_name(args).map_or(Ok(Value::Null), |n| {
            session.state.locks.release_lock(session.id(), &n)
        }),
        "is_free_lock" => {
            lock_name(args).map_or(Ok(Value::Null), |n| session.state.locks.is_free_lock(&n))
        }
        "is_used_lock" => {
            lock_name(args).map_or(Ok(Value::Null), |n| session.state.locks.is_used_lock(&n))
        }
        "binlog_gtid_pos" => binlog_gtid_pos(session, args),
        "unix_timestamp" if args.is_empty() => Ok(Value::UInt(
            session.query_start.seconds(session.vars.fixed_timestamp()),
        )),
        "release_all_locks" => Ok(Value::UInt(
            session.state.locks.release_all_locks(session.id()),
        )),
        "master_pos_wait" | "source_pos_wait" => {
            super::slave_functions::master_pos_wait(session, args)
        }
        "master_gtid_wait" => super::slave_functions::master_gtid_wait(session, args),
        _ => return None,
    })
}

/// UUID_SHORT(): MariaDB's counter, which starts at the server id's low
/// byte shifted left 56 plus the startup time in seconds shifted left 24,
/// and goes up by one per call.
fn uuid_short(session: &Session, args: &[Value]) -> ServerResult<Value> {
    crate::sql::eval::arity("UUID_SHORT", args.len(), 0, 0)?;
    let counter = session.state.uuid_short.get_or_init(|| {
        let booted = SystemTime::now()
            .checked_sub(session.state.started.elapsed())
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        let server_id = session.state.globals.server_id();
        std::sync::atomic::AtomicU64::new(((server_id & 255) << 56) + (booted << 24))
    });
    Ok(Value::UInt(
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst),
    ))
}

/// RAND(): the session's generator, whose seeds are @@rand_seed1 and
/// @@rand_seed2 (the first use in a statement keeps them for the binary
/// log's Rand event); RAND(N): the call's own generator.
pub fn random(session: &mut Session, seed: Option<RandSeed>) -> f64 {
    let Some(seed) = seed else {
        let (seed1, seed2) = session.vars.rand_seeds();
        session
            .binlog_cache
            .rand_seeds
            .get_or_insert((seed1, seed2));
        let mut generator = Random {
            seed1: seed1 % 0x3FFF_FFFF,
            seed2: seed2 % 0x3FFF_FFFF,
        };
        let value = generator.next_value();
        session
            .vars
            .set_rand_seeds(generator.seed1, generator.seed2);
        return value;
    };
    let generators = &mut session.seeded_rands;
    let generator = match generators.get_mut(&seed.call) {
        Some(g) if seed.constant => g,
        _ => generators
            .entry(seed.call)
            .insert_entry(Random::seeded(seed.seed))
            .into_mut(),
    };
    generator.next_value()
}

/// BINLOG_GTID_POS(file, pos): the GTID position at a binlog offset, NULL
/// when the file or offset is not one; 1381 without a binary log.
fn binlog_gtid_pos(session: &Session, args: &[Value]) -> ServerResult<Value> {
    let Some(log) = session.state.binlog.as_ref() else {
        return Err(crate::error::ServerError::new(
            1381,
            "HY000",
            "You are not using binary logging",
        ));
    };
    let (Some(file), Some(pos)) = (args.first(), args.get(1)) else {
        return Ok(Value::Null);
    };
    if file.is_null() || pos.is_null() {
        return Ok(Value::Null);
    }
    let pos = text(pos).trim().parse::<u64>().unwrap_or(0);
    Ok(
        crate::replication::master::binlog_gtid_pos(log, &text(file), pos)
            .map_or(Value::Null, |p| Value::text(&p)),
    )
}

/// The lock name argument; None for a missing or NULL name.
fn lock_name(args: &[Value]) -> Option<String> {
    args.first().filter(|n| !n.is_null()).map(text)
}

fn seconds(value: Option<&Value>) -> f64 {
    value
        .map(text)
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(0.0)
}

/// SLEEP(n): 0 when it slept; KILL ends the statement with its error.
fn sleep(session: &mut Session, seconds_arg: Option<&Value>) -> ServerResult<Value> {
    let duration = Duration::from_secs_f64(seconds(seconds_arg).max(0.0));
    session.thread.set_state("User sleep");
    let slept = session.thread.kill.sleep_until(Instant::now() + duration);
    session.thread.end_wait();
    slept.map(|()| Value::Int(0))
}

fn last_insert_id(session: &mut Session, arg: Option<&Value>) -> ServerResult<Value> {
    if let Some(v) = arg {
        session.last_insert_id = text(v).parse().unwrap_or(0);
        return Ok(v.clone());
    }
    Ok(Value::UInt(session.last_insert_id))
}

fn get_lock(session: &mut Session, args: &[Value]) -> ServerResult<Value> {
    let Some(name) = args.first().filter(|n| !n.is_null()) else {
        return Ok(Value::Null);
    };
    let timeout = Duration::from_secs_f64(seconds(args.get(1)).max(0.0));
    let thread = std::sync::Arc::clone(&session.thread);
    let set_state = |s: Option<&str>| thread.wait_state(s);
    session.state.locks.get_lock(
        session.id(),
        &text(name),
        timeout,
        &session.thread.kill,
        &set_state,
    )
}

/// The statement's time as a DATETIME in `zone`, with `fsp` fractional
/// digits (NOW(6)): SET TIMESTAMP's value when `fixed` (replicated
/// statements run at the master's time), else the clock.
pub fn now(zone: TimeZone, fixed: Option<f64>, fsp: Option<&Value>) -> Value {
    let elapsed = match fixed {
        Some(t) if t >= 0.0 => {
            let secs = t.trunc();
            let micros = ((t - secs) * 1_000_000.0).round().min(999_999.0);
            Duration::new(secs as u64, micros as u32 * 1000)
        }
        _ => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default(),
    };
    let fsp = fsp
        .map(text)
        .and_then(|t| t.parse::<u8>().ok())
        .unwrap_or(0)
        .min(6);
    let scale = 10u32.pow(6 - u32::from(fsp));
    let micros = elapsed.subsec_micros() / scale * scale;
    Value::Temporal(zone.local(elapsed.as_secs() as i64, micros, fsp))
}

/// `@@x`, `@@global.x`, `@@session.x`.
pub fn system_variable(session: &mut Session, scope: VarScope, name: &str) -> ServerResult<Value> {
    match name.to_ascii_lowercase().as_str() {
        "warning_count" => return Ok(Value::UInt(session.warnings.len() as u64)),
        "error_count" => {
            let errors = session
                .warnings
                .iter()
                .filter(|w| w.level == crate::error::Level::Error)
                .count();
            return Ok(Value::UInt(errors as u64));
        }
        "identity" | "last_insert_id" => return Ok(Value::UInt(session.last_insert_id)),
        "gtid_slave_pos" if scope != VarScope::Session => {
            let pos = crate::replication::slave::waits::gtid_slave_pos(&session.state);
            return Ok(Value::text(&pos));
        }
        "gtid_current_pos" if scope != VarScope::Session => {
            let pos = crate::replication::slave::waits::gtid_current_pos(&session.state);
            return Ok(Value::text(&pos));
        }
        _ => {}
    }
    session.state.globals.get(&session.vars, scope, name)
}

/// KILL [CONNECTION | QUERY] id.
pub fn kill(session: &mut Session, modifier: Option<&KillType>, id: u64) -> StatementResult {
    let Some(target) = session.state.threads.get(id) else {
        return Err(errors::unknown_thread(id));
    };
    match modifier {
        Some(KillType::Query) => target.kill.kill_query(),
        _ => target.kill_connection(),
    }
    if id == session.id() && !matches!(modifier, Some(KillType::Query)) {
        return Err(crate::session::kill::connection_killed());
    }
    ok(0)
}
