//! The core MAC API and Flask-HMAC's token scheme.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyAny, PyBytes};

use super::convert::{
    algorithm_arg, bytes_arg, encoding_arg, instant_arg, maybe_detach, scheme_names, secret_arg,
    wire_bytes,
};
use crate::keys::{SchemeName, Schemes, Validity};
use crate::mac::Key;
use crate::schemes::token;

/// A reusable HMAC key whose key schedule is computed once, pinned to one
/// hash function and, optionally, to some schemes and a validity period.
#[pyclass(module = "httpseal", frozen)]
pub struct HmacKey {
    pub(crate) key: Key,
    pub(crate) schemes: Schemes,
    pub(crate) validity: Validity,
}

#[pymethods]
impl HmacKey {
    #[new]
    #[pyo3(signature = (secret, *, digest = "sha256", schemes = None, not_before = None, not_after = None))]
    fn new(
        secret: &Bound<'_, PyAny>,
        digest: &str,
        schemes: Option<Vec<String>>,
        not_before: Option<&Bound<'_, PyAny>>,
        not_after: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let algorithm = algorithm_arg(digest)?;
        let schemes = match schemes {
            None => Schemes::ALL,
            Some(names) => {
                let set = scheme_names(&names, "schemes")?
                    .into_iter()
                    .collect::<Schemes>();
                if set.is_empty() {
                    return Err(PyValueError::new_err("schemes must not be empty"));
                }
                set
            }
        };
        let validity = Validity {
            not_before: instant_arg(not_before, "not_before", true)?,
            not_after: instant_arg(not_after, "not_after", false)?,
        };
        let secret = secret_arg(secret, "secret")?;
        Ok(HmacKey {
            key: Key::new(algorithm, &secret),
            schemes,
            validity,
        })
    }

    /// A key from hexadecimal text, decoded as django-rest-framework-hmac
    /// stores secrets (and as the core decodes them for drf-hmac).
    #[classmethod]
    #[pyo3(signature = (text, *, digest = "sha256", schemes = None, not_before = None, not_after = None))]
    fn from_hex(
        _cls: &Bound<'_, pyo3::types::PyType>,
        text: &str,
        digest: &str,
        schemes: Option<Vec<String>>,
        not_before: Option<&Bound<'_, PyAny>>,
        not_after: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let raw = crate::mac::hex_decode_spaced(text)
            .map(zeroize::Zeroizing::new)
            .ok_or_else(|| PyValueError::new_err("the secret is not hexadecimal"))?;
        let bytes = PyBytes::new(_cls.py(), &raw);
        HmacKey::new(bytes.as_any(), digest, schemes, not_before, not_after)
    }

    /// Unix seconds from which the key may sign, if bounded.
    #[getter]
    fn not_before(&self) -> Option<i64> {
        self.validity.not_before
    }

    /// Unix seconds from which the key may no longer sign, if bounded.
    #[getter]
    fn not_after(&self) -> Option<i64> {
        self.validity.not_after
    }

    /// The schemes this key may sign with.
    #[getter]
    fn schemes(&self) -> Vec<&'static str> {
        self.schemes.iter().map(SchemeName::name).collect()
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
        let mut repr = format!("HmacKey(digest='{}'", self.digest());
        if self.schemes != Schemes::ALL {
            repr.push_str(&format!(", schemes={:?}", self.schemes()));
        }
        if let Some(start) = self.validity.not_before {
            repr.push_str(&format!(", not_before={start}"));
        }
        if let Some(end) = self.validity.not_after {
            repr.push_str(&format!(", not_after={end}"));
        }
        repr + ", secret=<hidden>)"
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
    let secret = secret_arg(secret, "secret")?;
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
    let secret = secret_arg(secret, "secret")?;
    let data = bytes_arg(data, "data")?;
    let Some(token) = wire_bytes(token, "token")? else {
        return Ok(false);
    };
    Ok(maybe_detach(py, data.len(), || {
        Key::new(algorithm, &secret).verify_token(&data, &token, encoding)
    }))
}

/// Verifies a Flask-HMAC token against several keys (rotation) in one call,
/// each used only within its validity period. Returns the index of the key
/// that matched; raises a `SignatureError` otherwise.
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
    if keys.is_empty() {
        return Err(PyValueError::new_err("keys must not be empty"));
    }
    // Only the keys valid now take part; their indices stay the caller's.
    let now = crate::time::now();
    let (indices, valid): (Vec<usize>, Vec<Key>) = keys
        .iter()
        .enumerate()
        .filter(|(_, k)| k.validity.check(now).is_ok())
        .map(|(i, k)| (i, k.key.clone()))
        .unzip();
    if valid.is_empty() {
        return Err(keys[0].validity.check(now).unwrap_err().into());
    }
    let found = maybe_detach(py, data.len(), || {
        token::verify(&valid, &data, &token, encoding)
    })?;
    Ok(indices[found])
}
