//! The native signers on any request: signing never panics, and whatever a
//! signer signs, the pipeline accepts (for a request that carries no
//! credentials of its own).
#![no_main]

#[path = "fuzz_request.rs"]
mod fuzz_request;

use httpseal::keys::KeyEntry;
use httpseal::mac::{Algorithm, Key, KeyCache, Secret, SecretBytes};
use httpseal::pipeline::{self, Context, Policy};
use httpseal::replay::NoReplayGuard;
use httpseal::request::{Header, Request};
use httpseal::schemes::cavage::QueryRule;
use httpseal::signer::{drf_key, Options, SignHeader, Signer};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use std::borrow::Cow;

/// Headers a signer adds or a scheme reads as credentials.
const CREDENTIALS: [&str; 9] = [
    "date",
    "digest",
    "authorization",
    "signature",
    "key",
    "timestamp",
    "x-fost-timestamp",
    "x-fost-headers",
    "x-fost-user",
];

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    request: fuzz_request::FuzzRequest<'a>,
    scheme: u8,
    cavage_headers: Option<Vec<&'a str>>,
    fost_headers: Vec<&'a str>,
    act_as: Option<&'a str>,
    now: u32,
}

fuzz_target!(|input: Input<'_>| {
    let (signer, secret): (Result<Signer, _>, &[u8]) = match input.scheme % 3 {
        0 => (
            Signer::new(
                "k",
                Key::new(Algorithm::Sha256, b"c"),
                Options::Cavage {
                    headers: input
                        .cavage_headers
                        .map(|h| h.iter().map(|s| s.to_string()).collect()),
                    sign_header: SignHeader::Authorization,
                    query_rule: QueryRule::Draft,
                },
            ),
            b"c",
        ),
        1 => (
            Signer::new("k", drf_key("0f").unwrap(), Options::Drf { hostname: None }),
            b"0f",
        ),
        _ => (
            Signer::new(
                "k",
                Key::new(Algorithm::Sha1, b"f"),
                Options::Fost {
                    headers: input.fost_headers.iter().map(|s| s.to_string()).collect(),
                    act_as: input.act_as.map(String::from),
                    allow_unsigned_query: false,
                },
            ),
            b"f",
        ),
    };
    let Ok(signer) = signer else {
        return;
    };
    let now = i64::from(input.now);
    let headers = input.request.headers();
    let req = input.request.view(&headers);
    let Ok(signed) = signer.sign(&req, now) else {
        return;
    };
    let clean = !req
        .headers
        .iter()
        .any(|(n, _)| CREDENTIALS.iter().any(|c| c.eq_ignore_ascii_case(n)))
        && req.header("host").is_some_and(|h| !h.is_empty());
    if !clean {
        return;
    }
    let mut all: Vec<Header<'_>> = headers.clone();
    all.extend(
        signed
            .headers
            .iter()
            .map(|(n, v)| (Cow::Borrowed(n.as_str()), Cow::Borrowed(v.as_str()))),
    );
    let view = Request {
        headers: &all,
        ..req
    };
    let policy = Policy::defaults(vec![signer.scheme()], Some(300));
    let entries = [KeyEntry::any_scheme(Secret::Raw(SecretBytes::Borrowed(
        secret,
    )))];
    let found = pipeline::find(&policy, &view)
        .expect("parses")
        .expect("ours");
    let prepared = pipeline::prepare(found, &view, &policy, &Context::default()).expect("prepares");
    pipeline::check(
        prepared,
        &view,
        &entries,
        &KeyCache::new(4),
        now,
        &NoReplayGuard,
    )
    .expect("what the signer signed verifies");
});
