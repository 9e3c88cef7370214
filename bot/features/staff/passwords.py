"""Password hashing (argon2id via argon2-cffi) and the password rules.

The default hasher uses argon2-cffi's defaults (Argon2id, RFC 9106's low-memory
profile). Tests pass a cheaper ``PasswordHasher`` (still argon2id).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256

DEFAULT_HASHER = PasswordHasher()
# Verified against when the user name is unknown, so that answer takes as long.
_DUMMY: dict[int, str] = {}


class PasswordRuleError(ValueError):
    """The password breaks a rule; the message is Danish, for staff."""


def check_rules(password: str, username: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise PasswordRuleError(f"Adgangskoden skal have mindst {MIN_LENGTH} tegn.")
    if len(password) > MAX_LENGTH:
        raise PasswordRuleError(f"Adgangskoden må højst have {MAX_LENGTH} tegn.")
    if password.strip().lower() == username.strip().lower():
        raise PasswordRuleError("Adgangskoden må ikke være brugernavnet.")
    if not password.strip():
        raise PasswordRuleError("Adgangskoden må ikke kun være mellemrum.")
    return password


def hash_password(password: str, hasher: PasswordHasher = DEFAULT_HASHER) -> str:
    return hasher.hash(password)


def verify(stored_hash: str, password: str, hasher: PasswordHasher = DEFAULT_HASHER) -> bool:
    try:
        return bool(hasher.verify(stored_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def verify_nothing(password: str, hasher: PasswordHasher = DEFAULT_HASHER) -> None:
    """Spend the time of a verification (unknown user) and always fail."""
    dummy = _DUMMY.get(id(hasher))
    if dummy is None:
        dummy = _DUMMY[id(hasher)] = hasher.hash("ikke-en-rigtig-adgangskode")
    verify(dummy, password[:MAX_LENGTH], hasher)


def needs_rehash(stored_hash: str, hasher: PasswordHasher = DEFAULT_HASHER) -> bool:
    try:
        return bool(hasher.check_needs_rehash(stored_hash))
    except InvalidHashError:
        return True
