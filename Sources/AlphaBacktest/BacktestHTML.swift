import AlphaCore
import AlphaJSON

/// The report as one self-contained HTML file (issue 16): the metrics and trades as tables, and the
/// equity curve, the drawdown and the price with the trades marked as charts drawn by the same
/// library as the dashboard (Chart.js, from Debian's libjs-chart.js), copied into the file so it
/// opens anywhere, offline. Without the library the tables still stand, and the file says so.
public enum BacktestHTML {
    /// The most points a chart gets: longer series are thinned evenly (every k-th point, the last kept).
    static let maximumPoints = 4_000

    public static func render(_ report: BacktestReport, candles: [Candle], chartLibrary: String?) -> String {
        // Points as [epoch ms, decimal string]: the charts' x axis is linear in time, labelled in UTC.
        func point(_ time: Int64, _ value: Amount) -> JSONValue { .array([.int(time), .string(value.description)]) }
        let closes = thin(candles.map { point($0.closeTime + 1, $0.close) })
        let equity = thin(report.equity.map { point($0.time, $0.equity) })
        var peak = report.settings.initialBalance
        let drawdown = thin(report.equity.map { equityPoint -> JSONValue in
            peak = max(peak, equityPoint.equity)
            return point(equityPoint.time, (equityPoint.equity - peak).divided(by: peak, scale: 6))
        })
        let series: JSONObject = [
            "price": .array(closes), "equity": .array(equity), "drawdown": .array(drawdown),
            "entries": .array(report.trades.map { point($0.entryTime, $0.entryPrice) }),
            "exits": .array(report.trades.compactMap { trade in trade.exitTime.flatMap { time in trade.exitPrice.map { point(time, $0) } } }),
        ]
        let m = report.metrics
        let metricRows: [(String, String)] = [
            ("Final equity", m.finalEquity.description), ("Total return", m.totalReturn.description),
            ("Annualized return", BacktestReport.ratio(m.annualizedReturn).stringValue), ("Max drawdown", m.maxDrawdown.description),
            ("Max drawdown duration", "\(m.maxDrawdownMilliseconds / 60_000) min"), ("Sharpe", BacktestReport.ratio(m.sharpe).stringValue),
            ("Sortino", BacktestReport.ratio(m.sortino).stringValue), ("Win rate", m.winRate?.description ?? "–"),
            ("Profit factor", m.profitFactor?.description ?? "–"), ("Exposure", m.exposure.description), ("Trades", "\(m.trades)"),
            ("Fees paid", m.feesPaid.description), ("Funding", m.funding.description),
            ("Liquidations", "\(report.liquidations)"),
        ]
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Backtest: \(escape(report.strategy)) on \(escape(report.settings.symbol))</title>
            <style>
            body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:70rem;padding:0 1rem;color:#1b1f24}
            h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}table{border-collapse:collapse;margin:.5rem 0}
            td,th{padding:.25rem .7rem;border-bottom:1px solid #ddd;text-align:right}th:first-child,td:first-child{text-align:left}
            .note{color:#5a6270}.wide{overflow-x:auto}td{white-space:nowrap}canvas{max-height:22rem}.loss{color:#b42318}.gain{color:#067647}
            </style></head><body>
            <h1>\(escape(report.strategy)) on \(escape(report.settings.symbol)) \(escape(report.timeframe.name))</h1>
            <p class="note">\(report.candles) candles, \(BacktestReport.time(report.from).stringValue) → \(BacktestReport.time(report.until).stringValue)\
            \(report.gaps > 0 ? "; \(report.gaps) gap(s), the longest \(report.longestGap?.missingCandles ?? 0) candles" : "");
            parameters <code>\(escape(report.parameters.serialized))</code>. Market orders fill at the next open
            (\(report.settings.slippageBasisPoints) bp slippage); stops and targets at their price, the stop first when a candle reaches both;
            fees \(report.settings.makerFee) maker / \(report.settings.takerFee) taker; funding \(report.settings.fundingRate) per 8 h.</p>
            <h2>Metrics</h2><table>
            """
        for (name, value) in metricRows { html += "<tr><th>\(escape(name))</th><td>\(escape(value))</td></tr>" }
        html += "</table>"
        if chartLibrary == nil {
            html += "<p class=\"note\">Charts left out: Chart.js was not found (Debian's libjs-chart.js).</p>"
        } else {
            html += """
                <h2>Equity</h2><canvas id="equity"></canvas><h2>Drawdown</h2><canvas id="drawdown"></canvas>
                <h2>Price and trades</h2><canvas id="price"></canvas>
                """
        }
        html += "<h2>Trades</h2><div class=\"wide\"><table><tr><th>Side</th><th>Entry</th><th>Entry price</th><th>Exit</th><th>Exit price</th><th>Quantity</th>"
            + "<th>PnL</th><th>Fees</th><th>Funding</th><th>Net</th></tr>"
        for trade in report.trades {
            let net = trade.net.isNegative ? "loss" : "gain"
            html += "<tr><td>\(trade.long ? "LONG" : "SHORT")</td><td>\(BacktestReport.time(trade.entryTime).stringValue)</td><td>\(trade.entryPrice)</td>"
                + "<td>\(trade.exitTime.map { BacktestReport.time($0).stringValue } ?? "open")</td><td>\(trade.exitPrice?.description ?? "–")</td>"
                + "<td>\(trade.quantity)</td><td>\(trade.pnl)</td><td>\(trade.fees)</td><td>\(trade.funding)</td><td class=\"\(net)\">\(trade.net)</td></tr>"
        }
        html += "</table></div>"
        if !report.rejections.isEmpty {
            html += "<h2>Refused</h2><table>"
            for rejection in report.rejections {
                html += "<tr><td>\(BacktestReport.time(rejection.time).stringValue)</td><td>\(escape(rejection.reason))</td></tr>"
            }
            html += "</table>"
        }
        if let chartLibrary {
            // The data as JSON the browser parses; "</" is written "<\\/" so no value can close the script.
            html += "<script type=\"application/json\" id=\"series\">\(series.serialized.replacingOccurrences(of: "</", with: "<\\/"))</script>"
            html += "<script>\(chartLibrary.replacingOccurrences(of: "</script", with: "<\\/script"))</script>"
            html += "<script>\(drawing)</script>"
        }
        return html + "</body></html>\n"
    }

    static let drawing = """
        const s = JSON.parse(document.getElementById('series').textContent);
        const pts = list => list.map(([x, y]) => ({x, y: Number(y)}));
        const first = s.price.length ? s.price[0][0] : 0, last = s.price.length ? s.price[s.price.length - 1][0] : 1;
        const x = {type: 'linear', min: first, max: last,
                   ticks: {maxTicksLimit: 8, callback: v => new Date(v).toISOString().slice(0, 16).replace('T', ' ')}};
        const chart = (id, datasets, legend) => new Chart(document.getElementById(id), {data: {datasets},
          options: {animation: false, parsing: false, scales: {x}, plugins: {legend: {display: legend}}}});
        chart('equity', [{type: 'line', label: 'Equity', data: pts(s.equity), pointRadius: 0, borderWidth: 1.5, borderColor: '#1d4ed8'}], false);
        chart('drawdown', [{type: 'line', label: 'Drawdown', data: pts(s.drawdown), pointRadius: 0, borderWidth: 1, borderColor: '#b42318',
          backgroundColor: 'rgba(180, 35, 24, 0.2)', fill: true}], false);
        chart('price', [{type: 'line', label: 'Close', data: pts(s.price), pointRadius: 0, borderWidth: 1, borderColor: '#6b7280'},
          {type: 'scatter', label: 'Entry', data: pts(s.entries), pointStyle: 'triangle', pointRadius: 6, backgroundColor: '#067647', borderColor: '#067647'},
          {type: 'scatter', label: 'Exit', data: pts(s.exits), pointStyle: 'rectRot', pointRadius: 6, backgroundColor: '#b42318', borderColor: '#b42318'}], true);
        """

    static func thin<T>(_ points: [T]) -> [T] {
        guard points.count > maximumPoints else { return points }
        let step = (points.count + maximumPoints - 1) / maximumPoints
        var kept = stride(from: 0, to: points.count, by: step).map { points[$0] }
        if (points.count - 1) % step != 0, let last = points.last { kept.append(last) }
        return kept
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
