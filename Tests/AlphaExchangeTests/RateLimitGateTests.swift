import AlphaExchange
import Testing

@Suite("Rate-limit gate: weight levels, 429 and 418")
struct RateLimitGateTests {
    @Test("levels follow the seed's thresholds, reported once per change; stop closes the gate until the exchange's next minute")
    func levels() {
        let gate = RateLimitGate()
        #expect(gate.observe(usedWeight: 10, serverTimeMilliseconds: 0, now: 1_000) == nil)
        #expect(gate.observe(usedWeight: 1500, serverTimeMilliseconds: 0, now: 1_000) == .warn)
        #expect(gate.observe(usedWeight: 1600, serverTimeMilliseconds: 0, now: 1_000) == nil)
        #expect(gate.observe(usedWeight: 2000, serverTimeMilliseconds: 0, now: 1_000) == .slow)
        #expect(gate.closure(now: 1_000) == nil)
        // 45 s into the exchange's minute: nothing more until it resets, 15 s from now.
        #expect(gate.observe(usedWeight: 2300, serverTimeMilliseconds: 120_000 + 45_000, now: 1_000) == .stop)
        #expect(gate.closure(now: 1_000) == .rateLimited(untilMilliseconds: 16_000))
        #expect(gate.waitMilliseconds(now: 6_000) == 10_000)
        #expect(gate.closure(now: 16_000) == nil)
        #expect(gate.observe(usedWeight: 3, serverTimeMilliseconds: 180_001, now: 16_001) == .normal)
    }

    @Test("429 closes the gate for Retry-After; 418 is a ban; a longer closure is never shortened")
    func closures() {
        let gate = RateLimitGate(thresholds: .init(warn: 10, slow: 20, stop: 30))
        gate.close(forSeconds: 3, banned: false, now: 0)
        #expect(gate.closure(now: 2_999) == .rateLimited(untilMilliseconds: 3_000))
        gate.close(forSeconds: 1, banned: false, now: 1_000)
        #expect(gate.waitMilliseconds(now: 1_000) == 2_000)
        gate.close(forSeconds: 120, banned: true, now: 2_000)
        #expect(gate.closure(now: 2_000) == .banned(untilMilliseconds: 122_000))
        #expect(gate.closure(now: 122_000) == nil)
        // After the ban, a plain 429 is not reported as a ban.
        gate.close(forSeconds: 1, banned: false, now: 130_000)
        #expect(gate.closure(now: 130_000) == .rateLimited(untilMilliseconds: 131_000))
    }
}
