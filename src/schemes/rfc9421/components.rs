//! Component values (RFC 9421 §2) and the signature base (§2.5): one line
//! `"<identifier>": <value>` per covered component, then the
//! `"@signature-params"` line. The base is rebuilt from the message by the
//! verifier exactly as the signer built it.

use std::borrow::Cow;

use sfv::{BareItem, Dictionary, FieldType, Item, List, ListEntry, Parser};

use super::fields::SignatureInput;
use crate::error::{quoted, Error, Result};
use crate::mac::base64_encode;
use crate::request::{count_signed_bytes, Header, Request};

/// A response being signed or verified, with the request it answers (for
/// components marked `;req`).
#[derive(Debug, Clone, Copy)]
pub struct Response<'r> {
    pub status: u16,
    pub headers: &'r [Header<'r>],
}

/// The message a signature covers: a request, or a response to it.
#[derive(Debug, Clone, Copy)]
pub struct Message<'r> {
    pub request: &'r Request<'r>,
    /// The request's URL scheme (`http`, `https`), for `@scheme` and `@target-uri`.
    pub url_scheme: &'r str,
    pub response: Option<Response<'r>>,
}

/// Fields whose structured type httpseal knows, for the `sf` parameter
/// (RFC 9421 §2.1.1: the type must be known to re-serialise a field).
const STRUCTURED_FIELDS: [(&str, FieldKind); 12] = [
    ("accept-signature", FieldKind::Dictionary),
    ("cache-status", FieldKind::List),
    ("content-digest", FieldKind::Dictionary),
    ("example-dict", FieldKind::Dictionary),
    ("priority", FieldKind::Dictionary),
    ("proxy-status", FieldKind::List),
    ("repr-digest", FieldKind::Dictionary),
    ("signature", FieldKind::Dictionary),
    ("signature-input", FieldKind::Dictionary),
    ("want-content-digest", FieldKind::Dictionary),
    ("want-repr-digest", FieldKind::Dictionary),
    ("example-list", FieldKind::List),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldKind {
    Dictionary,
    List,
}

/// A component identifier's parameters, checked.
#[derive(Debug, Default)]
struct Flags<'i> {
    sf: bool,
    bs: bool,
    req: bool,
    key: Option<&'i str>,
    name: Option<&'i str>,
}

fn flags(item: &Item) -> Result<Flags<'_>> {
    let mut flags = Flags::default();
    for (key, value) in &item.params {
        let boolean = || match value {
            BareItem::Boolean(true) => Ok(true),
            _ => Err(Error::malformed(format!(
                "component parameter {} must be a bare flag",
                quoted(key.as_str())
            ))),
        };
        let text = || {
            value.as_string().map(|s| s.as_str()).ok_or_else(|| {
                Error::malformed(format!(
                    "component parameter {} must be a string",
                    quoted(key.as_str())
                ))
            })
        };
        match key.as_str() {
            "sf" => flags.sf = boolean()?,
            "bs" => flags.bs = boolean()?,
            "req" => flags.req = boolean()?,
            "key" => flags.key = Some(text()?),
            "name" => flags.name = Some(text()?),
            "tr" => return Err(Error::malformed("trailer fields (;tr) are not supported")),
            other => {
                return Err(Error::malformed(format!(
                    "unknown component parameter {}",
                    quoted(other)
                )))
            }
        }
    }
    let exclusive = [flags.sf, flags.bs, flags.key.is_some()];
    if exclusive.iter().filter(|set| **set).count() > 1 {
        return Err(Error::malformed("sf, bs and key exclude each other"));
    }
    Ok(flags)
}

/// The signature base for `input` over `message`. Values are never allowed
/// to hold a line break, so no component can forge another's line.
pub fn signature_base(input: &SignatureInput, message: &Message<'_>) -> Result<Vec<u8>> {
    let mut base = String::with_capacity(256);
    let mut total = 0;
    for (at, (item, identifier)) in input.components().iter().zip(&input.ids).enumerate() {
        if input.ids[..at].contains(identifier) {
            return Err(Error::malformed(format!(
                "component {} is covered twice",
                quoted(identifier)
            )));
        }
        for value in values(item, message)?.iter() {
            if value.contains(['\r', '\n']) {
                return Err(Error::malformed(format!(
                    "the value of {} holds a line break",
                    quoted(identifier)
                )));
            }
            count_signed_bytes(&mut total, identifier.len() + value.len() + 3)?;
            base.push_str(identifier);
            base.push_str(": ");
            base.push_str(value);
            base.push('\n');
        }
    }
    base.push_str("\"@signature-params\": ");
    input.serialised_params(&mut base);
    Ok(base.into_bytes())
}

/// A component's values: one, or (`@query-param`) one per occurrence.
enum Values<'m> {
    One(Cow<'m, str>),
    Many(Vec<String>),
}

impl Values<'_> {
    fn iter(&self) -> impl Iterator<Item = &str> {
        let (one, many) = match self {
            Values::One(value) => (Some(value.as_ref()), &[][..]),
            Values::Many(values) => (None, values.as_slice()),
        };
        one.into_iter().chain(many.iter().map(String::as_str))
    }
}

/// A component's value; `@query-param` yields one per occurrence.
fn values<'m>(item: &Item, message: &Message<'m>) -> Result<Values<'m>> {
    let name = item
        .bare_item
        .as_string()
        .map(|s| s.as_str())
        .unwrap_or_default();
    let flags = flags(item)?;
    if flags.req && message.response.is_none() {
        return Err(Error::malformed(";req is only for signatures of responses"));
    }
    // A request always has a method: an empty one is a request not given.
    if flags.req && message.request.method.is_empty() {
        return Err(Error::malformed(
            ";req components need the request the response answers",
        ));
    }
    if let Some(derived) = name.strip_prefix('@') {
        if flags.sf || flags.bs || flags.key.is_some() {
            return Err(Error::malformed(format!(
                "{} takes no sf, bs or key parameter",
                quoted(name)
            )));
        }
        if flags.name.is_some() != (derived == "query-param") {
            return Err(Error::malformed(
                "name= goes with @query-param, and only there",
            ));
        }
        return derived_values(derived, flags, message);
    }
    if name.is_empty() || name.bytes().any(|b| !is_field_name_byte(b)) {
        return Err(Error::malformed(format!(
            "{} is not a lowercase field name",
            quoted(name)
        )));
    }
    if flags.name.is_some() {
        return Err(Error::malformed(
            "name= goes with @query-param, and only there",
        ));
    }
    let headers = match message.response {
        Some(response) if !flags.req => response.headers,
        _ => message.request.headers,
    };
    field_value(name, headers, &flags).map(Values::One)
}

/// A token character, lowercase only (RFC 9421 §2.1: names are lowercased).
fn is_field_name_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn field_value<'h>(
    name: &str,
    headers: &'h [Header<'h>],
    flags: &Flags<'_>,
) -> Result<Cow<'h, str>> {
    let mut lines = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim_matches([' ', '\t']));
    let first = lines
        .next()
        .ok_or_else(|| Error::MissingHeader(name.to_owned()))?;
    let plain = !(flags.bs || flags.sf || flags.key.is_some());
    let rest: Vec<&str> = lines.collect();
    if plain && rest.is_empty() {
        return Ok(Cow::Borrowed(first));
    }
    let lines: Vec<&str> = std::iter::once(first).chain(rest).collect();
    if flags.bs {
        let encoded: Vec<String> = lines
            .iter()
            .map(|line| format!(":{}:", base64_encode(line.as_bytes())))
            .collect();
        return Ok(Cow::Owned(encoded.join(", ")));
    }
    let joined = lines.join(", ");
    if plain {
        return Ok(Cow::Owned(joined));
    }
    if let Some(key) = flags.key {
        let dictionary: Dictionary = Parser::new(&joined).parse().map_err(|_| {
            Error::malformed(format!("{} is not a structured dictionary", quoted(name)))
        })?;
        let member = dictionary
            .iter()
            .find(|(k, _)| k.as_str() == key)
            .map(|(_, member)| member)
            .ok_or_else(|| Error::MissingHeader(format!("{name};key={key}")))?;
        return Ok(Cow::Owned(match member {
            ListEntry::Item(item) => item.serialize(),
            inner @ ListEntry::InnerList(_) => vec![inner.clone()].serialize().unwrap_or_default(),
        }));
    }
    if flags.sf {
        let kind = STRUCTURED_FIELDS
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, kind)| *kind)
            .ok_or_else(|| {
                Error::malformed(format!(
                    "the structured type of {} is not known (sf)",
                    quoted(name)
                ))
            })?;
        let unparsable = || Error::malformed(format!("{} does not parse (sf)", quoted(name)));
        let serialised = match kind {
            FieldKind::Dictionary => Parser::new(&joined)
                .parse::<Dictionary>()
                .map_err(|_| unparsable())?
                .serialize(),
            FieldKind::List => Parser::new(&joined)
                .parse::<List>()
                .map_err(|_| unparsable())?
                .serialize(),
        };
        return Ok(Cow::Owned(serialised.unwrap_or_default()));
    }
    Ok(Cow::Owned(joined))
}

fn derived_values<'m>(
    derived: &str,
    flags: Flags<'_>,
    message: &Message<'m>,
) -> Result<Values<'m>> {
    let req = message.request;
    if let (Some(_), false) = (message.response, flags.req) {
        if derived != "status" {
            return Err(Error::malformed(format!(
                "@{derived} of a response must be marked ;req"
            )));
        }
    }
    let path = if req.path.is_empty() { "/" } else { req.path };
    let one = |value: Cow<'m, str>| Ok(Values::One(value));
    match derived {
        "method" => one(Cow::Borrowed(req.method)),
        "authority" => one(Cow::Owned(authority(message)?)),
        "scheme" => one(Cow::Owned(message.url_scheme.to_ascii_lowercase())),
        "path" => one(Cow::Borrowed(path)),
        "query" => one(Cow::Owned(format!("?{}", req.query))),
        "request-target" => one(if req.query.is_empty() {
            Cow::Borrowed(path)
        } else {
            Cow::Owned(format!("{path}?{}", req.query))
        }),
        "target-uri" => {
            let mut uri = format!(
                "{}://{}{path}",
                message.url_scheme.to_ascii_lowercase(),
                authority(message)?
            );
            if !req.query.is_empty() {
                uri.push('?');
                uri.push_str(req.query);
            }
            one(Cow::Owned(uri))
        }
        "query-param" => {
            let wanted = flags.name.unwrap_or_default();
            let found: Vec<String> = form_pairs(req.query)
                .filter(|(name, _)| form_encode(name) == wanted)
                .map(|(_, value)| form_encode(&value))
                .collect();
            if found.is_empty() {
                return Err(Error::MissingHeader(format!("@query-param;name={wanted}")));
            }
            Ok(Values::Many(found))
        }
        "status" => match message.response {
            Some(response) if !flags.req => one(Cow::Owned(format!("{:03}", response.status))),
            _ => Err(Error::malformed("@status is a component of responses")),
        },
        "signature-params" => Err(Error::malformed(
            "@signature-params cannot be a covered component",
        )),
        other => Err(Error::malformed(format!(
            "unknown derived component {}",
            quoted(&format!("@{other}"))
        ))),
    }
}

/// `@authority`: the `Host` field, lowercased, without the scheme's default
/// port (RFC 9110 §4.2.3 normalisation).
fn authority(message: &Message<'_>) -> Result<String> {
    let host = message
        .request
        .single_header("host")?
        .ok_or_else(|| Error::MissingHeader("host".to_owned()))?;
    let mut host = host.to_ascii_lowercase();
    let default_port = match message.url_scheme.to_ascii_lowercase().as_str() {
        "http" => Some(":80"),
        "https" => Some(":443"),
        _ => None,
    };
    if let Some(port) = default_port {
        if host.ends_with(port) {
            host.truncate(host.len() - port.len());
        }
    }
    Ok(host)
}

/// The query's `application/x-www-form-urlencoded` pairs (WHATWG URL §5.1):
/// `+` is a space, escapes are decoded, and bytes that are not UTF-8 become
/// U+FFFD.
pub fn form_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter(|s| !s.is_empty()).map(|sequence| {
        let (name, value) = sequence.split_once('=').unwrap_or((sequence, ""));
        (form_decode(name), form_decode(value))
    })
}

fn form_decode(text: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(hi << 4 | lo);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// WHATWG URL §5.2 "percent-encode after encoding" with the
/// `application/x-www-form-urlencoded` set, a space as `+`.
pub fn form_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
