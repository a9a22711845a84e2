//! The replay hook: consulted once per request, after the MAC, freshness and
//! body digest have passed, so unauthenticated traffic cannot fill a store.

use crate::error::Result;
use crate::keys::SchemeName;

/// What identifies one signed request: the scheme, the key id the key store
/// resolved, and the scheme's nonce or else the decoded MAC bytes (never
/// header text, which has several spellings for one signature).
#[derive(Debug, Clone, Copy)]
pub struct ReplayKey<'a> {
    pub scheme: SchemeName,
    pub key_id: &'a str,
    pub nonce: &'a [u8],
}

/// A store that records each request once. `check_and_record` is one atomic
/// operation: it refuses (`Error::Replayed`) a key it has seen within
/// `ttl_seconds`, and records it otherwise.
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
