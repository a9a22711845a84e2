//! Keyed MACs, plain digests, encodings and the constant-time compare that
//! every scheme builds on.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::{Digest as _, Sha224, Sha256, Sha384, Sha512};
use std::borrow::{Borrow, Cow};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Hash functions an HMAC can be built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Algorithm {
    pub const ALL: [Algorithm; 5] = [
        Algorithm::Sha1,
        Algorithm::Sha224,
        Algorithm::Sha256,
        Algorithm::Sha384,
        Algorithm::Sha512,
    ];

    /// Parses `sha256`, `SHA256`, `sha-256` alike, without allocating.
    pub fn from_name(name: &str) -> Option<Self> {
        let bare = match name.get(..4) {
            Some(prefix) if prefix.eq_ignore_ascii_case("sha-") => &name[4..],
            _ => name
                .get(3..)
                .filter(|_| name[..3].eq_ignore_ascii_case("sha"))?,
        };
        match bare {
            "1" => Some(Algorithm::Sha1),
            "224" => Some(Algorithm::Sha224),
            "256" => Some(Algorithm::Sha256),
            "384" => Some(Algorithm::Sha384),
            "512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha224 => "sha224",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha384 => "sha384",
            Algorithm::Sha512 => "sha512",
        }
    }

    pub fn output_len(self) -> usize {
        match self {
            Algorithm::Sha1 => 20,
            Algorithm::Sha224 => 28,
            Algorithm::Sha256 => 32,
            Algorithm::Sha384 => 48,
            Algorithm::Sha512 => 64,
        }
    }
}

/// Text forms of a MAC on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// URL-safe base64 without `=` padding (Flask-HMAC).
    Base64Url,
    /// Standard base64 with padding.
    Base64,
    /// Lowercase hexadecimal.
    Hex,
}

impl Encoding {
    pub fn from_name(name: &str) -> Option<Self> {
        [
            ("base64url", Encoding::Base64Url),
            ("base64", Encoding::Base64),
            ("hex", Encoding::Hex),
        ]
        .into_iter()
        .find(|(known, _)| name.eq_ignore_ascii_case(known))
        .map(|(_, encoding)| encoding)
    }

    pub fn encode(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Base64Url => URL_SAFE_NO_PAD.encode(bytes),
            Encoding::Base64 => STANDARD.encode(bytes),
            Encoding::Hex => hex_encode(bytes),
        }
    }

    /// Strictly decodes a client's MAC (at most 64 bytes) on the stack: only
    /// the canonical text of some byte string decodes, hex in either case.
    pub fn decode_mac(self, text: &[u8]) -> Option<Output> {
        // 128 hex digits or 88 base64 characters encode 64 bytes.
        if text.len() > 128 {
            return None;
        }
        let mut buf = [0u8; 96];
        let len = match self {
            Encoding::Base64Url => decode_base64(text, &URL_SAFE_VALUES, false, &mut buf)?,
            Encoding::Base64 => decode_base64(text, &STANDARD_VALUES, true, &mut buf)?,
            Encoding::Hex => {
                if text.len() % 2 != 0 {
                    return None;
                }
                for (i, pair) in text.chunks_exact(2).enumerate() {
                    buf[i] = nibble(pair[0])? << 4 | nibble(pair[1])?;
                }
                text.len() / 2
            }
        };
        (len <= 64).then(|| Output::new(&buf[..len]))
    }
}

/// The value of each base64 character in one alphabet; `INVALID` for the rest.
type Alphabet = [u8; 256];
const INVALID: u8 = 0xff;

const fn alphabet(chars: &[u8; 64]) -> Alphabet {
    let mut values = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        values[chars[i] as usize] = i as u8;
        i += 1;
    }
    values
}

const STANDARD_VALUES: Alphabet =
    alphabet(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
const URL_SAFE_VALUES: Alphabet =
    alphabet(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

/// Strict base64 of a short text (a MAC, a digest) into `out`, as the
/// `base64` crate's `STANDARD` (`padded`) and `URL_SAFE_NO_PAD` engines
/// decode it: canonical padding or none, no stray characters, unused
/// trailing bits zero. Its own loop because the engines' setup costs more
/// than a MAC's few dozen characters; `None` when `out` is too short.
fn decode_base64(text: &[u8], values: &Alphabet, padded: bool, out: &mut [u8]) -> Option<usize> {
    let body = if padded {
        if text.len() % 4 != 0 {
            return None;
        }
        let pad = text
            .iter()
            .rev()
            .take(2)
            .take_while(|&&c| c == b'=')
            .count();
        &text[..text.len() - pad]
    } else {
        text
    };
    let (quads, rest) = body.split_at(body.len() / 4 * 4);
    if rest.len() == 1 || out.len() < quads.len() / 4 * 3 + rest.len() {
        return None;
    }
    let mut len = 0;
    for quad in quads.chunks_exact(4) {
        let word = sextets(quad, values)?;
        out[len..len + 3].copy_from_slice(&word.to_be_bytes()[1..]);
        len += 3;
    }
    if !rest.is_empty() {
        let word = sextets(rest, values)?;
        // Two characters carry one byte and four spare bits, three carry two
        // bytes and two spare bits; set spare bits mean another encoder's text.
        let (bytes, spare) = if rest.len() == 2 { (1, 4) } else { (2, 2) };
        if word & ((1 << spare) - 1) != 0 {
            return None;
        }
        let word = word >> spare;
        for i in 0..bytes {
            out[len + i] = (word >> (8 * (bytes - 1 - i))) as u8;
        }
        len += bytes;
    }
    Some(len)
}

/// Up to four base64 characters' six-bit values, packed into one word.
fn sextets(chars: &[u8], values: &Alphabet) -> Option<u32> {
    chars
        .iter()
        .try_fold(0u32, |word, &c| match values[c as usize] {
            INVALID => None,
            v => Some(word << 6 | u32::from(v)),
        })
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

pub fn hex_encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 0xf) as usize] as char);
    }
    out
}

/// Decodes hex as Python's `bytes.fromhex` does: pairs of digits (either
/// case), with ASCII whitespace allowed between pairs but not inside one.
pub fn hex_decode_spaced(text: &str) -> Option<Vec<u8>> {
    // Python's whitespace for fromhex: space, \t, \n, \v, \f, \r.
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() / 2);
    let mut i = 0;
    while i < bytes.len() {
        if space(bytes[i]) {
            i += 1;
            continue;
        }
        let hi = nibble(bytes[i])?;
        let lo = nibble(*bytes.get(i + 1)?)?;
        out.push(hi << 4 | lo);
        i += 2;
    }
    Some(out)
}

/// Decodes standard base64 of a MAC or digest (at most 64 bytes) without
/// allocating; `None` for anything else.
pub fn base64_decode_mac(text: &str) -> Option<Output> {
    Encoding::Base64.decode_mac(text.as_bytes())
}

pub fn base64_encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Eight bytes (a `chunks_exact(8)` chunk) as one word, for comparisons a
/// word at a time.
pub(crate) fn word(chunk: &[u8]) -> u64 {
    u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]))
}

/// Constant-time equality. The length of a MAC is public, so only the
/// contents are compared in constant time: the differences are ORed together
/// eight bytes at a time, with no branch on the contents, and `subtle` judges
/// the total (a byte at a time through `subtle` costs more than the MAC of a
/// small request).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (a_words, b_words) = (a.chunks_exact(8), b.chunks_exact(8));
    let (a_tail, b_tail) = (a_words.remainder(), b_words.remainder());
    let mut diff = a_words
        .zip(b_words)
        .fold(0u64, |diff, (x, y)| diff | (word(x) ^ word(y)));
    diff |= a_tail
        .iter()
        .zip(b_tail)
        .fold(0u64, |diff, (x, y)| diff | u64::from(x ^ y));
    bool::from(std::hint::black_box(diff).ct_eq(&0))
}

/// A MAC or digest of up to 64 bytes, kept on the stack. Deliberately not
/// `PartialEq`: compare with `ct_eq`.
#[derive(Clone, Copy)]
pub struct Output {
    buf: [u8; 64],
    len: usize,
}

impl Output {
    /// `bytes` as an output; `None` past 64 bytes, the longest MAC.
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        (bytes.len() <= 64).then(|| Output::new(bytes))
    }

    fn new(bytes: &[u8]) -> Self {
        let mut buf = [0u8; 64];
        buf[..bytes.len()].copy_from_slice(bytes);
        Output {
            buf,
            len: bytes.len(),
        }
    }
}

impl std::ops::Deref for Output {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A MAC is as sensitive as what it protects; never print it.
        write!(f, "Output({} bytes)", self.len)
    }
}

/// An HMAC key with its inner and outer pads already absorbed, so a server
/// that verifies many requests pays for the key schedule once. The state is
/// shared: keys, secrets and key entries move by pointer, not as the few
/// hundred bytes of hash state.
#[derive(Clone)]
pub struct Key {
    state: Arc<KeyState>,
}

enum KeyState {
    Sha1(Hmac<Sha1>),
    Sha224(Hmac<Sha224>),
    Sha256(Hmac<Sha256>),
    Sha384(Hmac<Sha384>),
    Sha512(Hmac<Sha512>),
}

macro_rules! with_state {
    ($state:expr, $mac:ident => $body:expr) => {
        match $state {
            KeyState::Sha1($mac) => $body,
            KeyState::Sha224($mac) => $body,
            KeyState::Sha256($mac) => $body,
            KeyState::Sha384($mac) => $body,
            KeyState::Sha512($mac) => $body,
        }
    };
}

impl Key {
    pub fn new(algorithm: Algorithm, secret: &[u8]) -> Self {
        // HMAC accepts keys of any length, so `new_from_slice` cannot fail.
        let state = match algorithm {
            Algorithm::Sha1 => {
                KeyState::Sha1(Hmac::new_from_slice(secret).expect("any key length"))
            }
            Algorithm::Sha224 => {
                KeyState::Sha224(Hmac::new_from_slice(secret).expect("any key length"))
            }
            Algorithm::Sha256 => {
                KeyState::Sha256(Hmac::new_from_slice(secret).expect("any key length"))
            }
            Algorithm::Sha384 => {
                KeyState::Sha384(Hmac::new_from_slice(secret).expect("any key length"))
            }
            Algorithm::Sha512 => {
                KeyState::Sha512(Hmac::new_from_slice(secret).expect("any key length"))
            }
        };
        Key {
            state: Arc::new(state),
        }
    }

    pub fn algorithm(&self) -> Algorithm {
        match *self.state {
            KeyState::Sha1(_) => Algorithm::Sha1,
            KeyState::Sha224(_) => Algorithm::Sha224,
            KeyState::Sha256(_) => Algorithm::Sha256,
            KeyState::Sha384(_) => Algorithm::Sha384,
            KeyState::Sha512(_) => Algorithm::Sha512,
        }
    }

    /// MAC over the concatenation of `parts`, so callers need not build one buffer.
    pub fn sign_parts(&self, parts: &[&[u8]]) -> Output {
        with_state!(&*self.state, mac => {
            let mut mac = mac.clone();
            for part in parts {
                mac.update(part);
            }
            Output::new(&mac.finalize().into_bytes())
        })
    }

    pub fn sign(&self, data: &[u8]) -> Output {
        self.sign_parts(&[data])
    }

    /// Decodes `token` strictly and compares its bytes with the MAC of `data`
    /// in constant time; `false` for a token of any other shape.
    pub fn verify_token(&self, data: &[u8], token: &[u8], encoding: Encoding) -> bool {
        match encoding.decode_mac(token) {
            Some(claimed) => ct_eq(&self.sign(data), &claimed),
            None => false,
        }
    }
}

/// A secret the key store returned: raw, usable with any allowed algorithm, or
/// a key pinned to one hash function. Copies of raw secrets are wiped on drop.
pub enum Secret<'a> {
    Raw(SecretBytes<'a>),
    Pinned(Cow<'a, Key>),
}

impl Secret<'_> {
    /// The MAC of `parts` under this secret with `algorithm`, or `None` when
    /// the secret is pinned to another algorithm.
    pub fn sign_parts(
        &self,
        algorithm: Algorithm,
        keys: &KeyCache,
        parts: &[&[u8]],
    ) -> Option<Output> {
        match self {
            Secret::Pinned(key) if key.algorithm() == algorithm => Some(key.sign_parts(parts)),
            Secret::Pinned(_) => None,
            Secret::Raw(raw) => Some(keys.get(algorithm, raw).sign_parts(parts)),
        }
    }

    /// The same secret, no longer borrowing from the caller.
    pub fn into_owned(self) -> Secret<'static> {
        match self {
            Secret::Raw(raw) => Secret::Raw(raw.into_owned()),
            Secret::Pinned(key) => Secret::Pinned(Cow::Owned(key.into_owned())),
        }
    }
}

impl std::fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret itself.
        match self {
            Secret::Raw(raw) => write!(f, "Secret::Raw({} bytes)", raw.len()),
            Secret::Pinned(key) => write!(f, "Secret::Pinned({})", key.algorithm().name()),
        }
    }
}

/// Secret bytes borrowed from the caller, or a copy that is zeroized on drop.
pub enum SecretBytes<'a> {
    Borrowed(&'a [u8]),
    Owned(Zeroizing<Vec<u8>>),
}

impl SecretBytes<'_> {
    pub fn into_owned(self) -> SecretBytes<'static> {
        match self {
            SecretBytes::Borrowed(raw) => SecretBytes::Owned(Zeroizing::new(raw.to_vec())),
            SecretBytes::Owned(raw) => SecretBytes::Owned(raw),
        }
    }
}

impl std::ops::Deref for SecretBytes<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            SecretBytes::Borrowed(raw) => raw,
            SecretBytes::Owned(raw) => raw,
        }
    }
}

/// Checks `claimed` against the MAC of `parts` under every secret usable with
/// `algorithm`, all in constant time (none is skipped once one matched).
/// Returns the index of the first secret that matched.
pub fn match_secrets(
    secrets: &[Secret<'_>],
    algorithm: Algorithm,
    keys: &KeyCache,
    parts: &[&[u8]],
    claimed: &[u8],
) -> crate::error::Result<usize> {
    if secrets.is_empty() {
        return Err(crate::error::Error::UnknownKey);
    }
    match_indexed(secrets.iter().enumerate(), algorithm, keys, parts, claimed)
}

/// `match_secrets` over secrets that carry their own index.
pub fn match_indexed<'s, 'k: 's>(
    secrets: impl IntoIterator<Item = (usize, &'s Secret<'k>)>,
    algorithm: Algorithm,
    keys: &KeyCache,
    parts: &[&[u8]],
    claimed: &[u8],
) -> crate::error::Result<usize> {
    // A claim longer than any MAC is no claim: nothing matches it.
    let claim = Output::from_slice(claimed);
    match_any(secrets, algorithm, keys, parts, claim.iter()).map(|(index, _)| index)
}

/// `match_indexed` against several claimed MACs (a message listing several
/// signatures): each secret's MAC is computed once and compared with every
/// claim in constant time. The index of the first secret that matched any,
/// and the MAC it computed (the one claim the request is known by, however
/// its claims are ordered).
pub fn match_any<'s, 'k: 's, 'c>(
    secrets: impl IntoIterator<Item = (usize, &'s Secret<'k>)>,
    algorithm: Algorithm,
    keys: &KeyCache,
    parts: &[&[u8]],
    claims: impl IntoIterator<Item = &'c Output> + Clone,
) -> crate::error::Result<(usize, Output)> {
    use crate::error::Error;
    let mut candidates = 0;
    let mut matched = None;
    for (index, secret) in secrets {
        let Some(mac) = secret.sign_parts(algorithm, keys, parts) else {
            continue;
        };
        candidates += 1;
        let mut hit = false;
        for claim in claims.clone() {
            hit |= ct_eq(&mac, claim);
        }
        if hit && matched.is_none() {
            matched = Some((index, mac));
        }
    }
    if candidates == 0 {
        return Err(Error::DisallowedAlgorithm(format!(
            "hmac-{}",
            algorithm.name()
        )));
    }
    matched.ok_or(Error::BadSignature)
}

/// A cached secret: its bytes are wiped when the entry goes.
#[derive(PartialEq, Eq)]
struct CachedSecret(Zeroizing<Vec<u8>>);

impl std::hash::Hash for CachedSecret {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.as_slice().hash(state);
    }
}

impl Borrow<[u8]> for CachedSecret {
    fn borrow(&self) -> &[u8] {
        &self.0
    }
}

/// Keys derived from raw secrets, so a server that is handed the same secret
/// on every request pays for the key schedule once. Bounded: when full it
/// starts over, so a key store that rotates secrets cannot grow it.
pub struct KeyCache {
    keys: Mutex<HashMap<CachedSecret, [Option<Key>; 5]>>,
    capacity: usize,
}

impl KeyCache {
    pub fn new(capacity: usize) -> Self {
        KeyCache {
            keys: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    pub fn get(&self, algorithm: Algorithm, secret: &[u8]) -> Key {
        if self.capacity == 0 {
            return Key::new(algorithm, secret);
        }
        let slot = algorithm as usize;
        // A poisoned lock only means another thread panicked mid-insert; the
        // map is still a valid cache.
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(key) = keys.get(secret).and_then(|per_alg| per_alg[slot].as_ref()) {
            return key.clone();
        }
        let key = Key::new(algorithm, secret);
        if keys.len() >= self.capacity && !keys.contains_key(secret) {
            keys.clear();
        }
        keys.entry(CachedSecret(Zeroizing::new(secret.to_vec())))
            .or_default()[slot] = Some(key.clone());
        key
    }
}

/// Hashes for the HTTP `Digest` header (RFC 3230), including the legacy ones
/// that a server must opt into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyDigest {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl BodyDigest {
    /// Parses the RFC 3230 names (`SHA-256`, case-insensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        [
            ("SHA-256", BodyDigest::Sha256),
            ("SHA-512", BodyDigest::Sha512),
            ("SHA-384", BodyDigest::Sha384),
            ("SHA-224", BodyDigest::Sha224),
            ("SHA-1", BodyDigest::Sha1),
            ("SHA", BodyDigest::Sha1),
            ("MD5", BodyDigest::Md5),
        ]
        .into_iter()
        .find(|(known, _)| name.eq_ignore_ascii_case(known))
        .map(|(_, digest)| digest)
    }

    pub fn name(self) -> &'static str {
        match self {
            BodyDigest::Md5 => "MD5",
            BodyDigest::Sha1 => "SHA-1",
            BodyDigest::Sha224 => "SHA-224",
            BodyDigest::Sha256 => "SHA-256",
            BodyDigest::Sha384 => "SHA-384",
            BodyDigest::Sha512 => "SHA-512",
        }
    }

    /// MD5 and SHA-1 are broken for collision resistance.
    pub fn is_legacy(self) -> bool {
        matches!(self, BodyDigest::Md5 | BodyDigest::Sha1)
    }

    pub fn hash(self, body: &[u8]) -> Output {
        match self {
            BodyDigest::Md5 => Output::new(&md5::Md5::digest(body)),
            BodyDigest::Sha1 => Output::new(&Sha1::digest(body)),
            BodyDigest::Sha224 => Output::new(&Sha224::digest(body)),
            BodyDigest::Sha256 => Output::new(&Sha256::digest(body)),
            BodyDigest::Sha384 => Output::new(&Sha384::digest(body)),
            BodyDigest::Sha512 => Output::new(&Sha512::digest(body)),
        }
    }

    /// The header value `SHA-256=<base64>` for `body`.
    pub fn header_value(self, body: &[u8]) -> String {
        format!("{}={}", self.name(), base64_encode(&self.hash(body)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ct_eq_sees_every_byte_of_every_length() {
        for len in 0..=70usize {
            let a: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert!(ct_eq(&a, &a.clone()));
            for at in 0..len {
                for flip in [0x01, 0x80, 0xff] {
                    let mut b = a.clone();
                    b[at] ^= flip;
                    assert!(!ct_eq(&a, &b), "len {len}, byte {at}");
                }
            }
            assert!(!ct_eq(&a, &a[..len.saturating_sub(1)]) || len == 0);
        }
        assert!(!ct_eq(b"", b"x"));
    }

    #[test]
    fn rfc4231_case_2() {
        let key = Key::new(Algorithm::Sha256, b"Jefe");
        let mac = key.sign(b"what do ya want for nothing?");
        assert_eq!(
            hex_encode(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn flask_hmac_vector() {
        let key = Key::new(
            Algorithm::Sha256,
            b"2a21c5b3bff0299c0161470468f355e5b4afcf17a5f593ab68394e",
        );
        let token = Encoding::Base64Url.encode(&key.sign(b"/path/to/api/endpoint"));
        assert_eq!(token, "V87ZoYtZYe_wuLLKUL9HFir-k0mVlV_b60WdfRJUSRI");
        assert!(key.verify_token(
            b"/path/to/api/endpoint",
            token.as_bytes(),
            Encoding::Base64Url
        ));
    }

    #[test]
    fn parts_equal_whole() {
        for alg in Algorithm::ALL {
            let key = Key::new(alg, b"k");
            assert_eq!(
                key.sign(b"abcdef")[..],
                key.sign_parts(&[b"ab", b"", b"cdef"])[..]
            );
            assert_eq!(key.sign(b"x").len(), alg.output_len());
        }
    }

    #[test]
    fn mac_sized_base64_decodes_without_allocating() {
        let mac = Key::new(Algorithm::Sha512, b"k").sign(b"d");
        assert_eq!(
            base64_decode_mac(&base64_encode(&mac)).as_deref(),
            Some(&mac[..])
        );
        assert!(base64_decode_mac(&base64_encode(&[0u8; 65])).is_none());
        assert!(base64_decode_mac("%%%").is_none());
        assert!(base64_decode_mac(&"A".repeat(10_000)).is_none());
        assert_eq!(base64_decode_mac("").as_deref(), Some(&[][..]));
    }

    proptest::proptest! {
        // The MAC decoder accepts exactly what the `base64` crate's engines
        // accept, with the same bytes.
        #[test]
        fn base64_decodes_as_the_base64_crate(
            text in "([A-Za-z0-9+/_=-]{0,90}|[A-Za-z0-9+/]{0,60}={0,3}|.{0,12})",
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..66),
        ) {
            for encoding in [Encoding::Base64, Encoding::Base64Url] {
                let engine = match encoding {
                    Encoding::Base64 => STANDARD,
                    _ => URL_SAFE_NO_PAD,
                };
                let expected = engine.decode(text.as_bytes()).ok().filter(|d| d.len() <= 64);
                let decoded = encoding.decode_mac(text.as_bytes());
                proptest::prop_assert_eq!(decoded.as_deref(), expected.as_deref());
                let canonical = engine.encode(&bytes);
                let decoded = encoding.decode_mac(canonical.as_bytes());
                proptest::prop_assert_eq!(decoded.as_deref(), (bytes.len() <= 64).then_some(&bytes[..]));
            }
        }
    }

    #[test]
    fn names_parse_without_surprises() {
        for (name, alg) in [
            ("sha1", Algorithm::Sha1),
            ("SHA-256", Algorithm::Sha256),
            ("Sha512", Algorithm::Sha512),
        ] {
            assert_eq!(Algorithm::from_name(name), Some(alg));
        }
        for bad in ["", "sh", "sha", "sha-", "md5", "sha2566", "shaé", "é"] {
            assert_eq!(Algorithm::from_name(bad), None, "{bad}");
        }
        assert_eq!(Encoding::from_name("HEX"), Some(Encoding::Hex));
        assert_eq!(Encoding::from_name("base32"), None);
    }

    #[test]
    fn key_cache_matches_fresh_keys_and_stays_bounded() {
        let cache = KeyCache::new(2);
        for round in 0..3 {
            for secret in [&b"a"[..], b"b", b"c"] {
                for alg in Algorithm::ALL {
                    let cached = cache.get(alg, secret).sign(b"data");
                    assert_eq!(
                        cached[..],
                        Key::new(alg, secret).sign(b"data")[..],
                        "{round}"
                    );
                }
                assert!(cache.keys.lock().unwrap().len() <= 2);
            }
        }
        assert_eq!(
            KeyCache::new(0).get(Algorithm::Sha1, b"k").sign(b"")[..],
            Key::new(Algorithm::Sha1, b"k").sign(b"")[..]
        );
    }

    #[test]
    fn hex_round_trip_and_rejects() {
        assert_eq!(hex_decode_spaced("00ffA0").unwrap(), vec![0, 255, 160]);
        assert!(hex_decode_spaced("0").is_none());
        assert!(hex_decode_spaced("zz").is_none());
        assert_eq!(hex_encode(&[0, 255, 160]), "00ffa0");
    }

    #[test]
    fn spaced_hex_decodes_as_python_fromhex() {
        assert_eq!(
            hex_decode_spaced(" 01 ab\t\x0bFF\n").unwrap(),
            vec![1, 0xab, 0xff]
        );
        assert_eq!(hex_decode_spaced("").unwrap(), Vec::<u8>::new());
        for bad in ["0 1", "0", "01 2", "zz", "01\u{a0}02", "\u{e9}"] {
            assert!(hex_decode_spaced(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn hex_tokens_ignore_case() {
        let key = Key::new(Algorithm::Sha1, b"k");
        let upper = Encoding::Hex.encode(&key.sign(b"d")).to_ascii_uppercase();
        assert!(key.verify_token(b"d", upper.as_bytes(), Encoding::Hex));
    }

    #[test]
    fn tokens_of_any_shape_are_refused() {
        let key = Key::new(Algorithm::Sha256, b"k");
        let good = Encoding::Base64Url.encode(&key.sign(b"/p"));
        for bad in [
            String::new(),
            format!("{good}="),
            good[1..].to_string(),
            "\u{e9}".repeat(50),
            "A".repeat(1 << 20),
        ] {
            assert!(!key.verify_token(b"/p", bad.as_bytes(), Encoding::Base64Url));
        }
    }

    #[test]
    fn strict_decoding_accepts_only_canonical_text() {
        let mac = Key::new(Algorithm::Sha256, b"k").sign(b"d");
        for encoding in [Encoding::Base64Url, Encoding::Base64, Encoding::Hex] {
            let text = encoding.encode(&mac);
            assert_eq!(encoding.decode_mac(text.as_bytes()).unwrap()[..], mac[..]);
        }
        let url = Encoding::Base64Url.encode(&mac);
        let std = Encoding::Base64.encode(&mac);
        for (encoding, bad) in [
            (Encoding::Base64Url, format!("{url}=")),
            (Encoding::Base64Url, std.clone()),
            (Encoding::Base64, std.trim_end_matches('=').to_owned()),
            (Encoding::Base64, format!(" {std}")),
            (Encoding::Hex, "abc".to_owned()),
            (Encoding::Hex, "zz".to_owned()),
            (Encoding::Hex, "00".repeat(65)),
        ] {
            assert!(encoding.decode_mac(bad.as_bytes()).is_none(), "{bad}");
        }
        // A non-zero trailing bit is another spelling of the same bytes: refused.
        let mut spelled = url.clone().into_bytes();
        let last = spelled.last_mut().unwrap();
        *last = if *last == b'A' { b'B' } else { b'A' };
        let decoded = Encoding::Base64Url.decode_mac(&spelled);
        assert!(decoded.is_none() || decoded.unwrap()[..] != mac[..]);
    }

    #[test]
    fn rotation_checks_every_secret_and_reports_the_match() {
        let keys = KeyCache::new(4);
        let claimed = Key::new(Algorithm::Sha1, b"old").sign(b"doc");
        let secrets = [
            Secret::Raw(SecretBytes::Borrowed(b"new")),
            Secret::Pinned(Cow::Owned(Key::new(Algorithm::Sha256, b"old"))),
            Secret::Raw(SecretBytes::Borrowed(b"old")),
        ];
        let index = match_secrets(&secrets, Algorithm::Sha1, &keys, &[b"d", b"oc"], &claimed);
        assert_eq!(index, Ok(2));
        let pinned_elsewhere = [Secret::Pinned(Cow::Owned(Key::new(
            Algorithm::Sha256,
            b"k",
        )))];
        let err = match_secrets(&pinned_elsewhere, Algorithm::Sha1, &keys, &[], &claimed);
        assert_eq!(err.unwrap_err().code(), "disallowed_algorithm");
        assert_eq!(
            match_secrets(&[], Algorithm::Sha1, &keys, &[], &claimed).unwrap_err(),
            crate::error::Error::UnknownKey
        );
    }

    #[test]
    fn body_digest_names() {
        assert_eq!(BodyDigest::from_name("sha-256"), Some(BodyDigest::Sha256));
        assert_eq!(BodyDigest::from_name("SHA"), Some(BodyDigest::Sha1));
        assert_eq!(BodyDigest::from_name("crc32"), None);
        assert_eq!(
            BodyDigest::Sha256.header_value(b""),
            "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }
}
