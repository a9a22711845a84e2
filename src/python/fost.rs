//! Bindings for FOST request and URL signing (django-fost-authn).

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};

use super::convert::{
    body_arg, borrow_headers, headers_arg, maybe_detach, now_arg, secret_arg, text_arg, window_arg,
    RequestArgs,
};
use super::loader::{call_loader, entries_from, require_loader};
use crate::error::Error;
use crate::mac::KeyCache;
use crate::pipeline;
use crate::replay::NoReplayGuard;
use crate::request::Request;
use crate::schemes::fost::{self, RequestPolicy, UrlPolicy};

/// What a verified FOST request or URL established.
#[pyclass(module = "httpseal", frozen)]
pub struct FostVerified {
    /// The key id (UTF-7 decoded, as the original).
    #[pyo3(get)]
    pub key: String,
    /// The user a signed `X-FOST-User` header asks to act as, if any.
    #[pyo3(get)]
    pub act_as: Option<String>,
    signed: Vec<(String, String)>,
}

#[pymethods]
impl FostVerified {
    /// The signed headers and their values (`request.SIGNED` of the original).
    #[getter]
    fn signed<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (name, value) in &self.signed {
            dict.set_item(name, value)?;
        }
        Ok(dict)
    }

    fn __repr__(&self) -> String {
        format!("FostVerified(key={:?}, act_as={:?})", self.key, self.act_as)
    }
}

/// A document in the type of the body it ends with: `str` for a `str` body.
fn document_out<'py>(
    py: Python<'py>,
    document: Vec<u8>,
    as_text: bool,
) -> PyResult<Bound<'py, PyAny>> {
    if as_text {
        let text = String::from_utf8(document).map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(PyString::new(py, &text).into_any())
    } else {
        Ok(PyBytes::new(py, &document).into_any())
    }
}

fn str_list(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    if obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a list of str, not a str"
        )));
    }
    obj.try_iter()?
        .map(|item| Ok(text_arg(&item?, what)?.into_owned()))
        .collect()
}

/// `(document, signature)` for a request, given the header values in order,
/// the first being the `X-FOST-Headers` list itself.
#[pyfunction]
#[pyo3(signature = (secret, method, path, timestamp, headers, body))]
pub fn fost_hmac_request_signature_with_headers<'py>(
    py: Python<'py>,
    secret: &Bound<'py, PyAny>,
    method: &Bound<'py, PyAny>,
    path: &Bound<'py, PyAny>,
    timestamp: &Bound<'py, PyAny>,
    headers: &Bound<'py, PyAny>,
    body: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyTuple>> {
    let secret = secret_arg(secret, "secret")?;
    let (method, path, timestamp) = (
        text_arg(method, "method")?,
        text_arg(path, "path")?,
        text_arg(timestamp, "timestamp")?,
    );
    let values = str_list(headers, "headers")?;
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    let as_text = body.is_instance_of::<PyString>() || body.is_none();
    let body = body_arg(Some(body))?;
    let document = fost::request_document(&method, &path, &timestamp, &values, &body);
    let signature = maybe_detach(py, document.len(), || fost::sha1_hmac(&secret, &document));
    PyTuple::new(
        py,
        [
            document_out(py, document, as_text)?,
            PyString::new(py, &signature).into_any(),
        ],
    )
}

/// `(document, signature)` for a request signing `headers` (a mapping of name
/// to value) after `X-FOST-Headers`, as django-fost-authn's function of that name.
#[pyfunction]
#[pyo3(signature = (secret, method, path, timestamp, headers=None, body=None))]
pub fn fost_hmac_request_signature<'py>(
    py: Python<'py>,
    secret: &Bound<'py, PyAny>,
    method: &Bound<'py, PyAny>,
    path: &Bound<'py, PyAny>,
    timestamp: &Bound<'py, PyAny>,
    headers: Option<&Bound<'py, PyAny>>,
    body: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let mut listed = String::from(fost::HEADERS_HEADER);
    let mut values = Vec::new();
    if let Some(headers) = headers {
        let pairs = headers_arg(headers)?;
        for (name, value) in borrow_headers(&pairs) {
            listed.push(' ');
            listed.push_str(&name);
            values.push(value.into_owned());
        }
    }
    let all = PyList::new(py, std::iter::once(listed).chain(values))?;
    let empty = PyString::new(py, "").into_any();
    fost_hmac_request_signature_with_headers(
        py,
        secret,
        method,
        path,
        timestamp,
        all.as_any(),
        body.unwrap_or(&empty),
    )
}

fn expires_text(expires: &Bound<'_, PyAny>) -> PyResult<String> {
    if expires.is_none() {
        return Ok(String::new());
    }
    if let Ok(seconds) = expires.extract::<i64>() {
        if !expires.is_instance_of::<pyo3::types::PyBool>() {
            return Ok(seconds.to_string());
        }
    }
    Ok(text_arg(expires, "expires")?.into_owned())
}

/// The signature of a signed URL (`key` is unused by the scheme and kept for
/// the original's signature).
#[pyfunction]
#[pyo3(signature = (key, secret, host, path, query_string, expires))]
pub fn fost_hmac_url_signature(
    key: &Bound<'_, PyAny>,
    secret: &Bound<'_, PyAny>,
    host: &Bound<'_, PyAny>,
    path: &Bound<'_, PyAny>,
    query_string: &Bound<'_, PyAny>,
    expires: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let _ = key;
    let secret = secret_arg(secret, "secret")?;
    let document = fost::url_document(
        &text_arg(host, "host")?,
        &text_arg(path, "path")?,
        &text_arg(query_string, "query_string")?,
        &expires_text(expires)?,
    );
    Ok(fost::sha1_hmac(&secret, document.as_bytes()))
}

/// The query string without the exact `_k`, `_e` and `_s` parameters.
#[pyfunction]
pub fn filter_query_string(query: &Bound<'_, PyAny>) -> PyResult<String> {
    Ok(fost::filter_query_string(&text_arg(query, "query")?))
}

/// Verifies a FOST-signed request (`Authorization: FOST <key>:<signature>`,
/// `X-FOST-Timestamp`, `X-FOST-Headers`). `path` is the decoded path (Django's
/// `request.path`), `query` the raw query string, signed when the body is
/// empty; a request with both is refused unless `allow_unsigned_query`.
#[pyfunction]
#[pyo3(signature = (
    method, path, query, headers, body=None, *, secret_loader, max_skew=Some(300.0),
    allow_unsigned_query=false, now=None,
))]
#[allow(clippy::too_many_arguments)]
pub fn verify_fost_request(
    py: Python<'_>,
    method: &Bound<'_, PyAny>,
    path: &Bound<'_, PyAny>,
    query: &Bound<'_, PyAny>,
    headers: &Bound<'_, PyAny>,
    body: Option<&Bound<'_, PyAny>>,
    secret_loader: &Bound<'_, PyAny>,
    max_skew: Option<f64>,
    allow_unsigned_query: bool,
    now: Option<f64>,
) -> PyResult<FostVerified> {
    require_loader(secret_loader, "secret_loader")?;
    let policy = RequestPolicy {
        max_skew: window_arg(max_skew, "max_skew")?,
        allow_unsigned_query,
    };
    let now = now_arg(now)?;
    let args = RequestArgs::convert(method, path, query, headers, body)?;
    let headers = args.headers();
    let req = args.request(&headers);

    let authorization = req.single_header("authorization")?.unwrap_or("");
    let credentials = fost::parse_authorization(authorization)?
        .ok_or_else(|| Error::MissingHeader("Authorization: FOST".into()))?;
    let prepared = fost::prepare_request(credentials, &req, req.path, policy)?;
    let loaded = call_loader(secret_loader, &prepared.key_id)?;
    let entries = entries_from(loaded.as_ref(), "secret_loader")?;
    let verified = maybe_detach(py, args.body.len(), || {
        pipeline::check(
            prepared,
            &req,
            &entries,
            &KeyCache::new(0),
            now,
            &NoReplayGuard,
        )
    })?;
    Ok(FostVerified {
        key: verified.key_id,
        act_as: verified.act_as,
        signed: verified.signed_headers,
    })
}

/// Verifies a signed URL (`_k`, `_e`, `_s` query parameters). `host` is the
/// `Host` header, `path` the decoded path, `query` the raw query string.
#[pyfunction]
#[pyo3(signature = (host, path, query, *, secret_loader, require_expiry=true, max_lifetime=None, now=None))]
#[allow(clippy::too_many_arguments)]
pub fn verify_fost_url(
    host: &Bound<'_, PyAny>,
    path: &Bound<'_, PyAny>,
    query: &Bound<'_, PyAny>,
    secret_loader: &Bound<'_, PyAny>,
    require_expiry: bool,
    max_lifetime: Option<f64>,
    now: Option<f64>,
) -> PyResult<FostVerified> {
    require_loader(secret_loader, "secret_loader")?;
    let policy = UrlPolicy {
        require_expiry,
        max_lifetime: window_arg(max_lifetime, "max_lifetime")?,
        single_use: false,
    };
    let now = now_arg(now)?;
    let (host, path, query) = (
        text_arg(host, "host")?,
        text_arg(path, "path")?,
        text_arg(query, "query")?,
    );
    let params = fost::url_params(&query)?
        .ok_or_else(|| Error::MissingHeader("_k and _s query parameters".into()))?;
    let prepared = fost::prepare_url(params, &host, &path, &query, policy)?;
    let loaded = call_loader(secret_loader, &prepared.key_id)?;
    let entries = entries_from(loaded.as_ref(), "secret_loader")?;
    let req = Request {
        method: "GET",
        path: &path,
        query: &query,
        headers: &[],
        body: b"",
    };
    let keys = KeyCache::new(0);
    let verified = pipeline::check(prepared, &req, &entries, &keys, now, &NoReplayGuard)?;
    Ok(FostVerified {
        key: verified.key_id,
        act_as: None,
        signed: Vec::new(),
    })
}
