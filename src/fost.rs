//! FOST request and URL signing, as django-fost-authn 0.3.8 speaks it:
//! HMAC-SHA1 in standard base64 over a newline-separated document.

use crate::error::{quoted, Error, Result};
use crate::mac::{base64_encode, ct_eq, Algorithm, Key};
use crate::request::Request;
use crate::time;

/// The header that lists the signed headers; always listed first.
pub const HEADERS_HEADER: &str = "X-FOST-Headers";

/// Base64 of HMAC-SHA1(secret, document).
pub fn sha1_hmac(secret: &[u8], document: &[u8]) -> String {
    base64_encode(&Key::new(Algorithm::Sha1, secret).sign(document))
}

/// `"{method} {path}\n{timestamp}\n{headers joined by \n}\n{body}"`.
pub fn request_document(
    method: &str,
    path: &str,
    timestamp: &str,
    headers: &[&str],
    body: &[u8],
) -> Vec<u8> {
    let mut doc = Vec::with_capacity(method.len() + path.len() + timestamp.len() + body.len() + 64);
    doc.extend_from_slice(method.as_bytes());
    doc.push(b' ');
    doc.extend_from_slice(path.as_bytes());
    doc.push(b'\n');
    doc.extend_from_slice(timestamp.as_bytes());
    doc.push(b'\n');
    for (i, value) in headers.iter().enumerate() {
        if i > 0 {
            doc.push(b'\n');
        }
        doc.extend_from_slice(value.as_bytes());
    }
    doc.push(b'\n');
    doc.extend_from_slice(body);
    doc
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
    if scheme != "FOST" {
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

/// Reads the timestamp and the signed headers, refusing requests that lack them.
pub fn request_fields<'a>(req: &Request<'a>) -> Result<RequestFields<'a>> {
    let timestamp = req
        .single_header("x-fost-timestamp")?
        .ok_or_else(|| Error::MissingHeader("X-FOST-Timestamp".into()))?;
    let listed = req
        .single_header("x-fost-headers")?
        .ok_or_else(|| Error::MissingHeader(HEADERS_HEADER.into()))?;
    let mut headers = Vec::new();
    for name in listed.split_ascii_whitespace() {
        let value = req
            .single_header(name)?
            .ok_or_else(|| Error::MissingHeader(name.to_owned()))?;
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

/// Verifies a FOST-signed request against `secret`.
pub fn verify_request(
    req: &Request<'_>,
    credentials: &Credentials,
    secret: &[u8],
    max_skew: Option<u64>,
    now: i64,
) -> Result<Signed> {
    let fields = request_fields(req)?;
    let stamp = parse_timestamp(fields.timestamp)?;
    if let Some(max_skew) = max_skew {
        time::check_fresh(stamp, now, max_skew, fields.timestamp)?;
    }
    let values: Vec<&str> = fields.headers.iter().map(|(_, v)| *v).collect();
    let tail = if req.body.is_empty() {
        req.query.as_bytes()
    } else {
        req.body
    };
    let document = request_document(req.method, req.path, fields.timestamp, &values, tail);
    let expected = sha1_hmac(secret, &document);
    if !ct_eq(expected.as_bytes(), credentials.signature.as_bytes()) {
        return Err(Error::BadSignature);
    }
    let act_as = fields
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-fost-user"))
        .map(|(_, user)| utf7_decode(user).unwrap_or_else(|| (*user).to_owned()));
    Ok(Signed {
        headers: fields
            .headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        act_as,
    })
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
}

/// Verifies a signed URL (`host` as the `Host` header has it, the path as
/// Django decodes it, the raw query string).
pub fn verify_url(
    host: &str,
    path: &str,
    query: &str,
    params: &UrlParams,
    secret: &[u8],
    policy: UrlPolicy,
    now: i64,
) -> Result<()> {
    let expires = match &params.expires {
        None if policy.require_expiry => {
            return Err(Error::malformed("signed URL has no _e expiry"))
        }
        None => "",
        Some(e) => e.as_str(),
    };
    if !expires.is_empty() || params.expires.is_some() {
        let at: i64 = expires
            .parse()
            .ok()
            .filter(|_| !expires.starts_with('+'))
            .ok_or_else(|| {
                Error::malformed(format!("expiry {} is not Unix seconds", quoted(expires)))
            })?;
        if at < now {
            return Err(Error::Expired(format!("expired at {at}, now {now}")));
        }
        if let Some(max) = policy.max_lifetime {
            if at.saturating_sub(now) as u64 > max {
                return Err(Error::Future(format!(
                    "expiry {at} is more than {max} s away"
                )));
            }
        }
    }
    let document = url_document(host, path, &filter_query_string(query), expires);
    if !ct_eq(
        sha1_hmac(secret, document.as_bytes()).as_bytes(),
        params.signature.as_bytes(),
    ) {
        return Err(Error::BadSignature);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::headers_from;
    use proptest::prelude::*;

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
        let signed = verify_request(&req, &creds, b"s3cret", Some(300), now).unwrap();
        assert_eq!(signed.act_as.as_deref(), Some("\u{e9}mile"));
        assert_eq!(
            signed.headers[0],
            ("X-FOST-Headers".into(), "X-FOST-Headers X-FOST-User".into())
        );
        assert_eq!(
            verify_request(&req, &creds, b"wrong", Some(300), now).unwrap_err(),
            Error::BadSignature
        );
        assert_eq!(
            verify_request(&req, &creds, b"s3cret", Some(300), now + 301)
                .unwrap_err()
                .code(),
            "stale"
        );
        assert_eq!(
            verify_request(&req, &creds, b"s3cret", Some(300), now - 301)
                .unwrap_err()
                .code(),
            "future"
        );
        let tampered = Request {
            body: b"{ }",
            ..req
        };
        assert_eq!(
            verify_request(&tampered, &creds, b"s3cret", None, now).unwrap_err(),
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
        assert!(verify_request(&with_query, &creds, b"s3cret", None, now).is_ok());

        let missing = headers_from(&[
            ("X-FOST-Timestamp", "2011-04-27 03:26:37"),
            ("X-FOST-Headers", "X-FOST-Headers X-Absent"),
        ]);
        let req = Request {
            headers: &missing,
            ..with_query
        };
        assert_eq!(
            verify_request(&req, &creds, b"s3cret", None, now)
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
            verify_request(&req, &creds, b"s3cret", None, now)
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
        assert!(verify_url(
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
            verify_url(
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
        assert_eq!(
            url_params("_k=a&_k=b&_s=x").unwrap_err().code(),
            "malformed"
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
    }
}
