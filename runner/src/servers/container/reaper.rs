//! Removes server containers off the worker threads. A server hands its
//! container over once the process inside has gone, so the worker goes on
//! to its next test while the engine deletes the container. A worker's
//! holder waits (within a limit) until nothing is pending before it goes
//! itself, and the last owner's drop waits for the thread, so a run ends
//! with every container removed.

use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Containers queued for removal, and how many are not removed yet.
pub struct Reaper<T: Send + 'static> {
    sender: Mutex<Option<Sender<T>>>,
    pending: Arc<(Mutex<usize>, Condvar)>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl<T: Send + 'static> Reaper<T> {
    /// Starts the thread that drops what it is given (dropping a
    /// testcontainers container removes it).
    pub fn start() -> Reaper<T> {
        let (sender, receiver) = channel::<T>();
        let pending = Arc::new((Mutex::new(0usize), Condvar::new()));
        let counted = Arc::clone(&pending);
        let thread = std::thread::Builder::new()
            .name("rmtr-reaper".into())
            .spawn(move || {
                for item in receiver {
                    // A removal that panics must still count as done, or
                    // a holder would wait for it.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(item)));
                    let (count, done) = &*counted;
                    *count.lock().expect("reaper count") -= 1;
                    done.notify_all();
                }
            })
            .expect("a reaper thread");
        Reaper {
            sender: Mutex::new(Some(sender)),
            pending,
            thread: Mutex::new(Some(thread)),
        }
    }

    /// Queues `item` for removal; removes it here if the thread is gone.
    pub fn remove(&self, item: T) {
        *self.pending.0.lock().expect("reaper count") += 1;
        let sender = self.sender.lock().expect("reaper sender");
        let unsent = match sender.as_ref() {
            Some(sender) => sender.send(item).err().map(|e| e.0),
            None => Some(item),
        };
        if let Some(item) = unsent {
            drop(item);
            *self.pending.0.lock().expect("reaper count") -= 1;
        }
    }

    /// Waits until everything queued so far is removed, or `limit` passes;
    /// returns whether it all went.
    pub fn wait_idle(&self, limit: Duration) -> bool {
        let (count, done) = &*self.pending;
        let pending = count.lock().expect("reaper count");
        let (pending, _) = done
            .wait_timeout_while(pending, limit, |pending| *pending > 0)
            .expect("reaper count");
        *pending == 0
    }
}

impl<T: Send + 'static> Drop for Reaper<T> {
    fn drop(&mut self) {
        drop(self.sender.lock().expect("reaper sender").take());
        if let Some(thread) = self.thread.lock().expect("reaper thread").take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts its own drop, slowly, as a container removal takes a while.
    struct Slow(Arc<AtomicUsize>);

    impl Drop for Slow {
        fn drop(&mut self) {
            std::thread::sleep(Duration::from_millis(30));
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn queued_items_go_in_the_background_and_waiting_sees_them_gone() {
        let removed = Arc::new(AtomicUsize::new(0));
        let reaper = Reaper::start();
        for _ in 0..3 {
            reaper.remove(Slow(Arc::clone(&removed)));
        }
        assert!(
            removed.load(Ordering::SeqCst) < 3,
            "remove() must not block"
        );
        assert!(reaper.wait_idle(Duration::from_secs(10)));
        assert_eq!(removed.load(Ordering::SeqCst), 3);
    }

    /// Panics when dropped, as a removal might.
    struct Failing;

    impl Drop for Failing {
        fn drop(&mut self) {
            panic!("removal failed");
        }
    }

    #[test]
    fn a_removal_that_panics_still_counts_as_done() {
        let reaper = Reaper::start();
        reaper.remove(Failing);
        assert!(reaper.wait_idle(Duration::from_secs(10)));
    }

    #[test]
    fn waiting_has_a_limit() {
        let reaper = Reaper::start();
        reaper.remove(Slow(Arc::new(AtomicUsize::new(0))));
        reaper.remove(Slow(Arc::new(AtomicUsize::new(0))));
        assert!(!reaper.wait_idle(Duration::from_millis(1)));
        assert!(reaper.wait_idle(Duration::from_secs(10)));
    }

    #[test]
    fn dropping_the_reaper_finishes_what_was_queued() {
        let removed = Arc::new(AtomicUsize::new(0));
        let reaper = Reaper::start();
        reaper.remove(Slow(Arc::clone(&removed)));
        reaper.remove(Slow(Arc::clone(&removed)));
        drop(reaper);
        assert_eq!(removed.load(Ordering::SeqCst), 2);
    }
}
