//! The `SignatureError` hierarchy and the one conversion from `Error`.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyModule;

use crate::error::Error;

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
