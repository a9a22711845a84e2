//! django-rest-framework-hmac's scheme: `Key`, `Signature` and `Timestamp`
//! headers; HMAC-SHA256 keyed with the hex-decoded secret over
//! `"{method}\n{hostname}\n{path}\n{timestamp}\n"` and the request data.

use crate::error::{quoted, Error, Result};
use zeroize::Zeroizing;

use std::borrow::Cow;

use crate::keys::{KeyEntry, SchemeName};
use crate::mac::{base64_decode_mac, base64_encode, Algorithm, Key, KeyCache, Secret};
use crate::pipeline::{self, AlgorithmChoice, Context, Freshness, Prepared};
use crate::replay::NoReplayGuard;
use crate::request::{decoded_path, Request};
use crate::schemes::{cavage, rfc9421};
use crate::time;

/// The fields the string to sign is made of.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    pub method: &'a str,
    pub hostname: &'a str,
    pub path: &'a str,
    pub timestamp: &'a str,
    /// The serialized request data; empty when the request has none.
    pub data: &'a [u8],
}

impl Message<'_> {
    /// The string to sign as slices to MAC in order, so the data is not copied.
    pub fn parts(&self) -> [&[u8]; 9] {
        [
            self.method.as_bytes(),
            b"\n",
            self.hostname.as_bytes(),
            b"\n",
            self.path.as_bytes(),
            b"\n",
            self.timestamp.as_bytes(),
            b"\n",
            self.data,
        ]
    }

    pub fn string_to_sign(&self) -> Vec<u8> {
        self.parts().concat()
    }
}

/// The key for a secret as the original stores it: hex text, decoded exactly
/// as `bytes.fromhex` does (whitespace between byte pairs allowed), so the
/// original client and this server never disagree on a secret.
pub fn key_for(secret_hex: &str) -> Result<Key> {
    let secret = crate::mac::hex_decode_spaced(secret_hex)
        .map(Zeroizing::new)
        .ok_or_else(|| Error::malformed("the stored secret is not hexadecimal"))?;
    Ok(Key::new(Algorithm::Sha256, &secret))
}

/// The `Signature` header value (standard base64) for a message.
pub fn sign(key: &Key, message: &Message<'_>) -> String {
    base64_encode(&key.sign_parts(&message.parts()))
}

/// Parses a `Timestamp`: ISO 8601 (as the original client sends it) or Unix seconds.
pub fn parse_timestamp(text: &str) -> Result<i64> {
    let text = text.trim();
    time::parse_iso8601(text)
        .or_else(|| time::parse_unix(text))
        .ok_or_else(|| {
            Error::malformed(format!(
                "timestamp {} is neither ISO 8601 nor Unix seconds",
                quoted(text)
            ))
        })
}

/// drf-hmac's credentials: the `Key`, `Signature` and `Timestamp` headers.
#[derive(Debug, Clone, Copy)]
pub struct Credentials<'a> {
    pub key: &'a str,
    pub signature: &'a str,
    pub timestamp: &'a str,
}

/// drf-hmac's credentials, parsed: any of `Key`, `Signature`, `Timestamp`
/// makes the request ours, except a `Signature` header holding draft-cavage
/// parameters (`keyId=…`), which is Cavage's, or one beside `Signature-Input`,
/// which is RFC 9421's. Ours but incomplete is an error.
pub fn find<'a>(req: &Request<'a>) -> Result<Option<Credentials<'a>>> {
    let key = req.single_header("key")?;
    let timestamp = req.single_header("timestamp")?;
    if key.is_none() && timestamp.is_none() && rfc9421::fields::present(req) {
        return Ok(None);
    }
    let signature = req.single_header("signature")?;
    let cavage_signature = signature.is_some_and(cavage::holds_params);
    if key.is_none() && timestamp.is_none() && (signature.is_none() || cavage_signature) {
        return Ok(None);
    }
    match (key, signature, timestamp) {
        (Some(key), Some(signature), Some(timestamp))
            if !key.is_empty() && !signature.is_empty() && !timestamp.is_empty() =>
        {
            Ok(Some(Credentials {
                key,
                signature,
                timestamp,
            }))
        }
        _ => Err(Error::MissingHeader(
            "the Key, Signature and Timestamp headers are all required".to_owned(),
        )),
    }
}

/// What the client signs as its "hostname".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hostname {
    /// The peer address, as django-rest-framework-hmac signs.
    RemoteAddr,
    /// The `Host` header (`host[:port]`).
    Host,
}

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub max_skew: Option<u64>,
    pub hostname: Hostname,
}

/// The pipeline's step 3 for one message: the timestamp parses, the
/// signature decodes, and the string to sign (the head copied, the data borrowed).
pub fn prepare_message<'a>(
    key_id: &'a str,
    message: &Message<'_>,
    timestamp: &'a str,
    data: &'a [u8],
    signature: &[u8],
    max_skew: Option<u64>,
) -> Result<Prepared<'a>> {
    if signature.is_empty() {
        return Err(Error::malformed("empty signature"));
    }
    let stamp = parse_timestamp(message.timestamp)?;
    let claimed = std::str::from_utf8(signature.trim_ascii())
        .ok()
        .and_then(base64_decode_mac)
        .ok_or_else(|| Error::malformed("signature is not base64"))?;
    let parts = message.parts();
    let freshness = match max_skew {
        Some(max_skew) => Freshness::Window {
            stamp,
            shown: Cow::Borrowed(timestamp),
            max_skew,
            expires: None,
        },
        None => Freshness::Unchecked,
    };
    Ok(Prepared {
        scheme: SchemeName::DrfHmac,
        key_id: Cow::Borrowed(key_id),
        algorithm: AlgorithmChoice::Fixed(Algorithm::Sha256),
        head: parts[..8].concat(),
        tail: data,
        claimed,
        freshness,
        digest: None,
        covered: Cow::Borrowed("method hostname path timestamp body"),
        act_as: None,
        timestamp: Some(stamp),
        signed_headers: Vec::new(),
        recorded: true,
        nonce: None,
        alternatives: Vec::new(),
        delivery_id: None,
    })
}

/// The pipeline's step 3 for a request: the message the client signed, from
/// the request view (the decoded path, the hostname the policy names, the
/// body or the adapter's re-serialized data).
pub fn prepare<'a>(
    creds: Credentials<'a>,
    req: &Request<'a>,
    policy: &Policy,
    context: &Context<'a>,
) -> Result<Prepared<'a>> {
    let hostname = match policy.hostname {
        Hostname::RemoteAddr => Cow::Borrowed(context.remote_addr),
        Hostname::Host => req.header("host").unwrap_or_default(),
    };
    let path = decoded_path(req.path);
    let data: &'a [u8] = context.drf_data.unwrap_or(req.body);
    let message = Message {
        method: req.method,
        hostname: &hostname,
        path: &path,
        timestamp: creds.timestamp,
        data,
    };
    prepare_message(
        creds.key,
        &message,
        creds.timestamp,
        data,
        creds.signature.as_bytes(),
        policy.max_skew,
    )
}

/// Verifies a message against one key, through the pipeline.
pub fn verify(
    key: &Key,
    message: &Message<'_>,
    signature: &[u8],
    max_skew: Option<u64>,
    now: i64,
) -> Result<()> {
    let prepared = prepare_message(
        "",
        message,
        message.timestamp,
        message.data,
        signature,
        max_skew,
    )?;
    let entries = [KeyEntry::any_scheme(Secret::Pinned(Cow::Borrowed(key)))];
    let keys = KeyCache::new(0);
    let req = Request {
        method: message.method,
        path: message.path,
        query: "",
        headers: &[],
        body: b"",
    };
    pipeline::check(prepared, &req, &entries, &keys, now, &NoReplayGuard).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef01234567";

    fn message(method: &'static str, data: &'static [u8]) -> Message<'static> {
        Message {
            method,
            hostname: "127.0.0.1",
            path: "/notes/",
            timestamp: "2018-10-07T00:00:00Z",
            data,
        }
    }

    #[test]
    fn issue_vectors() {
        let key = key_for(SECRET).unwrap();
        let post = message("POST", br#"{"title":"new idea"}"#);
        assert_eq!(
            sign(&key, &post),
            "3tegmbNDlKJ6rOrckbJ9ty0TKMELJxb3kzVSOYdoPDg="
        );
        assert_eq!(
            sign(&key, &message("GET", b"")),
            "+TS4nkt2nY0Sm+YamaBtmt9qBzZwVReinmU/0rUdZH8="
        );
    }

    #[test]
    fn verify_checks_signature_then_freshness() {
        let key = key_for(SECRET).unwrap();
        let msg = message("POST", br#"{"title":"new idea"}"#);
        let sig = sign(&key, &msg);
        let then = parse_timestamp(msg.timestamp).unwrap();
        assert!(verify(&key, &msg, sig.as_bytes(), Some(300), then + 10).is_ok());
        assert_eq!(
            verify(&key, &msg, sig.as_bytes(), Some(300), then + 301)
                .unwrap_err()
                .code(),
            "stale"
        );
        assert_eq!(
            verify(&key, &msg, sig.as_bytes(), Some(300), then - 301)
                .unwrap_err()
                .code(),
            "future"
        );
        assert!(verify(&key, &msg, sig.as_bytes(), None, 0).is_ok());
        let tampered = Message {
            path: "/notes/1/",
            ..msg
        };
        assert_eq!(
            verify(&key, &tampered, sig.as_bytes(), None, 0).unwrap_err(),
            Error::BadSignature
        );
        assert_eq!(
            verify(&key, &msg, b"", None, 0).unwrap_err().code(),
            "malformed"
        );
        let garbled = Message {
            timestamp: "yesterday",
            ..msg
        };
        assert_eq!(
            verify(&key, &garbled, sig.as_bytes(), None, 0)
                .unwrap_err()
                .code(),
            "malformed"
        );
    }

    #[test]
    fn secrets_decode_like_fromhex() {
        assert!(key_for("01 23 ab").is_ok());
        assert!(key_for("xyz").is_err());
        assert!(key_for("012").is_err());
        // Python refuses a space inside a byte pair and accepts \v between pairs.
        assert!(key_for("0 123abcd").is_err());
        assert!(key_for("01\x0b23").is_ok());
    }

    #[test]
    fn unix_timestamps_parse() {
        assert_eq!(parse_timestamp("1538870400").unwrap(), 1_538_870_400);
        assert_eq!(parse_timestamp(" 1538870400.5 ").unwrap(), 1_538_870_400);
    }
}
