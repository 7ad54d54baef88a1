import AlphaCore
import Foundation
import Testing
@testable import AlphaSettings

@Suite("Simulator settings file")
struct SimSettingsFileTests {
    @Test("every setting is read, decimals exactly")
    func parses() throws {
        let settings = try SimSettingsFile.parse("""
            api_key: "k"
            api_secret: "s"
            control_token: "t"
            balance: "2500.75"
            liquidity: "0.5"
            seed: 7
            speed: 60
            volatility: 0.5
            prices: { BTCUSDT: "64000.1", ETHUSDT: 3000 }
            """, source: "sim.yaml")
        #expect(settings.apiKey == "k" && settings.apiSecret == "s" && settings.controlToken == "t")
        #expect(settings.balance == Amount("2500.75")! && settings.liquidity == Amount("0.5")!)
        #expect(settings.seed == 7 && settings.speed == 60 && settings.volatility == 0.5)
        #expect(settings.prices == ["BTCUSDT": Amount("64000.1")!, "ETHUSDT": Amount("3000")!])
    }

    @Test("mistakes are named: misspelt key, unquoted decimal, half a key pair, bad YAML (position only)", arguments: [
        ("balanse: \"1\"", "unknown key balanse"),
        ("balance: 0.1", "in quotes"),
        ("api_key: \"k\"", "both api_key and api_secret"),
        ("prices: { BTCUSDT: \"-1\" }", "prices.BTCUSDT"),
        ("api_secret: \"s3cr3t\n  : [", "line"),
    ])
    func refusals(text: String, expected: String) {
        do {
            _ = try SimSettingsFile.parse(text, source: "sim.yaml")
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(!error.description.contains("s3cr3t"))
        }
    }

    @Test("a file others can read is refused with the chmod to run")
    func permissions() throws {
        let path = NSTemporaryDirectory() + "sim-\(UUID().uuidString).yaml"
        try "seed: 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        chmod(path, 0o644)
        #expect(throws: SimSettingsFile.Failure.self) { try SimSettingsFile.load(path: path) }
        chmod(path, 0o600)
        #expect(try SimSettingsFile.load(path: path).seed == 1)
    }
}
