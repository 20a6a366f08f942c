"""Join codes that survive being read aloud and typed on a phone."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L, and no U/V pair: nothing a room can mishear or mistype.
ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_code(typed: str) -> str:
    """What a person typed ("k7m 4qx", "K7M-4QX") as the stored form ("K7M4QX")."""
    return "".join(c for c in (typed or "").upper() if c.isalnum())[:32]


def format_code(code: str) -> str:
    """Shown as two groups of three, easier to read out: K7M 4QX."""
    return f"{code[:3]} {code[3:]}" if len(code) == LENGTH else code
