//! The whole pipeline on any request: find credentials for every scheme,
//! prepare, and check against secrets of any shape (rotation lists, pinned
//! keys, empty or non-hex secrets), as `Verifier` runs it.
#![no_main]

#[path = "fuzz_request.rs"]
mod fuzz_request;

use httpseal::keys::{KeyEntry, SchemeName};
use httpseal::mac::{Algorithm, Key, KeyCache, Secret, SecretBytes};
use httpseal::pipeline::{self, Context, Policy};
use httpseal::replay::NoReplayGuard;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use std::borrow::Cow;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    request: fuzz_request::FuzzRequest<'a>,
    /// Which schemes, in which order (each byte picks one).
    schemes: Vec<u8>,
    secrets: Vec<(&'a [u8], bool)>,
    remote_addr: &'a str,
    drf_data: Option<&'a [u8]>,
    max_skew: Option<u32>,
    now: i64,
    https: bool,
}

fuzz_target!(|input: Input<'_>| {
    let schemes: Vec<SchemeName> = input
        .schemes
        .iter()
        .take(SchemeName::ALL.len())
        .map(|b| SchemeName::ALL[*b as usize % SchemeName::ALL.len()])
        .collect();
    let policy = Policy::defaults(schemes, input.max_skew.map(u64::from));
    let headers = input.request.headers();
    let req = input.request.view(&headers);
    let Ok(Some(found)) = pipeline::find(&policy, &req) else {
        return;
    };
    let context = Context {
        remote_addr: input.remote_addr,
        drf_data: input.drf_data,
        url_scheme: if input.https { "https" } else { "http" },
    };
    let Ok(prepared) = pipeline::prepare(found, &req, &policy, &context) else {
        return;
    };
    let entries: Vec<KeyEntry<'_>> = input
        .secrets
        .iter()
        .take(4)
        .map(|(raw, pinned)| {
            KeyEntry::any_scheme(if *pinned {
                Secret::Pinned(Cow::Owned(Key::new(Algorithm::Sha256, raw)))
            } else {
                Secret::Raw(SecretBytes::Borrowed(raw))
            })
        })
        .collect();
    let _ = pipeline::check(
        prepared,
        &req,
        &entries,
        &KeyCache::new(4),
        input.now,
        &NoReplayGuard,
    );
});
