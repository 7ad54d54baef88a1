import AlphaCore
import AlphaHTTP
import AlphaSim
import AlphaTestSupport
import AlphaWebSocket
import Foundation

// `make bench-sim`: how fast the simulator matches orders and pushes user-data events, so it is
// never the bottleneck of the bot's own benchmarks. Figures are medians of 3 runs.

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func measure(_ label: String, unit: String, runs: Int = 3, _ body: () throws -> (count: Int, seconds: Double)) rethrows {
    var rates: [Double] = []
    for _ in 0..<runs {
        let (count, seconds) = try body()
        rates.append(Double(count) / seconds)
    }
    let padded = label.padding(toLength: 56, withPad: " ", startingAt: 0)
    print("\(padded) \(String(format: "%10.0f", median(rates))) \(unit)  (runs: \(rates.map { String(format: "%.0f", $0) }.joined(separator: ", ")))")
}

func elapsed(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let quantity = Amount("0.010")!

// 1. The matching engine alone: market orders alternating buy and sell.
try measure("matching engine: market orders", unit: "orders/s") {
    var exchange = SimExchange(prices: ["BTCUSDT": Amount("50000")!], initialBalance: Amount("1000000")!)
    let count = 20_000
    let seconds = try elapsed {
        for index in 0..<count {
            _ = try exchange.place(NewOrderRequest(symbol: "BTCUSDT", side: index % 2 == 0 ? .buy : .sell, kind: .market,
                                                   quantity: quantity), time: Int64(index))
        }
    }
    return (count, seconds)
}

// 2. Resting limits filled by price sweeps.
try measure("matching engine: resting limits filled by price moves", unit: "fills/s") {
    var exchange = SimExchange(prices: ["BTCUSDT": Amount("50000")!], initialBalance: Amount("1000000")!)
    let count = 5_000
    for index in 0..<count {
        _ = try exchange.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .limit, timeInForce: .gtc, quantity: quantity,
                                               price: Amount("49000")! - Amount(index % 100)), time: 0)
    }
    var fills = 0
    let seconds = elapsed {
        fills = exchange.setPrice(Amount("48000")!, for: "BTCUSDT", time: 1).count
    }
    return (fills, seconds)
}

// 3. Signed REST orders over loopback, one keep-alive connection (HMAC, parsing, JSON included).
let service = SimService(configuration: .randomKeys())
let server = HTTPServer(handler: service.router.handler)
try server.start()
try measure("REST POST /fapi/v1/order, 1 connection", unit: "orders/s") {
    let client = try RawClient(port: server.port)
    let count = 2_000
    let seconds = try elapsed {
        for index in 0..<count {
            var query = "symbol=BTCUSDT&side=\(index % 2 == 0 ? "BUY" : "SELL")&type=MARKET&quantity=0.010&timestamp=\(Timestamp.now().millisecondsSinceEpoch)"
            query += "&signature=" + BinanceSignature.hex(secret: service.configuration.apiSecret, message: Array(query.utf8))
            try client.send("POST /fapi/v1/order?\(query) HTTP/1.1\r\nHost: s\r\nX-MBX-APIKEY: \(service.configuration.apiKey)\r\nContent-Length: 0\r\n\r\n")
            let response = try client.readResponse()
            guard response.status == 200 else { throw RawClient.Failure(description: response.text) }
        }
    }
    return (count, seconds)
}

// 4. User-data events pushed to one WebSocket subscriber (3 events per market order).
try measure("user-data events delivered over WebSocket", unit: "events/s") {
    let key = "bench-" + UUID().uuidString
    service.streamsForBenchmark(listenKey: key)
    let client = try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/ws/\(key)")
    while service.streamSessionCount == 0 { usleep(1000) }
    let orders = 3_000
    var received = 0
    let seconds = try elapsed {
        let producer = Thread {
            for index in 0..<orders { service.benchmarkPlaceMarket(buy: index % 2 == 0) }
        }
        producer.start()
        while received < orders * 3 {
            guard try client.receive(timeoutMilliseconds: 5000) != nil else { break }
            received += 1
        }
    }
    client.close()
    service.endBenchmarkStream()
    return (received, seconds)
}
server.shutdown()
