import AccessModel
import Foundation
import MemberSources
import Testing

/// `sources:` — a platform's exports and a staff sheet, read as one.
@Suite("Member data: several sources")
struct SeveralSourcesTests {
    @Test("records keep their source in their ids, so ids of two sources never meet; links stay inside a source")
    func namespaced() throws {
        let platform = try DataFolder([
            "customers.csv": "id,name,email\n1,Ann Lee,ann@example.com\n2,Bob Ray,bob@example.com\n",
            "memberships.csv": "id,customer_id,type,status,starts_on\nm-1,1,Unlimited,active,2026-01-01\n",
        ])
        let staff = try DataFolder(["customers.csv": "id,name,email\n1,Carol Day,carol@example.com\n2,Ann Lee,ann@example.com\n"])
        let loaded = try MemberSource.load(
            .several([
                NamedSource(name: "platform", spec: .files(directory: platform.path)),
                NamedSource(name: "staff", spec: .files(directory: staff.path)),
            ]),
            relativeTo: "/")
        #expect(loaded.data.customers.map(\.id) == ["platform:1", "platform:2", "staff:1", "staff:2"])
        #expect(loaded.data.memberships.map(\.holder) == [.customer("platform:1")])
        #expect(loaded.data.customers.map { $0.origin.file.hasPrefix(platform.path) } == [true, true, false, false], "each record keeps its origin")
        #expect(loaded.origin.hasPrefix("sources platform (files in "))
    }

    @Test("a failing source stops the whole read, its errors named with the source")
    func failing() throws {
        let platform = try DataFolder(["customers.csv": "id,name,email\n1,Ann Lee,ann@example.com\n"])
        let staff = try DataFolder(["customers.csv": "id,name\n1,Carol Day\n"])
        do {
            _ = try MemberSource.load(
                .several([
                    NamedSource(name: "platform", spec: .files(directory: platform.path)),
                    NamedSource(name: "staff", spec: .files(directory: staff.path)),
                ]),
                relativeTo: "/")
            Issue.record("a source without e-mails loaded")
        } catch {
            #expect(
                error.diagnostics.map { staff.strip($0.description) }.contains(
                    "customers.csv:1: error: email: source staff: missing column \"email\""), "\(error.diagnostics.map(\.description))")
        }
    }
}
