//! `KeyEncryption`: the core's encryption of stored secrets (`at_rest`), for
//! key stores written in Python.

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyAny;

use super::convert::{secret_arg, type_name};
use crate::at_rest::{self, SealingKey};

/// Encrypts secrets for storage under the first of its master keys and
/// decrypts what any of them encrypted (so a retired key keeps working
/// until every value is encrypted again under the current one).
#[pyclass(module = "httpseal", frozen)]
pub struct KeyEncryption {
    keys: Vec<SealingKey>,
}

#[pymethods]
impl KeyEncryption {
    #[new]
    fn new(keys: &Bound<'_, PyAny>) -> PyResult<Self> {
        if keys.is_instance_of::<pyo3::types::PyString>()
            || keys.is_instance_of::<pyo3::types::PyBytes>()
        {
            return Err(pyo3::exceptions::PyTypeError::new_err(
                "keys must be a list of master keys, not a single one",
            ));
        }
        let mut derived = Vec::new();
        for item in keys.try_iter().map_err(|_| {
            pyo3::exceptions::PyTypeError::new_err(format!(
                "keys must be a list of str or bytes, not {}",
                type_name(keys)
            ))
        })? {
            let item = item?;
            let master = secret_arg(&item, "an encryption key")?;
            if master.is_empty() {
                return Err(PyValueError::new_err("an encryption key must not be empty"));
            }
            derived.push(SealingKey::derive(&master));
        }
        if derived.is_empty() {
            return Err(PyValueError::new_err("keys must not be empty"));
        }
        Ok(KeyEncryption { keys: derived })
    }

    /// The ids stored beside encrypted values, one per master key, current first.
    #[getter]
    fn key_ids(&self) -> Vec<String> {
        self.keys.iter().map(|k| k.id().to_owned()).collect()
    }

    /// `secret` encrypted under the current key for `record` (the key id it
    /// belongs to), with a fresh random nonce.
    #[pyo3(signature = (secret, *, record))]
    fn encrypt(&self, secret: &str, record: &str) -> PyResult<String> {
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce)
            .map_err(|e| PyOSError::new_err(format!("no random nonce: {e}")))?;
        at_rest::seal(&self.keys[0], secret.as_bytes(), record.as_bytes(), &nonce)
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// The secret `value` holds for `record`; `UndecryptableKey` when no key
    /// opens it for that record (damaged, copied from another record, or
    /// encrypted under a key no longer configured).
    #[pyo3(signature = (value, *, record))]
    fn decrypt(&self, value: &str, record: &str) -> PyResult<String> {
        let secret = at_rest::open(&self.keys, value, record.as_bytes())?;
        String::from_utf8(secret.to_vec())
            .map_err(|_| crate::error::Error::UndecryptableKey("it is not text".into()).into())
    }

    /// Whether `value` was encrypted under the current key (nothing to redo).
    fn is_current(&self, value: &str) -> bool {
        at_rest::key_id_of(value) == Some(self.keys[0].id())
    }

    /// Whether `value` has the form of an encrypted secret (not whether it
    /// decrypts): plain text never does.
    #[staticmethod]
    fn is_encrypted(value: &str) -> bool {
        at_rest::is_sealed(value)
    }

    fn __repr__(&self) -> String {
        format!("KeyEncryption(key_ids={:?})", self.key_ids())
    }
}
