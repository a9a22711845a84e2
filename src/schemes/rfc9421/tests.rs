//! RFC 9421 Appendix B and §2 examples, and hostile input.

use super::*;
use crate::keys::KeyEntry;
use crate::mac::{base64_decode_mac, KeyCache, Secret, SecretBytes};
use crate::pipeline::{self, Context};
use crate::replay::NoReplayGuard;
use crate::request::{headers_from, Header};
use proptest::prelude::*;

const CONTENT_DIGEST: &str = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";
const BODY: &[u8] = b"{\"hello\": \"world\"}";
const CREATED: i64 = 1618884473;

/// The RFC's test-request (Appendix B.2).
fn test_request_headers() -> Vec<Header<'static>> {
    headers_from(&[
        ("Host", "example.com"),
        ("Date", "Tue, 20 Apr 2021 02:07:55 GMT"),
        ("Content-Type", "application/json"),
        ("Content-Digest", CONTENT_DIGEST),
        ("Content-Length", "18"),
    ])
}

fn test_request<'a>(headers: &'a [Header<'static>]) -> Request<'a> {
    Request {
        method: "POST",
        path: "/foo",
        query: "param=Value&Pet=dog",
        headers,
        body: BODY,
    }
}

fn ids(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| identifier(n).unwrap()).collect()
}

fn base_for(req: &Request<'_>, names: &[&str], params: SignParams<'_>, key_id: &str) -> String {
    let components = ids(names);
    let params = SignParams {
        components: &components,
        ..params
    };
    let input = signature_input(key_id, &params).unwrap();
    let message = Message {
        request: req,
        url_scheme: "https",
        response: None,
    };
    String::from_utf8(components::signature_base(&input, &message).unwrap()).unwrap()
}

fn params(label: &str) -> SignParams<'_> {
    SignParams {
        label,
        created: Some(CREATED),
        ..Default::default()
    }
}

/// An RFC 9421 signer with the defaults (label `sig1`, `alg`, sha-256).
fn default_signer(key_id: &str, secret: &[u8]) -> crate::signer::Signer {
    crate::signer::Signer::new(
        key_id,
        Key::new(Algorithm::Sha256, secret),
        crate::signer::Options::Rfc9421 {
            components: None,
            label: "sig1".into(),
            tag: None,
            expires_in: None,
            include_alg: true,
            content_digest: crate::content_digest::Algorithm::Sha256,
        },
    )
    .unwrap()
}

/// A `Host`-only request's headers with what a signer added.
fn received(host: &str, signed: &crate::signer::Signature) -> Vec<Header<'static>> {
    let mut all: Vec<(&str, &str)> = vec![("Host", host)];
    all.extend(signed.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    headers_from(&all)
}

/// `req` through the whole pipeline over HTTPS with `policy`, `secret` and `now`.
fn verify_with(
    req: &Request<'_>,
    policy: &Policy,
    secret: &[u8],
    now: i64,
) -> Result<pipeline::Verified> {
    let mut full = pipeline::Policy::defaults(vec![SchemeName::Rfc9421], Some(300));
    full.rfc9421 = policy.clone();
    let found = pipeline::find(&full, req)?.ok_or(Error::malformed("not ours"))?;
    let context = Context {
        url_scheme: "https",
        ..Context::default()
    };
    let prepared = pipeline::prepare(found, req, &full, &context)?;
    let entries = [KeyEntry::any_scheme(Secret::Raw(SecretBytes::Borrowed(
        secret,
    )))];
    pipeline::check(
        prepared,
        req,
        &entries,
        &KeyCache::new(2),
        now,
        &NoReplayGuard,
    )
}

#[test]
fn b21_minimal_signature_base() {
    let h = test_request_headers();
    let p = SignParams {
        nonce: Some("b3k2pp5k7z-50gnwp.yemd"),
        ..params("sig-b21")
    };
    assert_eq!(
        base_for(&test_request(&h), &[], p, "test-key-rsa-pss"),
        "\"@signature-params\": ();created=1618884473;keyid=\"test-key-rsa-pss\";nonce=\"b3k2pp5k7z-50gnwp.yemd\""
    );
}

#[test]
fn b22_selective_components_base() {
    let h = test_request_headers();
    let p = SignParams {
        tag: Some("header-example"),
        ..params("sig-b22")
    };
    let names = [
        "@authority",
        "content-digest",
        "\"@query-param\";name=\"Pet\"",
    ];
    assert_eq!(
        base_for(&test_request(&h), &names, p, "test-key-rsa-pss"),
        format!(
            "\"@authority\": example.com\n\"content-digest\": {CONTENT_DIGEST}\n\"@query-param\";name=\"Pet\": dog\n\"@signature-params\": (\"@authority\" \"content-digest\" \"@query-param\";name=\"Pet\");created=1618884473;keyid=\"test-key-rsa-pss\";tag=\"header-example\""
        )
    );
}

#[test]
fn b23_full_coverage_base() {
    let h = test_request_headers();
    let names = [
        "date",
        "@method",
        "@path",
        "@query",
        "@authority",
        "content-type",
        "content-digest",
        "content-length",
    ];
    assert_eq!(
        base_for(&test_request(&h), &names, params("sig-b23"), "test-key-rsa-pss"),
        format!(
            "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@method\": POST\n\"@path\": /foo\n\"@query\": ?param=Value&Pet=dog\n\"@authority\": example.com\n\"content-type\": application/json\n\"content-digest\": {CONTENT_DIGEST}\n\"content-length\": 18\n\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@query\" \"@authority\" \"content-type\" \"content-digest\" \"content-length\");created=1618884473;keyid=\"test-key-rsa-pss\""
        )
    );
}

#[test]
fn b24_response_base() {
    let h = test_request_headers();
    let req = test_request(&h);
    let response_headers = headers_from(&[
        ("Date", "Tue, 20 Apr 2021 02:07:56 GMT"),
        ("Content-Type", "application/json"),
        ("Content-Digest", "sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:"),
        ("Content-Length", "23"),
    ]);
    let components = ids(&[
        "@status",
        "content-type",
        "content-digest",
        "content-length",
    ]);
    let p = SignParams {
        components: &components,
        ..params("sig-b24")
    };
    let input = signature_input("test-key-ecc-p256", &p).unwrap();
    let message = Message {
        request: &req,
        url_scheme: "https",
        response: Some(Response {
            status: 200,
            headers: &response_headers,
        }),
    };
    let base = components::signature_base(&input, &message).unwrap();
    assert_eq!(
        String::from_utf8(base).unwrap(),
        "\"@status\": 200\n\"content-type\": application/json\n\"content-digest\": sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:\n\"content-length\": 23\n\"@signature-params\": (\"@status\" \"content-type\" \"content-digest\" \"content-length\");created=1618884473;keyid=\"test-key-ecc-p256\""
    );
}

const B25_SECRET: &str =
    "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==";

fn b25_key() -> Key {
    use base64::Engine as _;
    let secret = base64::engine::general_purpose::STANDARD
        .decode(B25_SECRET)
        .unwrap();
    Key::new(Algorithm::Sha256, &secret)
}

#[test]
fn b25_hmac_signature_reproduced_byte_for_byte() {
    let h = test_request_headers();
    let req = test_request(&h);
    let components = ids(&["date", "@authority", "content-type"]);
    let p = SignParams {
        components: &components,
        ..params("sig-b25")
    };
    let message = Message {
        request: &req,
        url_scheme: "https",
        response: None,
    };
    let signed = sign(&b25_key(), "test-shared-secret", &p, &message).unwrap();
    assert_eq!(
        String::from_utf8(signed.base).unwrap(),
        "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@authority\": example.com\n\"content-type\": application/json\n\"@signature-params\": (\"date\" \"@authority\" \"content-type\");created=1618884473;keyid=\"test-shared-secret\""
    );
    assert_eq!(
        signed.signature_input,
        "sig-b25=(\"date\" \"@authority\" \"content-type\");created=1618884473;keyid=\"test-shared-secret\""
    );
    assert_eq!(
        signed.signature,
        "sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:"
    );
}

#[test]
fn b26_ed25519_base() {
    let h = test_request_headers();
    let names = [
        "date",
        "@method",
        "@path",
        "@authority",
        "content-type",
        "content-length",
    ];
    assert_eq!(
        base_for(&test_request(&h), &names, params("sig-b26"), "test-key-ed25519"),
        "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@method\": POST\n\"@path\": /foo\n\"@authority\": example.com\n\"content-type\": application/json\n\"content-length\": 18\n\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\""
    );
}

/// The B.2.5 request as a server receives it, verified by the pipeline.
fn verify_b25(extra: &[(&str, &str)], policy: Policy, now: i64) -> Result<pipeline::Verified> {
    let mut pairs: Vec<(&str, &str)> = vec![
        ("Host", "example.com"),
        ("Date", "Tue, 20 Apr 2021 02:07:55 GMT"),
        ("Content-Type", "application/json"),
        ("Content-Digest", CONTENT_DIGEST),
        ("Content-Length", "18"),
    ];
    pairs.extend_from_slice(extra);
    let h = headers_from(&pairs);
    let req = test_request(&h);
    let mut full = pipeline::Policy::defaults(vec![SchemeName::Rfc9421], Some(300));
    full.rfc9421 = policy;
    let found = pipeline::find(&full, &req)?.ok_or(Error::malformed("not ours"))?;
    let context = Context {
        url_scheme: "https",
        ..Context::default()
    };
    let prepared = pipeline::prepare(found, &req, &full, &context)?;
    use base64::Engine as _;
    let secret = base64::engine::general_purpose::STANDARD
        .decode(B25_SECRET)
        .unwrap();
    let entries = [KeyEntry::any_scheme(Secret::Raw(SecretBytes::Borrowed(
        &secret,
    )))];
    pipeline::check(
        prepared,
        &req,
        &entries,
        &KeyCache::new(2),
        now,
        &NoReplayGuard,
    )
}

fn b25_policy() -> Policy {
    Policy {
        required: ids(&["date", "@authority", "content-type"]),
        content_digest: false,
        ..Policy::defaults(Some(300))
    }
}

const B25_INPUT: (&str, &str) = (
    "Signature-Input",
    "sig-b25=(\"date\" \"@authority\" \"content-type\");created=1618884473;keyid=\"test-shared-secret\"",
);
const B25_SIGNATURE: (&str, &str) = (
    "Signature",
    "sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:",
);

#[test]
fn b25_verifies_through_the_pipeline() {
    let verified = verify_b25(&[B25_INPUT, B25_SIGNATURE], b25_policy(), CREATED + 10).unwrap();
    assert_eq!(verified.scheme, SchemeName::Rfc9421);
    assert_eq!(verified.key_id, "test-shared-secret");
    assert_eq!(verified.covered, "date @authority content-type");
    assert_eq!(verified.timestamp, Some(CREATED));
    // Stale, and a changed signature.
    let stale = verify_b25(&[B25_INPUT, B25_SIGNATURE], b25_policy(), CREATED + 301);
    assert_eq!(stale.unwrap_err().code(), "stale");
    let forged = (
        "Signature",
        "sig-b25=:qxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:",
    );
    let forged = verify_b25(&[B25_INPUT, forged], b25_policy(), CREATED);
    assert_eq!(forged.unwrap_err().code(), "bad_signature");
}

#[test]
fn the_default_policy_refuses_what_b25_leaves_out() {
    // B.2.5 covers neither @method, @path nor @query, nor the content.
    let err = verify_b25(
        &[B25_INPUT, B25_SIGNATURE],
        Policy::defaults(Some(300)),
        CREATED,
    )
    .unwrap_err();
    assert_eq!(err.code(), "header_not_signed");
    assert!(err.to_string().contains("@method"), "{err}");
}

#[test]
fn labels_and_tags_select_but_never_relax() {
    let by_label = Policy {
        label: Some("sig-b25".into()),
        ..b25_policy()
    };
    assert!(verify_b25(&[B25_INPUT, B25_SIGNATURE], by_label, CREATED).is_ok());
    let other_label = Policy {
        label: Some("other".into()),
        ..b25_policy()
    };
    let err = verify_b25(&[B25_INPUT, B25_SIGNATURE], other_label, CREATED).unwrap_err();
    assert_eq!(err.code(), "missing_header");
    let tagged = Policy {
        tag: Some("app".into()),
        ..b25_policy()
    };
    let err = verify_b25(&[B25_INPUT, B25_SIGNATURE], tagged, CREATED).unwrap_err();
    assert_eq!(err.code(), "missing_header");
    // Selecting the label of a signature that covers too little still fails.
    let strict = Policy {
        label: Some("sig-b25".into()),
        ..Policy::defaults(Some(300))
    };
    let err = verify_b25(&[B25_INPUT, B25_SIGNATURE], strict, CREATED).unwrap_err();
    assert_eq!(err.code(), "header_not_signed");
}

#[test]
fn the_first_signature_the_policy_accepts_is_verified() {
    // A weak signature first, then B.2.5: the weak one is passed over.
    let inputs = (
        "Signature-Input",
        "weak=();created=1618884473;keyid=\"test-shared-secret\", sig-b25=(\"date\" \"@authority\" \"content-type\");created=1618884473;keyid=\"test-shared-secret\"",
    );
    let signatures = (
        "Signature",
        "weak=:AAAA:, sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:",
    );
    let verified = verify_b25(&[inputs, signatures], b25_policy(), CREATED).unwrap();
    assert_eq!(verified.key_id, "test-shared-secret");
}

#[test]
fn asymmetric_and_unknown_algorithms_are_refused() {
    let input = (
        "Signature-Input",
        "sig-b25=(\"date\" \"@authority\" \"content-type\");created=1618884473;keyid=\"test-shared-secret\";alg=\"ed25519\"",
    );
    let err = verify_b25(&[input, B25_SIGNATURE], b25_policy(), CREATED).unwrap_err();
    assert_eq!(err.code(), "disallowed_algorithm");
    let input = (
        "Signature-Input",
        "sig-b25=(\"date\");created=1618884473;keyid=\"k\";alg=\"hmac-sha1\"",
    );
    let err = verify_b25(&[input, B25_SIGNATURE], b25_policy(), CREATED).unwrap_err();
    assert_eq!(err.code(), "unknown_algorithm");
}

#[test]
fn content_digest_is_checked_when_covered() {
    let components = ids(&["@method", "@authority", "@path", "@query", "content-digest"]);
    let p = SignParams {
        components: &components,
        ..params("sig1")
    };
    let h = test_request_headers();
    let message = Message {
        request: &test_request(&h),
        url_scheme: "https",
        response: None,
    };
    let signed = sign(&b25_key(), "test-shared-secret", &p, &message).unwrap();
    let input = ("Signature-Input", signed.signature_input.as_str());
    let signature = ("Signature", signed.signature.as_str());
    let policy = Policy::defaults(Some(300));
    assert!(verify_b25(&[input, signature], policy.clone(), CREATED).is_ok());
    // The same signed headers over another body: the digest no longer matches.
    let mut pairs = vec![
        ("Host", "example.com"),
        ("Content-Digest", CONTENT_DIGEST),
        input,
        signature,
    ];
    pairs.truncate(4);
    let h = headers_from(&pairs);
    let req = Request {
        body: b"{\"hello\": \"there\"}",
        ..test_request(&h)
    };
    let full = pipeline::Policy::defaults(vec![SchemeName::Rfc9421], Some(300));
    let found = pipeline::find(&full, &req).unwrap().unwrap();
    let context = Context {
        url_scheme: "https",
        ..Context::default()
    };
    let prepared = pipeline::prepare(found, &req, &full, &context).unwrap();
    let secret = b25_key_bytes();
    let entries = [KeyEntry::any_scheme(Secret::Raw(SecretBytes::Borrowed(
        &secret,
    )))];
    let err = pipeline::check(
        prepared,
        &req,
        &entries,
        &KeyCache::new(2),
        CREATED,
        &NoReplayGuard,
    )
    .unwrap_err();
    assert_eq!(err.code(), "digest_mismatch");
}

fn b25_key_bytes() -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(B25_SECRET)
        .unwrap()
}

#[test]
fn query_params_are_re_encoded() {
    // RFC 9421 §2.2.8.
    let h = headers_from(&[("Host", "www.example.com")]);
    let req = Request {
        method: "GET",
        path: "/path",
        query: "param=value&foo=bar&baz=batman&qux=&tmp=%2Ftmp&%63%6F%6E=%25",
        headers: &h,
        body: b"",
    };
    let names = [
        "\"@query-param\";name=\"baz\"",
        "\"@query-param\";name=\"qux\"",
        "\"@query-param\";name=\"param\"",
        "\"@query-param\";name=\"tmp\"",
        "\"@query-param\";name=\"con\"",
    ];
    let base = base_for(&req, &names, params("q"), "k");
    let lines: Vec<&str> = base.lines().take(5).collect();
    assert_eq!(
        lines,
        [
            "\"@query-param\";name=\"baz\": batman",
            "\"@query-param\";name=\"qux\": ",
            "\"@query-param\";name=\"param\": value",
            "\"@query-param\";name=\"tmp\": %2Ftmp",
            "\"@query-param\";name=\"con\": %25",
        ]
    );
    // A repeated name: one line per occurrence, in order.
    let req = Request {
        query: "a=1&a=2+3",
        ..req
    };
    let base = base_for(&req, &["\"@query-param\";name=\"a\""], params("q"), "k");
    assert!(base.starts_with("\"@query-param\";name=\"a\": 1\n\"@query-param\";name=\"a\": 2+3\n"));
}

#[test]
fn derived_components_of_section_2_2() {
    let h = headers_from(&[("Host", "WWW.Example.com:443")]);
    let req = Request {
        method: "POST",
        path: "/path",
        query: "param=value",
        headers: &h,
        body: b"",
    };
    let names = [
        "@method",
        "@target-uri",
        "@authority",
        "@scheme",
        "@request-target",
        "@path",
        "@query",
    ];
    let base = base_for(&req, &names, params("d"), "k");
    let lines: Vec<&str> = base.lines().take(7).collect();
    assert_eq!(
        lines,
        [
            "\"@method\": POST",
            "\"@target-uri\": https://www.example.com/path?param=value",
            "\"@authority\": www.example.com",
            "\"@scheme\": https",
            "\"@request-target\": /path?param=value",
            "\"@path\": /path",
            "\"@query\": ?param=value",
        ]
    );
    let req = Request { query: "", ..req };
    let base = base_for(&req, &["@query"], params("d"), "k");
    assert!(base.starts_with("\"@query\": ?\n"));
}

#[test]
fn field_parameters_sf_key_and_bs() {
    // RFC 9421 §2.1: the example-dict field and a repeated field.
    let h = headers_from(&[
        ("Host", "example.com"),
        ("Example-Dict", " a=1,    b=2;x=1;y=2,   c=(a   b   c)"),
        ("X-OWS-Header", "   Leading and trailing whitespace.   "),
        ("X-Obs-Fold-Header", "Obsolete line folding."),
        ("Cache-Control", "max-age=60"),
        ("Cache-Control", "    must-revalidate"),
        ("Example-Header", "value, with, lots"),
        ("Example-Header", "of, commas"),
    ]);
    let req = Request {
        method: "GET",
        path: "/",
        query: "",
        headers: &h,
        body: b"",
    };
    let names = [
        "example-dict",
        "\"example-dict\";sf",
        "\"example-dict\";key=\"a\"",
        "\"example-dict\";key=\"b\"",
        "\"example-dict\";key=\"c\"",
        "x-ows-header",
        "cache-control",
        "example-header",
        "\"example-header\";bs",
    ];
    let base = base_for(&req, &names, params("f"), "k");
    let lines: Vec<&str> = base.lines().take(9).collect();
    assert_eq!(
        lines,
        [
            "\"example-dict\": a=1,    b=2;x=1;y=2,   c=(a   b   c)",
            "\"example-dict\";sf: a=1, b=2;x=1;y=2, c=(a b c)",
            "\"example-dict\";key=\"a\": 1",
            "\"example-dict\";key=\"b\": 2;x=1;y=2",
            "\"example-dict\";key=\"c\": (a b c)",
            "\"x-ows-header\": Leading and trailing whitespace.",
            "\"cache-control\": max-age=60, must-revalidate",
            "\"example-header\": value, with, lots, of, commas",
            "\"example-header\";bs: :dmFsdWUsIHdpdGgsIGxvdHM=:, :b2YsIGNvbW1hcw==:",
        ]
    );
}

#[test]
fn hostile_signatures_are_refused_cleanly() {
    let h = test_request_headers();
    let check = |pairs: &[(&str, &str)]| -> String {
        let mut all: Vec<(&str, &str)> = vec![("Host", "example.com")];
        all.extend_from_slice(pairs);
        let headers = headers_from(&all);
        let req = test_request(&headers);
        let policy = pipeline::Policy::defaults(vec![SchemeName::Rfc9421], Some(300));
        match pipeline::find(&policy, &req)
            .and_then(|f| pipeline::prepare(f.unwrap(), &req, &policy, &Context::default()))
        {
            Ok(_) => "prepared".into(),
            Err(e) => e.code().into(),
        }
    };
    let _ = h;
    let sig = ("Signature", "a=:AAAA:");
    let covered = "\"@method\" \"@authority\" \"@path\" \"@query\" \"content-digest\"";
    let with = |extra: &str| format!("a=({covered} {extra});created=1;keyid=\"k\"");
    for extra in [
        "\"@method\"",
        "\"@Method\"",
        "\"Content-Type\"",
        "\"@signature-params\"",
        "\"@status\"",
        "\"x\";tr",
        "\"x\";sf;bs",
        "\"x\";sf",
        "\"@method\";req",
        "\"@query-param\"",
        "\"@path\";name=\"a\"",
        "\"@nope\"",
        "\"x\";key",
        "\"x\";unknown",
    ] {
        let input = with(extra);
        let got = check(&[
            ("Signature-Input", &input),
            sig,
            ("Content-Digest", CONTENT_DIGEST),
            ("X", "1"),
        ]);
        assert_eq!(got, "malformed", "{input}");
    }
    for (input, code) in [
        ("a=(\"date\" 1);created=1;keyid=\"k\"", "malformed"),
        ("a=\"x\"", "malformed"),
        ("a=();created=\"1\";keyid=\"k\"", "malformed"),
        ("not a dictionary", "malformed"),
        ("a=(\"@method\" \"@authority\" \"@path\" \"@query\" \"content-digest\");keyid=\"k\"", "header_not_signed"),
        ("a=(\"@method\" \"@authority\" \"@path\" \"@query\" \"content-digest\");created=1", "malformed"),
        ("a=(\"@method\" \"@authority\" \"@path\" \"@query\" \"content-digest\" \"x-missing\");created=1;keyid=\"k\"", "missing_header"),
        ("a=(\"@method\" \"@authority\" \"@path\" \"@query\" \"content-digest\");created=1;keyid=\"k\"", "prepared"),
    ] {
        assert_eq!(check(&[("Signature-Input", input), sig, ("Content-Digest", CONTENT_DIGEST)]), code, "{input}");
    }
    // Signature-Input without Signature, and a label missing from Signature.
    assert_eq!(
        check(&[("Signature-Input", "a=();created=1;keyid=\"k\"")]),
        "missing_header"
    );
    let full = "b=(\"@method\" \"@authority\" \"@path\" \"@query\" \"content-digest\");created=1;keyid=\"k\"";
    assert_eq!(
        check(&[
            ("Signature-Input", full),
            sig,
            ("Content-Digest", CONTENT_DIGEST)
        ]),
        "missing_header"
    );
    // A header value with a line break cannot forge a line of the base.
    let full = "a=(\"@method\" \"@authority\" \"@path\" \"@query\" \"content-digest\" \"x-a\");created=1;keyid=\"k\"";
    let forged = ("X-A", "1\n\"@method\": GET");
    assert_eq!(
        check(&[
            ("Signature-Input", full),
            sig,
            ("Content-Digest", CONTENT_DIGEST),
            forged
        ]),
        "malformed"
    );
    // Too many signatures or components, and oversized fields.
    let many: Vec<String> = (0..=fields::MAX_SIGNATURES)
        .map(|i| format!("s{i}=()"))
        .collect();
    assert_eq!(
        check(&[("Signature-Input", &many.join(", ")), sig]),
        "malformed"
    );
    let components: Vec<String> = (0..=64).map(|i| format!("\"h{i}\"")).collect();
    let wide = format!("a=({});created=1;keyid=\"k\"", components.join(" "));
    assert_eq!(check(&[("Signature-Input", &wide), sig]), "malformed");
    let huge = format!(
        "a=();created=1;keyid=\"{}\"",
        "k".repeat(fields::MAX_FIELD_BYTES)
    );
    assert_eq!(check(&[("Signature-Input", &huge), sig]), "malformed");
    // A signature longer than any MAC is simply wrong.
    assert_eq!(
        base64_decode_mac("AAAA").map(|o| o.len()),
        Some(3),
        "sanity: the helper decodes"
    );
}

#[test]
fn signer_checks_what_it_declares() {
    let bad_label = SignParams {
        label: "Sig",
        ..params("x")
    };
    assert!(signature_input("k", &bad_label).is_err());
    let non_ascii = params("sig1");
    assert!(signature_input("clé", &non_ascii).is_err());
    assert!(identifier("@nope").is_err());
    assert!(identifier("Content-Type").is_err());
    assert!(identifier("\"@query-param\"").is_err());
    assert_eq!(identifier("@method").unwrap(), "\"@method\"");
    assert_eq!(
        identifier("\"@query-param\";name=\"id\"").unwrap(),
        "\"@query-param\";name=\"id\""
    );
}

proptest! {
    // Any Signature-Input / Signature text: an answer or an error, never a panic.
    #[test]
    fn find_and_prepare_take_any_fields(input in "\\PC{0,120}", signature in "\\PC{0,60}", query in "\\PC{0,30}") {
        let headers = headers_from(&[("Host", "h"), ("Signature-Input", &input), ("Signature", &signature)]);
        let req = Request { method: "GET", path: "/", query: &query, headers: &headers, body: b"" };
        let policy = pipeline::Policy::defaults(vec![SchemeName::Rfc9421], Some(300));
        if let Ok(Some(found)) = pipeline::find(&policy, &req) {
            let _ = pipeline::prepare(found, &req, &policy, &Context::default());
        }
    }

    // What the signer signs, the verifier accepts; and a changed method is refused.
    #[test]
    fn sign_then_verify(path in "/[a-zA-Z0-9/%._~-]{0,20}", query in "[a-zA-Z0-9=&%+._-]{0,20}", body in proptest::collection::vec(any::<u8>(), 0..40)) {
        let headers = headers_from(&[("Host", "api.example.com")]);
        let req = Request { method: "POST", path: &path, query: &query, headers: &headers, body: &body };
        let signer = default_signer("k", b"secret");
        let signed = signer.sign_with(&req, 1000, &crate::signer::PerRequest { url_scheme: "https", ..Default::default() }).unwrap();
        let headers = received("api.example.com", &signed);
        let policy = Policy::defaults(Some(300));
        for (method, ok) in [("POST", true), ("PUT", false)] {
            let req = Request { method, path: &path, query: &query, headers: &headers, body: &body };
            let result = verify_with(&req, &policy, b"secret", 1000);
            prop_assert_eq!(result.is_ok(), ok);
        }
    }
}

#[test]
fn accept_signature_states_the_policy_and_a_signer_honours_it() {
    let policy = Policy {
        tag: Some("app-1".into()),
        require_nonce: true,
        ..Policy::defaults(Some(300))
    };
    let asked = accept_signature(&policy, true, Some("client-1"), None).unwrap();
    assert_eq!(
        asked,
        "sig1=(\"@method\" \"@authority\" \"@path\" \"@query\" \"content-digest\");created;keyid=\"client-1\";nonce;tag=\"app-1\";alg=\"hmac-sha256\""
    );
    let requested = requested(&asked).unwrap();
    assert_eq!(requested.label, "sig1");
    assert_eq!(requested.tag.as_deref(), Some("app-1"));
    assert!(requested.wants_nonce && requested.nonce.is_none());
    assert_eq!(requested.components.len(), 5);
    // Signed as asked, the request passes that policy.
    let headers = headers_from(&[("Host", "api.example.com")]);
    let req = Request {
        method: "POST",
        path: "/a",
        query: "",
        headers: &headers,
        body: b"x",
    };
    let signer = crate::signer::Signer::new(
        "client-1",
        Key::new(Algorithm::Sha256, b"s"),
        crate::signer::Options::Rfc9421 {
            components: None,
            label: "mine".into(),
            tag: None,
            expires_in: None,
            include_alg: false,
            content_digest: crate::content_digest::Algorithm::Sha512,
        },
    )
    .unwrap();
    let per_request = crate::signer::PerRequest {
        url_scheme: "https",
        accept: Some(&asked),
        ..Default::default()
    };
    assert!(
        signer.sign_with(&req, 1000, &per_request).is_err(),
        "a nonce is asked for"
    );
    let per_request = crate::signer::PerRequest {
        nonce: Some("n-1"),
        ..per_request
    };
    let signed = signer.sign_with(&req, 1000, &per_request).unwrap();
    assert!(signed.headers.iter().any(|(_, v)| v.starts_with("sig1=")));
    let headers = received("api.example.com", &signed);
    let req = Request {
        headers: &headers,
        ..req
    };
    assert!(verify_with(&req, &policy, b"s", 1000).is_ok());
    // Asymmetric-only requests cannot be honoured.
    assert_eq!(
        super::requested("sig1=(\"@method\");alg=\"ed25519\"")
            .unwrap_err()
            .code(),
        "unknown_algorithm"
    );
}

#[test]
fn issued_nonces_are_required_recognised_and_timely() {
    let issuer = NonceIssuer::new(b"server nonce key");
    let policy = Policy {
        issuer: Some(issuer.clone()),
        ..Policy::defaults(Some(300))
    };
    let nonce = issuer.issue(1000, &[1; 16]);
    let asked = accept_signature(&policy, false, None, Some(&nonce)).unwrap();
    assert!(asked.contains(&format!("nonce=\"{nonce}\"")), "{asked}");
    let verify = |nonce: Option<&str>, created: i64| -> Result<pipeline::Verified> {
        let headers = headers_from(&[("Host", "api.example.com")]);
        let req = Request {
            method: "GET",
            path: "/a",
            query: "",
            headers: &headers,
            body: b"",
        };
        let signer = default_signer("k", b"s");
        let per_request = crate::signer::PerRequest {
            url_scheme: "https",
            nonce,
            ..Default::default()
        };
        let signed = signer.sign_with(&req, created, &per_request).unwrap();
        let headers = received("api.example.com", &signed);
        let req = Request {
            headers: &headers,
            ..req
        };
        verify_with(&req, &policy, b"s", created)
    };
    assert!(verify(Some(&nonce), 1010).is_ok());
    assert_eq!(verify(None, 1010).unwrap_err().code(), "header_not_signed");
    assert_eq!(
        verify(Some("my-own-nonce"), 1010).unwrap_err().code(),
        "malformed"
    );
    let other = NonceIssuer::new(b"another server").issue(1000, &[1; 16]);
    assert_eq!(verify(Some(&other), 1010).unwrap_err().code(), "malformed");
    assert_eq!(verify(Some(&nonce), 1301).unwrap_err().code(), "stale");
    assert_eq!(verify(Some(&nonce), 999).unwrap_err().code(), "stale");
}
