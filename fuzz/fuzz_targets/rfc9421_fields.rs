//! RFC 9421 on any `Signature-Input`, `Signature` and `Content-Digest`
//! text, over requests with any method, path, query and headers: parse,
//! select by policy, build the signature base, check the MAC, freshness and
//! digest, with or without server-issued nonces. Also the component
//! identifier, Want-Content-Digest and Accept-Signature parsers.
#![no_main]

use httpseal::content_digest;
use httpseal::keys::{KeyEntry, SchemeName};
use httpseal::mac::{KeyCache, Secret, SecretBytes};
use httpseal::pipeline::{self, Context, Policy};
use httpseal::replay::NoReplayGuard;
use httpseal::request::Request;
use httpseal::schemes::rfc9421;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use std::borrow::Cow;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    signature_input: Vec<&'a str>,
    signature: Vec<&'a str>,
    content_digest: Option<&'a str>,
    want: &'a str,
    identifier: &'a str,
    method: &'a str,
    path: &'a str,
    query: &'a str,
    host: Option<&'a str>,
    others: Vec<(&'a str, &'a str)>,
    body: &'a [u8],
    label: Option<&'a str>,
    tag: Option<&'a str>,
    require_nonce: bool,
    issued_nonces: bool,
    secret: &'a [u8],
    now: i64,
}

fuzz_target!(|input: Input<'_>| {
    let _ = rfc9421::identifier(input.identifier);
    let _ = content_digest::preferred(input.want);
    let _ = rfc9421::requested(input.want);
    let mut headers: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::new();
    let mut add = |name: &'static str, value: &str| {
        headers.push((Cow::Borrowed(name), Cow::Owned(value.to_owned())));
    };
    input
        .signature_input
        .iter()
        .take(4)
        .for_each(|v| add("Signature-Input", v));
    input
        .signature
        .iter()
        .take(4)
        .for_each(|v| add("Signature", v));
    if let Some(value) = input.content_digest {
        let _ = content_digest::check(value, input.body);
        add("Content-Digest", value);
    }
    if let Some(host) = input.host {
        add("Host", host);
    }
    for (name, value) in input.others.iter().take(8) {
        headers.push((Cow::Owned(name.to_string()), Cow::Owned(value.to_string())));
    }
    let req = Request {
        method: input.method,
        path: input.path,
        query: input.query,
        headers: &headers,
        body: input.body,
    };
    let mut policy = Policy::defaults(vec![SchemeName::Rfc9421], Some(300));
    policy.rfc9421.label = input.label.map(str::to_owned);
    policy.rfc9421.tag = input.tag.map(str::to_owned);
    policy.rfc9421.require_nonce = input.require_nonce;
    if input.issued_nonces {
        policy.rfc9421.issuer = Some(rfc9421::NonceIssuer::new(b"fuzzing nonce key"));
    }
    let Ok(Some(found)) = pipeline::find(&policy, &req) else {
        return;
    };
    let context = Context {
        url_scheme: "https",
        ..Context::default()
    };
    let Ok(prepared) = pipeline::prepare(found, &req, &policy, &context) else {
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
