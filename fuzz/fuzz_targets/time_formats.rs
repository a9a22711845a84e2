//! Every timestamp format and the freshness window.
#![no_main]

use httpseal::time::{check_fresh, parse_http_date, parse_iso8601, parse_unix};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, i64, u64)| {
    let (text, now, skew) = input;
    for stamp in [parse_http_date(text), parse_iso8601(text), parse_unix(text)]
        .into_iter()
        .flatten()
    {
        let _ = check_fresh(stamp, now, skew, text);
    }
});
