import Dispatch

/// Kisi's limit: at most N requests in any one-second window per user (per client address for
/// requests without a valid key). Requests over the limit are refused and do not count.
actor RateLimiter {
    /// 0 turns limiting off.
    let requestsPerSecond: Int
    private var admitted: [String: [UInt64]] = [:]

    init(requestsPerSecond: Int) {
        self.requestsPerSecond = requestsPerSecond
    }

    func admit(_ bucket: String) -> Bool {
        guard requestsPerSecond > 0 else { return true }
        let now = DispatchTime.now().uptimeNanoseconds
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
