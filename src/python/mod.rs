//! The only module that knows Python: argument conversion, GIL release and
//! the mapping from `Error` to the `SignatureError` hierarchy. Each scheme's
//! bindings live in their own file.

mod cavage;
mod convert;
mod errors;
mod hmac;

pub use cavage::{body_digest, sign_cavage, verify_cavage, CavageVerifier, Verified};
pub use errors::register_exceptions;
pub use hmac::{compare_hmacs, render_hmac, verify_hmac_token, HmacKey};
