#!/usr/bin/env python3
"""Drive the local Binance USDⓈ-M simulator with Binance's official (old) Python connector,
binance-futures-connector: binance.um_futures.UMFutures + UMFuturesWebsocketClient.

Usage: connector_client.py REST_BASE_URL WS_BASE_URL API_KEY API_SECRET
  e.g. .venv-clients/bin/python Tests/AlphaSimTests/Peers/connector_client.py \\
           http://127.0.0.1:9901 ws://127.0.0.1:9901 KEY SECRET

Output protocol: one line per step on stdout, `OK <step> <detail>`; on the first failure
`FAIL <step> <reason>` (plus indented HTTP debugging lines) on stderr and exit status 1;
`DONE` on stdout after the last step. Exit status 2 for bad usage, 3 when the connector is missing.

Only the documented constructor arguments point it at the simulator: UMFutures(base_url=REST_BASE_URL)
and UMFuturesWebsocketClient(stream_url=WS_BASE_URL), which connects to WS_BASE_URL/ws and sends
{"method":"SUBSCRIBE","params":["<listenKey>"],"id":<ms>}. The connector sends every parameter,
also for POST/PUT/DELETE, in the URL query string (body empty, Content-Type application/json).
The MARKET order watched on the user data stream is a reduceOnly SELL that closes the position
opened earlier, so the account ends flat.

Set PEER_TRACE=1 to log every HTTP exchange (and every WS frame) to stderr.
"""

import json
import logging
import os
import sys
import threading
import time
from decimal import Decimal, ROUND_DOWN

SYMBOL = "BTCUSDT"
QUANTITY = "0.01"
USAGE = __doc__.split("\n\n")[1]


from peer_common import HttpTap, check, missing_client, parse_args, stepper


def to_tick(value, tick):
    tick = Decimal(tick)
    return str((Decimal(str(value)) / tick).to_integral_value(rounding=ROUND_DOWN) * tick)


class UserStream:
    """Collects user data events from UMFuturesWebsocketClient (raw on /ws, or {"stream","data"} wrapped)."""

    def __init__(self, trace):
        self.trace = trace
        self.lock = threading.Condition()
        self.events = []
        self.acks = []
        self.errors = []
        self.frames = []

    def on_message(self, _manager, message):
        if self.trace:
            sys.stderr.write(f"TRACE ws <- {message[:500]}\n")
        with self.lock:
            self.frames.append(message)
            try:
                payload = json.loads(message)
            except ValueError:
                self.errors.append(f"non-JSON frame {message[:200]!r}")
                self.lock.notify_all()
                return
            if isinstance(payload, dict) and "data" in payload and "stream" in payload:
                payload = payload["data"]
            if isinstance(payload, dict) and "result" in payload and "id" in payload:
                self.acks.append(payload)
            elif isinstance(payload, dict) and "e" in payload:
                self.events.append(payload)
            self.lock.notify_all()

    def on_error(self, _manager, error):
        with self.lock:
            self.errors.append(repr(error))
            self.lock.notify_all()

    def wait_for(self, predicate, timeout):
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                found = predicate()
                if found:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.lock.wait(remaining)


def connector_error(error):
    """The FAIL reason for the connector's own errors (binance.error), None for any other exception."""
    from binance.error import ClientError, ServerError, Error as ConnectorError

    if isinstance(error, ClientError):
        return f"ClientError status={error.status_code} code={error.error_code} msg={error.error_message!r}"
    if isinstance(error, ServerError):
        return f"ServerError status={error.status_code} body={error.message!r}"
    if isinstance(error, ConnectorError):
        return f"{type(error).__name__}: {error}"
    return None


def tapped_client(UMFutures, rest_base, key, secret, hard_exit=False):
    """UMFutures at the simulator with an HttpTap on its requests session, and the `step` runner that
    reports through it (hard_exit: a failure ends the process even with a websocket thread running)."""
    trace = os.environ.get("PEER_TRACE") == "1"
    # The connector logs a WARNING when the server answers our close frame; keep stderr for failures.
    logging.basicConfig(level=logging.DEBUG if trace else logging.ERROR, format="%(name)s %(levelname)s %(message)s")
    tap = HttpTap(trace)
    client = UMFutures(key=key, secret=secret, base_url=rest_base, timeout=10)
    client.session.hooks["response"].append(tap)
    return client, tap, stepper(tap, connector_error, hard_exit)


def main(argv):
    rest_base, ws_base, key, secret = parse_args(argv, USAGE)
    try:
        from binance.um_futures import UMFutures
        from binance.websocket.um_futures.websocket_client import UMFuturesWebsocketClient
    except ImportError as error:
        missing_client(error)

    client, tap, step = tapped_client(UMFutures, rest_base, key, secret, hard_exit=True)
    state = {}
    run_id = str(int(time.time() * 1000))

    def ping():
        response = client.ping()
        check(response == {}, f"expected {{}}, got {response!r}")
        return "{}"

    def server_time():
        response = client.time()
        server = response.get("serverTime")
        check(isinstance(server, int), f"serverTime not an integer: {response!r}")
        skew = server - int(time.time() * 1000)
        check(abs(skew) < 5000, f"server clock {skew} ms off")
        return f"serverTime={server} skew={skew}ms"

    def exchange_info():
        info = client.exchange_info()
        symbols = {s["symbol"]: s for s in info.get("symbols", [])}
        check(SYMBOL in symbols, f"{SYMBOL} missing from {sorted(symbols)[:10]}")
        s = symbols[SYMBOL]
        check(s.get("contractType") == "PERPETUAL", f"contractType {s.get('contractType')!r}")
        filters = {f["filterType"]: f for f in s.get("filters", [])}
        check("PRICE_FILTER" in filters and "LOT_SIZE" in filters, f"filters {sorted(filters)}")
        state["tick"] = filters["PRICE_FILTER"]["tickSize"]
        state["multiplier_down"] = filters.get("PERCENT_PRICE", {}).get("multiplierDown")
        return f"{len(symbols)} symbols; {SYMBOL} tickSize={state['tick']} stepSize={filters['LOT_SIZE']['stepSize']} status={s.get('status')}"

    def balance():
        rows = client.balance()
        usdt = [r for r in rows if r.get("asset") == "USDT"]
        check(usdt, f"no USDT row in {rows!r}")
        return f"USDT balance={usdt[0].get('balance')} availableBalance={usdt[0].get('availableBalance')}"

    def new_market_order():
        client_id = f"conn-mkt-{run_id}"
        response = client.new_order(symbol=SYMBOL, side="BUY", type="MARKET", quantity=QUANTITY, newClientOrderId=client_id)
        check(response.get("clientOrderId") == client_id, f"clientOrderId {response.get('clientOrderId')!r}")
        check(isinstance(response.get("orderId"), int), f"orderId {response.get('orderId')!r}")
        state["market"] = response
        return f"orderId={response['orderId']} clientOrderId={client_id} status={response.get('status')}"

    def query_order():
        client_id = state["market"]["clientOrderId"]
        order = client.query_order(symbol=SYMBOL, origClientOrderId=client_id)
        check(order.get("orderId") == state["market"]["orderId"], f"orderId {order.get('orderId')}")
        check(order.get("status") == "FILLED", f"status {order.get('status')!r}")
        check(Decimal(order.get("executedQty", "0")) == Decimal(QUANTITY), f"executedQty {order.get('executedQty')!r}")
        check(Decimal(order.get("avgPrice", "0")) > 0, f"avgPrice {order.get('avgPrice')!r}")
        state["fill_price"] = Decimal(order["avgPrice"])
        return f"orderId={order['orderId']} status={order['status']} executedQty={order['executedQty']} avgPrice={order['avgPrice']}"

    def new_limit_order():
        factor = Decimal("0.9")
        if state.get("multiplier_down"):
            factor = max(factor, Decimal(str(state["multiplier_down"])) + Decimal("0.02"))
        price = to_tick(state["fill_price"] * factor, state["tick"])
        client_id = f"conn-lmt-{run_id}"
        response = client.new_order(
            symbol=SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC", quantity=QUANTITY, price=price, newClientOrderId=client_id
        )
        check(response.get("clientOrderId") == client_id, f"clientOrderId {response.get('clientOrderId')!r}")
        check(response.get("status") == "NEW", f"status {response.get('status')!r} for price {price}")
        state["limit"] = response
        return f"orderId={response['orderId']} clientOrderId={client_id} price={response.get('price')} status={response['status']}"

    def get_orders():
        orders = client.get_orders(symbol=SYMBOL)  # GET /fapi/v1/openOrders
        ids = [o.get("orderId") for o in orders]
        check(state["limit"]["orderId"] in ids, f"limit order {state['limit']['orderId']} not in {ids}")
        return f"{len(orders)} open: {ids}"

    def cancel_order():
        response = client.cancel_order(symbol=SYMBOL, orderId=state["limit"]["orderId"])
        check(response.get("status") == "CANCELED", f"status {response.get('status')!r}")
        return f"orderId={response['orderId']} status={response['status']}"

    def get_account_trades():
        trades = client.get_account_trades(symbol=SYMBOL)
        mine = [t for t in trades if t.get("orderId") == state["market"]["orderId"]]
        check(mine, f"no trade for order {state['market']['orderId']} among {len(trades)}")
        t = mine[0]
        return f"{len(trades)} trades; id={t.get('id')} qty={t.get('qty')} price={t.get('price')} commission={t.get('commission')} {t.get('commissionAsset')}"

    def get_position_risk():
        rows = client.get_position_risk(symbol=SYMBOL)
        pos = [r for r in rows if r.get("symbol") == SYMBOL and Decimal(r.get("positionAmt", "0")) != 0]
        check(pos, f"no open {SYMBOL} position in {rows!r}")
        check(Decimal(pos[0]["positionAmt"]) == Decimal(QUANTITY), f"positionAmt {pos[0]['positionAmt']}")
        return f"positionAmt={pos[0]['positionAmt']} entryPrice={pos[0].get('entryPrice')} positionSide={pos[0].get('positionSide')}"

    def get_income_history():
        rows = client.get_income_history(symbol=SYMBOL)
        check(isinstance(rows, list), f"expected a list, got {rows!r}")
        kinds = sorted({r.get("incomeType") for r in rows})
        return f"{len(rows)} rows; incomeTypes={kinds}"

    def change_leverage():
        response = client.change_leverage(symbol=SYMBOL, leverage=5)
        check(response.get("leverage") == 5 and response.get("symbol") == SYMBOL, f"response {response!r}")
        return f"leverage={response['leverage']} maxNotionalValue={response.get('maxNotionalValue')}"

    def new_listen_key():
        response = client.new_listen_key()
        check(isinstance(response.get("listenKey"), str) and response["listenKey"], f"response {response!r}")
        state["listen_key"] = response["listenKey"]
        return f"listenKey={response['listenKey'][:12]}..."

    stream = UserStream(tap.trace)

    def user_data_connect():
        ws = UMFuturesWebsocketClient(stream_url=ws_base, on_message=stream.on_message, on_error=stream.on_error)
        state["ws"] = ws
        subscribe_id = int(time.time() * 1000)
        ws.user_data(listen_key=state["listen_key"], id=subscribe_id)
        ack = stream.wait_for(lambda: [a for a in stream.acks if a.get("id") == subscribe_id] or stream.errors, 5)
        check(not stream.errors, f"websocket error: {stream.errors}")
        check(ack, f"no SUBSCRIBE ack {{\"result\":null,\"id\":{subscribe_id}}} within 5 s; frames={stream.frames[:5]}")
        return f"{ws_base}/ws SUBSCRIBE [listenKey] id={subscribe_id} ack={ack[0]}"

    def order_trade_update():
        client_id = f"conn-ws-{run_id}"
        response = client.new_order(
            symbol=SYMBOL, side="SELL", type="MARKET", quantity=QUANTITY, reduceOnly="true", newClientOrderId=client_id
        )
        check(response.get("clientOrderId") == client_id, f"clientOrderId {response.get('clientOrderId')!r}")
        match = lambda: [
            e for e in stream.events if e.get("e") == "ORDER_TRADE_UPDATE" and e.get("o", {}).get("c") == client_id
        ] or stream.errors
        events = stream.wait_for(match, 10)
        check(not stream.errors, f"websocket error: {stream.errors}")
        check(events, f"no ORDER_TRADE_UPDATE for {client_id} within 10 s; events={[e.get('e') for e in stream.events]} frames={stream.frames[:5]}")
        # A fill may arrive as x=NEW then x=TRADE; wait a moment for the terminal one.
        stream.wait_for(lambda: [e for e in match() if isinstance(e, dict) and e["o"].get("X") == "FILLED"], 2)
        seen = [f"{e['o'].get('x')}/{e['o'].get('X')}" for e in match() if isinstance(e, dict)]
        return f"orderId={response['orderId']} reduceOnly SELL; ORDER_TRADE_UPDATE x/X={seen} other events={sorted({e.get('e') for e in stream.events} - {'ORDER_TRADE_UPDATE'})}"

    def renew_listen_key():
        response = client.renew_listen_key(state["listen_key"])
        check(isinstance(response, dict), f"response {response!r}")
        return f"response={json.dumps(response)[:120]}"

    def close_listen_key():
        response = client.close_listen_key(state["listen_key"])
        check(response == {}, f"expected {{}}, got {response!r}")
        return "{}"

    def ws_close():
        ws = state.pop("ws")
        ws.socket_manager.close()  # sends a close frame; the reader thread ends on the server's close
        ws.socket_manager.join(5)
        check(not ws.socket_manager.is_alive(), "websocket reader still running 5 s after close")
        return "closed"

    step("ping", ping)
    step("time", server_time)
    step("exchange_info", exchange_info)
    step("balance", balance)
    step("new_order_market", new_market_order)
    step("query_order", query_order)
    step("new_order_limit", new_limit_order)
    step("get_orders", get_orders)
    step("cancel_order", cancel_order)
    step("get_account_trades", get_account_trades)
    step("get_position_risk", get_position_risk)
    step("get_income_history", get_income_history)
    step("change_leverage", change_leverage)
    step("new_listen_key", new_listen_key)
    step("user_data_connect", user_data_connect)
    step("order_trade_update", order_trade_update)
    step("renew_listen_key", renew_listen_key)
    step("close_listen_key", close_listen_key)
    step("ws_close", ws_close)
    print("DONE", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
