//! Conversions between the platform's float unix seconds and the RFC 3339
//! strings the UI shows.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub fn unix_to_rfc3339(secs: f64) -> String {
    let nanos = (secs * 1e9) as i128;
    OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .ok()
        .and_then(|t| {
            t.replace_nanosecond(t.millisecond() as u32 * 1_000_000)
                .ok()
        })
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| secs.to_string())
}

pub fn rfc3339_to_unix(text: &str) -> Option<f64> {
    let t = OffsetDateTime::parse(text, &Rfc3339).ok().or_else(|| {
        // A bare date (from a date picker) means its start, UTC.
        OffsetDateTime::parse(&format!("{text}T00:00:00Z"), &Rfc3339).ok()
    })?;
    Some(t.unix_timestamp_nanos() as f64 / 1e9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let s = unix_to_rfc3339(1770817943.3959253);
        assert_eq!(s, "2026-02-11T13:52:23.395Z");
        let back = rfc3339_to_unix(&s).unwrap();
        assert!((back - 1770817943.395).abs() < 0.001);
        assert_eq!(rfc3339_to_unix("2026-02-11"), Some(1770768000.0));
        assert_eq!(rfc3339_to_unix("yesterday"), None);
    }
}
