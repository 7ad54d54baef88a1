import AlphaJSON

extension HTTPResponse {
    /// Appends the whole response — status line, headers, body — to `output`, so the connection
    /// sends it in one write. Split writes of a head and a body meet Nagle's algorithm and the
    /// client's delayed ACK and stall each keep-alive request by ~40 ms.
    func serialize(into output: inout [UInt8], date: [UInt8], keepAlive: Bool, version: HTTPVersion, omitBody: Bool) {
        output.append(contentsOf: "HTTP/1.1 ".utf8)
        JSONWriter.appendDecimal(Int64(status.code), to: &output)
        output.append(0x20)
        output.append(contentsOf: status.reason.utf8)
        output.append(contentsOf: "\r\nDate: ".utf8)
        output.append(contentsOf: date)
        // RFC 9110 §8.6: no Content-Length in 1xx and 204; a 304 would describe the unsent body.
        if status.code >= 200 && status.code != 204 && status.code != 304 {
            output.append(contentsOf: "\r\nContent-Length: ".utf8)
            JSONWriter.appendDecimal(Int64(body.count), to: &output)
        }
        if !keepAlive {
            output.append(contentsOf: "\r\nConnection: close".utf8)
        } else if version == .http10 {
            output.append(contentsOf: "\r\nConnection: keep-alive".utf8)
        }
        for header in headers {
            output.append(contentsOf: "\r\n".utf8)
            output.append(contentsOf: header.name.utf8)
            output.append(contentsOf: ": ".utf8)
            output.append(contentsOf: header.value.utf8)
        }
        output.append(contentsOf: preformattedHeaders)
        output.append(contentsOf: "\r\n\r\n".utf8)
        // HEAD gets the GET headers, Content-Length included, without the body (RFC 9110 §9.3.2).
        if !omitBody && status.code != 204 && status.code != 304 { output.append(contentsOf: body) }
    }
}
