import COpenSSL
import Glibc

/// TLS (1.2 or later) over a TCP stream with OpenSSL: the server's certificate chain is verified
/// against the system's roots (or `caFile`), its name must match the host (`SSL_set1_host`), and
/// SNI names the host.
final class TLSStream: ByteStream {
    private let tcp: TCPStream
    private let context: OpaquePointer
    private let ssl: OpaquePointer

    init(tcp: TCPStream, host: String, caFile: String?, timeoutMilliseconds: Int) throws(WebSocketClientError) {
        self.tcp = tcp
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw .tls("SSL_CTX_new: \(Self.lastError())") }
        self.context = context
        _ = ae_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION)
        let loaded = caFile.map { SSL_CTX_load_verify_locations(context, $0, nil) } ?? SSL_CTX_set_default_verify_paths(context)
        guard loaded == 1, let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw .tls("cannot load trusted certificates: \(Self.lastError())")
        }
        self.ssl = ssl
        SSL_set_verify(ssl, SSL_VERIFY_PEER, nil)
        // From here on `deinit` frees `ssl` and `context`, failures included.
        guard SSL_set1_host(ssl, host) == 1, ae_SSL_set_tlsext_host_name(ssl, host) == 1, SSL_set_fd(ssl, tcp.descriptor) == 1 else {
            throw .tls("cannot set the server name: \(Self.lastError())")
        }
        tcp.setTimeout(SO_RCVTIMEO, milliseconds: timeoutMilliseconds)
        tcp.setTimeout(SO_SNDTIMEO, milliseconds: timeoutMilliseconds)
        guard SSL_connect(ssl) == 1 else {
            let verify = SSL_get_verify_result(ssl)
            let reason = verify != X509_V_OK ? String(cString: X509_verify_cert_error_string(verify)) : Self.lastError()
            throw .tls("TLS handshake with \(host) failed: \(reason)")
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, timeoutMilliseconds: Int) throws(WebSocketClientError) -> Int {
        tcp.setTimeout(SO_RCVTIMEO, milliseconds: max(1, timeoutMilliseconds))
        let count = SSL_read(ssl, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        if count > 0 { return Int(count) }
        let error = SSL_get_error(ssl, count)
        if error == SSL_ERROR_ZERO_RETURN { return 0 }
        if error == SSL_ERROR_WANT_READ || (error == SSL_ERROR_SYSCALL && errno == EAGAIN) { throw .timeout }
        if error == SSL_ERROR_SYSCALL && count == 0 { return 0 }
        throw .connectionLost("TLS read failed: \(Self.lastError())")
    }

    func writeAll(_ bytes: [UInt8]) throws(WebSocketClientError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress! + offset, Int32($0.count - offset)) }
            guard written > 0 else { throw .connectionLost("TLS write failed: \(Self.lastError())") }
            offset += Int(written)
        }
    }

    func close() {
        SSL_shutdown(ssl)
        tcp.close()
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    private static func lastError() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "unknown error" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
