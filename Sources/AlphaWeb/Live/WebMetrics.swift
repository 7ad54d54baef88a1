import Foundation
import Synchronization

/// Request counts and latencies by route pattern (never by raw path, so ids in URLs cannot grow
/// the series without bound), written out in the Prometheus text format.
final class WebMetrics: Sendable {
    static let bucketSeconds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]

    struct Series {
        var counts: [Int: Int64] = [:]
        var buckets = [Int64](repeating: 0, count: WebMetrics.bucketSeconds.count)
        var total: Int64 = 0
        var sumSeconds: Double = 0
    }

    /// One route's figures, handed to the route when it is registered, so recording a request
    /// takes one uncontended lock and no lookup by name.
    final class Route: Sendable {
        let name: String
        let series = Mutex(Series())

        init(name: String) { self.name = name }

        func record(status: Int, seconds: Double) {
            series.withLock { entry in
                entry.counts[status, default: 0] += 1
                for (index, bound) in WebMetrics.bucketSeconds.enumerated() where seconds <= bound { entry.buckets[index] += 1 }
                entry.total += 1
                entry.sumSeconds += seconds
            }
        }
    }

    private let routes = Mutex<[String: Route]>([:])

    /// The figures of the route named `name` ("GET /api/orders/:clientOrderId").
    func route(_ name: String) -> Route {
        routes.withLock { routes in
            if let existing = routes[name] { return existing }
            let route = Route(name: name)
            routes[name] = route
            return route
        }
    }

    /// The request metrics, then `gauges` (name, help, value) as given.
    /// One metric and its samples, each with its labels already written (`state="RUNNING"`).
    struct Family {
        var name: String
        var help: String
        var type = "gauge"
        var samples: [(labels: String, value: Double)]

        init(_ name: String, _ help: String, type: String = "gauge", _ samples: [(labels: String, value: Double)]) {
            self.name = name
            self.help = help
            self.type = type
            self.samples = samples
        }

        init(_ name: String, _ help: String, type: String = "gauge", value: Double) {
            self.init(name, help, type: type, [("", value)])
        }
    }

    func render(gauges: [(String, String, Double)], families: [Family] = []) -> String {
        let snapshot = routes.withLock { $0 }.mapValues { route in route.series.withLock { $0 } }
        var lines: [String] = []
        lines.append("# HELP alphaengine_http_requests_total Requests answered, by route pattern and status.")
        lines.append("# TYPE alphaengine_http_requests_total counter")
        for (route, entry) in snapshot.sorted(by: { $0.key < $1.key }) {
            for (status, count) in entry.counts.sorted(by: { $0.key < $1.key }) {
                lines.append("alphaengine_http_requests_total{route=\"\(Self.escape(route))\",status=\"\(status)\"} \(count)")
            }
        }
        lines.append("# HELP alphaengine_http_request_duration_seconds Time from routing to a ready response.")
        lines.append("# TYPE alphaengine_http_request_duration_seconds histogram")
        for (route, entry) in snapshot.sorted(by: { $0.key < $1.key }) {
            let label = "route=\"\(Self.escape(route))\""
            for (index, bound) in Self.bucketSeconds.enumerated() {
                lines.append("alphaengine_http_request_duration_seconds_bucket{\(label),le=\"\(bound)\"} \(entry.buckets[index])")
            }
            lines.append("alphaengine_http_request_duration_seconds_bucket{\(label),le=\"+Inf\"} \(entry.total)")
            lines.append("alphaengine_http_request_duration_seconds_sum{\(label)} \(entry.sumSeconds)")
            lines.append("alphaengine_http_request_duration_seconds_count{\(label)} \(entry.total)")
        }
        for (name, help, value) in gauges {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) gauge")
            lines.append("\(name) \(value)")
        }
        for family in families {
            lines.append("# HELP \(family.name) \(family.help)")
            lines.append("# TYPE \(family.name) \(family.type)")
            for sample in family.samples {
                lines.append(family.name + (sample.labels.isEmpty ? "" : "{\(sample.labels)}") + " \(sample.value)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func escape(_ label: String) -> String {
        label.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
