from typing import Annotated

from fastapi import Depends, FastAPI
from pydantic import BaseModel

from httpseal import Verified
from httpseal.fastapi import Signature, Webhook

KEYS = {"client-1": "6a2b3f0c9d8e7f6a5b4c3d2e1f0a9b8c"}

app = FastAPI()
signed = Signature(schemes=["rfc9421", "cavage"], key_loader=KEYS.get)  # shows in /docs
stripe = Webhook("stripe", "whsec_0123456789abcdef")  # 400 when a delivery does not verify


class Note(BaseModel):
    text: str


@app.post("/notes")
async def create_note(note: Note, verified: Annotated[Verified, Depends(signed)]) -> dict:
    return {"key": verified.key_id, "scheme": verified.scheme, "text": note.text}


@app.post("/hooks/stripe")
async def stripe_events(delivery: Annotated[Verified, Depends(stripe)]) -> dict:
    return {"received": delivery.timestamp}
