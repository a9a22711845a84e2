//! Replay stores from Python: the native `MemoryReplayStore`, any object with
//! `check_and_record(key, ttl_seconds) -> bool` (Redis, a Django cache), and
//! the one error an adapter answers 503 to.

use std::sync::Mutex;

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyBool;

use super::convert::type_name;
use crate::error::{Error, Result};
use crate::replay::{MemoryStore, ReplayGuard, ReplayKey, Seen, StoreUnavailable};

create_exception!(
    httpseal,
    ReplayStoreUnavailable,
    PyException,
    "The replay store could not be consulted (full, unreachable): not a verdict on the request; servers answer 503."
);

/// Replay entries of this process, bounded in entries and bytes; refuses new
/// requests when its live entries fill it (fail closed) instead of
/// forgetting any. For one-process servers and tests.
#[pyclass(module = "httpseal", frozen)]
pub struct MemoryReplayStore {
    store: MemoryStore,
}

#[pymethods]
impl MemoryReplayStore {
    #[new]
    #[pyo3(
        signature = (*, max_entries = None, max_bytes = None),
        text_signature = "(*, max_entries=100000, max_bytes=16777216)"
    )]
    fn new(
        max_entries: Option<&Bound<'_, PyAny>>,
        max_bytes: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let max_entries = max_entries.map_or(Ok(100_000), |v| size_arg(v, "max_entries"))?;
        let max_bytes = max_bytes.map_or(Ok(16 * 1024 * 1024), |v| size_arg(v, "max_bytes"))?;
        let store = MemoryStore::new(max_entries, max_bytes);
        if store.capacity() == 0 {
            return Err(PyValueError::new_err(
                "max_entries and max_bytes must leave room for at least one entry",
            ));
        }
        Ok(MemoryReplayStore { store })
    }

    /// How many entries it may hold.
    #[getter]
    fn capacity(&self) -> usize {
        self.store.capacity()
    }

    fn __len__(&self) -> usize {
        self.store.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "MemoryReplayStore(entries={}, capacity={})",
            self.store.len(),
            self.store.capacity()
        )
    }
}

/// A non-negative int (a bool is a mistake); a bound beyond memory is
/// simply large.
fn size_arg(value: &Bound<'_, PyAny>, name: &str) -> PyResult<usize> {
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<pyo3::types::PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an int, not {}",
            type_name(value)
        )));
    }
    let wide: i128 = value.extract().unwrap_or(i128::MAX);
    if wide < 0 {
        return Err(PyValueError::new_err(format!(
            "{name} must not be negative"
        )));
    }
    Ok(usize::try_from(wide).unwrap_or(usize::MAX))
}

/// The store a `Verifier` consults.
pub(crate) enum Store {
    Memory(Py<MemoryReplayStore>),
    /// `check_and_record(key: str, ttl_seconds: int) -> bool`: `True` when
    /// recorded now, `False` when already there; atomic (Redis `SET NX`, a
    /// cache's `add`).
    Object(Py<PyAny>),
}

impl Store {
    pub(crate) fn from_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Store>> {
        let Some(obj) = obj.filter(|o| !o.is_none()) else {
            return Ok(None);
        };
        if let Ok(memory) = obj.cast::<MemoryReplayStore>() {
            return Ok(Some(Store::Memory(memory.clone().unbind())));
        }
        let method = obj.getattr(intern!(obj.py(), "check_and_record")).ok();
        if !method.is_some_and(|m| m.is_callable()) {
            return Err(PyTypeError::new_err(format!(
                "replay_store must be a MemoryReplayStore or have a check_and_record(key, ttl_seconds) method, not {}",
                type_name(obj)
            )));
        }
        Ok(Some(Store::Object(obj.clone().unbind())))
    }

    /// The replay step for one verified request: `Error::Replayed` for a key
    /// seen within its life, `ReplayStoreUnavailable` when the store fails.
    pub(crate) fn check(
        &self,
        py: Python<'_>,
        digest: &[u8; 32],
        ttl: u64,
        now: i64,
    ) -> PyResult<()> {
        let seen = match self {
            Store::Memory(memory) => memory
                .get()
                .store
                .check_and_record(digest, ttl, now)
                .map_err(unavailable)?,
            Store::Object(obj) => {
                let key = store_key(digest);
                let answer = obj
                    .bind(py)
                    .call_method1(intern!(py, "check_and_record"), (key, ttl))
                    .map_err(|err| {
                        let name = err
                            .get_type(py)
                            .name()
                            .map(|n| n.to_string())
                            .unwrap_or_default();
                        let failed = ReplayStoreUnavailable::new_err(format!(
                            "the replay store failed: {name}"
                        ));
                        failed.set_cause(py, Some(err));
                        failed
                    })?;
                let recorded = answer.cast::<PyBool>().map_err(|_| {
                    PyTypeError::new_err(format!(
                        "the replay store's check_and_record must return a bool, not {}",
                        type_name(&answer)
                    ))
                })?;
                if recorded.is_true() {
                    Seen::First
                } else {
                    Seen::Again
                }
            }
        };
        match seen {
            Seen::First => Ok(()),
            Seen::Again => Err(Error::Replayed.into()),
        }
    }
}

fn unavailable(err: StoreUnavailable) -> PyErr {
    ReplayStoreUnavailable::new_err(err.0)
}

/// A replay entry's key in a store object: never header text, a key id or
/// a MAC, only a digest of them.
pub(crate) fn store_key(digest: &[u8; 32]) -> String {
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("httpseal:replay:{hex}")
}

/// Keeps the replay key of a request the pipeline accepted, to consult the
/// store afterwards, with the GIL held (a store may be Python code).
#[derive(Default)]
pub(crate) struct Capture(Mutex<Option<([u8; 32], u64)>>);

impl Capture {
    pub(crate) fn take(&self) -> Option<([u8; 32], u64)> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

impl ReplayGuard for Capture {
    fn check_and_record(&self, key: &ReplayKey<'_>, ttl_seconds: u64) -> Result<()> {
        if ttl_seconds > 0 {
            *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some((key.digest(), ttl_seconds));
        }
        Ok(())
    }
}
