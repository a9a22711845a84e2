//! Verifying a signed URL with any host, path and query.
#![no_main]

use httpseal::mac::{KeyCache, Secret, SecretBytes};
use httpseal::schemes::fost::{url_params, verify_url, UrlPolicy};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str, &str, bool, Option<u32>, i64)| {
    let (host, path, query, require_expiry, max_lifetime, now) = input;
    let Ok(Some(params)) = url_params(query) else {
        return;
    };
    let policy = UrlPolicy {
        require_expiry,
        max_lifetime: max_lifetime.map(u64::from),
        single_use: false,
    };
    let secrets = [Secret::Raw(SecretBytes::Borrowed(b"secret"))];
    let _ = verify_url(
        host,
        path,
        query,
        &params,
        &secrets,
        policy,
        now,
        &KeyCache::new(0),
    );
});
