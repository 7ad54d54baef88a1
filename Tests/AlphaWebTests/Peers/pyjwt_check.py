"""Checks AlphaEngine access tokens with PyJWT, an implementation that is not ours.

Run with .venv-web/bin/python (scripts/setup-python-web). The HS256 secret comes from the
environment variable ALPHAENGINE_TEST_JWT_SECRET.

    pyjwt_check.py verify TOKEN
        Verifies TOKEN as an access token: signature (HS256 only), exp/nbf/iat against the clock
        (no leeway), iss "alphaengine", aud exactly "alphaengine-api", all of exp iat nbf iss aud
        sub present, header typ "JWT" or absent, claim typ "access", role admin or viewer.
        Prints the claims as one JSON line and exits 0; otherwise prints "REJECTED: <reason>" and
        exits 1.

    pyjwt_check.py issue SUBJECT ROLE
        Prints an HS256 access token made by PyJWT: iss, aud, typ=access, sub, role, iat=nbf=now,
        exp=now+300 and a random 16-hex-digit jti. ROLE is not checked, so a test can also make
        tokens our server must refuse.

Usage errors (missing secret or arguments) exit 2.
"""

import json
import os
import secrets
import sys
import time
from typing import NoReturn

import jwt

ISSUER = "alphaengine"
AUDIENCE = "alphaengine-api"
REQUIRED_CLAIMS = ["exp", "iat", "nbf", "iss", "aud", "sub"]
ROLES = ("admin", "viewer")
LIFETIME_SECONDS = 300


def usage(message: str) -> NoReturn:
    print(f"pyjwt_check: {message}", file=sys.stderr)
    print("usage: pyjwt_check.py verify TOKEN | pyjwt_check.py issue SUBJECT ROLE", file=sys.stderr)
    sys.exit(2)


def secret() -> str:
    value = os.environ.get("ALPHAENGINE_TEST_JWT_SECRET")
    if not value:
        usage("ALPHAENGINE_TEST_JWT_SECRET is not set")
    return value


def rejected(reason: str) -> NoReturn:
    print(f"REJECTED: {reason}")
    sys.exit(1)


def verify(token: str, key: str) -> None:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        rejected(f"malformed token: {error}")
    if header.get("alg") != "HS256":
        rejected(f"header alg is {header.get('alg')!r}, not 'HS256'")
    if "typ" in header and header["typ"] != "JWT":
        rejected(f"header typ is {header['typ']!r}, not 'JWT'")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=["HS256"],
            audience=AUDIENCE,
            issuer=ISSUER,
            leeway=0,
            options={
                "require": REQUIRED_CLAIMS,
                "verify_signature": True,
                "verify_exp": True,
                "verify_nbf": True,
                "verify_iat": True,
                "verify_iss": True,
                "verify_aud": True,
                "verify_sub": True,
                "verify_jti": True,
                "strict_aud": True,
            },
        )
    except jwt.PyJWTError as error:
        rejected(f"{type(error).__name__}: {error}")
    # PyJWT reads the times with int(), so 1.5 or "12" would pass it; RFC 7519 NumericDate is a
    # number, and ours are whole seconds.
    for name in ("exp", "iat", "nbf"):
        value = claims[name]
        if isinstance(value, bool) or not isinstance(value, int):
            rejected(f"claim {name} is {value!r}, not a whole number of seconds")
    if claims["exp"] <= claims["iat"]:
        rejected(f"exp {claims['exp']} is not after iat {claims['iat']}")
    if not isinstance(claims["sub"], str) or not claims["sub"]:
        rejected("claim sub is empty")
    if claims.get("typ") != "access":
        rejected(f"claim typ is {claims.get('typ')!r}, not 'access'")
    if claims.get("role") not in ROLES:
        rejected(f"claim role is {claims.get('role')!r}, not one of {', '.join(ROLES)}")
    print(json.dumps(claims, sort_keys=True, separators=(",", ":")))


def issue(subject: str, role: str, key: str) -> None:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "typ": "access",
        "sub": subject,
        "role": role,
        "iat": now,
        "nbf": now,
        "exp": now + LIFETIME_SECONDS,
        "jti": secrets.token_hex(8),
    }
    print(jwt.encode(claims, key, algorithm="HS256", headers={"typ": "JWT"}))


def main(argv: list[str]) -> None:
    if len(argv) == 2 and argv[0] == "verify":
        verify(argv[1], secret())
    elif len(argv) == 3 and argv[0] == "issue":
        if not argv[1]:
            usage("SUBJECT is empty")
        issue(argv[1], argv[2], secret())
    else:
        usage("bad arguments")


if __name__ == "__main__":
    main(sys.argv[1:])
