/// EngineStarted: a boot finished recovery and the engine entered `state`.
public struct EngineStartedPayload: Payload {
    public var bootID: String
    public var state: EngineState
    public var mode: EngineMode

    public init(bootID: String, state: EngineState, mode: EngineMode) {
        self.bootID = bootID
        self.state = state
        self.mode = mode
    }

    public init(json: JSONObject) throws(PayloadError) {
        bootID = try json.string("bootId")
        state = try json.choice("state", as: EngineState.self)
        mode = try json.choice("mode", as: EngineMode.self)
    }

    public var json: JSONObject {
        ["bootId": .string(bootID), "state": .string(state.rawValue), "mode": .string(mode.rawValue)]
    }
}

/// EnginePaused, EngineResumed and EngineStopped: who or what did it, and why.
public struct EngineReasonPayload: Payload {
    public var reason: String

    public init(reason: String) { self.reason = reason }
    public init(json: JSONObject) throws(PayloadError) { reason = try json.string("reason") }
    public var json: JSONObject { ["reason": .string(reason)] }
}

/// EngineModeChanged.
public struct EngineModePayload: Payload {
    public var mode: EngineMode
    public var reason: String

    public init(mode: EngineMode, reason: String) {
        self.mode = mode
        self.reason = reason
    }

    public init(json: JSONObject) throws(PayloadError) {
        mode = try json.choice("mode", as: EngineMode.self)
        reason = try json.string("reason")
    }

    public var json: JSONObject { ["mode": .string(mode.rawValue), "reason": .string(reason)] }
}

/// WebSocketConnected, WebSocketDisconnected and WebSocketReconnected.
public struct StreamPayload: Payload {
    public var connectionID: String
    /// For a disconnect: whether the listener will try again (RECONNECTING) or has shut down.
    public var willReconnect: Bool
    public var reason: String?

    public init(connectionID: String, willReconnect: Bool = false, reason: String? = nil) {
        self.connectionID = connectionID
        self.willReconnect = willReconnect
        self.reason = reason
    }

    public init(json: JSONObject) throws(PayloadError) {
        connectionID = try json.string("connectionId")
        willReconnect = try json.bool("willReconnect")
        reason = try json.optionalString("reason")
    }

    public var json: JSONObject {
        var object: JSONObject = ["connectionId": .string(connectionID), "willReconnect": .bool(willReconnect)]
        if let reason { object["reason"] = .string(reason) }
        return object
    }
}

/// ReconciliationPerformed: one reconcile run finished.
public struct ReconciliationPayload: Payload {
    public var runID: String
    public var trigger: String
    public var drifts: Int64
    public var time: Int64

    public init(runID: String, trigger: String, drifts: Int64, time: Int64) {
        self.runID = runID
        self.trigger = trigger
        self.drifts = drifts
        self.time = time
    }

    public init(json: JSONObject) throws(PayloadError) {
        runID = try json.string("runId")
        trigger = try json.string("trigger")
        drifts = try json.int64("drifts")
        time = try json.int64("time")
    }

    public var json: JSONObject {
        ["runId": .string(runID), "trigger": .string(trigger), "drifts": .int(drifts), "time": .int(time)]
    }
}

/// DriftDetected: the exchange and the projection disagree on one value.
public struct DriftPayload: Payload {
    public var runID: String
    public var entity: String
    public var field: String
    public var expected: String
    public var actual: String

    public init(runID: String, entity: String, field: String, expected: String, actual: String) {
        self.runID = runID
        self.entity = entity
        self.field = field
        self.expected = expected
        self.actual = actual
    }

    public init(json: JSONObject) throws(PayloadError) {
        runID = try json.string("runId")
        entity = try json.string("entity")
        field = try json.string("field")
        expected = try json.string("expected")
        actual = try json.string("actual")
    }

    public var json: JSONObject {
        ["runId": .string(runID), "entity": .string(entity), "field": .string(field),
         "expected": .string(expected), "actual": .string(actual)]
    }
}

/// ConfigChanged: the runtime configuration as of `version`.
public struct ConfigChangedPayload: Payload {
    public var version: Int64
    public var config: JSONObject

    public init(version: Int64, config: JSONObject) {
        self.version = version
        self.config = config
    }

    public init(json: JSONObject) throws(PayloadError) {
        version = try json.int64("version")
        config = try json.object("config")
    }

    public var json: JSONObject { ["version": .int(version), "config": .object(config)] }
}
