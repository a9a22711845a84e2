//! The request the verify targets share: any method, path, query, headers and body.

use std::borrow::Cow;

use httpseal::request::{Header, Request};
use libfuzzer_sys::arbitrary::{self, Arbitrary};

#[derive(Arbitrary, Debug)]
pub struct FuzzRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: Vec<(&'a str, &'a str)>,
    pub body: &'a [u8],
}

impl<'a> FuzzRequest<'a> {
    /// The headers, to extend with credentials before `view`.
    pub fn headers(&self) -> Vec<Header<'a>> {
        self.headers
            .iter()
            .map(|(n, v)| (Cow::Borrowed(*n), Cow::Borrowed(*v)))
            .collect()
    }

    /// The request as the core sees it, with `headers`.
    pub fn view<'h>(&'h self, headers: &'h [Header<'h>]) -> Request<'h> {
        Request {
            method: self.method,
            path: self.path,
            query: self.query,
            headers,
            body: self.body,
        }
    }
}
