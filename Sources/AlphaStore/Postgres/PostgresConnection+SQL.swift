import CPostgres
import Foundation

/// PostgreSQL behind the stores' `SQLConnection`: their `?` placeholders become `$1`, `$2`…, each
/// statement is prepared once per connection, and values go and come back as text, so an amount
/// is the same decimal string in both engines.
extension PostgresConnection: SQLConnection {
    public var dialect: SQLDialect { .postgresql }

    public func execute(_ sql: String) throws(PostgresError) { _ = try execute(sql, []) }

    @discardableResult
    public func run(_ sql: String, _ values: [SQLValue]) throws -> Int {
        let result = try executePrepared(sql, values)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    public func forEachRow(_ sql: String, _ values: [SQLValue], _ body: (any SQLRow) throws -> Void) throws {
        let result = try executePrepared(sql, values)
        defer { PQclear(result) }
        for row in 0..<PQntuples(result) { try body(PostgresRow(result: result, row: row)) }
    }

    public func write<T>(_ body: () throws -> T) throws -> T { try transaction(body) }

    /// A read-only snapshot (REPEATABLE READ): every query inside sees the same commits.
    public func read<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction { return try body() }
        try execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        defer { if isInTransaction { _ = try? execute("COMMIT") } }
        return try body()
    }

    /// Prepares `sql` (once) and runs it with `values`; the caller clears the result.
    private func executePrepared(_ sql: String, _ values: [SQLValue]) throws(PostgresError) -> OpaquePointer {
        if !isInTransaction { try reconnectIfLost() }
        let statement: (name: String, parameters: Int32)
        if let known = prepared[sql] {
            statement = known
        } else {
            let (text, parameters) = Self.numberingPlaceholders(sql)
            let name = "ae_\(prepared.count + 1)"
            guard let result = PQprepare(connection, name, text, 0, nil) else {
                throw PostgresError(message: Self.message(connection), sqlState: nil, connectionLost: isLost)
            }
            defer { PQclear(result) }
            try Self.check(result, on: self)
            statement = (name, parameters)
            prepared[sql] = statement
        }
        guard values.count == Int(statement.parameters) else {
            throw PostgresError(message: "\(values.count) values for \(statement.parameters) parameters", sqlState: nil)
        }
        let owned: [UnsafeMutablePointer<CChar>?] = values.map { value in
            switch value {
            case .null: nil
            case .integer(let number): strdup(String(number))
            case .text(let text): strdup(text)
            }
        }
        defer { owned.forEach { free($0) } }
        let pointers = owned.map { UnsafePointer<CChar>($0) }
        let result = pointers.withUnsafeBufferPointer { buffer in
            PQexecPrepared(connection, statement.name, statement.parameters, buffer.baseAddress, nil, nil, 0)
        }
        guard let result else { throw PostgresError(message: Self.message(connection), sqlState: nil, connectionLost: isLost) }
        do {
            try Self.check(result, on: self)
        } catch {
            PQclear(result)
            throw error
        }
        return result
    }

    /// `?` → `$1`, `$2`… in order and `?N` → `$N`, outside quoted text; returns the SQL and the
    /// number of parameters.
    static func numberingPlaceholders(_ sql: String) -> (String, Int32) {
        var output = ""
        output.reserveCapacity(sql.utf8.count + 16)
        var next: Int32 = 0, highest: Int32 = 0
        var quoted = false
        var characters = sql.makeIterator()
        var pending: Character? = characters.next()
        while let character = pending {
            pending = characters.next()
            if character == "'" { quoted.toggle() }
            guard character == "?", !quoted else {
                output.append(character)
                continue
            }
            var digits = ""
            while let digit = pending, digit.isASCII, digit.isNumber {
                digits.append(digit)
                pending = characters.next()
            }
            let number: Int32
            if let explicit = Int32(digits) { number = explicit } else { next += 1; number = next }
            highest = max(highest, number)
            output += "$\(number)"
        }
        return (output, highest)
    }
}

/// One row of a PostgreSQL result in text format; valid while the result is.
struct PostgresRow: SQLRow {
    let result: OpaquePointer
    let row: Int32

    func isNull(_ column: Int32) -> Bool { PQgetisnull(result, row, column) == 1 }
    func int64(_ column: Int32) -> Int64 { isNull(column) ? 0 : withBytes(column) { Int64(String(decoding: $0, as: UTF8.self)) ?? 0 } }
    func text(_ column: Int32) -> String { isNull(column) ? "" : String(cString: PQgetvalue(result, row, column)) }

    func withBytes<T>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let count = Int(PQgetlength(result, row, column))
        return try PQgetvalue(result, row, column).withMemoryRebound(to: UInt8.self, capacity: count) {
            try body(UnsafeBufferPointer(start: $0, count: count))
        }
    }
}
