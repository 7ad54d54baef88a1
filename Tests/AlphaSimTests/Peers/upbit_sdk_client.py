"""Upbit's official Python SDK (upbit-sdk), unmodified, against the Upbit simulator through its
own `base_url` setting: accounts, order chance, a limit buy by identifier read back, listed open,
cancelled by identifier and listed closed, a market buy by identifier, a reused identifier
refused, candles, tickers, the order book, and Upbit's three authentication refusals.

    upbit_sdk_client.py REST_BASE_URL ACCESS_KEY SECRET_KEY
Prints `OK <step> …` per step and `DONE`; exits 1 on the first failure."""
import sys

from peer_common import check, missing_client, stepper, HttpTap
from upbit_refusals import refusals

rest, access, secret = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
try:
    import upbit
    from upbit import Upbit
except ImportError as error:
    missing_client(error)

tap = HttpTap(trace=False)  # the SDK speaks httpx, not requests: failures print its own error instead


def describe(error):
    if isinstance(error, upbit.APIStatusError):
        return f"{type(error).__name__}: {error}"
    return None


step = stepper(tap, describe)
client = Upbit(access_key=access, secret_key=secret, base_url=rest, max_retries=0)


def accounts():
    listed = client.accounts.list()
    krw = [a for a in listed if a.currency == "KRW"]
    check(krw and krw[0].balance == "10000000", f"{listed}")
    return f"KRW {krw[0].balance}"


def chance():
    answer = client.orders.retrieve_chance(market="KRW-BTC")
    check(answer.bid_fee == "0.0005" and answer.market.id == "KRW-BTC", f"{answer}")
    return f"fee {answer.bid_fee}"


def limit_buy():
    order = client.orders.create(market="KRW-BTC", side="bid", ord_type="limit", price="139000000", volume="0.001", identifier="sdk-limit-1")
    check(order.state == "wait" and order.identifier == "sdk-limit-1" and order.locked == "139069.5", f"{order}")
    again = client.orders.retrieve(identifier="sdk-limit-1")
    check(again.uuid == order.uuid and again.state == "wait", f"{again}")
    return order.uuid


def list_open():
    listed = list(client.orders.list_open(market="KRW-BTC"))
    check([o.identifier for o in listed] == ["sdk-limit-1"], f"{listed}")
    return f"{len(listed)} open"


def cancel():
    answer = client.orders.cancel(identifier="sdk-limit-1")
    check(answer.identifier == "sdk-limit-1", f"{answer}")
    closed = list(client.orders.list_closed(market="KRW-BTC"))
    check([(o.identifier, o.state) for o in closed] == [("sdk-limit-1", "cancel")], f"{closed}")
    return "cancelled, listed closed"


def market_buy():
    order = client.orders.create(market="KRW-BTC", side="bid", ord_type="price", price="10000", identifier="sdk-market-1")
    filled = client.orders.retrieve(identifier="sdk-market-1")
    check(filled.executed_volume == "0.00007142" and filled.paid_fee == "4.9994", f"{filled}")
    return f"{order.uuid}: {filled.executed_volume} BTC"


def reused_identifier():
    try:
        client.orders.create(market="KRW-BTC", side="bid", ord_type="price", price="10000", identifier="sdk-market-1")
    except upbit.BadRequestError as error:
        return f"{error.status_code} {error.name if hasattr(error, 'name') else error}"
    raise AssertionError("a reused identifier was accepted")


def candles():
    listed = client.candles.list_minutes(unit=1, market="KRW-BTC", count=3)
    check(len(listed) == 3 and listed[0].candle_date_time_utc > listed[1].candle_date_time_utc, f"{listed}")
    return f"{len(listed)} newest first"


def tickers():
    listed = client.tickers.list_by_trading_pairs(markets="KRW-BTC,KRW-ETH")
    check([t.market for t in listed] == ["KRW-BTC", "KRW-ETH"] and float(listed[0].trade_price) == 140_000_000, f"{listed}")
    return f"{listed[0].trade_price}"


def orderbook():
    books = client.orderbooks.list(markets="KRW-BTC")
    check(books[0].market == "KRW-BTC" and len(books[0].orderbook_units) == 15, f"{books}")
    return f"{len(books[0].orderbook_units)} levels"


def auth_refusals():
    answers = refusals(rest, access, secret)
    check(answers == ["401 jwt_verification", "401 invalid_query_payload", "401 nonce_used"], f"{answers}")
    return ", ".join(answers)


for name, function in [("accounts", accounts), ("retrieve_chance", chance), ("create_limit_by_identifier", limit_buy), ("list_open", list_open),
                       ("cancel_by_identifier", cancel), ("create_market_buy", market_buy), ("reused_identifier", reused_identifier),
                       ("candles", candles), ("tickers", tickers), ("orderbook", orderbook), ("auth_refusals", auth_refusals)]:
    step(name, function)
print("DONE", flush=True)
