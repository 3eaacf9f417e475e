//! The SQL driver's side of a parallel slave (spec 1.2, 1.3, 2.1, 5): the
//! SQL thread hands each whole group it read to [`Dispatcher::dispatch`],
//! which numbers it in its domain, gives it its start rule, picks the
//! worker (the domain's ring of `slave_domain_parallel_threads` slots,
//! round robin) and queues it, waiting while that worker holds more than
//! `slave_parallel_max_queued` bytes. At the end the driver sets the stop
//! point (or lets an error's stop stand), waits until every queued group
//! is done and closes the pool; the temporary tables and the first
//! failure come back. In the mysql flavor `mysql_schedule` picks the
//! worker and may hold a group back first, and `mysql_stop` sets the stop.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::engine::{Engine, Failure, TempTables};
use super::flavor_names::{self, MYSQL_WAIT_DEPENDENCY};
use super::mysql_schedule::{MySqlScheduler, ParallelType, group_db};
use super::order::Order;
use super::pool::{Job, Pool};
use super::schedule::{GroupTraits, Mode, Scheduler};
use crate::replication::apply::collect::Group;
use crate::replication::apply::decode::Body;
use crate::server::config::Flavor;
use crate::server::state::ServerState;
use crate::session::registry::ThreadEntry;

/// The driver's state while a worker's queue is full.
pub const STATE_QUEUE_FULL: &str = "Waiting for room in worker thread event queue";

/// How often the driver looks at the stop flag while the queue is full.
const ROOM_POLL: Duration = Duration::from_millis(20);

/// What became of a group handed to the dispatcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dispatched {
    Queued,
    /// The slave is stopping (or a worker failed): the group was not queued.
    Stopped,
}

/// The driver's view of a running pool.
#[derive(Debug)]
pub struct Dispatcher {
    state: Arc<ServerState>,
    pub engine: Arc<Engine>,
    pool: Pool,
    scheduler: Scheduler,
    /// Per domain: its ring's first worker and next slot.
    rings: BTreeMap<u32, (usize, usize)>,
    /// A queued group may have made temporary tables not yet seen.
    temp_possible: bool,
    /// The mysql flavor's scheduling (`slave_parallel_type`).
    mysql: Option<MySqlScheduler>,
}

impl Dispatcher {
    /// Starts `threads` workers; the engine is published for FTWRL and SHOW.
    pub fn start(
        state: &Arc<ServerState>,
        threads: usize,
        mode: Mode,
        use_domains: bool,
        temp_tables: TempTables,
    ) -> Dispatcher {
        let flavor = state.config.flavor;
        let engine = Arc::new(Engine::new(temp_tables).with_flavor(flavor));
        let pool = Pool::start(state, &engine, threads);
        *lock(&state.slave.parallel) = Some(Arc::clone(&engine));
        Dispatcher {
            state: Arc::clone(state),
            engine,
            pool,
            scheduler: Scheduler::new(mode, use_domains),
            rings: BTreeMap::new(),
            temp_possible: false,
            mysql: (flavor == Flavor::MySql).then(|| MySqlScheduler::new(parallel_type(state))),
        }
    }

    /// Queues `group` (with `sub_id` for its GTID row) to its worker.
    pub fn dispatch(
        &mut self,
        group: Group,
        sub_id: u64,
        stopping: &dyn Fn() -> bool,
        thread: &ThreadEntry,
    ) -> Dispatched {
        let traits = self.traits(&group);
        let db = self.mysql.as_ref().and_then(|_| group_db(&group));
        if self.mysql_holds_back(&traits, db.as_deref(), stopping, thread) {
            return Dispatched::Stopped;
        }
        let domain = self.domain_of(&traits);
        let worker = self.choose_worker(domain, db.as_deref());
        let limit = self.state.globals.slave_parallel_max_queued();
        while !self.pool.has_room(worker, limit) {
            if stopping() || self.engine.failed() {
                return Dispatched::Stopped;
            }
            self.show_state(
                thread,
                flavor_names::state(self.engine.flavor, STATE_QUEUE_FULL),
            );
            self.pool.wait_for_room(worker, ROOM_POLL);
        }
        let ticket = self.engine.update(|o| o.queue(domain));
        let rule = match &self.mysql {
            Some(mysql) => mysql.rule(&traits),
            None => self.scheduler.rule(&traits, ticket.seq),
        };
        self.temp_possible |= traits.temporary;
        let job = Job {
            ticket,
            rule,
            bytes: group.events.iter().map(|r| r.raw.end - r.raw.pos).sum(),
            temporary: traits.temporary,
            lag_key: self.state.slave.lag_begin(master_time(&group)),
            group,
            sub_id,
        };
        self.pool.push(worker, job);
        Dispatched::Queued
    }

    fn traits(&self, group: &Group) -> GroupTraits {
        let temporary = self.temp_possible
            || !lock(&self.engine.temp_tables).is_empty()
            || mentions_temporary(group);
        GroupTraits {
            domain: group.gtid.map_or(0, |g| g.gtid.domain_id),
            flags: group.gtid.map(|g| g.flags),
            commit_id: group.gtid.and_then(|g| g.commit_id),
            temporary,
        }
    }

    /// The mysql flavor's coordinator waits for the groups a new one
    /// depends on; true if the slave stopped (or failed) meanwhile.
    fn mysql_holds_back(
        &mut self,
        traits: &GroupTraits,
        db: Option<&str>,
        stopping: &dyn Fn() -> bool,
        thread: &ThreadEntry,
    ) -> bool {
        let Some(mysql) = self.mysql.as_mut() else {
            return false;
        };
        if !mysql.waits(traits, db) || self.engine.read(Order::idle) {
            return false;
        }
        self.show_state(thread, MYSQL_WAIT_DEPENDENCY);
        !self.engine.wait_idle_unless(stopping) || self.engine.failed()
    }

    fn show_state(&self, thread: &ThreadEntry, text: &str) {
        thread.set_state(text);
        lock(&self.state.slave.sql).state = text.to_string();
    }

    /// MySQL has one sequence: the mysql flavor orders all in one domain.
    fn domain_of(&self, traits: &GroupTraits) -> u32 {
        match self.mysql {
            Some(_) => super::mysql_stop::DOMAIN,
            None => self.scheduler.domain_of(traits),
        }
    }

    fn choose_worker(&mut self, domain: u32, db: Option<&str>) -> usize {
        let size = self.pool.size();
        match self.mysql.as_mut() {
            Some(mysql) => mysql.worker(db, size),
            None => self.choose(domain),
        }
    }

    /// The next slot of `domain`'s ring.
    fn choose(&mut self, domain: u32) -> usize {
        let n = self.pool.size().max(1);
        let wanted = self.state.globals.slave_domain_parallel_threads() as usize;
        let ring = if wanted == 0 || wanted > n { n } else { wanted };
        let domains = self.rings.len();
        let (base, next) = self
            .rings
            .entry(domain)
            .or_insert(((domains * ring) % n, 0));
        let chosen = (*base + *next % ring) % n;
        *next = (*next + 1) % ring;
        chosen
    }

    /// Waits until every queued group is done.
    pub fn wait_idle(&mut self) {
        self.engine.wait_idle();
        if lock(&self.engine.temp_tables).is_empty() {
            self.temp_possible = false;
        }
    }

    /// STOP SLAVE: groups up to the largest started run, later ones are
    /// skipped; in the mysql flavor up to the negotiated point.
    pub fn stop(&self, thread: &ThreadEntry) {
        match self.mysql {
            Some(_) => {
                super::mysql_stop::stop(&self.engine, &self.pool);
                self.show_state(thread, flavor_names::MYSQL_WAIT_WORKERS_EXIT);
            }
            None => self.engine.update(Order::stop),
        }
    }

    /// Whether a worker failed.
    pub fn failed(&self) -> bool {
        self.engine.failed()
    }

    /// The replicated temporary tables, now.
    pub fn temp_table_count(&self) -> u64 {
        lock(&self.engine.temp_tables).len() as u64
    }

    /// A master restart: its temporary tables are gone.
    pub fn drop_temp_tables(&self) {
        lock(&self.engine.temp_tables).clear();
    }

    /// Closes the pool once everything queued is done.
    pub fn finish(mut self) -> (TempTables, Option<Failure>) {
        self.wait_idle();
        self.pool.close();
        *lock(&self.state.slave.parallel) = None;
        let temp = std::mem::take(&mut *lock(&self.engine.temp_tables));
        (temp, self.engine.failure())
    }
}

/// The master time the group's lag counts from: its latest event's end.
pub fn master_time(group: &Group) -> u64 {
    group
        .events
        .iter()
        .map(|r| {
            let exec = match &r.event.body {
                Body::Query(q) => q.exec_time,
                _ => 0,
            };
            u64::from(r.event.header.timestamp) + u64::from(exec)
        })
        .max()
        .unwrap_or(0)
}

/// Whether a statement of the group names temporary tables.
fn mentions_temporary(group: &Group) -> bool {
    group.events.iter().any(|r| match &r.event.body {
        Body::Query(q) => q
            .text
            .windows(9)
            .any(|w| w.eq_ignore_ascii_case(b"TEMPORARY")),
        _ => false,
    })
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `slave_parallel_type` now (the mysql flavor's variable).
fn parallel_type(state: &ServerState) -> ParallelType {
    let text = state.globals.global("slave_parallel_type");
    ParallelType::parse(text.as_ref().map_or("", |s| s.as_text()))
}
