//! Flask-HMAC's scheme: the `HMAC` header carries the MAC of the request path.
//! It names no key (the key store is asked for the key id `""`), carries no
//! timestamp and signs nothing else, so it is weaker than every other scheme.

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::keys::SchemeName;
use crate::mac::{Algorithm, Encoding, Key};
use crate::pipeline::{AlgorithmChoice, Freshness, Prepared};
use crate::request::Request;

/// Which header carries the token, how it is encoded, which hash it uses.
#[derive(Debug, Clone)]
pub struct Policy {
    pub header: String,
    pub encoding: Encoding,
    pub algorithm: Algorithm,
}

impl Default for Policy {
    /// Flask-HMAC's defaults.
    fn default() -> Self {
        Policy {
            header: "HMAC".to_owned(),
            encoding: Encoding::Base64Url,
            algorithm: Algorithm::Sha256,
        }
    }
}

/// Step 1: the token, when the request carries the header (a repeated header
/// is joined, and never decodes).
pub fn find<'a>(req: &Request<'a>, policy: &Policy) -> Option<Cow<'a, str>> {
    req.header(&policy.header)
}

/// Steps 2–3: the token decoded; the signing input is the path as given
/// (Flask-HMAC signs Flask's decoded `request.path`).
pub fn prepare<'a>(token: &str, req: &Request<'a>, policy: &Policy) -> Result<Prepared<'a>> {
    if token.is_empty() {
        return Err(Error::malformed("empty token"));
    }
    let claimed = policy
        .encoding
        .decode_mac(token.as_bytes())
        .ok_or(Error::BadSignature)?;
    Ok(Prepared {
        scheme: SchemeName::FlaskHmac,
        key_id: Cow::Borrowed(""),
        algorithm: AlgorithmChoice::Fixed(policy.algorithm),
        head: req.path.as_bytes().to_vec(),
        tail: b"",
        claimed,
        freshness: Freshness::Unchecked,
        digest: None,
        covered: Cow::Borrowed("path"),
        act_as: None,
        timestamp: None,
        signed_headers: Vec::new(),
        recorded: false, // no time: nothing bounds its life
        nonce: None,
        alternatives: Vec::new(),
        delivery_id: None,
    })
}

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
