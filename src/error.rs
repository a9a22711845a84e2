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
    /// The server requires a header to be signed and the signature does not cover it.
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
}

impl Error {
    /// Stable code, also the key for the Python exception class.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Malformed(_) => "malformed",
            Error::UnknownAlgorithm(_) => "unknown_algorithm",
            Error::DisallowedAlgorithm(_) => "disallowed_algorithm",
            Error::MissingHeader(_) => "missing_header",
            Error::HeaderNotSigned(_) => "header_not_signed",
            Error::UnknownKey => "unknown_key",
            Error::BadSignature => "bad_signature",
            Error::DigestMismatch(_) => "digest_mismatch",
            Error::Stale(_) => "stale",
            Error::Future(_) => "future",
            Error::Expired(_) => "expired",
            Error::Replayed => "replayed",
        }
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
                write!(f, "header {} is required but not signed", quoted(h))
            }
            Error::UnknownKey => f.write_str("unknown key id"),
            Error::BadSignature => f.write_str("signature does not match"),
            Error::DigestMismatch(m) => write!(f, "body digest: {m}"),
            Error::Stale(m) => write!(f, "timestamp too old: {m}"),
            Error::Future(m) => write!(f, "timestamp in the future: {m}"),
            Error::Expired(m) => write!(f, "signed URL expired: {m}"),
            Error::Replayed => f.write_str("request refused by the replay check"),
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
        ];
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
