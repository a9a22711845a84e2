//! Bindings for draft-cavage HTTP Signatures: one call verifies a request.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::convert::{body_arg, maybe_detach, now_arg, secret_arg, window_arg, RequestArgs};
use super::hmac::HmacKey;
use super::loader::{call_loader, entries_from, require_loader, KeyIds};
use super::verified::Verified;
use crate::mac::{Algorithm, BodyDigest, Key, KeyCache};
use crate::pipeline;
use crate::replay::NoReplayGuard;
use crate::schemes::cavage::{self, Policies, Policy, QueryRule};

/// Distinct secrets whose key schedules a verifier keeps.
const KEY_CACHE_SIZE: usize = 1024;

fn allowed_from(algorithms: Option<Vec<String>>) -> PyResult<Vec<Algorithm>> {
    let allowed: Vec<Algorithm> = match algorithms {
        None => cavage::ALGORITHMS.iter().map(|(_, a)| *a).collect(),
        Some(names) => names
            .iter()
            .map(|n| {
                cavage::algorithm_from_name(n).map_err(|e| PyValueError::new_err(e.to_string()))
            })
            .collect::<PyResult<_>>()?,
    };
    if allowed.is_empty() {
        return Err(PyValueError::new_err("algorithms must not be empty"));
    }
    Ok(allowed)
}

fn lowercase(names: Vec<String>) -> Vec<String> {
    names.into_iter().map(|n| n.to_ascii_lowercase()).collect()
}

/// `query_rule="draft"` (the query is signed for every method) or
/// `"flask-cavage"` (for GET, HEAD and DELETE only).
pub(crate) fn query_rule_arg(name: &str) -> PyResult<QueryRule> {
    QueryRule::from_name(name).ok_or_else(|| {
        PyValueError::new_err(format!(
            "query_rule must be 'draft' or 'flask-cavage', not {}",
            crate::error::quoted(name)
        ))
    })
}

/// The policy of everything but the required headers.
pub(crate) fn base_policy(
    algorithms: Option<Vec<String>>,
    max_skew: Option<f64>,
    legacy_digests: bool,
    query_rule: &str,
) -> PyResult<Policy> {
    Ok(Policy {
        required: Vec::new(),
        allowed: allowed_from(algorithms)?,
        max_skew: window_arg(max_skew, "max_skew")?,
        legacy_digests,
        query_rule: query_rule_arg(query_rule)?,
    })
}

/// `required` is a sequence (every method) or a mapping of method to
/// sequence, where methods it does not name use its `get` entry; `None`
/// means `cavage::default_required` for each method.
pub(crate) fn policies_from(
    required: Option<&Bound<'_, PyAny>>,
    base: Policy,
) -> PyResult<Policies> {
    let with = |names: Vec<String>| Policy {
        required: lowercase(names),
        ..base.clone()
    };
    let Some(obj) = required.filter(|obj| !obj.is_none()) else {
        let per_method = ["post", "put", "patch"]
            .into_iter()
            .map(|m| (m.to_owned(), with(cavage::default_required(m))))
            .collect();
        return Ok(Policies {
            per_method,
            fallback: with(cavage::default_required("get")),
        });
    };
    if let Ok(map) = obj.cast::<PyDict>() {
        let mut per_method = Vec::new();
        for (method, names) in map.iter() {
            let method: String = method.extract()?;
            per_method.push((method.to_ascii_lowercase(), with(names.extract()?)));
        }
        let fallback = per_method
            .iter()
            .find(|(m, _)| m == "get")
            .map(|(_, p)| p.clone())
            .unwrap_or_else(|| with(cavage::default_required("get")));
        return Ok(Policies {
            per_method,
            fallback,
        });
    }
    if obj.is_instance_of::<pyo3::types::PyString>() {
        return Err(PyTypeError::new_err(
            "required_headers must be a list of names, not a str",
        ));
    }
    Ok(Policies {
        per_method: Vec::new(),
        fallback: with(obj.extract()?),
    })
}

/// A verifier configured once (key store, policy) and used for many requests.
#[pyclass(module = "httpseal", frozen)]
pub struct CavageVerifier {
    secret_loader: Py<PyAny>,
    policies: Policies,
    keys: KeyCache,
    key_ids: KeyIds,
}

#[pymethods]
impl CavageVerifier {
    #[new]
    #[pyo3(signature = (
        *, secret_loader, required_headers=None, algorithms=None, max_skew=Some(300.0),
        legacy_digests=false, query_rule="draft",
    ))]
    fn new(
        secret_loader: &Bound<'_, PyAny>,
        required_headers: Option<&Bound<'_, PyAny>>,
        algorithms: Option<Vec<String>>,
        max_skew: Option<f64>,
        legacy_digests: bool,
        query_rule: &str,
    ) -> PyResult<Self> {
        require_loader(secret_loader, "secret_loader")?;
        let base = base_policy(algorithms, max_skew, legacy_digests, query_rule)?;
        Ok(CavageVerifier {
            secret_loader: secret_loader.clone().unbind(),
            policies: policies_from(required_headers, base)?,
            keys: KeyCache::new(KEY_CACHE_SIZE),
            key_ids: KeyIds::new(),
        })
    }

    /// Verifies one request; raises a `SignatureError` subclass when it fails.
    #[pyo3(signature = (method, path, query, headers, body=None, *, now=None))]
    #[allow(clippy::too_many_arguments)]
    fn verify(
        &self,
        py: Python<'_>,
        method: &Bound<'_, PyAny>,
        path: &Bound<'_, PyAny>,
        query: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        body: Option<&Bound<'_, PyAny>>,
        now: Option<f64>,
    ) -> PyResult<Verified> {
        let args = RequestArgs::convert(method, path, query, headers, body)?;
        let policy = self.policies.for_method(args.method());
        let loader = |key_id: &str| {
            self.key_ids
                .call_loader(self.secret_loader.bind(py), key_id)
        };
        run(py, loader, policy, &self.keys, &args, now)
    }

    fn __repr__(&self) -> String {
        let policy = &self.policies.fallback;
        let rule = match policy.query_rule {
            QueryRule::Draft => "draft",
            QueryRule::FlaskCavage => "flask-cavage",
        };
        format!(
            "CavageVerifier(max_skew={:?}, legacy_digests={}, query_rule='{rule}')",
            policy.max_skew, policy.legacy_digests
        )
    }
}

/// Verifies a draft-cavage HMAC signature in one call. `secret_loader(key_id)`
/// returns the secret(s) for the key id, or `None`; it is called once, during
/// this call. Servers verifying many requests use `CavageVerifier`.
#[pyfunction]
#[pyo3(signature = (
    method, path, query, headers, body=None, *, secret_loader,
    required_headers=None, algorithms=None, max_skew=Some(300.0),
    legacy_digests=false, query_rule="draft", now=None,
))]
#[allow(clippy::too_many_arguments)]
pub fn verify_cavage(
    py: Python<'_>,
    method: &Bound<'_, PyAny>,
    path: &Bound<'_, PyAny>,
    query: &Bound<'_, PyAny>,
    headers: &Bound<'_, PyAny>,
    body: Option<&Bound<'_, PyAny>>,
    secret_loader: &Bound<'_, PyAny>,
    required_headers: Option<&Bound<'_, PyAny>>,
    algorithms: Option<Vec<String>>,
    max_skew: Option<f64>,
    legacy_digests: bool,
    query_rule: &str,
    now: Option<f64>,
) -> PyResult<Verified> {
    require_loader(secret_loader, "secret_loader")?;
    let base = base_policy(algorithms, max_skew, legacy_digests, query_rule)?;
    let policies = policies_from(required_headers, base)?;
    let args = RequestArgs::convert(method, path, query, headers, body)?;
    let policy = policies.for_method(args.method());
    let loader = |key_id: &str| call_loader(secret_loader, key_id);
    run(py, loader, policy, &KeyCache::new(0), &args, now)
}

/// `load(key_id)` calls the secret loader.
fn run<'py>(
    py: Python<'py>,
    load: impl FnOnce(&str) -> PyResult<Option<Bound<'py, PyAny>>>,
    policy: &Policy,
    keys: &KeyCache,
    args: &RequestArgs<'_, '_>,
    now: Option<f64>,
) -> PyResult<Verified> {
    let now = now_arg(now)?;
    let headers = args.headers();
    let req = args.request(&headers);
    let params = cavage::find_params(&req)?;
    let prepared = cavage::prepare(params, &req, policy)?;
    let loaded = load(&prepared.key_id)?;
    let entries = entries_from(loaded.as_ref(), "secret_loader")?;
    let verified = maybe_detach(py, args.body.len(), || {
        pipeline::check(prepared, &req, &entries, keys, now, &NoReplayGuard)
    })?;
    Ok(verified.into())
}

/// Signs the named headers of a request; returns the value for the
/// `Authorization` header (`Signature keyId=…`) or, with
/// `sign_header="signature"`, for a `Signature` header.
#[pyfunction]
#[pyo3(signature = (
    key_id, secret, method, path, query, headers, *,
    algorithm="hmac-sha256", signed_headers=None, sign_header="authorization", query_rule="draft",
))]
#[allow(clippy::too_many_arguments)]
pub fn sign_cavage(
    key_id: &str,
    secret: &Bound<'_, PyAny>,
    method: &Bound<'_, PyAny>,
    path: &Bound<'_, PyAny>,
    query: &Bound<'_, PyAny>,
    headers: &Bound<'_, PyAny>,
    algorithm: &str,
    signed_headers: Option<Vec<String>>,
    sign_header: &str,
    query_rule: &str,
) -> PyResult<String> {
    let rule = query_rule_arg(query_rule)?;
    let algorithm =
        cavage::algorithm_from_name(algorithm).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let key = match secret.cast::<HmacKey>() {
        Ok(pinned) if pinned.get().key.algorithm() != algorithm => {
            return Err(PyValueError::new_err(
                "the HmacKey's digest does not match algorithm",
            ))
        }
        Ok(pinned) => pinned.get().key.clone(),
        Err(_) => Key::new(algorithm, &secret_arg(secret, "secret")?),
    };
    let args = RequestArgs::convert(method, path, query, headers, None)?;
    let headers = args.headers();
    let req = args.request(&headers);
    let names = signed_headers.unwrap_or_else(|| cavage::default_required(req.method));
    let params = cavage::sign(key_id, &key, &names, &req, rule)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    match sign_header.to_ascii_lowercase().as_str() {
        "authorization" => Ok(format!("Signature {params}")),
        "signature" => Ok(params),
        _ => Err(PyValueError::new_err(
            "sign_header must be 'authorization' or 'signature'",
        )),
    }
}

/// The `Digest` header value for a body, e.g. `"SHA-256=…"`.
#[pyfunction]
#[pyo3(signature = (body, algorithm="SHA-256"))]
pub fn body_digest(py: Python<'_>, body: &Bound<'_, PyAny>, algorithm: &str) -> PyResult<String> {
    let digest = BodyDigest::from_name(algorithm).ok_or_else(|| {
        PyValueError::new_err(format!(
            "unknown Digest algorithm {}",
            crate::error::quoted(algorithm)
        ))
    })?;
    let body = body_arg(Some(body))?;
    Ok(maybe_detach(py, body.len(), || digest.header_value(&body)))
}
