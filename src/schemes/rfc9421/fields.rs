//! The `Signature-Input` and `Signature` fields (RFC 9421 §4), parsed as
//! RFC 8941/9651 dictionaries by `sfv`, never by hand. Several field lines
//! are one field (joined with ", "), several signatures one dictionary.

use std::borrow::Cow;

use sfv::{BareItem, Dictionary, InnerList, Item, ListEntry, Parser};

use crate::error::{quoted, Error, Result};
use crate::mac::Output;
use crate::request::{Request, MAX_LISTED_HEADERS};

/// Signatures one message may carry. Real messages carry one or two (a
/// client's and a proxy's); the cap bounds the work a hostile field causes.
pub const MAX_SIGNATURES: usize = 16;

/// Bytes of `Signature-Input` or of `Signature`, all lines together; past it
/// the request is refused before anything is parsed.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// One signature's metadata: its label, the covered components (each a
/// String item with parameters) and its signature parameters.
#[derive(Debug, Clone)]
pub struct SignatureInput {
    pub label: String,
    /// The inner list as parsed (a `ListEntry::InnerList`), serialised again
    /// for `@signature-params`.
    entry: ListEntry,
    /// Each covered component's identifier, serialised once.
    pub ids: Vec<String>,
    pub created: Option<i64>,
    pub expires: Option<i64>,
    pub nonce: Option<String>,
    pub alg: Option<String>,
    pub keyid: Option<String>,
    pub tag: Option<String>,
}

impl SignatureInput {
    pub fn components(&self) -> &[Item] {
        match &self.entry {
            ListEntry::InnerList(list) => &list.items,
            ListEntry::Item(_) => &[],
        }
    }

    /// The parsed inner list, as a dictionary member.
    pub fn entry(&self) -> &ListEntry {
        &self.entry
    }

    /// The `@signature-params` value: the inner list as it was parsed,
    /// serialised again (RFC 9421 §2.3).
    pub fn serialised_params(&self, out: &mut String) {
        let mut serializer = sfv::ListSerializer::with_buffer(out);
        serializer.members(std::iter::once(&self.entry));
        let _ = serializer.finish();
    }
}

/// Both fields of one message, parsed.
#[derive(Debug, Clone)]
pub struct Signatures {
    pub inputs: Vec<SignatureInput>,
    values: Dictionary,
}

impl Signatures {
    /// The signature labelled `label`, decoded; its absence is an error
    /// (RFC 9421 §4: a label in one field must be in the other).
    pub fn value(&self, label: &str) -> Result<Output> {
        let entry = self
            .values
            .iter()
            .find(|(key, _)| key.as_str() == label)
            .map(|(_, entry)| entry)
            .ok_or_else(|| {
                Error::MissingHeader(format!("Signature has no member {}", quoted(label)))
            })?;
        match entry {
            // Longer than any MAC: it cannot match.
            ListEntry::Item(Item {
                bare_item: BareItem::ByteSequence(bytes),
                ..
            }) => Output::from_slice(bytes).ok_or(Error::BadSignature),
            _ => Err(Error::malformed(format!(
                "Signature member {} is not a byte sequence",
                quoted(label)
            ))),
        }
    }
}

/// A component identifier serialised: `"name"` for the usual one without
/// parameters or characters to escape, sfv's serialiser otherwise.
fn serialised_identifier(item: &Item) -> String {
    match item.bare_item.as_string() {
        Some(name) if item.params.is_empty() && !name.as_str().contains(['"', '\\']) => {
            let name = name.as_str();
            let mut out = String::with_capacity(name.len() + 2);
            out.push('"');
            out.push_str(name);
            out.push('"');
            out
        }
        _ => sfv::FieldType::serialize(item),
    }
}

/// The field's lines joined with ", ", as one field; `None` when absent.
fn joined<'a>(req: &Request<'a>, name: &str) -> Result<Option<Cow<'a, str>>> {
    let mut lines = req.header_values(name);
    let Some(first) = lines.next() else {
        return Ok(None);
    };
    let mut out = Cow::Borrowed(first.trim());
    for line in lines {
        let text = out.to_mut();
        text.push_str(", ");
        text.push_str(line.trim());
        if text.len() > MAX_FIELD_BYTES {
            break;
        }
    }
    if out.len() > MAX_FIELD_BYTES {
        return Err(Error::malformed(format!(
            "{name} is longer than {MAX_FIELD_BYTES} bytes"
        )));
    }
    Ok(Some(out))
}

fn dictionary(text: &str, name: &str) -> Result<Dictionary> {
    Parser::new(text)
        .parse()
        .map_err(|e| Error::malformed(format!("{name} is not a structured dictionary: {e}")))
}

/// Whether a request carries RFC 9421 signatures: a `Signature-Input` field.
pub fn present(req: &Request<'_>) -> bool {
    req.header_values("signature-input").next().is_some()
}

/// Parses both fields; `Ok(None)` when there is no `Signature-Input`.
pub fn parse(req: &Request<'_>) -> Result<Option<Signatures>> {
    let Some(input) = joined(req, "signature-input")? else {
        return Ok(None);
    };
    let signature =
        joined(req, "signature")?.ok_or_else(|| Error::MissingHeader("signature".to_owned()))?;
    let inputs = dictionary(&input, "Signature-Input")?;
    let values = dictionary(&signature, "Signature")?;
    if inputs.len() > MAX_SIGNATURES || values.len() > MAX_SIGNATURES {
        return Err(Error::malformed(format!(
            "more than {MAX_SIGNATURES} signatures"
        )));
    }
    // Sized up front: a signature input is large, and growing the list
    // one by one costs more than parsing it.
    let mut parsed = Vec::with_capacity(inputs.len());
    for (label, entry) in inputs {
        parsed.push(signature_input(label.as_str(), entry)?);
    }
    let inputs = parsed;
    if inputs.is_empty() {
        return Err(Error::malformed("Signature-Input is empty"));
    }
    Ok(Some(Signatures { inputs, values }))
}

pub fn signature_input(label: &str, entry: ListEntry) -> Result<SignatureInput> {
    let ListEntry::InnerList(list) = entry else {
        return Err(Error::malformed(format!(
            "Signature-Input member {} is not an inner list",
            quoted(label)
        )));
    };
    if list.items.len() > MAX_LISTED_HEADERS {
        return Err(Error::malformed(format!(
            "more than {MAX_LISTED_HEADERS} covered components"
        )));
    }
    if list
        .items
        .iter()
        .any(|item| item.bare_item.as_string().is_none())
    {
        return Err(Error::malformed(
            "a covered component identifier is not a string",
        ));
    }
    let mut input = SignatureInput {
        label: label.to_owned(),
        entry: ListEntry::InnerList(InnerList::default()),
        ids: list.items.iter().map(serialised_identifier).collect(),
        created: None,
        expires: None,
        nonce: None,
        alg: None,
        keyid: None,
        tag: None,
    };
    for (name, value) in &list.params {
        let wrong = || {
            Error::malformed(format!(
                "signature parameter {} has the wrong type",
                quoted(name.as_str())
            ))
        };
        let text = || value.as_string().map(|s| s.as_str().to_owned());
        let integer = || value.as_integer().map(i64::from);
        match name.as_str() {
            "created" => input.created = Some(integer().ok_or_else(wrong)?),
            "expires" => input.expires = Some(integer().ok_or_else(wrong)?),
            "nonce" => input.nonce = Some(text().ok_or_else(wrong)?),
            "alg" => input.alg = Some(text().ok_or_else(wrong)?),
            "keyid" => input.keyid = Some(text().ok_or_else(wrong)?),
            "tag" => input.tag = Some(text().ok_or_else(wrong)?),
            // Other parameters are covered by the signature all the same.
            _ => {}
        }
    }
    input.entry = ListEntry::InnerList(list);
    Ok(input)
}
