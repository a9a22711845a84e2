//! Verifying a FOST-signed request with any headers, body and query; with a
//! correct MAC where one can be made so every check runs.
#![no_main]

use std::borrow::Cow;

use httpseal::fost::{
    parse_authorization, request_document, request_fields, sha1_hmac, verify_request, RequestPolicy,
};
use httpseal::mac::{KeyCache, Secret, SecretBytes};
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
    authorization: &'a str,
    sign_it: bool,
    allow_unsigned_query: bool,
    now: i64,
}

fuzz_target!(|input: Input<'_>| {
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
    let mut authorization = input.authorization.to_owned();
    if input.sign_it {
        let unsigned = Request {
            headers: &headers,
            ..request(&[])
        };
        if let Ok(fields) = request_fields(&unsigned) {
            let values: Vec<&str> = fields.headers.iter().map(|(_, v)| *v).collect();
            let tail = if input.body.is_empty() {
                input.query.as_bytes()
            } else {
                input.body
            };
            let doc = request_document(input.method, input.path, fields.timestamp, &values, tail);
            authorization = format!("FOST k:{}", sha1_hmac(b"secret", &doc));
        }
    }
    headers.push(("Authorization".into(), authorization.clone().into()));
    let Ok(Some(credentials)) = parse_authorization(&authorization) else {
        return;
    };
    let policy = RequestPolicy {
        max_skew: Some(300),
        allow_unsigned_query: input.allow_unsigned_query,
    };
    let secrets = [Secret::Raw(SecretBytes::Borrowed(b"secret"))];
    let _ = verify_request(
        &request(&headers),
        &credentials,
        &secrets,
        policy,
        input.now,
        &KeyCache::new(0),
    );
});
