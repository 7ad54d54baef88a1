import Testing
@testable import AlphaCore

@Suite struct ClientOrderIDTests {
    @Test func derivedFromCommandIDFitsBinance() throws {
        for _ in 0..<100 {
            let commandID = Identifier.random()
            let id = try ClientOrderID(commandID: commandID)
            #expect(id.value == "ae-" + commandID)
            #expect(id.value.count == 35)
            #expect(id.isOurs)
            #expect(try ClientOrderID(commandID: commandID) == id, "same command, same id")
        }
    }

    @Test func commandCarriesItsClientOrderID() throws {
        let command = Command(type: .placeOrder, actor: Actor(kind: .user, id: "web:admin"), scope: Scope(on: .binanceUSDM, mode: .sim))
        #expect(try command.clientOrderID.value == "ae-" + command.id)
    }

    @Test func lengthLimitIsThirtySix() throws {
        let max = String(repeating: "a", count: 36)
        #expect(try ClientOrderID(validating: max).value == max)
        #expect(throws: ClientOrderID.Invalid.tooLong(length: 37)) { try ClientOrderID(validating: max + "a") }
        #expect(throws: ClientOrderID.Invalid.empty) { try ClientOrderID(validating: "") }
        // A dashed UUID after the prefix is 39 characters: exactly why command ids have no dashes.
        #expect(throws: ClientOrderID.Invalid.tooLong(length: 39)) {
            try ClientOrderID(commandID: "123e4567-e89b-12d3-a456-426614174000")
        }
    }

    @Test func allowedCharacterSet() throws {
        _ = try ClientOrderID(validating: "Az09.:/_-")
        for bad in ["a b", "a+b", "a#", "é", "a\n", "a=b", "a@b"] {
            #expect(throws: ClientOrderID.Invalid.self) { try ClientOrderID(validating: bad) }
        }
        #expect(throws: ClientOrderID.Invalid.forbiddenCharacter("+")) { try ClientOrderID(validating: "ok+no") }
        #expect(!(try ClientOrderID(validating: "web_123").isOurs))
    }

    @Test func identifiersAreThirtyTwoHex() {
        let ids = (0..<1000).map { _ in Identifier.random() }
        #expect(ids.allSatisfy(Identifier.isValid))
        #expect(Set(ids).count == ids.count)
        #expect(!Identifier.isValid("ABCDEF0123456789abcdef0123456789"))
        #expect(!Identifier.isValid("abc"))
    }
}
