//! The only module that knows Python: argument conversion, GIL release and
//! the mapping from `Error` to the `SignatureError` hierarchy. Each scheme's
//! bindings live in their own file.

mod at_rest;
mod cavage;
mod convert;
mod drf;
mod errors;
mod fost;
mod hmac;
mod loader;
mod pipeline;
mod replay;
mod signer;
mod verified;
mod views;
mod webhooks;

pub use at_rest::KeyEncryption;
pub use cavage::{body_digest, sign_cavage, verify_cavage, CavageVerifier};
pub use drf::{sign_drf, verify_drf};
pub use errors::register_exceptions;
pub use fost::{
    filter_query_string, fost_hmac_request_signature, fost_hmac_request_signature_with_headers,
    fost_hmac_url_signature, verify_fost_request, verify_fost_url, FostVerified,
};
pub use hmac::{compare_hmacs, render_hmac, verify_hmac_token, HmacKey};
pub use pipeline::Verifier;
pub use replay::MemoryReplayStore;
pub use signer::Signer;
pub use verified::Verified;
pub use webhooks::{sign_webhook, WebhookEndpoint};
