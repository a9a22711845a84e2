import os

import requests

from httpseal.client import HMACAuth  # HMACHttpxAuth for httpx

api = os.environ.get("API_URL", "http://127.0.0.1:8000")
key, secret = os.environ["HTTPSEAL_KEY"], os.environ["HTTPSEAL_SECRET"]  # manage.py httpseal_key
auth = HMACAuth(key, secret, hostname="127.0.0.1")  # the address the server sees
response = requests.post(f"{api}/notes/", json={"title": "new idea"}, auth=auth)
print(response.status_code, response.json())  # 200 {'user': 'alice', 'data': {'title': 'new idea'}}
