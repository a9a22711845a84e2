//! One module per wire format. A scheme knows three things only: where its
//! credentials are in a request, what its signing input is, and its policy;
//! everything else (keys, the order of checks, freshness, the result) is the
//! pipeline's.

pub mod cavage;
pub mod drf;
pub mod fost;
pub mod rfc9421;
pub mod token;
pub mod webhooks;
