//! The worker pool of a running parallel slave (spec 1.2, 5): one thread
//! per `slave_parallel_threads`, each with a queue of [`Job`]s and the
//! bytes they hold. The driver pushes a job to the worker it chose,
//! waiting while that worker holds more than `slave_parallel_max_queued`
//! bytes; the worker pops jobs in order and frees their bytes when done.
//! `close` lets each worker empty its queue, then joins them all.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use super::engine::Engine;
use super::mysql_stop::Hand;
use super::order::{StartRule, Ticket};
use crate::replication::apply::collect::Group;
use crate::server::state::ServerState;

/// One group handed to a worker.
#[derive(Debug)]
pub struct Job {
    pub ticket: Ticket,
    pub rule: StartRule,
    pub group: Group,
    pub sub_id: u64,
    /// The relay-log bytes of its events, counted against the queue limit.
    pub bytes: u64,
    /// It runs with the replicated temporary tables.
    pub temporary: bool,
    /// Its key in the channel's lag record (Seconds_Behind_Master).
    pub lag_key: u64,
}

#[derive(Debug, Default)]
struct Queued {
    jobs: VecDeque<Job>,
    bytes: u64,
    closed: bool,
    /// The job the worker took and has not finished (MySQL's stop rule).
    current: Option<Ticket>,
    last_assigned: Option<Ticket>,
}

/// One worker's queue.
#[derive(Debug, Default)]
pub struct Queue {
    queued: Mutex<Queued>,
    changed: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Queue {
    fn push(&self, job: Job) {
        let mut q = lock(&self.queued);
        q.bytes += job.bytes;
        q.last_assigned = Some(job.ticket);
        q.jobs.push_back(job);
        self.changed.notify_all();
    }

    /// The next job; None once closed and empty.
    pub fn pop(&self) -> Option<Job> {
        let mut q = lock(&self.queued);
        loop {
            if let Some(job) = q.jobs.pop_front() {
                q.current = Some(job.ticket);
                return Some(job);
            }
            if q.closed {
                return None;
            }
            q = self.changed.wait(q).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Whether no job waits (the worker would go idle).
    pub fn is_empty(&self) -> bool {
        lock(&self.queued).jobs.is_empty()
    }

    /// The current job is done: its bytes are no longer held.
    pub fn free(&self, bytes: u64) {
        let mut q = lock(&self.queued);
        q.current = None;
        q.bytes = q.bytes.saturating_sub(bytes);
        self.changed.notify_all();
    }

    fn hand(&self) -> Hand {
        let q = lock(&self.queued);
        Hand {
            current: q.current,
            head: q.jobs.front().map(|j| j.ticket),
            last_assigned: q.last_assigned,
        }
    }

    fn bytes(&self) -> u64 {
        lock(&self.queued).bytes
    }

    fn close(&self) {
        lock(&self.queued).closed = true;
        self.changed.notify_all();
    }

    /// Waits up to `pause` for the queue to shrink.
    fn wait(&self, pause: Duration) {
        let q = lock(&self.queued);
        let _ = self.changed.wait_timeout(q, pause);
    }
}

/// The running workers.
#[derive(Debug, Default)]
pub struct Pool {
    queues: Vec<Arc<Queue>>,
    threads: Vec<JoinHandle<()>>,
}

impl Pool {
    /// Starts `size` workers; they show in the process list at once.
    pub fn start(state: &Arc<ServerState>, engine: &Arc<Engine>, size: usize) -> Pool {
        let mut pool = Pool::default();
        for _ in 0..size {
            let queue = Arc::new(Queue::default());
            let number = pool.queues.len() + 1;
            let ready = super::worker::spawn(state, engine, &queue, number);
            if let Some(handle) = ready {
                pool.queues.push(queue);
                pool.threads.push(handle);
            }
        }
        pool
    }

    pub fn size(&self) -> usize {
        self.queues.len()
    }

    /// Whether worker `i` has room under `limit` bytes.
    pub fn has_room(&self, i: usize, limit: u64) -> bool {
        self.queues[i].bytes() <= limit
    }

    pub fn wait_for_room(&self, i: usize, pause: Duration) {
        self.queues[i].wait(pause);
    }

    pub fn push(&self, i: usize, job: Job) {
        self.queues[i].push(job);
    }

    /// What each worker holds now.
    pub fn hands(&self) -> Vec<Hand> {
        self.queues.iter().map(|q| q.hand()).collect()
    }

    /// Total bytes queued to all workers.
    pub fn queued_bytes(&self) -> u64 {
        self.queues.iter().map(|q| q.bytes()).sum()
    }

    /// Lets the workers finish their queues, then joins them.
    pub fn close(self) {
        for q in &self.queues {
            q.close();
        }
        for t in self.threads {
            let _ = t.join();
        }
    }
}
