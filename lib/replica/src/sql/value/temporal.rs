//! Dates and times: DATE, DATETIME, TIMESTAMP and TIME values, held as
//! their calendar fields (no time zone: TIMESTAMP is shown in the session's
//! zone by the layers above). Text comes in through `parse_*`, goes out
//! through `Display` as MariaDB prints it; day numbers and seconds give
//! the arithmetic of DATE_ADD, DATEDIFF and TIMESTAMPDIFF.

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

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The civil date of a day count from 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Days in a month of a year.
pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Leading unsigned number of a text and the rest.
fn take_num(s: &str) -> (Option<u64>, &str) {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    if n == 0 {
        return (None, s);
    }
    (s[..n].parse().ok(), &s[n..])
}

/// Microseconds and their digit count from the digits after a point.
fn parse_fraction(s: &str) -> (u32, u8) {
    let digits: String = s.chars().take_while(char::is_ascii_digit).take(6).collect();
    let n = digits.len();
    let padded = format!("{digits:0<6}");
    (padded.parse().unwrap_or(0), n as u8)
}

impl Temporal {
    /// A DATE or DATETIME from its fields.
    pub fn date_time(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, micros: u32) -> Temporal {
        Temporal {
            kind: TemporalKind::DateTime,
            negative: false,
            year: y.clamp(0, 9999) as u16,
            month: mo as u8,
            day: d as u8,
            hour: h,
            minute: mi as u8,
            second: s as u8,
            micros,
            fsp: 0,
        }
    }

    /// The same value as another kind (DATE drops the time, TIME the date).
    pub fn with_kind(mut self, kind: TemporalKind) -> Temporal {
        match kind {
            TemporalKind::Date => {
                self.hour = 0;
                self.minute = 0;
                self.second = 0;
                self.micros = 0;
                self.fsp = 0;
            }
            TemporalKind::Time if self.kind != TemporalKind::Time => {
                self.year = 0;
                self.month = 0;
                self.day = 0;
            }
            TemporalKind::DateTime if self.kind == TemporalKind::Time => {
                return Temporal::from_seconds(self.signed_seconds(), self.micros, self.fsp);
            }
            _ => {}
        }
        self.kind = kind;
        self
    }

    /// Parses `YYYY-MM-DD[ HH:MM:SS[.ffffff]]` (also `T`, `/` separators and
    /// `YYYYMMDD[HHMMSS]`); None when it is no valid date.
    pub fn parse_datetime(text: &str) -> Option<Temporal> {
        let t = text.trim();
        if t.len() >= 8 && t.bytes().take(8).all(|b| b.is_ascii_digit()) && !t[..8].contains('-') {
            return Temporal::parse_compact(t);
        }
        let (y, rest) = take_num(t);
        let rest = rest.strip_prefix(['-', '/', '.'])?;
        let (mo, rest) = take_num(rest);
        let rest = rest.strip_prefix(['-', '/', '.'])?;
        let (d, rest) = take_num(rest);
        let (y, mo, d) = (y?, mo?, d?);
        let y = if y < 70 && t.find(['-', '/', '.']) <= Some(2) {
            y + 2000
        } else if y < 100 && t.find(['-', '/', '.']) <= Some(2) {
            y + 1900
        } else {
            y
        };
        Temporal::valid_date(y, mo, d)?;
        let rest = rest.trim_start_matches([' ', 'T']);
        if rest.is_empty() {
            let mut v = Temporal::date_time(y as i64, mo as u32, d as u32, 0, 0, 0, 0);
            v.kind = TemporalKind::Date;
            return Some(v);
        }
        let time = Temporal::parse_time(rest)?;
        if time.negative || time.hour > 23 {
            return None;
        }
        let mut v = Temporal::date_time(
            y as i64,
            mo as u32,
            d as u32,
            time.hour,
            u32::from(time.minute),
            u32::from(time.second),
            time.micros,
        );
        v.fsp = time.fsp;
        Some(v)
    }

    /// `YYYYMMDD[HHMMSS[.ffffff]]` or `YYMMDD…`.
    fn parse_compact(t: &str) -> Option<Temporal> {
        let (num, frac) = t.split_once('.').unwrap_or((t, ""));
        if !num.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n = num.len();
        let (date, time) = match n {
            8 | 14 => (&num[..8], &num[8..]),
            6 | 12 => (&num[..6], &num[6..]),
            _ => return None,
        };
        let (y, md) = if date.len() == 8 {
            (date[..4].parse::<u64>().ok()?, &date[4..])
        } else {
            let yy: u64 = date[..2].parse().ok()?;
            (if yy < 70 { 2000 + yy } else { 1900 + yy }, &date[2..])
        };
        let mo: u64 = md[..2].parse().ok()?;
        let d: u64 = md[2..].parse().ok()?;
        Temporal::valid_date(y, mo, d)?;
        let mut v = Temporal::date_time(y as i64, mo as u32, d as u32, 0, 0, 0, 0);
        if time.is_empty() {
            v.kind = TemporalKind::Date;
            return Some(v);
        }
        v.hour = time[..2].parse().ok()?;
        v.minute = time[2..4].parse().ok()?;
        v.second = time[4..].parse().ok()?;
        (v.micros, v.fsp) = parse_fraction(frac);
        (v.hour < 24 && v.minute < 60 && v.second < 60).then_some(v)
    }

    /// Whether y-m-d is a date MariaDB accepts (zero dates included).
    fn valid_date(y: u64, mo: u64, d: u64) -> Option<()> {
        let zero = mo == 0 && d == 0;
        let ok = y <= 9999
            && mo <= 12
            && (zero || (mo >= 1 && d >= 1 && d <= u64::from(days_in_month(y as i64, mo as u32))));
        ok.then_some(())
    }

    /// Parses a TIME: `[-][D ]HH:MM[:SS[.ffffff]]`, `HHMMSS`, or `SS`.
    pub fn parse_time(text: &str) -> Option<Temporal> {
        let t = text.trim();
        let (negative, t) = match t.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, t),
        };
        let (main, frac) = t.split_once('.').unwrap_or((t, ""));
        let (days, main) = match main.split_once(' ') {
            Some((d, rest)) => (d.parse::<u32>().ok()?, rest),
            None => (0, main),
        };
        let parts: Vec<&str> = main.split(':').collect();
        let nums: Option<Vec<u32>> = parts.iter().map(|p| p.parse::<u32>().ok()).collect();
        let nums = nums?;
        let (h, m, s) = match nums.as_slice() {
            [h, m] => (*h, *m, 0),
            [h, m, s] => (*h, *m, *s),
            [n] if parts.len() == 1 => (n / 10000, n / 100 % 100, n % 100),
            _ => return None,
        };
        if m > 59 || s > 59 {
            return None;
        }
        let (micros, fsp) = parse_fraction(frac);
        Some(Temporal {
            kind: TemporalKind::Time,
            negative,
            year: 0,
            month: 0,
            day: 0,
            hour: (days * 24 + h).min(838),
            minute: m as u8,
            second: s as u8,
            micros,
            fsp,
        })
    }

    /// Days since 1970-01-01 of the date part.
    pub fn day_number(&self) -> i64 {
        days_from_civil(
            i64::from(self.year),
            u32::from(self.month).max(1),
            u32::from(self.day).max(1),
        )
    }

    /// Seconds of the time-of-day part.
    pub fn seconds_of_day(&self) -> i64 {
        i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second)
    }

    /// Seconds since 1970-01-01 00:00:00 (or the signed duration of a TIME).
    pub fn signed_seconds(&self) -> i64 {
        match self.kind {
            TemporalKind::Time => {
                let s = self.seconds_of_day();
                if self.negative { -s } else { s }
            }
            _ => self.day_number() * 86400 + self.seconds_of_day(),
        }
    }

    /// A DATETIME from seconds since 1970-01-01.
    pub fn from_seconds(secs: i64, micros: u32, fsp: u8) -> Temporal {
        let (y, m, d) = civil_from_days(secs.div_euclid(86400));
        let s = secs.rem_euclid(86400);
        let mut v = Temporal::date_time(
            y,
            m,
            d,
            (s / 3600) as u32,
            (s / 60 % 60) as u32,
            (s % 60) as u32,
            micros,
        );
        v.fsp = fsp;
        v
    }

    /// Ordering key: microseconds since the epoch (durations for TIME).
    pub fn sort_key(&self) -> i128 {
        let base = i128::from(self.signed_seconds()) * 1_000_000;
        if self.negative {
            base - i128::from(self.micros)
        } else {
            base + i128::from(self.micros)
        }
    }

    /// The same date-time moved by whole months (day clipped to the month's end).
    pub fn add_months(&self, months: i64) -> Option<Temporal> {
        let total = i64::from(self.year) * 12 + i64::from(self.month) - 1 + months;
        if !(0..10000 * 12).contains(&total) {
            return None;
        }
        let (y, m) = (total / 12, (total % 12 + 1) as u32);
        let mut v = *self;
        v.year = y as u16;
        v.month = m as u8;
        v.day = v.day.min(days_in_month(y, m) as u8);
        Some(v)
    }

    /// The same date-time moved by microseconds; None outside years 0..9999.
    pub fn add_micros(&self, delta: i128) -> Option<Temporal> {
        let total = self.sort_key() + delta;
        let secs = total.div_euclid(1_000_000) as i64;
        let micros = total.rem_euclid(1_000_000) as u32;
        let mut v = Temporal::from_seconds(secs, micros, self.fsp);
        if !(0..=9999).contains(&civil_from_days(secs.div_euclid(86400)).0) {
            return None;
        }
        if micros != 0 && v.fsp == 0 {
            v.fsp = 6;
        }
        Some(v)
    }

    /// The value as a number, e.g. 20200102 or 20200102030405.
    pub fn as_number(&self) -> i64 {
        let date = i64::from(self.year) * 10000 + i64::from(self.month) * 100 + i64::from(self.day);
        let time =
            i64::from(self.hour) * 10000 + i64::from(self.minute) * 100 + i64::from(self.second);
        match self.kind {
            TemporalKind::Date => date,
            TemporalKind::DateTime => date * 1_000_000 + time,
            TemporalKind::Time if self.negative => -time,
            TemporalKind::Time => time,
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dates_times_and_prints_them() {
        let v = Temporal::parse_datetime("2020-01-02 03:04:05.123").unwrap();
        assert_eq!(v.to_string(), "2020-01-02 03:04:05.123");
        assert_eq!(
            Temporal::parse_datetime("2020-01-02").unwrap().to_string(),
            "2020-01-02"
        );
        assert_eq!(
            Temporal::parse_datetime("20200102").unwrap().to_string(),
            "2020-01-02"
        );
        assert!(Temporal::parse_datetime("2020-13-01").is_none());
        assert!(Temporal::parse_datetime("abc").is_none());
        assert_eq!(
            Temporal::parse_time("10:00").unwrap().to_string(),
            "10:00:00"
        );
        assert_eq!(
            Temporal::parse_time("-1 02:00:00").unwrap().to_string(),
            "-26:00:00"
        );
    }

    #[test]
    fn day_numbers_round_trip() {
        for z in [-800_000i64, -1, 0, 1, 18262, 2_000_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(days_from_civil(2020, 1, 1) * 86400, 1_577_836_800);
    }

    #[test]
    fn month_arithmetic_clips_the_day() {
        let v = Temporal::parse_datetime("2020-01-31").unwrap();
        assert_eq!(v.add_months(1).unwrap().to_string(), "2020-02-29");
    }
}
