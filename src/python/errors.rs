//! The `SignatureError` hierarchy, made from `error::KINDS`, and the one
//! conversion from `Error`; `ReplayStoreUnavailable` is registered beside it.

use std::ffi::CString;

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyModule, PyType};

use crate::error::{Error, KINDS};

create_exception!(
    httpseal,
    SignatureError,
    PyException,
    "A request's signature could not be verified; `code` says why."
);

/// The class per row of `KINDS`, made once.
static CLASSES: PyOnceLock<Vec<Py<PyType>>> = PyOnceLock::new();

fn classes(py: Python<'_>) -> PyResult<&Vec<Py<PyType>>> {
    CLASSES.get_or_try_init(py, || {
        let base = py.get_type::<SignatureError>();
        KINDS
            .iter()
            .map(|kind| {
                let name = CString::new(format!("httpseal.{}", kind.class))?;
                let doc = CString::new(kind.doc)?;
                let class = PyErr::new_type(py, &name, Some(&doc), Some(&base), None)?;
                class.bind(py).setattr("code", kind.code)?;
                Ok(class)
            })
            .collect()
    })
}

impl From<Error> for PyErr {
    fn from(err: Error) -> PyErr {
        let msg = err.to_string();
        Python::attach(|py| match classes(py) {
            Ok(all) => PyErr::from_type(all[err.index()].bind(py).clone(), msg),
            Err(failed) => failed,
        })
    }
}

/// Adds `SignatureError` and one subclass per kind to the module, each with
/// its stable `code`.
pub fn register_exceptions(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let base = py.get_type::<SignatureError>();
    base.setattr("code", "signature_error")?;
    // Set on instances by `Verifier` for the adapters' logs.
    base.setattr("scheme", py.None())?;
    base.setattr("key_id", py.None())?;
    m.add("SignatureError", base)?;
    for (kind, class) in KINDS.iter().zip(classes(py)?) {
        m.add(kind.class, class.bind(py))?;
    }
    // Not a verdict on the request, so outside the SignatureError hierarchy.
    m.add(
        "ReplayStoreUnavailable",
        py.get_type::<super::replay::ReplayStoreUnavailable>(),
    )?;
    Ok(())
}
