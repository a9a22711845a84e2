//! Finding, parsing and verifying a draft-cavage signature on any request,
//! with a correct MAC where one can be made so the later checks run too.
#![no_main]

#[path = "fuzz_request.rs"]
mod fuzz_request;

use httpseal::mac::{Algorithm, Key, KeyCache, Secret, SecretBytes};
use httpseal::schemes::cavage::{find_params, sign, verify, Policy, QueryRule};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    request: fuzz_request::FuzzRequest<'a>,
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
    let mut headers = input.request.headers();
    if let Some(list) = input.sign_list {
        let names: Vec<String> = list.split_ascii_whitespace().map(String::from).collect();
        let key = Key::new(Algorithm::Sha256, b"secret");
        if let Ok(value) = sign("k", &key, &names, &input.request.view(&headers), rule) {
            headers.push(("Authorization".into(), format!("Signature {value}").into()));
        }
    }
    let req = input.request.view(&headers);
    let Ok(params) = find_params(&req) else {
        return;
    };
    let policy = Policy {
        required: Vec::new(),
        max_skew: input.freshness.then_some(300),
        query_rule: rule,
        ..Policy::default_for(req.method)
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
