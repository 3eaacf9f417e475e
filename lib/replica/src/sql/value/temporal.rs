//! Dates and times: DATE, DATETIME, TIMESTAMP and TIME values, held as
//! their calendar fields (no time zone: TIMESTAMP is shown in the session's
//! zone by the layers above). Printed as MariaDB prints them.

/// Which temporal type a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemporalKind {
    Date,
    DateTime,
    Time,
}

/// A date, a date and time, or a time of day / duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Temporal {
    pub kind: TemporalKind,
    /// TIME values may be negative durations.
    pub negative: bool,
    pub year: u16,
    pub month: u8,
    pub day: u8,
    /// Up to 838 for TIME.
    pub hour: u32,
    pub minute: u8,
    pub second: u8,
    pub micros: u32,
    /// Fractional digits shown (0 to 6).
    pub fsp: u8,
}

impl std::fmt::Display for Temporal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            TemporalKind::Date => write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)?,
            TemporalKind::DateTime => write!(
                f,
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                self.year, self.month, self.day, self.hour, self.minute, self.second
            )?,
            TemporalKind::Time => {
                let sign = if self.negative { "-" } else { "" };
                write!(
                    f,
                    "{sign}{:02}:{:02}:{:02}",
                    self.hour, self.minute, self.second
                )?
            }
        }
        if self.fsp > 0 && self.kind != TemporalKind::Date {
            let frac = format!("{:06}", self.micros);
            write!(f, ".{}", &frac[..usize::from(self.fsp.min(6))])?;
        }
        Ok(())
    }
}
