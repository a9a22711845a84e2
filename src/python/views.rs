//! The requests servers hand to an adapter, read as the pipeline needs
//! them: a WSGI environ (or Django's `request.META`) and an ASGI scope. Text
//! is borrowed from the Python objects where it can be.

use std::borrow::Cow;

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};

use super::convert::type_name;
use super::pipeline::url_scheme_arg;
use crate::request::{Header, Request};

/// What the adapter knows of the connection: the peer's address (drf-hmac
/// signs it by default) and the URL scheme (RFC 9421's `@scheme`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peer<'a> {
    pub remote_addr: &'a str,
    pub url_scheme: &'a str,
}

/// Text read from a WSGI environ: the `str` itself when it is UTF-8 (its
/// text borrowed where it is used), else a copy made readable.
enum EnvText<'py> {
    Str(Bound<'py, PyString>),
    Copy(String),
}

impl EnvText<'_> {
    fn as_str(&self) -> &str {
        match self {
            EnvText::Str(s) => s.to_str().unwrap_or_default(),
            EnvText::Copy(s) => s,
        }
    }
}

/// What a WSGI view holds beside its headers: the request line and
/// the connection. The path is `path_span` of `path` (a request URI's path).
struct Target<'py> {
    method: EnvText<'py>,
    path: EnvText<'py>,
    path_span: std::ops::Range<usize>,
    query: EnvText<'py>,
    remote_addr: EnvText<'py>,
    url_scheme: &'static str,
}

impl Target<'_> {
    fn peer(&self) -> Peer<'_> {
        Peer {
            remote_addr: self.remote_addr.as_str(),
            url_scheme: self.url_scheme,
        }
    }

    fn request<'a>(&'a self, headers: &'a [Header<'a>], body: &'a [u8]) -> Request<'a> {
        Request {
            method: self.method.as_str(),
            path: self
                .path
                .as_str()
                .get(self.path_span.clone())
                .unwrap_or_default(),
            query: self.query.as_str(),
            headers,
            body,
        }
    }

    fn set_path(&mut self, path: String) {
        self.path_span = 0..path.len();
        self.path = EnvText::Copy(path);
    }
}

/// The request fields of a WSGI environ, text borrowed where it can be.
pub(crate) struct EnvironView<'py> {
    target: Target<'py>,
    header_objects: Vec<(Cow<'static, str>, Bound<'py, PyAny>)>,
    host: Option<String>,
}

/// Characters a path keeps unescaped when it has to be re-quoted (as
/// `urllib.parse.quote(path, safe="/:@!$&'()*+,;=~")`).
pub(crate) fn requote(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for &b in raw {
        if b.is_ascii_alphanumeric() || b"/:@!$&'()*+,;=~-._".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A WSGI "native string" as the bytes it stands for (latin-1).
fn wsgi_bytes(text: &str) -> Cow<'_, [u8]> {
    if text.is_ascii() {
        return Cow::Borrowed(text.as_bytes());
    }
    if text.chars().all(|c| (c as u32) < 256) {
        return Cow::Owned(text.chars().map(|c| c as u8).collect());
    }
    Cow::Borrowed(text.as_bytes())
}

fn header_text(value: &Bound<'_, PyAny>, key: &str) -> PyResult<String> {
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(s.to_string_lossy().into_owned());
    }
    if let Ok(b) = value.cast::<PyBytes>() {
        return Ok(b.as_bytes().iter().map(|&c| c as char).collect());
    }
    Err(PyTypeError::new_err(format!(
        "environ[{key:?}] must be str, not {}",
        type_name(value)
    )))
}

/// An environ value as `EnvText`: the `str` when it is UTF-8, else the
/// text `header_text` makes of it.
fn env_text<'py>(value: Bound<'py, PyAny>, key: &str) -> PyResult<EnvText<'py>> {
    match value.cast_into::<PyString>() {
        Ok(s) if s.to_str().is_ok() => Ok(EnvText::Str(s)),
        Ok(s) => Ok(EnvText::Copy(header_text(s.as_any(), key)?)),
        Err(e) => Ok(EnvText::Copy(header_text(&e.into_inner(), key)?)),
    }
}

impl<'py> EnvironView<'py> {
    /// `environ` (which must be a dict) read, with `path` in place of the
    /// path as sent when given.
    pub(crate) fn from_arg(
        environ: &Bound<'py, PyAny>,
        host: Option<&str>,
        path: Option<&str>,
        url_scheme: Option<&str>,
    ) -> PyResult<Self> {
        let environ = environ.cast::<PyDict>().map_err(|_| {
            PyTypeError::new_err(format!(
                "environ must be a dict, not {}",
                type_name(environ)
            ))
        })?;
        let mut view = EnvironView::read(environ, host)?;
        if let Some(path) = path {
            view.target.set_path(path.to_owned());
        }
        if let Some(url_scheme) = url_scheme {
            view.target.url_scheme = url_scheme_arg(url_scheme)?;
        }
        Ok(view)
    }

    pub(crate) fn peer(&self) -> Peer<'_> {
        self.target.peer()
    }

    pub(crate) fn request<'a>(&'a self, headers: &'a [Header<'a>], body: &'a [u8]) -> Request<'a> {
        self.target.request(headers, body)
    }

    fn read(environ: &Bound<'py, PyDict>, host: Option<&str>) -> PyResult<Self> {
        let py = environ.py();
        let get = |key: &Bound<'py, PyString>| -> PyResult<EnvText<'py>> {
            match environ.get_item(key)? {
                Some(value) if !value.is_none() => env_text(value, &key.to_string_lossy()),
                _ => Ok(EnvText::Copy(String::new())),
            }
        };
        let method = get(intern!(py, "REQUEST_METHOD"))?;
        let query = get(intern!(py, "QUERY_STRING"))?;
        let remote_addr = get(intern!(py, "REMOTE_ADDR"))?;
        // A scheme the environ does not name as http or https is taken as
        // http: it only decides what `@scheme` and `@target-uri` read.
        let url_scheme =
            url_scheme_arg(get(intern!(py, "wsgi.url_scheme"))?.as_str()).unwrap_or("http");
        let mut raw = get(intern!(py, "RAW_URI"))?;
        if raw.as_str().is_empty() {
            raw = get(intern!(py, "REQUEST_URI"))?;
        }
        let (path, path_span) = if raw.as_str().is_empty() {
            let mut full = get(intern!(py, "SCRIPT_NAME"))?.as_str().to_owned();
            full.push_str(get(intern!(py, "PATH_INFO"))?.as_str());
            let path = requote(&wsgi_bytes(&full));
            let span = 0..path.len();
            (EnvText::Copy(path), span)
        } else {
            // The path of the request URI as sent: before any `?`, and
            // after the authority of an absolute URI (`/` when it has none).
            let text = raw.as_str();
            let end = text.find('?').unwrap_or(text.len());
            match text[..end].find("://").map(|at| at + 3) {
                None => (raw, 0..end),
                Some(after) => match text[after..end].find('/') {
                    Some(slash) => (raw, after + slash..end),
                    None => (EnvText::Copy("/".to_owned()), 0..1),
                },
            }
        };
        let mut header_objects = Vec::with_capacity(16);
        let mut bare = Vec::new();
        for (key, value) in environ.iter() {
            let Ok(key) = key.cast::<PyString>() else {
                continue;
            };
            let key = key.to_string_lossy();
            let name: Cow<'static, str> = if let Some(rest) = key.strip_prefix("HTTP_") {
                // `HTTP_X_FOO` -> `x-foo`, in one pass and one allocation.
                Cow::Owned(
                    rest.chars()
                        .map(|c| match c {
                            '_' => '-',
                            c => c.to_ascii_lowercase(),
                        })
                        .collect(),
                )
            } else {
                match key.as_ref() {
                    "CONTENT_TYPE" => Cow::Borrowed("content-type"),
                    "CONTENT_LENGTH" => Cow::Borrowed("content-length"),
                    // django-rest-framework-hmac's test client sets these bare.
                    "Key" => {
                        bare.push((Cow::Borrowed("key"), value));
                        continue;
                    }
                    "Signature" => {
                        bare.push((Cow::Borrowed("signature"), value));
                        continue;
                    }
                    "Timestamp" => {
                        bare.push((Cow::Borrowed("timestamp"), value));
                        continue;
                    }
                    _ => continue,
                }
            };
            if host.is_some() && name == "host" {
                continue;
            }
            // WSGI servers set these two empty when the request has none.
            if key.starts_with("CONTENT_")
                && value
                    .cast::<PyString>()
                    .is_ok_and(|v| v.is_empty().unwrap_or(false))
            {
                continue;
            }
            header_objects.push((name, value));
        }
        // A bare name stands in only for a header the request does not carry.
        for (name, value) in bare {
            if !header_objects.iter().any(|(n, _)| *n == name) {
                header_objects.push((name, value));
            }
        }
        Ok(EnvironView {
            target: Target {
                method,
                path,
                path_span,
                query,
                remote_addr,
                url_scheme,
            },
            header_objects,
            host: host.map(str::to_owned),
        })
    }

    /// The headers, with `host` in place of the environ's.
    pub(crate) fn headers(&self) -> PyResult<Vec<Header<'_>>> {
        let mut headers: Vec<Header<'_>> = Vec::with_capacity(self.header_objects.len() + 1);
        for (name, value) in &self.header_objects {
            let text = match value.cast::<PyString>() {
                Ok(s) => match s.to_str() {
                    Ok(borrowed) => Cow::Borrowed(borrowed),
                    Err(_) => Cow::Owned(s.to_string_lossy().into_owned()),
                },
                Err(_) => Cow::Owned(header_text(value, name)?),
            };
            headers.push((Cow::Borrowed(name.as_ref()), text));
        }
        if let Some(host) = &self.host {
            headers.push((Cow::Borrowed("host"), Cow::Borrowed(host.as_str())));
        }
        Ok(headers)
    }
}

/// The request fields of an ASGI `http` (or `websocket`) scope: the path as
/// sent (`raw_path`, else `root_path` + `path` re-quoted), the query string
/// and every header line as the bytes they are (latin-1, as ASGI says).
/// The scope's own objects are held, and their text borrowed where it is
/// ASCII: a request's fields are read without a copy.
pub(crate) struct ScopeView<'py> {
    method: Option<Bound<'py, PyString>>,
    /// The method when it is not UTF-8 (`method` is then `None`).
    method_text: String,
    /// `raw_path` when its text is ASCII, else `None` and `path` is built.
    raw_path: Option<Bound<'py, PyBytes>>,
    path: String,
    query: Option<Bound<'py, PyBytes>>,
    query_text: String,
    client: Option<Bound<'py, PyString>>,
    url_scheme: &'static str,
    header_objects: Vec<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)>,
}

/// Bytes as the text latin-1 makes of them, borrowed when they are ASCII.
fn latin1(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) if bytes.is_ascii() => Cow::Borrowed(text),
        _ => Cow::Owned(bytes.iter().map(|&b| b as char).collect()),
    }
}

/// The text of ASCII bytes; `""` for any other (callers check first).
fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

fn scope_error(key: &str, what: &str, found: &Bound<'_, PyAny>) -> PyErr {
    PyTypeError::new_err(format!(
        "scope[{key:?}] must be {what}, not {}",
        type_name(found)
    ))
}

/// A scope item (`None` when absent) as a `T`; another type is a `TypeError`.
fn typed_item<'py, T: pyo3::type_object::PyTypeCheck>(
    key: &str,
    what: &str,
    value: Option<Bound<'py, PyAny>>,
) -> PyResult<Option<Bound<'py, T>>> {
    value
        .map(|value| {
            value
                .cast_into::<T>()
                .map_err(|e| scope_error(key, what, e.into_inner().as_any()))
        })
        .transpose()
}

impl<'py> ScopeView<'py> {
    pub(crate) fn from_arg(scope: &'py Bound<'py, PyAny>) -> PyResult<Self> {
        let scope = scope.cast::<PyDict>().map_err(|_| {
            PyTypeError::new_err(format!("scope must be a dict, not {}", type_name(scope)))
        })?;
        let py = scope.py();
        let item = |key: &Bound<'py, PyString>| -> PyResult<Option<Bound<'py, PyAny>>> {
            Ok(scope.get_item(key)?.filter(|v| !v.is_none()))
        };
        let text = |key: &str, value| typed_item::<PyString>(key, "str", value);
        let bytes = |key: &str, value| typed_item::<PyBytes>(key, "bytes", value);
        // An empty method is a websocket handshake: GET. One that is not
        // UTF-8 is read as Python would print it, never taken for another.
        let mut method = text("method", item(intern!(py, "method"))?)?;
        let mut method_text = String::new();
        if let Some(m) = method.as_ref().filter(|m| m.to_str().is_err()) {
            method_text = m.to_string_lossy().into_owned();
            method = None;
        }
        let mut raw_path = bytes("raw_path", item(intern!(py, "raw_path"))?)?
            .filter(|raw| !raw.as_bytes().is_empty());
        let mut path = String::new();
        match &raw_path {
            Some(raw) => {
                let without_query = raw.as_bytes().split(|&b| b == b'?').next().unwrap_or(b"");
                if !raw.as_bytes().is_ascii() {
                    path = latin1(without_query).into_owned();
                    raw_path = None;
                }
            }
            None => {
                let mut full = String::new();
                for key in [intern!(py, "root_path"), intern!(py, "path")] {
                    if let Some(part) = text(&key.to_string_lossy(), item(key)?)? {
                        full.push_str(&part.to_string_lossy());
                    }
                }
                path = requote(full.as_bytes());
            }
        }
        let mut query = bytes("query_string", item(intern!(py, "query_string"))?)?;
        let mut query_text = String::new();
        if let Some(q) = query.as_ref().filter(|q| !q.as_bytes().is_ascii()) {
            query_text = latin1(q.as_bytes()).into_owned();
            query = None;
        }
        let client = match item(intern!(py, "client"))? {
            Some(client) => client
                .get_item(0)
                .ok()
                .and_then(|host| host.cast_into::<PyString>().ok())
                .filter(|host| host.to_str().is_ok()),
            None => None,
        };
        let scheme = text("scheme", item(intern!(py, "scheme"))?)?;
        let url_scheme = match scheme.as_ref().map(|s| s.to_str()) {
            Some(Ok("https" | "wss")) => "https",
            _ => "http",
        };
        let mut header_objects = Vec::with_capacity(16);
        if let Some(headers) = item(intern!(py, "headers"))? {
            let not_pairs =
                || scope_error("headers", "an iterable of (bytes, bytes) pairs", &headers);
            for pair in headers.try_iter().map_err(|_| not_pairs())? {
                let pair = pair?;
                let (name, value) = if let Ok(t) = pair.cast::<PyTuple>() {
                    (t.get_item(0), t.get_item(1))
                } else if let Ok(l) = pair.cast::<PyList>() {
                    (l.get_item(0), l.get_item(1))
                } else {
                    return Err(not_pairs());
                };
                let (Ok(name), Ok(value)) = (name, value) else {
                    return Err(not_pairs());
                };
                match (name.cast_into::<PyBytes>(), value.cast_into::<PyBytes>()) {
                    (Ok(name), Ok(value)) => header_objects.push((name, value)),
                    _ => return Err(not_pairs()),
                }
            }
        }
        Ok(ScopeView {
            method,
            method_text,
            raw_path,
            path,
            query,
            query_text,
            client,
            url_scheme,
            header_objects,
        })
    }

    pub(crate) fn peer(&self) -> Peer<'_> {
        Peer {
            remote_addr: self
                .client
                .as_ref()
                .and_then(|c| c.to_str().ok())
                .unwrap_or_default(),
            url_scheme: self.url_scheme,
        }
    }

    pub(crate) fn headers(&self) -> Vec<Header<'_>> {
        self.header_objects
            .iter()
            .map(|(name, value)| (latin1(name.as_bytes()), latin1(value.as_bytes())))
            .collect()
    }

    pub(crate) fn request<'a>(&'a self, headers: &'a [Header<'a>], body: &'a [u8]) -> Request<'a> {
        let path = match &self.raw_path {
            Some(raw) => ascii(raw.as_bytes().split(|&b| b == b'?').next().unwrap_or(b"")),
            None => &self.path,
        };
        let method = match &self.method {
            Some(m) => m.to_str().unwrap_or_default(),
            None => &self.method_text,
        };
        Request {
            method: if method.is_empty() { "GET" } else { method },
            path,
            query: match &self.query {
                Some(q) => ascii(q.as_bytes()),
                None => &self.query_text,
            },
            headers,
            body,
        }
    }
}
