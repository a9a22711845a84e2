//! httpseal: HMAC request signing for Python web frameworks.
//!
//! The scheme modules are plain Rust; `python` holds all of the PyO3 glue and
//! this file only declares the extension module's export list.

pub mod at_rest;
pub mod content_digest;
pub mod error;
pub mod inline;
pub mod keys;
pub mod mac;
pub mod pipeline;
pub mod replay;
pub mod request;
pub mod schemes;
pub mod signer;
pub mod time;

#[cfg(feature = "python")]
mod python;

#[cfg(feature = "python")]
use pyo3::prelude::*;

#[cfg(feature = "python")]
#[pymodule(gil_used = false)]
mod _native {
    #[pymodule_export]
    use crate::python::{
        body_digest, compare_hmacs, render_hmac, sign_cavage, sign_drf, verify_cavage, verify_drf,
        verify_hmac_token, CavageVerifier, HmacKey, MemoryReplayStore, Signer, Verified, Verifier,
    };
    #[pymodule_export]
    use crate::python::{
        filter_query_string, fost_hmac_request_signature, fost_hmac_request_signature_with_headers,
        fost_hmac_url_signature, verify_fost_request, verify_fost_url, FostVerified,
    };
    #[pymodule_export]
    use crate::python::{sign_webhook, KeyEncryption, WebhookEndpoint};

    #[pymodule_init]
    fn init(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
        crate::python::register_exceptions(m)
    }
}
