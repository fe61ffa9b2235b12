import JSONSupport

/// Requests counted by endpoint and by status, for tests and benchmarks
/// (`GET /__sandbox/stats`; `DELETE /__sandbox/stats` starts again).
public actor RequestStats {
    private var byEndpoint: [String: Int] = [:]
    private var byStatus: [Int: Int] = [:]
    private var dropped: [String: Int] = [:]
    private var pageFaults: [String: Int] = [:]

    func record(_ endpoint: String, status: Int) {
        byEndpoint[endpoint, default: 0] += 1
        byStatus[status, default: 0] += 1
    }

    /// A connection closed by fault injection, before or after the request was applied.
    func recordDrop(_ endpoint: String, applied: Bool) {
        dropped["\(endpoint) (\(applied ? "after" : "before") applying)", default: 0] += 1
    }

    /// A list page served short or shifted by fault injection.
    func recordPageFault(_ fault: FaultPlan.PageFault) {
        pageFaults["\(fault)", default: 0] += 1
    }

    public func reset() {
        byEndpoint = [:]
        byStatus = [:]
        dropped = [:]
        pageFaults = [:]
    }

    public var total: Int { byEndpoint.values.reduce(0, +) + dropped.values.reduce(0, +) }

    public func count(_ endpoint: String) -> Int { byEndpoint[endpoint] ?? 0 }

    public func count(status: Int) -> Int { byStatus[status] ?? 0 }

    public var json: JSONValue {
        .object([
            ("total", .int(total)),
            ("requests", .object(byEndpoint.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("statuses", .object(byStatus.sorted { $0.key < $1.key }.map { (String($0.key), .int($0.value)) })),
            ("dropped", .object(dropped.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("page_faults", .object(pageFaults.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
        ])
    }
}
