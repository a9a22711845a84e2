//! Bindings for the native signers: one `Signer` per key and scheme, checked
//! at construction, signing a request in one call.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use super::cavage::query_rule_arg;
use super::convert::{
    headers_and_body, maybe_detach, now_arg, request_tuple_args, secret_arg, status_arg, text_arg,
    RequestArgs, RequestTuple,
};
use super::hmac::HmacKey;
use super::pipeline::{identifiers_arg, url_scheme_arg};
use super::views::EnvironView;
use crate::content_digest;
use crate::keys::SchemeName;
use crate::mac::{Algorithm, Key};
use crate::schemes::{cavage, rfc9421};
use crate::signer::{self, Options, PerRequest, SignError, SignHeader};

fn value_error(e: SignError) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// Flask-HMAC's token names no key and signs the path only: `render_hmac`
/// makes it.
fn no_token_signer() -> PyErr {
    PyValueError::new_err("there is no flask-hmac Signer: make its token with render_hmac")
}

/// Webhook deliveries name no key: `httpseal.webhooks.sign` signs them.
fn no_webhook_signer(format: SchemeName) -> PyErr {
    PyValueError::new_err(format!(
        "{} is a webhook format: sign deliveries with httpseal.webhooks.sign",
        format.name()
    ))
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
    components: Option<Vec<String>>,
    label: Option<String>,
    tag: Option<String>,
    expires_in: Option<u64>,
    include_alg: Option<bool>,
    content_digest: Option<&'a str>,
}

impl OptionArgs<'_> {
    fn into_options(self, scheme: SchemeName) -> PyResult<Options> {
        use SchemeName::{Cavage, DrfHmac, Fost, Rfc9421};
        let given: [(&str, bool, &[SchemeName]); 12] = [
            ("headers", self.headers.is_some(), &[Cavage, Fost]),
            ("sign_header", self.sign_header.is_some(), &[Cavage]),
            ("query_rule", self.query_rule.is_some(), &[Cavage]),
            ("hostname", self.hostname.is_some(), &[DrfHmac]),
            ("act_as", self.act_as.is_some(), &[Fost]),
            (
                "allow_unsigned_query",
                self.allow_unsigned_query.is_some(),
                &[Fost],
            ),
            ("components", self.components.is_some(), &[Rfc9421]),
            ("label", self.label.is_some(), &[Rfc9421]),
            ("tag", self.tag.is_some(), &[Rfc9421]),
            ("expires_in", self.expires_in.is_some(), &[Rfc9421]),
            ("include_alg", self.include_alg.is_some(), &[Rfc9421]),
            ("content_digest", self.content_digest.is_some(), &[Rfc9421]),
        ];
        if let Some((name, ..)) = given
            .iter()
            .find(|(_, set, schemes)| *set && !schemes.contains(&scheme))
        {
            return Err(PyValueError::new_err(format!(
                "{name} is not an option of the {} signer",
                scheme.name()
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
            SchemeName::Rfc9421 => Options::Rfc9421 {
                components: self.components,
                label: self
                    .label
                    .unwrap_or_else(|| rfc9421::DEFAULT_LABEL.to_owned()),
                tag: self.tag,
                expires_in: self.expires_in,
                include_alg: self.include_alg.unwrap_or(true),
                content_digest: content_digest_arg(self.content_digest.unwrap_or("sha-256"))?,
            },
            SchemeName::FlaskHmac => return Err(no_token_signer()),
            webhook => return Err(no_webhook_signer(webhook)),
        })
    }
}

fn content_digest_arg(name: &str) -> PyResult<content_digest::Algorithm> {
    content_digest::Algorithm::from_name(name).ok_or_else(|| {
        PyValueError::new_err(format!(
            "content_digest must be 'sha-256' or 'sha-512', not {}",
            crate::error::quoted(name)
        ))
    })
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
        (
            webhook @ (SchemeName::StandardWebhooks
            | SchemeName::Stripe
            | SchemeName::GitHub
            | SchemeName::Slack),
            _,
        ) => return Err(no_webhook_signer(webhook)),
        (SchemeName::Cavage, Some(name)) => Some(
            cavage::algorithm_from_name(name).map_err(|e| PyValueError::new_err(e.to_string()))?,
        ),
        (SchemeName::Cavage, None) => None,
        (SchemeName::DrfHmac | SchemeName::Rfc9421, None | Some("hmac-sha256")) => {
            Some(Algorithm::Sha256)
        }
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
        components=None, label=None, tag=None, expires_in=None, include_alg=None,
        content_digest=None,
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
        components: Option<&Bound<'_, PyAny>>,
        label: Option<String>,
        tag: Option<String>,
        expires_in: Option<u64>,
        include_alg: Option<bool>,
        content_digest: Option<&str>,
    ) -> PyResult<Self> {
        let scheme = SchemeName::from_name(scheme).ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown scheme {}; known: cavage, drf-hmac, fost, rfc9421",
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
            components: components
                .map(|c| identifiers_arg(c, "components"))
                .transpose()?,
            label,
            tag,
            expires_in,
            include_alg,
            content_digest,
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
    /// `url_scheme` and `nonce` are RFC 9421's (`@scheme`/`@target-uri`, and
    /// a nonce to sign).
    #[pyo3(signature = (method, path, query, headers, body=None, *, now=None, url_scheme="http", nonce=None, accept_signature=None, want_content_digest=None))]
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
        url_scheme: &str,
        nonce: Option<&str>,
        accept_signature: Option<&str>,
        want_content_digest: Option<&str>,
    ) -> PyResult<Vec<(String, String)>> {
        let mut extra = self.per_request(url_scheme, nonce)?;
        extra.accept = accept_signature;
        extra.want_content_digest = want_content_digest;
        Ok(self
            .run(py, method, path, query, headers, body, now, &extra)?
            .headers)
    }

    /// The exact bytes ``sign`` MACs for this request: diff them against what
    /// the server logs when a signature does not match.
    #[pyo3(signature = (method, path, query, headers, body=None, *, now=None, url_scheme="http", nonce=None))]
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
        url_scheme: &str,
        nonce: Option<&str>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let extra = self.per_request(url_scheme, nonce)?;
        let signed = self.run(py, method, path, query, headers, body, now, &extra)?;
        Ok(PyBytes::new(py, &signed.signing_input))
    }

    /// Signs a response (RFC 9421): the headers to add — `Content-Digest`
    /// (when covered and absent), `Signature-Input`, `Signature`. By default
    /// it covers `@status`, and `content-digest` for a response with content;
    /// `components` may name request components marked `;req` (e.g.
    /// `"@method";req`, `"signature";req;key="sig1"`), read from `request`,
    /// `(method, path, query, headers)`, or from a WSGI `environ` (Django's
    /// `request.META`) read as `Verifier.verify_environ` reads it.
    #[pyo3(signature = (status, headers, body=None, *, request=None, environ=None, host=None, components=None, now=None, url_scheme="http", nonce=None))]
    #[allow(clippy::too_many_arguments)]
    fn sign_response(
        &self,
        py: Python<'_>,
        status: u16,
        headers: &Bound<'_, PyAny>,
        body: Option<&Bound<'_, PyAny>>,
        request: Option<RequestTuple<'_>>,
        environ: Option<&Bound<'_, PyAny>>,
        host: Option<&str>,
        components: Option<&Bound<'_, PyAny>>,
        now: Option<f64>,
        url_scheme: &str,
        nonce: Option<&str>,
    ) -> PyResult<Vec<(String, String)>> {
        if request.is_some() && environ.is_some() {
            return Err(PyTypeError::new_err("give request or environ, not both"));
        }
        let status = status_arg(status)?;
        let now = now_arg(now)?;
        let extra = self.per_request(url_scheme, nonce)?;
        let components = components
            .map(|c| identifiers_arg(c, "components"))
            .transpose()?;
        let response = headers_and_body(headers, body)?;
        let response_headers = response.headers();
        let request_args = request_tuple_args(request.as_ref())?;
        let request_headers = request_args.as_ref().map(RequestArgs::headers);
        let view = environ
            .map(|e| EnvironView::from_arg(e, host, None, Some(url_scheme)))
            .transpose()?;
        let view_headers = view.as_ref().map(EnvironView::headers).transpose()?;
        let answered = match (&request_args, &request_headers, &view, &view_headers) {
            (Some(args), Some(headers), _, _) => Some(args.request(headers)),
            (_, _, Some(view), Some(headers)) => Some(view.request(headers, b"")),
            _ => None,
        };
        let to_sign = signer::ResponseToSign {
            status,
            headers: &response_headers,
            body: response.request(&response_headers).body,
            request: answered.as_ref(),
        };
        let signed = maybe_detach(py, to_sign.body.len(), || {
            self.inner
                .sign_response(&to_sign, components.as_deref(), now, &extra)
        })
        .map_err(value_error)?;
        Ok(signed.headers)
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
    /// The per-request RFC 9421 arguments, checked; another scheme's signer
    /// takes no nonce.
    fn per_request<'a>(
        &self,
        url_scheme: &str,
        nonce: Option<&'a str>,
    ) -> PyResult<PerRequest<'a>> {
        let url_scheme = url_scheme_arg(url_scheme)?;
        if nonce.is_some() && self.inner.scheme() != SchemeName::Rfc9421 {
            return Err(PyValueError::new_err(format!(
                "nonce is not an option of the {} signer",
                self.inner.scheme().name()
            )));
        }
        Ok(PerRequest {
            url_scheme,
            nonce,
            ..PerRequest::default()
        })
    }

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
        extra: &PerRequest<'_>,
    ) -> PyResult<signer::Signature> {
        let now = now_arg(now)?;
        let args = RequestArgs::convert(method, path, query, headers, body)?;
        let headers = args.headers();
        let req = args.request(&headers);
        maybe_detach(py, req.body.len(), || {
            self.inner.sign_with(&req, now, extra)
        })
        .map_err(value_error)
    }
}
