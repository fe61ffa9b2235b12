import Dispatch

/// Kisi's limit: at most N requests in any one-second window per user (per client address for
/// requests without a valid key). Requests over the limit are refused and do not count.
actor RateLimiter {
    /// 0 turns limiting off.
    let requestsPerSecond: Int
    /// Monotonic nanoseconds; tests pass a clock they move by hand.
    private let clock: @Sendable () -> UInt64
    private var admitted: [String: [UInt64]] = [:]

    init(requestsPerSecond: Int, clock: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }) {
        self.requestsPerSecond = requestsPerSecond
        self.clock = clock
    }

    func admit(_ bucket: String) -> Bool {
        guard requestsPerSecond > 0 else { return true }
        let now = clock()
        var times = admitted[bucket, default: []]
        if let firstRecent = times.firstIndex(where: { now &- $0 < 1_000_000_000 }) {
            times.removeFirst(firstRecent)
        } else {
            times.removeAll()
        }
        guard times.count < requestsPerSecond else {
            admitted[bucket] = times
            return false
        }
        times.append(now)
        admitted[bucket] = times
        return true
    }
}
