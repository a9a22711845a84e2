//! Inbound webhooks: Standard Webhooks (Svix's header names too), Stripe,
//! GitHub and Slack. Each signs the raw body behind a short prefix built from
//! its headers; a delivery names no key (the endpoint knows its secrets) and
//! may carry several signatures (the sender's own rotation), any of which
//! accepts.

use std::borrow::Cow;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::error::{quoted, Error, Result};
use crate::inline::FirstInline;
use crate::keys::SchemeName;
use crate::mac::{base64_encode, hex_encode, Algorithm, Key, Output};
use crate::pipeline::{AlgorithmChoice, Freshness, Prepared};
use crate::request::Request;

/// Signatures one header may carry; past it the delivery is refused before
/// any MAC is computed, so a hostile header costs linear work.
pub const MAX_SIGNATURES: usize = 8;

/// Entries (any version) one Standard Webhooks or Stripe header may hold.
const MAX_ENTRIES: usize = 32;

/// What an endpoint accepts.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Seconds a timestamp may lie from now, either way; `None`: unchecked
    /// (for replaying captured deliveries in tests).
    pub tolerance: Option<u64>,
    /// Accept GitHub's SHA-1 `X-Hub-Signature` when there is no SHA-256 one.
    pub github_sha1: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            tolerance: Some(300),
            github_sha1: false,
        }
    }
}

/// The formats, in the pipeline's names.
pub const FORMATS: [SchemeName; 4] = [
    SchemeName::StandardWebhooks,
    SchemeName::Stripe,
    SchemeName::GitHub,
    SchemeName::Slack,
];

/// A delivery's credentials, parsed.
#[derive(Debug)]
pub struct Delivery<'a> {
    pub format: SchemeName,
    /// The sender's delivery id (`webhook-id`, `X-GitHub-Delivery`).
    pub id: Option<&'a str>,
    stamp: Option<(i64, &'a str)>,
    claims: Claims,
    algorithm: Algorithm,
}

/// The signatures a delivery carries, at most `MAX_SIGNATURES`.
#[derive(Debug, Default)]
struct Claims(FirstInline<Output>);

impl Claims {
    fn one(claim: Output) -> Self {
        Claims(FirstInline::one(claim))
    }

    fn push(&mut self, claim: Output) -> Result<()> {
        if self.0.len() == MAX_SIGNATURES {
            return Err(Error::malformed(format!(
                "more than {MAX_SIGNATURES} signatures"
            )));
        }
        self.0.push(claim);
        Ok(())
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn header<'a>(req: &Request<'a>, names: &[&str]) -> Result<Option<&'a str>> {
    for name in names {
        if let Some(value) = req.single_header(name)? {
            return Ok(Some(value));
        }
    }
    Ok(None)
}

fn required<'a>(value: Option<&'a str>, name: &str) -> Result<&'a str> {
    match value {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Error::MissingHeader(name.to_owned())),
    }
}

/// A timestamp: Unix seconds, ASCII digits only, at most 11 of them.
fn seconds(text: &str) -> Result<i64> {
    if text.is_empty() || text.len() > 11 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::malformed(format!(
            "timestamp {} is not Unix seconds",
            quoted(text)
        )));
    }
    // At most 11 digits: the sum cannot overflow.
    Ok(text
        .bytes()
        .fold(0i64, |sum, digit| sum * 10 + i64::from(digit - b'0')))
}

/// Each byte's value as a hex digit, `INVALID` for the rest.
const INVALID: u8 = 0xff;
static HEX_DIGITS: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// A hex MAC of exactly `len` bytes (either case), decoded on the stack.
/// A table and one check at the end: this runs on every delivery.
fn hex_mac(text: &[u8], len: usize) -> Option<Output> {
    if text.len() != len * 2 || len > 64 {
        return None;
    }
    let mut out = [0u8; 64];
    let mut invalid = 0u8;
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        let (high, low) = (HEX_DIGITS[pair[0] as usize], HEX_DIGITS[pair[1] as usize]);
        invalid |= (high | low) & 0xf0;
        *byte = high << 4 | low;
    }
    if invalid != 0 {
        return None;
    }
    Output::from_slice(&out[..len])
}

/// The delivery's credentials for `format`; `Ok(None)` when it carries
/// none of that format's headers.
pub fn find<'a>(
    format: SchemeName,
    req: &Request<'a>,
    policy: &Policy,
) -> Result<Option<Delivery<'a>>> {
    match format {
        SchemeName::StandardWebhooks => standard_webhooks(req),
        SchemeName::Stripe => stripe(req),
        SchemeName::GitHub => github(req, policy),
        SchemeName::Slack => slack(req),
        _ => Ok(None),
    }
}

fn standard_webhooks<'a>(req: &Request<'a>) -> Result<Option<Delivery<'a>>> {
    let signature = header(req, &["webhook-signature", "svix-signature"])?;
    let id = header(req, &["webhook-id", "svix-id"])?;
    let stamp = header(req, &["webhook-timestamp", "svix-timestamp"])?;
    if signature.is_none() && id.is_none() && stamp.is_none() {
        return Ok(None);
    }
    let signature = required(signature, "webhook-signature")?;
    let id = required(id, "webhook-id")?;
    let stamp = required(stamp, "webhook-timestamp")?;
    // `{id}.{timestamp}.{body}`: an id holding '.' could shift the fields.
    if id.contains('.') {
        return Err(Error::malformed("webhook-id holds '.'"));
    }
    let at = seconds(stamp)?;
    let mut claims = Claims::default();
    for (n, entry) in signature.split(' ').filter(|e| !e.is_empty()).enumerate() {
        if n == MAX_ENTRIES {
            return Err(Error::malformed("too many webhook-signature entries"));
        }
        // Unknown versions (`v1a,…`) and garbled entries are skipped.
        let Some(encoded) = entry.strip_prefix("v1,") else {
            continue;
        };
        // Decoded on the stack: a MAC is at most 64 bytes, and a longer
        // entry (which does not fit) is garbled.
        let mut decoded = [0u8; 72];
        if let Some(claim) = STANDARD
            .decode_slice(encoded, &mut decoded)
            .ok()
            .and_then(|n| Output::from_slice(&decoded[..n]))
        {
            claims.push(claim)?;
        }
    }
    if claims.is_empty() {
        return Err(Error::malformed("webhook-signature holds no v1 signature"));
    }
    Ok(Some(Delivery {
        format: SchemeName::StandardWebhooks,
        id: Some(id),
        stamp: Some((at, stamp)),
        claims,
        algorithm: Algorithm::Sha256,
    }))
}

fn stripe<'a>(req: &Request<'a>) -> Result<Option<Delivery<'a>>> {
    let Some(signature) = req.single_header("stripe-signature")? else {
        return Ok(None);
    };
    let mut stamp = None;
    let mut claims = Claims::default();
    for (n, entry) in signature.split(',').enumerate() {
        if n == MAX_ENTRIES {
            return Err(Error::malformed("too many Stripe-Signature entries"));
        }
        let entry = entry.trim_ascii();
        let (name, value) = entry.split_once('=').unwrap_or((entry, ""));
        match name {
            "t" if stamp.is_some() => {
                return Err(Error::malformed("Stripe-Signature names t twice"))
            }
            "t" => stamp = Some((seconds(value)?, value)),
            "v1" => {
                let claim = hex_mac(value.as_bytes(), 32)
                    .ok_or_else(|| Error::malformed("a v1 signature is not 64 hex digits"))?;
                claims.push(claim)?;
            }
            // v0 (test mode's old scheme) and future versions are not ours.
            _ => {}
        }
    }
    let stamp = stamp.ok_or_else(|| Error::malformed("Stripe-Signature has no t"))?;
    if claims.is_empty() {
        return Err(Error::malformed("Stripe-Signature has no v1 signature"));
    }
    Ok(Some(Delivery {
        format: SchemeName::Stripe,
        id: None,
        stamp: Some(stamp),
        claims,
        algorithm: Algorithm::Sha256,
    }))
}

fn github<'a>(req: &Request<'a>, policy: &Policy) -> Result<Option<Delivery<'a>>> {
    let sha256 = req.single_header("x-hub-signature-256")?;
    let sha1 = req.single_header("x-hub-signature")?;
    let (algorithm, text, prefix, len) = match (sha256, sha1) {
        (Some(text), _) => (Algorithm::Sha256, text, "sha256=", 32),
        (None, Some(_)) if !policy.github_sha1 => {
            return Err(Error::DisallowedAlgorithm(
                "X-Hub-Signature (SHA-1) without X-Hub-Signature-256".to_owned(),
            ))
        }
        (None, Some(text)) => (Algorithm::Sha1, text, "sha1=", 20),
        (None, None) => return Ok(None),
    };
    let claim = text
        .strip_prefix(prefix)
        .and_then(|hex| hex_mac(hex.as_bytes(), len))
        .ok_or_else(|| Error::malformed(format!("the signature is not {prefix}<hex>")))?;
    Ok(Some(Delivery {
        format: SchemeName::GitHub,
        id: req.single_header("x-github-delivery")?,
        stamp: None,
        claims: Claims::one(claim),
        algorithm,
    }))
}

fn slack<'a>(req: &Request<'a>) -> Result<Option<Delivery<'a>>> {
    let signature = req.single_header("x-slack-signature")?;
    let stamp = req.single_header("x-slack-request-timestamp")?;
    if signature.is_none() && stamp.is_none() {
        return Ok(None);
    }
    let signature = required(signature, "x-slack-signature")?;
    let stamp = required(stamp, "x-slack-request-timestamp")?;
    let at = seconds(stamp)?;
    let claim = signature
        .strip_prefix("v0=")
        .and_then(|hex| hex_mac(hex.as_bytes(), 32))
        .ok_or_else(|| Error::malformed("X-Slack-Signature is not v0=<hex>"))?;
    Ok(Some(Delivery {
        format: SchemeName::Slack,
        id: None,
        stamp: Some((at, stamp)),
        claims: Claims::one(claim),
        algorithm: Algorithm::Sha256,
    }))
}

/// The bytes signed before the body.
fn head(format: SchemeName, id: Option<&str>, stamp: Option<&str>) -> Vec<u8> {
    let (id, stamp) = (id.unwrap_or_default(), stamp.unwrap_or_default());
    let parts: &[&str] = match format {
        SchemeName::StandardWebhooks => &[id, ".", stamp, "."],
        SchemeName::Stripe => &[stamp, "."],
        SchemeName::Slack => &["v0:", stamp, ":"],
        _ => &[],
    };
    // Joined by hand: `format!` costs more than the rest of this step.
    let mut head = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        head.extend_from_slice(part.as_bytes());
    }
    head
}

/// Step 3: the signing input (the body borrowed) and the freshness rule.
pub fn prepare<'a>(
    delivery: Delivery<'a>,
    req: &Request<'a>,
    policy: &Policy,
) -> Result<Prepared<'a>> {
    let (claimed, alternatives) = delivery.claims.0.into_parts();
    let claimed = claimed.ok_or(Error::BadSignature)?;
    let freshness = match (delivery.stamp, policy.tolerance) {
        (Some((stamp, shown)), Some(max_skew)) => Freshness::Window {
            stamp,
            shown: Cow::Borrowed(shown),
            max_skew,
            expires: None,
        },
        _ => Freshness::Unchecked,
    };
    Ok(Prepared {
        scheme: delivery.format,
        key_id: Cow::Borrowed(""),
        algorithm: AlgorithmChoice::Fixed(delivery.algorithm),
        head: head(delivery.format, delivery.id, delivery.stamp.map(|s| s.1)),
        tail: req.body,
        claimed,
        freshness,
        digest: None,
        covered: Cow::Borrowed("body"),
        act_as: None,
        timestamp: delivery.stamp.map(|s| s.0),
        signed_headers: Vec::new(),
        recorded: true,
        // A Standard Webhooks id is signed and names the delivery across
        // retries: the store knows a delivery by it. The others by their MAC.
        nonce: match delivery.format {
            SchemeName::StandardWebhooks => delivery.id.map(str::to_owned),
            _ => None,
        },
        alternatives,
        delivery_id: delivery.id.map(str::to_owned),
    })
}

/// A Standard Webhooks secret as its key: `whsec_` (optional) then base64
/// (padding optional). Anything else is a configuration error.
pub fn standard_webhooks_key(secret: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let text = std::str::from_utf8(secret).map_err(|_| "the secret is not text".to_owned())?;
    let encoded = text
        .strip_prefix("whsec_")
        .unwrap_or(text)
        .trim_end_matches('=');
    let decoded = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(encoded)
        .map_err(|_| "a Standard Webhooks secret is whsec_ and base64".to_owned())?;
    if decoded.is_empty() {
        return Err("the secret is empty".to_owned());
    }
    Ok(decoded)
}

/// The headers a sender adds to deliver `body`, as `format` names them.
pub fn sign(
    format: SchemeName,
    key: &Key,
    body: &[u8],
    id: Option<&str>,
    stamp: i64,
) -> std::result::Result<Vec<(String, String)>, String> {
    let stamp_text = stamp.to_string();
    if let Some(id) = id {
        if id.is_empty() || id.contains('.') || id.chars().any(char::is_control) {
            return Err(
                "the delivery id must be non-empty, without '.' or control characters".into(),
            );
        }
    }
    let prefix = head(format, id, Some(&stamp_text));
    let mac = key.sign_parts(&[&prefix, body]);
    Ok(match format {
        SchemeName::StandardWebhooks => {
            let id = id.ok_or("Standard Webhooks needs a delivery id")?;
            vec![
                ("webhook-id".to_owned(), id.to_owned()),
                ("webhook-timestamp".to_owned(), stamp_text),
                (
                    "webhook-signature".to_owned(),
                    format!("v1,{}", base64_encode(&mac)),
                ),
            ]
        }
        SchemeName::Stripe => vec![(
            "Stripe-Signature".to_owned(),
            format!("t={stamp_text},v1={}", hex_encode(&mac)),
        )],
        SchemeName::GitHub => {
            let mut headers = vec![(
                "X-Hub-Signature-256".to_owned(),
                format!("sha256={}", hex_encode(&mac)),
            )];
            if let Some(id) = id {
                headers.push(("X-GitHub-Delivery".to_owned(), id.to_owned()));
            }
            headers
        }
        SchemeName::Slack => vec![
            ("X-Slack-Request-Timestamp".to_owned(), stamp_text),
            (
                "X-Slack-Signature".to_owned(),
                format!("v0={}", hex_encode(&mac)),
            ),
        ],
        other => return Err(format!("{} is not a webhook format", other.name())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeyEntry;
    use crate::mac::{KeyCache, Secret, SecretBytes};
    use crate::pipeline;
    use crate::replay::NoReplayGuard;
    use crate::request::headers_from;

    fn verify(
        format: SchemeName,
        pairs: &[(&str, &str)],
        body: &[u8],
        secret: &[u8],
        now: i64,
    ) -> Result<pipeline::Verified> {
        let headers = headers_from(pairs);
        let req = Request {
            method: "POST",
            path: "/hook",
            query: "",
            headers: &headers,
            body,
        };
        let policy = Policy::default();
        let delivery = find(format, &req, &policy)?.ok_or(Error::malformed("not ours"))?;
        let prepared = prepare(delivery, &req, &policy)?;
        let entries = [KeyEntry::any_scheme(Secret::Raw(SecretBytes::Borrowed(
            secret,
        )))];
        pipeline::check(
            prepared,
            &req,
            &entries,
            &KeyCache::new(2),
            now,
            &NoReplayGuard,
        )
    }

    #[test]
    fn githubs_documented_example() {
        let pairs = [(
            "X-Hub-Signature-256",
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
        )];
        let secret = b"It's a Secret to Everybody";
        let verified = verify(SchemeName::GitHub, &pairs, b"Hello, World!", secret, 0).unwrap();
        assert_eq!(verified.scheme, SchemeName::GitHub);
        let err = verify(SchemeName::GitHub, &pairs, b"Hello, World?", secret, 0).unwrap_err();
        assert_eq!(err.code(), "bad_signature");
        let sha1 = [(
            "X-Hub-Signature",
            "sha1=0000000000000000000000000000000000000000",
        )];
        let err = verify(SchemeName::GitHub, &sha1, b"x", secret, 0).unwrap_err();
        assert_eq!(err.code(), "disallowed_algorithm");
    }

    #[test]
    fn every_format_round_trips_and_refuses_tampering() {
        let key_bytes = b"an endpoint secret";
        let key = Key::new(Algorithm::Sha256, key_bytes);
        for format in FORMATS {
            let signed = sign(format, &key, b"{\"a\":1}", Some("msg_1"), 1000).unwrap();
            let pairs: Vec<(&str, &str)> = signed
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            let verified = verify(format, &pairs, b"{\"a\":1}", key_bytes, 1000).unwrap();
            assert_eq!(verified.scheme, format);
            let err = verify(format, &pairs, b"{\"a\":2}", key_bytes, 1000).unwrap_err();
            assert_eq!(err.code(), "bad_signature", "{}", format.name());
            if format != SchemeName::GitHub {
                let err = verify(format, &pairs, b"{\"a\":1}", key_bytes, 1301).unwrap_err();
                assert_eq!(err.code(), "stale", "{}", format.name());
            }
        }
    }

    #[test]
    fn any_listed_signature_accepts_and_bad_headers_are_refused() {
        let key = Key::new(Algorithm::Sha256, b"k");
        let signed = sign(SchemeName::StandardWebhooks, &key, b"b", Some("m"), 5).unwrap();
        let good = signed[2].1.clone();
        let many = format!("v1a,xyz garbled v1,AAAA {good}");
        let pairs = [
            ("webhook-id", "m"),
            ("webhook-timestamp", "5"),
            ("webhook-signature", many.as_str()),
        ];
        assert!(verify(SchemeName::StandardWebhooks, &pairs, b"b", b"k", 5).is_ok());
        for (name, value, code) in [
            ("webhook-id", "a.b", "malformed"),
            ("webhook-timestamp", "-5", "malformed"),
            ("webhook-timestamp", "12345678901234567890", "malformed"),
            ("webhook-signature", "v2,abc", "malformed"),
            ("webhook-signature", "", "missing_header"),
        ] {
            let mut pairs = pairs.to_vec();
            for pair in pairs.iter_mut() {
                if pair.0 == name {
                    pair.1 = value;
                }
            }
            let err = verify(SchemeName::StandardWebhooks, &pairs, b"b", b"k", 5).unwrap_err();
            assert_eq!(err.code(), code, "{name}: {value}");
        }
        let too_many = ["v1,AAAA"; MAX_SIGNATURES + 1].join(" ");
        let pairs = [
            ("webhook-id", "m"),
            ("webhook-timestamp", "5"),
            ("webhook-signature", too_many.as_str()),
        ];
        let err = verify(SchemeName::StandardWebhooks, &pairs, b"b", b"k", 5).unwrap_err();
        assert_eq!(err.code(), "malformed");
        for value in ["v1=00", "t=1", "t=1,t=2,v1=00", "t=x,v1=00"] {
            let err = verify(
                SchemeName::Stripe,
                &[("Stripe-Signature", value)],
                b"b",
                b"k",
                1,
            )
            .unwrap_err();
            assert_eq!(err.code(), "malformed", "{value}");
        }
    }

    #[test]
    fn standard_webhooks_secrets() {
        assert_eq!(
            standard_webhooks_key(b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                .unwrap()
                .len(),
            24
        );
        assert!(standard_webhooks_key(b"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_ok());
        assert!(standard_webhooks_key(b"whsec_not base64!").is_err());
        assert!(standard_webhooks_key(b"whsec_").is_err());
    }
}
