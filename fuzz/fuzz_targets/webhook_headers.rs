//! Every webhook format on any headers and body: find the delivery's
//! credentials, prepare, and check against any secret; and the Standard
//! Webhooks secret decoder.
#![no_main]

use httpseal::keys::KeyEntry;
use httpseal::mac::{KeyCache, Secret, SecretBytes};
use httpseal::pipeline;
use httpseal::replay::NoReplayGuard;
use httpseal::request::Request;
use httpseal::schemes::webhooks::{self, Policy};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use std::borrow::Cow;

const NAMES: [&str; 11] = [
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "svix-signature",
    "stripe-signature",
    "x-hub-signature-256",
    "x-hub-signature",
    "x-github-delivery",
    "x-slack-signature",
    "x-slack-request-timestamp",
    "content-type",
];

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    format: u8,
    headers: Vec<(u8, &'a str)>,
    body: &'a [u8],
    secret: &'a [u8],
    tolerance: Option<u16>,
    github_sha1: bool,
    now: i64,
}

fuzz_target!(|input: Input<'_>| {
    let _ = webhooks::standard_webhooks_key(input.secret);
    let format = webhooks::FORMATS[input.format as usize % webhooks::FORMATS.len()];
    let headers: Vec<(Cow<'_, str>, Cow<'_, str>)> = input
        .headers
        .iter()
        .take(12)
        .map(|(n, v)| {
            (
                Cow::Borrowed(NAMES[*n as usize % NAMES.len()]),
                Cow::Borrowed(*v),
            )
        })
        .collect();
    let req = Request {
        method: "POST",
        path: "/hook",
        query: "",
        headers: &headers,
        body: input.body,
    };
    let policy = Policy {
        tolerance: input.tolerance.map(u64::from),
        github_sha1: input.github_sha1,
    };
    let Ok(Some(delivery)) = webhooks::find(format, &req, &policy) else {
        return;
    };
    let Ok(prepared) = webhooks::prepare(delivery, &req, &policy) else {
        return;
    };
    let entries = [KeyEntry::any_scheme(Secret::Raw(SecretBytes::Borrowed(
        input.secret,
    )))];
    let _ = pipeline::check(
        prepared,
        &req,
        &entries,
        &KeyCache::new(2),
        input.now,
        &NoReplayGuard,
    );
});
