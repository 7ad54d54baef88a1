#!/usr/bin/env python3
"""Drive the local Binance USDⓈ-M simulator with ccxt (binanceusdm), as a third-party client would.

Usage: ccxt_client.py [--watch-orders] REST_BASE_URL WS_BASE_URL API_KEY API_SECRET
  e.g. .venv-clients/bin/python Tests/AlphaSimTests/Peers/ccxt_client.py \\
           http://127.0.0.1:9901 ws://127.0.0.1:9901 KEY SECRET

Output protocol: one line per step on stdout, `OK <step> <detail>`; on the first failure
`FAIL <step> <reason>` (plus indented HTTP debugging lines) on stderr and exit status 1;
`DONE` on stdout after the last step. Exit status 2 for bad usage, 3 when ccxt is missing.

Only documented knobs are changed: every URL in `urls['api']` is re-pointed at the simulator
(path kept, e.g. fapiPrivateV3 -> REST_BASE_URL/fapi/v3, sapi -> REST_BASE_URL/sapi/v1, so nothing
can leak to a real Binance host), `options.fetchCurrencies=False` (skips the spot-wallet call
GET /sapi/v1/capital/config/getall), `options.fetchMargins=False`, and the linear error-code map
is merged into `exceptions['exact']` (ccxt only applies it to https://fapi.<host>/ URLs).
WS_BASE_URL is used by the opt-in `--watch-orders` step (ccxt.pro: WS_BASE_URL/ws as
`urls['api']['ws']['linear']`, which ccxt.pro rewrites to WS_BASE_URL/private/ws?listenKey=...).

Set PEER_TRACE=1 to log every HTTP exchange to stderr.
"""

import os
import sys
import time

SYMBOL = "BTC/USDT:USDT"
MARKET_ID = "BTCUSDT"
AMOUNT = 0.01
USAGE = __doc__.split("\n\n")[1]


from peer_common import HttpTap, StepFailed, check, fail, missing_client, ok, parse_args, stepper, with_cause


def point_at_simulator(exchange, rest_base, ws_base):
    """Re-point every REST URL ccxt knows for this exchange at the simulator, keeping the path."""
    from urllib.parse import urlsplit

    def rewrite(urls):
        for name, url in list(urls.items()):
            if isinstance(url, dict):
                continue
            path = urlsplit(url).path  # e.g. /fapi/v3, /sapi/v1, /futures/data
            urls[name] = rest_base + path

    rewrite(exchange.urls["api"])
    ws = exchange.urls["api"].get("ws")
    if isinstance(ws, dict):  # ccxt.pro only
        for name in list(ws.keys()):
            if isinstance(ws[name], str):
                ws[name] = ws_base + "/ws"
        if isinstance(ws.get("ws-api"), dict):
            ws["ws-api"]["linear"] = ws_base + "/ws-fapi/v1"


def make_exchange(module, rest_base, ws_base, key, secret):
    exchange = module.binanceusdm(
        {
            "apiKey": key,
            "secret": secret,
            "enableRateLimit": False,
            "timeout": 10000,
            "options": {
                "fetchCurrencies": False,  # else GET /sapi/v1/capital/config/getall (spot wallet)
                "fetchMargins": False,  # else sapi margin pairs (only for spot, but be explicit)
                "warnOnFetchOpenOrdersWithoutSymbol": False,
                "fetchOpenOrders": {"warnWithoutSymbol": False},
            },
        }
    )
    point_at_simulator(exchange, rest_base, ws_base)
    # Linear error codes (-2019, -2021, -2022, -4164, ...) are only mapped for https://fapi.<host>/.
    exchange.exceptions["exact"].update(exchange.exceptions["linear"]["exact"])
    return exchange


def tapped_exchange(ccxt, rest_base, ws_base, key, secret):
    """make_exchange with an HttpTap on its requests session, and the `step` runner that reports through it."""
    tap = HttpTap(trace=os.environ.get("PEER_TRACE") == "1")
    exchange = make_exchange(ccxt, rest_base, ws_base, key, secret)
    exchange.session.hooks["response"].append(tap)
    describe = lambda error: with_cause(error) if isinstance(error, ccxt.BaseError) else None
    return exchange, tap, stepper(tap, describe)


def load_perpetual(exchange):
    """load_markets, checking that SYMBOL is there as the linear USDT perpetual MARKET_ID."""
    markets = exchange.load_markets()
    check(SYMBOL in markets, f"{SYMBOL} missing; got {len(markets)} markets: {sorted(markets)[:10]}")
    market = exchange.market(SYMBOL)
    check(market["id"] == MARKET_ID, f"market id {market['id']!r}")
    check(market["swap"] and market["linear"] and market["settle"] == "USDT", "not a linear USDT perpetual")
    return markets, market


def main(argv):
    rest_base, ws_base, key, secret = parse_args([a for a in argv if a != "--watch-orders"], USAGE)
    watch_orders = "--watch-orders" in argv
    try:
        import ccxt
    except ImportError as error:
        missing_client(error)

    exchange, tap, step = tapped_exchange(ccxt, rest_base, ws_base, key, secret)
    state = {}
    run_id = str(int(time.time() * 1000))

    def load_markets():
        markets, market = load_perpetual(exchange)
        precision, limits = market["precision"], market["limits"]
        check(precision.get("amount") and precision.get("price"), f"precision missing: {precision}")
        check(limits["amount"].get("min"), f"limits.amount.min missing: {limits}")
        state["market"] = market
        return (
            f"{len(markets)} markets; {SYMBOL} id={market['id']} precision.amount={precision['amount']} "
            f"precision.price={precision['price']} limits.amount.min={limits['amount']['min']} "
            f"limits.cost.min={limits['cost'].get('min')}"
        )

    def fetch_balance():
        balance = exchange.fetch_balance()
        check("USDT" in balance, f"no USDT in balance: {sorted(k for k in balance if k.isupper())}")
        usdt = balance["USDT"]
        check(usdt.get("total") is not None, f"USDT total missing: {usdt}")
        return f"USDT free={usdt.get('free')} used={usdt.get('used')} total={usdt.get('total')}"

    def set_leverage():
        response = exchange.set_leverage(5, SYMBOL)
        check(str(response.get("leverage")) == "5", f"response {response}")
        return f"leverage={response.get('leverage')} maxNotionalValue={response.get('maxNotionalValue')}"

    def market_buy():
        client_id = f"ccxt-mkt-{run_id}"
        order = exchange.create_order(SYMBOL, "market", "buy", AMOUNT, None, {"clientOrderId": client_id})
        check(order.get("id"), f"no order id: {order.get('info')}")
        check(order.get("clientOrderId") == client_id, f"clientOrderId {order.get('clientOrderId')!r} != {client_id}")
        state["market_order"] = order
        return f"id={order['id']} clientOrderId={client_id} status={order.get('status')} filled={order.get('filled')} average={order.get('average')}"

    def fetch_order():
        client_id = state["market_order"]["clientOrderId"]
        order = exchange.fetch_order(None, SYMBOL, {"origClientOrderId": client_id})
        check(order.get("id") == state["market_order"]["id"], f"id {order.get('id')} != {state['market_order']['id']}")
        check(order.get("status") == "closed", f"status {order.get('status')!r} (raw {order['info'].get('status')!r}), expected closed/FILLED")
        check(abs(float(order.get("filled") or 0) - AMOUNT) < 1e-12, f"filled {order.get('filled')} != {AMOUNT}")
        check(order.get("average"), f"no average price: {order['info']}")
        state["fill_price"] = float(order["average"])
        return f"id={order['id']} status={order['status']} filled={order['filled']} average={order['average']}"

    def limit_buy():
        market = state["market"]
        factor = 0.9
        for f in market["info"].get("filters", []):
            if f.get("filterType") == "PERCENT_PRICE" and f.get("multiplierDown"):
                factor = max(factor, float(f["multiplierDown"]) + 0.02)  # stay inside PERCENT_PRICE
        price = float(exchange.price_to_precision(SYMBOL, state["fill_price"] * factor))
        client_id = f"ccxt-lmt-{run_id}"
        order = exchange.create_order(SYMBOL, "limit", "buy", AMOUNT, price, {"clientOrderId": client_id})
        check(order.get("clientOrderId") == client_id, f"clientOrderId {order.get('clientOrderId')!r}")
        check(order.get("status") == "open", f"status {order.get('status')!r}, expected open (price {price})")
        state["limit_order"] = order
        return f"id={order['id']} clientOrderId={client_id} price={order.get('price')} status={order['status']}"

    def fetch_open_orders():
        orders = exchange.fetch_open_orders(SYMBOL)
        ids = [o["id"] for o in orders]
        check(state["limit_order"]["id"] in ids, f"limit order {state['limit_order']['id']} not in {ids}")
        return f"{len(orders)} open: {ids}"

    def cancel_order():
        order = exchange.cancel_order(state["limit_order"]["id"], SYMBOL)
        check(order.get("status") == "canceled", f"status {order.get('status')!r} (raw {order['info'].get('status')!r})")
        return f"id={order['id']} status={order['status']}"

    def fetch_my_trades():
        trades = exchange.fetch_my_trades(SYMBOL)
        mine = [t for t in trades if t.get("order") == state["market_order"]["id"]]
        check(mine, f"no trade for order {state['market_order']['id']} among {len(trades)} trades")
        t = mine[0]
        return f"{len(trades)} trades; order {t['order']} side={t['side']} amount={t['amount']} price={t['price']} fee={t.get('fee')}"

    def fetch_positions():
        positions = exchange.fetch_positions([SYMBOL])
        open_ = [p for p in positions if p.get("symbol") == SYMBOL and float(p.get("contracts") or 0) != 0]
        check(open_, f"no open {SYMBOL} position among {positions}")
        p = open_[0]
        check(p.get("side") == "long" and abs(float(p["contracts"]) - AMOUNT) < 1e-12, f"position {p.get('side')} {p.get('contracts')}")
        return f"{SYMBOL} side={p['side']} contracts={p['contracts']} entryPrice={p.get('entryPrice')} leverage={p.get('leverage')} marginMode={p.get('marginMode')}"

    def fetch_funding_history():
        rows = exchange.fetch_funding_history(SYMBOL)  # GET /fapi/v1/income?incomeType=FUNDING_FEE
        return f"{len(rows)} FUNDING_FEE rows"

    def fetch_ledger():
        entries = exchange.fetch_ledger("USDT")  # GET /fapi/v1/income (all income types)
        kinds = sorted({e["info"].get("incomeType") for e in entries})
        return f"{len(entries)} income rows; incomeTypes={kinds}"

    def close_position():
        client_id = f"ccxt-cls-{run_id}"
        order = exchange.create_order(SYMBOL, "market", "sell", AMOUNT, None, {"reduceOnly": True, "clientOrderId": client_id})
        check(order.get("clientOrderId") == client_id, f"clientOrderId {order.get('clientOrderId')!r}")
        check(order.get("reduceOnly") in (True, None), f"reduceOnly {order.get('reduceOnly')!r}")
        return f"id={order['id']} status={order.get('status')} filled={order.get('filled')} reduceOnly={order.get('reduceOnly')}"

    def flat():
        positions = exchange.fetch_positions([SYMBOL])
        left = [p for p in positions if p.get("symbol") == SYMBOL and float(p.get("contracts") or 0) != 0]
        check(not left, f"position still open: {[(p['side'], p['contracts']) for p in left]}")
        return f"{SYMBOL} flat"

    step("load_markets", load_markets)
    step("fetch_balance", fetch_balance)
    step("set_leverage", set_leverage)
    step("create_market_buy", market_buy)
    step("fetch_order", fetch_order)
    step("create_limit_buy", limit_buy)
    step("fetch_open_orders", fetch_open_orders)
    step("cancel_order", cancel_order)
    step("fetch_my_trades", fetch_my_trades)
    step("fetch_positions", fetch_positions)
    step("fetch_funding_history", fetch_funding_history)
    step("fetch_ledger", fetch_ledger)
    if watch_orders:
        watch_orders_step(ccxt, rest_base, ws_base, key, secret, state, run_id, tap)
    step("close_position", close_position)
    step("flat", flat)
    print("DONE", flush=True)


def watch_orders_step(ccxt, rest_base, ws_base, key, secret, state, run_id, tap):
    """ccxt.pro: POST /fapi/v1/listenKey, then WS_BASE_URL/private/ws?listenKey=...; a resting LIMIT
    order placed (and cancelled) over REST must come back through watch_orders."""
    import asyncio
    import ccxt.pro as ccxtpro

    holder = {}

    async def run():
        exchange = make_exchange(ccxtpro, rest_base, ws_base, key, secret)
        holder["exchange"] = exchange
        try:
            await exchange.load_markets()
            client_id = f"ccxt-ws-{run_id}"
            price = float(state["limit_order"]["price"])
            watcher = asyncio.ensure_future(exchange.watch_orders(SYMBOL))
            await asyncio.sleep(1.0)  # let authenticate + connect happen before the order exists
            if watcher.done():
                watcher.result()  # raises the connection/auth error
            order = await exchange.create_order(SYMBOL, "limit", "buy", AMOUNT, price, {"clientOrderId": client_id})
            deadline = time.monotonic() + 10
            seen = None
            while seen is None:
                remaining = deadline - time.monotonic()
                check(remaining > 0, f"no order update for {client_id} within 10 s")
                updates = await asyncio.wait_for(watcher, timeout=remaining)
                seen = next((u for u in updates if u.get("clientOrderId") == client_id), None)
                watcher = asyncio.ensure_future(exchange.watch_orders(SYMBOL))
            watcher.cancel()
            detail = f"order {seen['id']} clientOrderId={client_id} status={seen.get('status')} via {exchange.urls['api']['ws']['linear']}"
            await exchange.cancel_order(order["id"], SYMBOL)
            return detail
        finally:
            await exchange.close()

    class ProTap:  # ccxt.pro uses aiohttp, not the requests session the HttpTap hooks into
        def describe(self):
            exchange = holder.get("exchange")
            if exchange is None:
                return []
            listen_key = exchange.safe_string(exchange.safe_dict(exchange.options, "linear", {}), "listenKey")
            return [
                f"  last REST request: {exchange.last_request_url} body: {exchange.last_request_body!r}",
                f"  last REST response body: {str(exchange.last_http_response)[:2000]}",
                f"  private ws url: {ws_base}/private/ws?listenKey={listen_key}",
            ]

    try:
        detail = asyncio.run(run())
    except StepFailed as error:
        fail("watch_orders", str(error), ProTap())
    except asyncio.TimeoutError:
        fail("watch_orders", "no ORDER_TRADE_UPDATE within 10 s", ProTap())
    except Exception as error:
        fail("watch_orders", with_cause(error), ProTap())
    ok("watch_orders", detail)


if __name__ == "__main__":
    main(sys.argv[1:])
