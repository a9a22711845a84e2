import os

import requests

from httpseal.client import FostAuth, signed_url  # FostHttpxAuth for httpx

api = os.environ.get("API_URL", "http://127.0.0.1:8000")
user, secret = "alice", os.environ["HTTPSEAL_SECRET"]  # what FOST_AUTHN_GET_SECRET returns
response = requests.get(f"{api}/report/", auth=FostAuth(user, secret))  # or act_as="bob"
print(response.status_code, response.json())  # 200 {'user': 'alice'}

link = signed_url(f"{api}/report/?v=2", user, secret, expires_in=3600)
print(requests.get(link).status_code)  # 200, until the link expires
