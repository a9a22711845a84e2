//! The signature parameter parser and the header-list rules, on any text.
#![no_main]

use httpseal::request::{listed_names, MAX_LISTED_HEADERS};
use httpseal::schemes::cavage::parse_params;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(params) = parse_params(text) {
        assert!(!params.key_id.is_empty());
        if let Ok(names) = listed_names(&params.headers().collect::<Vec<_>>().join(" ")) {
            assert!(names.len() <= MAX_LISTED_HEADERS);
        }
    }
});
