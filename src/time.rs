//! Timestamps on the wire (HTTP dates, ISO 8601, Unix seconds) and the
//! freshness window every scheme with a timestamp checks.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{quoted, Error, Result};

/// Seconds since the Unix epoch, as the system clock has it now.
pub fn now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// The proleptic Gregorian date (year, month, day) `days` after 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A UTC time broken into fields, for the formatters below.
struct Fields {
    year: i64,
    month: u32,
    day: u32,
    weekday: usize,
    hour: i64,
    min: i64,
    sec: i64,
}

fn fields(unix: i64) -> Fields {
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    Fields {
        year,
        month,
        day,
        // 1970-01-01 was a Thursday.
        weekday: (days + 4).rem_euclid(7) as usize,
        hour: secs / 3600,
        min: secs / 60 % 60,
        sec: secs % 60,
    }
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// An HTTP date (IMF-fixdate, RFC 9110), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn format_http_date(unix: i64) -> String {
    let f = fields(unix);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[f.weekday],
        f.day,
        MONTHS[f.month as usize - 1],
        f.year,
        f.hour,
        f.min,
        f.sec
    )
}

/// `YYYY-MM-DD{sep}HH:MM:SS{suffix}`: ISO 8601 (`'T'`, `"Z"`) or FOST's form (`' '`, `""`).
pub fn format_iso8601(unix: i64, sep: char, suffix: &str) -> String {
    let f = fields(unix);
    format!(
        "{:04}-{:02}-{:02}{sep}{:02}:{:02}:{:02}{suffix}",
        f.year, f.month, f.day, f.hour, f.min, f.sec
    )
}

/// Unix seconds of a validated calendar date and time (UTC).
pub fn unix_seconds(year: i64, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> Option<i64> {
    let valid = (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && min < 60
        && sec < 61; // a leap second is accepted and counted as :60
    valid
        .then(|| days_from_civil(year, month, day) * 86_400 + (hour * 3600 + min * 60 + sec) as i64)
}

fn number(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) || text.len() > 9 {
        return None;
    }
    // Nine digits at most, so the sum stays below u32::MAX.
    Some(text.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
}

fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(name))
        .map(|i| i as u32 + 1)
}

/// `HH:MM:SS`, two digits each.
fn clock(text: &str) -> Option<(u32, u32, u32)> {
    let b = text.as_bytes();
    if b.len() != 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    Some((
        number(&text[..2])?,
        number(&text[3..5])?,
        number(&text[6..])?,
    ))
}

/// Where IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, what every client
/// sends) puts its single spaces.
const FIXDATE_SPACES: [usize; 5] = [4, 7, 11, 16, 25];

/// The six words of a date laid out exactly as IMF-fixdate: the words that
/// splitting on ASCII whitespace would give, found by position instead of
/// by scanning. `None` for any other layout, which takes the general path.
fn fixdate_words(text: &str) -> Option<[&str; 6]> {
    let b = text.as_bytes();
    if b.len() != 29 || !FIXDATE_SPACES.iter().all(|&i| b[i] == b' ') {
        return None;
    }
    // Those five spaces and no other whitespace.
    if b.iter().filter(|c| c.is_ascii_whitespace()).count() != FIXDATE_SPACES.len() {
        return None;
    }
    // Every cut falls beside an ASCII space, so on a character boundary.
    Some([
        &text[..4],
        &text[5..7],
        &text[8..11],
        &text[12..16],
        &text[17..25],
        &text[26..],
    ])
}

/// The words of `text` between runs of ASCII whitespace, and how many;
/// `None` past six, more than any HTTP date has.
fn split_words(text: &str) -> Option<([&str; 6], usize)> {
    let mut words = [""; 6];
    let mut count = 0;
    for word in text.split_ascii_whitespace() {
        *words.get_mut(count)? = word;
        count += 1;
    }
    Some((words, count))
}

/// Parses an HTTP date in any of the three forms RFC 9110 requires a
/// recipient to accept: IMF-fixdate, RFC 850 and asctime.
pub fn parse_http_date(text: &str) -> Option<i64> {
    let (words, count) = match fixdate_words(text) {
        Some(words) => (words, words.len()),
        None => split_words(text)?,
    };
    match &words[..count] {
        // Sun, 06 Nov 1994 08:49:37 GMT
        [_, day, month, year, time, "GMT"] if year.len() == 4 => {
            let (h, m, s) = clock(time)?;
            unix_seconds(
                number(year)? as i64,
                month_number(month)?,
                number(day)?,
                h,
                m,
                s,
            )
        }
        // Sunday, 06-Nov-94 08:49:37 GMT
        [_, date, time, "GMT"] => {
            let mut parts = date.split('-');
            let day = number(parts.next()?)?;
            let month = month_number(parts.next()?)?;
            let yy = parts.next().filter(|y| y.len() == 2).and_then(number)? as i64;
            let year = if yy < 70 { 2000 + yy } else { 1900 + yy };
            let (h, m, s) = clock(time)?;
            unix_seconds(year, month, day, h, m, s)
        }
        // Sun Nov  6 08:49:37 1994
        [_, month, day, time, year] if year.len() == 4 => {
            let (h, m, s) = clock(time)?;
            unix_seconds(
                number(year)? as i64,
                month_number(month)?,
                number(day)?,
                h,
                m,
                s,
            )
        }
        _ => None,
    }
}

/// Parses `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH:MM|±HHMM]`; no offset means UTC.
pub fn parse_iso8601(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    // Everything this format allows is ASCII; checking first keeps the
    // slicing below on character boundaries.
    if bytes.len() < 19 || !text.is_ascii() {
        return None;
    }
    let (date, rest) = text.split_at(10);
    let mut parts = date.split('-');
    let year = parts.next().filter(|p| p.len() == 4).and_then(number)? as i64;
    let month = parts.next().filter(|p| p.len() == 2).and_then(number)?;
    let day = parts.next().filter(|p| p.len() == 2).and_then(number)?;
    if !matches!(rest.as_bytes()[0], b'T' | b't' | b' ') {
        return None;
    }
    let (h, m, s) = clock(&rest[1..9])?;
    let mut tail = &rest[9..];
    if let Some(fraction) = tail.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        tail = &fraction[digits..];
    }
    let offset = match tail {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match tail.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: String = tail[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 || tail[1..].len() > 5 {
                return None;
            }
            let hours = number(&digits[..2])?;
            let minutes = number(&digits[2..])?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            sign * (hours * 3600 + minutes * 60) as i64
        }
    };
    Some(unix_seconds(year, month, day, h, m, s)? - offset)
}

/// Parses Unix seconds, integral or with a fraction (which is dropped).
pub fn parse_unix(text: &str) -> Option<i64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    if whole.is_empty() || whole.len() > 12 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    whole.parse().ok()
}

/// Checks that `stamp` lies within `max_skew` seconds of `now`, either way.
pub fn check_fresh(stamp: i64, now: i64, max_skew: u64, shown: &str) -> Result<()> {
    let skew = max_skew.min(i64::MAX as u64) as i64;
    if stamp < now.saturating_sub(skew) {
        return Err(Error::Stale(format!(
            "{} is more than {max_skew} s old",
            quoted(shown)
        )));
    }
    if stamp > now.saturating_add(skew) {
        return Err(Error::Future(format!(
            "{} is more than {max_skew} s ahead",
            quoted(shown)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_EXAMPLE: i64 = 784_111_777; // Sun, 06 Nov 1994 08:49:37 GMT

    #[test]
    fn http_dates_in_all_three_forms() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(RFC_EXAMPLE)
        );
        assert_eq!(
            parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(RFC_EXAMPLE)
        );
        assert_eq!(
            parse_http_date("Sun Nov  6 08:49:37 1994"),
            Some(RFC_EXAMPLE)
        );
        for bad in [
            "",
            "yesterday",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:00:00 GMT",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn iso8601_forms() {
        let base = parse_iso8601("2018-10-07T00:00:00Z").unwrap();
        assert_eq!(base, 1_538_870_400);
        assert_eq!(parse_iso8601("2018-10-07T00:00:00"), Some(base));
        assert_eq!(parse_iso8601("2018-10-07 00:00:00.123456"), Some(base));
        assert_eq!(parse_iso8601("2018-10-07T02:00:00+02:00"), Some(base));
        assert_eq!(parse_iso8601("2018-10-06T22:00:00-0200"), Some(base));
        for bad in [
            "2018-10-07",
            "2018-13-07T00:00:00",
            "2018-10-07X00:00:00",
            "2018-10-07T00:00:00+2",
            "2018-10-07T00:00:00.",
            "2018-10-07T00:00:00 junk",
            "2018-10-07T00:00:0é",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn unix_seconds_forms() {
        assert_eq!(parse_unix("1538870400"), Some(1_538_870_400));
        assert_eq!(parse_unix("1538870400.75"), Some(1_538_870_400));
        for bad in ["", "-1", "1e9", "12.", ".5", "99999999999999999"] {
            assert_eq!(parse_unix(bad), None, "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn fixdate_words_are_the_split_words(
            text in "[A-Za-z0-9:, \t\x0b\x0c\u{a0}é]{29}|[A-Za-z]{3}, [0-9]{2} [A-Za-z]{3} [0-9]{4} [0-9:]{8} GMT"
        ) {
            if let Some(words) = fixdate_words(&text) {
                let split: Vec<&str> = text.split_ascii_whitespace().collect();
                proptest::prop_assert_eq!(&words[..], &split[..]);
            }
        }

        #[test]
        fn parsers_never_panic(text in ".{0,40}") {
            let _ = parse_iso8601(&text);
            let _ = parse_http_date(&text);
            let _ = parse_unix(&text);
        }
    }

    #[test]
    fn freshness_window_both_ways() {
        assert!(check_fresh(1000, 1000, 300, "t").is_ok());
        assert!(check_fresh(700, 1000, 300, "t").is_ok());
        assert_eq!(
            check_fresh(699, 1000, 300, "t").unwrap_err().code(),
            "stale"
        );
        assert_eq!(
            check_fresh(1301, 1000, 300, "t").unwrap_err().code(),
            "future"
        );
        // extreme values saturate instead of overflowing
        assert!(check_fresh(i64::MIN, i64::MAX, u64::MAX, "t").is_err());
        assert!(check_fresh(i64::MAX, i64::MAX, u64::MAX, "t").is_ok());
    }

    #[test]
    fn civil_days_agree_with_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(unix_seconds(2024, 2, 29, 0, 0, 0), Some(1_709_164_800));
        assert_eq!(unix_seconds(2023, 2, 29, 0, 0, 0), None);
    }

    #[test]
    fn formats_round_trip_through_the_parsers() {
        assert_eq!(
            format_http_date(784_111_777),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(format_iso8601(0, 'T', "Z"), "1970-01-01T00:00:00Z");
        assert_eq!(
            format_iso8601(1_709_164_799, ' ', ""),
            "2024-02-28 23:59:59"
        );
        for unix in [
            0,
            951_782_400,
            1_709_164_800,
            4_102_444_799,
            253_402_300_799,
        ] {
            assert_eq!(parse_http_date(&format_http_date(unix)), Some(unix));
            assert_eq!(parse_iso8601(&format_iso8601(unix, 'T', "Z")), Some(unix));
            assert_eq!(parse_iso8601(&format_iso8601(unix, ' ', "")), Some(unix));
        }
    }

    proptest::proptest! {
        #[test]
        fn civil_dates_invert(days in -1_000_000i64..3_000_000) {
            let (y, m, d) = civil_from_days(days);
            proptest::prop_assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
