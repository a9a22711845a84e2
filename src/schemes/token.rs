//! Flask-HMAC's scheme: the `HMAC` header carries the MAC of the request path.

use crate::error::{Error, Result};
use crate::mac::{Encoding, Key};

/// The token a client sends for `data` (the request path).
pub fn render(key: &Key, data: &[u8], encoding: Encoding) -> String {
    encoding.encode(&key.sign(data))
}

/// Checks `token` against every key (rotation); returns the index of the key
/// that verified it. Each comparison is constant-time.
pub fn verify(keys: &[Key], data: &[u8], token: &[u8], encoding: Encoding) -> Result<usize> {
    if token.is_empty() {
        return Err(Error::malformed("empty token"));
    }
    keys.iter()
        .position(|key| key.verify_token(data, token, encoding))
        .ok_or(Error::BadSignature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mac::Algorithm;

    #[test]
    fn rotation_picks_the_matching_key() {
        let old = Key::new(Algorithm::Sha256, b"old");
        let new = Key::new(Algorithm::Sha256, b"new");
        let token = render(&old, b"/a", Encoding::Base64Url);
        assert_eq!(
            verify(
                &[new.clone(), old],
                b"/a",
                token.as_bytes(),
                Encoding::Base64Url
            ),
            Ok(1)
        );
        assert_eq!(
            verify(&[new], b"/a", token.as_bytes(), Encoding::Base64Url),
            Err(Error::BadSignature)
        );
    }

    #[test]
    fn empty_token_is_malformed() {
        let key = Key::new(Algorithm::Sha256, b"k");
        assert_eq!(
            verify(&[key], b"/", b"", Encoding::Hex).unwrap_err().code(),
            "malformed"
        );
    }
}
