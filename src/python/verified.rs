//! `Verified`: the one result every scheme's verification returns.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::keys::SchemeName;
use crate::pipeline;
use crate::replay::ReplayKey;

/// What a verified request established, the same shape for every scheme.
#[pyclass(module = "httpseal", frozen)]
pub struct Verified {
    /// The scheme's name (`"cavage"`, `"rfc9421"`, `"stripe"`, …).
    #[pyo3(get)]
    pub scheme: &'static str,
    /// The key id the client named.
    #[pyo3(get)]
    pub key_id: String,
    /// The MAC algorithm, e.g. `"hmac-sha256"`.
    #[pyo3(get)]
    pub algorithm: &'static str,
    /// Index of the secret that verified the request, among those the loader returned.
    #[pyo3(get)]
    pub secret_index: usize,
    /// The user a signed `X-FOST-User` asks to act as, where the scheme has one.
    #[pyo3(get)]
    pub act_as: Option<String>,
    /// The signed time in Unix seconds, where the scheme has one.
    #[pyo3(get)]
    pub timestamp: Option<i64>,
    /// A webhook delivery's id (`webhook-id`, `X-GitHub-Delivery`), where
    /// the format has one.
    #[pyo3(get)]
    pub delivery_id: Option<String>,
    covered: std::borrow::Cow<'static, str>,
    signed_headers: Vec<(String, String)>,
    /// What a webhook delivery is known by in a store — its scheme, and its
    /// signed id or matching MAC — set by `WebhookEndpoint`, digested on demand.
    pub(crate) delivery: Option<(SchemeName, Vec<u8>)>,
    /// What a replay store must record for this request (`verify(...,
    /// record=False)`): its key and how long in seconds.
    #[pyo3(get)]
    pub replay_entry: Option<(String, u64)>,
}

impl From<pipeline::Verified> for Verified {
    fn from(v: pipeline::Verified) -> Self {
        Verified {
            scheme: v.scheme.name(),
            key_id: v.key_id,
            algorithm: v.algorithm,
            secret_index: v.secret_index,
            act_as: v.act_as,
            timestamp: v.timestamp,
            delivery_id: v.delivery_id,
            covered: v.covered,
            signed_headers: v.signed_headers,
            delivery: None,
            replay_entry: None,
        }
    }
}

#[pymethods]
impl Verified {
    /// What the signature covers, in the scheme's vocabulary (for Cavage the
    /// signed header names, `(request-target)` included).
    #[getter]
    fn covered<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.headers())
    }

    /// The signed header names in signing order (Cavage's `headers` parameter).
    #[getter]
    fn headers(&self) -> Vec<&str> {
        self.covered.split_ascii_whitespace().collect()
    }

    /// The signed headers and their values, for schemes that list them (FOST).
    #[getter]
    fn signed_headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (name, value) in &self.signed_headers {
            dict.set_item(name, value)?;
        }
        Ok(dict)
    }

    /// A webhook delivery's key for a store of handled deliveries: a digest
    /// of the format and its signed id (Standard Webhooks) or of the MAC that
    /// matched — never header text, which has several spellings. `None`
    /// outside `WebhookEndpoint.verify`.
    #[getter]
    fn delivery_key<'py>(&self, py: Python<'py>) -> Option<Bound<'py, pyo3::types::PyBytes>> {
        self.delivery.as_ref().map(|(scheme, nonce)| {
            let key = ReplayKey {
                scheme: *scheme,
                key_id: "",
                nonce,
            };
            pyo3::types::PyBytes::new(py, &key.digest())
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "Verified(scheme={:?}, key_id={:?}, algorithm={:?}, secret_index={}, covered={:?})",
            self.scheme,
            self.key_id,
            self.algorithm,
            self.secret_index,
            self.headers()
        )
    }
}
