import Foundation
import KisiSandbox
import Testing

@Suite("Sandbox state and seeds")
struct PersistenceTests {
    @Test("every answered write is in the state file, which reloads to the same state")
    func savesEveryWrite() async throws {
        let file = NSTemporaryDirectory() + "kisictl-state-\(UUID().uuidString).json"
        let (store, origin) = try await SandboxStore.open(stateFile: file, seedFile: SandboxHarness.studioSeed)
        #expect(origin == .seed(SandboxHarness.studioSeed))
        let api = SandboxAPI(store: store, rateLimit: 0)
        let key = await store.primaryKey!
        for n in 0..<25 {
            let reply = await api.handle(
                SandboxRequest(
                    method: "POST", path: "/users", authorization: "KISI-LOGIN \(key)",
                    body: Array(#"{"user":{"email":"saved\#(n)@example.com"}}"#.utf8)))
            #expect(reply.status == 200)
            let saved = try SandboxStore.load(from: file)
            #expect(saved.users.contains { $0.email == "saved\(n)@example.com" })
        }
        let (reopened, reopenedFrom) = try await SandboxStore.open(stateFile: file, seedFile: SandboxHarness.studioSeed)
        #expect(reopenedFrom == .stateFile(file))
        #expect(await reopened.state == store.state)
    }

    @Test("the example seeds load, with members, a manager, a staff group and a fed group", arguments: ["studio", "coworking", "gym"])
    func exampleSeeds(site: String) throws {
        let state = try SandboxSeed.load(path: repositoryRoot + "/examples/\(site)/sandbox.yaml").state()
        #expect(state.apiKeys.count == 1)
        #expect(state.roleAssignments.contains { $0.roleID == "group_manager" })
        #expect(state.roleAssignments.filter { $0.roleID == "group_basic" }.count > 20)
        #expect(state.integrations.count == 1)
        #expect(state.groups.contains { $0.id == state.integrations[0].groupID })
        #expect(state.locks.count >= 3)
    }

    @Test("seed mistakes name the place: unknown keys, unknown references, bad times")
    func seedErrors() throws {
        let cases = [
            ("organization: {name: X}\ngroups: [{name: G, plac: Main}]\n", "groups[0].plac: unknown key"),
            ("organization: {name: X}\ngroups: [{name: G, place: Nowhere}]\n", "place \"Nowhere\" is not among the seed's places"),
            (
                "organization: {name: X}\nplaces: [{name: Main, locks: [Door]}]\ngroups: [{name: G, place: Main, locks: [Window]}]\n",
                "lock \"Window\""
            ),
            ("organization: {name: X}\ngroups: [{name: G, members: [{email: a@example.com, valid_until: soon}]}]\n", "expected an RFC 3339 time"),
            ("organization: {name: X}\ngroups: [{name: G, members: [a@example.com, A@example.com]}]\n", "listed twice"),
            ("groups: []\n", "organization: missing"),
        ]
        for (yaml, expected) in cases {
            let seed = try TemporarySeed(yaml)
            do {
                _ = try SandboxSeed.load(path: seed.path).state()
                Issue.record("accepted: \(yaml)")
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
    }

    @Test("a state file that is not the sandbox's is refused with its path")
    func invalidStateFile() throws {
        let file = NSTemporaryDirectory() + "kisictl-state-\(UUID().uuidString).json"
        try "{\"groups\": 3}".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: SandboxError.self) { try SandboxStore.load(from: file) }
    }
}
