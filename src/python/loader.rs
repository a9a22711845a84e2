//! The one key-loader rule: `loader(key_id)` returns a secret (`str`,
//! `bytes`, `bytearray`), an `HmacKey`, a list or tuple of them (rotation), or
//! `None`. `LookupError` and Django's `ObjectDoesNotExist` mean "unknown key";
//! any other exception is the application's own and propagates.

use pyo3::exceptions::{PyLookupError, PyTypeError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyString, PyTuple};
use std::borrow::Cow;
use std::sync::Mutex;

use super::convert::{is, secret_arg, type_name};
use super::hmac::HmacKey;
use crate::keys::KeyEntry;
use crate::mac::Secret;

/// Checked when the loader is registered, so a mistake fails at set-up.
pub(crate) fn require_loader(loader: &Bound<'_, PyAny>, name: &str) -> PyResult<()> {
    if loader.is_callable() {
        Ok(())
    } else {
        Err(PyTypeError::new_err(format!(
            "{name} must be callable, not {}",
            type_name(loader)
        )))
    }
}

/// Calls the loader; `None` when it says the key is unknown.
pub(crate) fn call_loader<'py>(
    loader: &Bound<'py, PyAny>,
    key_id: &str,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    call_with(loader, PyString::new(loader.py(), key_id))
}

fn call_with<'py>(
    loader: &Bound<'py, PyAny>,
    key_id: Bound<'py, PyString>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    match loader.call1((key_id,)) {
        Ok(loaded) if loaded.is_none() => Ok(None),
        Ok(loaded) => Ok(Some(loaded)),
        Err(err) if means_unknown_key(loader.py(), &err) => Ok(None),
        Err(err) => Err(err),
    }
}

/// How many key ids a verifier keeps `str` objects for.
const KEY_ID_SLOTS: usize = 64;

/// Longer key ids are not kept: what the slots hold stays small whatever
/// key ids clients send.
const MAX_KEPT_KEY_ID: usize = 256;

/// The `str` objects a verifier hands its loader, one per recent key id. A
/// client's requests then pass the loader the same object each time, made
/// (and hashed, for the loader's dict lookups) once rather than per request,
/// and found in such a dict by identity. Direct-mapped: a key id whose slot
/// is taken replaces the one there, so no choice of key ids makes a lookup
/// cost more than a miss.
pub(crate) struct KeyIds {
    slots: Mutex<[Option<KeyIdText>; KEY_ID_SLOTS]>,
}

/// A key id and the `str` object made for it.
type KeyIdText = (Box<str>, Py<PyString>);

impl KeyIds {
    pub fn new() -> Self {
        KeyIds {
            slots: Mutex::new(std::array::from_fn(|_| None)),
        }
    }

    /// Calls the loader with `key_id`, as `call_loader` does.
    pub fn call_loader<'py>(
        &self,
        loader: &Bound<'py, PyAny>,
        key_id: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        call_with(loader, self.text(loader.py(), key_id))
    }

    fn text<'py>(&self, py: Python<'py>, key_id: &str) -> Bound<'py, PyString> {
        if key_id.len() > MAX_KEPT_KEY_ID {
            return PyString::new(py, key_id);
        }
        // A poisoned lock only means another thread panicked mid-insert; every
        // slot still holds a matching pair or nothing.
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let slot = &mut slots[slot_of(key_id)];
        match slot {
            Some((text, obj)) if **text == *key_id => obj.bind(py).clone(),
            _ => {
                let obj = PyString::new(py, key_id);
                *slot = Some((key_id.into(), obj.clone().unbind()));
                obj
            }
        }
    }
}

/// A slot for a key id: its length and its first and last eight bytes
/// (key ids often differ only at the end), mixed by one multiplication.
fn slot_of(key_id: &str) -> usize {
    let bytes = key_id.as_bytes();
    let word = |part: &[u8]| part.iter().fold(0u64, |w, &b| w << 8 | u64::from(b));
    let head = word(&bytes[..bytes.len().min(8)]);
    let tail = word(&bytes[bytes.len().saturating_sub(8)..]);
    let mixed =
        (head ^ tail.rotate_left(29) ^ bytes.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (mixed >> (u64::BITS - KEY_ID_SLOTS.trailing_zeros())) as usize
}

fn means_unknown_key(py: Python<'_>, err: &PyErr) -> bool {
    if err.is_instance_of::<PyLookupError>(py) {
        return true;
    }
    // Only when Django is loaded: importing it here would be a side effect.
    let Ok(modules) = py
        .import(intern!(py, "sys"))
        .and_then(|sys| sys.getattr("modules"))
    else {
        return false;
    };
    let Ok(Some(exceptions)) = modules
        .call_method1(intern!(py, "get"), ("django.core.exceptions",))
        .map(|m| (!m.is_none()).then_some(m))
    else {
        return false;
    };
    exceptions
        .getattr(intern!(py, "ObjectDoesNotExist"))
        .is_ok_and(|class| err.matches(py, class).unwrap_or(false))
}

fn wrong_type(obj: &Bound<'_, PyAny>, name: &str) -> PyErr {
    PyTypeError::new_err(format!(
        "{name} returned {}; expected str, bytes, bytearray, an HmacKey, a list of them, or None",
        type_name(obj)
    ))
}

/// One secret; `None` and empty secrets are skipped.
fn secret_from<'a>(item: &'a Bound<'_, PyAny>, name: &str) -> PyResult<Option<KeyEntry<'a>>> {
    if item.is_none() {
        return Ok(None);
    }
    // Exact types first (pointer compares); the general checks only after.
    let key = match item.cast_exact::<HmacKey>() {
        Ok(key) => key,
        Err(_) if is::<PyString>(item) || is::<PyBytes>(item) || is::<PyByteArray>(item) => {
            let raw = secret_arg(item, "a secret")?;
            return Ok((!raw.is_empty()).then_some(KeyEntry::any_scheme(Secret::Raw(raw))));
        }
        Err(_) => item.cast::<HmacKey>().map_err(|_| wrong_type(item, name))?,
    };
    let key = key.get();
    Ok(Some(KeyEntry {
        secret: Secret::Pinned(Cow::Borrowed(&key.key)),
        schemes: key.schemes,
        validity: key.validity,
    }))
}

/// Key entries as a loader returned them: a single secret held in place, so
/// the usual answer costs no allocation, or the items of a list.
pub(crate) enum Entries<'a> {
    One([KeyEntry<'a>; 1]),
    Many(Vec<KeyEntry<'a>>),
}

impl<'a> std::ops::Deref for Entries<'a> {
    type Target = [KeyEntry<'a>];
    fn deref(&self) -> &[KeyEntry<'a>] {
        match self {
            Entries::One(one) => one,
            Entries::Many(many) => many,
        }
    }
}

/// What the loader returned, as key entries (empty: unknown key). A single
/// secret is borrowed; the items of a list are copied (and wiped on drop).
pub(crate) fn entries_from<'a>(
    loaded: Option<&'a Bound<'_, PyAny>>,
    name: &str,
) -> PyResult<Entries<'a>> {
    let Some(loaded) = loaded else {
        return Ok(Entries::Many(Vec::new()));
    };
    if !(is::<PyList>(loaded) || is::<PyTuple>(loaded)) {
        return Ok(match secret_from(loaded, name)? {
            Some(entry) => Entries::One([entry]),
            None => Entries::Many(Vec::new()),
        });
    }
    let mut secrets = Vec::new();
    for item in loaded.try_iter()? {
        let item = item?;
        if is::<PyList>(&item) || is::<PyTuple>(&item) {
            return Err(wrong_type(&item, name));
        }
        // Skipped items keep their place, so `secret_index` is the loader's.
        secrets.push(match secret_from(&item, name)? {
            Some(entry) => KeyEntry {
                secret: entry.secret.into_owned(),
                schemes: entry.schemes,
                validity: entry.validity,
            },
            None => KeyEntry::placeholder(),
        });
    }
    Ok(Entries::Many(secrets))
}
