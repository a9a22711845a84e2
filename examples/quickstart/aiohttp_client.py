import asyncio
import os

import aiohttp

from httpseal.client import CavageHttpxAuth
from httpseal.client.aiohttp import SigningMiddleware
from httpseal.client.message_signatures import MessageSignatureHttpxAuth

API_URL = os.environ.get("API_URL", "http://127.0.0.1:8000")
KEY_ID, SECRET = "client-1", "6a2b3f0c9d8e7f6a5b4c3d2e1f0a9b8c"


async def main() -> None:
    for auth in (MessageSignatureHttpxAuth(KEY_ID, SECRET), CavageHttpxAuth(KEY_ID, SECRET)):
        # Any httpseal client auth object signs every request of the session.
        signing = SigningMiddleware(auth)
        async with (
            aiohttp.ClientSession(middlewares=(signing,)) as session,
            session.post(f"{API_URL}/notes", json={"text": "hi"}) as answer,
        ):
            print(type(auth).__name__, answer.status, await answer.json())
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{API_URL}/notes", json={"text": "hi"}) as answer,
    ):
        print("unsigned", answer.status)


asyncio.run(main())
