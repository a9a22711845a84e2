cd "$(mktemp -d)"                         # a scratch directory for the files below
api=${API_URL:-http://127.0.0.1:5000}     # flask --app examples/quickstart/flask_signature_auth.py run
printf %s 6a2b3f0c9d8e7f6a5b4c3d2e1f0a9b8c > client-1.key   # that example's secret for client-1
httpseal keygen > other.key               # a new secret: 32 random bytes, hex
printf %s '{"title": "new idea"}' > note.json

# The headers that sign a request, one 'Name: value' line each, in the order a client sends them:
httpseal sign cavage --key-id client-1 --secret-file client-1.key -X POST \
    -H 'Content-Type: application/json' --data @note.json "$api/notes"

# A complete curl command, run at once; the server answers {"key":"client-1"}:
eval "$(httpseal sign drf-hmac --key-id client-1 --secret-file client-1.key --curl -X POST \
    -H 'Content-Type: application/json' --data @note.json "$api/notes")"

# Signed with another secret and refused (401); curl -v writes the request it sent to capture.txt,
# and `httpseal verify` explains the refusal with the string the server signed (exit code 1):
eval "$(httpseal sign fost --key-id client-1 --secret-file other.key --curl -X POST \
    -H 'Content-Type: application/json' --data @note.json "$api/notes") -sv" 2> capture.txt
httpseal verify fost --secret-file client-1.key --body note.json capture.txt
