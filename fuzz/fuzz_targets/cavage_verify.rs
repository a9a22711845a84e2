//! Finding, parsing and verifying a draft-cavage signature on any request,
//! with a correct MAC where one can be made so the later checks run too.
#![no_main]

use std::borrow::Cow;

use httpseal::cavage::{find_params, sign, verify, Policy, QueryRule};
use httpseal::mac::{Algorithm, Key, KeyCache, Secret, SecretBytes};
use httpseal::request::Request;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    method: &'a str,
    path: &'a str,
    query: &'a str,
    headers: Vec<(&'a str, &'a str)>,
    body: &'a [u8],
    /// Sign this list with the server's secret before verifying.
    sign_list: Option<&'a str>,
    legacy_rule: bool,
    freshness: bool,
    now: i64,
}

fuzz_target!(|input: Input<'_>| {
    let rule = if input.legacy_rule {
        QueryRule::FlaskCavage
    } else {
        QueryRule::Draft
    };
    let mut headers: Vec<(Cow<'_, str>, Cow<'_, str>)> = input
        .headers
        .iter()
        .map(|(n, v)| (Cow::Borrowed(*n), Cow::Borrowed(*v)))
        .collect();
    let request = |headers| Request {
        method: input.method,
        path: input.path,
        query: input.query,
        headers,
        body: input.body,
    };
    if let Some(list) = input.sign_list {
        let names: Vec<String> = list.split_ascii_whitespace().map(String::from).collect();
        let key = Key::new(Algorithm::Sha256, b"secret");
        let unsigned = Request {
            headers: &headers,
            ..request(&[])
        };
        if let Ok(value) = sign("k", &key, &names, &unsigned, rule) {
            headers.push(("Authorization".into(), format!("Signature {value}").into()));
        }
    }
    let req = request(&headers);
    let Ok(params) = find_params(&req) else {
        return;
    };
    let policy = Policy {
        required: Vec::new(),
        max_skew: input.freshness.then_some(300),
        query_rule: rule,
        ..Policy::default_for(input.method)
    };
    let secrets = [Secret::Raw(SecretBytes::Borrowed(b"secret"))];
    let _ = verify(
        params,
        &req,
        &secrets,
        &policy,
        input.now,
        &KeyCache::new(2),
    );
});
