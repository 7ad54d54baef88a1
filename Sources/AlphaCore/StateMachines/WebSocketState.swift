/// The user-data stream's connection state (seed §2.3). A failed attempt and a dropped
/// connection both go to RECONNECTING, which backs off and tries CONNECTING again; any state may
/// go to DISCONNECTED on shutdown.
public enum WebSocketState: String, StateMachine {
    case disconnected = "DISCONNECTED"
    case connecting = "CONNECTING"
    case connected = "CONNECTED"
    case reconnecting = "RECONNECTING"

    public static let legalMoves: [WebSocketState: Set<WebSocketState>] = [
        .disconnected: [.connecting],
        .connecting: [.connected, .reconnecting, .disconnected],
        .connected: [.reconnecting, .disconnected],
        .reconnecting: [.connecting, .disconnected],
    ]
}
