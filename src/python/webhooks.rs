//! Bindings for inbound webhooks: an endpoint (a format and its secrets,
//! checked once) that verifies deliveries, and the signer senders use.

use std::borrow::Cow;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use zeroize::Zeroizing;

use super::convert::{
    body_arg, headers_and_body, maybe_detach, now_arg, secret_arg, text_arg, window_arg,
};
use super::errors::SignatureError;
use super::verified::Verified;
use crate::keys::{KeyEntry, SchemeName};
use crate::mac::{Algorithm, Key, KeyCache, Secret, SecretBytes};
use crate::pipeline;
use crate::replay::{ReplayGuard, ReplayKey};
use crate::request::Request;
use crate::schemes::webhooks;

fn format_arg(name: &str) -> PyResult<SchemeName> {
    SchemeName::from_name(name)
        .filter(|f| webhooks::FORMATS.contains(f))
        .ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown webhook format {}; known: standard-webhooks, stripe, github, slack",
                crate::error::quoted(name)
            ))
        })
}

/// A secret as the format keys it: a Standard Webhooks `whsec_…` secret is
/// base64-decoded, every other is used as given.
fn key_bytes(format: SchemeName, secret: &Bound<'_, PyAny>) -> PyResult<Zeroizing<Vec<u8>>> {
    let raw = secret_arg(secret, "secret")?;
    if raw.is_empty() {
        return Err(PyValueError::new_err("a webhook secret must not be empty"));
    }
    if format == SchemeName::StandardWebhooks {
        return webhooks::standard_webhooks_key(&raw)
            .map(Zeroizing::new)
            .map_err(PyValueError::new_err);
    }
    Ok(Zeroizing::new(raw.to_vec()))
}

/// One webhook endpoint: a format and the secrets it accepts (several while
/// the sender rotates), checked once.
#[pyclass(module = "httpseal", frozen)]
pub struct WebhookEndpoint {
    format: SchemeName,
    /// The secrets, each an HMAC-SHA256 key computed once; raw when
    /// deliveries may use another hash (GitHub's SHA-1), keyed per delivery then.
    entries: Vec<KeyEntry<'static>>,
    policy: pipeline::Policy,
    keys: KeyCache,
}

#[pymethods]
impl WebhookEndpoint {
    #[new]
    #[pyo3(signature = (format, secrets, *, tolerance=Some(300.0), github_sha1=false))]
    fn new(
        format: &str,
        secrets: &Bound<'_, PyAny>,
        tolerance: Option<f64>,
        github_sha1: bool,
    ) -> PyResult<Self> {
        let format = format_arg(format)?;
        let items: Vec<Bound<'_, PyAny>> =
            if secrets.is_instance_of::<PyList>() || secrets.is_instance_of::<PyTuple>() {
                secrets.try_iter()?.collect::<PyResult<_>>()?
            } else {
                vec![secrets.clone()]
            };
        if items.is_empty() {
            return Err(PyValueError::new_err("a webhook endpoint needs a secret"));
        }
        let secrets = items
            .iter()
            .map(|s| key_bytes(format, s))
            .collect::<PyResult<Vec<_>>>()?;
        if github_sha1 && format != SchemeName::GitHub {
            return Err(PyValueError::new_err("github_sha1 is a GitHub option"));
        }
        let mut policy =
            pipeline::Policy::defaults(vec![format], window_arg(tolerance, "tolerance")?);
        policy.webhooks.github_sha1 = github_sha1;
        let entries = secrets
            .into_iter()
            .map(|secret| {
                KeyEntry::any_scheme(if github_sha1 {
                    Secret::Raw(SecretBytes::Owned(secret))
                } else {
                    Secret::Pinned(Cow::Owned(Key::new(Algorithm::Sha256, &secret)))
                })
            })
            .collect();
        Ok(WebhookEndpoint {
            format,
            entries,
            policy,
            keys: KeyCache::new(8),
        })
    }

    /// The format it verifies.
    #[getter]
    fn format(&self) -> &'static str {
        self.format.name()
    }

    /// Verifies one delivery: its headers (a mapping or `(name, value)`
    /// pairs) and raw body. A `SignatureError` subclass when it is not
    /// signed as the format says, by one of the secrets, within the tolerance.
    #[pyo3(signature = (headers, body, *, now=None))]
    fn verify(
        &self,
        py: Python<'_>,
        headers: &Bound<'_, PyAny>,
        body: &Bound<'_, PyAny>,
        now: Option<f64>,
    ) -> PyResult<Verified> {
        let now = now_arg(now)?;
        let args = headers_and_body(headers, Some(body))?;
        let request_headers = args.headers();
        let req: Request<'_> = args.request(&request_headers);
        let key = DeliveryKey::default();
        let verified = maybe_detach(py, req.body.len(), || {
            let found = webhooks::find(self.format, &req, &self.policy.webhooks)?
                .ok_or_else(|| crate::error::Error::MissingHeader(missing(self.format).into()))?;
            let prepared = webhooks::prepare(found, &req, &self.policy.webhooks)?;
            pipeline::check(prepared, &req, &self.entries, &self.keys, now, &key)
        });
        verified
            .map(|v| {
                let mut verified = Verified::from(v);
                verified.delivery = key.0.into_inner();
                verified
            })
            .map_err(|err| {
                let err: PyErr = err.into();
                if err.is_instance_of::<SignatureError>(py) {
                    let _ = err.value(py).setattr("scheme", self.format.name());
                }
                err
            })
    }

    fn __repr__(&self) -> String {
        format!(
            "WebhookEndpoint(format={:?}, secrets={})",
            self.format.name(),
            self.entries.len()
        )
    }
}

/// Keeps the store key of a delivery the pipeline accepted, whatever its
/// lifetime (GitHub's has none): the adapters record handled deliveries.
#[derive(Default)]
struct DeliveryKey(std::sync::OnceLock<(SchemeName, Vec<u8>)>);

impl ReplayGuard for DeliveryKey {
    fn check_and_record(&self, key: &ReplayKey<'_>, _ttl_seconds: u64) -> crate::error::Result<()> {
        // Webhook deliveries name no key: the scheme and the nonce say it
        // all. The pipeline records a request once.
        let _ = self.0.set((key.scheme, key.nonce.to_vec()));
        Ok(())
    }
}

/// The signature header a format's delivery lacks, for the refusal.
fn missing(format: SchemeName) -> &'static str {
    match format {
        SchemeName::StandardWebhooks => "webhook-signature",
        SchemeName::Stripe => "stripe-signature",
        SchemeName::GitHub => "x-hub-signature-256",
        _ => "x-slack-signature",
    }
}

/// The headers a sender adds to deliver `body` in `format`, signed with
/// `secret` at `timestamp` (Unix seconds; now by default). Standard Webhooks
/// needs `msg_id`; GitHub sends it as `X-GitHub-Delivery` when given.
#[pyfunction]
#[pyo3(signature = (format, secret, body, *, msg_id=None, timestamp=None))]
pub fn sign_webhook(
    format: &str,
    secret: &Bound<'_, PyAny>,
    body: &Bound<'_, PyAny>,
    msg_id: Option<&Bound<'_, PyAny>>,
    timestamp: Option<f64>,
) -> PyResult<Vec<(String, String)>> {
    let format = format_arg(format)?;
    if secret.is_instance_of::<PyList>() {
        return Err(PyTypeError::new_err("a sender signs with one secret"));
    }
    let key = Key::new(Algorithm::Sha256, &key_bytes(format, secret)?);
    let body = body_arg(Some(body))?;
    let id = msg_id.map(|m| text_arg(m, "msg_id")).transpose()?;
    let stamp = now_arg(timestamp)?;
    webhooks::sign(format, &key, &body, id.as_deref(), stamp).map_err(PyValueError::new_err)
}
