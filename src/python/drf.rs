//! Bindings for django-rest-framework-hmac's scheme.

use pyo3::prelude::*;

use super::convert::{body_arg, maybe_detach, now_arg, text_arg, window_arg, wire_bytes};
use crate::drf::{self, Message};

/// The `Signature` header value for a request (standard base64 of
/// HMAC-SHA256 keyed with the hex-decoded `secret`).
#[pyfunction]
#[pyo3(signature = (secret, method, hostname, path, timestamp, data=None))]
pub fn sign_drf(
    py: Python<'_>,
    secret: &Bound<'_, PyAny>,
    method: &Bound<'_, PyAny>,
    hostname: &Bound<'_, PyAny>,
    path: &Bound<'_, PyAny>,
    timestamp: &Bound<'_, PyAny>,
    data: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    let key = drf::key_for(&text_arg(secret, "secret")?)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    let (method, hostname) = (text_arg(method, "method")?, text_arg(hostname, "hostname")?);
    let (path, timestamp) = (text_arg(path, "path")?, text_arg(timestamp, "timestamp")?);
    let none = py.None().into_bound(py);
    let data = body_arg(data.unwrap_or(&none))?;
    let message = Message {
        method: &method,
        hostname: &hostname,
        path: &path,
        timestamp: &timestamp,
        data: &data,
    };
    Ok(maybe_detach(py, data.len(), || drf::sign(&key, &message)))
}

/// Verifies a request's `Signature` and `Timestamp`; raises a `SignatureError`
/// subclass (`MalformedSignature`, `BadSignature`, `StaleTimestamp`,
/// `FutureTimestamp`) when they do not hold.
#[pyfunction]
#[pyo3(signature = (secret, method, hostname, path, timestamp, signature, data=None, *, max_skew=Some(300.0), now=None))]
#[allow(clippy::too_many_arguments)]
pub fn verify_drf(
    py: Python<'_>,
    secret: &Bound<'_, PyAny>,
    method: &Bound<'_, PyAny>,
    hostname: &Bound<'_, PyAny>,
    path: &Bound<'_, PyAny>,
    timestamp: &Bound<'_, PyAny>,
    signature: &Bound<'_, PyAny>,
    data: Option<&Bound<'_, PyAny>>,
    max_skew: Option<f64>,
    now: Option<f64>,
) -> PyResult<()> {
    let max_skew = window_arg(max_skew, "max_skew")?;
    let now = now_arg(now)?;
    let key = drf::key_for(&text_arg(secret, "secret")?)?;
    let (method, hostname) = (text_arg(method, "method")?, text_arg(hostname, "hostname")?);
    let (path, timestamp) = (text_arg(path, "path")?, text_arg(timestamp, "timestamp")?);
    let signature = wire_bytes(signature, "signature")?.unwrap_or_default();
    let none = py.None().into_bound(py);
    let data = body_arg(data.unwrap_or(&none))?;
    let message = Message {
        method: &method,
        hostname: &hostname,
        path: &path,
        timestamp: &timestamp,
        data: &data,
    };
    Ok(maybe_detach(py, data.len(), || {
        drf::verify(&key, &message, &signature, max_skew, now)
    })?)
}
