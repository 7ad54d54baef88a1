#!/usr/bin/env python3
"""Read the local Binance USDⓈ-M simulator's public market data with Binance's official (old)
Python connector, binance-futures-connector: binance.um_futures.UMFutures.

Usage: connector_market.py REST_BASE_URL WS_BASE_URL API_KEY API_SECRET
  e.g. .venv-clients/bin/python Tests/AlphaSimTests/Peers/connector_market.py \\
           http://127.0.0.1:9901 ws://127.0.0.1:9901 KEY SECRET

Output protocol: one line per step on stdout, `OK <step> <detail>`; on the first failure
`FAIL <step> <reason>` (plus indented HTTP debugging lines) on stderr and exit status 1;
`DONE` on stdout after the last step. Exit status 2 for bad usage, 3 when the connector is missing.

Only UMFutures(base_url=REST_BASE_URL) points it at the simulator. The connector returns the raw
JSON, so these steps check Binance's exact shapes: which fields are strings and which integers,
the order of levels and trades, and the klines paging rules (startTime: the first `limit` candles
opening at or after it; endTime alone: the last `limit` candles opening at or before it; both: from
startTime, at most `limit`, none opening after endTime). WS_BASE_URL is taken for the shared usage.
Times are compared with GET /fapi/v1/time, so the simulator's market clock must run at real speed
(no market driver, or one with speed 1).

Set PEER_TRACE=1 to log every HTTP exchange to stderr.
"""

import sys
import time
from decimal import Decimal

SYMBOL = "BTCUSDT"
MINUTE = 60_000
FUNDING_INTERVAL = 28_800_000
USAGE = __doc__.split("\n\n")[1]

from peer_common import StepFailed, check, missing_client, parse_args, retry
from connector_client import tapped_client

# Kline row: [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, takerBuyBase, takerBuyQuote, ignore]
KLINE_TYPES = [int, str, str, str, str, str, int, str, int, str, str, str]


def check_fields(obj, types, what):
    """`types` maps field -> Python type of the JSON value (str for Binance's decimal strings)."""
    check(isinstance(obj, dict), f"{what} is not a JSON object: {str(obj)[:200]}")
    for name, kind in types.items():
        check(name in obj, f"{what} lacks {name!r}: {obj}")
        value = obj[name]
        ok_type = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        check(ok_type, f"{what}.{name} = {value!r} is {type(value).__name__}, expected {kind.__name__}")
        if kind is str and name != "symbol":
            Decimal(value)  # a decimal string, not "" or "NaN"


def check_klines(rows, what, spacing=MINUTE):
    for i, row in enumerate(rows):
        check(isinstance(row, list) and len(row) == 12, f"{what}[{i}] is not a 12-element array: {row}")
        for j, kind in enumerate(KLINE_TYPES):
            check(isinstance(row[j], kind) and not isinstance(row[j], bool),
                  f"{what}[{i}][{j}] = {row[j]!r} is {type(row[j]).__name__}, expected {kind.__name__}")
        o, h, l, c, v = (Decimal(x) for x in row[1:6])
        check(l <= min(o, c) and h >= max(o, c) and l > 0, f"{what}[{i}] OHLC inconsistent: {row[:6]}")
        check(v >= 0, f"{what}[{i}] negative volume {row[5]}")
        check(row[6] == row[0] + spacing - 1, f"{what}[{i}] closeTime {row[6]} != openTime {row[0]} + {spacing - 1}")
        if i:
            check(row[0] - rows[i - 1][0] == spacing, f"{what}[{i - 1}..{i}] open times {rows[i - 1][0]} -> {row[0]} not {spacing} apart")


def main(argv):
    rest_base, ws_base, key, secret = parse_args(argv, USAGE)
    try:
        from binance.error import ClientError
        from binance.um_futures import UMFutures
    except ImportError as error:
        missing_client(error)

    client, _, step = tapped_client(UMFutures, rest_base, key, secret)
    state = {"offset": 0}

    def now():
        return int(time.time() * 1000) + state["offset"]

    def closed(rows):
        """Rows of candles that have closed (a later read must return them unchanged)."""
        return [row for row in rows if row[6] < now()]

    def klines():
        state["offset"] = client.time()["serverTime"] - int(time.time() * 1000)
        rows = client.klines(SYMBOL, "1m", limit=1500)
        check(isinstance(rows, list), f"not a JSON array: {str(rows)[:200]}")
        check(len(rows) == 1500, f"{len(rows)} klines for limit=1500 (the simulator should seed >= 1500 minutes of history)")
        check_klines(rows, "klines")
        current = now() - now() % MINUTE
        check(current - MINUTE <= rows[-1][0] <= current + MINUTE, f"last kline opens at {rows[-1][0]}, current minute {current}")
        default = client.klines(SYMBOL, "1m")
        check(len(default) == 500, f"{len(default)} klines without limit, Binance's default is 500")
        state["recent"] = rows
        return f"1500 rows {rows[0][0]}..{rows[-1][0]}, last close {rows[-1][4]} volume {rows[-1][5]}; default limit -> 500"

    def klines_paging():
        recent = state["recent"]
        pages, start, limit = [], recent[0][0], 500
        while True:
            page = client.klines(SYMBOL, "1m", startTime=start, limit=limit)
            check(isinstance(page, list), f"page from {start} is not an array: {str(page)[:200]}")
            check_klines(page, f"page {len(pages)}")
            if page:
                check(page[0][0] == start, f"page from startTime={start} begins at {page[0][0]}")
            pages.append(page)
            if len(page) < limit:
                break
            check(len(pages) < 10, "more than 10 pages of 500 for 1500 minutes")
            start = page[-1][6] + 1  # last closeTime + 1 = next openTime
        rows = [row for page in pages for row in page]
        check_klines(rows, "pages joined")  # no gap, no overlap across page boundaries
        check(rows[0][0] == recent[0][0], f"paging starts at {rows[0][0]}, expected {recent[0][0]}")
        check(rows[-1][0] >= recent[-1][0], f"paging stops at {rows[-1][0]}, before the recent read's last {recent[-1][0]}")
        reference = {row[0]: row for row in closed(recent)}
        differing = [row for row in rows if row[0] in reference and row != reference[row[0]]]
        check(not differing, f"{len(differing)} closed candles differ from the limit=1500 read, first {differing[:1]}")
        check(len(pages[-1]) <= 1, f"the page after the latest candle returned {len(pages[-1])} rows")
        return f"{len(pages)} pages ({[len(p) for p in pages]}) from {rows[0][0]} to {rows[-1][0]}, contiguous, equal to the 1500-row read"

    def klines_end_time():
        recent = state["recent"]
        end = recent[999][0] + 30_000  # inside candle 999: a candle opening at or before endTime is included
        rows = client.klines(SYMBOL, "1m", endTime=end, limit=100)
        check(len(rows) == 100, f"{len(rows)} rows for endTime={end}&limit=100")
        check(rows[-1][0] == recent[999][0] and rows[0][0] == recent[900][0],
              f"endTime alone must return the last 100 candles up to it: got {rows[0][0]}..{rows[-1][0]}, "
              f"expected {recent[900][0]}..{recent[999][0]}")
        check(rows == recent[900:1000], "rows differ from the limit=1500 read")
        return f"endTime={end} limit=100 -> {rows[0][0]}..{rows[-1][0]} (the 100 candles ending at endTime)"

    def klines_start_end():
        recent = state["recent"]
        start, end = recent[200][0], recent[499][0] + 30_000
        capped = client.klines(SYMBOL, "1m", startTime=start, endTime=end, limit=200)
        check(capped == recent[200:400], f"startTime+endTime+limit=200: got {len(capped)} rows "
              f"{capped[0][0] if capped else None}..{capped[-1][0] if capped else None}, expected {recent[200][0]}..{recent[399][0]}")
        window = client.klines(SYMBOL, "1m", startTime=start, endTime=end, limit=500)
        check(window == recent[200:500], f"startTime+endTime+limit=500: got {len(window)} rows "
              f"{window[0][0] if window else None}..{window[-1][0] if window else None}, expected {recent[200][0]}..{recent[499][0]}")
        return f"[{start}, {end}] limit=200 -> first 200 from startTime; limit=500 -> the 300 candles in the window"

    def state_tick():
        if "tick" not in state:
            info = client.exchange_info()
            spec = next(s for s in info["symbols"] if s["symbol"] == SYMBOL)
            state["tick"] = Decimal(next(f for f in spec["filters"] if f["filterType"] == "PRICE_FILTER")["tickSize"])
        return state["tick"]

    def ticker_24hr_price_change():
        fields = {"symbol": str, "priceChange": str, "priceChangePercent": str, "weightedAvgPrice": str, "lastPrice": str,
                  "lastQty": str, "openPrice": str, "highPrice": str, "lowPrice": str, "volume": str, "quoteVolume": str,
                  "openTime": int, "closeTime": int, "firstId": int, "lastId": int, "count": int}
        tick = state_tick()

        def attempt():
            candle = client.klines(SYMBOL, "1m", limit=1)[-1]
            ticker = client.ticker_24hr_price_change(SYMBOL)
            check_fields(ticker, fields, "ticker/24hr")
            agreed = abs(Decimal(ticker["lastPrice"]) - Decimal(candle[4])) <= tick
            return agreed, ticker if agreed else f"lastPrice {ticker['lastPrice']} vs latest 1m close {candle[4]} (tick {tick})"

        ticker = retry(5, attempt)
        last, high, low = (Decimal(ticker[k]) for k in ("lastPrice", "highPrice", "lowPrice"))
        check(ticker["symbol"] == SYMBOL, f"symbol {ticker['symbol']!r}")
        check(last > 0 and low <= last <= high, f"lastPrice {last} outside [{low}, {high}]")
        check(Decimal(ticker["volume"]) >= 0 and Decimal(ticker["quoteVolume"]) >= 0, f"volume {ticker['volume']} quoteVolume {ticker['quoteVolume']}")
        check(abs(ticker["closeTime"] - now()) < MINUTE, f"closeTime {ticker['closeTime']} is not now ({now()})")
        # Binance: closeTime is now, openTime about 24 h earlier (live data shows it minute-aligned, so up to 24 h + 1 min).
        span = ticker["closeTime"] - ticker["openTime"]
        check(0 < span <= 24 * 3_600_000 + MINUTE + 1000, f"openTime {ticker['openTime']} closeTime {ticker['closeTime']}: window of {span} ms")
        change = Decimal(ticker["lastPrice"]) - Decimal(ticker["openPrice"])
        check(abs(change - Decimal(ticker["priceChange"])) <= tick, f"priceChange {ticker['priceChange']} != lastPrice - openPrice = {change}")
        state["ticker"] = ticker
        return (f"lastPrice={ticker['lastPrice']} open={ticker['openPrice']} high={ticker['highPrice']} low={ticker['lowPrice']} "
                f"volume={ticker['volume']} count={ticker['count']} firstId={ticker['firstId']} lastId={ticker['lastId']}")

    def book_ticker():
        fields = {"symbol": str, "bidPrice": str, "bidQty": str, "askPrice": str, "askQty": str, "time": int}
        book = client.book_ticker(SYMBOL)
        check_fields(book, fields, "bookTicker")
        bid, ask, last = Decimal(book["bidPrice"]), Decimal(book["askPrice"]), Decimal(state["ticker"]["lastPrice"])
        check(0 < bid < ask, f"bidPrice {bid} askPrice {ask}")
        check(Decimal(book["bidQty"]) > 0 and Decimal(book["askQty"]) > 0, f"bidQty {book['bidQty']} askQty {book['askQty']}")
        check(abs(bid - last) <= last / 100 and abs(ask - last) <= last / 100, f"bid {bid} / ask {ask} more than 1% from last {last}")
        everything = client.book_ticker()
        check(isinstance(everything, list) and any(b.get("symbol") == SYMBOL for b in everything),
              f"without symbol: expected an array holding {SYMBOL}, got {str(everything)[:200]}")
        return f"bid {book['bidPrice']} x {book['bidQty']} / ask {book['askPrice']} x {book['askQty']} time={book['time']}; {len(everything)} symbols without symbol"

    def depth():
        def attempt():
            book = client.depth(SYMBOL, limit=5)
            best = client.book_ticker(SYMBOL)
            agreed = bool(book.get("bids") and book.get("asks")) and \
                (book["bids"][0][0], book["asks"][0][0]) == (best["bidPrice"], best["askPrice"])
            why = f"depth best {book.get('bids', [])[:1]}/{book.get('asks', [])[:1]} != bookTicker {best['bidPrice']}/{best['askPrice']}"
            return agreed, (book, best) if agreed else why

        book, best = retry(5, attempt)
        check_fields(book, {"lastUpdateId": int, "E": int, "T": int, "bids": list, "asks": list}, "depth")
        bids, asks = book["bids"], book["asks"]
        check(len(bids) == 5 and len(asks) == 5, f"{len(bids)} bids, {len(asks)} asks for limit=5")
        for side, levels in (("bids", bids), ("asks", asks)):
            for level in levels:
                check(isinstance(level, list) and len(level) == 2 and all(isinstance(x, str) for x in level),
                      f"{side} level {level!r} is not [\"price\", \"qty\"] strings")
                check(Decimal(level[1]) > 0, f"{side} level {level} has quantity <= 0")
        bid_prices = [Decimal(b[0]) for b in bids]
        ask_prices = [Decimal(a[0]) for a in asks]
        check(all(a > b for a, b in zip(bid_prices, bid_prices[1:])), f"bids not strictly descending: {bid_prices}")
        check(all(a < b for a, b in zip(ask_prices, ask_prices[1:])), f"asks not strictly ascending: {ask_prices}")
        check(bid_prices[0] < ask_prices[0], f"crossed: bid {bid_prices[0]} >= ask {ask_prices[0]}")
        return f"lastUpdateId={book['lastUpdateId']} best bid {bids[0]} ask {asks[0]} = bookTicker; E={book['E']} T={book['T']}"

    def check_trade_list(rows, fields, id_key, time_key, price_key, what):
        check(isinstance(rows, list) and rows, f"{what}: no trades (the simulator should seed or generate market trades): {str(rows)[:200]}")
        for row in rows:
            check_fields(row, fields, what)
        ticker = client.ticker_24hr_price_change(SYMBOL)
        low, high = Decimal(ticker["lowPrice"]), Decimal(ticker["highPrice"])
        outside = [row[price_key] for row in rows if not (low <= Decimal(row[price_key]) <= high)]
        check(not outside, f"{what}: prices {outside[:5]} outside the day's range [{low}, {high}]")
        ids, times = [row[id_key] for row in rows], [row[time_key] for row in rows]
        check(all(a < b for a, b in zip(ids, ids[1:])), f"{what}: {id_key} not increasing (oldest first): {ids[:10]}")
        check(all(a <= b for a, b in zip(times, times[1:])), f"{what}: {time_key} not non-decreasing: {times[:10]}")
        return ids, times

    def trades():
        fields = {"id": int, "price": str, "qty": str, "quoteQty": str, "time": int, "isBuyerMaker": bool}
        rows = client.trades(SYMBOL, limit=50)
        check(len(rows) <= 50, f"{len(rows)} trades for limit=50")
        ids, times = check_trade_list(rows, fields, "id", "time", "price", "trades")
        wrong = [r for r in rows if abs(Decimal(r["quoteQty"]) - Decimal(r["price"]) * Decimal(r["qty"])) > Decimal("0.01")]
        check(not wrong, f"quoteQty != price * qty: {wrong[:2]}")
        return f"{len(rows)} trades ids {ids[0]}..{ids[-1]} {times[0]}..{times[-1]}, first {rows[0]}"

    def agg_trades():
        fields = {"a": int, "p": str, "q": str, "f": int, "l": int, "T": int, "m": bool}
        rows = client.agg_trades(SYMBOL, limit=50)
        check(len(rows) <= 50, f"{len(rows)} aggTrades for limit=50")
        ids, times = check_trade_list(rows, fields, "a", "T", "p", "aggTrades")
        check(all(r["f"] <= r["l"] for r in rows), f"first trade id after last: {[r for r in rows if r['f'] > r['l']][:2]}")
        check(all(a["l"] < b["f"] for a, b in zip(rows, rows[1:])), "aggregates overlap in trade ids")
        # startTime/endTime (less than 1 h apart) must return every aggregate in the window, oldest first.
        start = max(times[0], times[-1] - 59 * MINUTE)
        expected = {r["a"] for r in rows if r["T"] >= start}
        window = client.agg_trades(SYMBOL, startTime=start, endTime=times[-1])
        check(all(start <= r["T"] <= times[-1] for r in window), f"startTime/endTime window not honoured: {[r['T'] for r in window][:5]}")
        missing = expected - {r["a"] for r in window}
        check(not missing, f"the window [{start}, {times[-1]}] lacks aggregates {sorted(missing)[:5]}")
        return f"{len(rows)} aggregates a={ids[0]}..{ids[-1]}; window [{start}, {times[-1]}] -> {len(window)}"

    def funding_rate():
        fields = {"symbol": str, "fundingRate": str, "fundingTime": int, "markPrice": str}
        rows = client.funding_rate(SYMBOL, limit=10)
        check(isinstance(rows, list) and len(rows) == 10, f"{len(rows) if isinstance(rows, list) else rows!r} rows for limit=10")
        for row in rows:
            check_fields(row, fields, "fundingRate")
            check(row["symbol"] == SYMBOL, f"symbol {row['symbol']!r}")
        times = [r["fundingTime"] for r in rows]
        steps = [b - a for a, b in zip(times, times[1:])]
        check(all(abs(s - FUNDING_INTERVAL) < 1000 for s in steps), f"fundingTime not ascending 8 h apart: steps {steps}")
        check(times[-1] <= now(), f"latest fundingTime {times[-1]} is in the future")
        first = client.funding_rate(SYMBOL, startTime=times[2], limit=3)
        check([r["fundingTime"] for r in first] == times[2:5], f"startTime={times[2]}&limit=3 -> {[r['fundingTime'] for r in first]}, expected {times[2:5]}")
        return f"10 rows {times[0]}..{times[-1]} every 8 h; latest rate {rows[-1]['fundingRate']} markPrice {rows[-1]['markPrice']}; startTime paging ok"

    def mark_price():
        fields = {"symbol": str, "markPrice": str, "indexPrice": str, "estimatedSettlePrice": str, "lastFundingRate": str,
                  "interestRate": str, "nextFundingTime": int, "time": int}
        index = client.mark_price(SYMBOL)
        check_fields(index, fields, "premiumIndex")
        check(Decimal(index["markPrice"]) > 0 and Decimal(index["indexPrice"]) > 0, f"markPrice {index['markPrice']} indexPrice {index['indexPrice']}")
        check(now() - 1000 <= index["nextFundingTime"] <= now() + FUNDING_INTERVAL + 1000,
              f"nextFundingTime {index['nextFundingTime']} not within the next 8 h of {now()}")
        check(abs(index["time"] - now()) < MINUTE, f"time {index['time']} is not now ({now()})")
        everything = client.mark_price()
        check(isinstance(everything, list) and any(r.get("symbol") == SYMBOL for r in everything),
              f"without symbol: expected an array holding {SYMBOL}, got {str(everything)[:200]}")
        return (f"markPrice={index['markPrice']} indexPrice={index['indexPrice']} lastFundingRate={index['lastFundingRate']} "
                f"nextFundingTime={index['nextFundingTime']} (in {(index['nextFundingTime'] - now()) // 1000} s)")

    def open_interest():
        interest = client.open_interest(SYMBOL)
        check_fields(interest, {"symbol": str, "openInterest": str, "time": int}, "openInterest")
        check(interest["symbol"] == SYMBOL and Decimal(interest["openInterest"]) >= 0, f"{interest}")
        return f"openInterest={interest['openInterest']} time={interest['time']}"

    def bad_params():
        cases = [("interval 7m", -1120, lambda: client.klines(SYMBOL, "7m", limit=5)),
                 ("symbol NOPEUSDT", -1121, lambda: client.klines("NOPEUSDT", "1m", limit=5)),
                 ("limit 1501", -1130, lambda: client.klines(SYMBOL, "1m", limit=1501))]
        seen = []
        for what, code, call in cases:
            try:
                response = call()
            except ClientError as error:
                check(error.status_code == 400 and error.error_code == code,
                      f"{what}: HTTP {error.status_code} code {error.error_code} {error.error_message!r}, expected 400 / {code}")
                seen.append(f"{what} -> {error.error_code} {error.error_message!r}")
                continue
            raise StepFailed(f"{what}: expected error {code}, got {str(response)[:200]}")
        return "; ".join(seen)

    step("klines", klines)
    step("klines_paging", klines_paging)
    step("klines_end_time", klines_end_time)
    step("klines_start_end", klines_start_end)
    step("ticker_24hr_price_change", ticker_24hr_price_change)
    step("book_ticker", book_ticker)
    step("depth", depth)
    step("trades", trades)
    step("agg_trades", agg_trades)
    step("funding_rate", funding_rate)
    step("mark_price", mark_price)
    step("open_interest", open_interest)
    step("bad_params", bad_params)
    print("DONE", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
