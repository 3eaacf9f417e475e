//! The test's output as mysqltest builds it: text of the command being run
//! collects in a pending buffer that is appended to the log after each
//! command (and before a query is sent). When a test dies, the pending text
//! of the failing command is not logged, and the tail of the log is what
//! mysqltest shows as "the result from queries just before the failure".

/// Output of one test.
#[derive(Debug, Default)]
pub struct Output {
    pending: Vec<u8>,
    log: Vec<u8>,
}

impl Output {
    /// Text produced by the current command so far.
    pub fn pending(&mut self) -> &mut Vec<u8> {
        &mut self.pending
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    /// Moves the pending text to the log.
    pub fn flush(&mut self) {
        self.log.append(&mut self.pending);
    }

    /// Drops the pending text (mysqltest does so for `skip`).
    pub fn discard_pending(&mut self) {
        self.pending.clear();
    }

    pub fn log(&self) -> &[u8] {
        &self.log
    }

    pub fn into_log(mut self) -> Vec<u8> {
        self.flush();
        self.log
    }

    /// mysqltest's report of the last `lines` lines written before a failure.
    pub fn failure_tail(&self, lines: usize, log_name: &str) -> String {
        if lines == 0 {
            return String::new();
        }
        let mut text = String::from("\nThe result from queries just before the failure was:\n");
        let newlines: Vec<usize> = self
            .log
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i)
            .collect();
        // The tail keeps `lines` complete lines; a partial last line counts too.
        if newlines.len() <= lines {
            text.push_str(&String::from_utf8_lossy(&self.log));
            return text;
        }
        let from = newlines[newlines.len() - lines - 1] + 1;
        text.push_str("< snip >\n");
        text.push_str(&String::from_utf8_lossy(&self.log[from..]));
        text.push_str(&format!(
            "\nMore results from queries before failure can be found in {log_name}\n"
        ));
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_text_is_logged_on_flush() {
        let mut out = Output::default();
        out.push(b"a\n");
        assert!(out.log().is_empty());
        out.flush();
        assert_eq!(out.log(), b"a\n");
        out.push(b"b\n");
        assert_eq!(out.into_log(), b"a\nb\n");
    }

    #[test]
    fn tail_shows_whole_short_log_or_snips() {
        let mut out = Output::default();
        out.push(b"1\n2\n3\n");
        out.flush();
        assert!(
            out.failure_tail(5, "x.log")
                .ends_with("failure was:\n1\n2\n3\n")
        );
        let tail = out.failure_tail(2, "x.log");
        assert!(tail.contains("< snip >\n2\n3\n"), "{tail}");
        assert!(tail.contains("can be found in x.log"));
        assert_eq!(out.failure_tail(0, "x.log"), "");
    }
}
