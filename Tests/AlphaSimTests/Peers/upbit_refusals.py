"""Upbit's three authentication refusals, asked for the way any client signs (PyJWT, HS256, the
SHA-512 of the query): a token signed with the wrong secret, a query hash of other parameters, and
a nonce used twice. Shared by the pyupbit and upbit-sdk sessions."""
import hashlib
import uuid

import jwt
import requests


def token(access, secret, query, nonce=None):
    payload = {"access_key": access, "nonce": nonce or str(uuid.uuid4())}
    if query:
        payload["query_hash"] = hashlib.sha512(query.encode()).hexdigest()
        payload["query_hash_alg"] = "SHA512"
    value = jwt.encode(payload, secret, algorithm="HS256")
    return value if isinstance(value, str) else value.decode()


def error_name(response):
    return f"{response.status_code} {response.json()['error']['name']}"


def refusals(rest, access, secret):
    """Returns the three answers, e.g. ['401 jwt_verification', '401 invalid_query_payload', '401 nonce_used']."""
    url = f"{rest}/v1/orders/chance?market=KRW-BTC"
    bad = requests.get(url, headers={"Authorization": "Bearer " + token(access, secret + "x", "market=KRW-BTC")})
    wrong_hash = requests.get(url, headers={"Authorization": "Bearer " + token(access, secret, "market=KRW-ETH")})
    once = "Bearer " + token(access, secret, "market=KRW-BTC")
    first = requests.get(url, headers={"Authorization": once})
    assert first.status_code == 200, f"a good token was refused: {first.status_code} {first.text}"
    again = requests.get(url, headers={"Authorization": once})
    return [error_name(bad), error_name(wrong_hash), error_name(again)]
