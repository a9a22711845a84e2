//! Verifying a FOST-signed request with any headers, body and query; with a
//! correct MAC where one can be made so every check runs.
#![no_main]

#[path = "fuzz_request.rs"]
mod fuzz_request;

use httpseal::mac::{KeyCache, Secret, SecretBytes};
use httpseal::schemes::fost::{
    document_tail, parse_authorization, request_document, request_fields, sha1_hmac,
    verify_request, RequestPolicy,
};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    request: fuzz_request::FuzzRequest<'a>,
    authorization: &'a str,
    sign_it: bool,
    allow_unsigned_query: bool,
    now: i64,
}

fuzz_target!(|input: Input<'_>| {
    let mut headers = input.request.headers();
    let mut authorization = input.authorization.to_owned();
    if input.sign_it {
        let unsigned = input.request.view(&headers);
        if let (Ok(fields), Ok(tail)) = (
            request_fields(&unsigned),
            document_tail(unsigned.body, unsigned.query, true),
        ) {
            let values: Vec<&str> = fields.headers.iter().map(|(_, v)| *v).collect();
            let doc = request_document(
                unsigned.method,
                unsigned.path,
                fields.timestamp,
                &values,
                tail,
            );
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
    let req = input.request.view(&headers);
    let _ = verify_request(
        &req,
        &credentials,
        &secrets,
        policy,
        input.now,
        &KeyCache::new(0),
    );
});
