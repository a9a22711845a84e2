//! draft-cavage HTTP Signatures with HMAC, as httpsig 1.3 and Flask-Cavage
//! speak them: parameter parsing, the signing string, the MAC and the
//! `Digest` header of the body.

use std::borrow::Cow;

use crate::error::{quoted, Error, Result};
use crate::keys::SchemeName;
use crate::mac::{
    base64_decode_mac, base64_encode, ct_eq, Algorithm, BodyDigest, Key, KeyCache, Secret,
};
use crate::pipeline::{self, AlgorithmChoice, DigestCheck, Freshness, Prepared, Verified};
use crate::request::{count_signed_bytes, eq_ignore_case, listed_names, trim, Request};
use crate::time;

pub const REQUEST_TARGET: &str = "(request-target)";

/// The most parameters one signature header may carry (the draft defines six).
pub const MAX_PARAMS: usize = 32;

/// What every signature must cover by default: the target, the host and a
/// timestamp; for methods with a body also its length, type and digest.
pub const BASE_HEADERS: [&str; 3] = [REQUEST_TARGET, "host", "date"];
pub const CONTENT_HEADERS: [&str; 3] = ["content-length", "content-type", "digest"];

/// The headers a signature for `method` must cover by default.
pub fn default_required(method: &str) -> Vec<String> {
    let with_body = ["post", "put", "patch"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method));
    let content: &[&str] = if with_body { &CONTENT_HEADERS } else { &[] };
    BASE_HEADERS
        .iter()
        .chain(content)
        .map(|h| (*h).to_owned())
        .collect()
}

/// Which query string `(request-target)` carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryRule {
    /// The query for every method, as the draft and httpsig sign it.
    Draft,
    /// The query for GET, HEAD and DELETE only, as Flask-Cavage verified: a
    /// POST's query is then unsigned. Only for custom legacy clients.
    FlaskCavage,
}

impl QueryRule {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "draft" => Some(QueryRule::Draft),
            "flask-cavage" => Some(QueryRule::FlaskCavage),
            _ => None,
        }
    }
}

/// The HMAC algorithms of the draft.
pub const ALGORITHMS: [(&str, Algorithm); 3] = [
    ("hmac-sha1", Algorithm::Sha1),
    ("hmac-sha256", Algorithm::Sha256),
    ("hmac-sha512", Algorithm::Sha512),
];

pub fn algorithm_from_name(name: &str) -> Result<Algorithm> {
    ALGORITHMS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, a)| *a)
        .ok_or_else(|| Error::UnknownAlgorithm(name.to_owned()))
}

pub fn algorithm_name(algorithm: Algorithm) -> Result<&'static str> {
    ALGORITHMS
        .iter()
        .find(|(_, a)| *a == algorithm)
        .map(|(n, _)| *n)
        .ok_or_else(|| Error::UnknownAlgorithm(format!("hmac-{}", algorithm.name())))
}

/// The parameters of one signature, borrowed from the header where possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params<'a> {
    pub key_id: Cow<'a, str>,
    pub algorithm: Option<Cow<'a, str>>,
    /// Lowercased, space-separated header names in signing order; `date` when absent.
    headers: Cow<'a, str>,
    pub signature: Cow<'a, str>,
}

impl Params<'_> {
    /// The same parameters, no longer borrowing from the header.
    pub fn into_owned(self) -> Params<'static> {
        Params {
            key_id: Cow::Owned(self.key_id.into_owned()),
            algorithm: self.algorithm.map(|a| Cow::Owned(a.into_owned())),
            headers: Cow::Owned(self.headers.into_owned()),
            signature: Cow::Owned(self.signature.into_owned()),
        }
    }

    /// The signed header names, lowercase, in signing order.
    pub fn headers(&self) -> std::str::SplitAsciiWhitespace<'_> {
        self.headers.split_ascii_whitespace()
    }
}

/// Parses `name="value", name=token, ...`. Values may be quoted strings with
/// backslash escapes; unknown parameters are ignored, duplicates refused.
pub fn parse_params(text: &str) -> Result<Params<'_>> {
    const KNOWN: [&str; 4] = ["keyid", "algorithm", "headers", "signature"];
    let mut known: [Option<Cow<'_, str>>; 4] = [None, None, None, None];
    // Bounded by MAX_PARAMS, so the duplicate check below stays linear.
    let mut unknown: Vec<&str> = Vec::new();
    let mut count = 0;
    let mut rest = text.trim_ascii_start();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix(',') {
            rest = after.trim_ascii_start();
            continue;
        }
        count += 1;
        if count > MAX_PARAMS {
            return Err(Error::malformed(format!(
                "more than {MAX_PARAMS} parameters"
            )));
        }
        let name_len = rest
            .bytes()
            .position(|b| b == b'=' || b == b',' || b.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let name = &rest[..name_len];
        rest = rest[name_len..].trim_ascii_start();
        rest = rest
            .strip_prefix('=')
            .ok_or_else(|| Error::malformed(format!("parameter {} has no value", quoted(name))))?
            .trim_ascii_start();
        if name.is_empty() {
            return Err(Error::malformed("parameter without a name"));
        }
        let (value, after) = parse_value(rest)?;
        rest = after.trim_ascii_start();
        if !(rest.is_empty() || rest.starts_with(',')) {
            return Err(Error::malformed("parameters must be separated by commas"));
        }
        let duplicated = match KNOWN.iter().position(|k| k.eq_ignore_ascii_case(name)) {
            Some(slot) => known[slot].replace(value).is_some(),
            None if unknown.iter().any(|u| u.eq_ignore_ascii_case(name)) => true,
            None => {
                unknown.push(name);
                false
            }
        };
        if duplicated {
            return Err(Error::malformed(format!(
                "parameter {} is duplicated",
                quoted(name)
            )));
        }
    }
    let [key_id, algorithm, headers, signature] = known;
    let key_id = key_id.ok_or_else(|| Error::malformed("keyId parameter is missing"))?;
    if key_id.is_empty() {
        return Err(Error::malformed("keyId is empty"));
    }
    let signature = signature.ok_or_else(|| Error::malformed("signature parameter is missing"))?;
    let headers = match headers {
        None => Cow::Borrowed("date"),
        Some(list) if list.trim().is_empty() => {
            return Err(Error::malformed("headers parameter is empty"));
        }
        Some(list) if has_uppercase(&list) => Cow::Owned(list.to_ascii_lowercase()),
        Some(list) => list,
    };
    Ok(Params {
        key_id,
        algorithm,
        headers,
        signature,
    })
}

/// Whether `text` has an ASCII capital: a fold rather than `any`, because
/// without the early exit it checks a vector of bytes at a time.
fn has_uppercase(text: &str) -> bool {
    text.bytes()
        .fold(false, |upper, b| upper | b.is_ascii_uppercase())
}

/// One parameter value and the text after it.
fn parse_value(text: &str) -> Result<(Cow<'_, str>, &str)> {
    let Some(body) = text.strip_prefix('"') else {
        let end = text
            .bytes()
            .position(|b| b == b',' || b.is_ascii_whitespace())
            .unwrap_or(text.len());
        if memchr::memchr(b'"', &text.as_bytes()[..end]).is_some() {
            return Err(Error::malformed("stray quote in parameter value"));
        }
        return Ok((Cow::Borrowed(&text[..end]), &text[end..]));
    };
    let end = memchr::memchr2(b'"', b'\\', body.as_bytes())
        .ok_or_else(|| Error::malformed("unterminated quoted string"))?;
    if body.as_bytes()[end] == b'"' {
        return Ok((Cow::Borrowed(&body[..end]), &body[end + 1..]));
    }
    // Escapes present: unescape from here on.
    let mut value = String::from(&body[..end]);
    let mut chars = body[end..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((Cow::Owned(value), &body[end + i + 1..])),
            '\\' => match chars.next() {
                Some((_, escaped)) => value.push(escaped),
                None => break,
            },
            _ => value.push(c),
        }
    }
    Err(Error::malformed("unterminated quoted string"))
}

/// The `Authorization` scheme's name (case-insensitive, RFC 7235) and the rest.
pub fn auth_scheme(value: &str) -> (&str, &str) {
    let value = value.trim_ascii_start();
    let end = value
        .bytes()
        .position(|b| b.is_ascii_whitespace())
        .unwrap_or(value.len());
    (&value[..end], value[end..].trim_ascii_start())
}

/// Whether a `Signature` header holds draft-cavage parameters (a `keyId=`)
/// rather than drf-hmac's bare base64 MAC, which has no `keyId=`.
pub fn holds_params(signature: &str) -> bool {
    signature.as_bytes().windows(5).enumerate().any(|(i, w)| {
        w.eq_ignore_ascii_case(b"keyid") && signature[i + 5..].trim_ascii_start().starts_with('=')
    })
}

/// Cavage's credentials, parsed: `Authorization` with scheme `Signature`, or
/// a `Signature` header holding draft-cavage parameters; `Ok(None)` for a
/// request with neither (not ours).
pub fn find<'a>(req: &Request<'a>) -> Result<Option<Params<'a>>> {
    if let Some(auth) = req.single_header("authorization")? {
        let (scheme, rest) = auth_scheme(auth);
        if scheme.eq_ignore_ascii_case("signature") {
            return parse_params(rest).map(Some);
        }
    }
    // A `Signature` beside `Signature-Input` is RFC 9421's.
    if crate::schemes::rfc9421::fields::present(req) {
        return Ok(None);
    }
    match req.single_header("signature")? {
        Some(value) if holds_params(value) => parse_params(value).map(Some),
        _ => Ok(None),
    }
}

/// Like `find`, for callers that expect a signature: its absence is an error.
pub fn find_params<'a>(req: &Request<'a>) -> Result<Params<'a>> {
    find(req)?.ok_or_else(|| Error::MissingHeader("Authorization: Signature".to_owned()))
}

/// Appends the request target: the lowercase method, the path as sent and,
/// as `rule` says, the query string.
fn push_request_target(out: &mut String, req: &Request<'_>, rule: QueryRule) {
    let start = out.len();
    out.push_str(req.method);
    out[start..].make_ascii_lowercase();
    out.push(' ');
    out.push_str(req.path);
    let with_query = match rule {
        QueryRule::Draft => true,
        QueryRule::FlaskCavage => ["get", "head", "delete"]
            .iter()
            .any(|m| m.eq_ignore_ascii_case(req.method)),
    };
    if with_query && !req.query.is_empty() {
        out.push('?');
        out.push_str(req.query);
    }
}

pub fn request_target(req: &Request<'_>, rule: QueryRule) -> String {
    let mut out = String::new();
    push_request_target(&mut out, req, rule);
    out
}

/// The signing string: `name: value` per listed header (names already checked
/// by `listed_names`), joined by `\n`. Each header is listed once and the
/// whole is capped at `MAX_SIGNED_HEADER_BYTES`, so it is never larger than
/// the request's own headers; the cap is checked before each value is copied.
pub fn signing_string(names: &[&str], req: &Request<'_>, rule: QueryRule) -> Result<String> {
    signing_input(names, req, rule).map(|input| input.text)
}

/// The signing string, and the signed `Date` and `Digest` as it read them,
/// so the checks that follow need not look them up again.
struct SigningInput<'a> {
    text: String,
    date: Option<Cow<'a, str>>,
    digest: Option<Cow<'a, str>>,
}

fn signing_input<'a>(
    names: &[&str],
    req: &Request<'a>,
    rule: QueryRule,
) -> Result<SigningInput<'a>> {
    let mut input = SigningInput {
        text: String::with_capacity(256),
        date: None,
        digest: None,
    };
    let out = &mut input.text;
    let mut total = 0;
    for (i, &name) in names.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(name);
        out.push_str(": ");
        if name == REQUEST_TARGET {
            let len = req.method.len() + req.path.len() + req.query.len() + 2;
            count_signed_bytes(&mut total, name.len() + len + 3)?;
            push_request_target(out, req, rule);
        } else if name.starts_with('(') {
            return Err(Error::malformed(format!(
                "unsupported pseudo-header {}",
                quoted(name)
            )));
        } else {
            let value = req
                .header(name)
                .ok_or_else(|| Error::MissingHeader(name.to_owned()))?;
            count_signed_bytes(&mut total, name.len() + value.len() + 3)?;
            out.push_str(&value);
            if name.eq_ignore_ascii_case("date") {
                input.date = Some(value);
            } else if name.eq_ignore_ascii_case("digest") {
                input.digest = Some(value);
            }
        }
    }
    Ok(input)
}

/// What a server demands of every signature.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Headers that must be signed (lowercase).
    pub required: Vec<String>,
    pub allowed: Vec<Algorithm>,
    /// Freshness window for the `Date`, which must then be signed; `None`
    /// disables the check (and the requirement).
    pub max_skew: Option<u64>,
    /// Accept MD5 and SHA-1 in the `Digest` header.
    pub legacy_digests: bool,
    pub query_rule: QueryRule,
}

impl Policy {
    /// The default policy for a method: `default_required(method)`, every
    /// HMAC algorithm, 300 s freshness, the draft's query rule.
    pub fn default_for(method: &str) -> Self {
        Policy {
            required: default_required(method),
            allowed: ALGORITHMS.iter().map(|(_, a)| *a).collect(),
            max_skew: Some(300),
            legacy_digests: false,
            query_rule: QueryRule::Draft,
        }
    }
}

/// The policy per lowercase method; `fallback` serves the others.
#[derive(Debug, Clone)]
pub struct Policies {
    pub per_method: Vec<(String, Policy)>,
    pub fallback: Policy,
}

impl Policies {
    /// `default_required(method)` for every method.
    pub fn defaults(max_skew: Option<u64>) -> Self {
        let with = |method: &str| Policy {
            max_skew,
            ..Policy::default_for(method)
        };
        Policies {
            per_method: ["post", "put", "patch"]
                .into_iter()
                .map(|m| (m.to_owned(), with(m)))
                .collect(),
            fallback: with("get"),
        }
    }

    pub fn for_method(&self, method: &str) -> &Policy {
        self.per_method
            .iter()
            .find(|(m, _)| m.eq_ignore_ascii_case(method))
            .map_or(&self.fallback, |(_, policy)| policy)
    }
}

/// The pipeline's step 3 for draft-cavage: the algorithm, the required
/// headers, a parseable signed `Date` while freshness is on, and the signing
/// string.
pub fn prepare<'a>(params: Params<'a>, req: &Request<'a>, policy: &Policy) -> Result<Prepared<'a>> {
    let signed = listed_names(&params.headers)?;
    let algorithm = match &params.algorithm {
        Some(name) => {
            let algorithm = algorithm_from_name(name)?;
            if !policy.allowed.contains(&algorithm) {
                return Err(Error::DisallowedAlgorithm(
                    algorithm_name(algorithm)?.to_owned(),
                ));
            }
            AlgorithmChoice::Fixed(algorithm)
        }
        None => AlgorithmChoice::FromKey(policy.allowed.clone()),
    };
    let is_signed = |name: &str| signed.iter().any(|s| eq_ignore_case(s, name));
    if let Some(missing) = policy.required.iter().find(|r| !is_signed(r)) {
        return Err(Error::HeaderNotSigned(format!(
            "header {}",
            quoted(missing)
        )));
    }
    // A signature that covers no timestamp would stay valid forever.
    if policy.max_skew.is_some() && !is_signed("date") {
        return Err(Error::HeaderNotSigned("header 'date'".to_owned()));
    }
    let input = signing_input(&signed, req, policy.query_rule)?;
    let claimed = base64_decode_mac(trim(&params.signature))
        .ok_or_else(|| Error::malformed("signature is not base64"))?;
    let stamp = input.date.map(|date| (time::parse_http_date(&date), date));
    let (timestamp, freshness) = match (stamp, policy.max_skew) {
        (Some((None, date)), Some(_)) => {
            return Err(Error::malformed(format!(
                "date {} is not an HTTP date",
                quoted(&date)
            )))
        }
        (Some((Some(at), date)), Some(max_skew)) => (
            Some(at),
            Freshness::Window {
                stamp: at,
                shown: date,
                max_skew,
                expires: None,
            },
        ),
        (Some((at, _)), None) => (at, Freshness::Unchecked),
        (None, _) => (None, Freshness::Unchecked),
    };
    // Every required header is signed by now, so a required `digest` is too.
    let digest = input.digest.map(|header| DigestCheck::Digest {
        header,
        legacy: policy.legacy_digests,
    });
    drop(signed);
    Ok(Prepared {
        scheme: SchemeName::Cavage,
        key_id: params.key_id,
        algorithm,
        head: input.text.into_bytes(),
        tail: b"",
        claimed,
        freshness,
        digest,
        covered: Cow::Owned(params.headers.into_owned()),
        act_as: None,
        timestamp,
        signed_headers: Vec::new(),
        recorded: true,
        nonce: None,
        alternatives: Vec::new(),
        delivery_id: None,
    })
}

/// Verifies parsed `params` against the request, the secrets the key store
/// returned for `params.key_id` and the server's policy, through the pipeline.
pub fn verify(
    params: Params<'_>,
    req: &Request<'_>,
    secrets: &[Secret<'_>],
    policy: &Policy,
    now: i64,
    keys: &KeyCache,
) -> Result<Verified> {
    pipeline::verify_with_secrets(secrets, || prepare(params, req, policy), req, keys, now)
}

/// Checks a `Digest: SHA-256=<base64>[, ...]` header against the body. Every
/// acceptable entry must match, and there must be at least one.
pub fn check_digest(header: &str, body: &[u8], legacy: bool) -> Result<()> {
    let mut checked = 0;
    let mut unsupported = None;
    for entry in header.split(',') {
        let entry = trim(entry);
        let Some(at) = memchr::memchr(b'=', entry.as_bytes()) else {
            return Err(Error::malformed("Digest entry without '='"));
        };
        let (name, value) = (&entry[..at], &entry[at + 1..]);
        match BodyDigest::from_name(trim(name)) {
            Some(d) if legacy || !d.is_legacy() => {
                let claimed = base64_decode_mac(trim(value))
                    .ok_or_else(|| Error::malformed("Digest value is not base64"))?;
                if !ct_eq(&d.hash(body), &claimed) {
                    return Err(Error::DigestMismatch(format!(
                        "{} of the body does not match",
                        d.name()
                    )));
                }
                checked += 1;
            }
            _ => unsupported = Some(trim(name).to_owned()),
        }
    }
    if checked == 0 {
        return Err(Error::UnknownAlgorithm(unsupported.unwrap_or_default()));
    }
    Ok(())
}

/// Signs `names` of the request and returns the parameter list
/// `keyId="…",algorithm="…",headers="…",signature="…"`.
pub fn sign(
    key_id: &str,
    key: &Key,
    names: &[String],
    req: &Request<'_>,
    rule: QueryRule,
) -> Result<String> {
    if key_id.is_empty() {
        return Err(Error::malformed("keyId is empty"));
    }
    let algorithm = algorithm_name(key.algorithm())?;
    let list = names
        .iter()
        .map(|n| n.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    let names = listed_names(&list)?;
    if names.is_empty() {
        return Err(Error::malformed("no headers to sign"));
    }
    let signing = signing_string(&names, req, rule)?;
    let signature = base64_encode(&key.sign(signing.as_bytes()));
    Ok(format!(
        "keyId=\"{}\",algorithm=\"{algorithm}\",headers=\"{}\",signature=\"{signature}\"",
        escape(key_id),
        names.join(" ")
    ))
}

fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mac::SecretBytes;
    use crate::request::{headers_from as headers, Header};
    use proptest::prelude::*;

    fn check(
        params: Params<'_>,
        req: &Request<'_>,
        secrets: &[Secret<'_>],
        policy: &Policy,
        now: i64,
    ) -> Result<Verified> {
        verify(params, req, secrets, policy, now, &KeyCache::new(4))
    }

    const DATE: &str = "Sun, 06 Nov 1994 08:49:37 GMT";
    const NOW: i64 = 784_111_777;

    fn names(list: &str) -> Vec<String> {
        list.split(' ').map(String::from).collect()
    }

    #[test]
    fn parses_quoted_escaped_and_unknown_params() {
        let p = parse_params(
            r#"keyId="my-key \"1\"", algorithm="hmac-sha256" ,headers="(request-target) Host date",extra=x, signature="c2ln""#,
        )
        .unwrap();
        assert_eq!(p.key_id, "my-key \"1\"");
        assert_eq!(p.algorithm.as_deref(), Some("hmac-sha256"));
        assert_eq!(
            p.headers().collect::<Vec<_>>(),
            names("(request-target) host date")
        );
        assert_eq!(p.signature, "c2ln");
    }

    #[test]
    fn commas_inside_quotes_are_values() {
        let p = parse_params(r#"keyId="a,b",signature="x,y""#).unwrap();
        assert_eq!((p.key_id.as_ref(), p.signature.as_ref()), ("a,b", "x,y"));
        assert_eq!(p.headers().collect::<Vec<_>>(), vec!["date"]);
    }

    #[test]
    fn rejects_malformed_params() {
        for bad in [
            "",
            "keyId",
            r#"keyId="a"#,
            r#"keyId="a",keyid="b",signature="s""#,
            r#"signature="s""#,
            r#"keyId="",signature="s""#,
            r#"keyId="a" signature="s""#,
            r#"keyId="a",headers="",signature="s""#,
            r#"keyId=a"b,signature=s"#,
            "=x",
        ] {
            let err = parse_params(bad).unwrap_err();
            assert_eq!(err.code(), "malformed", "{bad}: {err}");
        }
    }

    fn request<'a>(
        method: &'a str,
        query: &'a str,
        h: &'a [Header<'a>],
        body: &'a [u8],
    ) -> Request<'a> {
        Request {
            method,
            path: "/foo",
            query,
            headers: h,
            body,
        }
    }

    #[test]
    fn request_target_follows_the_query_rule() {
        let h = headers(&[]);
        let target = |method, query, rule| request_target(&request(method, query, &h, b""), rule);
        for rule in [QueryRule::Draft, QueryRule::FlaskCavage] {
            assert_eq!(target("GET", "a=1", rule), "get /foo?a=1");
            assert_eq!(target("DELETE", "a=1", rule), "delete /foo?a=1");
            assert_eq!(target("GET", "", rule), "get /foo");
        }
        assert_eq!(target("POST", "a=1", QueryRule::Draft), "post /foo?a=1");
        assert_eq!(target("POST", "a=1", QueryRule::FlaskCavage), "post /foo");
    }

    fn signed(
        method: &str,
        list: &str,
        h: &mut Vec<Header<'static>>,
        body: &[u8],
    ) -> Params<'static> {
        let key = Key::new(Algorithm::Sha256, b"secret");
        let value = sign(
            "key-1",
            &key,
            &names(list),
            &request(method, "q=1", h, body),
            QueryRule::Draft,
        )
        .unwrap();
        h.push(("Authorization".into(), format!("Signature {value}").into()));
        find_params(&request(method, "q=1", h, body))
            .unwrap()
            .into_owned()
    }

    fn policy(required: &str) -> Policy {
        Policy {
            required: names(required),
            ..Policy::default_for("GET")
        }
    }

    #[test]
    fn sign_then_verify_round_trip() {
        let body = br#"{"a":1}"#;
        let mut h = headers(&[
            ("Host", "example.com"),
            ("Date", DATE),
            ("Content-Type", "application/json"),
            ("Content-Length", "7"),
            ("Digest", &BodyDigest::Sha256.header_value(body)),
        ]);
        let list = "(request-target) host date content-length content-type digest";
        let params = signed("POST", list, &mut h, body);
        let req = request("POST", "q=1", &h, body);
        let ok = check(
            params.clone(),
            &req,
            &[Secret::Raw(SecretBytes::Borrowed(b"secret"))],
            &policy(list),
            NOW,
        )
        .unwrap();
        assert_eq!((ok.key_id.as_str(), ok.algorithm), ("key-1", "hmac-sha256"));

        let wrong = check(
            params.clone(),
            &req,
            &[Secret::Raw(SecretBytes::Borrowed(b"other"))],
            &policy(list),
            NOW,
        );
        assert_eq!(wrong.unwrap_err(), Error::BadSignature);

        let tampered = request("POST", "q=1", &h, br#"{"a":2}"#);
        let err = check(
            params.clone(),
            &tampered,
            &[Secret::Raw(SecretBytes::Borrowed(b"secret"))],
            &policy(list),
            NOW,
        );
        assert_eq!(err.unwrap_err().code(), "digest_mismatch");

        let put = request("PUT", "q=1", &h, body);
        let err = check(
            params.clone(),
            &put,
            &[Secret::Raw(SecretBytes::Borrowed(b"secret"))],
            &policy(list),
            NOW,
        );
        assert_eq!(err.unwrap_err(), Error::BadSignature);
    }

    #[test]
    fn policy_failures_have_their_codes() {
        let mut h = headers(&[("Host", "h"), ("Date", DATE)]);
        let params = signed("GET", "date", &mut h, b"");
        let req = request("GET", "q=1", &h, b"");
        let raw = [Secret::Raw(SecretBytes::Borrowed(b"secret"))];
        let code = |p: &Policy, secrets: &[Secret<'_>], now: i64| {
            check(params.clone(), &req, secrets, p, now)
                .unwrap_err()
                .code()
        };
        assert_eq!(
            code(&policy("(request-target) host date"), &raw, NOW),
            "header_not_signed"
        );
        assert_eq!(code(&policy("date"), &raw, NOW + 301), "stale");
        assert_eq!(code(&policy("date"), &raw, NOW - 301), "future");
        assert_eq!(code(&policy("date"), &[], NOW), "unknown_key");
        let only_sha1 = Policy {
            allowed: vec![Algorithm::Sha1],
            ..policy("date")
        };
        assert_eq!(code(&only_sha1, &raw, NOW), "disallowed_algorithm");
        let pinned = [Secret::Pinned(Cow::Owned(Key::new(
            Algorithm::Sha512,
            b"secret",
        )))];
        assert_eq!(code(&policy("date"), &pinned, NOW), "disallowed_algorithm");
        let no_skew = Policy {
            max_skew: None,
            ..policy("date")
        };
        assert!(check(params.clone(), &req, &raw, &no_skew, 0).is_ok());
        let rotated = [
            Secret::Raw(SecretBytes::Borrowed(b"new")),
            Secret::Raw(SecretBytes::Borrowed(b"secret")),
        ];
        assert_eq!(
            check(params.clone(), &req, &rotated, &policy("date"), NOW)
                .unwrap()
                .secret_index,
            1
        );
    }

    #[test]
    fn missing_signed_header_and_unknown_algorithm() {
        let h = headers(&[(
            "Authorization",
            r#"Signature keyId="k",algorithm="rsa-sha256",headers="date x-missing",signature="AA==""#,
        )]);
        let req = request("GET", "", &h, b"");
        let params = find_params(&req).unwrap();
        let raw = [Secret::Raw(SecretBytes::Borrowed(b"s"))];
        assert_eq!(
            check(params.clone(), &req, &raw, &policy("date"), NOW)
                .unwrap_err()
                .code(),
            "unknown_algorithm"
        );
        let params = Params {
            algorithm: Some("hmac-sha1".into()),
            ..params
        };
        assert_eq!(
            check(params.clone(), &req, &raw, &policy("date"), NOW)
                .unwrap_err()
                .code(),
            "missing_header"
        );
    }

    #[test]
    fn signature_header_form_and_duplicate_authorization() {
        let h = headers(&[("Signature", r#"keyId="k",signature="AA==""#)]);
        assert_eq!(
            find_params(&request("GET", "", &h, b"")).unwrap().key_id,
            "k"
        );
        let h = headers(&[("Authorization", "Bearer x")]);
        assert_eq!(
            find_params(&request("GET", "", &h, b""))
                .unwrap_err()
                .code(),
            "missing_header"
        );
        let h = headers(&[
            ("Authorization", "Signature a=b"),
            ("authorization", "Signature c=d"),
        ]);
        assert_eq!(
            find_params(&request("GET", "", &h, b""))
                .unwrap_err()
                .code(),
            "malformed"
        );
    }

    #[test]
    fn digest_header_rules() {
        let body = b"hello";
        let sha256 = BodyDigest::Sha256.header_value(body);
        let md5 = BodyDigest::Md5.header_value(body);
        assert!(check_digest(&sha256, body, false).is_ok());
        assert!(check_digest(&format!("{md5}, {sha256}"), body, false).is_ok());
        assert_eq!(
            check_digest(&md5, body, false).unwrap_err().code(),
            "unknown_algorithm"
        );
        assert!(check_digest(&md5, body, true).is_ok());
        assert_eq!(
            check_digest("CRC32=AAAA", body, false).unwrap_err().code(),
            "unknown_algorithm"
        );
        assert_eq!(
            check_digest(&sha256, b"other", false).unwrap_err().code(),
            "digest_mismatch"
        );
        assert_eq!(
            check_digest("SHA-256", body, false).unwrap_err().code(),
            "malformed"
        );
        assert_eq!(
            check_digest("SHA-256=%%%", body, false).unwrap_err().code(),
            "malformed"
        );
    }

    #[test]
    fn draft_rule_signs_the_query_of_every_method() {
        let mut h = headers(&[("Host", "h"), ("Date", DATE)]);
        let params = signed("POST", "(request-target) host date", &mut h, b"");
        let raw = [Secret::Raw(SecretBytes::Borrowed(b"secret"))];
        let strict = policy("(request-target) host date");
        let ok = |query, p: &Policy| {
            check(
                params.clone(),
                &request("POST", query, &h, b""),
                &raw,
                p,
                NOW,
            )
        };
        assert!(ok("q=1", &strict).is_ok());
        assert_eq!(ok("q=2", &strict).unwrap_err(), Error::BadSignature);
        let legacy = Policy {
            query_rule: QueryRule::FlaskCavage,
            ..strict.clone()
        };
        // Under the legacy rule the query is not signed, so only the empty-query form verifies.
        assert_eq!(ok("q=1", &legacy).unwrap_err(), Error::BadSignature);
        assert_eq!(
            QueryRule::from_name("flask-cavage"),
            Some(QueryRule::FlaskCavage)
        );
        assert_eq!(QueryRule::from_name("Draft"), None);
    }

    #[test]
    fn defaults_cover_target_host_date_and_content() {
        assert_eq!(default_required("get"), names("(request-target) host date"));
        assert_eq!(
            default_required("PATCH"),
            names("(request-target) host date content-length content-type digest")
        );
        // A date-only signature made for GET /public does not verify elsewhere.
        let mut h = headers(&[("Host", "h"), ("Date", DATE)]);
        let params = signed("GET", "date", &mut h, b"");
        let raw = [Secret::Raw(SecretBytes::Borrowed(b"secret"))];
        let req = request("DELETE", "", &h, b"");
        let err = check(params, &req, &raw, &Policy::default_for("DELETE"), NOW).unwrap_err();
        assert_eq!(err.code(), "header_not_signed");
    }

    #[test]
    fn a_signature_without_a_timestamp_needs_freshness_off() {
        let mut h = headers(&[("Host", "h")]);
        let params = signed("GET", "host", &mut h, b"");
        let raw = [Secret::Raw(SecretBytes::Borrowed(b"secret"))];
        let req = request("GET", "q=1", &h, b"");
        let err = check(params.clone(), &req, &raw, &policy("host"), NOW).unwrap_err();
        assert_eq!(err, Error::HeaderNotSigned("header 'date'".into()));
        let off = Policy {
            max_skew: None,
            ..policy("host")
        };
        assert!(check(params, &req, &raw, &off, NOW).is_ok());
    }

    #[test]
    fn repeated_or_too_many_names_are_refused_before_any_work() {
        let h = headers(&[("Host", "h"), ("Date", DATE), ("X-A", &"v".repeat(65536))]);
        let req = request("GET", "", &h, b"");
        let raw = [Secret::Raw(SecretBytes::Borrowed(b"s"))];
        let code = |list: &str| {
            let params = Params {
                key_id: "k".into(),
                algorithm: Some("hmac-sha256".into()),
                headers: list.to_owned().into(),
                signature: "AAAA".into(),
            };
            check(params, &req, &raw, &policy(""), NOW)
                .unwrap_err()
                .code()
        };
        let repeated = format!(
            "(request-target) host date {}",
            vec!["x-a"; 16000].join(" ")
        );
        assert_eq!(code(&repeated), "malformed");
        let many: Vec<String> = (0..65).map(|i| format!("x-{i}")).collect();
        assert_eq!(code(&format!("date {}", many.join(" "))), "malformed");
        // Each header fits, but together they pass the cap on signed bytes.
        let big = "v".repeat(crate::request::MAX_SIGNED_HEADER_BYTES / 4);
        let hs: Vec<(String, String)> = (0..5).map(|i| (format!("x-{i}"), big.clone())).collect();
        let mut all: Vec<(&str, &str)> = hs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        all.push(("Date", DATE));
        let h = headers(&all);
        let req = request("GET", "", &h, b"");
        let err = signing_string(
            &["date", "x-0", "x-1", "x-2", "x-3", "x-4"],
            &req,
            QueryRule::Draft,
        );
        assert_eq!(err.err().unwrap().code(), "malformed");
    }

    #[test]
    fn many_unknown_parameters_are_refused_quickly() {
        let many: Vec<String> = (0..90_000).map(|i| format!("p{i}=x")).collect();
        // Refused at the cap, before the duplicate check could grow quadratic.
        assert_eq!(
            parse_params(&many.join(",")).unwrap_err().code(),
            "malformed"
        );
        let few: Vec<String> = (0..MAX_PARAMS - 2).map(|i| format!("p{i}=x")).collect();
        assert!(parse_params(&format!("keyId=k,signature=s,{}", few.join(","))).is_ok());
    }

    proptest! {
        #[test]
        fn parser_never_panics(text in ".{0,300}") {
            let _ = parse_params(&text);
        }

        #[test]
        fn parser_never_panics_on_param_like_input(
            parts in proptest::collection::vec(("[a-zA-Z]{0,8}", "[\"\\\\,= a-z]{0,12}"), 0..8)
        ) {
            let text: Vec<String> = parts.iter().map(|(n, v)| format!("{n}={v}")).collect();
            let _ = parse_params(&text.join(","));
        }

        #[test]
        fn verify_never_panics(
            date in ".{0,40}",
            digest in ".{0,80}",
            list in "[a-z() -]{0,40}",
            signature in ".{0,90}",
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
        ) {
            let h = headers(&[("Date", &date), ("Digest", &digest), ("Host", "h")]);
            let req = request("POST", "q=1", &h, &body);
            // A correct MAC where one can be made, so the Date and Digest checks run too.
            let names: Vec<String> = list.split_ascii_whitespace().map(String::from).collect();
            let signature = sign("k", &Key::new(Algorithm::Sha256, b"s"), &names, &req, QueryRule::Draft)
                .ok()
                .and_then(|v| parse_params(&v).ok().map(|p| p.signature.into_owned()))
                .unwrap_or(signature);
            let params = Params {
                key_id: "k".into(),
                algorithm: Some("hmac-sha256".into()),
                headers: list.into(),
                signature: signature.into(),
            };
            let _ = check_digest(&digest, &body, true);
            let policy = Policy { required: vec![], ..Policy::default_for("GET") };
            let _ = check(params, &req, &[Secret::Raw(SecretBytes::Borrowed(b"s"))], &policy, 0);
        }

        #[test]
        fn any_key_id_round_trips(key_id in "[ -~]{1,40}") {
            let h = headers(&[("Date", DATE)]);
            let req = request("GET", "", &h, b"");
            let value = sign(&key_id, &Key::new(Algorithm::Sha1, b"s"), &["date".into()], &req, QueryRule::Draft).unwrap();
            prop_assert_eq!(parse_params(&value).unwrap().key_id, key_id);
        }
    }
}
