//! The replay hook: consulted once per request, after the MAC, freshness and
//! body digest have passed, so unauthenticated traffic cannot fill a store;
//! and the bounded in-process store.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fmt;
use std::sync::Mutex;

use sha2::{Digest as _, Sha256};

use crate::error::Result;
use crate::keys::SchemeName;

/// What identifies one signed request: the scheme, the scheme's nonce or
/// else the decoded MAC bytes (never header text, which has several
/// spellings for one signature), and — for a nonce the client chose, which
/// another client may choose too — the key identity the key store resolved
/// (empty when the nonce is the MAC).
#[derive(Debug, Clone, Copy)]
pub struct ReplayKey<'a> {
    pub scheme: SchemeName,
    pub key_id: &'a str,
    pub nonce: &'a [u8],
}

impl ReplayKey<'_> {
    /// The key as a store holds it: a SHA-256 over the length-prefixed
    /// fields, so entries have one size whatever the key id, no two keys
    /// share a digest by concatenation, and a shared store never sees a key
    /// id or a MAC.
    pub fn digest(&self) -> [u8; 32] {
        let mut hash = Sha256::new();
        hash.update(b"httpseal replay v1");
        for field in [
            self.scheme.name().as_bytes(),
            self.key_id.as_bytes(),
            self.nonce,
        ] {
            hash.update((field.len() as u64).to_be_bytes());
            hash.update(field);
        }
        hash.finalize().into()
    }
}

/// A store that records each request once. `check_and_record` is one atomic
/// operation: it refuses (`Error::Replayed`) a key it has seen within
/// `ttl_seconds`, and records it otherwise. A `ttl_seconds` of 0 means the
/// request has no bound (its freshness is not checked): nothing can hold it
/// for ever, so stores do not record it.
pub trait ReplayGuard {
    fn check_and_record(&self, key: &ReplayKey<'_>, ttl_seconds: u64) -> Result<()>;
}

/// No replay protection: every request passes.
pub struct NoReplayGuard;

impl ReplayGuard for NoReplayGuard {
    fn check_and_record(&self, _key: &ReplayKey<'_>, _ttl_seconds: u64) -> Result<()> {
        Ok(())
    }
}

/// Whether a store had seen a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Recorded now: the request is new.
    First,
    /// Already recorded and still live: a replay.
    Again,
}

/// The store could not answer (full, unreachable): not a verdict on the
/// request, so never a `SignatureError`; servers answer 503.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreUnavailable(pub String);

impl fmt::Display for StoreUnavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What one entry costs, roughly: the map's key and expiry plus the heap's.
pub const ENTRY_BYTES: usize = 2 * (32 + 8) + 16;

/// Replay entries of one process, bounded in entries and bytes. Expired
/// entries go first; when the live ones fill it, new requests are refused
/// (fail closed) rather than live entries forgotten, which would let their
/// replays through.
pub struct MemoryStore {
    capacity: usize,
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    /// Digest → the first second at which the entry is dead.
    live: HashMap<[u8; 32], i64>,
    /// The same entries, soonest death first.
    deaths: BinaryHeap<Reverse<(i64, [u8; 32])>>,
}

impl MemoryStore {
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        MemoryStore {
            capacity: max_entries.min(max_bytes / ENTRY_BYTES),
            inner: Mutex::default(),
        }
    }

    /// How many entries it may hold.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Live (not yet purged) entries.
    pub fn len(&self) -> usize {
        self.entries().live.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        // A panic while holding the lock cannot leave the maps inconsistent
        // in a way that accepts a replay, so a poisoned lock is still used.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records `key` for `ttl_seconds` from `now`, in one step under the lock.
    pub fn check_and_record(
        &self,
        key: &[u8; 32],
        ttl_seconds: u64,
        now: i64,
    ) -> std::result::Result<Seen, StoreUnavailable> {
        let mut entries = self.entries();
        let Entries { live, deaths } = &mut *entries;
        while let Some(Reverse((dies, digest))) = deaths.peek().copied() {
            if dies > now {
                break;
            }
            deaths.pop();
            if live.get(&digest) == Some(&dies) {
                live.remove(&digest);
            }
        }
        if live.contains_key(key) {
            return Ok(Seen::Again);
        }
        if live.len() >= self.capacity {
            return Err(StoreUnavailable(format!(
                "the memory replay store is full ({} live entries)",
                live.len()
            )));
        }
        let dies = now.saturating_add_unsigned(ttl_seconds);
        live.insert(*key, dies);
        deaths.push(Reverse((dies, *key)));
        Ok(Seen::First)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(n: u8) -> [u8; 32] {
        [n; 32]
    }

    #[test]
    fn a_key_is_refused_while_live_and_accepted_once_dead() {
        let store = MemoryStore::new(10, 1 << 20);
        assert_eq!(store.check_and_record(&key(1), 5, 100), Ok(Seen::First));
        assert_eq!(store.check_and_record(&key(1), 5, 104), Ok(Seen::Again));
        assert_eq!(store.check_and_record(&key(1), 5, 105), Ok(Seen::First));
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn when_full_of_live_entries_it_fails_closed_and_recovers_as_they_die() {
        let store = MemoryStore::new(2, 1 << 20);
        assert_eq!(store.check_and_record(&key(1), 10, 0), Ok(Seen::First));
        assert_eq!(store.check_and_record(&key(2), 20, 0), Ok(Seen::First));
        assert!(store.check_and_record(&key(3), 10, 5).is_err());
        // A live entry is never forgotten to make room.
        assert_eq!(store.check_and_record(&key(1), 10, 5), Ok(Seen::Again));
        assert_eq!(store.check_and_record(&key(3), 10, 10), Ok(Seen::First));
    }

    #[test]
    fn the_byte_bound_caps_the_entries() {
        let store = MemoryStore::new(1_000_000, 10 * ENTRY_BYTES);
        assert_eq!(store.capacity(), 10);
    }

    #[test]
    fn digests_separate_every_field() {
        let a = ReplayKey {
            scheme: SchemeName::Cavage,
            key_id: "ab",
            nonce: b"c",
        };
        let b = ReplayKey {
            key_id: "a",
            nonce: b"bc",
            ..a
        };
        let c = ReplayKey {
            scheme: SchemeName::Fost,
            ..a
        };
        assert_ne!(a.digest(), b.digest());
        assert_ne!(a.digest(), c.digest());
        assert_eq!(a.digest(), a.digest());
    }

    proptest! {
        // Whatever arrives, the store never holds more than its capacity,
        // and a key recorded at t is refused until t + ttl.
        #[test]
        fn bounded_and_never_forgets_a_live_key(
            ops in proptest::collection::vec((0u8..20, 1u64..30, 0i64..5), 1..200),
        ) {
            let store = MemoryStore::new(8, 1 << 20);
            let mut now = 0i64;
            let mut recorded: HashMap<u8, i64> = HashMap::new();
            for (k, ttl, step) in ops {
                now += step;
                let seen = store.check_and_record(&key(k), ttl, now);
                let live = recorded.get(&k).is_some_and(|dies| *dies > now);
                match seen {
                    Ok(Seen::Again) => prop_assert!(live),
                    Ok(Seen::First) => {
                        prop_assert!(!live);
                        recorded.insert(k, now + ttl as i64);
                    }
                    Err(_) => prop_assert!(!live),
                }
                prop_assert!(store.len() <= 8);
            }
        }
    }
}
