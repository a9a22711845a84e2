//! RFC 9530 `Content-Digest`: a structured dictionary of digests of the
//! message content, `sha-256=:…:, sha-512=:…:`. Only SHA-256 and SHA-512 are
//! accepted; the algorithms RFC 9530 deprecates are refused by name.

use sfv::{BareItem, Dictionary, FieldType, ListEntry, Parser};

use crate::error::{quoted, Error, Result};
use crate::mac::{base64_encode, ct_eq, BodyDigest};

/// The algorithms RFC 9530 registers as deprecated (insecure or not a hash).
const DEPRECATED: [&str; 6] = ["md5", "sha", "unixsum", "unixcksum", "adler", "crc32c"];

/// The two algorithms a digest may use, by their RFC 9530 names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Sha256,
    Sha512,
}

impl Algorithm {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "sha-256" => Some(Algorithm::Sha256),
            "sha-512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha-256",
            Algorithm::Sha512 => "sha-512",
        }
    }

    fn hash(self) -> BodyDigest {
        match self {
            Algorithm::Sha256 => BodyDigest::Sha256,
            Algorithm::Sha512 => BodyDigest::Sha512,
        }
    }
}

/// The field value for `body`: `sha-256=:<base64>:`.
pub fn header_value(algorithm: Algorithm, body: &[u8]) -> String {
    format!(
        "{}=:{}:",
        algorithm.name(),
        base64_encode(&algorithm.hash().hash(body))
    )
}

/// Checks every supported digest in `header` against `body`, in constant
/// time: all must match and at least one must be present. A deprecated or
/// unknown algorithm beside a supported one is ignored, as RFC 9530 lets a
/// recipient ignore algorithms it does not accept; alone, it is refused.
pub fn check(header: &str, body: &[u8]) -> Result<()> {
    if let Some((algorithm, claimed)) = single(header) {
        return if ct_eq(&algorithm.hash().hash(body), &claimed) {
            Ok(())
        } else {
            Err(mismatch(algorithm))
        };
    }
    let digests: Dictionary = Parser::new(header)
        .parse()
        .map_err(|_| Error::malformed("Content-Digest is not a structured dictionary"))?;
    let mut checked = 0;
    let mut refused = None;
    for (name, entry) in &digests {
        let Some(algorithm) = Algorithm::from_name(name.as_str()) else {
            refused = Some(name.as_str().to_owned());
            continue;
        };
        let claimed = match entry {
            ListEntry::Item(item) => match &item.bare_item {
                BareItem::ByteSequence(bytes) => bytes,
                _ => {
                    return Err(Error::malformed(
                        "a Content-Digest value is not a byte sequence",
                    ))
                }
            },
            ListEntry::InnerList(_) => {
                return Err(Error::malformed(
                    "a Content-Digest value is not a byte sequence",
                ))
            }
        };
        if !ct_eq(&algorithm.hash().hash(body), claimed) {
            return Err(mismatch(algorithm));
        }
        checked += 1;
    }
    if checked == 0 {
        return Err(match refused {
            Some(name) if DEPRECATED.contains(&name.as_str()) => Error::DisallowedAlgorithm(
                format!("Content-Digest {} is deprecated (RFC 9530)", quoted(&name)),
            ),
            Some(name) => Error::UnknownAlgorithm(format!("Content-Digest {}", quoted(&name))),
            None => Error::malformed("Content-Digest is empty"),
        });
    }
    Ok(())
}

fn mismatch(algorithm: Algorithm) -> Error {
    Error::DigestMismatch(format!(
        "{} of the content does not match Content-Digest",
        algorithm.name()
    ))
}

/// The usual field, one digest and nothing else — `sha-256=:<base64>:` —
/// read without the general parser; anything else is left to it. The
/// base64 is decoded strictly, as RFC 8941 byte sequences are.
fn single(header: &str) -> Option<(Algorithm, Vec<u8>)> {
    use base64::Engine as _;
    let (name, value) = header.split_once('=')?;
    let algorithm = Algorithm::from_name(name)?;
    let encoded = value.strip_prefix(':')?.strip_suffix(':')?;
    if encoded
        .bytes()
        .any(|b| !(b.is_ascii_alphanumeric() || b"+/=".contains(&b)))
    {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    Some((algorithm, decoded))
}

/// The algorithm a `Want-Content-Digest` field prefers among the supported
/// ones (highest weight, 0 meaning "not acceptable"); `None` when it names
/// none of them or does not parse.
pub fn preferred(want: &str) -> Option<Algorithm> {
    let wanted: Dictionary = Parser::new(want).parse().ok()?;
    let mut best: Option<(i64, Algorithm)> = None;
    for (name, entry) in &wanted {
        let (Some(algorithm), ListEntry::Item(item)) = (Algorithm::from_name(name.as_str()), entry)
        else {
            continue;
        };
        let Some(weight) = item.bare_item.as_integer().map(i64::from) else {
            continue;
        };
        if weight > 0 && best.is_none_or(|(w, _)| weight > w) {
            best = Some((weight, algorithm));
        }
    }
    best.map(|(_, algorithm)| algorithm)
}

/// Re-serialises a parsed field, for tests and callers that normalise.
pub fn normalised(header: &str) -> Option<String> {
    Parser::new(header)
        .parse::<Dictionary>()
        .ok()
        .and_then(|d| d.serialize())
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 9530, section 2: the digests of `{"hello": "world"}`.
    const BODY: &[u8] = b"{\"hello\": \"world\"}";
    const SHA256: &str = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";
    const SHA512: &str = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";

    #[test]
    fn rfc9530_examples() {
        assert_eq!(header_value(Algorithm::Sha256, BODY), SHA256);
        assert_eq!(header_value(Algorithm::Sha512, BODY), SHA512);
        assert!(check(SHA256, BODY).is_ok());
        assert!(check(&format!("{SHA256}, {SHA512}"), BODY).is_ok());
    }

    #[test]
    fn mismatches_and_bad_values_are_refused() {
        assert_eq!(
            check(SHA256, b"other").unwrap_err().code(),
            "digest_mismatch"
        );
        // One wrong digest among right ones is a mismatch.
        let wrong = header_value(Algorithm::Sha512, b"other");
        assert_eq!(
            check(&format!("{SHA256}, {wrong}"), BODY)
                .unwrap_err()
                .code(),
            "digest_mismatch"
        );
        assert_eq!(
            check("md5=:rL0Y20zC+Fzt72VPzMSk2A==:", BODY)
                .unwrap_err()
                .code(),
            "disallowed_algorithm"
        );
        assert_eq!(
            check("sha-3=:AA==:", BODY).unwrap_err().code(),
            "unknown_algorithm"
        );
        assert_eq!(check("sha-256=abc", BODY).unwrap_err().code(), "malformed");
        assert_eq!(
            check("sha-256=(:AA==:)", BODY).unwrap_err().code(),
            "malformed"
        );
        assert_eq!(check("", BODY).unwrap_err().code(), "malformed");
        assert_eq!(check("not a dict !", BODY).unwrap_err().code(), "malformed");
        // A deprecated algorithm beside a supported one is ignored.
        assert!(check(&format!("md5=:AA==:, {SHA256}"), BODY).is_ok());
    }

    #[test]
    fn the_short_path_agrees_with_the_parser() {
        // One plain member takes the short path; with a parameter, spaces
        // or a second member the parser reads it, with the same verdicts.
        for header in [
            SHA256.to_owned(),
            format!("{SHA256};x=1"),
            format!("{SHA256}, {SHA512}"),
            format!("{SHA512},{SHA256}"),
        ] {
            assert!(check(&header, BODY).is_ok(), "{header}");
            assert_eq!(
                check(&header, b"other").unwrap_err().code(),
                "digest_mismatch"
            );
        }
        assert_eq!(check("sha-256=:!!:", BODY).unwrap_err().code(), "malformed");
        assert_eq!(
            check("sha-256=::", BODY).unwrap_err().code(),
            "digest_mismatch"
        );
    }

    #[test]
    fn want_content_digest_preference() {
        assert_eq!(preferred("sha-256=1, sha-512=3"), Some(Algorithm::Sha512));
        assert_eq!(preferred("sha-512=0, sha-256=1"), Some(Algorithm::Sha256));
        assert_eq!(preferred("md5=10"), None);
        assert_eq!(preferred("!!"), None);
    }
}
