//! `Verifier`: every configured scheme through the one pipeline, in one call
//! per request (the key loader is called once, in the middle).

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use super::cavage::{base_policy, policies_from};
use super::convert::{
    algorithm_arg, body_arg, bytes_arg, encoding_arg, headers_and_body, maybe_detach, now_arg,
    request_tuple_args, scheme_names, secret_arg, status_arg, type_name, window_arg, RequestArgs,
    RequestTuple,
};
use super::errors::SignatureError;
use super::loader::{entries_from, require_loader, KeyIds};
use super::replay::{Capture, Store};
use super::verified::Verified;
use super::views::{EnvironView, Peer, ScopeView};
use crate::keys::SchemeName;
use crate::mac::KeyCache;
use crate::pipeline::{self, Context, Found, Policy};
use crate::replay::NoReplayGuard;
use crate::request::Request;
use crate::schemes::{drf, fost, rfc9421, token};

/// Distinct secrets whose key schedules a verifier keeps.
const KEY_CACHE_SIZE: usize = 1024;

/// Verifies requests signed with any of the configured schemes.
#[pyclass(module = "httpseal", frozen)]
pub struct Verifier {
    key_loader: Py<PyAny>,
    policy: Policy,
    /// What a response signature must satisfy (`verify_response`).
    response_policy: rfc9421::Policy,
    keys: KeyCache,
    key_ids: KeyIds,
    replay: Option<Store>,
}

/// `drf_data`: bytes, or a callable returning them, called only when the
/// request carries drf-hmac credentials.
fn drf_data_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
    match obj {
        Some(obj)
            if !(obj.is_none()
                || obj.is_callable()
                || obj.is_instance_of::<PyBytes>()
                || obj.is_instance_of::<PyString>()) =>
        {
            Err(PyTypeError::new_err(format!(
                "drf_data must be bytes, a callable returning bytes, or None, not {}",
                type_name(obj)
            )))
        }
        _ => Ok(()),
    }
}

#[pymethods]
impl Verifier {
    #[new]
    #[pyo3(signature = (
        *, schemes, key_loader, max_skew=Some(300.0),
        cavage_required_headers=None, cavage_algorithms=None, cavage_legacy_digests=false,
        cavage_query_rule="draft", drf_hostname="host", fost_allow_unsigned_query=false,
        fost_url_require_expiry=true, fost_url_max_lifetime=None, fost_url_single_use=false,
        flask_hmac_header="HMAC", flask_hmac_encoding="base64url", flask_hmac_digest="sha256",
        rfc9421_required=None, rfc9421_content_digest=true, rfc9421_tag=None, rfc9421_label=None,
        rfc9421_require_created=true, rfc9421_require_nonce=false, rfc9421_response_required=None,
        rfc9421_issue_nonces=false, rfc9421_nonce_secret=None,
        replay_store=None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        schemes: &Bound<'_, PyAny>,
        key_loader: &Bound<'_, PyAny>,
        max_skew: Option<f64>,
        cavage_required_headers: Option<&Bound<'_, PyAny>>,
        cavage_algorithms: Option<Vec<String>>,
        cavage_legacy_digests: bool,
        cavage_query_rule: &str,
        drf_hostname: &str,
        fost_allow_unsigned_query: bool,
        fost_url_require_expiry: bool,
        fost_url_max_lifetime: Option<f64>,
        fost_url_single_use: bool,
        flask_hmac_header: &str,
        flask_hmac_encoding: &str,
        flask_hmac_digest: &str,
        rfc9421_required: Option<&Bound<'_, PyAny>>,
        rfc9421_content_digest: bool,
        rfc9421_tag: Option<String>,
        rfc9421_label: Option<String>,
        rfc9421_require_created: bool,
        rfc9421_require_nonce: bool,
        rfc9421_response_required: Option<&Bound<'_, PyAny>>,
        rfc9421_issue_nonces: bool,
        rfc9421_nonce_secret: Option<&Bound<'_, PyAny>>,
        replay_store: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        if schemes.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(
                "schemes must be a list of scheme names, not a str",
            ));
        }
        let names: Vec<String> = schemes.extract().map_err(|_| {
            PyTypeError::new_err(format!(
                "schemes must be a list of scheme names, not {}",
                type_name(schemes)
            ))
        })?;
        let schemes = scheme_names(&names, "schemes")?;
        if schemes.is_empty() {
            return Err(PyValueError::new_err(
                "schemes must name at least one scheme",
            ));
        }
        require_loader(key_loader, "key_loader")?;
        let max_skew_s = window_arg(max_skew, "max_skew")?;
        let mut policy = Policy::defaults(schemes, max_skew_s);
        let base = base_policy(
            cavage_algorithms,
            max_skew,
            cavage_legacy_digests,
            cavage_query_rule,
        )?;
        policy.cavage = policies_from(cavage_required_headers, base)?;
        policy.drf.hostname = match drf_hostname {
            "host" => drf::Hostname::Host,
            "remote_addr" => drf::Hostname::RemoteAddr,
            other => {
                return Err(PyValueError::new_err(format!(
                    "drf_hostname must be 'host' or 'remote_addr', not {}",
                    crate::error::quoted(other)
                )))
            }
        };
        policy.fost = fost::RequestPolicy {
            max_skew: max_skew_s,
            allow_unsigned_query: fost_allow_unsigned_query,
        };
        policy.fost_url = fost::UrlPolicy {
            require_expiry: fost_url_require_expiry,
            max_lifetime: window_arg(fost_url_max_lifetime, "fost_url_max_lifetime")?,
            single_use: fost_url_single_use,
        };
        policy.token = token_policy(flask_hmac_header, flask_hmac_encoding, flask_hmac_digest)?;
        policy.rfc9421 = rfc9421::Policy {
            max_skew: max_skew_s,
            required: match rfc9421_required {
                Some(names) => identifiers_arg(names, "rfc9421_required")?,
                None => policy.rfc9421.required,
            },
            content_digest: rfc9421_content_digest,
            tag: rfc9421_tag,
            label: rfc9421_label,
            require_created: rfc9421_require_created,
            require_nonce: rfc9421_require_nonce,
            issuer: None,
        };
        if let Some(secret) = rfc9421_nonce_secret.filter(|s| !s.is_none()) {
            if !rfc9421_issue_nonces {
                return Err(PyValueError::new_err(
                    "rfc9421_nonce_secret goes with rfc9421_issue_nonces=True",
                ));
            }
            let secret = secret_arg(secret, "rfc9421_nonce_secret")?;
            if secret.len() < 16 {
                return Err(PyValueError::new_err(
                    "rfc9421_nonce_secret must hold at least 16 bytes",
                ));
            }
            policy.rfc9421.issuer = Some(rfc9421::NonceIssuer::new(&secret));
        } else if rfc9421_issue_nonces {
            // One process's own key: its nonces are recognised by it alone.
            policy.rfc9421.issuer = Some(rfc9421::NonceIssuer::new(&random_16(py)?));
        }
        let response_policy = rfc9421::Policy {
            required: match rfc9421_response_required {
                Some(names) => identifiers_arg(names, "rfc9421_response_required")?,
                None => rfc9421::DEFAULT_RESPONSE_REQUIRED
                    .iter()
                    .map(|name| format!("\"{name}\""))
                    .collect(),
            },
            // A response answers one request: no nonce of the server's.
            issuer: None,
            require_nonce: false,
            ..policy.rfc9421.clone()
        };
        let replay = Store::from_arg(replay_store)?;
        if rfc9421_issue_nonces && replay.is_none() {
            return Err(PyValueError::new_err(
                "rfc9421_issue_nonces needs a replay_store to spend each nonce once",
            ));
        }
        if fost_url_single_use && replay.is_none() {
            return Err(PyValueError::new_err(
                "fost_url_single_use needs a replay_store to remember spent links",
            ));
        }
        if replay.is_some() && max_skew_s.is_none() {
            return Err(PyValueError::new_err(
                "a replay store needs max_skew: without a freshness window a captured request \
                 stays valid for ever, and no store can remember it for ever",
            ));
        }
        Ok(Verifier {
            key_loader: key_loader.clone().unbind(),
            policy,
            response_policy,
            keys: KeyCache::new(KEY_CACHE_SIZE),
            key_ids: KeyIds::new(),
            replay,
        })
    }

    /// The configured scheme names, in order of preference.
    #[getter]
    fn schemes(&self) -> Vec<&'static str> {
        self.policy.schemes.iter().map(|s| s.name()).collect()
    }

    /// Verifies one request: `None` when it carries none of the schemes'
    /// credentials, `Verified` when they verify; a `SignatureError` subclass
    /// when they are wrong. A callable `body` is called only once credentials
    /// are found.
    ///
    /// An adapter whose key loader is async passes `secrets`: what the
    /// loader returned for the key id `credentials` found (`[]` for an
    /// unknown key); the loader is then not called. `record=False` consults
    /// no replay store: the result's `replay_entry` says what to record.
    #[pyo3(signature = (method, path, query, headers, body=None, *, remote_addr="", drf_data=None, now=None, url_scheme="http", secrets=None, record=true))]
    #[allow(clippy::too_many_arguments)]
    fn verify(
        &self,
        py: Python<'_>,
        method: &Bound<'_, PyAny>,
        path: &Bound<'_, PyAny>,
        query: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        body: Option<&Bound<'_, PyAny>>,
        remote_addr: &str,
        drf_data: Option<&Bound<'_, PyAny>>,
        now: Option<f64>,
        url_scheme: &str,
        secrets: Option<&Bound<'_, PyAny>>,
        record: bool,
    ) -> PyResult<Option<Verified>> {
        drf_data_arg(drf_data)?;
        let now = now_arg(now)?;
        let url_scheme = url_scheme_arg(url_scheme)?;
        let (body, deferred) = split_body(body);
        let args = RequestArgs::convert(method, path, query, headers, body)?;
        let headers = args.headers();
        let req = args.request(&headers);
        let peer = Peer {
            remote_addr,
            url_scheme,
        };
        let keys = Keys::from_arg(secrets);
        self.run(py, &req, deferred, peer, drf_data, now, keys, record)
    }

    /// Steps 1 and 2 alone: the scheme and key id the request names, `None`
    /// when it carries none of the schemes' credentials, a `SignatureError`
    /// subclass when they are malformed. Nothing is looked up or checked: an
    /// adapter whose key loader is async awaits it with this key id, then
    /// calls `verify(..., secrets=...)`.
    #[pyo3(signature = (method, path, query, headers))]
    fn credentials(
        &self,
        py: Python<'_>,
        method: &Bound<'_, PyAny>,
        path: &Bound<'_, PyAny>,
        query: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
    ) -> PyResult<Option<(&'static str, String)>> {
        let args = RequestArgs::convert(method, path, query, headers, None)?;
        let headers = args.headers();
        self.named(py, &args.request(&headers))
    }

    /// Verifies the request a WSGI environ (or Django's `request.META`)
    /// describes: the method, the path as sent (`RAW_URI`/`REQUEST_URI`, else
    /// `SCRIPT_NAME` + `PATH_INFO` re-quoted), `QUERY_STRING`, the `HTTP_*`,
    /// `CONTENT_TYPE` and `CONTENT_LENGTH` headers, `REMOTE_ADDR`, and the bare
    /// `Key`/`Signature`/`Timestamp` names some test clients set. `host`
    /// replaces the `Host` header (Django's validated `get_host()`); `path`
    /// replaces the path as sent (django-rest-framework-hmac signs `PATH_INFO`).
    /// `secrets` and `record` are `verify`'s.
    #[pyo3(signature = (environ, body=None, *, host=None, path=None, drf_data=None, now=None, url_scheme=None, secrets=None, record=true))]
    #[allow(clippy::too_many_arguments)]
    fn verify_environ(
        &self,
        py: Python<'_>,
        environ: &Bound<'_, PyAny>,
        body: Option<&Bound<'_, PyAny>>,
        host: Option<&str>,
        path: Option<&str>,
        drf_data: Option<&Bound<'_, PyAny>>,
        now: Option<f64>,
        url_scheme: Option<&str>,
        secrets: Option<&Bound<'_, PyAny>>,
        record: bool,
    ) -> PyResult<Option<Verified>> {
        drf_data_arg(drf_data)?;
        let now = now_arg(now)?;
        let view = EnvironView::from_arg(environ, host, path, url_scheme)?;
        let (body, deferred) = split_body(body);
        let body = body_arg(body)?;
        let headers = view.headers()?;
        let req = view.request(&headers, &body);
        let keys = Keys::from_arg(secrets);
        self.run(py, &req, deferred, view.peer(), drf_data, now, keys, record)
    }

    /// `credentials` for the request a WSGI environ describes (read as
    /// `verify_environ` reads it).
    #[pyo3(signature = (environ, *, host=None, path=None, url_scheme=None))]
    fn credentials_environ(
        &self,
        py: Python<'_>,
        environ: &Bound<'_, PyAny>,
        host: Option<&str>,
        path: Option<&str>,
        url_scheme: Option<&str>,
    ) -> PyResult<Option<(&'static str, String)>> {
        let view = EnvironView::from_arg(environ, host, path, url_scheme)?;
        let headers = view.headers()?;
        self.named(py, &view.request(&headers, &[]))
    }

    /// Verifies the request an ASGI `http` (or `websocket`) scope describes:
    /// its method, the path as sent (`raw_path`, else `root_path` + `path`
    /// re-quoted), `query_string`, every header line (latin-1, as ASGI
    /// sends them), `client` and `scheme`. `body` is the buffered body;
    /// `drf_data`, `now`, `secrets` and `record` are `verify`'s.
    #[pyo3(signature = (scope, body=None, *, drf_data=None, now=None, secrets=None, record=true))]
    #[allow(clippy::too_many_arguments)]
    fn verify_asgi(
        &self,
        py: Python<'_>,
        scope: &Bound<'_, PyAny>,
        body: Option<&Bound<'_, PyAny>>,
        drf_data: Option<&Bound<'_, PyAny>>,
        now: Option<f64>,
        secrets: Option<&Bound<'_, PyAny>>,
        record: bool,
    ) -> PyResult<Option<Verified>> {
        drf_data_arg(drf_data)?;
        let now = now_arg(now)?;
        let view = ScopeView::from_arg(scope)?;
        let (body, deferred) = split_body(body);
        let body = body_arg(body)?;
        let headers = view.headers();
        let req = view.request(&headers, &body);
        let keys = Keys::from_arg(secrets);
        self.run(py, &req, deferred, view.peer(), drf_data, now, keys, record)
    }

    /// `credentials` for the request an ASGI scope describes (read as
    /// `verify_asgi` reads it).
    fn credentials_asgi(
        &self,
        py: Python<'_>,
        scope: &Bound<'_, PyAny>,
    ) -> PyResult<Option<(&'static str, String)>> {
        let view = ScopeView::from_arg(scope)?;
        let headers = view.headers();
        self.named(py, &view.request(&headers, &[]))
    }

    /// The bytes the request's MAC covers, as this verifier builds them
    /// (the signing string, document or signature base, then the body where
    /// the scheme signs it): `None` when it carries none of the schemes'
    /// credentials. Nothing is looked up or checked, so a person can diff it
    /// against what the client signed; it holds no secret and no MAC.
    #[pyo3(signature = (method, path, query, headers, body=None, *, remote_addr="", drf_data=None, url_scheme="http"))]
    #[allow(clippy::too_many_arguments)]
    fn signing_input<'py>(
        &self,
        py: Python<'py>,
        method: &Bound<'_, PyAny>,
        path: &Bound<'_, PyAny>,
        query: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        body: Option<&Bound<'_, PyAny>>,
        remote_addr: &str,
        drf_data: Option<&Bound<'_, PyAny>>,
        url_scheme: &str,
    ) -> PyResult<Option<Bound<'py, PyBytes>>> {
        drf_data_arg(drf_data)?;
        let url_scheme = url_scheme_arg(url_scheme)?;
        let (body, deferred) = split_body(body);
        let args = RequestArgs::convert(method, path, query, headers, body)?;
        let headers = args.headers();
        let req = args.request(&headers);
        let peer = Peer {
            remote_addr,
            url_scheme,
        };
        self.explain(py, &req, deferred, peer, drf_data)
    }

    /// `signing_input` for a WSGI environ (or `request.META`), read as
    /// `verify_environ` reads it.
    #[pyo3(signature = (environ, body=None, *, host=None, path=None, drf_data=None, url_scheme=None))]
    #[allow(clippy::too_many_arguments)]
    fn signing_input_environ<'py>(
        &self,
        py: Python<'py>,
        environ: &Bound<'_, PyAny>,
        body: Option<&Bound<'_, PyAny>>,
        host: Option<&str>,
        path: Option<&str>,
        drf_data: Option<&Bound<'_, PyAny>>,
        url_scheme: Option<&str>,
    ) -> PyResult<Option<Bound<'py, PyBytes>>> {
        drf_data_arg(drf_data)?;
        let view = EnvironView::from_arg(environ, host, path, url_scheme)?;
        let (body, deferred) = split_body(body);
        let body = body_arg(body)?;
        let headers = view.headers()?;
        let req = view.request(&headers, &body);
        self.explain(py, &req, deferred, view.peer(), drf_data)
    }

    /// Verifies an RFC 9421 signature of a response (a client checking its
    /// server): it must cover `rfc9421_response_required` (`@status` by
    /// default) and, with content, `content-digest`. `request` — `(method,
    /// path, query, headers)` — is the request it answers, for the
    /// components marked `;req`.
    #[pyo3(signature = (status, headers, body=None, *, request=None, now=None, url_scheme="http"))]
    #[allow(clippy::too_many_arguments)]
    fn verify_response(
        &self,
        py: Python<'_>,
        status: u16,
        headers: &Bound<'_, PyAny>,
        body: Option<&Bound<'_, PyAny>>,
        request: Option<RequestTuple<'_>>,
        now: Option<f64>,
        url_scheme: &str,
    ) -> PyResult<Verified> {
        if !self.policy.schemes.contains(&SchemeName::Rfc9421) {
            return Err(PyValueError::new_err(
                "verify_response needs \"rfc9421\" among the schemes",
            ));
        }
        let status = status_arg(status)?;
        let now = now_arg(now)?;
        let url_scheme = url_scheme_arg(url_scheme)?;
        let response = headers_and_body(headers, body)?;
        let response_headers = response.headers();
        let content = response.request(&response_headers);
        let request_args = request_tuple_args(request.as_ref())?;
        let request_headers = request_args.as_ref().map(RequestArgs::headers);
        let absent = Request {
            method: "",
            path: "",
            query: "",
            headers: &[],
            body: b"",
        };
        let answered = match (&request_args, &request_headers) {
            (Some(args), Some(headers)) => args.request(headers),
            _ => absent,
        };
        let scheme = SchemeName::Rfc9421;
        let verify = || -> PyResult<Verified> {
            let signatures = rfc9421::find(&content)?
                .ok_or_else(|| crate::error::Error::MissingHeader("signature-input".to_owned()))?;
            let message = rfc9421::Message {
                request: &answered,
                url_scheme,
                response: Some(rfc9421::Response {
                    status,
                    headers: &response_headers,
                }),
            };
            let prepared =
                rfc9421::prepare_message(signatures, &message, &content, &self.response_policy)?;
            let loaded = self
                .key_ids
                .call_loader(self.key_loader.bind(py), &prepared.key_id)?;
            let entries = entries_from(loaded.as_ref(), "key_loader")?;
            let verified = maybe_detach(py, content.body.len(), || {
                pipeline::check(
                    prepared,
                    &content,
                    &entries,
                    &self.keys,
                    now,
                    &NoReplayGuard,
                )
            })?;
            Ok(verified.into())
        };
        verify().map_err(|err| refusal(py, err, scheme, None))
    }

    /// The `Accept-Signature` value for a 401 (RFC 9421 §5): what an RFC
    /// 9421 signature must cover and carry here; `None` without `"rfc9421"`.
    /// `content`: the refused request had content (`content-digest` is then
    /// asked for); `key_id`: the key the refused request named. With
    /// `rfc9421_issue_nonces`, it carries a fresh nonce issued at `now`.
    #[pyo3(signature = (*, content=false, key_id=None, now=None))]
    fn accept_signature(
        &self,
        py: Python<'_>,
        content: bool,
        key_id: Option<&str>,
        now: Option<f64>,
    ) -> PyResult<Option<String>> {
        if !self.policy.schemes.contains(&SchemeName::Rfc9421) {
            return Ok(None);
        }
        let nonce = match &self.policy.rfc9421.issuer {
            Some(issuer) => Some(issuer.issue(now_arg(now)?, &random_16(py)?)),
            None => None,
        };
        Ok(Some(rfc9421::accept_signature(
            &self.policy.rfc9421,
            content,
            key_id,
            nonce.as_deref(),
        )?))
    }

    fn __repr__(&self) -> String {
        format!("Verifier(schemes={:?})", self.schemes())
    }
}

impl Verifier {
    /// The pipeline for one request; a refusal carries the scheme and key id
    /// it concerns (`exc.scheme`, `exc.key_id`) for the adapters' logs.
    #[allow(clippy::too_many_arguments)]
    fn run(
        &self,
        py: Python<'_>,
        req: &Request<'_>,
        deferred_body: Option<&Bound<'_, PyAny>>,
        peer: Peer<'_>,
        drf_data: Option<&Bound<'_, PyAny>>,
        now: i64,
        keys: Keys<'_, '_>,
        record: bool,
    ) -> PyResult<Option<Verified>> {
        self.with_found(py, req, deferred_body, drf_data, |found, req| {
            self.judge(py, found, req, peer, drf_data, now, keys, record)
        })
    }

    /// The scheme and key id of the request's credentials (steps 1 and 2).
    fn named(&self, py: Python<'_>, req: &Request<'_>) -> PyResult<Option<(&'static str, String)>> {
        let found = self.find_first(py, req)?;
        Ok(found.map(|f| (f.scheme().name(), f.key_id().into_owned())))
    }

    /// Steps 1–3 only: the bytes the MAC covers, for a person debugging a
    /// mismatch. Nothing is looked up, checked or recorded.
    fn explain<'py>(
        &self,
        py: Python<'py>,
        req: &Request<'_>,
        deferred_body: Option<&Bound<'_, PyAny>>,
        peer: Peer<'_>,
        drf_data: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyBytes>>> {
        self.with_found(py, req, deferred_body, drf_data, |found, req| {
            let data_obj = drf_data_for(&found, drf_data)?;
            let data = data_obj
                .as_ref()
                .map(|o| bytes_arg(o, "drf_data"))
                .transpose()?;
            let context = Context {
                remote_addr: peer.remote_addr,
                drf_data: data.as_deref(),
                url_scheme: peer.url_scheme,
            };
            let prepared = pipeline::prepare(found, req, &self.policy, &context)?;
            let mut input = prepared.head;
            input.extend_from_slice(prepared.tail);
            Ok(PyBytes::new(py, &input))
        })
    }

    /// Step 1: the credentials of the first scheme, in order of preference,
    /// that the request carries; `None`: not ours.
    fn find_first<'r>(&self, py: Python<'_>, req: &Request<'r>) -> PyResult<Option<Found<'r>>> {
        for &scheme in &self.policy.schemes {
            match pipeline::find_one(scheme, req, &self.policy) {
                Ok(None) => continue,
                Ok(Some(found)) => return Ok(Some(found)),
                Err(err) => return Err(refusal(py, err.into(), scheme, None)),
            }
        }
        Ok(None)
    }

    /// Finds the request's credentials (`None`: not ours), reads a deferred
    /// body once they are found, and hands both to `then`; a refusal from
    /// either carries the scheme and key id.
    fn with_found<R>(
        &self,
        py: Python<'_>,
        req: &Request<'_>,
        deferred_body: Option<&Bound<'_, PyAny>>,
        drf_data: Option<&Bound<'_, PyAny>>,
        then: impl FnOnce(Found<'_>, &Request<'_>) -> PyResult<R>,
    ) -> PyResult<Option<R>> {
        let Some(found) = self.find_first(py, req)? else {
            return Ok(None);
        };
        let scheme = found.scheme();
        let key_id = found.key_id();
        // A body given as a callable is read only now that credentials are
        // found, so an unsigned request's body is never touched; nor is it
        // read for drf-hmac when the adapter hands over what it signs.
        let signs_given_data =
            matches!(found, Found::Drf(_)) && drf_data.is_some_and(|d| !d.is_none());
        let deferred_body = deferred_body.filter(|_| !signs_given_data);
        let body_obj = deferred_body.map(|f| f.call0()).transpose();
        let body_obj = body_obj.map_err(|err| refusal(py, err, scheme, Some(&key_id)))?;
        let body = match &body_obj {
            Some(obj) => Some(
                bytes_arg(obj, "body").map_err(|err| refusal(py, err, scheme, Some(&key_id)))?,
            ),
            None => None,
        };
        let with_body;
        let req = match &body {
            Some(bytes) => {
                with_body = Request {
                    body: bytes,
                    ..*req
                };
                &with_body
            }
            None => req,
        };
        then(found, req)
            .map(Some)
            .map_err(|err| refusal(py, err, scheme, Some(&key_id)))
    }

    #[allow(clippy::too_many_arguments)]
    fn judge(
        &self,
        py: Python<'_>,
        found: Found<'_>,
        req: &Request<'_>,
        peer: Peer<'_>,
        drf_data: Option<&Bound<'_, PyAny>>,
        now: i64,
        keys: Keys<'_, '_>,
        record: bool,
    ) -> PyResult<Verified> {
        // django-rest-framework-hmac's JSON rule is Python's; ask for it
        // only when the request is drf-hmac's.
        let data_obj = drf_data_for(&found, drf_data)?;
        let data = match &data_obj {
            Some(obj) => Some(bytes_arg(obj, "drf_data")?),
            None => None,
        };
        let context = Context {
            remote_addr: peer.remote_addr,
            drf_data: data.as_deref(),
            url_scheme: peer.url_scheme,
        };
        let prepared = pipeline::prepare(found, req, &self.policy, &context)?;
        let loaded = match keys {
            Keys::Loader => self
                .key_ids
                .call_loader(self.key_loader.bind(py), &prepared.key_id)?,
            Keys::Given(given) => Some(given.clone()),
        };
        let entries = entries_from(loaded.as_ref(), "key_loader")?;
        let size = req.body.len();
        if !record {
            let capture = Capture::default();
            let verified = maybe_detach(py, size, || {
                pipeline::check(prepared, req, &entries, &self.keys, now, &capture)
            })?;
            let mut verified = Verified::from(verified);
            verified.replay_entry = capture
                .take()
                .map(|(digest, ttl)| (super::replay::store_key(&digest), ttl));
            return Ok(verified);
        }
        let Some(store) = &self.replay else {
            let verified = maybe_detach(py, size, || {
                pipeline::check(prepared, req, &entries, &self.keys, now, &NoReplayGuard)
            })?;
            return Ok(verified.into());
        };
        // Step 8 after the rest, with the GIL held: a store may be Python.
        let capture = Capture::default();
        let verified = maybe_detach(py, size, || {
            pipeline::check(prepared, req, &entries, &self.keys, now, &capture)
        })?;
        if let Some((digest, ttl)) = capture.take() {
            store.check(py, &digest, ttl, now)?;
        }
        Ok(verified.into())
    }
}

/// Where the secrets for a request's key id come from.
#[derive(Clone, Copy)]
enum Keys<'a, 'py> {
    /// The verifier's key loader, called in the pipeline.
    Loader,
    /// What an async loader, awaited by the adapter, returned.
    Given(&'a Bound<'py, PyAny>),
}

impl<'a, 'py> Keys<'a, 'py> {
    /// `secrets=` of `verify`: given, or `None` for the loader.
    fn from_arg(secrets: Option<&'a Bound<'py, PyAny>>) -> Self {
        secrets.map_or(Keys::Loader, Keys::Given)
    }
}

/// 16 bytes from the operating system's CSPRNG (`os.urandom`).
fn random_16(py: Python<'_>) -> PyResult<[u8; 16]> {
    let bytes = py.import("os")?.call_method1("urandom", (16,))?;
    let bytes = bytes.cast::<PyBytes>()?.as_bytes();
    let mut out = [0u8; 16];
    out.copy_from_slice(bytes.get(..16).unwrap_or(&[0; 16]));
    Ok(out)
}

/// `url_scheme`: `http` or `https` (any case), as WSGI's `wsgi.url_scheme`.
pub(crate) fn url_scheme_arg(url_scheme: &str) -> PyResult<&'static str> {
    ["http", "https"]
        .into_iter()
        .find(|known| known.eq_ignore_ascii_case(url_scheme))
        .ok_or_else(|| {
            PyValueError::new_err(format!(
                "url_scheme must be 'http' or 'https', not {}",
                crate::error::quoted(url_scheme)
            ))
        })
}

/// RFC 9421 component identifiers (`@method`, `content-type`,
/// `"@query-param";name="id"`), checked and serialised.
pub fn identifiers_arg(names: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    if names.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a list of component identifiers, not a str"
        )));
    }
    let names: Vec<String> = names.extract().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be a list of component identifiers, not {}",
            type_name(names)
        ))
    })?;
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for name in &names {
        let id =
            rfc9421::identifier(name).map_err(|e| PyValueError::new_err(format!("{what}: {e}")))?;
        if out.contains(&id) {
            return Err(PyValueError::new_err(format!(
                "{what}: {name:?} is listed twice"
            )));
        }
        out.push(id);
    }
    Ok(out)
}

/// What drf-hmac signs after its timestamp line, when the adapter gives it
/// (called only for a drf-hmac request).
fn drf_data_for<'py>(
    found: &Found<'_>,
    drf_data: Option<&Bound<'py, PyAny>>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(match (found, drf_data) {
        (Found::Drf(_), Some(obj)) if obj.is_callable() => Some(obj.call0()?),
        (Found::Drf(_), Some(obj)) if !obj.is_none() => Some(obj.clone()),
        _ => None,
    })
}

/// Flask-HMAC's options: a header name (an RFC 9110 token), an encoding, a digest.
fn token_policy(header: &str, encoding: &str, digest: &str) -> PyResult<token::Policy> {
    let is_tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if header.is_empty() || !header.bytes().all(is_tchar) {
        return Err(PyValueError::new_err(format!(
            "flask_hmac_header must be a header name, not {}",
            crate::error::quoted(header)
        )));
    }
    Ok(token::Policy {
        header: header.to_owned(),
        encoding: encoding_arg(encoding)?,
        algorithm: algorithm_arg(digest)?,
    })
}

/// `body` split into what converts now and a callable to call once the
/// request is known to carry credentials.
fn split_body<'a, 'py>(
    body: Option<&'a Bound<'py, PyAny>>,
) -> (Option<&'a Bound<'py, PyAny>>, Option<&'a Bound<'py, PyAny>>) {
    match body {
        Some(obj) if obj.is_callable() => (None, Some(obj)),
        other => (other, None),
    }
}

/// `err` with `scheme` and `key_id` set when it is a `SignatureError`
/// (programming errors such as a loader's `TypeError` pass unchanged).
fn refusal(py: Python<'_>, err: PyErr, scheme: SchemeName, key_id: Option<&str>) -> PyErr {
    if err.is_instance_of::<SignatureError>(py) {
        let value = err.value(py);
        // Setting attributes on a fresh exception instance cannot fail in
        // practice; if it did, the refusal itself still stands.
        let _ = value.setattr(intern!(py, "scheme"), scheme.name());
        let _ = value.setattr(intern!(py, "key_id"), key_id);
    }
    err
}
