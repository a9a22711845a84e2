//! Key material as the key store hands it to the pipeline: the secrets of one
//! key id (several while it rotates), each usable with every scheme or pinned
//! to some, and the scheme names themselves.

use std::borrow::Cow;

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::inline::FirstInline;
use crate::mac::{hex_decode_spaced, Secret, SecretBytes};

/// The wire formats the pipeline speaks, by their stable names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeName {
    Cavage,
    DrfHmac,
    Fost,
    /// Flask-HMAC's token: a MAC of the path that names no key.
    FlaskHmac,
    /// RFC 9421 HTTP Message Signatures (hmac-sha256).
    Rfc9421,
    /// Inbound webhooks: Standard Webhooks (and Svix), Stripe, GitHub, Slack.
    StandardWebhooks,
    Stripe,
    GitHub,
    Slack,
}

impl SchemeName {
    pub const ALL: [SchemeName; 9] = [
        SchemeName::Cavage,
        SchemeName::DrfHmac,
        SchemeName::Fost,
        SchemeName::FlaskHmac,
        SchemeName::Rfc9421,
        SchemeName::StandardWebhooks,
        SchemeName::Stripe,
        SchemeName::GitHub,
        SchemeName::Slack,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SchemeName::Cavage => "cavage",
            SchemeName::DrfHmac => "drf-hmac",
            SchemeName::Fost => "fost",
            SchemeName::FlaskHmac => "flask-hmac",
            SchemeName::Rfc9421 => "rfc9421",
            SchemeName::StandardWebhooks => "standard-webhooks",
            SchemeName::Stripe => "stripe",
            SchemeName::GitHub => "github",
            SchemeName::Slack => "slack",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// How a raw secret from the key store becomes HMAC key bytes.
    fn secret_form(self) -> SecretForm {
        match self {
            // django-rest-framework-hmac stores the secret as hex text.
            SchemeName::DrfHmac => SecretForm::Hex,
            // A Standard Webhooks `whsec_` secret is decoded where the
            // endpoint is set up, so every other secret is its key bytes.
            _ => SecretForm::Bytes,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SecretForm {
    Bytes,
    Hex,
}

/// A set of schemes; `Schemes::ALL` for a secret that is not pinned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schemes(u16);

impl Schemes {
    pub const ALL: Schemes = Schemes((1 << SchemeName::ALL.len()) - 1);
    pub const NONE: Schemes = Schemes(0);

    pub fn contains(self, scheme: SchemeName) -> bool {
        self.0 & (1 << scheme as u8) != 0
    }

    pub fn with(self, scheme: SchemeName) -> Schemes {
        Schemes(self.0 | 1 << scheme as u8)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = SchemeName> {
        SchemeName::ALL
            .into_iter()
            .filter(move |s| self.contains(*s))
    }
}

impl FromIterator<SchemeName> for Schemes {
    fn from_iter<I: IntoIterator<Item = SchemeName>>(iter: I) -> Self {
        iter.into_iter().fold(Schemes::NONE, Schemes::with)
    }
}

/// When a key may sign, in Unix seconds: from `not_before` (inclusive) until
/// `not_after` (exclusive); either bound may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Validity {
    pub not_before: Option<i64>,
    pub not_after: Option<i64>,
}

impl Validity {
    pub const ALWAYS: Validity = Validity {
        not_before: None,
        not_after: None,
    };

    /// `ExpiredKey` unless the key may sign at `now`.
    pub fn check(&self, now: i64) -> Result<()> {
        if let Some(end) = self.not_after {
            if now >= end {
                return Err(Error::ExpiredKey(format!("it expired at {end}, now {now}")));
            }
        }
        if let Some(start) = self.not_before {
            if now < start {
                return Err(Error::ExpiredKey(format!(
                    "it is valid from {start}, now {now}"
                )));
            }
        }
        Ok(())
    }
}

/// One secret of a key id, the schemes it may sign with and when.
pub struct KeyEntry<'a> {
    pub secret: Secret<'a>,
    pub schemes: Schemes,
    pub validity: Validity,
}

impl<'a> KeyEntry<'a> {
    pub fn any_scheme(secret: Secret<'a>) -> Self {
        KeyEntry {
            secret,
            schemes: Schemes::ALL,
            validity: Validity::ALWAYS,
        }
    }

    /// Holds the place of an item the key store returned that can never
    /// match (`None`, an empty secret), so indices stay the store's own.
    pub fn placeholder() -> Self {
        KeyEntry {
            secret: Secret::Raw(SecretBytes::Borrowed(b"")),
            schemes: Schemes::NONE,
            validity: Validity::ALWAYS,
        }
    }
}

/// The secrets of `entries` that `scheme` may use at `now`, in the form it
/// keys its MAC with, each with its index among `entries`. Refuses a key
/// whose every secret is pinned to other schemes (`DisallowedScheme`) or
/// outside its validity period (`ExpiredKey`), and a stored drf-hmac secret
/// that is not hexadecimal (a server-side fault, but still a refusal, never
/// a match).
pub fn usable_for<'e>(
    entries: &'e [KeyEntry<'_>],
    scheme: SchemeName,
    now: i64,
) -> Result<FirstInline<(usize, Secret<'e>)>> {
    if entries.iter().all(|e| e.schemes.is_empty()) {
        return Err(Error::UnknownKey);
    }
    let mut usable = FirstInline::default();
    let mut out_of_time = None;
    for (index, entry) in entries.iter().enumerate() {
        if !entry.schemes.contains(scheme) {
            continue;
        }
        if let Err(err) = entry.validity.check(now) {
            out_of_time = Some(err);
            continue;
        }
        let secret = match (&entry.secret, scheme.secret_form()) {
            (Secret::Pinned(key), _) => Secret::Pinned(Cow::Borrowed(key.as_ref())),
            (Secret::Raw(raw), SecretForm::Bytes) => Secret::Raw(SecretBytes::Borrowed(raw)),
            (Secret::Raw(raw), SecretForm::Hex) => {
                let hex = std::str::from_utf8(raw).ok().and_then(hex_decode_spaced);
                let bytes =
                    hex.ok_or_else(|| Error::malformed("the stored secret is not hexadecimal"))?;
                Secret::Raw(SecretBytes::Owned(Zeroizing::new(bytes)))
            }
        };
        usable.push((index, secret));
    }
    if usable.is_empty() {
        return Err(
            out_of_time.unwrap_or_else(|| Error::DisallowedScheme(scheme.name().to_owned()))
        );
    }
    Ok(usable)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mac::{Algorithm, Key};

    #[test]
    fn scheme_sets_and_names() {
        let set: Schemes = [SchemeName::Fost].into_iter().collect();
        assert!(set.contains(SchemeName::Fost) && !set.contains(SchemeName::Cavage));
        assert_eq!(Schemes::ALL.iter().count(), SchemeName::ALL.len());
        for scheme in SchemeName::ALL {
            assert_eq!(SchemeName::from_name(scheme.name()), Some(scheme));
        }
        assert_eq!(SchemeName::from_name("Cavage"), None);
    }

    #[test]
    fn pinned_entries_are_kept_from_other_schemes() {
        let fost_only: Schemes = [SchemeName::Fost].into_iter().collect();
        let entries = [
            KeyEntry {
                secret: Secret::Raw(SecretBytes::Borrowed(b"s")),
                schemes: fost_only,
                validity: Validity::ALWAYS,
            },
            KeyEntry::any_scheme(Secret::Pinned(Cow::Owned(Key::new(Algorithm::Sha1, b"k")))),
        ];
        let fost = usable_for(&entries, SchemeName::Fost, 0).unwrap();
        assert_eq!(fost.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0, 1]);
        let cavage = usable_for(&entries, SchemeName::Cavage, 0).unwrap();
        assert_eq!(cavage.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [1]);
        let err = usable_for(&entries[..1], SchemeName::Cavage, 0).unwrap_err();
        assert_eq!(err.code(), "disallowed_scheme");
        assert_eq!(
            usable_for(&[], SchemeName::Fost, 0).unwrap_err().code(),
            "unknown_key"
        );
    }

    #[test]
    fn drf_secrets_are_hex_decoded_once_here() {
        let entries = [KeyEntry::any_scheme(Secret::Raw(SecretBytes::Borrowed(
            b"0a 0b",
        )))];
        match &usable_for(&entries, SchemeName::DrfHmac, 0)
            .unwrap()
            .first()
            .unwrap()
            .1
        {
            Secret::Raw(raw) => assert_eq!(&raw[..], [10, 11]),
            Secret::Pinned(_) => panic!("raw expected"),
        }
        let bad = [KeyEntry::any_scheme(Secret::Raw(SecretBytes::Borrowed(
            b"0 a",
        )))];
        assert_eq!(
            usable_for(&bad, SchemeName::DrfHmac, 0).unwrap_err().code(),
            "malformed"
        );
        match &usable_for(&bad, SchemeName::Cavage, 0)
            .unwrap()
            .first()
            .unwrap()
            .1
        {
            Secret::Raw(raw) => assert_eq!(&raw[..], b"0 a"),
            Secret::Pinned(_) => panic!("raw expected"),
        }
    }

    #[test]
    fn keys_outside_their_validity_are_refused_as_expired() {
        let window = Validity {
            not_before: Some(100),
            not_after: Some(200),
        };
        let entries = [
            KeyEntry {
                validity: window,
                ..KeyEntry::any_scheme(Secret::Raw(SecretBytes::Borrowed(b"old")))
            },
            KeyEntry {
                validity: Validity {
                    not_before: Some(150),
                    not_after: None,
                },
                ..KeyEntry::any_scheme(Secret::Raw(SecretBytes::Borrowed(b"new")))
            },
        ];
        let indices = |now| -> Vec<usize> {
            usable_for(&entries, SchemeName::Cavage, now)
                .unwrap()
                .iter()
                .map(|(i, _)| *i)
                .collect()
        };
        assert_eq!(indices(100), [0]);
        assert_eq!(indices(150), [0, 1]);
        assert_eq!(indices(200), [1]);
        for now in [99, i64::MIN] {
            let err = usable_for(&entries, SchemeName::Cavage, now).unwrap_err();
            assert_eq!(err.code(), "expired_key");
        }
        assert_eq!(
            usable_for(&entries[..1], SchemeName::Fost, 200)
                .unwrap_err()
                .code(),
            "expired_key"
        );
        // Pinned elsewhere wins over expiry: the scheme was never allowed.
        let pinned = [KeyEntry {
            schemes: [SchemeName::Fost].into_iter().collect(),
            validity: window,
            ..KeyEntry::any_scheme(Secret::Raw(SecretBytes::Borrowed(b"old")))
        }];
        assert_eq!(
            usable_for(&pinned, SchemeName::Cavage, 500)
                .unwrap_err()
                .code(),
            "disallowed_scheme"
        );
    }
}
