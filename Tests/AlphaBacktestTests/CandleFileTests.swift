import AlphaCore
import Testing
@testable import AlphaBacktest

@Suite("Backtest data: candles from CSV, refused with the line number, gaps reported")
struct CandleFileTests {
    static let minute = Timeframe.oneMinute
    static let header = "time,open,high,low,close,volume\n"

    func failure(_ text: String) -> String {
        do {
            _ = try CandleFile.parse(text, timeframe: Self.minute)
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test("ISO-8601 UTC and epoch milliseconds both read, CRLF too; gaps counted and the longest named, never filled in")
    func readsAndReportsGaps() throws {
        let text = Self.header + """
            2026-01-01T00:00:00Z,100,110,90,105,1\r
            1767225660000,105,106,104,105.5,2.5\r
            2026-01-01T00:05:00.000Z,105,105,105,105,0
            2026-01-01T00:06:00Z,105,107,101,102,3
            2026-01-01T01:00:00Z,102,103,101,103,3

            """
        let file = try CandleFile.parse(text, timeframe: Self.minute)
        #expect(file.candles.map(\.openTime) == [1_767_225_600_000, 1_767_225_660_000, 1_767_225_900_000, 1_767_225_960_000, 1_767_229_200_000])
        #expect(file.candles[1].close == Amount("105.5")! && file.candles[1].closeTime == 1_767_225_719_999)
        #expect(file.gaps == 2 && file.longestGap?.missingCandles == 53 && file.longestGap?.after == 1_767_225_960_000)
    }

    @Test("what cannot be right is refused with its line: header, numbers, high/low, repeats, order, misaligned times")
    func refusals() {
        #expect(failure("time,open,high,low,close\n1,1,1,1,1\n").hasPrefix("line 1: the header must be time,open,high,low,close,volume"))
        #expect(failure(Self.header + "2026-01-01T00:00:00Z,abc,1,1,1,1\n") == "line 2: open 'abc' is not a positive decimal")
        #expect(failure(Self.header + "2026-01-01T00:00:00Z,1,1,1,1,-1\n") == "line 2: volume '-1' is not a decimal ≥ 0")
        #expect(failure(Self.header + "2026-01-01T00:00:00Z,100,99,90,95,1\n").hasPrefix("line 2: high 99 and low 90 must hold open 100"))
        #expect(failure(Self.header + "2026-01-01T00:00:00Z,1,1,1,1,1\n2026-01-01T00:01:00Z,1,1,1,1\n").hasPrefix("line 3: 5 fields"))
        let repeated = Self.header + "2026-01-01T00:00:00Z,1,1,1,1,1\n2026-01-01T00:01:00Z,1,1,1,1,1\n1767225660000,1,1,1,1,1\n"
        #expect(failure(repeated) == "line 4: time 2026-01-01T00:01:00.000Z repeats line 3")
        let unsorted = Self.header + "2026-01-01T00:02:00Z,1,1,1,1,1\n2026-01-01T00:01:00Z,1,1,1,1,1\n"
        #expect(failure(unsorted).hasPrefix("line 3: time 2026-01-01T00:01:00.000Z comes before line 2's"))
        #expect(failure(Self.header + "2026-01-01T00:00:30Z,1,1,1,1,1\n").hasPrefix("line 2: time 2026-01-01T00:00:30.000Z is not the start of a 1m candle"))
        #expect(failure(Self.header + "yesterday,1,1,1,1,1\n").hasPrefix("line 2: time 'yesterday'"))
        #expect(failure(Self.header) == "line 2: no candles after the header")
        #expect(failure("") == "line 1: the file is empty; the header is time,open,high,low,close,volume")
        #expect(failure(Self.header + "2026-01-01T00:00:00Z,1,1,1,1,1\n \n2026-01-01T00:01:00Z,1,1,1,1,1\n") == "line 3: the line is empty")
        #expect(failure(Self.header + "2026-01-01T00:00:00Z,1,1,1,1,1,7\n") == "line 2: 7 fields; a row has 6: time,open,high,low,close,volume")
        #expect(failure(Self.header + "2026-01-01T00:00:00Z,1,1,1,1,1\n \t\r\n\n") == "no error", "blank lines at the end are allowed")
    }
}
