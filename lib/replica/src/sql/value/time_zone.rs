//! Time zones as the `time_zone` variable names them: `SYSTEM` (the
//! server's own zone, UTC here), a fixed `+HH:MM` / `-HH:MM` offset, or a
//! zone of the test time-zone tables mtr loads (held at a fixed offset:
//! no daylight-saving rules). The variable's text comes in; conversions
//! between instants (seconds since the epoch, as TIMESTAMP columns store
//! them) and wall-clock DATETIME values in that zone go out.

use super::{Temporal, TemporalKind};

/// Named zones of the test tables, with the offset the server applies.
const NAMED: &[(&str, i64)] = &[
    ("UTC", 0),
    ("Universal", 0),
    ("MET", 3600),
    ("Europe/Moscow", 3 * 3600),
    ("leap/Europe/Moscow", 3 * 3600),
    ("Japan", 9 * 3600),
];

/// A zone at a fixed distance from UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeZone {
    /// Seconds east of UTC.
    offset: i64,
}

impl TimeZone {
    pub const UTC: TimeZone = TimeZone { offset: 0 };

    /// The zone the variable's canonical text names; UTC for SYSTEM.
    pub fn of(name: &str) -> TimeZone {
        let offset = parse_offset(name)
            .or_else(|| named(name).map(|(_, o)| o))
            .unwrap_or(0);
        TimeZone { offset }
    }

    /// Whether local times equal UTC times (no conversion needed).
    pub fn is_utc(self) -> bool {
        self.offset == 0
    }

    /// The wall-clock DATETIME of an instant.
    pub fn local(self, secs: i64, micros: u32, fsp: u8) -> Temporal {
        Temporal::from_seconds(secs + self.offset, micros, fsp)
    }

    /// The instant (seconds since the epoch) of a wall-clock value.
    pub fn epoch_seconds(self, local: &Temporal) -> i64 {
        local.signed_seconds() - self.offset
    }

    /// A stored (UTC) TIMESTAMP value as the zone shows it; zero dates stay.
    pub fn from_utc(self, utc: &Temporal) -> Temporal {
        self.shift(utc, self.offset)
    }

    /// A wall-clock value in this zone as a TIMESTAMP column stores it (UTC).
    pub fn to_utc(self, local: &Temporal) -> Temporal {
        self.shift(local, -self.offset)
    }

    fn shift(self, t: &Temporal, by: i64) -> Temporal {
        if by == 0 || t.kind != TemporalKind::DateTime || t.year == 0 || t.month == 0 {
            return *t;
        }
        let mut moved = Temporal::from_seconds(t.signed_seconds() + by, t.micros, t.fsp);
        moved.kind = t.kind;
        moved
    }
}

/// The canonical spelling of a zone name MariaDB accepts (`+5:00` →
/// `+05:00`, `system` → `SYSTEM`), or None for an unknown zone.
pub fn canonical_name(text: &str) -> Option<String> {
    if text.eq_ignore_ascii_case("SYSTEM") {
        return Some("SYSTEM".to_string());
    }
    if let Some(offset) = parse_offset(text) {
        let sign = if offset < 0 { '-' } else { '+' };
        let minutes = offset.abs() / 60;
        return Some(format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60));
    }
    named(text).map(|(n, _)| n.to_string())
}

/// A named zone, matched without regard to case as the tables' names are.
fn named(name: &str) -> Option<(&'static str, i64)> {
    NAMED
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .copied()
}

/// `+HH:MM` / `-HH:MM` in seconds, within MariaDB's -12:59 … +13:00.
fn parse_offset(text: &str) -> Option<i64> {
    let (sign, rest) = text.split_at_checked(1)?;
    let (h, m) = rest.split_once(':')?;
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(h) || !all_digits(m) {
        return None;
    }
    let (h, m) = (h.parse::<i64>().ok()?, m.parse::<i64>().ok()?);
    let minutes = h * 60 + m;
    let fits = m < 60
        && match sign {
            "+" => minutes <= 13 * 60,
            "-" => minutes <= 12 * 60 + 59,
            _ => false,
        };
    let signed = if sign == "-" { -minutes } else { minutes };
    fits.then_some(signed * 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_back_as_mariadb_shows_them() {
        assert_eq!(canonical_name("system").as_deref(), Some("SYSTEM"));
        assert_eq!(canonical_name("+5:00").as_deref(), Some("+05:00"));
        assert_eq!(canonical_name("-00:00").as_deref(), Some("+00:00"));
        assert_eq!(canonical_name("+1:5").as_deref(), Some("+01:05"));
        assert_eq!(canonical_name("-12:59").as_deref(), Some("-12:59"));
        assert_eq!(canonical_name("+13:00").as_deref(), Some("+13:00"));
        assert_eq!(canonical_name("utc").as_deref(), Some("UTC"));
        assert_eq!(
            TimeZone::of("Japan").local(0, 0, 0).to_string(),
            "1970-01-01 09:00:00"
        );
        for bad in [
            "+13:01",
            "-13:00",
            "+01:60",
            "05:00",
            " +05:00",
            "+05:00:00",
            "x",
        ] {
            assert_eq!(canonical_name(bad), None, "{bad}");
        }
    }

    #[test]
    fn timestamps_store_utc_and_show_local() {
        let zone = TimeZone::of("+10:30");
        let local = zone.local(123_456, 789_123, 6);
        assert_eq!(local.to_string(), "1970-01-02 20:47:36.789123");
        assert_eq!(zone.epoch_seconds(&local), 123_456);
        let utc = zone.to_utc(&local);
        assert_eq!(utc.to_string(), "1970-01-02 10:17:36.789123");
        assert_eq!(zone.from_utc(&utc), local);
        let zero = Temporal::date_time(0, 0, 0, 0, 0, 0, 0);
        assert_eq!(zone.to_utc(&zero), zero);
    }
}
