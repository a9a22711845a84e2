//! The only module that knows Python: argument conversion, GIL release and
//! the mapping from `Error` to the `SignatureError` hierarchy.

use std::borrow::Cow;

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyModule, PyString};

use crate::error::Error;
use crate::mac::{Algorithm, Encoding, Key};
use crate::token;

/// Inputs at least this large are hashed with the GIL released; below it the
/// release costs more than it gives.
const DETACH_THRESHOLD: usize = 16 * 1024;

create_exception!(
    httpseal,
    SignatureError,
    PyException,
    "A request's signature could not be verified."
);
create_exception!(
    httpseal,
    MalformedSignature,
    SignatureError,
    "The signature or its header could not be parsed."
);
create_exception!(
    httpseal,
    UnknownAlgorithm,
    SignatureError,
    "The algorithm is not one httpseal knows."
);
create_exception!(
    httpseal,
    DisallowedAlgorithm,
    SignatureError,
    "The algorithm is known but not accepted here."
);
create_exception!(
    httpseal,
    MissingHeader,
    SignatureError,
    "A header listed in the signature is missing."
);
create_exception!(
    httpseal,
    HeaderNotSigned,
    SignatureError,
    "A required header is not covered by the signature."
);
create_exception!(
    httpseal,
    UnknownKey,
    SignatureError,
    "No secret is known for the key id."
);
create_exception!(
    httpseal,
    BadSignature,
    SignatureError,
    "The signature does not match."
);
create_exception!(
    httpseal,
    DigestMismatch,
    SignatureError,
    "The body does not match its Digest header."
);
create_exception!(
    httpseal,
    StaleTimestamp,
    SignatureError,
    "The request's timestamp is too old."
);
create_exception!(
    httpseal,
    FutureTimestamp,
    SignatureError,
    "The request's timestamp is too far in the future."
);
create_exception!(
    httpseal,
    ExpiredURL,
    SignatureError,
    "A signed URL's expiry has passed."
);
create_exception!(
    httpseal,
    ReplayedRequest,
    SignatureError,
    "The replay check refused the request."
);

impl From<Error> for PyErr {
    fn from(err: Error) -> PyErr {
        let msg = err.to_string();
        match err {
            Error::Malformed(_) => MalformedSignature::new_err(msg),
            Error::UnknownAlgorithm(_) => UnknownAlgorithm::new_err(msg),
            Error::DisallowedAlgorithm(_) => DisallowedAlgorithm::new_err(msg),
            Error::MissingHeader(_) => MissingHeader::new_err(msg),
            Error::HeaderNotSigned(_) => HeaderNotSigned::new_err(msg),
            Error::UnknownKey => UnknownKey::new_err(msg),
            Error::BadSignature => BadSignature::new_err(msg),
            Error::DigestMismatch(_) => DigestMismatch::new_err(msg),
            Error::Stale(_) => StaleTimestamp::new_err(msg),
            Error::Future(_) => FutureTimestamp::new_err(msg),
            Error::Expired(_) => ExpiredURL::new_err(msg),
            Error::Replayed => ReplayedRequest::new_err(msg),
        }
    }
}

/// Adds the exception classes to the module, each with its stable `code`.
pub fn register_exceptions(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let classes = [
        (py.get_type::<SignatureError>(), "signature_error"),
        (
            py.get_type::<MalformedSignature>(),
            Error::malformed("").code(),
        ),
        (
            py.get_type::<UnknownAlgorithm>(),
            Error::UnknownAlgorithm(String::new()).code(),
        ),
        (
            py.get_type::<DisallowedAlgorithm>(),
            Error::DisallowedAlgorithm(String::new()).code(),
        ),
        (
            py.get_type::<MissingHeader>(),
            Error::MissingHeader(String::new()).code(),
        ),
        (
            py.get_type::<HeaderNotSigned>(),
            Error::HeaderNotSigned(String::new()).code(),
        ),
        (py.get_type::<UnknownKey>(), Error::UnknownKey.code()),
        (py.get_type::<BadSignature>(), Error::BadSignature.code()),
        (
            py.get_type::<DigestMismatch>(),
            Error::DigestMismatch(String::new()).code(),
        ),
        (
            py.get_type::<StaleTimestamp>(),
            Error::Stale(String::new()).code(),
        ),
        (
            py.get_type::<FutureTimestamp>(),
            Error::Future(String::new()).code(),
        ),
        (
            py.get_type::<ExpiredURL>(),
            Error::Expired(String::new()).code(),
        ),
        (py.get_type::<ReplayedRequest>(), Error::Replayed.code()),
    ];
    for (class, code) in classes {
        class.setattr("code", code)?;
        m.add(class.name()?, class)?;
    }
    Ok(())
}

/// Bytes of a `str` (UTF-8), `bytes` or `bytearray` argument.
pub(crate) fn bytes_arg<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Cow<'a, [u8]>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Cow::Borrowed(b.as_bytes()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return match s.to_cow()? {
            Cow::Borrowed(text) => Ok(Cow::Borrowed(text.as_bytes())),
            Cow::Owned(text) => Ok(Cow::Owned(text.into_bytes())),
        };
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Cow::Owned(b.to_vec()));
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be str, bytes or bytearray, not {}",
        type_name(obj)
    )))
}

/// Like `bytes_arg`, for values that come off the wire: `None` and text that
/// cannot be encoded come back as `None` instead of an exception.
pub(crate) fn wire_bytes<'a>(
    obj: &'a Bound<'_, PyAny>,
    what: &str,
) -> PyResult<Option<Cow<'a, [u8]>>> {
    if obj.is_none() {
        return Ok(None);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_cow().ok().map(|text| match text {
            Cow::Borrowed(t) => Cow::Borrowed(t.as_bytes()),
            Cow::Owned(t) => Cow::Owned(t.into_bytes()),
        }));
    }
    bytes_arg(obj, what).map(Some)
}

pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}

pub(crate) fn algorithm_arg(name: &str) -> PyResult<Algorithm> {
    Algorithm::from_name(name).ok_or_else(|| {
        PyValueError::new_err(format!(
            "unknown digest {}; expected one of sha1, sha224, sha256, sha384, sha512",
            crate::error::quoted(name)
        ))
    })
}

pub(crate) fn encoding_arg(name: &str) -> PyResult<Encoding> {
    Encoding::from_name(name).ok_or_else(|| {
        PyValueError::new_err(format!(
            "unknown encoding {}; expected one of base64url, base64, hex",
            crate::error::quoted(name)
        ))
    })
}

/// Runs `work` with the GIL released when the input is large enough to matter.
pub(crate) fn maybe_detach<T: Send>(
    py: Python<'_>,
    size: usize,
    work: impl FnOnce() -> T + Send,
) -> T {
    if size >= DETACH_THRESHOLD {
        py.detach(work)
    } else {
        work()
    }
}

/// A reusable HMAC key whose key schedule is computed once.
#[pyclass(module = "httpseal", frozen)]
pub struct HmacKey {
    pub(crate) key: Key,
}

#[pymethods]
impl HmacKey {
    #[new]
    #[pyo3(signature = (secret, *, digest = "sha256"))]
    fn new(secret: &Bound<'_, PyAny>, digest: &str) -> PyResult<Self> {
        let algorithm = algorithm_arg(digest)?;
        let secret = bytes_arg(secret, "secret")?;
        Ok(HmacKey {
            key: Key::new(algorithm, &secret),
        })
    }

    /// The hash function's name, e.g. `"sha256"`.
    #[getter]
    fn digest(&self) -> &'static str {
        self.key.algorithm().name()
    }

    /// The raw MAC of `data`.
    fn sign<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let data = bytes_arg(data, "data")?;
        let mac = maybe_detach(py, data.len(), || self.key.sign(&data));
        Ok(PyBytes::new(py, &mac))
    }

    /// The MAC of `data` as text in `encoding`.
    #[pyo3(signature = (data, *, encoding = "base64url"))]
    fn render(&self, py: Python<'_>, data: &Bound<'_, PyAny>, encoding: &str) -> PyResult<String> {
        let encoding = encoding_arg(encoding)?;
        let data = bytes_arg(data, "data")?;
        Ok(maybe_detach(py, data.len(), || {
            token::render(&self.key, &data, encoding)
        }))
    }

    /// Constant-time check of `token` against the MAC of `data`; never raises for a bad token.
    #[pyo3(signature = (data, token, *, encoding = "base64url"))]
    fn compare(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        token: &Bound<'_, PyAny>,
        encoding: &str,
    ) -> PyResult<bool> {
        let encoding = encoding_arg(encoding)?;
        let data = bytes_arg(data, "data")?;
        let Some(token) = wire_bytes(token, "token")? else {
            return Ok(false);
        };
        Ok(maybe_detach(py, data.len(), || {
            self.key.verify_token(&data, &token, encoding)
        }))
    }

    fn __repr__(&self) -> String {
        format!("HmacKey(digest='{}', secret=<hidden>)", self.digest())
    }
}

/// The MAC of `data` under `secret`, as text.
#[pyfunction]
#[pyo3(signature = (secret, data, *, digest = "sha256", encoding = "base64url"))]
pub fn render_hmac(
    py: Python<'_>,
    secret: &Bound<'_, PyAny>,
    data: &Bound<'_, PyAny>,
    digest: &str,
    encoding: &str,
) -> PyResult<String> {
    let algorithm = algorithm_arg(digest)?;
    let encoding = encoding_arg(encoding)?;
    let secret = bytes_arg(secret, "secret")?;
    let data = bytes_arg(data, "data")?;
    Ok(maybe_detach(py, data.len(), || {
        token::render(&Key::new(algorithm, &secret), &data, encoding)
    }))
}

/// Constant-time comparison of `token` with the MAC of `data`; `False` for a
/// token of any shape that does not match.
#[pyfunction]
#[pyo3(signature = (secret, data, token, *, digest = "sha256", encoding = "base64url"))]
pub fn compare_hmacs(
    py: Python<'_>,
    secret: &Bound<'_, PyAny>,
    data: &Bound<'_, PyAny>,
    token: &Bound<'_, PyAny>,
    digest: &str,
    encoding: &str,
) -> PyResult<bool> {
    let algorithm = algorithm_arg(digest)?;
    let encoding = encoding_arg(encoding)?;
    let secret = bytes_arg(secret, "secret")?;
    let data = bytes_arg(data, "data")?;
    let Some(token) = wire_bytes(token, "token")? else {
        return Ok(false);
    };
    Ok(maybe_detach(py, data.len(), || {
        Key::new(algorithm, &secret).verify_token(&data, &token, encoding)
    }))
}

/// Verifies a Flask-HMAC token against several keys (rotation) in one call.
/// Returns the index of the key that matched; raises a `SignatureError` otherwise.
#[pyfunction]
#[pyo3(signature = (keys, data, token, *, encoding = "base64url"))]
pub fn verify_hmac_token(
    py: Python<'_>,
    keys: Vec<PyRef<'_, HmacKey>>,
    data: &Bound<'_, PyAny>,
    token: &Bound<'_, PyAny>,
    encoding: &str,
) -> PyResult<usize> {
    let encoding = encoding_arg(encoding)?;
    let data = bytes_arg(data, "data")?;
    let token = wire_bytes(token, "token")?.unwrap_or_default();
    let keys: Vec<Key> = keys.iter().map(|k| k.key.clone()).collect();
    if keys.is_empty() {
        return Err(PyValueError::new_err("keys must not be empty"));
    }
    Ok(maybe_detach(py, data.len(), || {
        token::verify(&keys, &data, &token, encoding)
    })?)
}
