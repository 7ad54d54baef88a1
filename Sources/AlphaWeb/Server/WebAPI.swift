import AlphaCore
import AlphaHTTP
import AlphaStore
import AlphaSystem
import Foundation
import Logging

/// The API's services and its route table. Each area's routes live in their own file under
/// Routes/ as an extension; this file holds what they share: who may call what, and the one
/// wrapper that authenticates, runs the handler on a worker with a storage connection, turns
/// refusals into the error shape and records metrics.
final class WebAPI: Sendable {
    let settings: WebSettings
    let tokens: AccessTokens
    let authenticator: Authenticator
    let throttle: LoginThrottle
    let pool: ConnectionPool
    let hub = EventStreamHub()
    let tail: EventTail
    let metrics = WebMetrics()
    let dashboardCache = DashboardCache()
    /// Causes of 500s: the log gets them, the caller never does.
    let log = Logger(label: "api")

    /// Who may call a route.
    enum Access {
        /// Anyone: health, readiness, the contract, login.
        case open
        /// Any signed-in user or API token.
        case viewer
        /// A signed-in admin (never an API token).
        case admin
    }

    /// What a route's handler gets: the request, who sent it, and a connection to use.
    struct Context {
        let request: HTTPRequest
        let principal: Principal?
        let storage: any Storage

        /// The caller of a route that requires one (the wrapper has checked it is there).
        var caller: Principal { principal! }
    }

    typealias Handler = @Sendable (Context) throws -> HTTPResponse

    init(settings: WebSettings, secret: [UInt8]) throws {
        self.settings = settings
        tokens = try AccessTokens(secret: secret, lifetimeSeconds: settings.tokenLifetimeSeconds, account: settings.account)
        let revoked = try settings.storage.open(memory: .lean).sessionRevocations
            .active(now: Timestamp.now().millisecondsSinceEpoch / 1000)
        authenticator = Authenticator(tokens: tokens, revokedTokenIDs: revoked, cutoffs: SessionCutoffs(backend: settings.storage))
        throttle = LoginThrottle(limits: settings.loginLimits)
        pool = ConnectionPool(backend: settings.storage)
        tail = EventTail(backend: settings.storage, hub: hub, pollMicroseconds: settings.tailPollMicroseconds)
    }

    func router(staticFiles: StaticFiles?, vendorFiles: [String: StaticFiles] = [:]) -> Router {
        var router = Router()
        addHealthRoutes(to: &router)
        addAuthRoutes(to: &router)
        addDashboardRoute(to: &router)
        addEventRoutes(to: &router)
        addTradingRoutes(to: &router)
        addPnLRoutes(to: &router)
        addCommandRoutes(to: &router)
        addOutsideActivityRoutes(to: &router)
        addBacktestRoutes(to: &router)
        addConfigRoutes(to: &router)
        addStrategyRoutes(to: &router)
        addTokenRoutes(to: &router)
        addStreamRoute(to: &router)
        addMetricsRoute(to: &router)
        let apiNotFound: HTTPHandler = { request in
            .response(.error(.notFound, code: "not_found", message: "no route for \(request.method) \(request.path)"))
        }
        router.fallback = { request in
            if request.path == "/api" || request.path.hasPrefix("/api/") { return apiNotFound(request) }
            if request.path.hasPrefix("/vendor/") {
                let rest = request.path.dropFirst("/vendor/".count)
                let name = rest.prefix { $0 != "/" }
                guard let files = vendorFiles[String(name)], rest.count > name.count else {
                    return .response(.error(.notFound, code: "not_found", message: "no library \(name.prefix(40)) is installed"))
                }
                return .response(files.respond(to: request, path: rest.dropFirst(name.count + 1)))
            }
            if let staticFiles { return staticFiles.handler(request) }
            return apiNotFound(request)
        }
        return router
    }

    /// Answers on the event loop without the database, or nil to go the usual way.
    typealias FastPath = @Sendable (HTTPRequest, Principal) -> HTTPResponse?

    /// Registers a route whose handler runs on a worker thread with a pooled connection. With
    /// `fast`, a caller with an access token is first offered an answer on the loop (a cached
    /// dashboard), sparing the thread hop and the pool.
    func add(_ router: inout Router, _ method: String, _ pattern: String, _ access: Access, fast: FastPath? = nil,
             _ handler: @escaping Handler) {
        let figures = metrics.route("\(method) \(pattern)")
        router.add(method, pattern) { [self] request in
            if let fast, access == .viewer, let principal = try? authenticator.authenticateAccessToken(request),
               let response = fast(request, principal) {
                figures.record(status: response.status.code, seconds: 0)
                return .response(response)
            }
            return .offload { self.answer(request, figures: figures, access: access, handler) }
        }
    }

    func answer(_ request: HTTPRequest, figures: WebMetrics.Route, access: Access, _ handler: Handler) -> HTTPResponse {
        let started = MonotonicClock.now()
        let response = respond(request, access: access, handler)
        figures.record(status: response.status.code, seconds: Double(MonotonicClock.now() - started) / 1e9)
        return response
    }

    private func respond(_ request: HTTPRequest, access: Access, _ handler: Handler) -> HTTPResponse {
        do {
            return try pool.with { storage in
                let principal = access == .open ? nil : try authenticate(request, storage: storage, access: access)
                return try handler(Context(request: request, principal: principal, storage: storage))
            }
        } catch let failure as APIFailure {
            return failure.response
        } catch {
            // The cause goes to the log; the caller gets no internals.
            log.error("\(request.method) \(request.path): \(error)")
            return .error(.internalServerError, code: "internal_error", message: "the server could not answer; the cause is in its log")
        }
    }

    func authenticate(_ request: HTTPRequest, storage: any Storage, access: Access, allowCookie: Bool = false) throws(APIFailure) -> Principal {
        let principal = try authenticator.authenticate(request, storage: storage, allowCookie: allowCookie)
        if access == .admin, !principal.isAdmin {
            throw .forbidden(principal.kind == .apiToken ? "API tokens are read-only" : "this needs the admin role; you are a viewer")
        }
        return principal
    }

    /// The client's address for throttling: the socket peer, or behind a trusted proxy the
    /// address it appended last to `X-Forwarded-For`.
    func clientAddress(_ request: HTTPRequest) -> String {
        if settings.trustForwardedFor, let forwarded = request.headers["x-forwarded-for"],
           let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty {
            return last
        }
        return request.remoteAddress
    }
}
