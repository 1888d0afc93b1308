//! Timestamps are kept as unix milliseconds and formatted on the way out:
//! Greenhouse shows `2026-03-04T17:12:03.123Z` (millisecond precision, `Z`),
//! the interview platform float unix seconds.

use std::time::{SystemTime, UNIX_EPOCH};

use time::format_description::well_known::{Iso8601, Rfc3339};
use time::{OffsetDateTime, PrimitiveDateTime};

/// Generated data is anchored at a fixed instant rather than "now" so that the
/// same seed yields byte-identical responses on every run.
/// 2026-03-31T18:00:00Z.
pub(crate) const ANCHOR_MS: i64 = 1_774_980_000_000;

pub(crate) const DAY_MS: i64 = 86_400_000;
pub(crate) const HOUR_MS: i64 = 3_600_000;

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub(crate) fn now_unix_f64() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

#[cfg(test)]
pub(crate) fn format_iso_ms(ms: i64) -> String {
    let mut out = String::with_capacity(24);
    write_iso_ms(&mut out, ms);
    out
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, written by hand into a fixed buffer because
/// it runs for every timestamp of every served record (several per
/// candidate) and must stay cheap even in unoptimised test builds.
pub(crate) fn write_iso_ms(out: &mut String, ms: i64) {
    let days = ms.div_euclid(DAY_MS);
    let rem = ms.rem_euclid(DAY_MS);
    let (y, m, d) = civil_from_days(days);
    let secs = rem / 1000;
    let millis = rem % 1000;
    let (hh, mm, ss) = (secs / 3600, (secs / 60) % 60, secs % 60);
    let y = y.clamp(0, 9999);
    let mut b = *b"0000-00-00T00:00:00.000Z";
    let mut put = |at: usize, width: usize, mut v: i64| {
        for i in (at..at + width).rev() {
            b[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, 4, y);
    put(5, 2, m);
    put(8, 2, d);
    put(11, 2, hh);
    put(14, 2, mm);
    put(17, 2, ss);
    put(20, 3, millis);
    out.push_str(std::str::from_utf8(&b).expect("ASCII digits"));
}

/// Howard Hinnant's days-to-civil algorithm (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Parses the timestamp forms clients send in `updated_after` and friends:
/// RFC 3339 / ISO 8601 with an offset, or without one (read as UTC), or a bare
/// date.
pub(crate) fn parse_iso_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    let dt = OffsetDateTime::parse(s, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(s, &Iso8601::DEFAULT))
        .or_else(|_| PrimitiveDateTime::parse(s, &Iso8601::DEFAULT).map(|p| p.assume_utc()))
        .ok()
        .or_else(|| {
            let date = time::Date::parse(s, &Iso8601::DEFAULT).ok()?;
            Some(date.midnight().assume_utc())
        })?;
    Some((dt.unix_timestamp_nanos() / 1_000_000) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_anchor_and_epoch() {
        assert_eq!(format_iso_ms(ANCHOR_MS), "2026-03-31T18:00:00.000Z");
        assert_eq!(format_iso_ms(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_iso_ms(951_782_400_123), "2000-02-29T00:00:00.123Z");
    }

    #[test]
    fn parse_round_trips_and_accepts_common_forms() {
        let ms = 1_772_644_323_123;
        assert_eq!(parse_iso_ms(&format_iso_ms(ms)), Some(ms));
        assert_eq!(
            parse_iso_ms("2026-03-31T18:00:00Z"),
            Some(ANCHOR_MS),
            "no fraction"
        );
        assert_eq!(parse_iso_ms("2026-03-31T20:00:00+02:00"), Some(ANCHOR_MS));
        assert_eq!(parse_iso_ms("2026-03-31T18:00:00"), Some(ANCHOR_MS));
        assert_eq!(parse_iso_ms("2026-03-31"), Some(ANCHOR_MS - 18 * HOUR_MS));
        assert_eq!(parse_iso_ms("yesterday"), None);
    }
}
