"""pyupbit, unmodified, against the Upbit simulator: balances, order chance, price, order book,
candles, a limit buy listed and cancelled, a market buy and a market sell, an order under the
minimum refused, and Upbit's three authentication refusals. pyupbit has no base-URL setting
(every URL is a literal "https://api.upbit.com/..."), so only that prefix is rewritten, in its
HTTP library's session, before pyupbit is imported: the client's own code runs as shipped.

    pyupbit_client.py REST_BASE_URL ACCESS_KEY SECRET_KEY
Prints `OK <step> …` per step and `DONE`; exits 1 on the first failure."""
import sys

import requests

from peer_common import check, missing_client, stepper, HttpTap
from upbit_refusals import refusals

rest, access, secret = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
tap = HttpTap(trace=False)
_request = requests.Session.request


def _to_simulator(self, method, url, *args, **kwargs):
    hooks = kwargs.setdefault("hooks", {})
    hooks.setdefault("response", []).append(tap)
    return _request(self, method, url.replace("https://api.upbit.com", rest, 1), *args, **kwargs)


requests.Session.request = _to_simulator
try:
    import pyupbit
except ImportError as error:
    missing_client(error)

step = stepper(tap, lambda error: None)
upbit = pyupbit.Upbit(access, secret)
state = {}


def balances():
    listed = upbit.get_balances()
    krw = [b for b in listed if b["currency"] == "KRW"]
    check(krw and float(krw[0]["balance"]) == 10_000_000, f"KRW balance: {listed}")
    check(upbit.get_balance("KRW") == 10_000_000, "get_balance('KRW')")
    return f"KRW {krw[0]['balance']}"


def chance():
    answer = upbit.get_chance("KRW-BTC")
    check(answer["bid_fee"] == "0.0005" and answer["market"]["bid"]["min_total"] == "5000", f"{answer}")
    return f"fee {answer['bid_fee']} min {answer['market']['bid']['min_total']}"


def price():
    current = pyupbit.get_current_price("KRW-BTC")
    check(current == 140_000_000, f"price {current}")
    both = pyupbit.get_current_price(["KRW-BTC", "KRW-ETH"])
    check(set(both) == {"KRW-BTC", "KRW-ETH"}, f"{both}")
    return f"{current}"


def orderbook():
    book = pyupbit.get_orderbook("KRW-BTC")
    units = book["orderbook_units"]
    check(units[0]["ask_price"] > units[0]["bid_price"], f"{units[0]}")
    return f"{units[0]['bid_price']}/{units[0]['ask_price']}"


def candles():
    frame = pyupbit.get_ohlcv("KRW-BTC", interval="minute1", count=5)
    check(frame is not None and len(frame) == 5, f"{frame}")
    check(list(frame.columns[:4]) == ["open", "high", "low", "close"], f"{frame.columns}")
    check(frame.index.is_monotonic_increasing, "pyupbit orders them oldest first")
    days = pyupbit.get_ohlcv("KRW-BTC", interval="day", count=1)
    check(days is not None and len(days) == 1, f"{days}")
    return f"{len(frame)} minutes, last close {frame['close'].iloc[-1]}"


def limit_buy():
    order = upbit.buy_limit_order("KRW-BTC", 139_000_000, 0.001)
    check(order.get("state") == "wait" and order.get("locked") == "139069.5", f"{order}")
    state["uuid"] = order["uuid"]
    return f"{order['uuid']} locked {order['locked']}"


def open_orders():
    listed = upbit.get_order("KRW-BTC")
    check([o["uuid"] for o in listed] == [state["uuid"]], f"{listed}")
    one = upbit.get_order(state["uuid"])
    check(one["state"] == "wait" and one["trades"] == [], f"{one}")
    return f"{len(listed)} open"


def cancel():
    answer = upbit.cancel_order(state["uuid"])
    check(answer.get("uuid") == state["uuid"], f"{answer}")
    check(upbit.get_order(state["uuid"])["state"] == "cancel", "not cancelled")
    check(upbit.get_balance("KRW") == 10_000_000, "the held KRW came back")
    return "cancelled"


def market_buy():
    order = upbit.buy_market_order("KRW-BTC", 10_000)
    check(order.get("ord_type") == "price", f"{order}")
    filled = upbit.get_order(order["uuid"])
    # 10 000 / 140 000 000 to 8 places: 0.00007142 BTC for 9 998.8 KRW, fee 4.9994; the 1.2 KRW left ends it as cancel.
    check(filled["executed_volume"] == "0.00007142" and filled["paid_fee"] == "4.9994" and filled["state"] == "cancel", f"{filled}")
    check(upbit.get_balance("KRW-BTC") == 0.00007142, "BTC balance")
    return f"{filled['executed_volume']} BTC, fee {filled['paid_fee']}"


def market_sell():
    order = upbit.sell_market_order("KRW-BTC", 0.00007142)
    filled = upbit.get_order(order["uuid"])
    check(filled["state"] == "done" and filled["paid_fee"] == "4.9994", f"{filled}")
    check(upbit.get_balance("KRW-BTC") == 0, "BTC left")
    return f"{filled['executed_volume']} BTC sold"


def under_minimum():
    # pyupbit prints its UnderMinTotalBid and answers None.
    check(upbit.buy_limit_order("KRW-BTC", 139_000_000, 0.00001) is None, "a 1 390 KRW order was accepted")
    return "refused"


def auth_refusals():
    answers = refusals(rest, access, secret)
    check(answers == ["401 jwt_verification", "401 invalid_query_payload", "401 nonce_used"], f"{answers}")
    return ", ".join(answers)


for name, function in [("get_balances", balances), ("get_chance", chance), ("get_current_price", price), ("get_orderbook", orderbook),
                       ("get_ohlcv", candles), ("buy_limit_order", limit_buy), ("get_order", open_orders), ("cancel_order", cancel),
                       ("buy_market_order", market_buy), ("sell_market_order", market_sell), ("under_min_total", under_minimum),
                       ("auth_refusals", auth_refusals)]:
    step(name, function)
print("DONE", flush=True)
