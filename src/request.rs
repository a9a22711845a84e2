//! The parts of an HTTP request that the schemes sign, as plain data.

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::mac::word;

/// How many headers one signature may list. Real clients list a handful; the
/// cap keeps the work per request small whatever the list says.
pub const MAX_LISTED_HEADERS: usize = 64;

/// How many bytes of signed header values (the signing string or document
/// before the body) one request may bring: far more than any real request's
/// headers, and a bound on the work a hostile list can cause.
pub const MAX_SIGNED_HEADER_BYTES: usize = 256 * 1024;

/// The names of a signature's header list, in order: at most
/// `MAX_LISTED_HEADERS`, none twice (names compare case-insensitively).
pub fn listed_names(list: &str) -> Result<Vec<&str>> {
    let mut names: Vec<&str> = Vec::with_capacity(8);
    for name in list.split_ascii_whitespace() {
        if names.len() == MAX_LISTED_HEADERS {
            return Err(Error::malformed(format!(
                "more than {MAX_LISTED_HEADERS} headers are listed"
            )));
        }
        if names.iter().any(|n| eq_ignore_case(n, name)) {
            return Err(Error::malformed(format!(
                "header {} is listed twice",
                crate::error::quoted(name)
            )));
        }
        names.push(name);
    }
    Ok(names)
}

/// Adds `len` bytes to a running total of signed header bytes, refusing the
/// request once it passes `MAX_SIGNED_HEADER_BYTES`.
pub fn count_signed_bytes(total: &mut usize, len: usize) -> Result<()> {
    *total = total.saturating_add(len);
    if *total > MAX_SIGNED_HEADER_BYTES {
        return Err(Error::malformed(format!(
            "the signed headers exceed {MAX_SIGNED_HEADER_BYTES} bytes"
        )));
    }
    Ok(())
}

/// The path as Django decodes it (`request.path`): `%XX` escapes decoded,
/// `+` kept, and bytes that do not form UTF-8 re-escaped as `%XX`, so two
/// different paths never decode to the same text. FOST and drf-hmac sign this.
pub fn decoded_path(path: &str) -> Cow<'_, str> {
    if !path.contains('%') {
        return Cow::Borrowed(path);
    }
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = path.as_bytes();
    let mut raw = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&hi), Some(&lo)) if hex(hi).is_some() && hex(lo).is_some() => {
                raw.push(hex(hi).unwrap_or(0) << 4 | hex(lo).unwrap_or(0));
                i += 3;
            }
            (b, _, _) => {
                raw.push(b);
                i += 1;
            }
        }
    }
    let mut out = String::with_capacity(raw.len());
    for chunk in raw.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Cow::Owned(out)
}

/// `str::trim`, with a fast path for the usual case: the ends are ASCII and
/// only `trim_ascii`'s whitespace needs removing. What remains is handed to
/// `str::trim` whenever its ends could still be Unicode whitespace (or the
/// vertical tab, which `trim_ascii` keeps), so the result is always the same.
pub fn trim(text: &str) -> &str {
    let trimmed = text.trim_ascii();
    match (trimmed.as_bytes().first(), trimmed.as_bytes().last()) {
        (Some(&first), Some(&last)) if first >= 0x80 || last >= 0x80 => trimmed.trim(),
        (Some(0x0b), _) | (_, Some(0x0b)) => trimmed.trim(),
        _ => trimmed,
    }
}

/// `str::eq_ignore_ascii_case`, eight bytes a step: header names are
/// compared many times per request, and a byte at a time that adds up. The
/// last bytes are compared as a word that overlaps the one before (a name of
/// 4 to 7 bytes as two overlapping halves), so no name ends in a byte loop.
pub fn eq_ignore_case(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let len = a.len();
    if len != b.len() {
        return false;
    }
    if len < 4 {
        return a.eq_ignore_ascii_case(b);
    }
    if len < 8 {
        let halves = |x: &[u8]| half(&x[..4]) | half(&x[len - 4..]) << 32;
        return lowercase_word(halves(a)) == lowercase_word(halves(b));
    }
    let (mut a_words, mut b_words) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in (&mut a_words).zip(&mut b_words) {
        if lowercase_word(word(x)) != lowercase_word(word(y)) {
            return false;
        }
    }
    a_words.remainder().is_empty()
        || lowercase_word(word(&a[len - 8..])) == lowercase_word(word(&b[len - 8..]))
}

/// Four bytes as the low half of a word.
fn half(chunk: &[u8]) -> u64 {
    u64::from(u32::from_le_bytes(chunk.try_into().unwrap_or([0; 4])))
}

/// Eight bytes with `A`–`Z` lowercased, as `u8::to_ascii_lowercase` does
/// each: bit 7 marks the bytes from `A` to `Z` (and only ASCII ones), and
/// moves down to the `0x20` that makes each lowercase.
fn lowercase_word(x: u64) -> u64 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low = x & !HIGH;
    let from_a = low + 0x3f3f_3f3f_3f3f_3f3f; // bit 7 set from b'A' (0x41) up
    let past_z = low + 0x2525_2525_2525_2525; // bit 7 set from b'[' (0x5b) up
    let upper = from_a & !past_z & !x & HIGH;
    x | upper >> 2
}

/// One header as `(name, value)`, borrowed from the caller where it can be.
pub type Header<'a> = (Cow<'a, str>, Cow<'a, str>);

/// Owned headers from string pairs, for tests and Rust callers.
pub fn headers_from(pairs: &[(&str, &str)]) -> Vec<Header<'static>> {
    pairs
        .iter()
        .map(|(n, v)| (Cow::Owned(n.to_string()), Cow::Owned(v.to_string())))
        .collect()
}

/// A request as the adapter saw it: header names in any case, duplicates kept
/// in arrival order.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    /// The path as sent, percent-encoding intact, without the query string.
    pub path: &'a str,
    /// The query string as sent, without the `?`; empty when there is none.
    pub query: &'a str,
    pub headers: &'a [Header<'a>],
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    pub fn header_values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a str> + 's {
        self.headers
            .iter()
            .filter(move |(n, _)| eq_ignore_case(n, name))
            .map(|(_, v)| v.as_ref())
    }

    /// All values of a header joined with `", "`, as HTTP allows for lists.
    pub fn header(&self, name: &str) -> Option<Cow<'a, str>> {
        let mut values = self.header_values(name);
        let first = values.next()?;
        match values.next() {
            None => Some(Cow::Borrowed(trim(first))),
            Some(second) => {
                let mut joined = format!("{}, {}", trim(first), trim(second));
                for v in values {
                    joined.push_str(", ");
                    joined.push_str(trim(v));
                }
                Some(Cow::Owned(joined))
            }
        }
    }

    /// A header that must occur at most once (credentials, timestamps).
    pub fn single_header(&self, name: &str) -> Result<Option<&'a str>> {
        let mut values = self.header_values(name);
        let first = values.next();
        if values.next().is_some() {
            return Err(Error::malformed(format!(
                "header {} occurs more than once",
                crate::error::quoted(name)
            )));
        }
        Ok(first.map(trim))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_ignore_case_and_join_duplicates() {
        let h = headers_from(&[("X-A", " 1 "), ("x-a", "2"), ("Date", "d")]);
        let req = Request {
            method: "GET",
            path: "/",
            query: "",
            headers: &h,
            body: b"",
        };
        assert_eq!(req.header("x-A").unwrap(), "1, 2");
        assert_eq!(req.header("DATE").unwrap(), "d");
        assert!(req.header("missing").is_none());
        assert_eq!(req.single_header("date").unwrap(), Some("d"));
        assert_eq!(req.single_header("x-a").unwrap_err().code(), "malformed");
    }

    proptest::proptest! {
        #[test]
        fn eq_ignore_case_is_the_std_one(
            a in "[@AZ\\[`az{\u{c0}\u{e0}a-c-]{0,20}",
            b in "[@AZ\\[`az{\u{c0}\u{e0}A-C-]{0,20}",
        ) {
            proptest::prop_assert_eq!(eq_ignore_case(&a, &b), a.eq_ignore_ascii_case(&b));
            let upper = a.to_ascii_uppercase();
            proptest::prop_assert!(eq_ignore_case(&a, &upper));
        }

        #[test]
        fn lowercase_word_lowercases_each_byte(bytes in proptest::array::uniform8(proptest::num::u8::ANY)) {
            let expected = u64::from_le_bytes(bytes.map(|b| b.to_ascii_lowercase()));
            proptest::prop_assert_eq!(lowercase_word(u64::from_le_bytes(bytes)), expected);
        }

        #[test]
        fn trim_is_str_trim(text in "[ \t\n\x0b\x0c\r\u{85}\u{a0}\u{3000}a-c]{0,8}") {
            proptest::prop_assert_eq!(trim(&text), text.trim());
        }
    }

    #[test]
    fn paths_decode_as_django_decodes_them() {
        assert_eq!(decoded_path("/a+b/c"), "/a+b/c");
        assert_eq!(decoded_path("/caf%C3%A9/%2F"), "/caf\u{e9}//");
        assert_eq!(decoded_path("/%FF%zz%4"), "/%FF%zz%4");
        assert_eq!(decoded_path("/%e2%82"), "/%E2%82");
    }

    #[test]
    fn listed_names_are_capped_and_unique() {
        assert_eq!(listed_names(" a  B c ").unwrap(), vec!["a", "B", "c"]);
        assert_eq!(listed_names("a b A").unwrap_err().code(), "malformed");
        let many: Vec<String> = (0..=MAX_LISTED_HEADERS).map(|i| format!("h{i}")).collect();
        assert!(listed_names(&many[1..].join(" ")).is_ok());
        assert_eq!(
            listed_names(&many.join(" ")).unwrap_err().code(),
            "malformed"
        );
        let mut total = 0;
        assert!(count_signed_bytes(&mut total, MAX_SIGNED_HEADER_BYTES).is_ok());
        assert!(count_signed_bytes(&mut total, 1).is_err());
    }
}
