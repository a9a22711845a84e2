//! Secrets encrypted at rest: the key store keeps each shared secret as
//! XChaCha20-Poly1305 ciphertext under a key derived with HKDF-SHA256 from a
//! master secret (Django's `SECRET_KEY`, or a dedicated list of keys).
//!
//! A stored value reads `httpseal$1$<key id>$<base64url(nonce ‖ ciphertext)>`:
//! the version, then which master key sealed it (so older keys still open
//! it while they are being retired), then a random 192-bit nonce and the
//! ciphertext with its tag. The record it belongs to (the key id of the
//! signing key) is authenticated as associated data, so a value copied onto
//! another record does not open.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

const PREFIX: &str = "httpseal$1$";
const SALT: &[u8] = b"httpseal key encryption";
pub const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Secrets are short; a cap keeps a hostile or damaged value cheap to reject.
pub const MAX_SECRET_LEN: usize = 1024;
const MAX_SEALED_LEN: usize = PREFIX.len() + 9 + (NONCE_LEN + MAX_SECRET_LEN + TAG_LEN) * 4 / 3 + 4;

/// One master key, derived: the AEAD key and the id stored beside values it
/// sealed (derived separately, so the id says nothing about the key).
pub struct SealingKey {
    id: String,
    key: Zeroizing<[u8; 32]>,
}

impl SealingKey {
    pub fn derive(master: &[u8]) -> Self {
        let hkdf = Hkdf::<Sha256>::new(Some(SALT), master);
        let mut key = Zeroizing::new([0u8; 32]);
        let mut id = [0u8; 4];
        // Both lengths are far below HKDF-SHA256's limit of 8160 bytes.
        hkdf.expand(b"v1 xchacha20poly1305 key", key.as_mut())
            .expect("32 bytes is a valid HKDF length");
        hkdf.expand(b"v1 key id", &mut id)
            .expect("4 bytes is a valid HKDF length");
        SealingKey {
            id: id.iter().map(|b| format!("{b:02x}")).collect(),
            key,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.key.as_ref().into())
    }
}

/// The data a value is bound to: the format's version and the record.
fn associated(record: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(16 + record.len());
    aad.extend_from_slice(b"httpseal v1 key\0");
    aad.extend_from_slice(record);
    aad
}

/// Seals `secret` for `record` under `key` with `nonce` (random, from the
/// caller: the OS's generator in production, fixed in tests).
pub fn seal(
    key: &SealingKey,
    secret: &[u8],
    record: &[u8],
    nonce: &[u8; NONCE_LEN],
) -> Result<String> {
    if secret.is_empty() || secret.len() > MAX_SECRET_LEN {
        return Err(Error::malformed(format!(
            "a secret to encrypt must be 1 to {MAX_SECRET_LEN} bytes"
        )));
    }
    let aad = associated(record);
    let sealed = key
        .cipher()
        .encrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: secret,
                aad: &aad,
            },
        )
        .map_err(|_| Error::malformed("the secret could not be encrypted"))?;
    let mut raw = Vec::with_capacity(NONCE_LEN + sealed.len());
    raw.extend_from_slice(nonce);
    raw.extend_from_slice(&sealed);
    Ok(format!(
        "{PREFIX}{}${}",
        key.id,
        URL_SAFE_NO_PAD.encode(raw)
    ))
}

/// Whether `value` has the form of a sealed value (not whether it opens).
pub fn is_sealed(value: &str) -> bool {
    value.starts_with(PREFIX)
}

/// The id of the master key `value` names, if it is a sealed value at all.
pub fn key_id_of(value: &str) -> Option<&str> {
    let rest = value.strip_prefix(PREFIX)?;
    let (id, _) = rest.split_once('$')?;
    Some(id)
}

/// Opens `value` for `record` with whichever of `keys` sealed it. Every
/// failure is `UndecryptableKey`, whose message says which step failed but
/// never shows the value.
pub fn open(keys: &[SealingKey], value: &str, record: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let fail = |why: &str| Error::UndecryptableKey(why.to_owned());
    if value.len() > MAX_SEALED_LEN {
        return Err(fail("the stored value is too long"));
    }
    let rest = value
        .strip_prefix(PREFIX)
        .ok_or_else(|| fail("the stored value is not an encrypted secret"))?;
    let (id, body) = rest
        .split_once('$')
        .ok_or_else(|| fail("the stored value is malformed"))?;
    let mut named = keys.iter().filter(|k| k.id == id).peekable();
    if named.peek().is_none() {
        return Err(fail("no configured encryption key has its key id"));
    }
    let raw = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| fail("the stored value is not base64url"))?;
    if raw.len() < NONCE_LEN + TAG_LEN + 1 {
        return Err(fail("the stored value is too short"));
    }
    let (nonce, sealed) = raw.split_at(NONCE_LEN);
    let aad = associated(record);
    // Ids are short, so two master keys may share one: each is tried.
    named
        .find_map(|key| {
            key.cipher()
                .decrypt(
                    XNonce::from_slice(nonce),
                    Payload {
                        msg: sealed,
                        aad: &aad,
                    },
                )
                .ok()
        })
        .map(Zeroizing::new)
        .ok_or_else(|| fail("it does not authenticate (damaged, or stored for another key)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONCE: [u8; NONCE_LEN] = [7; NONCE_LEN];

    #[test]
    fn round_trip_binds_the_record_and_the_key() {
        let current = SealingKey::derive(b"current master");
        let old = SealingKey::derive(b"old master");
        assert_ne!(current.id(), old.id());
        assert_eq!(current.id().len(), 8);
        let sealed = seal(&old, b"s3cret", b"key-1", &NONCE).unwrap();
        assert!(is_sealed(&sealed) && !sealed.contains("s3cret"));
        assert_eq!(key_id_of(&sealed), Some(old.id()));
        let keys = [current, old];
        assert_eq!(&open(&keys, &sealed, b"key-1").unwrap()[..], b"s3cret");
        // Another record, or without the key that sealed it: refused.
        let err = open(&keys, &sealed, b"key-2").unwrap_err();
        assert_eq!(err.code(), "undecryptable_key");
        assert!(open(&keys[..1], &sealed, b"key-1").is_err());
    }

    #[test]
    fn any_changed_byte_is_refused() {
        let key = SealingKey::derive(b"m");
        let sealed = seal(&key, b"0123456789abcdef", b"r", &NONCE).unwrap();
        let keys = [key];
        for at in 0..sealed.len() {
            let mut bytes = sealed.clone().into_bytes();
            bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
            let Ok(changed) = String::from_utf8(bytes) else {
                continue;
            };
            if changed != sealed {
                assert!(open(&keys, &changed, b"r").is_err(), "byte {at}");
            }
        }
    }

    #[test]
    fn plain_and_hostile_values_are_refused_without_panicking() {
        let keys = [SealingKey::derive(b"m")];
        let long = format!("{PREFIX}00000000${}", "A".repeat(MAX_SEALED_LEN));
        for value in [
            "",
            "0123abcd",
            PREFIX,
            "httpseal$1$$",
            "httpseal$1$zz$!!",
            &long,
        ] {
            assert_eq!(
                open(&keys, value, b"r").unwrap_err().code(),
                "undecryptable_key"
            );
        }
        assert!(seal(&keys[0], b"", b"r", &NONCE).is_err());
        assert!(seal(&keys[0], &[1; MAX_SECRET_LEN + 1], b"r", &NONCE).is_err());
        let longest = seal(&keys[0], &[1; MAX_SECRET_LEN], b"r", &NONCE).unwrap();
        assert!(longest.len() <= MAX_SEALED_LEN);
        assert!(open(&keys, &longest, b"r").is_ok());
    }
}
