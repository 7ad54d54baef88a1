#!/usr/bin/env python3
"""The backtest benchmark (issue 16), one run on the same data: `alphaengine backtest` against
backtesting.py on the same one-minute candles, candles per second and the ratio; `alphaengine tune`
evaluations per second on every core; each one's peak RSS. Prints figures; never part of the tests.

    bench_backtest.py ALPHAENGINE CANDLES ROUNDS WORKDIR

The candles are a seeded random walk on the 0.1 tick (the same every run). Both engines run
sma_cross with a 2 % protective stop; backtesting.py the way its users write it: `self.I` with a
pandas rolling mean and `crossover`, vectorized indicators, its own per-bar loop.
"""
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time

alphaengine, count, rounds, workdir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
FAST, SLOW, STOP = 20, 50, "0.02"
os.makedirs(workdir, exist_ok=True)
csv = os.path.join(workdir, f"candles-{count}.csv")


def write_candles():
    generator = random.Random(7)
    price, start = 500_000, 1_767_225_600_000  # tenths of a dollar: 50000.0
    with open(csv, "w") as out:
        out.write("time,open,high,low,close,volume\n")
        for index in range(count):
            close = max(10_000, price + generator.randint(-300, 300))
            high = max(price, close) + generator.randint(0, 80)
            low = min(price, close) - generator.randint(0, 80)
            tenths = lambda v: f"{v // 10}.{v % 10}"
            out.write(f"{start + index * 60_000},{tenths(price)},{tenths(high)},{tenths(low)},{tenths(close)},1\n")
            price = close


def timed(command):
    """Wall seconds and peak RSS (MiB) of one child process; its standard output."""
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    output = process.stdout.read()
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench-backtest: {command[0]} failed: {errors.decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, output.decode()


def median_of(command, what):
    runs = [timed(command) for _ in range(rounds)]
    seconds = statistics.median(r[0] for r in runs)
    rss = max(r[1] for r in runs)
    print(f"  {what}: median {seconds:.2f} s over {rounds} runs ({', '.join(f'{r[0]:.2f}' for r in runs)}), peak RSS {rss:.0f} MiB", flush=True)
    return seconds, rss, runs[-1][2]


PEER = r'''
import json, sys, warnings
import pandas as pd
from backtesting import Backtest, Strategy
from backtesting.lib import crossover
warnings.filterwarnings("ignore")
path, fast, slow, stop = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
frame = pd.read_csv(path)
data = pd.DataFrame({n.capitalize(): frame[n].astype(float) for n in ["open", "high", "low", "close", "volume"]})
data.index = pd.to_datetime(frame["time"], unit="ms")
def sma(values, n): return pd.Series(values).rolling(n).mean()
class SmaCross(Strategy):
    def init(self):
        self.fast = self.I(sma, self.data.Close, fast)
        self.slow = self.I(sma, self.data.Close, slow)
    def next(self):
        if crossover(self.fast, self.slow) and not self.position:
            self.buy(size=1, sl=self.data.Close[-1] * (1 - stop))
        elif crossover(self.slow, self.fast) and self.position:
            self.position.close()
stats = Backtest(data, SmaCross, cash=10_000_000, commission=0.0005, trade_on_close=False).run()
print(json.dumps({"trades": int(stats["# Trades"])}))
'''


def main():
    write_candles()
    python = sys.executable
    peer = os.path.join(workdir, "backtesting_py_sma_cross_bench.py")
    with open(peer, "w") as out:
        out.write(PEER)
    params = json.dumps({"fast": FAST, "slow": SLOW, "quantity": "0.01", "stop_pct": STOP})
    print(f"bench-backtest: sma_cross({FAST}, {SLOW}, stop {STOP}) on {count} one-minute candles, {rounds} runs each, "
          f"{os.cpu_count()} cores", flush=True)

    # Like for like: backtesting.py computes its statistics and equity curve and writes no file, so
    # neither does this run (its summary holds the trade count); the next one adds the JSON report.
    backtest = [alphaengine, "backtest", "--strategy", "sma_cross", "--params", params, "--csv", csv]
    ours, ours_rss, out = median_of(backtest, "alphaengine backtest")
    our_trades = int(re.search(r"^trades (\d+)", out, re.M).group(1))
    with_report, _, _ = median_of(backtest + ["--json", os.path.join(workdir, "report.json")], "alphaengine backtest --json (a report of a point a candle)")
    with open(os.path.join(workdir, "report.json")) as report:
        assert json.load(report)["metrics"]["trades"] == our_trades
    theirs, theirs_rss, out = median_of([python, peer, csv, str(FAST), str(SLOW), STOP], "backtesting.py 0.6.5")
    their_trades = json.loads(out.strip().splitlines()[-1])["trades"]

    grid = ["--grid", "fast=5,10,20,30", "--grid", "slow=50,100,200"]
    windows = 4
    evaluations = 4 * 3 * windows
    tune, tune_rss, _ = median_of([alphaengine, "tune", "--strategy", "sma_cross", "--params",
                                   json.dumps({"quantity": "0.01", "stop_pct": STOP}), *grid, "--csv", csv,
                                   "--windows", str(windows)], f"alphaengine tune ({evaluations} backtests of {count // windows} candles)")

    print()
    print(f"{'':34}{'candles/s':>12}{'peak RSS':>11}{'trades':>8}")
    print(f"{'alphaengine backtest':34}{count / ours:>12,.0f}{ours_rss:>8.0f} MiB{our_trades:>8}")
    print(f"{'backtesting.py (pandas, numpy)':34}{count / theirs:>12,.0f}{theirs_rss:>8.0f} MiB{their_trades:>8}")
    print(f"ratio: alphaengine is {theirs / ours:.1f}x backtesting.py's speed (target: 10x); "
          f"{theirs / with_report:.1f}x with its {os.path.getsize(os.path.join(workdir, 'report.json')) / 1e6:.0f} MB JSON report written too")
    print(f"tune: {evaluations / tune:.2f} evaluations/s ({evaluations * (count // windows) / tune:,.0f} candles/s) on {os.cpu_count()} cores, "
          f"peak RSS {tune_rss:.0f} MiB")
    print("trade counts differ where the engines differ: backtesting.py's float SMA against AlphaEngine's exact decimals, "
          "and its stop at close × (1 − 2 %) unrounded; BacktestCrossCheckTests holds the two to the same trades with the same semantics.")


main()
