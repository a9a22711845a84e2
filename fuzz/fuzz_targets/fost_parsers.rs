//! FOST's small parsers: the Authorization value, UTF-7, form decoding, the
//! timestamp and the signed-URL parameters.
#![no_main]

use httpseal::schemes::fost::{
    filter_query_string, form_decode, parse_authorization, parse_timestamp, url_params, utf7_decode,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(Some(credentials)) = parse_authorization(text) {
        assert!(!credentials.key.is_empty() && !credentials.signature.is_empty());
    }
    let _ = utf7_decode(text);
    let _ = form_decode(text);
    let _ = parse_timestamp(text);
    if let Ok(Some(params)) = url_params(text) {
        assert!(!params.key.is_empty() && !params.signature.is_empty());
    }
    let filtered = filter_query_string(text);
    assert!(filtered.len() <= text.len());
});
