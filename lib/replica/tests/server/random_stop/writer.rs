//! The writer on the master: a seeded [`Rng`] picks each group
//! (autocommit inserts with new primary and unique keys, updates of
//! existing rows, multi-statement transactions, slow transactions that
//! SLEEP a few milliseconds in a hot-row update, MyISAM inserts, and
//! transactions that log the writer's own sequence number); after each
//! commit it records the group's GTID and changes in the [`Journal`].
//! It keeps the slave's backlog bounded so the final sync stays short.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rmtr_mysqltest::client::{Connection, Response};

use super::model::{FIRST_ROWS, HOT_ROWS, Journal, Op, unique};
use super::{connect, lock};

/// How many groups the writer lets the slave fall behind.
const MAX_LAG: u64 = 150;

/// splitmix64: small, seedable and good enough to pick statements.
pub struct Rng(pub u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Starts the writer on the master (`ports.0`), watching the slave's
/// backlog (`ports.1`); it runs until `stop`, recording into `journal`.
pub fn spawn(
    ports: (u16, u16),
    seed: u64,
    journal: &Arc<Mutex<Journal>>,
    stop: &Arc<AtomicBool>,
) -> JoinHandle<()> {
    let journal = Arc::clone(journal);
    let stop = Arc::clone(stop);
    std::thread::spawn(move || {
        let mut w = Writer {
            conn: connect(ports.0),
            rng: Rng(seed),
            rows: FIRST_ROWS,
            myisam_rows: 0,
            next_seq: 1,
        };
        let mut slave = connect(ports.1);
        for step in 0u64.. {
            if stop.load(Ordering::SeqCst) {
                return;
            }
            if step % 16 == 0 {
                hold_back(&mut slave, &journal);
            }
            if let Err(e) = w.step().and_then(|ops| w.record(&journal, ops)) {
                lock(&journal).error = Some(e);
                return;
            }
        }
    })
}

/// Waits while the slave is more than [`MAX_LAG`] groups behind, 200 ms
/// at most (the slave may be stopped).
fn hold_back(slave: &mut Connection, journal: &Mutex<Journal>) {
    for _ in 0..100 {
        let applied = first_value(slave, "SELECT @@gtid_slave_pos")
            .ok()
            .and_then(|p| p.rsplit('-').next()?.parse::<u64>().ok())
            .unwrap_or(0);
        if lock(journal).last_gtid < applied + MAX_LAG {
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The first cell of a query's first row ("" if none).
fn first_value(conn: &mut Connection, sql: &str) -> Result<String, String> {
    let reply = conn
        .query(sql.as_bytes())
        .map_err(|e| format!("{sql}: {e}"))?;
    let cell = match reply.into_iter().next() {
        Some(Response::ResultSet(set)) => set.rows.first().and_then(|r| r[0].clone()),
        _ => None,
    };
    Ok(cell.map_or_else(String::new, |b| String::from_utf8_lossy(&b).into_owned()))
}

/// The master-side client: picks a random group and runs it.
struct Writer {
    conn: Connection,
    rng: Rng,
    /// Rows of t1 (ids 1..=rows).
    rows: u32,
    myisam_rows: u32,
    next_seq: u32,
}

impl Writer {
    /// One random group; the changes it made.
    fn step(&mut self) -> Result<Vec<Op>, String> {
        match self.rng.below(100) {
            0..=29 => self.autocommit(Writer::new_row),
            30..=49 => self.autocommit(Writer::update),
            50..=71 => self.logged_transaction(),
            72..=87 => self.slow_transaction(),
            88..=92 => self.autocommit(Writer::myisam_row),
            _ => self.autocommit(Writer::log_row),
        }
    }

    fn exec(&mut self, sql: &str) -> Result<(), String> {
        self.conn
            .query(sql.as_bytes())
            .map(|_| ())
            .map_err(|e| format!("{sql}: {e}"))
    }

    /// One statement made by `make`, autocommitted.
    fn autocommit(&mut self, make: fn(&mut Writer) -> (String, Op)) -> Result<Vec<Op>, String> {
        let (sql, op) = make(self);
        self.exec(&sql)?;
        Ok(vec![op])
    }

    /// A new t1 row: new primary and unique keys.
    fn new_row(&mut self) -> (String, Op) {
        self.rows += 1;
        let (id, v) = (self.rows, self.rng.below(1000));
        let sql = format!("INSERT INTO rs.t1 VALUES ({id}, {v}, {})", unique(id));
        (sql, Op::Insert { id, v })
    }

    /// An update of an existing t1 row.
    fn update(&mut self) -> (String, Op) {
        let id = 1 + self.rng.below(u64::from(self.rows)) as u32;
        let d = 1 + self.rng.below(9);
        let sql = format!("UPDATE rs.t1 SET v = v + {d} WHERE id = {id}");
        (sql, Op::Add { id, d })
    }

    /// A row of the non-transactional table: its group waits for the prior commit.
    fn myisam_row(&mut self) -> (String, Op) {
        self.myisam_rows += 1;
        let (id, v) = (self.myisam_rows, self.rng.below(1000));
        (
            format!("INSERT INTO rs.m VALUES ({id}, {v})"),
            Op::MyIsam { id, v },
        )
    }

    /// The writer's next sequence number into `log`.
    fn log_row(&mut self) -> (String, Op) {
        let seq = self.next_seq;
        self.next_seq += 1;
        (
            format!("INSERT INTO rs.log VALUES ({seq})"),
            Op::Log { seq },
        )
    }

    /// BEGIN; log; 1–3 inserts and updates; COMMIT.
    fn logged_transaction(&mut self) -> Result<Vec<Op>, String> {
        let mut made = vec![self.log_row()];
        for _ in 0..=self.rng.below(3) {
            let change = if self.rng.below(2) == 0 {
                self.new_row()
            } else {
                self.update()
            };
            made.push(change);
        }
        self.transaction(made)
    }

    /// BEGIN; log; a hot-row update that sleeps 1–5 ms; COMMIT: workers overlap.
    fn slow_transaction(&mut self) -> Result<Vec<Op>, String> {
        let log = self.log_row();
        let id = 1 + self.rng.below(u64::from(HOT_ROWS)) as u32;
        let ms = 1 + self.rng.below(5);
        let sql = format!("UPDATE rs.t2 SET n = n + 1 + SLEEP(0.00{ms}) WHERE id = {id}");
        self.transaction(vec![log, (sql, Op::Hot { id })])
    }

    fn transaction(&mut self, made: Vec<(String, Op)>) -> Result<Vec<Op>, String> {
        self.exec("BEGIN")?;
        for (sql, _) in &made {
            self.exec(sql)?;
        }
        self.exec("COMMIT")?;
        Ok(made.into_iter().map(|(_, op)| op).collect())
    }

    /// Records the group under the master's GTID after it. replica leaves
    /// `@@last_gtid` empty, so this reads `@@gtid_binlog_pos`, which is the
    /// same while the writer is the master's only writer.
    fn record(&mut self, journal: &Mutex<Journal>, ops: Vec<Op>) -> Result<(), String> {
        let gtid = first_value(&mut self.conn, "SELECT @@gtid_binlog_pos")?;
        let n = match gtid.split('-').collect::<Vec<_>>().as_slice() {
            ["0", "1", n] => n.parse::<u64>().ok(),
            _ => None,
        }
        .ok_or_else(|| format!("unexpected @@gtid_binlog_pos '{gtid}'"))?;
        let mut j = lock(journal);
        if n <= j.last_gtid {
            return Err(format!("{ops:?} got no new GTID ({gtid})"));
        }
        j.last_gtid = n;
        j.groups.push((n, ops));
        Ok(())
    }
}
