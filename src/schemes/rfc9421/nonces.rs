//! Nonces a server issues in `Accept-Signature` (RFC 9421 §5.1) for clients
//! to sign. They carry their own proof: the issue time and a random part,
//! MACed with the server's nonce key, so any host holding that key knows a
//! nonce it (or a sibling) issued without storing it; the replay store then
//! spends each one once, as it spends every signed nonce.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::error::{Error, Result};
use crate::mac::{ct_eq, Algorithm, Key};

/// Bytes of MAC kept in a nonce: 128 bits, out of reach of guessing.
const TAG_BYTES: usize = 16;
const DOMAIN: &[u8] = b"httpseal rfc9421 nonce v1";

/// Issues and recognises server nonces with one key.
#[derive(Clone)]
pub struct NonceIssuer {
    key: Key,
}

impl std::fmt::Debug for NonceIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.write_str("NonceIssuer(..)")
    }
}

impl NonceIssuer {
    pub fn new(secret: &[u8]) -> Self {
        NonceIssuer {
            key: Key::new(Algorithm::Sha256, secret),
        }
    }

    fn tag(&self, issued: i64, random: &[u8]) -> [u8; TAG_BYTES] {
        let mac = self
            .key
            .sign_parts(&[DOMAIN, &issued.to_be_bytes(), random]);
        let mut tag = [0u8; TAG_BYTES];
        tag.copy_from_slice(&mac[..TAG_BYTES]);
        tag
    }

    /// A nonce issued at `now`: base64url of the time, `random` and the tag.
    pub fn issue(&self, now: i64, random: &[u8; 16]) -> String {
        let mut raw = Vec::with_capacity(8 + 16 + TAG_BYTES);
        raw.extend_from_slice(&now.to_be_bytes());
        raw.extend_from_slice(random);
        raw.extend_from_slice(&self.tag(now, random));
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// When a nonce this issuer made was issued; an error for any other text.
    pub fn issued_at(&self, nonce: &str) -> Result<i64> {
        let not_ours = || Error::malformed("the nonce was not issued by this server");
        if nonce.len() != 54 {
            return Err(not_ours());
        }
        let raw = URL_SAFE_NO_PAD.decode(nonce).map_err(|_| not_ours())?;
        let (stamp, rest) = raw.split_at(8);
        let (random, tag) = rest.split_at(16);
        let issued = i64::from_be_bytes(stamp.try_into().map_err(|_| not_ours())?);
        if !ct_eq(&self.tag(issued, random), tag) {
            return Err(not_ours());
        }
        Ok(issued)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_nonces_are_recognised_and_others_are_not() {
        let issuer = NonceIssuer::new(b"server nonce key");
        let nonce = issuer.issue(1000, &[7; 16]);
        assert_eq!(nonce.len(), 54);
        assert_eq!(issuer.issued_at(&nonce), Ok(1000));
        assert_ne!(nonce, issuer.issue(1000, &[8; 16]));
        // Another key, an altered nonce, junk.
        assert!(NonceIssuer::new(b"other").issued_at(&nonce).is_err());
        let mut altered = nonce.clone().into_bytes();
        altered[3] = if altered[3] == b'A' { b'B' } else { b'A' };
        assert!(issuer
            .issued_at(&String::from_utf8(altered).unwrap())
            .is_err());
        for junk in ["", "abc", &"A".repeat(54), &"é".repeat(27)] {
            assert!(issuer.issued_at(junk).is_err(), "{junk}");
        }
    }
}
