import Foundation
import Glibc
import Synchronization

/// Serves the files under one directory — the SPA — with content types, ETags and 304s, and an
/// optional fallback to `index.html` for client-side routes.
///
/// No request can reach outside the directory: segments are percent-decoded one by one, so an
/// encoded "/" ("%2F") or NUL is refused rather than becoming a separator; "." and ".." are
/// refused; and the resolved path (symlinks followed) must still lie under the root.
public final class StaticFiles: Sendable {
    public let root: String
    private let spaFallback: Bool
    private let cache = Mutex<[String: StaticFile]>([:])
    /// Larger files are refused rather than held in memory.
    static let maxFileBytes = 16 << 20

    public init(root: String, spaFallback: Bool = true) throws(StaticFilesError) {
        guard let resolved = Self.realPath(root) else { throw StaticFilesError.rootMissing(root) }
        self.root = resolved
        self.spaFallback = spaFallback
    }

    /// A handler serving the request's whole path from the root (mount it as the router's fallback).
    public var handler: HTTPHandler {
        { [self] request in .response(respond(to: request, path: request.path)) }
    }

    /// Serves `path` (still percent-encoded, relative to the root) for `request`.
    public func respond(to request: HTTPRequest, path: Substring) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" else {
            var response = HTTPResponse.error(.methodNotAllowed, code: "method_not_allowed", message: "static files are read-only")
            response.setHeader("Allow", "GET, HEAD")
            return response
        }
        guard let segments = Self.safeSegments(path) else {
            return .error(.badRequest, code: "bad_request", message: "path is not allowed")
        }
        if let file = load(segments) { return reply(file, request: request) }
        // A client-side route (no file extension) gets the app; a missing asset is a real 404.
        if spaFallback, !(segments.last?.contains(".") ?? false), let index = load(["index.html"]) {
            return reply(index, request: request)
        }
        return .error(.notFound, code: "not_found", message: "no such file")
    }

    private func reply(_ file: StaticFile, request: HTTPRequest) -> HTTPResponse {
        var headers = [("ETag", file.etag), ("Cache-Control", "no-cache")]
        if Self.matches(request.headers["if-none-match"], etag: file.etag) {
            return HTTPResponse(status: .notModified, headers: headers)
        }
        headers.append(("Content-Type", file.contentType))
        headers.append(("X-Content-Type-Options", "nosniff"))
        return HTTPResponse(status: .ok, headers: headers, body: file.bytes)
    }

    /// If-None-Match: "*" or a list of entity tags, compared weakly (RFC 9110 §13.1.2).
    static func matches(_ header: String?, etag: String) -> Bool {
        guard let header else { return false }
        return header.split(separator: ",").contains { candidate in
            let tag = candidate.trimmingWhitespace()
            return tag == "*" || tag == etag || tag == "W/" + etag
        }
    }

    /// Decoded path segments, or nil if any is unsafe.
    static func safeSegments(_ path: Substring) -> [String]? {
        var segments: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = PercentDecoding.decode(part), !decoded.isEmpty, decoded != ".", decoded != "..",
                  !decoded.contains("/"), !decoded.contains("\0"), !decoded.contains("\\")
            else { return nil }
            segments.append(decoded)
        }
        return segments
    }

    /// The file at `segments`, from the cache unless it changed on disk; `index.html` for a directory.
    private func load(_ segments: [String]) -> StaticFile? {
        var candidate = ([root] + segments).joined(separator: "/")
        guard let resolved = Self.realPath(candidate), resolved == root || resolved.hasPrefix(root + "/") else { return nil }
        var info = stat()
        guard stat(resolved, &info) == 0 else { return nil }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            candidate = resolved + "/index.html"
            guard let index = Self.realPath(candidate), index.hasPrefix(root + "/"), stat(index, &info) == 0 else { return nil }
            return read(index, info: info)
        }
        return read(resolved, info: info)
    }

    private func read(_ path: String, info: stat) -> StaticFile? {
        guard (info.st_mode & S_IFMT) == S_IFREG, info.st_size <= Self.maxFileBytes else { return nil }
        // The inode changes when a file is replaced (editors and deploys rename a new file in),
        // which catches a same-size rewrite within one tick of the file system's clock.
        let version = "\(info.st_ino)-\(info.st_size)-\(info.st_mtim.tv_sec)-\(info.st_mtim.tv_nsec)-\(info.st_ctim.tv_nsec)"
        if let cached = cache.withLock({ $0[path] }), cached.version == version { return cached }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let file = StaticFile(bytes: Array(data), version: version, path: path)
        cache.withLock { $0[path] = file }
        return file
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = Glibc.realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// A file held in memory with its precomputed ETag and content type.
struct StaticFile: Sendable {
    let bytes: [UInt8]
    let version: String
    let etag: String
    let contentType: String

    init(bytes: [UInt8], version: String, path: String) {
        self.bytes = bytes
        self.version = version
        // FNV-1a over the content: the tag changes exactly when the bytes do.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        etag = "\"\(String(hash, radix: 16))-\(String(bytes.count, radix: 16))\""
        contentType = MediaTypes.forPath(path)
    }
}

public enum StaticFilesError: Error, CustomStringConvertible {
    case rootMissing(String)

    public var description: String {
        switch self {
        case .rootMissing(let root): "static file directory \(root) does not exist"
        }
    }
}

/// Content types by file extension, for what a single-page app ships.
enum MediaTypes {
    static func forPath(_ path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: ".") else { return "application/octet-stream" }
        switch name[name.index(after: dot)...].lowercased() {
        case "html", "htm": return "text/html; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "json", "map": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "gif": return "image/gif"
        case "ico": return "image/x-icon"
        case "webp": return "image/webp"
        case "woff": return "font/woff"
        case "woff2": return "font/woff2"
        case "txt": return "text/plain; charset=utf-8"
        case "yaml", "yml": return "application/yaml"
        case "webmanifest": return "application/manifest+json"
        case "wasm": return "application/wasm"
        default: return "application/octet-stream"
        }
    }
}
