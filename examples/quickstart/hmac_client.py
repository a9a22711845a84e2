import os

import requests

import httpseal

api = os.environ.get("API_URL", "http://localhost:5000")
secret = "2a21c5b3bff0299c0161470468f355e5b4afcf17a5f593ab68394e"
path = "/path/to/api/endpoint"
response = requests.post(api + path, headers={"HMAC": httpseal.render_hmac(secret, path)})
print(response.status_code, response.text)  # 200 ok
