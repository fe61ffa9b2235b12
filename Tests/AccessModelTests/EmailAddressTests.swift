import AccessModel
import Testing

@Suite("E-mail addresses")
struct EmailAddressTests {
    @Test("valid addresses", arguments: ["a@example.com", " Alice.Archer@Example.COM ", "x+tag@mail.example.org", "o'brien@example.net"])
    func valid(address: String) {
        #expect(EmailAddress.isValid(address))
    }

    @Test(
        "invalid addresses",
        arguments: [
            "", "plain", "@example.com", "a@", "a@example", "a@@example.com", "a b@example.com",
            "a@example..com", ".a@example.com", "a;b@example.com", "a@-example.com",
        ])
    func invalid(address: String) {
        #expect(!EmailAddress.isValid(address))
    }

    @Test("normalisation trims and lower-cases")
    func normalised() {
        #expect(EmailAddress.normalized("  Alice@Example.COM\t") == "alice@example.com")
    }

    @Test("did-you-mean suggests close words only")
    func suggestions() {
        #expect(Suggestions.closest(to: "grnat", in: ["grant", "name"]) == "grant")
        #expect(Suggestions.closest(to: "timezone", in: ["time_zone"]) == "time_zone")
        #expect(Suggestions.closest(to: "colour", in: ["grant", "name"]) == nil)
    }
}
