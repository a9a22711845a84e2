//! Bindings for the native signers: one `Signer` per key and scheme, checked
//! at construction, signing a request in one call.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use super::cavage::query_rule_arg;
use super::convert::{maybe_detach, now_arg, secret_arg, text_arg, RequestArgs};
use super::hmac::HmacKey;
use crate::keys::SchemeName;
use crate::mac::{Algorithm, Key};
use crate::schemes::cavage;
use crate::signer::{self, Options, SignError, SignHeader};

fn value_error(e: SignError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// Flask-HMAC's token names no key and signs the path only: `render_hmac`
/// makes it.
fn no_token_signer() -> PyErr {
    PyValueError::new_err("there is no flask-hmac Signer: make its token with render_hmac")
}

/// Signs requests with one key in one scheme.
#[pyclass(module = "httpseal", frozen)]
pub struct Signer {
    inner: signer::Signer,
}

/// The scheme's own options; any other scheme's option is a mistake.
struct OptionArgs<'a> {
    headers: Option<Vec<String>>,
    sign_header: Option<&'a str>,
    query_rule: Option<&'a str>,
    hostname: Option<String>,
    act_as: Option<String>,
    allow_unsigned_query: Option<bool>,
}

impl OptionArgs<'_> {
    fn into_options(self, scheme: SchemeName) -> PyResult<Options> {
        let foreign = match scheme {
            SchemeName::Cavage => [
                ("hostname", self.hostname.is_some()),
                ("act_as", self.act_as.is_some()),
                ("allow_unsigned_query", self.allow_unsigned_query.is_some()),
            ],
            SchemeName::DrfHmac => [
                ("headers", self.headers.is_some()),
                ("sign_header", self.sign_header.is_some()),
                ("query_rule", self.query_rule.is_some()),
            ],
            SchemeName::Fost => [
                ("sign_header", self.sign_header.is_some()),
                ("query_rule", self.query_rule.is_some()),
                ("hostname", self.hostname.is_some()),
            ],
            SchemeName::FlaskHmac => return Err(no_token_signer()),
        };
        if let Some((name, _)) = foreign.iter().find(|(_, given)| *given) {
            return Err(PyValueError::new_err(format!(
                "{name} is not an option of the {} signer",
                scheme.name()
            )));
        }
        let also_foreign = match scheme {
            SchemeName::DrfHmac if self.act_as.is_some() => Some("act_as"),
            SchemeName::DrfHmac if self.allow_unsigned_query.is_some() => {
                Some("allow_unsigned_query")
            }
            _ => None,
        };
        if let Some(name) = also_foreign {
            return Err(PyValueError::new_err(format!(
                "{name} is not an option of the drf-hmac signer"
            )));
        }
        Ok(match scheme {
            SchemeName::Cavage => Options::Cavage {
                headers: self.headers,
                sign_header: match self
                    .sign_header
                    .unwrap_or("authorization")
                    .to_ascii_lowercase()
                    .as_str()
                {
                    "authorization" => SignHeader::Authorization,
                    "signature" => SignHeader::Signature,
                    _ => {
                        return Err(PyValueError::new_err(
                            "sign_header must be 'authorization' or 'signature'",
                        ))
                    }
                },
                query_rule: query_rule_arg(self.query_rule.unwrap_or("draft"))?,
            },
            SchemeName::DrfHmac => Options::Drf {
                hostname: self.hostname,
            },
            SchemeName::Fost => Options::Fost {
                headers: self.headers.unwrap_or_default(),
                act_as: self.act_as,
                allow_unsigned_query: self.allow_unsigned_query.unwrap_or(false),
            },
            SchemeName::FlaskHmac => return Err(no_token_signer()),
        })
    }
}

/// The key to sign with: an `HmacKey` (its digest must be the scheme's, or
/// the requested Cavage algorithm) or secret text/bytes as the scheme keys
/// them (drf-hmac: hex, decoded by the one decoder in the core).
fn key_from(
    scheme: SchemeName,
    secret: &Bound<'_, PyAny>,
    algorithm: Option<&str>,
) -> PyResult<Key> {
    let wanted = match (scheme, algorithm) {
        (SchemeName::FlaskHmac, _) => return Err(no_token_signer()),
        (SchemeName::Cavage, Some(name)) => Some(
            cavage::algorithm_from_name(name).map_err(|e| PyValueError::new_err(e.to_string()))?,
        ),
        (SchemeName::Cavage, None) => None,
        (SchemeName::DrfHmac, None | Some("hmac-sha256")) => Some(Algorithm::Sha256),
        (SchemeName::Fost, None | Some("hmac-sha1")) => Some(Algorithm::Sha1),
        (_, Some(name)) => {
            return Err(PyValueError::new_err(format!(
                "{} signs with {} only, not {}",
                scheme.name(),
                if scheme == SchemeName::Fost {
                    "hmac-sha1"
                } else {
                    "hmac-sha256"
                },
                crate::error::quoted(name)
            )))
        }
    };
    if let Ok(pinned) = secret.cast::<HmacKey>() {
        let pinned = pinned.get();
        if !pinned.schemes.contains(scheme) {
            return Err(PyValueError::new_err(format!(
                "the HmacKey may not sign with {}",
                scheme.name()
            )));
        }
        if wanted.is_some_and(|a| a != pinned.key.algorithm()) {
            return Err(PyValueError::new_err(
                "the HmacKey's digest does not match the scheme's algorithm",
            ));
        }
        return Ok(pinned.key.clone());
    }
    if !(secret.is_instance_of::<PyString>()
        || secret.is_instance_of::<PyBytes>()
        || secret.is_instance_of::<pyo3::types::PyByteArray>())
    {
        return Err(PyTypeError::new_err(format!(
            "secret must be str, bytes, bytearray or HmacKey, not {}",
            super::convert::type_name(secret)
        )));
    }
    let raw = secret_arg(secret, "secret")?;
    if raw.is_empty() {
        return Err(PyValueError::new_err("secret must not be empty"));
    }
    match scheme {
        SchemeName::DrfHmac => {
            let text = std::str::from_utf8(&raw)
                .map_err(|_| PyValueError::new_err("the drf-hmac secret is not hexadecimal"))?;
            signer::drf_key(text).map_err(value_error)
        }
        _ => Ok(Key::new(wanted.unwrap_or(Algorithm::Sha256), &raw)),
    }
}

#[pymethods]
impl Signer {
    #[new]
    #[pyo3(signature = (
        scheme, key_id, secret, *, algorithm=None, headers=None, sign_header=None,
        query_rule=None, hostname=None, act_as=None, allow_unsigned_query=None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        scheme: &str,
        key_id: &Bound<'_, PyAny>,
        secret: &Bound<'_, PyAny>,
        algorithm: Option<&str>,
        headers: Option<&Bound<'_, PyAny>>,
        sign_header: Option<&str>,
        query_rule: Option<&str>,
        hostname: Option<String>,
        act_as: Option<String>,
        allow_unsigned_query: Option<bool>,
    ) -> PyResult<Self> {
        let scheme = SchemeName::from_name(scheme).ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown scheme {}; known: cavage, drf-hmac, fost",
                crate::error::quoted(scheme)
            ))
        })?;
        if scheme == SchemeName::FlaskHmac {
            return Err(no_token_signer());
        }
        let key_id = key_id
            .cast::<PyString>()
            .map_err(|_| PyTypeError::new_err("key_id must be a str"))?
            .to_str()?
            .to_owned();
        let headers = match headers {
            None => None,
            Some(list) if list.is_instance_of::<PyString>() => {
                return Err(PyTypeError::new_err(
                    "headers must be a list of names, not a str",
                ))
            }
            Some(list) => Some(
                list.try_iter()?
                    .map(|item| Ok(text_arg(&item?, "headers")?.into_owned()))
                    .collect::<PyResult<Vec<String>>>()?,
            ),
        };
        let options = OptionArgs {
            headers,
            sign_header,
            query_rule,
            hostname,
            act_as,
            allow_unsigned_query,
        }
        .into_options(scheme)?;
        let key = key_from(scheme, secret, algorithm)?;
        let inner = signer::Signer::new(&key_id, key, options).map_err(value_error)?;
        Ok(Signer { inner })
    }

    /// The scheme this signer signs with.
    #[getter]
    fn scheme(&self) -> &'static str {
        self.inner.scheme().name()
    }

    /// The key id it names.
    #[getter]
    fn key_id(&self) -> &str {
        self.inner.key_id()
    }

    /// The headers to add to the request, in order, as `(name, value)` pairs.
    #[pyo3(signature = (method, path, query, headers, body=None, *, now=None))]
    #[allow(clippy::too_many_arguments)]
    fn sign(
        &self,
        py: Python<'_>,
        method: &Bound<'_, PyAny>,
        path: &Bound<'_, PyAny>,
        query: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        body: Option<&Bound<'_, PyAny>>,
        now: Option<f64>,
    ) -> PyResult<Vec<(String, String)>> {
        Ok(self
            .run(py, method, path, query, headers, body, now)?
            .headers)
    }

    /// The exact bytes ``sign`` MACs for this request: diff them against what
    /// the server logs when a signature does not match.
    #[pyo3(signature = (method, path, query, headers, body=None, *, now=None))]
    #[allow(clippy::too_many_arguments)]
    fn signing_input<'py>(
        &self,
        py: Python<'py>,
        method: &Bound<'py, PyAny>,
        path: &Bound<'py, PyAny>,
        query: &Bound<'py, PyAny>,
        headers: &Bound<'py, PyAny>,
        body: Option<&Bound<'py, PyAny>>,
        now: Option<f64>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let signed = self.run(py, method, path, query, headers, body, now)?;
        Ok(PyBytes::new(py, &signed.signing_input))
    }

    /// A FOST signed URL's new query string (``_k``, ``_e``, ``_s`` after the
    /// query without them), valid until ``expires`` (Unix seconds).
    #[pyo3(signature = (host, path, query, *, expires))]
    fn sign_url(
        &self,
        host: &Bound<'_, PyAny>,
        path: &Bound<'_, PyAny>,
        query: &Bound<'_, PyAny>,
        expires: i64,
    ) -> PyResult<String> {
        self.inner
            .sign_url(
                &text_arg(host, "host")?,
                &text_arg(path, "path")?,
                &text_arg(query, "query")?,
                expires,
            )
            .map_err(value_error)
    }

    fn __repr__(&self) -> String {
        format!(
            "Signer(scheme={:?}, key_id={:?})",
            self.inner.scheme().name(),
            self.inner.key_id()
        )
    }
}

impl Signer {
    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        py: Python<'_>,
        method: &Bound<'_, PyAny>,
        path: &Bound<'_, PyAny>,
        query: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        body: Option<&Bound<'_, PyAny>>,
        now: Option<f64>,
    ) -> PyResult<signer::Signature> {
        let now = now_arg(now)?;
        let args = RequestArgs::convert(method, path, query, headers, body)?;
        let headers = args.headers();
        let req = args.request(&headers);
        maybe_detach(py, req.body.len(), || self.inner.sign(&req, now)).map_err(value_error)
    }
}
