/// Where something was written: a config key or a member-data row.
public struct SourceLocation: Hashable, Comparable, Sendable {
    public var file: String
    // Stored narrow: every member record carries its location, millions of them on large sites.
    private var storedLine: Int32
    private var storedColumn: Int32

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = Int32(clamping: newValue) }
    }

    /// Nil for whole rows of member data.
    public var column: Int? {
        get { storedColumn < 0 ? nil : Int(storedColumn) }
        set { storedColumn = newValue.map { Int32(clamping: $0) } ?? -1 }
    }

    public init(file: String, line: Int, column: Int? = nil) {
        self.file = file
        storedLine = Int32(clamping: line)
        storedColumn = column.map { Int32(clamping: $0) } ?? -1
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column ?? 0) < (rhs.file, rhs.line, rhs.column ?? 0)
    }
}

extension SourceLocation: CustomStringConvertible {
    /// `file:line:column`, the form editors and CI annotations jump to.
    public var description: String {
        column.map { "\(file):\(line):\($0)" } ?? "\(file):\(line)"
    }
}

/// A problem found in the config or the member data, phrased so the reader can act on it.
///
/// Loading collects every diagnostic of a run instead of stopping at the first, so one `validate`
/// shows everything that needs fixing.
public struct Diagnostic: Hashable, Sendable {
    public enum Severity: String, Hashable, Sendable {
        case error, warning
    }

    public var severity: Severity
    public var location: SourceLocation?
    /// The key path in the config (`groups.classes.grant[0].window.before`) or the data column.
    public var path: String?
    public var message: String

    /// The same diagnostic with words before its message (which source of several it is about).
    public func prefixed(_ words: String) -> Diagnostic {
        var copy = self
        copy.message = words + message
        return copy
    }
    /// For a record left out of the evaluation: what it was, for the guards and the reasons.
    public var skipped: SkippedRecord?

    public init(
        _ severity: Severity, at location: SourceLocation? = nil, path: String? = nil, _ message: String, skipped: SkippedRecord? = nil
    ) {
        self.severity = severity
        self.location = location
        self.path = path
        self.message = message
        self.skipped = skipped
    }

    public static func error(at location: SourceLocation? = nil, path: String? = nil, _ message: String) -> Diagnostic {
        Diagnostic(.error, at: location, path: path, message)
    }

    public static func warning(at location: SourceLocation? = nil, path: String? = nil, _ message: String) -> Diagnostic {
        Diagnostic(.warning, at: location, path: path, message)
    }

    /// A warning that a record was left out.
    public static func skipped(_ record: SkippedRecord, path: String, _ message: String) -> Diagnostic {
        Diagnostic(.warning, at: record.location, path: path, message, skipped: record)
    }
}

extension Diagnostic: CustomStringConvertible {
    /// `kisictl.yaml:12:7: error: groups.classes.window.before: expected …`
    public var description: String {
        var text = location.map { "\($0): " } ?? ""
        text += "\(severity.rawValue): "
        if let path { text += "\(path): " }
        return text + message
    }
}

extension Array where Element == Diagnostic {
    public var errors: [Diagnostic] { filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { filter { $0.severity == .warning } }
    public var hasErrors: Bool { contains { $0.severity == .error } }
    public var skippedRecords: [SkippedRecord] { compactMap(\.skipped) }

    /// Sorted by file and position, so reports are stable whatever order checks ran in.
    public func sortedByLocation() -> [Diagnostic] {
        enumerated().sorted { a, b in
            switch (a.element.location, b.element.location) {
            case (let l?, let r?) where l != r: return l < r
            case (nil, _?): return true
            case (_?, nil): return false
            default: return a.offset < b.offset
            }
        }.map(\.element)
    }
}

/// Thrown when loading cannot produce a usable result; carries every problem found.
public struct DiagnosticsError: Error, Sendable {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }
}
