from httpseal import webhooks

# The sender (or a test) signs a delivery; the endpoint verifies it.
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"  # as the sender's dashboard shows it
body = b'{"type": "invoice.paid", "id": "evt_1"}'
headers = webhooks.sign("standard-webhooks", secret, body, msg_id="msg_2KWPBgLlAfxdpx2AI54pPJ85f4W")

endpoint = webhooks.WebhookEndpoint("standard-webhooks", secret)  # once, at start-up
verified = endpoint.verify(headers, body)  # the raw body, before any JSON parsing
print(verified.scheme, verified.delivery_id)  # standard-webhooks msg_2KWPBgLlAfxdpx2AI54pPJ85f4W

# GitHub's documented example.
github = {
    "X-Hub-Signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
}
print(
    webhooks.verify("github", "It's a Secret to Everybody", github, b"Hello, World!").scheme
)  # github

try:
    endpoint.verify(headers, body + b" ")  # a body changed on the way
except webhooks.SignatureError as refusal:
    print(refusal.code)  # bad_signature
