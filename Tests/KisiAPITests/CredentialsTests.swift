import Foundation
import KisiAPI
import Testing

@Suite("Credentials stay out of what is shown")
struct CredentialsTests {
    @Test("an endpoint with a user, password or token query is shown without them")
    func endpointWithoutSecrets() throws {
        let url = try #require(URL(string: "https://deploy:s3cret@kisi.example.com:8443/api?token=abc#x"))
        let credentials = KisiCredentials(baseURL: url, apiKey: "the-key", keySource: "$KISI_API_KEY")
        #expect(credentials.endpoint == "https://kisi.example.com:8443/api")
        #expect(!"\(credentials)".contains("s3cret"))
        #expect(!"\(credentials)".contains("abc"))
        #expect(!"\(credentials)".contains("the-key"))
    }
}
