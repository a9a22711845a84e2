//! The `Digest` header parser and its comparison with the body.
#![no_main]

use httpseal::schemes::cavage::check_digest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &[u8], bool)| {
    let (header, body, legacy) = input;
    let _ = check_digest(header, body, legacy);
});
