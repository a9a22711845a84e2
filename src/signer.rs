//! Native signers, one per scheme: checked when built, they sign a request in
//! one call and return the headers to add (timestamps, `Digest`, the
//! signature), so no client builds a signing string. The signing input is the
//! scheme module's, the same the verifier rebuilds.

use std::borrow::Cow;
use std::fmt;

use crate::content_digest;
use crate::keys::SchemeName;
use crate::mac::{base64_encode, Algorithm, BodyDigest, Key};
use crate::request::{decoded_path, listed_names, Header, Request};
use crate::schemes::cavage::{self, QueryRule};
use crate::schemes::{drf, fost, rfc9421};
use crate::time;

/// A request that cannot be signed as asked: a mistake of the caller, never a
/// refusal of someone else's request (Python raises `ValueError`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignError(pub String);

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot sign: {}", self.0)
    }
}

impl std::error::Error for SignError {}

pub type SignResult<T> = std::result::Result<T, SignError>;

fn mistake<T>(message: impl Into<String>) -> SignResult<T> {
    Err(SignError(message.into()))
}

/// Where a Cavage signature goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignHeader {
    /// `Authorization: Signature keyId=…`
    Authorization,
    /// `Signature: keyId=…`
    Signature,
}

/// What each scheme's signer needs beyond the key.
#[derive(Debug, Clone)]
pub enum Options {
    Cavage {
        /// The headers to sign; `None`: the draft's defaults for the method.
        headers: Option<Vec<String>>,
        sign_header: SignHeader,
        query_rule: QueryRule,
    },
    Drf {
        /// What the server signs as hostname; `None`: the request's `Host`.
        hostname: Option<String>,
    },
    Fost {
        /// Further request headers to sign, in order.
        headers: Vec<String>,
        /// The user to act as (a signed `X-FOST-User`).
        act_as: Option<String>,
        /// Sign a request with both a body and a query (the query unsigned).
        allow_unsigned_query: bool,
    },
    Rfc9421 {
        /// Serialised component identifiers; `None`: `@method @authority
        /// @path @query`, and `content-digest` for a request with content.
        components: Option<Vec<String>>,
        label: String,
        tag: Option<String>,
        /// Seconds from `created` to a signed `expires`.
        expires_in: Option<u64>,
        include_alg: bool,
        /// The digest a `Content-Digest` the signer adds uses.
        content_digest: content_digest::Algorithm,
    },
}

/// A response to sign with RFC 9421, and the request it answers (for the
/// components marked `;req`).
#[derive(Debug, Clone, Copy)]
pub struct ResponseToSign<'a> {
    pub status: u16,
    pub headers: &'a [Header<'a>],
    pub body: &'a [u8],
    pub request: Option<&'a Request<'a>>,
}

/// What an RFC 9421 signature takes from the one request it signs.
#[derive(Debug, Clone, Copy, Default)]
pub struct PerRequest<'a> {
    /// `http` or `https`, for `@scheme` and `@target-uri`.
    pub url_scheme: &'a str,
    /// A nonce to sign (a random one, or the one a server asked for).
    pub nonce: Option<&'a str>,
    /// A server's `Accept-Signature`: sign what it asks for instead of the
    /// signer's own components, label and tag.
    pub accept: Option<&'a str>,
    /// A server's `Want-Content-Digest`: the digest algorithm it prefers.
    pub want_content_digest: Option<&'a str>,
}

/// One signed request: the headers to add, in the order a client sends them,
/// and the exact bytes that were MACed (for debugging a mismatch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub headers: Vec<(String, String)>,
    pub signing_input: Vec<u8>,
}

/// A signer for one key and scheme.
pub struct Signer {
    key_id: String,
    key: Key,
    options: Options,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the key.
        f.debug_struct("Signer")
            .field("scheme", &self.scheme().name())
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

fn is_header_safe(text: &str) -> bool {
    text.bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
}

fn checked_names(names: &[String], what: &str) -> SignResult<()> {
    let joined = names.join(" ");
    let listed = listed_names(&joined).map_err(|e| SignError(format!("{what}: {e}")))?;
    if listed.len() != names.len() || names.iter().any(|n| n.is_empty() || !is_header_safe(n)) {
        return mistake(format!(
            "{what} must be header names without spaces or control characters"
        ));
    }
    Ok(())
}

impl Signer {
    /// A signer; `key` carries the algorithm (Cavage: any of its three;
    /// drf-hmac: SHA-256 keyed with the hex-decoded secret, see `drf_key`;
    /// FOST: SHA-1).
    pub fn new(key_id: &str, key: Key, options: Options) -> SignResult<Self> {
        if key_id.is_empty() || key_id.chars().any(char::is_control) {
            return mistake("the key id must be non-empty, without control characters");
        }
        match &options {
            Options::Cavage { headers, .. } => {
                cavage::algorithm_name(key.algorithm()).map_err(|_| {
                    SignError("Cavage signs with hmac-sha1, hmac-sha256 or hmac-sha512".into())
                })?;
                if !key_id.is_ascii() {
                    return mistake("a Cavage key id must be ASCII");
                }
                if let Some(names) = headers {
                    if names.is_empty() {
                        return mistake("there are no headers to sign");
                    }
                    checked_names(names, "headers")?;
                }
            }
            Options::Drf { hostname } => {
                if key.algorithm() != Algorithm::Sha256 {
                    return mistake("drf-hmac signs with HMAC-SHA256");
                }
                if !key_id.is_ascii() {
                    return mistake("a drf-hmac key id must be ASCII");
                }
                if hostname.as_deref().is_some_and(|h| !is_header_safe(h)) {
                    return mistake("the hostname must not hold control characters");
                }
            }
            Options::Fost {
                headers, act_as, ..
            } => {
                if key.algorithm() != Algorithm::Sha1 {
                    return mistake("FOST signs with HMAC-SHA1");
                }
                if key_id.contains(':') || key_id.chars().any(char::is_whitespace) {
                    return mistake("a FOST key id must not hold ':' or whitespace");
                }
                checked_names(headers, "headers")?;
                let reserved = |n: &String| {
                    n.eq_ignore_ascii_case(fost::HEADERS_HEADER)
                        || n.eq_ignore_ascii_case("x-fost-timestamp")
                        || (act_as.is_some() && n.eq_ignore_ascii_case("x-fost-user"))
                };
                if headers.iter().any(reserved) {
                    return mistake(
                        "headers must not name X-FOST-Headers or X-FOST-Timestamp \
                         (nor X-FOST-User with act_as)",
                    );
                }
            }
            Options::Rfc9421 {
                components,
                label,
                tag,
                ..
            } => {
                if key.algorithm() != Algorithm::Sha256 {
                    return mistake("RFC 9421 signs with hmac-sha256");
                }
                // Everything a signature declares is checked now, with a
                // throwaway signature input.
                let params = rfc9421::SignParams {
                    label,
                    components: components.as_deref().unwrap_or_default(),
                    created: Some(0),
                    tag: tag.as_deref(),
                    ..Default::default()
                };
                rfc9421::signature_input(key_id, &params).map_err(|e| {
                    SignError(
                        e.to_string()
                            .trim_start_matches("malformed signature: ")
                            .to_owned(),
                    )
                })?;
            }
        }
        Ok(Signer {
            key_id: key_id.to_owned(),
            key,
            options,
        })
    }

    pub fn scheme(&self) -> SchemeName {
        match self.options {
            Options::Cavage { .. } => SchemeName::Cavage,
            Options::Drf { .. } => SchemeName::DrfHmac,
            Options::Fost { .. } => SchemeName::Fost,
            Options::Rfc9421 { .. } => SchemeName::Rfc9421,
        }
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Signs `req` at `now` (Unix seconds). A timestamp header the request
    /// already has (`Date`, `Timestamp`, `X-FOST-Timestamp`) is signed as
    /// it is; otherwise one is added.
    pub fn sign(&self, req: &Request<'_>, now: i64) -> SignResult<Signature> {
        self.sign_with(req, now, &PerRequest::default())
    }

    /// `sign`, with what an RFC 9421 signature takes from the request.
    pub fn sign_with(
        &self,
        req: &Request<'_>,
        now: i64,
        per_request: &PerRequest<'_>,
    ) -> SignResult<Signature> {
        match &self.options {
            Options::Cavage {
                headers,
                sign_header,
                query_rule,
            } => self.sign_cavage(req, now, headers.as_deref(), *sign_header, *query_rule),
            Options::Drf { hostname } => self.sign_drf(req, now, hostname.as_deref()),
            Options::Fost {
                headers,
                act_as,
                allow_unsigned_query,
            } => self.sign_fost(req, now, headers, act_as.as_deref(), *allow_unsigned_query),
            Options::Rfc9421 { .. } => self.sign_rfc9421(req, now, per_request),
        }
    }

    /// Signs a response (RFC 9421 only): by default `@status`, and
    /// `content-digest` (added when absent) for a response with content.
    pub fn sign_response(
        &self,
        response: &ResponseToSign<'_>,
        components: Option<&[String]>,
        now: i64,
        per_request: &PerRequest<'_>,
    ) -> SignResult<Signature> {
        let Options::Rfc9421 {
            label,
            tag,
            content_digest,
            ..
        } = &self.options
        else {
            return mistake("only RFC 9421 signs responses");
        };
        let defaults;
        let components = match components {
            Some(given) => given,
            None => {
                defaults = default_components(
                    &rfc9421::DEFAULT_RESPONSE_REQUIRED,
                    !response.body.is_empty(),
                );
                &defaults
            }
        };
        let view = Request {
            method: "",
            path: "",
            query: "",
            headers: response.headers,
            body: response.body,
        };
        let added: Vec<_> = digest_to_add(components, &view, *content_digest)
            .into_iter()
            .collect();
        let headers = with_added(response.headers, &added, &[]);
        let no_request = Request {
            headers: &[],
            ..view
        };
        let message = rfc9421::Message {
            request: response.request.unwrap_or(&no_request),
            url_scheme: url_scheme_or_http(per_request.url_scheme),
            response: Some(rfc9421::Response {
                status: response.status,
                headers: &headers,
            }),
        };
        let params = self.rfc9421_params(now, label, tag.as_deref(), per_request.nonce, components);
        self.finish_rfc9421(&params, &message, &added)
    }

    fn sign_rfc9421(
        &self,
        req: &Request<'_>,
        now: i64,
        per_request: &PerRequest<'_>,
    ) -> SignResult<Signature> {
        let Options::Rfc9421 {
            components,
            label,
            tag,
            content_digest,
            ..
        } = &self.options
        else {
            return mistake("not an RFC 9421 signer");
        };
        let requested = per_request
            .accept
            .map(rfc9421::requested)
            .transpose()
            .map_err(|e| SignError(format!("the Accept-Signature cannot be honoured: {e}")))?;
        let (label, tag, nonce) = match &requested {
            Some(asked) => {
                let nonce = asked.nonce.as_deref().or(per_request.nonce);
                if asked.wants_nonce && nonce.is_none() {
                    return mistake("the Accept-Signature asks for a nonce: pass nonce=");
                }
                (&asked.label, asked.tag.as_ref().or(tag.as_ref()), nonce)
            }
            None => (label, tag.as_ref(), per_request.nonce),
        };
        let defaults;
        let components = match (&requested, components) {
            (Some(asked), _) => &asked.components,
            (None, Some(given)) => given,
            (None, None) => {
                defaults = default_components(&rfc9421::DEFAULT_REQUIRED, !req.body.is_empty());
                &defaults
            }
        };
        let algorithm = per_request
            .want_content_digest
            .and_then(content_digest::preferred)
            .unwrap_or(*content_digest);
        let added: Vec<_> = digest_to_add(components, req, algorithm)
            .into_iter()
            .collect();
        let headers = with_added(req.headers, &added, &[]);
        let view = Request {
            headers: &headers,
            ..*req
        };
        let message = rfc9421::Message {
            request: &view,
            url_scheme: url_scheme_or_http(per_request.url_scheme),
            response: None,
        };
        let params = self.rfc9421_params(now, label, tag.map(String::as_str), nonce, components);
        self.finish_rfc9421(&params, &message, &added)
    }

    /// One RFC 9421 signature's parameters at `now`, with the signer's
    /// `expires_in` and `alg` choices.
    fn rfc9421_params<'p>(
        &self,
        now: i64,
        label: &'p str,
        tag: Option<&'p str>,
        nonce: Option<&'p str>,
        components: &'p [String],
    ) -> rfc9421::SignParams<'p> {
        let (expires_in, include_alg) = match &self.options {
            Options::Rfc9421 {
                expires_in,
                include_alg,
                ..
            } => (*expires_in, *include_alg),
            _ => (None, true),
        };
        rfc9421::SignParams {
            label,
            components,
            created: Some(now),
            expires: expires_in.map(|s| now.saturating_add_unsigned(s)),
            nonce,
            tag,
            include_alg,
        }
    }

    /// Signs `message` and returns the headers to add: `added` (a
    /// `Content-Digest`), then `Signature-Input` and `Signature`.
    fn finish_rfc9421(
        &self,
        params: &rfc9421::SignParams<'_>,
        message: &rfc9421::Message<'_>,
        added: &[(String, String)],
    ) -> SignResult<Signature> {
        let signed = rfc9421::sign(&self.key, &self.key_id, params, message).map_err(sign_error)?;
        let mut added = added.to_vec();
        added.push(("Signature-Input".to_owned(), signed.signature_input));
        added.push(("Signature".to_owned(), signed.signature));
        Ok(Signature {
            headers: added,
            signing_input: signed.base,
        })
    }

    fn sign_cavage(
        &self,
        req: &Request<'_>,
        now: i64,
        names: Option<&[String]>,
        sign_header: SignHeader,
        rule: QueryRule,
    ) -> SignResult<Signature> {
        let defaults;
        let names = match names {
            Some(names) => names,
            None => {
                defaults = cavage::default_required(req.method);
                &defaults
            }
        };
        let lists = |name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name));
        let mut added = Vec::with_capacity(3);
        if req.header("date").is_none() {
            added.push(("Date".to_owned(), time::format_http_date(now)));
        }
        if !req.body.is_empty() || lists("digest") {
            added.push((
                "Digest".to_owned(),
                BodyDigest::Sha256.header_value(req.body),
            ));
        }
        let headers = with_added(req.headers, &added, &["digest"]);
        let view = Request {
            headers: &headers,
            ..*req
        };
        let lowered: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
        let borrowed: Vec<&str> = lowered.iter().map(String::as_str).collect();
        let signing = cavage::signing_string(&borrowed, &view, rule).map_err(|e| match e {
            crate::error::Error::MissingHeader(name) => SignError(format!(
                "header {} is to be signed but the request lacks it",
                crate::error::quoted(&name)
            )),
            other => SignError(other.to_string()),
        })?;
        let signature = base64_encode(&self.key.sign(signing.as_bytes()));
        let params = format!(
            "keyId=\"{}\",algorithm=\"{}\",headers=\"{}\",signature=\"{signature}\"",
            self.key_id.replace('\\', "\\\\").replace('"', "\\\""),
            cavage::algorithm_name(self.key.algorithm()).unwrap_or("hmac-sha256"),
            lowered.join(" "),
        );
        added.push(match sign_header {
            SignHeader::Authorization => {
                ("Authorization".to_owned(), format!("Signature {params}"))
            }
            SignHeader::Signature => ("Signature".to_owned(), params),
        });
        Ok(Signature {
            headers: added,
            signing_input: signing.into_bytes(),
        })
    }

    fn sign_drf(
        &self,
        req: &Request<'_>,
        now: i64,
        hostname: Option<&str>,
    ) -> SignResult<Signature> {
        let host = match hostname {
            Some(host) => Cow::Borrowed(host),
            None => req.header("host").ok_or_else(|| {
                SignError("drf-hmac signs the hostname: pass hostname= or a Host header".into())
            })?,
        };
        let timestamp = match req.header("timestamp") {
            Some(stamp) => stamp.into_owned(),
            None => time::format_iso8601(now, 'T', "Z"),
        };
        let path = decoded_path(req.path);
        let message = drf::Message {
            method: req.method,
            hostname: &host,
            path: &path,
            timestamp: &timestamp,
            data: req.body,
        };
        Ok(Signature {
            headers: vec![
                ("Key".to_owned(), self.key_id.clone()),
                ("Timestamp".to_owned(), timestamp.clone()),
                ("Signature".to_owned(), drf::sign(&self.key, &message)),
            ],
            signing_input: message.string_to_sign(),
        })
    }

    fn sign_fost(
        &self,
        req: &Request<'_>,
        now: i64,
        extra: &[String],
        act_as: Option<&str>,
        allow_unsigned_query: bool,
    ) -> SignResult<Signature> {
        let tail =
            fost::document_tail(req.body, req.query, allow_unsigned_query).map_err(|_| {
                SignError(
                "FOST signs the body or the query string, not both: this request's query would \
                 go unsigned; move it into the body, or allow_unsigned_query for a server with \
                 FOST_AUTHN_ALLOW_UNSIGNED_QUERY = True"
                    .into(),
            )
            })?;
        let mut added = Vec::with_capacity(4);
        let mut names: Vec<&str> = extra.iter().map(String::as_str).collect();
        if let Some(user) = act_as {
            added.push(("X-FOST-User".to_owned(), fost::utf7_encode(user)));
            names.push("X-FOST-User");
        }
        let timestamp = match req.header("x-fost-timestamp") {
            Some(stamp) => stamp.into_owned(),
            None => time::format_iso8601(now, ' ', ""),
        };
        let listed = std::iter::once(fost::HEADERS_HEADER)
            .chain(names.iter().copied())
            .collect::<Vec<_>>()
            .join(" ");
        let mut values: Vec<Cow<'_, str>> = vec![Cow::Borrowed(&listed)];
        for name in extra {
            let value = req.header(name).ok_or_else(|| {
                SignError(format!(
                    "header {} is to be signed but the request lacks it",
                    crate::error::quoted(name)
                ))
            })?;
            values.push(value);
        }
        if let Some((_, user)) = added.first() {
            values.push(Cow::Owned(user.clone()));
        }
        let borrowed: Vec<&str> = values.iter().map(|v| v.as_ref()).collect();
        let path = decoded_path(req.path);
        let parts = fost::request_parts(req.method, &path, &timestamp, &borrowed, tail);
        let signature = base64_encode(&self.key.sign_parts(&parts));
        let key = if self.key_id.is_ascii() {
            Cow::Borrowed(self.key_id.as_str())
        } else {
            Cow::Owned(fost::utf7_encode(&self.key_id))
        };
        let signing_input = parts.concat();
        added.push(("X-FOST-Timestamp".to_owned(), timestamp));
        added.push(("X-FOST-Headers".to_owned(), listed));
        added.push((
            "Authorization".to_owned(),
            format!("FOST {key}:{signature}"),
        ));
        Ok(Signature {
            headers: added,
            signing_input,
        })
    }

    /// A FOST signed URL's query: `query` without `_k`, `_e` and `_s`, then
    /// those three, the signature covering host, decoded path, query and expiry.
    pub fn sign_url(
        &self,
        host: &str,
        path: &str,
        query: &str,
        expires: i64,
    ) -> SignResult<String> {
        if !matches!(self.options, Options::Fost { .. }) {
            return mistake("only FOST signs URLs");
        }
        let query = fost::filter_query_string(query);
        let expires = expires.to_string();
        let document = fost::url_document(host, &decoded_path(path), &query, &expires);
        let signature = base64_encode(&self.key.sign(document.as_bytes()));
        let signed = format!(
            "_k={}&_e={expires}&_s={}",
            fost::percent_encode(&self.key_id),
            fost::percent_encode(&signature)
        );
        Ok(if query.is_empty() {
            signed
        } else {
            format!("{query}&{signed}")
        })
    }
}

/// The serialised identifiers of `names`, and `content-digest` for a
/// message with content: what an RFC 9421 signer covers by default.
fn default_components(names: &[&str], content: bool) -> Vec<String> {
    let digest = content.then_some("content-digest");
    names
        .iter()
        .copied()
        .chain(digest)
        .map(|name| format!("\"{name}\""))
        .collect()
}

/// The `Content-Digest` to add to `message` when `components` cover it and
/// the message has none.
fn digest_to_add(
    components: &[String],
    message: &Request<'_>,
    algorithm: content_digest::Algorithm,
) -> Option<(String, String)> {
    let covered = components.iter().any(|c| c == "\"content-digest\"");
    (covered && message.header("content-digest").is_none()).then(|| {
        (
            "Content-Digest".to_owned(),
            content_digest::header_value(algorithm, message.body),
        )
    })
}

/// `http` when no URL scheme is given.
fn url_scheme_or_http(url_scheme: &str) -> &str {
    if url_scheme.is_empty() {
        "http"
    } else {
        url_scheme
    }
}

/// An RFC 9421 signing error as a mistake of the caller's.
fn sign_error(error: crate::error::Error) -> SignError {
    match error {
        crate::error::Error::MissingHeader(name) => SignError(format!(
            "{} is to be signed but the message lacks it",
            crate::error::quoted(&name)
        )),
        other => SignError(
            other
                .to_string()
                .trim_start_matches("malformed signature: ")
                .to_owned(),
        ),
    }
}

/// The key for a drf-hmac secret (hex text, decoded by the one hex decoder).
pub fn drf_key(secret_hex: &str) -> SignResult<Key> {
    drf::key_for(secret_hex).map_err(|_| SignError("the drf-hmac secret is not hexadecimal".into()))
}

/// `headers` with `added` appended, dropping the request's own values of
/// the names in `replaced` (they are recomputed).
fn with_added<'a>(
    headers: &'a [Header<'a>],
    added: &'a [(String, String)],
    replaced: &[&str],
) -> Vec<Header<'a>> {
    let is_replaced = |name: &str| {
        replaced.iter().any(|r| r.eq_ignore_ascii_case(name))
            && added.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    headers
        .iter()
        .filter(|(n, _)| !is_replaced(n))
        .map(|(n, v)| (Cow::Borrowed(n.as_ref()), Cow::Borrowed(v.as_ref())))
        .chain(
            added
                .iter()
                .map(|(n, v)| (Cow::Borrowed(n.as_str()), Cow::Borrowed(v.as_str()))),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeyEntry;
    use crate::mac::{KeyCache, Secret, SecretBytes};
    use crate::pipeline::{self, Policy};
    use crate::replay::NoReplayGuard;
    use crate::request::headers_from;

    const NOW: i64 = 1_700_000_000;

    fn request<'a>(
        method: &'a str,
        path: &'a str,
        query: &'a str,
        headers: &'a [Header<'a>],
        body: &'a [u8],
    ) -> Request<'a> {
        Request {
            method,
            path,
            query,
            headers,
            body,
        }
    }

    /// Verifies `req` plus the signer's headers through the pipeline.
    fn verify(
        signer: &Signer,
        secret: &[u8],
        req: &Request<'_>,
    ) -> crate::error::Result<pipeline::Verified> {
        let signed = signer.sign(req, NOW).expect("signs");
        let mut headers: Vec<Header<'_>> = req.headers.to_vec();
        headers.extend(
            signed
                .headers
                .iter()
                .map(|(n, v)| (Cow::Owned(n.clone()), Cow::Owned(v.clone()))),
        );
        let view = Request {
            headers: &headers,
            ..*req
        };
        let policy = Policy::defaults(vec![signer.scheme()], Some(300));
        let entries = [KeyEntry::any_scheme(Secret::Raw(SecretBytes::Borrowed(
            secret,
        )))];
        let found = pipeline::find(&policy, &view)?.expect("ours");
        let prepared = pipeline::prepare(found, &view, &policy, &pipeline::Context::default())?;
        pipeline::check(
            prepared,
            &view,
            &entries,
            &KeyCache::new(4),
            NOW,
            &NoReplayGuard,
        )
    }

    #[test]
    fn every_scheme_signs_what_the_pipeline_verifies() {
        let host = headers_from(&[
            ("Host", "api.example"),
            ("Content-Type", "application/json"),
        ]);
        let post = request("POST", "/a%20b/", "x=1", &host, b"{\"a\":1}");
        let cavage = Signer::new(
            "k",
            Key::new(Algorithm::Sha256, b"s3cret"),
            Options::Cavage {
                headers: None,
                sign_header: SignHeader::Authorization,
                query_rule: QueryRule::Draft,
            },
        )
        .unwrap();
        let verified = verify(
            &cavage,
            b"s3cret",
            &request(
                "POST",
                "/a%20b/",
                "x=1",
                &[
                    (Cow::Borrowed("Host"), Cow::Borrowed("api.example")),
                    (
                        Cow::Borrowed("Content-Type"),
                        Cow::Borrowed("application/json"),
                    ),
                    (Cow::Borrowed("Content-Length"), Cow::Borrowed("7")),
                ],
                b"{\"a\":1}",
            ),
        )
        .unwrap();
        assert_eq!(verified.scheme, SchemeName::Cavage);

        let drf = Signer::new(
            "k",
            drf_key("00ff").unwrap(),
            Options::Drf { hostname: None },
        )
        .unwrap();
        let verified = verify(&drf, b"00ff", &post).unwrap();
        assert_eq!(verified.scheme, SchemeName::DrfHmac);

        let fost = Signer::new(
            "k",
            Key::new(Algorithm::Sha1, b"s3cret"),
            Options::Fost {
                headers: vec!["Host".into()],
                act_as: Some("José".into()),
                allow_unsigned_query: false,
            },
        )
        .unwrap();
        let get = request("GET", "/a%20b/", "x=1", &host, b"");
        let verified = verify(&fost, b"s3cret", &get).unwrap();
        assert_eq!(verified.act_as.as_deref(), Some("José"));
        assert!(fost.sign(&post, NOW).unwrap_err().0.contains("not both"));
    }

    #[test]
    fn mistakes_are_refused_when_built_or_signing() {
        let sha256 = || Key::new(Algorithm::Sha256, b"s");
        let cavage = |headers| Options::Cavage {
            headers,
            sign_header: SignHeader::Authorization,
            query_rule: QueryRule::Draft,
        };
        assert!(Signer::new("", sha256(), cavage(None)).is_err());
        assert!(Signer::new("a\r\nb", sha256(), cavage(None)).is_err());
        assert!(Signer::new("k", sha256(), cavage(Some(vec![]))).is_err());
        assert!(Signer::new(
            "k",
            sha256(),
            cavage(Some(vec!["date".into(), "Date".into()]))
        )
        .is_err());
        assert!(Signer::new(
            "k",
            sha256(),
            Options::Fost {
                headers: vec![],
                act_as: None,
                allow_unsigned_query: false
            }
        )
        .is_err());
        assert!(drf_key("0 1").is_err());
        let signer = Signer::new("k", sha256(), cavage(Some(vec!["x-missing".into()]))).unwrap();
        let err = signer
            .sign(&request("GET", "/", "", &[], b""), NOW)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot sign: header 'x-missing' is to be signed but the request lacks it"
        );
        assert!(signer.sign_url("h", "/", "", NOW).is_err());
    }

    #[test]
    fn signed_urls_keep_the_query_and_escape_the_signature() {
        let fost = Signer::new(
            "k y",
            Key::new(Algorithm::Sha1, b"s"),
            Options::Fost {
                headers: vec![],
                act_as: None,
                allow_unsigned_query: false,
            },
        );
        assert!(fost.is_err(), "whitespace in a FOST key id");
        let fost = Signer::new(
            "k/y",
            Key::new(Algorithm::Sha1, b"s"),
            Options::Fost {
                headers: vec![],
                act_as: None,
                allow_unsigned_query: false,
            },
        )
        .unwrap();
        let query = fost
            .sign_url("h", "/p", "a=1&_s=old", 2_000_000_000)
            .unwrap();
        assert!(
            query.starts_with("a=1&_k=k%2Fy&_e=2000000000&_s="),
            "{query}"
        );
        assert!(!query.contains("old"));
    }

    fn signers() -> [(Signer, &'static [u8]); 3] {
        let cavage = Options::Cavage {
            headers: None,
            sign_header: SignHeader::Authorization,
            query_rule: QueryRule::Draft,
        };
        let fost = Options::Fost {
            headers: vec![],
            act_as: None,
            allow_unsigned_query: false,
        };
        [
            (
                Signer::new("k", Key::new(Algorithm::Sha512, b"c"), cavage).unwrap(),
                b"c",
            ),
            (
                Signer::new("k", drf_key("0f").unwrap(), Options::Drf { hostname: None }).unwrap(),
                b"0f",
            ),
            (
                Signer::new("k", Key::new(Algorithm::Sha1, b"f"), fost).unwrap(),
                b"f",
            ),
        ]
    }

    /// Headers a signer adds or a scheme reads as credentials: a request
    /// that already carries them is not the clean request this property is about.
    const CREDENTIAL_NAMES: [&str; 9] = [
        "date",
        "digest",
        "authorization",
        "signature",
        "key",
        "timestamp",
        "x-fost-timestamp",
        "x-fost-headers",
        "x-fost-user",
    ];

    proptest::proptest! {
        #[test]
        fn whatever_signs_verifies(
            method in "[A-Za-z]{1,7}",
            path in "/[ -~é]{0,30}",
            query in "[ -~]{0,30}",
            headers in proptest::collection::vec(("[A-Za-z-]{1,12}", "[ -~é]{0,20}"), 0..6),
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
        ) {
            let mut pairs: Vec<(&str, &str)> = headers
                .iter()
                .filter(|(n, _)| !CREDENTIAL_NAMES.iter().any(|c| c.eq_ignore_ascii_case(n)))
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            pairs.extend([("Host", "h"), ("Content-Type", "t"), ("Content-Length", "1")]);
            let owned = headers_from(&pairs);
            let req = request(&method, &path, &query, &owned, &body);
            for (signer, secret) in signers() {
                if signer.sign(&req, NOW).is_ok() {
                    proptest::prop_assert!(verify(&signer, secret, &req).is_ok(), "{:?}", signer);
                }
            }
        }
    }
}
