"""How often one may try to sign in, counted in the database that every web process shares.

Three counts, none of which lets a stranger lock a user out:

- per address (``LOGIN_ADDRESS_RATE_LIMIT``): one address trying many names is refused;
- per address and username (``LOGIN_RATE_LIMIT``): one address guessing one user's password
  is refused, even the right password, until the window has passed (a success clears it);
- per username from all addresses (``LOGIN_USER_RATE_LIMIT``): past it, every attempt for
  that user waits ``LOGIN_USER_DELAY_SECONDS`` and a wrong password is answered "too many",
  but the right password still signs in, so guessing from many addresses at once is slowed
  without shutting the real user out.

The first two count an attempt before its password is checked, so parallel attempts cannot
slip past; a successful sign-in takes its attempt back from the address's count.
"""

from __future__ import annotations

import threading

from flask import current_app, request

from engine import attempts
from engine.attempts import Rate, parse_rate

from .database import get_db


def _rate(setting: str) -> Rate:
    return parse_rate(str(current_app.config[setting]))


def _keys(username: str) -> tuple[str, str, str]:
    address = request.remote_addr or "unknown"
    name = username.strip().lower()
    return f"address:{address}", f"address-user:{address} {name}", f"user:{name}"


def admit(username: str) -> bool:
    """Count this attempt from its address; False when that address has tried too often."""
    address, pair, _user = _keys(username)
    limits = ((address, _rate("LOGIN_ADDRESS_RATE_LIMIT")), (pair, _rate("LOGIN_RATE_LIMIT")))
    counts = attempts.count(get_db(), *limits)
    return all(n <= rate.amount for n, (_key, rate) in zip(counts, limits, strict=True))


def slow_down(username: str) -> None:
    """Wait before the password is checked when the user has had too many failures lately."""
    _address, _pair, user = _keys(username)
    rate = _rate("LOGIN_USER_RATE_LIMIT")
    if attempts.peek(get_db(), user, rate) >= rate.amount:
        pause(float(current_app.config["LOGIN_USER_DELAY_SECONDS"]))


def pause(seconds: float) -> None:
    # Event.wait, not time.sleep: the same pause, and it also holds under a moved clock
    # (libfaketime makes the absolute sleep of Python 3.11's time.sleep fail).
    threading.Event().wait(seconds)


def succeeded(username: str) -> None:
    """The right password: this address's count for the user is cleared, its attempt undone."""
    address, pair, _user = _keys(username)
    attempts.forget(get_db(), pair)
    attempts.refund(get_db(), address, _rate("LOGIN_ADDRESS_RATE_LIMIT"))


def failed(username: str) -> bool:
    """Count a failure for the username; True when it has had too many from all addresses."""
    _address, _pair, user = _keys(username)
    rate = _rate("LOGIN_USER_RATE_LIMIT")
    [failures] = attempts.count(get_db(), (user, rate))
    return failures > rate.amount
