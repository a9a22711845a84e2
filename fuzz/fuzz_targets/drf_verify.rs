//! django-rest-framework-hmac: stored secrets, timestamps and signatures of
//! any shape, with a correct signature where one can be made.
#![no_main]

use httpseal::schemes::drf::{key_for, parse_timestamp, sign, verify, Message};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    secret_hex: &'a str,
    method: &'a str,
    hostname: &'a str,
    path: &'a str,
    timestamp: &'a str,
    data: &'a [u8],
    signature: &'a [u8],
    sign_it: bool,
    now: i64,
}

fuzz_target!(|input: Input<'_>| {
    let _ = parse_timestamp(input.timestamp);
    let Ok(key) = key_for(input.secret_hex) else {
        return;
    };
    let message = Message {
        method: input.method,
        hostname: input.hostname,
        path: input.path,
        timestamp: input.timestamp,
        data: input.data,
    };
    let good;
    let signature = if input.sign_it {
        good = sign(&key, &message);
        good.as_bytes()
    } else {
        input.signature
    };
    let _ = verify(&key, &message, signature, Some(300), input.now);
});
