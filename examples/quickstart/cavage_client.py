import os

import requests

from httpseal.client import CavageSignedRequestAuth  # or CavageHttpxAuth for httpx

api = os.environ.get("API_URL", "http://localhost:5000")
auth = CavageSignedRequestAuth("access_key_1", "123456789")
response = requests.get(f"{api}/hello_world_private", auth=auth, json={})
print(response.status_code, response.text)  # 200 <Whisper> Hello, world!
