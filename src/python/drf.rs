//! Bindings for django-rest-framework-hmac's scheme.

use std::borrow::Cow;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use super::convert::{body_arg, maybe_detach, now_arg, text_arg, window_arg, wire_bytes};
use crate::mac::Key;
use crate::schemes::drf::{self, Message};

/// The arguments both functions share, converted once.
struct MessageArgs<'a> {
    /// A stored secret that is not hex is a server-side fault: `sign_drf`
    /// reports it as `ValueError`, `verify_drf` as a refusal (never a 500).
    key: crate::error::Result<Key>,
    fields: [Cow<'a, str>; 4],
    data: Cow<'a, [u8]>,
}

impl<'a> MessageArgs<'a> {
    fn convert(
        secret: &Bound<'_, PyAny>,
        [method, hostname, path, timestamp]: [&'a Bound<'_, PyAny>; 4],
        data: Option<&'a Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let key = drf::key_for(&text_arg(secret, "secret")?);
        Ok(MessageArgs {
            key,
            fields: [
                text_arg(method, "method")?,
                text_arg(hostname, "hostname")?,
                text_arg(path, "path")?,
                text_arg(timestamp, "timestamp")?,
            ],
            data: body_arg(data)?,
        })
    }

    fn message(&self) -> Message<'_> {
        let [method, hostname, path, timestamp] = &self.fields;
        Message {
            method,
            hostname,
            path,
            timestamp,
            data: &self.data,
        }
    }
}

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
    let args = MessageArgs::convert(secret, [method, hostname, path, timestamp], data)?;
    let key = args
        .key
        .as_ref()
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(maybe_detach(py, args.data.len(), || {
        drf::sign(key, &args.message())
    }))
}

/// Verifies a request's `Signature` and `Timestamp`; raises a `SignatureError`
/// subclass (`MalformedSignature`, `BadSignature`, `StaleTimestamp`,
/// `FutureTimestamp`) when they do not hold, and `MalformedSignature` for a
/// stored secret that is not hexadecimal.
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
    let args = MessageArgs::convert(secret, [method, hostname, path, timestamp], data)?;
    let signature = wire_bytes(signature, "signature")?.unwrap_or_default();
    let key = args.key.as_ref().map_err(|e| PyErr::from(e.clone()))?;
    Ok(maybe_detach(py, args.data.len(), || {
        drf::verify(key, &args.message(), &signature, max_skew, now)
    })?)
}
