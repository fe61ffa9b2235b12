import Foundation

/// The sandbox's state: every request reads and writes it through this actor, so the
/// organization is always consistent, and every write is on disk before it is answered.
///
/// Persistence writes a temporary file and renames it over the state file, so a crash (even
/// SIGKILL) leaves either the old or the new state, never half of one. Writes that arrive while
/// one is being saved are saved together (group commit), which keeps throughput up on large
/// organizations without answering any write before it is durable.
public actor SandboxStore {
    public private(set) var state: SandboxState
    private let stateFile: String?
    private let clock: @Sendable () -> Date

    private var version = 0
    private var persistedVersion = 0
    private var saving = false
    private var waiters: [(version: Int, continuation: CheckedContinuation<Void, any Error>)] = []

    public init(state: SandboxState, stateFile: String?, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.state = state
        self.stateFile = stateFile
        self.clock = clock
    }

    /// The current time as Kisi writes timestamps.
    public func now() -> String { Timestamps.string(clock()) }

    public func read<T: Sendable>(_ body: (SandboxState) throws -> T) rethrows -> T {
        try body(state)
    }

    /// Applies a change and returns once it is saved (immediately without a state file).
    ///
    /// The body changes the state in place (a copy per write would cost the whole state on large
    /// sandboxes), so it must check everything before it changes anything: a body that throws
    /// must leave the state as it found it.
    public func write<T: Sendable>(_ body: (inout SandboxState, String) throws -> T) async throws -> T {
        let result = try body(&state, now())
        version += 1
        try await saved(version)
        return result
    }

    /// Writes the current state now (used once at start, so a seeded sandbox has its file).
    public func saveNow() throws {
        guard let stateFile else { return }
        try Self.save(state, to: stateFile)
        persistedVersion = version
    }

    private func saved(_ target: Int) async throws {
        guard stateFile != nil, persistedVersion < target else { return }
        try await withCheckedThrowingContinuation { continuation in
            waiters.append((target, continuation))
            startSaving()
        }
    }

    private func startSaving() {
        guard !saving, let stateFile else { return }
        saving = true
        let snapshot = state, snapshotVersion = version
        Task.detached {
            let outcome = Result { try Self.save(snapshot, to: stateFile) }
            await self.finishedSaving(snapshotVersion, outcome)
        }
    }

    private func finishedSaving(_ savedVersion: Int, _ outcome: Result<Void, any Error>) {
        saving = false
        if case .success = outcome { persistedVersion = max(persistedVersion, savedVersion) }
        var pending: [(version: Int, continuation: CheckedContinuation<Void, any Error>)] = []
        for waiter in waiters {
            if waiter.version <= savedVersion {
                switch outcome {
                case .success: waiter.continuation.resume()
                case .failure(let error): waiter.continuation.resume(throwing: error)
                }
            } else {
                pending.append(waiter)
            }
        }
        waiters = pending
        if !waiters.isEmpty { startSaving() }
    }

    /// Atomic replace: write a temporary file beside the target, flush it, rename it over.
    static func save(_ state: SandboxState, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(state)
        let temporary = path + ".tmp-\(getpid())"
        // The state holds the sandbox's API keys: its owner's only.
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw SandboxError.cannotSave(path)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        try handle.synchronize()
        try handle.close()
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw SandboxError.cannotSave(path)
        }
    }

    /// Reads a state file written by ``save(_:to:)``.
    public static func load(from path: String) throws -> SandboxState {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            return try JSONDecoder().decode(SandboxState.self, from: data)
        } catch {
            throw SandboxError.invalidStateFile(path, "\(error)")
        }
    }
}

public enum SandboxError: Error, CustomStringConvertible, Equatable {
    case cannotSave(String)
    case invalidStateFile(String, String)
    case invalidSeed(String, String)
    case invalidFaults(String)

    public var description: String {
        switch self {
        case .cannotSave(let path): return "cannot write the sandbox state to \(path)"
        case .invalidStateFile(let path, let reason): return "\(path) is not a sandbox state file: \(reason)"
        case .invalidSeed(let path, let reason): return "\(path): \(reason)"
        case .invalidFaults(let reason): return "invalid --faults: \(reason)"
        }
    }
}

extension SandboxStore {
    /// Where a sandbox's starting state came from, for the startup message.
    public enum Origin: Sendable, Equatable {
        case stateFile(String)
        case seed(String)
        case empty
    }

    /// Opens a sandbox: the state file if it exists (a restart resumes where it stopped), else
    /// the seed, else an empty organization with one owner key. A new state is saved at once.
    public static func open(stateFile: String?, seedFile: String?) async throws -> (SandboxStore, Origin) {
        let state: SandboxState, origin: Origin
        if let stateFile, FileManager.default.fileExists(atPath: stateFile) {
            state = try load(from: stateFile)
            origin = .stateFile(stateFile)
        } else if let seedFile {
            state = try SandboxSeed.load(path: seedFile).state()
            origin = .seed(seedFile)
        } else {
            state = emptyOrganization()
            origin = .empty
        }
        let store = SandboxStore(state: state, stateFile: stateFile)
        try await store.saveNow()
        return (store, origin)
    }

    static func emptyOrganization() -> SandboxState {
        let time = Timestamps.string(Date())
        var state = SandboxState(
            organization: OrganizationRecord(
                id: 1, name: "Sandbox organization", domain: "sandbox",
                timeZone: "UTC", userID: nil, createdAt: time, updatedAt: time))
        let owner = UserRecord(
            id: state.nextID("user"), name: "Sandbox Owner", email: "owner@sandbox.example", notes: nil,
            accessEnabled: true, passwordFlowEnabled: false, confirmed: true, sendEmails: false,
            createdAt: time, updatedAt: time)
        state.users.append(owner)
        state.organization.userID = owner.id
        let key = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        state.apiKeys.append(APIKeyRecord(key: "sandbox-" + key, userID: owner.id, role: .owner))
        return state
    }

    /// The key an operator should use: the first owner's (or any) key.
    public var primaryKey: String? {
        (state.apiKeys.first { $0.role == .owner } ?? state.apiKeys.first)?.key
    }
}
