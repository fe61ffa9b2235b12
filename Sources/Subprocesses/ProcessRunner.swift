import CProcessSpawn
import Foundation

/// The one way kisictl runs another program: a member-data command, git, its own binary in tests.
///
/// Foundation's `Process` was not enough: its child inherits the caller's signal mask (an apply
/// blocks SIGTERM/SIGINT/SIGHUP while it handles them, so the child could not be stopped), it
/// reports an exit only when every descendant has closed the inherited pipes, and nothing kills
/// the grandchildren. Here the program runs in a process group of its own with a clean signal
/// mask and default signal actions; at the deadline the whole group gets SIGTERM, then SIGKILL
/// after a grace; every wait has an end; output beyond a cap stops the program.
///
/// swift-subprocess 1.0.2 does most of this too, but only through an async API, and every
/// caller here (loading a site, reading git) is synchronous and may run on the two-thread
/// cooperative pool, where blocking on an async task can starve it.
public enum ProcessRunner {
    /// What to run, and within which limits.
    public struct Invocation: Sendable {
        /// The program's path, or a bare name looked up in `PATH`.
        public var program: String
        public var arguments: [String]
        /// The working directory; nil keeps the caller's.
        public var directory: String?
        /// The complete environment the program sees.
        public var environment: [String: String]
        /// How long the program may run before its group is stopped; nil for no limit.
        public var timeout: Duration?
        /// How long the group has between SIGTERM and SIGKILL, and how long kisictl keeps reading
        /// pipes that a left-behind descendant still holds once the program has ended.
        public var grace: Duration
        /// At most this many bytes of stdout (and of stderr, each); beyond it the group is stopped.
        public var maxOutput: Int?

        public init(
            program: String, arguments: [String] = [], directory: String? = nil,
            environment: [String: String] = ProcessInfo.processInfo.environment,
            timeout: Duration? = nil, grace: Duration = .seconds(3), maxOutput: Int? = nil
        ) {
            self.program = program
            self.arguments = arguments
            self.directory = directory
            self.environment = environment
            self.timeout = timeout
            self.grace = grace
            self.maxOutput = maxOutput
        }

        /// The environment without the named variables (the Kisi key, above all).
        public static func environment(withholding names: some Sequence<String>) -> [String: String] {
            var environment = ProcessInfo.processInfo.environment
            for name in names { environment[name] = nil }
            return environment
        }
    }

    /// How the program ended.
    public enum Termination: Sendable, Hashable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        public var description: String {
            switch self {
            case .exited(let status): "exited with status \(status)"
            case .signalled(let signal): "was killed by signal \(signal) (\(Self.name(of: signal)))"
            }
        }

        static func name(of signal: Int32) -> String {
            switch signal {
            case SIGHUP: "SIGHUP"
            case SIGINT: "SIGINT"
            case SIGQUIT: "SIGQUIT"
            case SIGILL: "SIGILL"
            case SIGABRT: "SIGABRT"
            case SIGBUS: "SIGBUS"
            case SIGFPE: "SIGFPE"
            case SIGKILL: "SIGKILL"
            case SIGSEGV: "SIGSEGV"
            case SIGPIPE: "SIGPIPE"
            case SIGALRM: "SIGALRM"
            case SIGTERM: "SIGTERM"
            case SIGXCPU: "SIGXCPU"
            default: "signal \(signal)"
            }
        }
    }

    /// Why kisictl stopped the program before it ended on its own.
    public enum Stop: Sendable, Hashable {
        case timedOut
        case outputTooLarge
    }

    /// What a program printed, how it ended, and whether kisictl had to stop it.
    public struct Completion: Sendable {
        public var termination: Termination
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        /// Set when kisictl stopped the program (its termination then shows the signal).
        public var stop: Stop?

        /// Exited with status 0 and was not stopped.
        public var succeeded: Bool { termination == .exited(0) && stop == nil }
    }

    /// Why a program could not be started.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case emptyCommand
        case notFound(String)
        case notExecutable(String)
        case notFoundInPath(String)
        case cannotStart(String, String)

        public var description: String {
            switch self {
            case .emptyCommand: "the command is empty"
            case .notFound(let path): "program not found: \(path)"
            case .notExecutable(let path): "\(path) is not executable (chmod +x it)"
            case .notFoundInPath(let name): "program \"\(name)\" not found in PATH"
            case .cannotStart(let path, let reason): "cannot start \(path): \(reason)"
            }
        }
    }

    /// Stops every program group this process started and has not yet collected: for a
    /// kisictl about to exit on a signal, so that no export keeps running behind it.
    public static func terminateAll() {
        for group in Running.shared.groups { kill(-group, SIGTERM) }
    }

    /// The process groups started and not yet collected.
    final class Running: @unchecked Sendable {
        static let shared = Running()
        private let lock = NSLock()
        private var members = Set<pid_t>()

        var groups: [pid_t] { lock.withLock { Array(members) } }
        func insert(_ group: pid_t) { _ = lock.withLock { members.insert(group) } }
        func remove(_ group: pid_t) { _ = lock.withLock { members.remove(group) } }
    }

    /// Runs the program to its end (or its stop), reading stdout and stderr as it goes.
    public static func run(_ invocation: Invocation) throws(Failure) -> Completion {
        try start(invocation).finish()
    }

    /// Starts the program; `finish()` collects it.
    public static func start(_ invocation: Invocation) throws(Failure) -> RunningProgram {
        let path = try resolve(invocation.program, in: invocation.directory, environment: invocation.environment)
        var output: [Int32] = [-1, -1]
        var errors: [Int32] = [-1, -1]
        var rc = kisictl_pipe_cloexec(&output)
        if rc == 0 { rc = kisictl_pipe_cloexec(&errors) }
        guard rc == 0 else {
            for fd in output + errors where fd >= 0 { close(fd) }
            throw .cannotStart(path, String(cString: strerror(rc)))
        }
        let argv = [path] + invocation.arguments
        let envp = invocation.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        rc = withCStrings(argv) { argv in
            withCStrings(envp) { envp in
                kisictl_spawn(&pid, path, argv, envp, invocation.directory, output[1], errors[1])
            }
        }
        close(output[1])
        close(errors[1])
        guard rc == 0 else {
            close(output[0])
            close(errors[0])
            throw .cannotStart(path, String(cString: strerror(rc)))
        }
        Running.shared.insert(pid)
        return RunningProgram(pid: pid, stdout: output[0], stderr: errors[0], invocation: invocation)
    }

    /// A path with a `/` is taken relative to the working directory; a bare name is looked up in PATH.
    static func resolve(_ program: String, in directory: String?, environment: [String: String]) throws(Failure) -> String {
        guard !program.isEmpty else { throw .emptyCommand }
        if program.contains("/") {
            let path = program.hasPrefix("/") || directory == nil ? program : join(directory!, program)
            guard isExecutableFile(path) else {
                throw access(path, F_OK) == 0 ? .notExecutable(path) : .notFound(path)
            }
            // The program starts after the change of directory, so a relative path would miss.
            return path.hasPrefix("/") ? path : join(FileManager.default.currentDirectoryPath, path)
        }
        let searchPath = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in searchPath.split(separator: ":") {
            let candidate = join(String(folder), program)
            if isExecutableFile(candidate) { return candidate }
        }
        throw .notFoundInPath(program)
    }

    /// A regular file with an execute bit (`access(X_OK)` says yes to any file for root).
    private static func isExecutableFile(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG && status.st_mode & 0o111 != 0 && access(path, X_OK) == 0
    }

    private static func join(_ folder: String, _ name: String) -> String {
        if folder == "." || folder.isEmpty { return name }
        if name.hasPrefix("./") { return join(folder, String(name.dropFirst(2))) }
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

/// A started program: signal it, or collect it.
public final class RunningProgram: @unchecked Sendable {
    /// Its pid, which is also its process group's id.
    public let pid: pid_t
    private let stdout: Int32
    private let stderr: Int32
    private let invocation: ProcessRunner.Invocation
    private let started = ContinuousClock.now

    init(pid: pid_t, stdout: Int32, stderr: Int32, invocation: ProcessRunner.Invocation) {
        self.pid = pid
        self.stdout = stdout
        self.stderr = stderr
        self.invocation = invocation
    }

    /// Sends a signal to the program alone (not its group), as a user's `kill` would.
    public func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Reads both pipes until the program has ended and the pipes are closed, stopping the
    /// group at the timeout or when output exceeds its cap. Returns within timeout + 2 × grace
    /// (plus one poll interval) whatever the program and its descendants do.
    public func finish() -> ProcessRunner.Completion {
        var buffers: [Int32: [UInt8]] = [stdout: [], stderr: []]
        var open: Set<Int32> = [stdout, stderr]
        var termination: ProcessRunner.Termination?
        var stop: ProcessRunner.Stop?
        var killAt: ContinuousClock.Instant?
        var drainUntil: ContinuousClock.Instant?
        let clock = ContinuousClock()
        let deadline = invocation.timeout.map { started + $0 }
        var chunk = [UInt8](repeating: 0, count: 65536)

        func stopGroup(_ reason: ProcessRunner.Stop) {
            guard killAt == nil else { return }
            if stop == nil { stop = reason }
            kill(-pid, SIGTERM)
            killAt = clock.now + invocation.grace
        }

        while termination == nil || !open.isEmpty {
            let now = clock.now
            if termination == nil, let deadline, now >= deadline { stopGroup(.timedOut) }
            if let killAt, now >= killAt {
                kill(-pid, SIGKILL)
            }
            if termination == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    termination = Self.termination(of: status)
                    // Whatever the program left in its group must not outlive it, nor hold the pipes.
                    kill(-pid, SIGTERM)
                    drainUntil = now + invocation.grace
                    if killAt == nil { killAt = now + invocation.grace }
                }
            }
            if let drainUntil, now >= drainUntil {
                kill(-pid, SIGKILL)
                break
            }
            var polls = open.sorted().map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&polls, nfds_t(polls.count), 50)
            guard ready > 0 else { continue }
            for entry in polls where entry.revents != 0 {
                let count = read(entry.fd, &chunk, chunk.count)
                if count > 0 {
                    buffers[entry.fd]!.append(contentsOf: chunk[0..<count])
                    if let cap = invocation.maxOutput, buffers[entry.fd]!.count > cap {
                        buffers[entry.fd]!.removeLast(buffers[entry.fd]!.count - cap)
                        stopGroup(.outputTooLarge)
                        open.remove(entry.fd)
                    }
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    open.remove(entry.fd)
                }
            }
        }
        close(stdout)
        close(stderr)
        ProcessRunner.Running.shared.remove(pid)
        return ProcessRunner.Completion(
            termination: termination ?? .signalled(SIGKILL), stdout: buffers[stdout]!, stderr: buffers[stderr]!, stop: stop)
    }

    private static func termination(of status: Int32) -> ProcessRunner.Termination {
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }
}
