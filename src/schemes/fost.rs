//! FOST request and URL signing, as django-fost-authn 0.3.8 speaks it:
//! HMAC-SHA1 in standard base64 over a newline-separated document.

use crate::error::{quoted, Error, Result};
use std::borrow::Cow;

use crate::keys::SchemeName;
use crate::mac::{base64_decode_mac, base64_encode, Algorithm, Key, KeyCache, Secret};
use crate::pipeline::{self, AlgorithmChoice, Found, Freshness, Prepared};
use crate::request::{count_signed_bytes, listed_names, Request};
use crate::time;

/// The header that lists the signed headers; always listed first.
pub const HEADERS_HEADER: &str = "X-FOST-Headers";

/// Base64 of HMAC-SHA1(secret, document).
pub fn sha1_hmac(secret: &[u8], document: &[u8]) -> String {
    base64_encode(&Key::new(Algorithm::Sha1, secret).sign(document))
}

/// `"{method} {path}\n{timestamp}\n{headers joined by \n}\n{body}"` as
/// slices to MAC in order, so the body is never copied.
pub fn request_parts<'a>(
    method: &'a str,
    path: &'a str,
    timestamp: &'a str,
    headers: &[&'a str],
    body: &'a [u8],
) -> Vec<&'a [u8]> {
    let mut parts = Vec::with_capacity(headers.len() * 2 + 7);
    parts.extend([method.as_bytes(), b" ", path.as_bytes(), b"\n"]);
    parts.extend([timestamp.as_bytes(), b"\n"]);
    for (i, value) in headers.iter().enumerate() {
        if i > 0 {
            parts.push(b"\n");
        }
        parts.push(value.as_bytes());
    }
    parts.extend([&b"\n"[..], body]);
    parts
}

/// The whole request document, as the signing functions return it.
pub fn request_document(
    method: &str,
    path: &str,
    timestamp: &str,
    headers: &[&str],
    body: &[u8],
) -> Vec<u8> {
    request_parts(method, path, timestamp, headers, body).concat()
}

/// `"{host}{path}?{query}\n{expires}"`, without the `?` when the query is empty.
pub fn url_document(host: &str, path: &str, query: &str, expires: &str) -> String {
    if query.is_empty() {
        format!("{host}{path}\n{expires}")
    } else {
        format!("{host}{path}?{query}\n{expires}")
    }
}

fn is_signature_param(pair: &str) -> bool {
    let name = pair.split_once('=').map_or(pair, |(n, _)| n);
    matches!(name, "_k" | "_e" | "_s")
}

/// The query string without the `_k`, `_e` and `_s` parameters. Only those
/// exact names go: django-fost-authn also dropped anything starting with
/// `_s` (so `_sort=` went unsigned); httpseal signs such parameters.
pub fn filter_query_string(query: &str) -> String {
    query
        .split('&')
        .filter(|pair| !is_signature_param(pair))
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes `%XX` escapes and `+` as Django's `QueryDict` does; invalid UTF-8
/// is replaced.
pub fn form_decode(text: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes UTF-7 (RFC 2152) as the original decoded key ids and user names;
/// `None` when the text is not valid UTF-7.
pub fn utf7_decode(text: &str) -> Option<String> {
    fn b64(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let bytes = text.as_bytes();
    if !text.is_ascii() {
        return None;
    }
    let mut units: Vec<u16> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'+' {
            units.push(bytes[i] as u16);
            i += 1;
            continue;
        }
        i += 1;
        if bytes.get(i) == Some(&b'-') {
            units.push(b'+' as u16);
            i += 1;
            continue;
        }
        let (mut acc, mut bits) = (0u32, 0u32);
        while let Some(v) = bytes.get(i).and_then(|&c| b64(c)) {
            acc = (acc << 6) | v;
            bits += 6;
            if bits >= 16 {
                bits -= 16;
                units.push((acc >> bits) as u16);
                acc &= (1 << bits) - 1;
            }
            i += 1;
        }
        if bits >= 6 || acc != 0 {
            return None;
        }
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
    }
    String::from_utf16(&units).ok()
}

/// Encodes text as UTF-7 (RFC 2152) for `X-FOST-User` and non-ASCII key
/// ids: printable ASCII other than `+`, `\\` and `~` as itself, `+` as `+-`,
/// every other character (control characters included, so a value can
/// never break a header) as base64 of UTF-16 between `+` and `-`.
pub fn utf7_encode(text: &str) -> String {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let direct = |c: char| (' '..='~').contains(&c) && !matches!(c, '+' | '\\' | '~');
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if direct(c) {
            out.push(c);
            continue;
        }
        if c == '+' {
            out.push_str("+-");
            continue;
        }
        out.push('+');
        let (mut acc, mut bits) = (0u32, 0u32);
        let mut units = [0u16; 2];
        let mut pending = Some(c);
        while let Some(c) = pending {
            for &unit in c.encode_utf16(&mut units).iter() {
                acc = (acc << 16) | u32::from(unit);
                bits += 16;
                while bits >= 6 {
                    bits -= 6;
                    out.push(B64[(acc >> bits) as usize & 63] as char);
                }
                acc &= (1 << bits) - 1;
            }
            pending = chars.next_if(|&next| !direct(next) && next != '+');
        }
        if bits > 0 {
            out.push(B64[((acc << (6 - bits)) & 63) as usize] as char);
        }
        out.push('-');
    }
    out
}

/// Percent-encodes all but the unreserved characters (RFC 3986), as
/// Python's `quote(text, safe="")` does: for the `_k` and `_s` of a URL.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The parts of `Authorization: FOST <key>:<signature>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The key id, UTF-7 decoded where it is valid UTF-7 (as the original).
    pub key: String,
    pub signature: String,
}

/// Parses a FOST `Authorization` value; `Ok(None)` when it names another scheme.
pub fn parse_authorization(value: &str) -> Result<Option<Credentials>> {
    let mut words = value.split_ascii_whitespace();
    let (Some(scheme), credentials, rest) = (words.next(), words.next(), words.next()) else {
        return Ok(None);
    };
    // Scheme names are case-insensitive (RFC 7235).
    if !scheme.eq_ignore_ascii_case("FOST") {
        return Ok(None);
    }
    let (Some(credentials), None) = (credentials, rest) else {
        return Err(Error::malformed("expected 'FOST <key>:<signature>'"));
    };
    let mut parts = credentials.split(':');
    let (Some(key), Some(signature), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Error::malformed(
            "credentials must be exactly '<key>:<signature>'",
        ));
    };
    if key.is_empty() || signature.is_empty() {
        return Err(Error::malformed("empty key or signature"));
    }
    let key = utf7_decode(key).unwrap_or_else(|| key.to_owned());
    // A lone "+" is valid UTF-7 for nothing: the key must survive decoding.
    if key.is_empty() {
        return Err(Error::malformed("the key decodes to nothing"));
    }
    Ok(Some(Credentials {
        key,
        signature: signature.to_owned(),
    }))
}

/// What a verified request signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The signed headers, as `X-FOST-Headers` lists them, with their values.
    pub headers: Vec<(String, String)>,
    /// The user a signed `X-FOST-User` asks to act as (UTF-7 decoded).
    pub act_as: Option<String>,
}

/// The request fields a FOST signature covers, read off the request.
pub struct RequestFields<'a> {
    pub timestamp: &'a str,
    /// Names as listed in `X-FOST-Headers`, and the value of each.
    pub headers: Vec<(&'a str, &'a str)>,
}

/// Reads the timestamp and the signed headers, refusing requests that lack
/// them. The document holds only the values of the listed headers, so the
/// list must come first and name itself: its value then pins every name.
pub fn request_fields<'a>(req: &Request<'a>) -> Result<RequestFields<'a>> {
    let timestamp = req
        .single_header("x-fost-timestamp")?
        .ok_or_else(|| Error::MissingHeader("X-FOST-Timestamp".into()))?;
    let listed = req
        .single_header("x-fost-headers")?
        .ok_or_else(|| Error::MissingHeader(HEADERS_HEADER.into()))?;
    let names = listed_names(listed)?;
    if !names
        .first()
        .is_some_and(|first| first.eq_ignore_ascii_case(HEADERS_HEADER))
    {
        return Err(Error::malformed(format!(
            "{HEADERS_HEADER} must list itself first"
        )));
    }
    let mut headers = Vec::with_capacity(names.len());
    let mut total = 0;
    for name in names {
        let value = req
            .single_header(name)?
            .ok_or_else(|| Error::MissingHeader(name.to_owned()))?;
        count_signed_bytes(&mut total, value.len() + 1)?;
        headers.push((name, value));
    }
    Ok(RequestFields { timestamp, headers })
}

/// Parses the timestamp as the original: its first 19 characters as
/// `YYYY-MM-DD HH:MM:SS` (a `T` allowed for the space), UTC.
pub fn parse_timestamp(text: &str) -> Result<i64> {
    let head: String = text.chars().take(19).collect();
    time::parse_iso8601(&head)
        .filter(|_| head.len() == 19)
        .ok_or_else(|| {
            Error::malformed(format!(
                "timestamp {} is not 'YYYY-MM-DD HH:MM:SS'",
                quoted(text)
            ))
        })
}

/// What a server accepts of FOST requests.
#[derive(Debug, Clone, Copy)]
pub struct RequestPolicy {
    /// Freshness window for `X-FOST-Timestamp`; `None` disables the check.
    pub max_skew: Option<u64>,
    /// The document ends with the body when there is one, so the query of
    /// such a request is unsigned; refuse those requests unless this is set.
    pub allow_unsigned_query: bool,
}

/// The bytes a FOST document ends with: the body, or the query string when
/// the body is empty. Refuses a request with both unless the policy allows
/// the query to go unsigned.
pub fn document_tail<'a>(
    body: &'a [u8],
    query: &'a str,
    allow_unsigned_query: bool,
) -> Result<&'a [u8]> {
    if body.is_empty() {
        return Ok(query.as_bytes());
    }
    if !query.is_empty() && !allow_unsigned_query {
        return Err(Error::malformed(
            "a FOST signature does not cover the query string of a request with a body",
        ));
    }
    Ok(body)
}

/// FOST's credentials, parsed: `Authorization` with scheme `FOST`, or else
/// the raw (not percent-decoded) query names `_k` and `_s` of a signed URL,
/// which is valid for GET and HEAD only. `Ok(None)` for neither (not ours).
pub fn find<'a>(req: &Request<'a>) -> Result<Option<Found<'a>>> {
    if let Some(auth) = req.single_header("authorization")? {
        if let Some(creds) = parse_authorization(auth)? {
            return Ok(Some(Found::FostRequest(creds)));
        }
    }
    let Some(params) = url_params(req.query)? else {
        return Ok(None);
    };
    if !["GET", "HEAD"].contains(&req.method) {
        return Err(Error::malformed(
            "signed URLs are valid for GET and HEAD only",
        ));
    }
    Ok(Some(Found::FostUrl(params)))
}

/// The pipeline's step 3 for a signed request: the listed headers, the
/// timestamp, the tail rule and the document (`path` as the original signed
/// it: Django's decoded `request.path`).
pub fn prepare_request<'a>(
    credentials: Credentials,
    req: &Request<'a>,
    path: &str,
    policy: RequestPolicy,
) -> Result<Prepared<'a>> {
    let fields = request_fields(req)?;
    let stamp = parse_timestamp(fields.timestamp)?;
    let tail = document_tail(req.body, req.query, policy.allow_unsigned_query)?;
    let claimed = base64_decode_mac(&credentials.signature)
        .ok_or_else(|| Error::malformed("signature is not base64"))?;
    // "{method} {path}\n{timestamp}\n{values joined by \n}\n", then the tail.
    let values_len: usize = fields.headers.iter().map(|(_, v)| v.len() + 1).sum();
    let mut head =
        Vec::with_capacity(req.method.len() + path.len() + fields.timestamp.len() + values_len + 3);
    for piece in [req.method, " ", path, "\n", fields.timestamp, "\n"] {
        head.extend_from_slice(piece.as_bytes());
    }
    for (i, (_, value)) in fields.headers.iter().enumerate() {
        if i > 0 {
            head.push(b'\n');
        }
        head.extend_from_slice(value.as_bytes());
    }
    head.push(b'\n');
    let freshness = match policy.max_skew {
        Some(max_skew) => Freshness::Window {
            stamp,
            shown: Cow::Borrowed(fields.timestamp),
            max_skew,
            expires: None,
        },
        None => Freshness::Unchecked,
    };
    let act_as = fields
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-fost-user"))
        .map(|(_, user)| utf7_decode(user).unwrap_or_else(|| (*user).to_owned()));
    let mut covered = String::with_capacity(64);
    covered.push_str("method path");
    for (name, _) in &fields.headers {
        covered.push(' ');
        let start = covered.len();
        covered.push_str(name);
        covered[start..].make_ascii_lowercase();
    }
    covered.push_str(if req.body.is_empty() {
        " query"
    } else {
        " body"
    });
    Ok(Prepared {
        scheme: SchemeName::Fost,
        key_id: Cow::Owned(credentials.key),
        algorithm: AlgorithmChoice::Fixed(Algorithm::Sha1),
        head,
        tail,
        claimed,
        freshness,
        digest: None,
        covered: Cow::Owned(covered),
        act_as,
        timestamp: Some(stamp),
        signed_headers: fields
            .headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        recorded: true,
        nonce: None,
        alternatives: Vec::new(),
        delivery_id: None,
    })
}

/// Verifies a FOST-signed request against the secrets the key store returned
/// for the key; returns what it signed and the index of the matching secret.
pub fn verify_request(
    req: &Request<'_>,
    credentials: &Credentials,
    secrets: &[Secret<'_>],
    policy: RequestPolicy,
    now: i64,
    keys: &KeyCache,
) -> Result<(Signed, usize)> {
    let prepare = || prepare_request(credentials.clone(), req, req.path, policy);
    let verified = pipeline::verify_with_secrets(secrets, prepare, req, keys, now)?;
    let signed = Signed {
        headers: verified.signed_headers,
        act_as: verified.act_as,
    };
    Ok((signed, verified.secret_index))
}

/// The `_k`, `_e` and `_s` parameters of a signed URL, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParams {
    pub key: String,
    pub expires: Option<String>,
    pub signature: String,
}

/// Finds the URL-signing parameters in a raw query string; `Ok(None)` when
/// `_k` or `_s` is absent (the URL is not signed).
pub fn url_params(query: &str) -> Result<Option<UrlParams>> {
    let (mut key, mut expires, mut signature) = (None, None, None);
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match name {
            "_k" => &mut key,
            "_e" => &mut expires,
            "_s" => &mut signature,
            _ => continue,
        };
        if slot.replace(form_decode(value)).is_some() {
            return Err(Error::malformed(format!(
                "parameter {name} occurs more than once"
            )));
        }
    }
    match (key, signature) {
        (Some(key), Some(signature)) if key.is_empty() || signature.is_empty() => {
            Err(Error::malformed("empty _k or _s parameter"))
        }
        (Some(key), Some(signature)) => Ok(Some(UrlParams {
            key,
            expires,
            signature,
        })),
        _ => Ok(None),
    }
}

/// How long signed URLs may live.
#[derive(Debug, Clone, Copy)]
pub struct UrlPolicy {
    pub require_expiry: bool,
    /// Refuse URLs that expire further than this from now.
    pub max_lifetime: Option<u64>,
    /// Record a URL's signature in the replay store on its first GET, so the
    /// link works once until it expires.
    pub single_use: bool,
}

/// The pipeline's step 3 for a signed URL (`host` as the `Host` header has
/// it, the path as Django decodes it, the raw query string): the expiry rule
/// and the document.
pub fn prepare_url<'a>(
    params: UrlParams,
    host: &str,
    path: &str,
    query: &str,
    policy: UrlPolicy,
) -> Result<Prepared<'a>> {
    let expires = match &params.expires {
        None if policy.require_expiry => {
            return Err(Error::malformed("signed URL has no _e expiry"))
        }
        None => "",
        Some(e) => e.as_str(),
    };
    let freshness = if params.expires.is_some() {
        let at: i64 = expires
            .parse()
            .ok()
            .filter(|_| !expires.starts_with('+'))
            .ok_or_else(|| {
                Error::malformed(format!("expiry {} is not Unix seconds", quoted(expires)))
            })?;
        Freshness::Expiry {
            at,
            max_lifetime: policy.max_lifetime,
        }
    } else {
        Freshness::Unchecked
    };
    let claimed = base64_decode_mac(&params.signature)
        .ok_or_else(|| Error::malformed("signature is not base64"))?;
    let document = url_document(host, path, &filter_query_string(query), expires);
    let covered = if params.expires.is_some() {
        "host path query expires"
    } else {
        "host path query"
    };
    Ok(Prepared {
        scheme: SchemeName::Fost,
        key_id: Cow::Owned(params.key),
        algorithm: AlgorithmChoice::Fixed(Algorithm::Sha1),
        head: document.into_bytes(),
        tail: b"",
        claimed,
        freshness,
        digest: None,
        covered: Cow::Borrowed(covered),
        act_as: None,
        timestamp: None,
        signed_headers: Vec::new(),
        recorded: false,
        nonce: None,
        alternatives: Vec::new(),
        delivery_id: None,
    })
}

/// Verifies a signed URL; returns the index of the secret that matched.
#[allow(clippy::too_many_arguments)]
pub fn verify_url(
    host: &str,
    path: &str,
    query: &str,
    params: &UrlParams,
    secrets: &[Secret<'_>],
    policy: UrlPolicy,
    now: i64,
    keys: &KeyCache,
) -> Result<usize> {
    let req = Request {
        method: "GET",
        path,
        query,
        headers: &[],
        body: b"",
    };
    let prepare = || prepare_url(params.clone(), host, path, query, policy);
    let verified = pipeline::verify_with_secrets(secrets, prepare, &req, keys, now)?;
    Ok(verified.secret_index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mac::SecretBytes;
    use crate::request::{headers_from, Header, MAX_LISTED_HEADERS};
    use proptest::prelude::*;

    const POLICY: RequestPolicy = RequestPolicy {
        max_skew: Some(300),
        allow_unsigned_query: false,
    };

    fn raw(secret: &[u8]) -> [Secret<'_>; 1] {
        [Secret::Raw(SecretBytes::Borrowed(secret))]
    }

    fn check(
        req: &Request<'_>,
        creds: &Credentials,
        secret: &[u8],
        max_skew: Option<u64>,
        now: i64,
    ) -> Result<Signed> {
        let policy = RequestPolicy { max_skew, ..POLICY };
        verify_request(req, creds, &raw(secret), policy, now, &KeyCache::new(0)).map(|(s, _)| s)
    }

    fn check_url(
        host: &str,
        path: &str,
        q: &str,
        params: &UrlParams,
        secret: &[u8],
        policy: UrlPolicy,
        now: i64,
    ) -> Result<usize> {
        verify_url(
            host,
            path,
            q,
            params,
            &raw(secret),
            policy,
            now,
            &KeyCache::new(0),
        )
    }

    #[test]
    fn issue_vectors() {
        let doc = request_document(
            "GET",
            "/",
            "2011-04-27 03:26:37.625618",
            &["X-FOST-Headers"],
            b"",
        );
        assert_eq!(doc, b"GET /\n2011-04-27 03:26:37.625618\nX-FOST-Headers\n");
        assert_eq!(
            sha1_hmac(b"secret-value", &doc),
            "Ttq8K3g/jm7sOAVzCN+3k4FVAso="
        );
        let url = url_document("host.example.com", "/path/to/file.html", "q=v&t=c", "12345");
        assert_eq!(
            sha1_hmac(b"secret", url.as_bytes()),
            "+qS8ps0g6aJCuP/l8urqJdrHLVc="
        );
        assert_eq!(url_document("h", "/p", "", "1"), "h/p\n1");
    }

    #[test]
    fn filter_removes_only_exact_names() {
        assert_eq!(
            filter_query_string("_k=a&q=1&_e=2&_sort=x&_s=sig&_s"),
            "q=1&_sort=x"
        );
        assert_eq!(filter_query_string(""), "");
        assert_eq!(filter_query_string("_k=1"), "");
    }

    #[test]
    fn authorization_forms() {
        let ok = parse_authorization("FOST key:sig").unwrap().unwrap();
        assert_eq!((ok.key.as_str(), ok.signature.as_str()), ("key", "sig"));
        assert_eq!(parse_authorization("Basic abc").unwrap(), None);
        assert_eq!(parse_authorization("").unwrap(), None);
        for bad in [
            "FOST",
            "FOST nocolon",
            "FOST a:b:c",
            "FOST :sig",
            "FOST key:",
            "FOST a:b extra",
        ] {
            assert_eq!(
                parse_authorization(bad).unwrap_err().code(),
                "malformed",
                "{bad}"
            );
        }
        // Found by the fost_parsers fuzz target: "+" decodes to an empty key.
        for empty in ["FOST +:W[", "FOST +-:x", "FOST +-+:x"] {
            let parsed = parse_authorization(empty);
            assert!(
                parsed
                    .as_ref()
                    .map_or(true, |c| c.as_ref().is_some_and(|c| !c.key.is_empty())),
                "{empty}"
            );
        }
        assert_eq!(
            parse_authorization("FOST +:W[").unwrap_err().code(),
            "malformed"
        );
        let utf7 = parse_authorization("FOST +AOk-l+AOg-ve:sig")
            .unwrap()
            .unwrap();
        assert_eq!(utf7.key, "élève");
    }

    #[test]
    fn utf7_decoding() {
        assert_eq!(utf7_decode("plain").unwrap(), "plain");
        assert_eq!(utf7_decode("a+-b").unwrap(), "a+b");
        assert_eq!(
            utf7_decode("Hi Mom -+Jjo--!").unwrap(),
            "Hi Mom -\u{263a}-!"
        );
        assert_eq!(
            utf7_decode("+ZeVnLIqe-").unwrap(),
            "\u{65e5}\u{672c}\u{8a9e}"
        );
        assert!(utf7_decode("\u{e9}").is_none());
    }

    #[test]
    fn form_decoding() {
        assert_eq!(form_decode("a%2Bb+c%3D"), "a+b c=");
        assert_eq!(form_decode("%zz%4"), "%zz%4");
        assert_eq!(form_decode("%C3%A9"), "\u{e9}");
    }

    fn signed_request(
        body: &'static [u8],
        query: &'static str,
    ) -> (Vec<crate::request::Header<'static>>, Credentials) {
        let values = ["X-FOST-Headers X-FOST-User", "+AOk-mile"];
        let doc = request_document(
            "POST",
            "/api/",
            "2011-04-27 03:26:37",
            &values,
            if body.is_empty() {
                query.as_bytes()
            } else {
                body
            },
        );
        let sig = sha1_hmac(b"s3cret", &doc);
        let headers = headers_from(&[
            ("X-FOST-Timestamp", "2011-04-27 03:26:37"),
            ("X-FOST-Headers", "X-FOST-Headers X-FOST-User"),
            ("X-FOST-User", "+AOk-mile"),
        ]);
        (
            headers,
            Credentials {
                key: "k".into(),
                signature: sig,
            },
        )
    }

    #[test]
    fn request_round_trip_and_failures() {
        let now = parse_timestamp("2011-04-27T03:26:37").unwrap();
        let (h, creds) = signed_request(b"{}", "");
        let req = Request {
            method: "POST",
            path: "/api/",
            query: "",
            headers: &h,
            body: b"{}",
        };
        let signed = check(&req, &creds, b"s3cret", Some(300), now).unwrap();
        assert_eq!(signed.act_as.as_deref(), Some("\u{e9}mile"));
        assert_eq!(
            signed.headers[0],
            ("X-FOST-Headers".into(), "X-FOST-Headers X-FOST-User".into())
        );
        assert_eq!(
            check(&req, &creds, b"wrong", Some(300), now).unwrap_err(),
            Error::BadSignature
        );
        assert_eq!(
            check(&req, &creds, b"s3cret", Some(300), now + 301)
                .unwrap_err()
                .code(),
            "stale"
        );
        assert_eq!(
            check(&req, &creds, b"s3cret", Some(300), now - 301)
                .unwrap_err()
                .code(),
            "future"
        );
        let tampered = Request {
            body: b"{ }",
            ..req
        };
        assert_eq!(
            check(&tampered, &creds, b"s3cret", None, now).unwrap_err(),
            Error::BadSignature
        );

        let (h, creds) = signed_request(b"", "a=1");
        let with_query = Request {
            method: "POST",
            path: "/api/",
            query: "a=1",
            headers: &h,
            body: b"",
        };
        assert!(check(&with_query, &creds, b"s3cret", None, now).is_ok());

        let missing = headers_from(&[
            ("X-FOST-Timestamp", "2011-04-27 03:26:37"),
            ("X-FOST-Headers", "X-FOST-Headers X-Absent"),
        ]);
        let req = Request {
            headers: &missing,
            ..with_query
        };
        assert_eq!(
            check(&req, &creds, b"s3cret", None, now)
                .unwrap_err()
                .code(),
            "missing_header"
        );
        let garbled = headers_from(&[
            ("X-FOST-Timestamp", "27/04/2011"),
            ("X-FOST-Headers", "X-FOST-Headers"),
        ]);
        let req = Request {
            headers: &garbled,
            ..with_query
        };
        assert_eq!(
            check(&req, &creds, b"s3cret", None, now)
                .unwrap_err()
                .code(),
            "malformed"
        );
    }

    #[test]
    fn url_round_trip_and_failures() {
        let policy = UrlPolicy {
            require_expiry: true,
            max_lifetime: Some(3600),
            single_use: false,
        };
        let doc = url_document("h.example", "/f", "q=v", "2000");
        let sig = sha1_hmac(b"k-secret", doc.as_bytes());
        let query = format!(
            "q=v&_k=me&_e=2000&_s={}",
            sig.replace('+', "%2B")
                .replace('/', "%2F")
                .replace('=', "%3D")
        );
        let params = url_params(&query).unwrap().unwrap();
        assert_eq!(params.signature, sig);
        assert!(check_url(
            "h.example",
            "/f",
            &query,
            &params,
            b"k-secret",
            policy,
            1000
        )
        .is_ok());
        let code = |host: &str, path: &str, q: &str, now: i64| {
            check_url(
                host,
                path,
                q,
                &url_params(q).unwrap().unwrap(),
                b"k-secret",
                policy,
                now,
            )
            .unwrap_err()
            .code()
        };
        assert_eq!(code("h.example", "/f", &query, 2001), "expired");
        assert_eq!(code("evil.example", "/f", &query, 1000), "bad_signature");
        assert_eq!(code("h.example", "/g", &query, 1000), "bad_signature");
        assert_eq!(
            code("h.example", "/f", &query.replace("q=v", "q=w"), 1000),
            "bad_signature"
        );
        assert_eq!(
            code(
                "h.example",
                "/f",
                &query.replace("_e=2000", "_e=2100"),
                1000
            ),
            "bad_signature"
        );
        assert_eq!(
            code(
                "h.example",
                "/f",
                &query.replace("_e=2000", "_e=soon"),
                1000
            ),
            "malformed"
        );
        assert_eq!(code("h.example", "/f", &query, -5000), "future");
        assert_eq!(
            code("h.example", "/f", &query.replace("_e=2000&", ""), 1000),
            "malformed"
        );
        assert_eq!(url_params("q=1").unwrap(), None);
        assert_eq!(url_params("_k=&_s=x").unwrap_err().code(), "malformed");
        assert_eq!(url_params("_k=a&_s").unwrap_err().code(), "malformed");
        assert_eq!(
            url_params("_k=a&_k=b&_s=x").unwrap_err().code(),
            "malformed"
        );
    }

    fn signed_with(
        listed: &str,
        extra: &[(&str, &str)],
        values: &[&str],
    ) -> (Vec<Header<'static>>, Credentials) {
        let ts = "2011-04-27 03:26:37";
        let doc = request_document("GET", "/", ts, values, b"");
        let mut pairs = vec![("X-FOST-Timestamp", ts), ("X-FOST-Headers", listed)];
        pairs.extend_from_slice(extra);
        let creds = Credentials {
            key: "alice".into(),
            signature: sha1_hmac(b"s3cret", &doc),
        };
        (headers_from(&pairs), creds)
    }

    fn get<'a>(h: &'a [Header<'a>]) -> Request<'a> {
        Request {
            method: "GET",
            path: "/",
            query: "",
            headers: h,
            body: b"",
        }
    }

    #[test]
    fn a_signed_value_cannot_be_relabelled() {
        // Signed as X-Tenant: admin; replayed with the value moved under X-FOST-User.
        let (h, creds) = signed_with(
            "X-Dummy X-FOST-User",
            &[
                ("X-Dummy", "X-FOST-Headers X-Tenant"),
                ("X-FOST-User", "admin"),
            ],
            &["X-FOST-Headers X-Tenant", "admin"],
        );
        let err = check(&get(&h), &creds, b"s3cret", None, 0).unwrap_err();
        assert_eq!(err.code(), "malformed");
        // Listing a name twice, in any case, is refused before any MAC.
        let (h, creds) = signed_with(
            "x-fost-headers X-A x-a",
            &[("X-A", "1")],
            &["x-fost-headers X-A x-a", "1", "1"],
        );
        assert_eq!(
            check(&get(&h), &creds, b"s3cret", None, 0)
                .unwrap_err()
                .code(),
            "malformed"
        );
        // The list naming itself first, in any case, verifies.
        let (h, creds) = signed_with(
            "x-fost-headers X-A",
            &[("X-A", "1")],
            &["x-fost-headers X-A", "1"],
        );
        assert!(check(&get(&h), &creds, b"s3cret", None, 0).is_ok());
    }

    #[test]
    fn header_lists_and_values_are_bounded() {
        let names: Vec<String> = (0..MAX_LISTED_HEADERS).map(|i| format!("X-{i}")).collect();
        let listed = format!("X-FOST-Headers {}", names.join(" "));
        let (h, creds) = signed_with(&listed, &[], &[]);
        assert_eq!(
            check(&get(&h), &creds, b"s3cret", None, 0)
                .unwrap_err()
                .code(),
            "malformed"
        );
        let big = "v".repeat(crate::request::MAX_SIGNED_HEADER_BYTES);
        let (h, creds) = signed_with("X-FOST-Headers X-Big", &[("X-Big", &big)], &[]);
        assert_eq!(
            check(&get(&h), &creds, b"s3cret", None, 0)
                .unwrap_err()
                .code(),
            "malformed"
        );
    }

    #[test]
    fn a_query_beside_a_body_is_refused_unless_allowed() {
        let (h, creds) = signed_request(b"{}", "");
        let req = Request {
            method: "POST",
            path: "/api/",
            query: "to=mallory",
            headers: &h,
            body: b"{}",
        };
        assert_eq!(
            check(&req, &creds, b"s3cret", None, 0).unwrap_err().code(),
            "malformed"
        );
        let lax = RequestPolicy {
            max_skew: None,
            allow_unsigned_query: true,
        };
        assert!(verify_request(&req, &creds, &raw(b"s3cret"), lax, 0, &KeyCache::new(0)).is_ok());
        assert_eq!(document_tail(b"", "a=1", false).unwrap(), b"a=1");
        assert_eq!(document_tail(b"x", "", false).unwrap(), b"x");
    }

    #[test]
    fn rotation_and_strict_signature_decoding() {
        let (h, creds) = signed_with("X-FOST-Headers", &[], &["X-FOST-Headers"]);
        let secrets = [
            Secret::Raw(SecretBytes::Borrowed(b"new")),
            Secret::Raw(SecretBytes::Borrowed(b"s3cret")),
        ];
        let policy = RequestPolicy {
            max_skew: None,
            ..POLICY
        };
        let (_, index) =
            verify_request(&get(&h), &creds, &secrets, policy, 0, &KeyCache::new(0)).unwrap();
        assert_eq!(index, 1);
        let unpadded = Credentials {
            signature: creds.signature.trim_end_matches('=').to_owned(),
            ..creds.clone()
        };
        assert_eq!(
            check(&get(&h), &unpadded, b"s3cret", None, 0)
                .unwrap_err()
                .code(),
            "malformed"
        );
        assert_eq!(
            verify_request(&get(&h), &creds, &[], policy, 0, &KeyCache::new(0)).unwrap_err(),
            Error::UnknownKey
        );
    }

    proptest! {
        #[test]
        fn parsers_never_panic(text in ".{0,200}") {
            let _ = parse_authorization(&text);
            let _ = url_params(&text);
            let _ = utf7_decode(&text);
            let _ = form_decode(&text);
            let _ = parse_timestamp(&text);
            let _ = filter_query_string(&text);
        }

        #[test]
        fn utf7_round_trips_and_stays_printable(text in "\\PC{0,40}|[\\x00-\\x7f]{0,40}") {
            let encoded = utf7_encode(&text);
            prop_assert!(encoded.bytes().all(|b| (b' '..=b'~').contains(&b)));
            prop_assert_eq!(utf7_decode(&encoded), Some(text));
        }
    }

    #[test]
    fn utf7_encodes_as_python_does_for_common_names() {
        // Python: "José".encode("utf-7") == b"Jos+AOk-", "a+b" -> b"a+-b".
        assert_eq!(utf7_encode("José"), "Jos+AOk-");
        assert_eq!(utf7_encode("a+b"), "a+-b");
        assert_eq!(utf7_encode("admin"), "admin");
        assert_eq!(utf7_encode("a\r\nb"), "a+AA0ACg-b");
        assert_eq!(percent_encode("a b/+="), "a%20b%2F%2B%3D");
    }
}
