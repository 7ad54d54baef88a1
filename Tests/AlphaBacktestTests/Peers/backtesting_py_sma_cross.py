"""sma_cross in backtesting.py (PyPI), the independent engine AlphaEngine's backtest is checked
against: the same candles, the same semantics — decide on the close, fill at the next open, the
protective stop at close × (1 − stop_pct) rounded down to the 0.1 tick, filled at its price (at the
open when the open gaps through), leave at the next open after a death cross. The averages and the
cross are computed in exact decimals, as AlphaEngine's are, so a float never decides a cross.

Usage: backtesting_py_sma_cross.py CSV FAST SLOW STOP_PCT SIZE
Prints one JSON line: the closed trades, oldest first.
"""
import json
import sys
import warnings
from decimal import Decimal, ROUND_FLOOR

import pandas as pd
from backtesting import Backtest, Strategy

warnings.filterwarnings("ignore")
path, fast, slow, stop_pct, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Decimal(sys.argv[4]), int(sys.argv[5])

frame = pd.read_csv(path, dtype=str)
closes = [Decimal(text) for text in frame["close"]]
data = pd.DataFrame({name.capitalize(): frame[name].astype(float) for name in ["open", "high", "low", "close", "volume"]})
data.index = pd.to_datetime(frame["time"].astype("int64"), unit="ms", utc=True).dt.tz_localize(None)


def sma(index, period, offset=0):
    end = index + 1 - offset
    if end - period < 0:
        return None
    return sum(closes[end - period:end]) / period


class SmaCross(Strategy):
    def init(self):
        pass

    def next(self):
        i = len(self.data) - 1
        values = [sma(i, fast), sma(i, slow), sma(i, fast, 1), sma(i, slow, 1)]
        if None in values:
            return
        fast_now, slow_now, fast_before, slow_before = values
        if fast_before <= slow_before and fast_now > slow_now and not self.position:
            stop = (closes[i] - closes[i] * stop_pct).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
            self.buy(size=size, sl=float(stop))
        elif fast_before >= slow_before and fast_now < slow_now and self.position:
            self.position.close()


stats = Backtest(data, SmaCross, cash=1_000_000, commission=0, trade_on_close=False, exclusive_orders=False).run()
trades = []
for _, trade in stats._trades.iterrows():
    trades.append({
        "entryTime": int(pd.Timestamp(trade["EntryTime"]).tz_localize("UTC").value // 1_000_000),
        "exitTime": int(pd.Timestamp(trade["ExitTime"]).tz_localize("UTC").value // 1_000_000),
        "entryPrice": format(Decimal(repr(float(trade["EntryPrice"]))).normalize(), "f"),
        "exitPrice": format(Decimal(repr(float(trade["ExitPrice"]))).normalize(), "f"),
        "size": int(trade["Size"]),
    })
print(json.dumps(trades))
