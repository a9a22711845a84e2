//! RFC 9421 HTTP Message Signatures, with `hmac-sha256`, the one symmetric
//! algorithm the RFC registers; asymmetric algorithms are refused by name.
//! Content is covered through RFC 9530's `Content-Digest`.
//!
//! A request is this scheme's when it carries `Signature-Input`. Of its
//! signatures, the first that satisfies the server's policy (components
//! covered, tag, `created`/`nonce` required) is verified; labels are not
//! covered by any signature, so selecting one never relaxes the policy.

pub mod components;
pub mod fields;
pub mod nonces;

use std::borrow::Cow;

use sfv::{BareItem, Dictionary, FieldType, InnerList, Item, Key as SfKey, ListEntry, Parser};

pub use components::{Message, Response};
pub use fields::{SignatureInput, Signatures};
pub use nonces::NonceIssuer;

use crate::error::{quoted, Error, Result};
use crate::keys::SchemeName;
use crate::mac::{Algorithm, Key};
use crate::pipeline::{AlgorithmChoice, Context, DigestCheck, Freshness, Prepared};
use crate::request::Request;

/// The algorithm name RFC 9421 registers for HMAC.
pub const ALGORITHM: &str = "hmac-sha256";

/// The asymmetric algorithms of the RFC's registry: known, never accepted.
const ASYMMETRIC: [&str; 5] = [
    "rsa-pss-sha512",
    "rsa-v1_5-sha256",
    "ecdsa-p256-sha256",
    "ecdsa-p384-sha384",
    "ed25519",
];

/// What a signature must cover unless the server says otherwise.
pub const DEFAULT_REQUIRED: [&str; 4] = ["@method", "@authority", "@path", "@query"];

/// What a response signature must cover unless the client says otherwise.
pub const DEFAULT_RESPONSE_REQUIRED: [&str; 1] = ["@status"];

/// The default label of the signers.
pub const DEFAULT_LABEL: &str = "sig1";

/// What a server accepts.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The window around `created`; `None` switches freshness off.
    pub max_skew: Option<u64>,
    /// Serialised component identifiers every signature must cover.
    pub required: Vec<String>,
    /// A request with content must cover `content-digest` (checked against it).
    pub content_digest: bool,
    /// Only signatures with this `tag` are considered.
    pub tag: Option<String>,
    /// Only the signature with this label is considered.
    pub label: Option<String>,
    pub require_created: bool,
    pub require_nonce: bool,
    /// Nonces must be ones this server issued (in `Accept-Signature`), within
    /// `max_skew` of `created`.
    pub issuer: Option<NonceIssuer>,
}

impl Policy {
    pub fn defaults(max_skew: Option<u64>) -> Self {
        Policy {
            max_skew,
            required: DEFAULT_REQUIRED
                .iter()
                .map(|name| identifier(name).unwrap_or_default())
                .collect(),
            content_digest: true,
            tag: None,
            label: None,
            require_created: true,
            require_nonce: false,
            issuer: None,
        }
    }
}

/// A component identifier as a person writes it — `@method`, `date`, or
/// the serialised form `"@query-param";name="id"` — in its serialised form.
pub fn identifier(text: &str) -> std::result::Result<String, String> {
    let item = if text.starts_with('"') {
        Parser::new(text)
            .parse::<Item>()
            .map_err(|e| format!("{text:?} is not a component identifier: {e}"))?
    } else {
        let name = sfv::String::from_string(text.to_owned())
            .map_err(|_| format!("{text:?} is not a component identifier"))?;
        Item::new(name)
    };
    let name = item
        .bare_item
        .as_string()
        .map(|s| s.as_str())
        .ok_or_else(|| format!("{text:?} is not a component identifier"))?;
    let derived = [
        "@method",
        "@target-uri",
        "@authority",
        "@scheme",
        "@request-target",
    ];
    let known_derived = derived
        .iter()
        .chain(&["@path", "@query", "@query-param", "@status"])
        .any(|known| *known == name);
    let field = !name.is_empty()
        && name.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&b)
        });
    if !(known_derived || field) {
        return Err(format!(
            "{text:?} is neither a derived component nor a lowercase field name"
        ));
    }
    if (name == "@query-param") != item.params.contains_key("name") {
        return Err(format!(
            "{text:?}: name= goes with @query-param, and only there"
        ));
    }
    Ok(item.serialize())
}

/// Whether `covered` (serialised identifiers) covers `required`:
/// `@target-uri` covers the path, query, authority and scheme, and
/// `@request-target` the path and query.
pub fn covers(covered: &[String], required: &str) -> bool {
    let has = |id: &str| covered.iter().any(|c| c == id);
    has(required)
        || match required {
            "\"@path\"" | "\"@query\"" => has("\"@target-uri\"") || has("\"@request-target\""),
            "\"@authority\"" | "\"@scheme\"" => has("\"@target-uri\""),
            _ => false,
        }
}

/// Step 1–2: the request's signatures, parsed; `Ok(None)` without
/// `Signature-Input`.
pub fn find(req: &Request<'_>) -> Result<Option<Signatures>> {
    fields::parse(req)
}

/// Whether one signature satisfies the policy (before any MAC is computed).
fn acceptable(input: &SignatureInput, req: &Request<'_>, policy: &Policy) -> Result<()> {
    let label = quoted(&input.label);
    match input.keyid.as_deref() {
        Some(id) if !id.is_empty() => {}
        _ => {
            return Err(Error::malformed(format!(
                "signature {label} has no keyid parameter"
            )))
        }
    }
    match input.alg.as_deref() {
        None | Some(ALGORITHM) => {}
        Some(alg) if ASYMMETRIC.contains(&alg) => {
            return Err(Error::DisallowedAlgorithm(format!(
                "{alg}: only {ALGORITHM} is accepted"
            )))
        }
        Some(alg) => return Err(Error::UnknownAlgorithm(alg.to_owned())),
    }
    if policy.require_created && input.created.is_none() {
        return Err(Error::HeaderNotSigned(format!(
            "the created parameter (signature {label})"
        )));
    }
    if (policy.require_nonce || policy.issuer.is_some()) && input.nonce.is_none() {
        return Err(Error::HeaderNotSigned(format!(
            "a nonce parameter (signature {label})"
        )));
    }
    if let (Some(issuer), Some(nonce)) = (&policy.issuer, &input.nonce) {
        let issued = issuer.issued_at(nonce)?;
        // Signed after it was issued, and soon after: `created` lies within
        // the window of now, so the nonce is at most two windows old.
        let window = policy.max_skew.unwrap_or(0);
        match input.created {
            Some(created) if created >= issued && created - issued <= window as i64 => {}
            _ => {
                return Err(Error::Stale(format!(
                    "the nonce was issued at {issued}, not within {window} s before created"
                )))
            }
        }
    }
    let covered = &input.ids;
    let content = policy.content_digest && !req.body.is_empty();
    let content_digest = "\"content-digest\"";
    for required in policy
        .required
        .iter()
        .map(String::as_str)
        .chain(content.then_some(content_digest))
    {
        if !covers(covered, required) {
            return Err(Error::HeaderNotSigned(format!(
                "component {required} (signature {label})"
            )));
        }
    }
    Ok(())
}

/// Step 3: the first signature the policy accepts, and its signature base.
pub fn prepare<'a>(
    signatures: Signatures,
    req: &Request<'a>,
    policy: &Policy,
    context: &Context<'a>,
) -> Result<Prepared<'a>> {
    let message = Message {
        request: req,
        url_scheme: context.url_scheme,
        response: None,
    };
    prepare_message(signatures, &message, req, policy)
}

/// `prepare` for any message: `content` is the message whose fields and
/// body the signature's content rules read — the request itself, or a
/// response (its headers and body) that `message` describes.
pub fn prepare_message<'a>(
    signatures: Signatures,
    message: &Message<'_>,
    content: &Request<'a>,
    policy: &Policy,
) -> Result<Prepared<'a>> {
    let mut refusal = None;
    for input in &signatures.inputs {
        if policy.label.as_ref().is_some_and(|l| *l != input.label)
            || policy
                .tag
                .as_ref()
                .is_some_and(|t| input.tag.as_ref() != Some(t))
        {
            continue;
        }
        match acceptable(input, content, policy) {
            Ok(()) => return prepared(input, &signatures, message, content, policy),
            Err(error) => {
                refusal.get_or_insert(error);
            }
        }
    }
    Err(
        refusal.unwrap_or_else(|| match (&policy.label, &policy.tag) {
            (Some(label), _) => {
                Error::MissingHeader(format!("no signature labelled {}", quoted(label)))
            }
            (None, Some(tag)) => {
                Error::MissingHeader(format!("no signature tagged {}", quoted(tag)))
            }
            (None, None) => Error::malformed("no signature"),
        }),
    )
}

fn prepared<'a>(
    input: &SignatureInput,
    signatures: &Signatures,
    message: &Message<'_>,
    content: &Request<'a>,
    policy: &Policy,
) -> Result<Prepared<'a>> {
    let claimed = signatures.value(&input.label)?;
    let head = components::signature_base(input, message)?;
    let freshness = match (policy.max_skew, input.created, input.expires) {
        (Some(max_skew), Some(stamp), expires) => Freshness::Window {
            stamp,
            shown: Cow::Owned(format!("created={stamp}")),
            max_skew,
            expires,
        },
        (_, _, Some(at)) => Freshness::Expiry {
            at,
            max_lifetime: None,
        },
        _ => Freshness::Unchecked,
    };
    let mut covered = String::with_capacity(input.ids.iter().map(|id| id.len()).sum());
    for item in input.components() {
        if !covered.is_empty() {
            covered.push(' ');
        }
        push_shown_identifier(&mut covered, item);
    }
    let covers_digest = input.ids.iter().any(|c| c == "\"content-digest\"");
    let digest = (covers_digest || (policy.content_digest && !content.body.is_empty()))
        .then(|| content.header("content-digest"))
        .flatten()
        .map(|header| DigestCheck::ContentDigest { header });
    Ok(Prepared {
        scheme: SchemeName::Rfc9421,
        key_id: Cow::Owned(input.keyid.clone().unwrap_or_default()),
        algorithm: AlgorithmChoice::Fixed(Algorithm::Sha256),
        head,
        tail: b"",
        claimed,
        freshness,
        digest,
        covered: Cow::Owned(covered),
        act_as: None,
        timestamp: input.created,
        signed_headers: Vec::new(),
        recorded: true,
        nonce: input.nonce.clone(),
        alternatives: Vec::new(),
        delivery_id: None,
    })
}

/// An identifier as `Verified.covered` shows it: the bare name, or the
/// serialised form when it has parameters.
fn push_shown_identifier(out: &mut String, item: &Item) {
    match (item.params.is_empty(), item.bare_item.as_string()) {
        (true, Some(name)) => out.push_str(name.as_str()),
        _ => out.push_str(&item.serialize()),
    }
}

/// What a signer puts in one signature.
#[derive(Debug, Clone, Default)]
pub struct SignParams<'p> {
    pub label: &'p str,
    /// Serialised component identifiers, in order.
    pub components: &'p [String],
    pub created: Option<i64>,
    pub expires: Option<i64>,
    pub nonce: Option<&'p str>,
    pub tag: Option<&'p str>,
    pub include_alg: bool,
}

/// One signature: the `Signature-Input` and `Signature` members and the
/// signature base that was MACed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    pub signature_input: String,
    pub signature: String,
    pub base: Vec<u8>,
}

fn sf_string(text: &str, what: &str) -> Result<BareItem> {
    sfv::String::from_string(text.to_owned())
        .map(BareItem::String)
        .map_err(|_| Error::malformed(format!("the {what} must be printable ASCII")))
}

fn sf_key(text: &str) -> Result<SfKey> {
    SfKey::from_string(text.to_owned()).map_err(|_| {
        Error::malformed(format!(
            "label {} is not a structured-field key (lowercase letters, digits, _-.*)",
            quoted(text)
        ))
    })
}

/// The signature input a signer declares, in the parameter order of the
/// RFC's examples (created, keyid, nonce, alg, expires, tag).
pub fn signature_input(key_id: &str, params: &SignParams<'_>) -> Result<SignatureInput> {
    sf_key(params.label)?;
    let items = params
        .components
        .iter()
        .map(|id| {
            Parser::new(id).parse::<Item>().map_err(|_| {
                Error::malformed(format!("{} is not a component identifier", quoted(id)))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut list = InnerList::new(items);
    let integer = |value: i64| {
        sfv::Integer::try_from(value)
            .map(BareItem::Integer)
            .map_err(|_| Error::malformed("a time is out of range"))
    };
    if let Some(created) = params.created {
        list.params.insert(sf_key("created")?, integer(created)?);
    }
    list.params
        .insert(sf_key("keyid")?, sf_string(key_id, "key id")?);
    if let Some(nonce) = params.nonce {
        list.params
            .insert(sf_key("nonce")?, sf_string(nonce, "nonce")?);
    }
    if params.include_alg {
        list.params
            .insert(sf_key("alg")?, sf_string(ALGORITHM, "alg")?);
    }
    if let Some(expires) = params.expires {
        list.params.insert(sf_key("expires")?, integer(expires)?);
    }
    if let Some(tag) = params.tag {
        list.params.insert(sf_key("tag")?, sf_string(tag, "tag")?);
    }
    fields::signature_input(params.label, ListEntry::InnerList(list))
}

/// Signs `message` with `key` (HMAC-SHA256).
pub fn sign(
    key: &Key,
    key_id: &str,
    params: &SignParams<'_>,
    message: &Message<'_>,
) -> Result<Signed> {
    if key.algorithm() != Algorithm::Sha256 {
        return Err(Error::DisallowedAlgorithm(format!(
            "RFC 9421 signs with {ALGORITHM}"
        )));
    }
    let input = signature_input(key_id, params)?;
    let base = components::signature_base(&input, message)?;
    let mac = key.sign(&base);
    let mut signature = Dictionary::new();
    signature.insert(
        sf_key(params.label)?,
        ListEntry::Item(Item::new(BareItem::ByteSequence(mac.to_vec()))),
    );
    let mut declared = Dictionary::new();
    declared.insert(sf_key(params.label)?, input.entry().clone());
    Ok(Signed {
        signature_input: declared.serialize().unwrap_or_default(),
        signature: signature.serialize().unwrap_or_default(),
        base,
    })
}

/// What one `Accept-Signature` member asks a signer for (RFC 9421 §5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requested {
    pub label: String,
    /// Serialised component identifiers.
    pub components: Vec<String>,
    pub tag: Option<String>,
    /// A nonce value to sign, issued by the requester.
    pub nonce: Option<String>,
    /// A bare `nonce` flag: sign a nonce of the signer's choosing.
    pub wants_nonce: bool,
    pub keyid: Option<String>,
}

/// The `Accept-Signature` value a server sends with a 401: one member, the
/// policy's label (`sig1`), the components it requires (`content-digest`
/// when the refused request had content), `created` when required, the
/// expected `tag`, a bare `nonce` when one is required, the key id of the
/// refused request when known, and `alg`.
pub fn accept_signature(
    policy: &Policy,
    content: bool,
    key_id: Option<&str>,
    nonce: Option<&str>,
) -> Result<String> {
    let mut items = Vec::with_capacity(policy.required.len() + 1);
    let content_digest = "\"content-digest\"".to_owned();
    let wanted = policy
        .required
        .iter()
        .chain((content && policy.content_digest).then_some(&content_digest));
    for id in wanted {
        items.push(
            Parser::new(id)
                .parse::<Item>()
                .map_err(|_| Error::malformed("a required component does not parse"))?,
        );
    }
    let mut list = InnerList::new(items);
    if policy.require_created {
        list.params
            .insert(sf_key("created")?, BareItem::Boolean(true));
    }
    if let Some(id) = key_id.filter(|id| !id.is_empty()) {
        if let Ok(value) = sf_string(id, "key id") {
            list.params.insert(sf_key("keyid")?, value);
        }
    }
    match nonce {
        Some(issued) => {
            list.params
                .insert(sf_key("nonce")?, sf_string(issued, "nonce")?);
        }
        None if policy.require_nonce => {
            list.params
                .insert(sf_key("nonce")?, BareItem::Boolean(true));
        }
        None => {}
    }
    if let Some(tag) = &policy.tag {
        list.params.insert(sf_key("tag")?, sf_string(tag, "tag")?);
    }
    list.params
        .insert(sf_key("alg")?, sf_string(ALGORITHM, "alg")?);
    let label = policy.label.as_deref().unwrap_or(DEFAULT_LABEL);
    let mut accept = Dictionary::new();
    accept.insert(sf_key(label)?, ListEntry::InnerList(list));
    Ok(accept.serialize().unwrap_or_default())
}

/// The first member of an `Accept-Signature` value this signer can honour
/// (no `alg`, or `hmac-sha256`).
pub fn requested(accept: &str) -> Result<Requested> {
    if accept.len() > fields::MAX_FIELD_BYTES {
        return Err(Error::malformed("Accept-Signature is too long"));
    }
    let members: Dictionary = Parser::new(accept).parse().map_err(|e| {
        Error::malformed(format!(
            "Accept-Signature is not a structured dictionary: {e}"
        ))
    })?;
    for (label, entry) in members.iter().take(fields::MAX_SIGNATURES) {
        let ListEntry::InnerList(list) = entry else {
            continue;
        };
        let text = |name: &str| {
            list.params
                .get(name)
                .and_then(|v| v.as_string())
                .map(|s| s.as_str().to_owned())
        };
        if text("alg").is_some_and(|alg| alg != ALGORITHM) {
            continue;
        }
        let components = list
            .items
            .iter()
            .take(crate::request::MAX_LISTED_HEADERS)
            .map(|item| match item.bare_item.as_string() {
                Some(_) => Ok(item.serialize()),
                None => Err(Error::malformed(
                    "Accept-Signature lists a component that is not a string",
                )),
            })
            .collect::<Result<Vec<_>>>()?;
        return Ok(Requested {
            label: label.as_str().to_owned(),
            components,
            tag: text("tag"),
            nonce: text("nonce"),
            wants_nonce: list.params.get("nonce").and_then(|v| v.as_boolean()) == Some(true),
            keyid: text("keyid"),
        });
    }
    Err(Error::UnknownAlgorithm(
        "Accept-Signature asks for no hmac-sha256 signature".to_owned(),
    ))
}

#[cfg(test)]
mod tests;
