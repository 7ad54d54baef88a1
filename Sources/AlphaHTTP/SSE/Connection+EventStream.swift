import AlphaSystem

/// A connection that has become a `text/event-stream` response.
extension Connection {
    func startEventStream(_ source: EventStreamSource, request: HTTPRequest) {
        var head = HTTPResponse(status: .ok, headers: [
            ("Content-Type", "text/event-stream; charset=utf-8"),
            ("Cache-Control", "no-cache"),
            // Tells nginx-style proxies not to buffer the stream.
            ("X-Accel-Buffering", "no"),
        ])
        for (name, value) in source.headers { head.setHeader(name, value) }
        serializeStreamHead(head)
        if request.method == "HEAD" || loop.draining {
            closeAfterWrite = true
            return
        }
        let now = MonotonicClock.now()
        if let retry = source.retryMilliseconds { output.append(contentsOf: "retry: \(retry)\n\n".utf8) }
        for event in source.initialEvents { output.append(contentsOf: event.encoded) }
        lastStreamWrite = now
        if let lifetime = source.lifetimeMilliseconds { streamEndsAt = MonotonicClock.deadline(afterMilliseconds: lifetime) }
        let subscriber = EventStreamSubscriber(limit: configuration.eventStreamQueueLimit, after: source.resumeAfter,
                                               names: source.eventNames, tag: source.tag) { [loop, weak self] in
            loop.post { [weak self] in self?.drainEventStream() }
        }
        setMode(.eventStream(subscriber, source.hub))
        // Events the hub no longer holds were missed: closing makes the client reconnect with
        // Last-Event-ID and replay them from the log, rather than silently skipping them.
        if let hub = source.hub, !hub.subscribe(subscriber, after: source.resumeAfter) {
            closeAfterWrite = true
        }
    }

    /// The head without Content-Length: the body lasts until the stream closes.
    private func serializeStreamHead(_ head: HTTPResponse) {
        output.append(contentsOf: "HTTP/1.1 200 OK\r\nDate: ".utf8)
        output.append(contentsOf: loop.dateCache.current())
        output.append(contentsOf: "\r\nConnection: close".utf8)
        for header in head.headers {
            output.append(contentsOf: "\r\n\(header.name): \(header.value)".utf8)
        }
        output.append(contentsOf: "\r\n\r\n".utf8)
    }

    /// Moves queued events into the output. A subscriber whose queue overflowed, or whose unsent
    /// output passed the limit, is too slow: it is closed, and the browser reconnects with
    /// `Last-Event-ID` to replay what it missed.
    func drainEventStream() {
        guard !isClosed, case .eventStream(let subscriber, _) = mode else { return }
        let (events, overflowed) = subscriber.drain()
        if overflowed {
            close()
            return
        }
        let now = MonotonicClock.now()
        for event in events { output.append(contentsOf: event) }
        if !events.isEmpty { lastStreamWrite = now }
        if output.count - outputOffset > configuration.maxPendingOutputBytes {
            close()
            return
        }
        flush()
    }

    func appendStream(_ bytes: [UInt8], now: UInt64) {
        output.append(contentsOf: bytes)
        lastStreamWrite = now
        flush()
    }
}
