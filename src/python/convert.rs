//! Conversion of Python arguments into plain Rust data.

use std::borrow::Cow;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString};
use pyo3::PyTypeInfo;

use zeroize::Zeroizing;

use crate::keys::SchemeName;
use crate::mac::{Algorithm, Encoding, SecretBytes};
use crate::request::{Header, Request};

/// Inputs at least this large are hashed with the GIL released; below it the
/// release costs more than it gives.
const DETACH_THRESHOLD: usize = 16 * 1024;

/// Whether `obj` is a `T`, its exact type tried first: under the stable ABI
/// the general check is a call into the interpreter, the exact one a pointer
/// compare, and request data is almost always of the exact built-in types.
pub(crate) fn is<T: PyTypeInfo>(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_exact_instance_of::<T>() || obj.is_instance_of::<T>()
}

/// `obj` as a `T`, by `is`.
pub(crate) fn cast<'a, 'py, T: PyTypeInfo>(
    obj: &'a Bound<'py, PyAny>,
) -> Option<&'a Bound<'py, T>> {
    match obj.cast_exact::<T>() {
        Ok(exact) => Some(exact),
        Err(_) => obj.cast::<T>().ok(),
    }
}

/// `obj` as a `T`, by `is`, taking ownership.
fn cast_into<T: PyTypeInfo>(obj: Bound<'_, PyAny>) -> Option<Bound<'_, T>> {
    match obj.cast_into_exact::<T>() {
        Ok(exact) => Some(exact),
        Err(err) => err.into_inner().cast_into::<T>().ok(),
    }
}

/// Bytes of a `str` (UTF-8), `bytes` or `bytearray` argument.
pub(crate) fn bytes_arg<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Cow<'a, [u8]>> {
    if let Some(b) = cast::<PyBytes>(obj) {
        return Ok(Cow::Borrowed(b.as_bytes()));
    }
    if let Some(s) = cast::<PyString>(obj) {
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

/// A secret argument: borrowed where it can be, otherwise a copy that is
/// wiped on drop.
pub(crate) fn secret_arg<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> PyResult<SecretBytes<'a>> {
    Ok(match bytes_arg(obj, what)? {
        Cow::Borrowed(raw) => SecretBytes::Borrowed(raw),
        Cow::Owned(raw) => SecretBytes::Owned(Zeroizing::new(raw)),
    })
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
    if let Some(s) = cast::<PyString>(obj) {
        return Ok(s.to_cow().ok().map(|text| match text {
            Cow::Borrowed(t) => Cow::Borrowed(t.as_bytes()),
            Cow::Owned(t) => Cow::Owned(t.into_bytes()),
        }));
    }
    if is::<PyBytes>(obj) || is::<PyByteArray>(obj) {
        return bytes_arg(obj, what).map(Some);
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be str, bytes, bytearray or None, not {}",
        type_name(obj)
    )))
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

/// Scheme names (`"cavage"`, `"drf-hmac"`, `"fost"`, `"flask-hmac"`), each known and none twice.
pub(crate) fn scheme_names(names: &[String], what: &str) -> PyResult<Vec<SchemeName>> {
    let mut schemes = Vec::with_capacity(names.len());
    for name in names {
        let scheme = SchemeName::from_name(name).ok_or_else(|| {
            PyValueError::new_err(format!(
                "{what}: unknown scheme {}; expected cavage, drf-hmac, fost or flask-hmac",
                crate::error::quoted(name)
            ))
        })?;
        if schemes.contains(&scheme) {
            return Err(PyValueError::new_err(format!(
                "{what}: {name} is named twice"
            )));
        }
        schemes.push(scheme);
    }
    Ok(schemes)
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

/// A `str` argument that came off the wire; unencodable characters are
/// replaced rather than raised, so hostile input stays an auth failure.
pub(crate) fn text_arg<'a>(obj: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Cow<'a, str>> {
    match cast::<PyString>(obj) {
        Some(s) => Ok(lossy_text(s)),
        None => Err(PyTypeError::new_err(format!(
            "{what} must be str, not {}",
            type_name(obj)
        ))),
    }
}

/// Request headers from a mapping or any iterable of `(name, value)` pairs of
/// `str`, kept as Python objects so their text can be borrowed.
pub(crate) fn headers_arg<'py>(
    obj: &Bound<'py, PyAny>,
) -> PyResult<Vec<(Bound<'py, PyString>, Bound<'py, PyString>)>> {
    let not_pairs = || {
        PyTypeError::new_err(format!(
            "headers must be a mapping or an iterable of (name, value) pairs, not {}",
            type_name(obj)
        ))
    };
    let pair = |name: Bound<'py, PyAny>, value: Bound<'py, PyAny>| match (
        cast_into::<PyString>(name),
        cast_into::<PyString>(value),
    ) {
        (Some(n), Some(v)) => Ok((n, v)),
        _ => Err(PyTypeError::new_err("header names and values must be str")),
    };
    if let Some(dict) = cast::<PyDict>(obj) {
        let mut headers = Vec::with_capacity(dict.len());
        for (name, value) in dict.iter() {
            headers.push(pair(name, value)?);
        }
        return Ok(headers);
    }
    let items = if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return Err(not_pairs());
    } else if obj.hasattr(intern!(obj.py(), "items"))? {
        obj.call_method0(intern!(obj.py(), "items"))?
    } else {
        obj.clone()
    };
    let mut headers = Vec::new();
    for item in items.try_iter().map_err(|_| not_pairs())? {
        let (name, value): (Bound<'py, PyAny>, Bound<'py, PyAny>) = item?
            .extract()
            .map_err(|_| PyTypeError::new_err("each header must be a (name, value) pair of str"))?;
        headers.push(pair(name, value)?);
    }
    Ok(headers)
}

/// Borrows the text of converted headers; unencodable characters are replaced.
pub(crate) fn borrow_headers<'a>(
    headers: &'a [(Bound<'_, PyString>, Bound<'_, PyString>)],
) -> Vec<Header<'a>> {
    headers
        .iter()
        .map(|(name, value)| (lossy_text(name), lossy_text(value)))
        .collect()
}

/// A `str`'s text, borrowed; unencodable characters (lone surrogates) are
/// replaced. Inlined so that the text goes straight where it is stored:
/// returned from a call, it is written in words and read back whole, a
/// stall per header.
#[inline(always)]
fn lossy_text<'a>(s: &'a Bound<'_, PyString>) -> Cow<'a, str> {
    match s.to_str() {
        Ok(borrowed) => Cow::Borrowed(borrowed),
        Err(_) => Cow::Owned(s.to_string_lossy().into_owned()),
    }
}

/// A body: `bytes`, `bytearray`, `str` (UTF-8), `None` or absent (empty).
pub(crate) fn body_arg<'a>(obj: Option<&'a Bound<'_, PyAny>>) -> PyResult<Cow<'a, [u8]>> {
    match obj {
        Some(obj) if !obj.is_none() => bytes_arg(obj, "body"),
        _ => Ok(Cow::Borrowed(b"")),
    }
}

/// The request arguments every verifier takes, converted once. Header text
/// is borrowed from the Python strings, so build the `Request` in two steps:
/// `let headers = args.headers(); let req = args.request(&headers);`.
pub(crate) struct RequestArgs<'a, 'py> {
    method: Cow<'a, str>,
    path: Cow<'a, str>,
    query: Cow<'a, str>,
    header_objects: Vec<(Bound<'py, PyString>, Bound<'py, PyString>)>,
    pub body: Cow<'a, [u8]>,
}

impl<'a, 'py> RequestArgs<'a, 'py> {
    pub fn convert(
        method: &'a Bound<'py, PyAny>,
        path: &'a Bound<'py, PyAny>,
        query: &'a Bound<'py, PyAny>,
        headers: &'a Bound<'py, PyAny>,
        body: Option<&'a Bound<'py, PyAny>>,
    ) -> PyResult<Self> {
        Ok(RequestArgs {
            method: text_arg(method, "method")?,
            path: text_arg(path, "path")?,
            query: text_arg(query, "query")?,
            header_objects: headers_arg(headers)?,
            body: body_arg(body)?,
        })
    }

    pub fn method(&self) -> &str {
        &self.method
    }

    pub fn headers(&self) -> Vec<Header<'_>> {
        borrow_headers(&self.header_objects)
    }

    pub fn request<'r>(&'r self, headers: &'r [Header<'r>]) -> Request<'r> {
        Request {
            method: &self.method,
            path: &self.path,
            query: &self.query,
            headers,
            body: &self.body,
        }
    }
}

/// A window in seconds; `None` switches the check off.
pub(crate) fn window_arg(seconds: Option<f64>, what: &str) -> PyResult<Option<u64>> {
    match seconds {
        None => Ok(None),
        Some(s) if s.is_finite() && s >= 0.0 => Ok(Some(s as u64)),
        Some(_) => Err(PyValueError::new_err(format!(
            "{what} must be a non-negative number of seconds or None"
        ))),
    }
}

/// A point in time given as an aware `datetime` or Unix seconds (`int` or
/// `float`), as whole seconds: rounded up for the start of a validity
/// period, down for its end, so rounding never lengthens it.
pub(crate) fn instant_arg(
    value: Option<&Bound<'_, PyAny>>,
    what: &str,
    start: bool,
) -> PyResult<Option<i64>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let seconds: f64 = if value.hasattr(pyo3::intern!(value.py(), "timestamp"))?
        && value.hasattr(pyo3::intern!(value.py(), "tzinfo"))?
    {
        if value.getattr("tzinfo")?.is_none() {
            return Err(PyValueError::new_err(format!(
                "{what} must be a timezone-aware datetime"
            )));
        }
        value.call_method0("timestamp")?.extract()?
    } else if value.is_instance_of::<pyo3::types::PyBool>() {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a datetime or Unix seconds, not bool"
        )));
    } else {
        value.extract().map_err(|_| {
            PyTypeError::new_err(format!(
                "{what} must be a datetime or Unix seconds, not {}",
                type_name(value)
            ))
        })?
    };
    if !seconds.is_finite() {
        return Err(PyValueError::new_err(format!("{what} must be finite")));
    }
    Ok(Some(if start {
        seconds.ceil()
    } else {
        seconds.floor()
    } as i64))
}

/// `now` for tests and replays of recorded traffic; the system clock otherwise.
pub(crate) fn now_arg(now: Option<f64>) -> PyResult<i64> {
    match now {
        None => Ok(crate::time::now()),
        Some(n) if n.is_finite() => Ok(n.floor() as i64),
        Some(_) => Err(PyValueError::new_err(
            "now must be a finite number of seconds",
        )),
    }
}

/// A request given as `(method, path, query, headers)`, for the components
/// of a response signature marked `;req`.
pub(crate) type RequestTuple<'py> = (
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
    Bound<'py, PyAny>,
);

/// A `RequestTuple`, converted (without a body).
pub(crate) fn request_tuple_args<'a, 'py>(
    request: Option<&'a RequestTuple<'py>>,
) -> PyResult<Option<RequestArgs<'a, 'py>>> {
    request
        .map(|(method, path, query, headers)| {
            RequestArgs::convert(method, path, query, headers, None)
        })
        .transpose()
}

/// Only headers and a body, converted as a request's are, with no method,
/// path or query: a response's, or a webhook delivery's.
pub(crate) fn headers_and_body<'a, 'py>(
    headers: &'a Bound<'py, PyAny>,
    body: Option<&'a Bound<'py, PyAny>>,
) -> PyResult<RequestArgs<'a, 'py>> {
    Ok(RequestArgs {
        method: Cow::Borrowed(""),
        path: Cow::Borrowed(""),
        query: Cow::Borrowed(""),
        header_objects: headers_arg(headers)?,
        body: body_arg(body)?,
    })
}

/// `status`: an HTTP status code, 100 to 999.
pub(crate) fn status_arg(status: u16) -> PyResult<u16> {
    if (100..=999).contains(&status) {
        Ok(status)
    } else {
        Err(PyValueError::new_err(format!(
            "status must be a three-digit HTTP status code, not {status}"
        )))
    }
}
