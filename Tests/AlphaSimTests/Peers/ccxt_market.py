#!/usr/bin/env python3
"""Read the local Binance USDⓈ-M simulator's public market data with ccxt (binanceusdm).

Usage: ccxt_market.py REST_BASE_URL WS_BASE_URL API_KEY API_SECRET
  e.g. .venv-clients/bin/python Tests/AlphaSimTests/Peers/ccxt_market.py \\
           http://127.0.0.1:9901 ws://127.0.0.1:9901 KEY SECRET

Output protocol: one line per step on stdout, `OK <step> <detail>`; on the first failure
`FAIL <step> <reason>` (plus indented HTTP debugging lines) on stderr and exit status 1;
`DONE` on stdout after the last step. Exit status 2 for bad usage, 3 when ccxt is missing.

The exchange is built exactly as in ccxt_client.py (make_exchange: every `urls['api']` entry
re-pointed at REST_BASE_URL). Endpoints ccxt 4.5.90 calls here:
  load_markets                 GET /fapi/v1/exchangeInfo
  fetch_ohlcv                  GET /fapi/v1/klines?interval&limit[&startTime]   (ccxt caps limit at 1000)
  fapiPublicGetKlines          GET /fapi/v1/klines (implicit API, to ask for 1500 rows)
  fetch_ticker                 GET /fapi/v1/ticker/24hr?symbol       (has no bid/ask on USDⓈ-M)
  fetch_bids_asks              GET /fapi/v1/ticker/bookTicker?symbol
  fetch_order_book             GET /fapi/v1/depth?symbol&limit
  fetch_trades                 GET /fapi/v1/aggTrades?symbol&limit   (ccxt's default for linear)
  fetch_trades(fetchTradesMethod=fapiPublicGetTrades)  GET /fapi/v1/trades?symbol&limit
  fetch_funding_rate_history   GET /fapi/v1/fundingRate?symbol&limit
  fetch_funding_rate           GET /fapi/v1/premiumIndex?symbol
  fetch_open_interest          GET /fapi/v1/openInterest?symbol
WS_BASE_URL, API_KEY and API_SECRET are taken for the shared usage; public calls are not signed.
Times are compared with GET /fapi/v1/time, so the simulator's market clock must run at real speed
(no market driver, or one with speed 1).

Set PEER_TRACE=1 to log every HTTP exchange to stderr.
"""

import sys
import time

MINUTE = 60_000
HOUR = 3_600_000
FUNDING_INTERVAL = 28_800_000
USAGE = __doc__.split("\n\n")[1]

from peer_common import check, missing_client, parse_args, retry
from ccxt_client import MARKET_ID, SYMBOL, load_perpetual, tapped_exchange


def check_candles(candles, spacing, what):
    """[t, o, h, l, c, v] rows: strictly spaced by `spacing`, OHLC consistent, volume >= 0."""
    for i, candle in enumerate(candles):
        check(len(candle) == 6 and all(x is not None for x in candle), f"{what}[{i}] has a missing field: {candle}")
        t, o, h, l, c, v = candle
        check(l <= min(o, c) and h >= max(o, c) and l > 0, f"{what}[{i}] OHLC inconsistent: {candle}")
        check(v >= 0, f"{what}[{i}] negative volume: {candle}")
        check(t % spacing == 0, f"{what}[{i}] open time {t} not on the {spacing} ms grid")
        if i:
            gap = t - candles[i - 1][0]
            check(gap == spacing, f"{what}[{i - 1}..{i}] open times {candles[i - 1][0]} -> {t}: step {gap} != {spacing}")


def main(argv):
    rest_base, ws_base, key, secret = parse_args(argv, USAGE)
    try:
        import ccxt
    except ImportError as error:
        missing_client(error)

    exchange, tap, step = tapped_exchange(ccxt, rest_base, ws_base, key, secret)
    state = {"offset": 0}

    def now():  # the simulator's clock, from the offset measured at load_markets
        return int(time.time() * 1000) + state["offset"]

    def raw_json():
        check(tap.last is not None, "no HTTP response seen")
        return tap.last.json()

    def load_markets():
        markets, market = load_perpetual(exchange)
        check(market["precision"].get("price") and market["precision"].get("amount"), f"precision missing: {market['precision']}")
        state["market"] = market
        state["tick"] = float(market["precision"]["price"])
        state["step"] = float(market["precision"]["amount"])
        server = exchange.fetch_time()  # GET /fapi/v1/time
        state["offset"] = server - int(time.time() * 1000)
        return f"{len(markets)} markets; {SYMBOL} tick={state['tick']} step={state['step']} clock offset={state['offset']}ms"

    def fetch_ohlcv_recent():
        # ccxt 4.5.90 caps fetch_ohlcv's limit at 1000 (maxLimit in binance.fetch_ohlcv), so ask for the
        # 1500 rows Binance allows through the implicit API and parse them with ccxt's own parse_ohlcv.
        raw = exchange.fapiPublicGetKlines({"symbol": MARKET_ID, "interval": "1m", "limit": 1500})
        check(isinstance(raw, list), f"klines is not a JSON array: {str(raw)[:200]}")
        check(len(raw) == 1500, f"{len(raw)} klines for limit=1500 (the simulator should seed >= 1500 minutes of history)")
        check(all(isinstance(row, list) and len(row) == 12 for row in raw), f"a kline row is not a 12-element array: {raw[0]}")
        recent = exchange.parse_ohlcvs(raw, state["market"], "1m")
        check_candles(recent, MINUTE, "1m")
        current = now() - now() % MINUTE
        check(current - MINUTE <= recent[-1][0] <= current + MINUTE,
              f"last candle opens at {recent[-1][0]}, the current minute is {current}: history does not reach now")
        state["recent"] = recent

        candles = exchange.fetch_ohlcv(SYMBOL, "1m", limit=1500)
        sent = tap.last.request.url if tap.last is not None else ""
        check("limit=1000" in sent, f"expected ccxt to cap the limit at 1000, request was {sent}")
        check(len(candles) == 1000, f"fetch_ohlcv(limit=1500) gave {len(candles)} candles, expected ccxt's cap of 1000")
        check_candles(candles, MINUTE, "fetch_ohlcv")
        # Closed candles agree with the 1500-row read (the last one of each is still open and may move).
        by_time = {c[0]: c for c in recent[:-1]}
        shared = [c for c in candles[:-1] if c[0] in by_time]
        check(len(shared) >= 997, f"only {len(shared)} of 1000 candles overlap the 1500-row read")
        differing = [(c, by_time[c[0]]) for c in shared if c != by_time[c[0]]]
        check(not differing, f"closed candles differ between two reads: {differing[:2]}")
        return (f"raw limit=1500 -> 1500 rows {recent[0][0]}..{recent[-1][0]}; fetch_ohlcv(limit=1500) sent limit=1000 -> "
                f"1000 candles, {len(shared)} closed ones equal; last close={recent[-1][4]}")

    def fetch_ohlcv_since():
        recent = state["recent"]
        since = recent[0][0] + 100 * MINUTE
        candles = exchange.fetch_ohlcv(SYMBOL, "1m", since=since, limit=200)  # startTime=since&limit=200
        check(candles, f"no candles since {since}")
        check(candles[0][0] == since, f"first candle opens at {candles[0][0]}, expected since={since}")
        check(len(candles) == 200, f"{len(candles)} candles, expected 200")
        check_candles(candles, MINUTE, "since")
        expected = recent[100:300]
        differing = [(a, b) for a, b in zip(candles, expected) if a != b]
        check(not differing, f"{len(differing)} candles differ from the recent read, first: {differing[:1]}")
        return f"since={since} limit=200 -> {len(candles)} candles {candles[0][0]}..{candles[-1][0]}, equal to the recent read"

    def fetch_ohlcv_1h():
        hours = exchange.fetch_ohlcv(SYMBOL, "1h", limit=48)
        check(len(hours) == 48, f"{len(hours)} 1h candles, expected 48 (needs >= 48 h of seeded history)")
        check_candles(hours, HOUR, "1h")
        current = now() - now() % HOUR
        check(current - HOUR <= hours[-1][0] <= current + HOUR, f"last 1h candle opens at {hours[-1][0]}, current hour {current}")
        hour = hours[-2]  # the latest closed hour
        minutes = exchange.fetch_ohlcv(SYMBOL, "1m", since=hour[0], limit=60)
        check(len(minutes) == 60 and minutes[0][0] == hour[0],
              f"1m candles of hour {hour[0]}: got {len(minutes)} from {minutes[0][0] if minutes else None}")
        check_candles(minutes, MINUTE, "1m of hour")
        high, low = max(m[2] for m in minutes), min(m[3] for m in minutes)
        volume = sum(m[5] for m in minutes)
        check(hour[2] >= high and hour[3] <= low, f"1h high/low {hour[2]}/{hour[3]} do not contain the 1m range {high}/{low}")
        check(hour[2] == high and hour[3] == low, f"1h high/low {hour[2]}/{hour[3]} != max/min of its 1m candles {high}/{low}")
        check(hour[1] == minutes[0][1] and hour[4] == minutes[-1][4],
              f"1h open/close {hour[1]}/{hour[4]} != first 1m open {minutes[0][1]} / last 1m close {minutes[-1][4]}")
        check(abs(hour[5] - volume) <= 60 * state["step"] + 1e-9, f"1h volume {hour[5]} != sum of 1m volumes {volume}")
        return f"48 candles {hours[0][0]}..{hours[-1][0]}; hour {hour[0]} o/h/l/c/v={hour[1:]} matches its 60 1m candles"

    def fetch_ticker():
        tick = state["tick"]

        def attempt():
            candle = exchange.fetch_ohlcv(SYMBOL, "1m", limit=1)[-1]
            ticker = exchange.fetch_ticker(SYMBOL)  # GET /fapi/v1/ticker/24hr
            last = ticker["last"]
            agreed = last is not None and abs(last - candle[4]) <= tick * 1.000001
            return agreed, (ticker, candle) if agreed else f"ticker last {last} vs latest 1m close {candle[4]} (tick {tick})"

        ticker, candle = retry(5, attempt)
        last, high, low = ticker["last"], ticker["high"], ticker["low"]
        check(last > 0, f"last {last}")
        check(high is not None and low is not None and high >= low, f"high {high} low {low}")
        check(low <= last <= high, f"last {last} outside [{low}, {high}]")
        check(ticker["baseVolume"] is not None and ticker["baseVolume"] >= 0, f"baseVolume {ticker['baseVolume']}")
        check(isinstance(ticker["timestamp"], int), f"timestamp {ticker['timestamp']!r} (from closeTime)")
        # USDⓈ-M's 24hr ticker has no bidPrice/askPrice: ccxt leaves bid/ask None; they come from bookTicker.
        book = exchange.fetch_bids_asks([SYMBOL])  # GET /fapi/v1/ticker/bookTicker?symbol=BTCUSDT
        check(SYMBOL in book, f"fetch_bids_asks returned {sorted(book)} (bookTicker needs a 'symbol' field)")
        bid, ask = book[SYMBOL]["bid"], book[SYMBOL]["ask"]
        check(bid is not None and ask is not None and bid < ask, f"bid {bid} ask {ask}")
        check(abs(bid - last) <= last * 0.01 and abs(ask - last) <= last * 0.01, f"bid {bid} / ask {ask} more than 1% from last {last}")
        state["ticker"] = ticker
        return (f"last={last} (1m close {candle[4]}) high={high} low={low} baseVolume={ticker['baseVolume']} "
                f"quoteVolume={ticker['quoteVolume']} bookTicker bid={bid} ask={ask}")

    def fetch_order_book():
        def attempt():
            book = exchange.fetch_order_book(SYMBOL, limit=10)  # GET /fapi/v1/depth?symbol=BTCUSDT&limit=10
            raw = raw_json()
            best = exchange.fetch_bids_asks([SYMBOL]).get(SYMBOL, {})
            agreed = bool(book["bids"] and book["asks"]) and (book["bids"][0][0], book["asks"][0][0]) == (best.get("bid"), best.get("ask"))
            why = f"best bid/ask {book['bids'][:1]}/{book['asks'][:1]} != bookTicker {best.get('bid')}/{best.get('ask')}"
            return agreed, (book, raw, best) if agreed else why

        book, raw, best = retry(5, attempt)
        bids, asks = book["bids"], book["asks"]
        check(len(bids) == 10 and len(asks) == 10, f"{len(bids)} bids, {len(asks)} asks for limit=10")
        # ccxt sorts the levels itself, so check the order as the simulator sent it.
        raw_bids = [float(level[0]) for level in raw["bids"]]
        raw_asks = [float(level[0]) for level in raw["asks"]]
        check(all(a > b for a, b in zip(raw_bids, raw_bids[1:])), f"raw bids not strictly descending: {raw_bids}")
        check(all(a < b for a, b in zip(raw_asks, raw_asks[1:])), f"raw asks not strictly ascending: {raw_asks}")
        check(bids[0][0] < asks[0][0], f"crossed book: best bid {bids[0][0]} >= best ask {asks[0][0]}")
        check(all(level[1] > 0 for level in bids + asks), f"a level with amount <= 0: {bids + asks}")
        check(isinstance(book["nonce"], int), f"nonce (lastUpdateId) {book['nonce']!r}")
        check(isinstance(book["timestamp"], int), f"timestamp (T) {book['timestamp']!r}")
        return (f"10x10 levels, best bid {bids[0]} ask {asks[0]} = bookTicker {best.get('bid')}/{best.get('ask')}, "
                f"lastUpdateId={book['nonce']} T={book['timestamp']}")

    def check_trades(trades, raw, id_key, time_key):
        check(trades, "no trades returned (the simulator should seed or generate market trades)")
        check(len(trades) <= 50, f"{len(trades)} trades for limit=50")
        ticker = exchange.fetch_ticker(SYMBOL)  # after the trades, so its 24 h range contains them
        low, high = ticker["low"], ticker["high"]
        outside = [t["price"] for t in trades if not (low <= t["price"] <= high)]
        check(not outside, f"trade prices {outside[:5]} outside the day's range [{low}, {high}]")
        check(all(t["amount"] > 0 and t["side"] in ("buy", "sell") for t in trades), f"bad amount/side: {trades[:2]}")
        times = [row[time_key] for row in raw]
        ids = [row[id_key] for row in raw]
        check(all(isinstance(x, int) for x in times + ids), f"{id_key}/{time_key} must be JSON integers: {raw[:1]}")
        check(all(a <= b for a, b in zip(times, times[1:])), f"raw {time_key} not non-decreasing: {times[:10]}")
        check(all(a < b for a, b in zip(ids, ids[1:])), f"raw {id_key} not increasing: {ids[:10]}")
        return f"{len(trades)} trades {times[0]}..{times[-1]} ids {ids[0]}..{ids[-1]} within [{low}, {high}]"

    def fetch_trades():
        trades = exchange.fetch_trades(SYMBOL, limit=50)  # GET /fapi/v1/aggTrades?symbol=BTCUSDT&limit=50
        raw = raw_json()
        return "aggTrades: " + check_trades(trades, raw, "a", "T")

    def fetch_trades_list():
        trades = exchange.fetch_trades(SYMBOL, limit=50, params={"fetchTradesMethod": "fapiPublicGetTrades"})
        raw = raw_json()  # GET /fapi/v1/trades?symbol=BTCUSDT&limit=50
        return "trades: " + check_trades(trades, raw, "id", "time")

    def fetch_funding_rate_history():
        rows = exchange.fetch_funding_rate_history(SYMBOL, limit=10)  # GET /fapi/v1/fundingRate?symbol&limit=10
        raw = raw_json()
        check(len(raw) == 10, f"{len(raw)} raw rows for limit=10")
        check(len(rows) == 10, f"ccxt kept {len(rows)} of {len(raw)} rows (each row needs \"symbol\":\"{MARKET_ID}\"): {raw[:1]}")
        times = [r["timestamp"] for r in rows]
        check(all(isinstance(t, int) for t in times), f"fundingTime values {times}")
        steps = [b - a for a, b in zip(times, times[1:])]
        check(all(abs(s - FUNDING_INTERVAL) < 1000 for s in steps), f"funding times not 8 h apart: steps {steps}")
        check(all(isinstance(r["fundingRate"], (int, float)) for r in rows), f"fundingRate values {[r['fundingRate'] for r in rows]}")
        check(times[-1] <= now(), f"last fundingTime {times[-1]} is in the future")
        return f"10 rows {times[0]}..{times[-1]} every 8 h; rates {[r['fundingRate'] for r in rows[-3:]]} (last 3)"

    def fetch_funding_rate():
        rate = exchange.fetch_funding_rate(SYMBOL)  # GET /fapi/v1/premiumIndex?symbol=BTCUSDT
        check(rate["markPrice"] is not None and rate["markPrice"] > 0, f"markPrice {rate['markPrice']}")
        check(rate["indexPrice"] is not None and rate["indexPrice"] > 0, f"indexPrice {rate['indexPrice']}")
        check(isinstance(rate["fundingRate"], (int, float)), f"fundingRate {rate['fundingRate']!r} (from lastFundingRate)")
        # ccxt 4.5.90 puts nextFundingTime into `fundingTimestamp`; `nextFundingTimestamp` stays None.
        next_time = rate["fundingTimestamp"]
        check(isinstance(next_time, int), f"fundingTimestamp {next_time!r} (from nextFundingTime)")
        check(now() - 1000 <= next_time <= now() + FUNDING_INTERVAL + 1000, f"nextFundingTime {next_time} not within the next 8 h of {now()}")
        check(isinstance(rate["timestamp"], int), f"timestamp {rate['timestamp']!r} (from time)")
        return (f"markPrice={rate['markPrice']} indexPrice={rate['indexPrice']} fundingRate={rate['fundingRate']} "
                f"nextFundingTime={next_time} (in {(next_time - now()) // 1000} s) interestRate={rate['interestRate']}")

    def fetch_open_interest():
        interest = exchange.fetch_open_interest(SYMBOL)  # GET /fapi/v1/openInterest?symbol=BTCUSDT
        amount = interest["openInterestAmount"]
        check(amount is not None and amount >= 0, f"openInterestAmount {amount!r} (from openInterest)")
        check(isinstance(interest["timestamp"], int), f"timestamp {interest['timestamp']!r} (from time)")
        check(interest["symbol"] == SYMBOL, f"symbol {interest['symbol']!r}")
        return f"openInterestAmount={amount} timestamp={interest['timestamp']}"

    step("load_markets", load_markets)
    step("fetch_ohlcv_recent", fetch_ohlcv_recent)
    step("fetch_ohlcv_since", fetch_ohlcv_since)
    step("fetch_ohlcv_1h", fetch_ohlcv_1h)
    step("fetch_ticker", fetch_ticker)
    step("fetch_order_book", fetch_order_book)
    step("fetch_trades", fetch_trades)
    step("fetch_trades_list", fetch_trades_list)
    step("fetch_funding_rate_history", fetch_funding_rate_history)
    step("fetch_funding_rate", fetch_funding_rate)
    if exchange.has.get("fetchOpenInterest"):
        step("fetch_open_interest", fetch_open_interest)
    print("DONE", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
