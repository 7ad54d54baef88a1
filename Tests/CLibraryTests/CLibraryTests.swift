import CCurl
import CJWT
import CLinux
import COpenSSL
import CSQLite
import Foundation
import Testing

/// The C shims link and behave: each test calls the library for real, so a broken module map,
/// a missing -dev package or a wrong wrapper signature fails here first.
@Suite struct CLibraryTests {
    @Test func hmacSHA256MatchesBinancesOfficialVector() {
        // USDⓈ-M General Info, "SIGNED Endpoint Examples for POST /fapi/v1/order - HMAC Keys".
        let key = Array("2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9".utf8)
        let message = Array("symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943".utf8)
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = HMAC(EVP_sha256(), key, Int32(key.count), message, message.count, &digest, &length)
        let hex = digest.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
        #expect(hex == "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9")
    }

    @Test func sqliteIsRecentEnoughForReturning() {
        #expect(sqlite3_libversion_number() >= 3_035_000)
    }

    @Test func curlTypedSetoptAndGetinfoWrappers() {
        #expect(curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK)
        let handle = curl_easy_init()
        defer { curl_easy_cleanup(handle) }
        #expect(ae_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1) == CURLE_OK)
        #expect(ae_curl_setopt_string(handle, CURLOPT_URL, "http://127.0.0.1:1/") == CURLE_OK)
        #expect(ae_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, 500) == CURLE_OK)
        // Port 1 on loopback refuses at once: a real transfer attempt through our wrappers.
        #expect(curl_easy_perform(handle) == CURLE_COULDNT_CONNECT)
        var code: Int = -1
        #expect(ae_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK)
        #expect(code == 0)
    }

    @Test func jwtEncodesAndDecodesHS256() throws {
        var token: OpaquePointer?
        #expect(jwt_new(&token) == 0)
        defer { jwt_free(token) }
        let key = Array("0123456789abcdef0123456789abcdef".utf8)
        #expect(jwt_set_alg(token, JWT_ALG_HS256, key, Int32(key.count)) == 0)
        #expect(jwt_add_grant(token, "sub", "admin") == 0)
        let encoded = try #require(jwt_encode_str(token))
        defer { free(encoded) }
        var decoded: OpaquePointer?
        #expect(jwt_decode(&decoded, encoded, key, Int32(key.count)) == 0)
        defer { jwt_free(decoded) }
        #expect(jwt_get_alg(decoded) == JWT_ALG_HS256)
        #expect(String(cString: jwt_get_grant(decoded, "sub")) == "admin")
        var forged: OpaquePointer?
        let wrongKey = Array("fedcba9876543210fedcba9876543210".utf8)
        #expect(jwt_decode(&forged, encoded, wrongKey, Int32(wrongKey.count)) != 0)
    }

    @Test func epollEventfdAndAccept4AreReachable() throws {
        let poller = epoll_create1(Int32(EPOLL_CLOEXEC))
        #expect(poller >= 0)
        defer { close(poller) }
        let wake = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        defer { close(wake) }
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.fd = wake
        #expect(epoll_ctl(poller, EPOLL_CTL_ADD, wake, &event) == 0)
        var one: UInt64 = 1
        #expect(write(wake, &one, 8) == 8)
        var ready = [epoll_event](repeating: epoll_event(), count: 4)
        #expect(epoll_wait(poller, &ready, 4, 1000) == 1)
        #expect(ready[0].data.fd == wake)
        // accept4 on a non-listening socket fails with EINVAL: the wrapper reaches the kernel.
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        #expect(ae_accept4(socketFD, nil, nil, ae_sock_nonblock_cloexec()) == -1 && errno == EINVAL)
    }
}
