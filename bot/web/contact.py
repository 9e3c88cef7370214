"""GET /api/contact: the office's contact data for the page's "talk to a person" box."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from bot.features.contact import Contact
from bot.web import get_contact

router = APIRouter(prefix="/api", tags=["contact"])


@router.get("/contact", response_model=Contact)
async def contact(data: Contact = Depends(get_contact)) -> Any:
    return data
