import asyncio
import os

import httpx

from httpseal.client import CavageHttpxAuth
from httpseal.client.message_signatures import MessageSignatureHttpxAuth

API_URL = os.environ.get("API_URL", "http://127.0.0.1:8000")
KEY_ID, SECRET = "client-1", "6a2b3f0c9d8e7f6a5b4c3d2e1f0a9b8c"


async def main() -> None:
    async with httpx.AsyncClient(base_url=API_URL) as client:
        for auth in (MessageSignatureHttpxAuth(KEY_ID, SECRET), CavageHttpxAuth(KEY_ID, SECRET)):
            answer = await client.post("/notes", json={"text": "hi"}, auth=auth)
            print(type(auth).__name__, answer.status_code, answer.json())
        print("unsigned", (await client.post("/notes", json={"text": "hi"})).status_code)


asyncio.run(main())
