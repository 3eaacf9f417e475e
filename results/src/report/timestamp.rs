//! Wall-clock times as mtr prints them (`2024-05-01 12:00:00`). Without a
//! time-zone database we print UTC; the console reporter takes the current
//! time from an injectable clock so its output can be tested.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds in a day, for splitting a timestamp into date and time.
const DAY: u64 = 86_400;

/// Formats `time` as `YYYY-MM-DD HH:MM:SS` in UTC; times before 1970 print as the epoch.
pub fn format_utc(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (year, month, day) = civil_from_days(secs / DAY);
    let rest = secs % DAY;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// Turns days since 1970-01-01 into (year, month, day) of the proleptic
/// Gregorian calendar, counting in 400-year eras that start in March.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(secs: u64) -> String {
        format_utc(UNIX_EPOCH + Duration::from_secs(secs))
    }

    #[test]
    fn epoch_and_known_dates() {
        assert_eq!(at(0), "1970-01-01 00:00:00");
        assert_eq!(at(951_782_400), "2000-02-29 00:00:00");
        assert_eq!(at(1_714_564_800 + 3_723), "2024-05-01 13:02:03");
        assert_eq!(at(4_102_444_799), "2099-12-31 23:59:59");
    }
}
