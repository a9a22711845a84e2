//! The one verification pipeline. Every scheme goes through the same steps,
//! in this order, written down once here:
//!
//! 1. find credentials, 2. parse them (`find`: `Ok(None)` when the request
//!    carries none of the configured schemes' credentials — "not ours");
//! 3. policy: coverage and algorithms, and the signing input (`prepare`);
//! 4. key lookup (the caller's, between `prepare` and `check`);
//! 5. the MAC, constant-time over every candidate secret; 6. freshness;
//! 7. the body digest; 8. the replay store (`check`).
//!
//! A scheme module supplies only steps 1–3; the rest is here.

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::keys::{usable_for, KeyEntry, SchemeName};
use crate::mac::{match_any, Algorithm, KeyCache, Output, Secret};
use crate::replay::{NoReplayGuard, ReplayGuard, ReplayKey};
use crate::request::{decoded_path, Request};
use crate::schemes::{cavage, drf, fost, rfc9421, token, webhooks};
use crate::time;

/// What a server accepts, per scheme; `schemes` in order of preference.
#[derive(Debug, Clone)]
pub struct Policy {
    pub schemes: Vec<SchemeName>,
    pub cavage: cavage::Policies,
    pub drf: drf::Policy,
    pub fost: fost::RequestPolicy,
    pub fost_url: fost::UrlPolicy,
    pub token: token::Policy,
    pub rfc9421: rfc9421::Policy,
    pub webhooks: webhooks::Policy,
}

impl Policy {
    /// Every scheme's defaults with one freshness window.
    pub fn defaults(schemes: Vec<SchemeName>, max_skew: Option<u64>) -> Self {
        Policy {
            schemes,
            cavage: cavage::Policies::defaults(max_skew),
            drf: drf::Policy {
                max_skew,
                hostname: drf::Hostname::Host,
            },
            fost: fost::RequestPolicy {
                max_skew,
                allow_unsigned_query: false,
            },
            fost_url: fost::UrlPolicy {
                require_expiry: true,
                max_lifetime: None,
                single_use: false,
            },
            token: token::Policy::default(),
            rfc9421: rfc9421::Policy::defaults(max_skew),
            webhooks: webhooks::Policy {
                tolerance: max_skew,
                github_sha1: false,
            },
        }
    }
}

/// Parsed credentials of one scheme.
#[derive(Debug)]
pub enum Found<'a> {
    Cavage(cavage::Params<'a>),
    Drf(drf::Credentials<'a>),
    FostRequest(fost::Credentials),
    FostUrl(fost::UrlParams),
    Token(Cow<'a, str>),
    Rfc9421(rfc9421::Signatures),
    Webhook(webhooks::Delivery<'a>),
}

impl<'a> Found<'a> {
    pub fn scheme(&self) -> SchemeName {
        match self {
            Found::Cavage(_) => SchemeName::Cavage,
            Found::Drf(_) => SchemeName::DrfHmac,
            Found::FostRequest(_) | Found::FostUrl(_) => SchemeName::Fost,
            Found::Token(_) => SchemeName::FlaskHmac,
            Found::Rfc9421(_) => SchemeName::Rfc9421,
            Found::Webhook(delivery) => delivery.format,
        }
    }

    /// The key id, as the key store is asked for it: borrowed from the
    /// request where the credentials are.
    pub fn key_id(&self) -> Cow<'a, str> {
        match self {
            Found::Cavage(params) => params.key_id.clone(),
            Found::Drf(creds) => Cow::Borrowed(creds.key),
            Found::FostRequest(creds) => Cow::Owned(creds.key.clone()),
            Found::FostUrl(params) => Cow::Owned(params.key.clone()),
            Found::Token(_) => Cow::Borrowed(""),
            // Several signatures may name several keys; the policy picks one.
            Found::Rfc9421(signatures) => signatures
                .inputs
                .first()
                .and_then(|input| input.keyid.clone())
                .map_or(Cow::Borrowed(""), Cow::Owned),
            // A delivery names no key: the endpoint knows its secrets.
            Found::Webhook(_) => Cow::Borrowed(""),
        }
    }
}

/// Steps 1–2: the credentials of the first of `policy.schemes` that the
/// request carries, parsed; `Ok(None)` when it carries none of them.
pub fn find<'a>(policy: &Policy, req: &Request<'a>) -> Result<Option<Found<'a>>> {
    for &scheme in &policy.schemes {
        if let Some(found) = find_one(scheme, req, policy)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// One scheme's credentials, parsed; `Ok(None)` when the request lacks them.
pub fn find_one<'a>(
    scheme: SchemeName,
    req: &Request<'a>,
    policy: &Policy,
) -> Result<Option<Found<'a>>> {
    Ok(match scheme {
        SchemeName::Cavage => cavage::find(req)?.map(Found::Cavage),
        SchemeName::DrfHmac => drf::find(req)?.map(Found::Drf),
        SchemeName::Fost => fost::find(req)?,
        SchemeName::FlaskHmac => token::find(req, &policy.token).map(Found::Token),
        SchemeName::Rfc9421 => rfc9421::find(req)?.map(Found::Rfc9421),
        webhook => webhooks::find(webhook, req, &policy.webhooks)?.map(Found::Webhook),
    })
}

/// Which algorithm the MAC uses: fixed by the credentials or the scheme, or
/// (draft-cavage without an `algorithm` parameter) the key's own.
#[derive(Debug, Clone)]
pub enum AlgorithmChoice {
    Fixed(Algorithm),
    FromKey(Vec<Algorithm>),
}

/// The freshness rule of one request.
#[derive(Debug, Clone)]
pub enum Freshness<'a> {
    Unchecked,
    /// A signed timestamp that must lie within `max_skew` of now (and a
    /// signed expiry, where the scheme has one, that must not have passed).
    Window {
        stamp: i64,
        shown: Cow<'a, str>,
        max_skew: u64,
        expires: Option<i64>,
    },
    /// A signed expiry that must not have passed.
    Expiry {
        at: i64,
        max_lifetime: Option<u64>,
    },
}

/// A digest of the body to check against it.
#[derive(Debug, Clone)]
pub enum DigestCheck<'a> {
    /// RFC 3230 `Digest` (draft-cavage); `legacy` admits MD5 and SHA-1.
    Digest { header: Cow<'a, str>, legacy: bool },
    /// RFC 9530 `Content-Digest`.
    ContentDigest { header: Cow<'a, str> },
}

/// A request that passed its scheme's policy, with its signing input: the
/// MAC covers `head` then `tail` (a body is never copied).
#[derive(Debug)]
pub struct Prepared<'a> {
    pub scheme: SchemeName,
    pub key_id: Cow<'a, str>,
    pub algorithm: AlgorithmChoice,
    pub head: Vec<u8>,
    pub tail: &'a [u8],
    pub claimed: Output,
    pub freshness: Freshness<'a>,
    pub digest: Option<DigestCheck<'a>>,
    /// What the signature covers, space-separated, in the scheme's own vocabulary.
    pub covered: Cow<'static, str>,
    pub act_as: Option<String>,
    /// The signed time (Unix seconds), checked or not, where the scheme has one.
    pub timestamp: Option<i64>,
    /// Signed header names and values, for schemes that report them (FOST).
    pub signed_headers: Vec<(String, String)>,
    /// Whether step 8 records it: every timestamped request; a signed URL
    /// only when the server makes its links single-use.
    pub recorded: bool,
    /// A nonce the signature covers: the replay store records it (with the
    /// key id) instead of the MAC, so a nonce is spent once.
    pub nonce: Option<String>,
    /// Further signatures the message carries, any of which accepts (a
    /// webhook sender's own rotation); at most a handful.
    pub alternatives: Vec<Output>,
    /// A webhook sender's delivery id (covered by the MAC or not, as the
    /// format has it).
    pub delivery_id: Option<String>,
}

/// What the adapter knows beyond the request itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The peer's address (drf-hmac signs it by default).
    pub remote_addr: &'a str,
    /// The bytes drf-hmac signs after the timestamp line when they are not
    /// the raw body (django-rest-framework-hmac's JSON rule).
    pub drf_data: Option<&'a [u8]>,
    /// The request's URL scheme (`http`, `https`), which RFC 9421's
    /// `@scheme` and `@target-uri` sign.
    pub url_scheme: &'a str,
}

/// Step 3: the scheme's policy and signing input.
pub fn prepare<'a>(
    found: Found<'a>,
    req: &Request<'a>,
    policy: &Policy,
    context: &Context<'a>,
) -> Result<Prepared<'a>> {
    match found {
        Found::Cavage(params) => cavage::prepare(params, req, policy.cavage.for_method(req.method)),
        Found::Drf(creds) => drf::prepare(creds, req, &policy.drf, context),
        Found::FostRequest(creds) => {
            fost::prepare_request(creds, req, &decoded_path(req.path), policy.fost)
        }
        Found::FostUrl(params) => {
            let host = req.header("host").unwrap_or_default();
            let path = decoded_path(req.path);
            let mut prepared = fost::prepare_url(params, &host, &path, req.query, policy.fost_url)?;
            // A single-use link is spent by a GET only: a HEAD (a link
            // checker, an unfurler asking for headers) leaves it usable.
            prepared.recorded = policy.fost_url.single_use && req.method == "GET";
            Ok(prepared)
        }
        Found::Token(token) => token::prepare(&token, req, &policy.token),
        Found::Rfc9421(signatures) => rfc9421::prepare(signatures, req, &policy.rfc9421, context),
        Found::Webhook(delivery) => webhooks::prepare(delivery, req, &policy.webhooks),
    }
}

/// The outcome of a verification, the same shape for every scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub scheme: SchemeName,
    pub key_id: String,
    /// e.g. `"hmac-sha256"`.
    pub algorithm: &'static str,
    /// Which of the key store's secrets matched (rotation).
    pub secret_index: usize,
    /// Space-separated.
    pub covered: Cow<'static, str>,
    pub act_as: Option<String>,
    /// The signed time (Unix seconds) where the scheme has one.
    pub timestamp: Option<i64>,
    pub signed_headers: Vec<(String, String)>,
    /// A webhook delivery's id, where the format has one.
    pub delivery_id: Option<String>,
}

/// Steps 5–8 for a prepared request and the key store's `entries` for its key.
pub fn check(
    prepared: Prepared<'_>,
    req: &Request<'_>,
    entries: &[KeyEntry<'_>],
    keys: &KeyCache,
    now: i64,
    replay: &dyn ReplayGuard,
) -> Result<Verified> {
    let usable = usable_for(entries, prepared.scheme, now)?;
    let algorithm = match &prepared.algorithm {
        AlgorithmChoice::Fixed(algorithm) => *algorithm,
        AlgorithmChoice::FromKey(allowed) => match usable.first() {
            Some((_, Secret::Pinned(key))) if allowed.contains(&key.algorithm()) => key.algorithm(),
            Some((_, Secret::Pinned(key))) => {
                return Err(Error::DisallowedAlgorithm(
                    algorithm_name(key.algorithm()).to_owned(),
                ))
            }
            _ => return Err(Error::malformed("algorithm parameter is missing")),
        },
    };
    // 5. The MAC, over every candidate secret.
    let parts: [&[u8]; 2] = [&prepared.head, prepared.tail];
    let candidates = usable.iter().map(|(index, secret)| (*index, secret));
    let claims = std::iter::once(&prepared.claimed).chain(&prepared.alternatives);
    let (secret_index, mac) = match_any(candidates, algorithm, keys, &parts, claims)?;
    // 6. Freshness.
    // A store entry lives as long as the request could still pass step 6.
    let ttl = match &prepared.freshness {
        Freshness::Unchecked => 0,
        Freshness::Window {
            stamp,
            shown,
            max_skew,
            expires,
        } => {
            time::check_fresh(*stamp, now, *max_skew, shown)?;
            // It passes step 6 until `stamp + max_skew`, inclusive, and
            // not past a signed expiry.
            let last = stamp.saturating_add_unsigned(*max_skew);
            match expires {
                Some(at) => {
                    check_expiry(*at, now, None)?;
                    live_until(last.min(*at), now)
                }
                None => live_until(last, now),
            }
        }
        Freshness::Expiry { at, max_lifetime } => {
            check_expiry(*at, now, *max_lifetime)?;
            live_until(*at, now)
        }
    };
    // 7. The body digest.
    match &prepared.digest {
        Some(DigestCheck::Digest { header, legacy }) => {
            cavage::check_digest(header, req.body, *legacy)?
        }
        Some(DigestCheck::ContentDigest { header }) => {
            crate::content_digest::check(header, req.body)?
        }
        None => {}
    }
    // 8. Replay: keyed on the decoded MAC, never on header text. No key id
    // either: the MAC already names the secret, while a key id has several
    // spellings a key store may resolve alike (case under a case-insensitive
    // database), and two ids sharing a secret must not replay each other's
    // requests.
    // A signed nonce is spent once per key, whatever else the request says.
    if prepared.recorded {
        let key = match &prepared.nonce {
            Some(nonce) => ReplayKey {
                scheme: prepared.scheme,
                key_id: &prepared.key_id,
                nonce: nonce.as_bytes(),
            },
            None => ReplayKey {
                scheme: prepared.scheme,
                key_id: "",
                nonce: &mac,
            },
        };
        replay.check_and_record(&key, ttl)?;
    }
    Ok(Verified {
        scheme: prepared.scheme,
        key_id: prepared.key_id.into_owned(),
        algorithm: algorithm_name(algorithm),
        secret_index,
        covered: prepared.covered,
        act_as: prepared.act_as,
        timestamp: prepared.timestamp,
        signed_headers: prepared.signed_headers,
        delivery_id: prepared.delivery_id,
    })
}

/// Seconds from `now` until a request last valid at `last` can no longer
/// pass (at least 1: it passed just now).
fn live_until(last: i64, now: i64) -> u64 {
    last.saturating_sub(now).saturating_add(1).max(1) as u64
}

fn check_expiry(at: i64, now: i64, max_lifetime: Option<u64>) -> Result<()> {
    if at < now {
        return Err(Error::Expired(format!("expired at {at}, now {now}")));
    }
    if let Some(max) = max_lifetime {
        if at.saturating_sub(now) as u64 > max {
            return Err(Error::Future(format!(
                "expiry {at} is more than {max} s away"
            )));
        }
    }
    Ok(())
}

fn borrow<'s>(secret: &'s Secret<'_>) -> Secret<'s> {
    match secret {
        Secret::Raw(raw) => Secret::Raw(crate::mac::SecretBytes::Borrowed(raw)),
        Secret::Pinned(key) => Secret::Pinned(Cow::Borrowed(key.as_ref())),
    }
}

pub fn algorithm_name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::Sha1 => "hmac-sha1",
        Algorithm::Sha224 => "hmac-sha224",
        Algorithm::Sha256 => "hmac-sha256",
        Algorithm::Sha384 => "hmac-sha384",
        Algorithm::Sha512 => "hmac-sha512",
    }
}

/// Steps 3–8 for the single-scheme entry points, whose caller already holds
/// the secrets (usable with every scheme, no replay store): an empty list is
/// an unknown key before anything is parsed, as those entry points always did.
pub fn verify_with_secrets<'a>(
    secrets: &[Secret<'_>],
    prepare: impl FnOnce() -> Result<Prepared<'a>>,
    req: &Request<'_>,
    keys: &KeyCache,
    now: i64,
) -> Result<Verified> {
    if secrets.is_empty() {
        return Err(Error::UnknownKey);
    }
    check(
        prepare()?,
        req,
        &entries_for(secrets),
        keys,
        now,
        &NoReplayGuard,
    )
}

/// Borrowed entries for a slice of secrets usable with every scheme, for the
/// single-scheme entry points.
fn entries_for<'s>(secrets: &'s [Secret<'_>]) -> Vec<KeyEntry<'s>> {
    secrets
        .iter()
        .map(|s| KeyEntry::any_scheme(borrow(s)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{headers_from, Header};
    use proptest::prelude::*;

    proptest! {
        // Steps 1–3 on any request: an answer or an error, never a panic.
        #[test]
        fn find_and_prepare_take_any_request(
            method in "(GET|POST|[A-Za-z]{0,6})",
            path in "\\PC{0,40}",
            query in "(_k=[a-z%+]{0,4}&_s=[A-Za-z0-9+/=%]{0,8}&)?\\PC{0,20}",
            pairs in proptest::collection::vec(
                ("(authorization|signature|key|timestamp|date|host|x-fost-headers|x-fost-timestamp|x-[a-z]{1,3})",
                 "(Signature |FOST |keyId=)?\\PC{0,60}"),
                0..8,
            ),
        ) {
            let owned: Vec<(String, String)> = pairs;
            let refs: Vec<(&str, &str)> = owned.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            let headers = headers_from(&refs);
            let req = Request { method: &method, path: &path, query: &query, headers: &headers, body: b"" };
            let policy = Policy::defaults(SchemeName::ALL.to_vec(), Some(300));
            if let Ok(Some(found)) = find(&policy, &req) {
                let _ = prepare(found, &req, &policy, &Context::default());
            }
        }
    }

    #[test]
    fn the_first_configured_scheme_with_credentials_wins() {
        let h = headers_from(&[("Key", "k"), ("Authorization", "FOST a:b")]);
        let req = Request {
            method: "GET",
            path: "/",
            query: "",
            headers: &h,
            body: b"",
        };
        let find_with =
            |schemes: &[SchemeName]| find(&Policy::defaults(schemes.to_vec(), None), &req);
        let fost_first = find_with(&[SchemeName::Fost, SchemeName::DrfHmac])
            .unwrap()
            .unwrap();
        assert_eq!(fost_first.scheme(), SchemeName::Fost);
        assert_eq!(
            find_with(&[SchemeName::Cavage])
                .unwrap()
                .map(|f| f.scheme()),
            None
        );
        let err = find_with(&[SchemeName::DrfHmac, SchemeName::Fost]).unwrap_err();
        assert_eq!(err.code(), "missing_header");
    }

    fn token_request<'a>(headers: &'a [Header<'a>], path: &'a str) -> Request<'a> {
        Request {
            method: "GET",
            path,
            query: "",
            headers,
            body: b"",
        }
    }

    fn verify_token_request(req: &Request<'_>, secrets: &[&[u8]]) -> Result<Verified> {
        let policy = Policy::defaults(vec![SchemeName::FlaskHmac], None);
        let found = find(&policy, req)?.ok_or(Error::malformed("not ours"))?;
        let prepared = prepare(found, req, &policy, &Context::default())?;
        let secrets: Vec<Secret<'_>> = secrets
            .iter()
            .map(|s| Secret::Raw(crate::mac::SecretBytes::Borrowed(s)))
            .collect();
        check(
            prepared,
            req,
            &entries_for(&secrets),
            &KeyCache::new(4),
            0,
            &NoReplayGuard,
        )
    }

    #[test]
    fn flask_hmac_tokens_go_through_the_pipeline_with_rotation() {
        let key = crate::mac::Key::new(Algorithm::Sha256, b"new");
        let token = token::render(&key, b"/a", crate::mac::Encoding::Base64Url);
        let h = headers_from(&[("hmac", &token)]);
        let verified = verify_token_request(&token_request(&h, "/a"), &[b"old", b"new"]).unwrap();
        assert_eq!(
            (
                verified.scheme,
                verified.key_id.as_str(),
                verified.secret_index
            ),
            (SchemeName::FlaskHmac, "", 1)
        );
        assert_eq!(verified.algorithm, "hmac-sha256");
        assert_eq!(
            verify_token_request(&token_request(&h, "/b"), &[b"new"]),
            Err(Error::BadSignature)
        );
        let empty = headers_from(&[("HMAC", "")]);
        let err = verify_token_request(&token_request(&empty, "/a"), &[b"new"]).unwrap_err();
        assert_eq!(err.code(), "malformed");
        let twice = headers_from(&[("HMAC", &token), ("HMAC", &token)]);
        assert_eq!(
            verify_token_request(&token_request(&twice, "/a"), &[b"new"]),
            Err(Error::BadSignature)
        );
        let none = headers_from(&[]);
        let policy = Policy::defaults(vec![SchemeName::FlaskHmac], None);
        assert!(find(&policy, &token_request(&none, "/a"))
            .unwrap()
            .is_none());
    }
}
