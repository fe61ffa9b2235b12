/// When a person may open a group's doors: written to Kisi as `valid_from`/`valid_until`.
public struct AccessWindow: Hashable, Sendable {
    public var from: Instant
    /// Nil means no end (an open-ended membership).
    public var until: Instant?

    public init(from: Instant, until: Instant?) {
        self.from = from
        self.until = until
    }

    public func contains(_ instant: Instant) -> Bool {
        from <= instant && (until.map { instant < $0 } ?? true)
    }
}
