//! One error type for every scheme. Each variant has a stable, machine-readable
//! code that the Python layer exposes as `SignatureError.code`.
//!
//! Messages describe what was wrong with the request; they never contain a
//! secret, an expected MAC or a computed digest.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The signature header (or token) could not be parsed.
    Malformed(String),
    /// The algorithm is not one httpseal knows.
    UnknownAlgorithm(String),
    /// The algorithm is known but this server or key does not accept it.
    DisallowedAlgorithm(String),
    /// A header the signature lists is absent from the request.
    MissingHeader(String),
    /// The server requires a header (or component, or signature parameter)
    /// to be covered and the signature does not cover it: what, described.
    HeaderNotSigned(String),
    /// No secret is known for the key id.
    UnknownKey,
    /// The MAC does not match.
    BadSignature,
    /// The body does not match its `Digest` header.
    DigestMismatch(String),
    /// The timestamp is older than the freshness window allows.
    Stale(String),
    /// The timestamp lies further in the future than the window allows.
    Future(String),
    /// A signed URL whose expiry has passed.
    Expired(String),
    /// The replay checker refused the request.
    Replayed,
    /// The key exists but may not sign with this scheme.
    DisallowedScheme(String),
    /// The key is outside its validity period (expired, or not yet valid).
    ExpiredKey(String),
    /// The key was revoked.
    RevokedKey,
    /// The key's stored secret could not be decrypted: a server-side fault
    /// (a changed encryption key, a damaged or copied value).
    UndecryptableKey(String),
}

/// One kind of error: its stable code, the Python class raised for it and the
/// class's doc. The Python hierarchy is made from this table, in this order.
pub struct Kind {
    pub code: &'static str,
    pub class: &'static str,
    pub doc: &'static str,
}

/// Every kind, indexed by `Error::index`.
pub const KINDS: [Kind; 16] = [
    kind(
        "malformed",
        "MalformedSignature",
        "The signature or its header could not be parsed.",
    ),
    kind(
        "unknown_algorithm",
        "UnknownAlgorithm",
        "The algorithm is not one httpseal knows.",
    ),
    kind(
        "disallowed_algorithm",
        "DisallowedAlgorithm",
        "The algorithm is known but not accepted here.",
    ),
    kind(
        "missing_header",
        "MissingHeader",
        "A header the signature needs is missing.",
    ),
    kind(
        "header_not_signed",
        "HeaderNotSigned",
        "A required header or component is not covered by the signature.",
    ),
    kind(
        "unknown_key",
        "UnknownKey",
        "No secret is known for the key id.",
    ),
    kind(
        "bad_signature",
        "BadSignature",
        "The signature does not match.",
    ),
    kind(
        "digest_mismatch",
        "DigestMismatch",
        "The body does not match its Digest header.",
    ),
    kind(
        "stale",
        "StaleTimestamp",
        "The request's timestamp is too old.",
    ),
    kind(
        "future",
        "FutureTimestamp",
        "The request's timestamp is too far in the future.",
    ),
    kind("expired", "ExpiredURL", "A signed URL's expiry has passed."),
    kind(
        "replayed",
        "ReplayedRequest",
        "The replay check refused the request.",
    ),
    kind(
        "disallowed_scheme",
        "DisallowedScheme",
        "The key may not sign with this scheme.",
    ),
    kind(
        "expired_key",
        "ExpiredKey",
        "The key is outside its validity period (expired or not yet valid).",
    ),
    kind("revoked_key", "RevokedKey", "The key was revoked."),
    kind(
        "undecryptable_key",
        "UndecryptableKey",
        "The key's stored secret could not be decrypted.",
    ),
];

const fn kind(code: &'static str, class: &'static str, doc: &'static str) -> Kind {
    Kind { code, class, doc }
}

impl Error {
    /// This error's row in `KINDS`.
    pub fn index(&self) -> usize {
        match self {
            Error::Malformed(_) => 0,
            Error::UnknownAlgorithm(_) => 1,
            Error::DisallowedAlgorithm(_) => 2,
            Error::MissingHeader(_) => 3,
            Error::HeaderNotSigned(_) => 4,
            Error::UnknownKey => 5,
            Error::BadSignature => 6,
            Error::DigestMismatch(_) => 7,
            Error::Stale(_) => 8,
            Error::Future(_) => 9,
            Error::Expired(_) => 10,
            Error::Replayed => 11,
            Error::DisallowedScheme(_) => 12,
            Error::ExpiredKey(_) => 13,
            Error::RevokedKey => 14,
            Error::UndecryptableKey(_) => 15,
        }
    }

    pub fn kind(&self) -> &'static Kind {
        &KINDS[self.index()]
    }

    /// Stable code, also the key for the Python exception class.
    pub fn code(&self) -> &'static str {
        self.kind().code
    }

    pub fn malformed(msg: impl Into<String>) -> Self {
        Error::Malformed(msg.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Malformed(m) => write!(f, "malformed signature: {m}"),
            Error::UnknownAlgorithm(a) => write!(f, "unknown algorithm {}", quoted(a)),
            Error::DisallowedAlgorithm(a) => write!(f, "algorithm {} is not allowed", quoted(a)),
            Error::MissingHeader(h) => write!(f, "header {} is missing", quoted(h)),
            Error::HeaderNotSigned(h) => {
                write!(f, "{h} is required but not signed")
            }
            Error::UnknownKey => f.write_str("unknown key id"),
            Error::BadSignature => f.write_str("signature does not match"),
            Error::DigestMismatch(m) => write!(f, "body digest: {m}"),
            Error::Stale(m) => write!(f, "timestamp too old: {m}"),
            Error::Future(m) => write!(f, "timestamp in the future: {m}"),
            Error::Expired(m) => write!(f, "signed URL expired: {m}"),
            Error::Replayed => f.write_str("request refused by the replay check"),
            Error::DisallowedScheme(s) => write!(f, "the key may not sign with {}", quoted(s)),
            Error::ExpiredKey(m) => write!(f, "the key is not valid now: {m}"),
            Error::RevokedKey => f.write_str("the key was revoked"),
            Error::UndecryptableKey(m) => write!(f, "the key's secret cannot be decrypted: {m}"),
        }
    }
}

impl std::error::Error for Error {}

/// Quote untrusted text for a message: bounded length, printable ASCII only,
/// so a hostile header cannot flood or forge log lines.
pub fn quoted(text: &str) -> String {
    const MAX: usize = 64;
    let mut out = String::with_capacity(text.len().min(MAX) + 2);
    out.push('\'');
    for (i, c) in text.chars().enumerate() {
        if i == MAX {
            out.push_str("...");
            break;
        }
        if c.is_ascii_graphic() || c == ' ' {
            out.push(c);
        } else {
            out.push('?');
        }
    }
    out.push('\'');
    out
}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct() {
        let all = [
            Error::malformed("x"),
            Error::UnknownAlgorithm("x".into()),
            Error::DisallowedAlgorithm("x".into()),
            Error::MissingHeader("x".into()),
            Error::HeaderNotSigned("x".into()),
            Error::UnknownKey,
            Error::BadSignature,
            Error::DigestMismatch("x".into()),
            Error::Stale("x".into()),
            Error::Future("x".into()),
            Error::Expired("x".into()),
            Error::Replayed,
            Error::DisallowedScheme("x".into()),
            Error::ExpiredKey("x".into()),
            Error::RevokedKey,
            Error::UndecryptableKey("x".into()),
        ];
        assert_eq!(all.len(), KINDS.len());
        for (i, err) in all.iter().enumerate() {
            assert_eq!(err.index(), i);
        }
        let mut codes: Vec<_> = all.iter().map(Error::code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }

    #[test]
    fn quoted_bounds_and_sanitises() {
        assert_eq!(quoted("date"), "'date'");
        assert_eq!(quoted("a\nb\u{e9}"), "'a?b?'");
        let long = "x".repeat(10_000);
        assert!(quoted(&long).len() < 80);
    }
}
