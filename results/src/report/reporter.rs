//! The [`Reporter`] trait every renderer of run events implements, and
//! [`Fanout`], which hands each event to several reporters in turn.

use std::io;

use crate::events::Event;

/// Something that renders run events: the console, a JUnit file, JSON.
pub trait Reporter {
    /// Takes one event; output errors are returned so the runner can warn once.
    fn handle(&mut self, event: &Event) -> io::Result<()>;
}

/// Several reporters fed the same events, so the runner holds just one.
#[derive(Default)]
pub struct Fanout {
    reporters: Vec<Box<dyn Reporter + Send>>,
}

impl Fanout {
    /// An empty fan-out.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a reporter; events reach reporters in the order they were added.
    pub fn push(&mut self, reporter: Box<dyn Reporter + Send>) {
        self.reporters.push(reporter);
    }
}

impl Reporter for Fanout {
    /// Every reporter sees the event even if an earlier one fails; the first error is returned.
    fn handle(&mut self, event: &Event) -> io::Result<()> {
        let mut first_error = None;
        for reporter in &mut self.reporters {
            if let Err(err) = reporter.handle(event) {
                first_error.get_or_insert(err);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Counts events, or fails every time.
    struct Probe {
        seen: Arc<Mutex<usize>>,
        fail: bool,
    }

    impl Reporter for Probe {
        fn handle(&mut self, _event: &Event) -> io::Result<()> {
            *self.seen.lock().unwrap() += 1;
            if self.fail {
                return Err(io::Error::other("probe"));
            }
            Ok(())
        }
    }

    #[test]
    fn every_reporter_sees_the_event_despite_errors() {
        let seen = Arc::new(Mutex::new(0));
        let mut fanout = Fanout::new();
        for fail in [true, false] {
            let probe = Probe {
                seen: Arc::clone(&seen),
                fail,
            };
            fanout.push(Box::new(probe));
        }
        let err = fanout.handle(&Event::Note("x".into())).unwrap_err();
        assert_eq!(err.to_string(), "probe");
        assert_eq!(*seen.lock().unwrap(), 2);
    }
}
