//! The COM_STATISTICS answer: one line in MariaDB's exact format, built
//! from the uptime, open connections and command counters.

/// The numbers the line reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Statistics {
    pub uptime_secs: u64,
    pub threads: usize,
    pub questions: u64,
    pub opens: u64,
    pub open_tables: u64,
}

/// `Uptime: 7  Threads: 1  Questions: 9  Slow queries: 0  Opens: 17  Open tables: 10  Queries per second avg: 1.285`
pub fn format(s: &Statistics) -> String {
    let qps_milli = s.questions * 1000 / s.uptime_secs.max(1);
    format!(
        "Uptime: {}  Threads: {}  Questions: {}  Slow queries: 0  Opens: {}  Open tables: {}  Queries per second avg: {}.{:03}",
        s.uptime_secs,
        s.threads,
        s.questions,
        s.opens,
        s.open_tables,
        qps_milli / 1000,
        qps_milli % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_mariadb_line() {
        let s = Statistics {
            uptime_secs: 7,
            threads: 1,
            questions: 9,
            opens: 17,
            open_tables: 10,
        };
        assert_eq!(
            format(&s),
            "Uptime: 7  Threads: 1  Questions: 9  Slow queries: 0  Opens: 17  Open tables: 10  Queries per second avg: 1.285"
        );
    }

    #[test]
    fn zero_uptime_does_not_divide_by_zero() {
        let s = Statistics {
            questions: 3,
            ..Statistics::default()
        };
        assert!(format(&s).ends_with("avg: 3.000"));
    }
}
