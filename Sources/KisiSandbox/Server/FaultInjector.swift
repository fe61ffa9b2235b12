import Foundation
import SeededRandom

/// Reproducible trouble for clients to survive: added latency, a share of 429/500/503 answers,
/// connections dropped before a request is applied or after it is applied (the answer is lost
/// but the write happened: the case that makes naive clients create duplicates), and list pages
/// that are short or shifted (as if rows were inserted or removed between two page reads).
///
/// The n-th request's fate is a function of the seed and n only, so the same sequence of
/// requests meets the same faults on every run.
public struct FaultPlan: Sendable, Equatable {
    public enum Fault: Sendable, Equatable {
        case status(Int)
        case dropBeforeApplying
        case dropAfterApplying
    }

    public var seed: UInt64 = 1
    /// Added to every request, in milliseconds: a fixed value or a range.
    public var latency: ClosedRange<Int>?
    /// Shares (0…1) of requests that meet each fault, checked in this order.
    public var shares: [(fault: Fault, share: Double)] = []
    /// How many consecutive requests a 429 fault lasts.
    public var burst = 1
    /// Shares (0…1) of list pages served short (half the rows asked for, the range header saying
    /// so) and shifted (read as if a row had been inserted or removed before the page since the
    /// previous read; only pages after the first).
    public var shortPages = 0.0
    public var shiftedPages = 0.0
    /// Milliseconds after which every `POST /groups` is applied, its connection reset at once:
    /// a create answered after the client's timeout, seen by a re-read only later.
    public var lateGroupCreates: Int?

    /// What a fault does to one page of a list.
    public enum PageFault: Sendable, Equatable {
        case short
        /// A row inserted before the page: the page starts one row earlier, the total is one more.
        case rowInserted
        /// A row removed before the page: the page starts one row later, the total is one less.
        case rowRemoved
    }

    public static func == (lhs: FaultPlan, rhs: FaultPlan) -> Bool {
        lhs.seed == rhs.seed && lhs.latency == rhs.latency && lhs.burst == rhs.burst && lhs.shortPages == rhs.shortPages
            && lhs.shiftedPages == rhs.shiftedPages && lhs.lateGroupCreates == rhs.lateGroupCreates
            && lhs.shares.map(\.fault) == rhs.shares.map(\.fault) && lhs.shares.map(\.share) == rhs.shares.map(\.share)
    }

    /// Parses `seed=42,latency=200ms,429=5%,500=2%,503=1%,drop-before=1%,drop-after=2%,burst=3,
    /// short-pages=20%,shift-pages=10%,late-group-creates=3s` (`latency=50ms-300ms` for a range). Every key is optional.
    public init(spec: String) throws {
        for item in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw SandboxError.invalidFaults("\"\(item)\" is not key=value") }
            let (key, value) = (parts[0], parts[1])
            switch key {
            case "seed":
                guard let seed = UInt64(value) else { throw SandboxError.invalidFaults("seed must be a whole number, found \"\(value)\"") }
                self.seed = seed
            case "latency":
                let bounds = value.split(separator: "-").map { Self.milliseconds(String($0)) }
                guard (1...2).contains(bounds.count), let low = bounds.first ?? nil, let high = bounds.last ?? nil, low <= high else {
                    throw SandboxError.invalidFaults("latency must look like 200ms or 50ms-300ms, found \"\(value)\"")
                }
                latency = low...high
            case "late-group-creates":
                guard let delay = Self.milliseconds(value), delay >= 0 else {
                    throw SandboxError.invalidFaults("late-group-creates must look like 3s or 500ms, found \"\(value)\"")
                }
                lateGroupCreates = delay
            case "burst":
                guard let length = Int(value), length >= 1 else { throw SandboxError.invalidFaults("burst must be 1 or more, found \"\(value)\"") }
                burst = length
            case "429", "500", "502", "503", "504", "drop-before", "drop-after":
                guard value.hasSuffix("%"), let percent = Double(value.dropLast()), (0...100).contains(percent) else {
                    throw SandboxError.invalidFaults("\(key) must be a share such as 5%, found \"\(value)\"")
                }
                let fault: Fault =
                    switch key {
                    case "drop-before": .dropBeforeApplying
                    case "drop-after": .dropAfterApplying
                    default: .status(Int(key)!)
                    }
                shares.append((fault, percent / 100))
            case "short-pages", "shift-pages":
                guard value.hasSuffix("%"), let percent = Double(value.dropLast()), (0...100).contains(percent) else {
                    throw SandboxError.invalidFaults("\(key) must be a share such as 5%, found \"\(value)\"")
                }
                if key == "short-pages" { shortPages = percent / 100 } else { shiftedPages = percent / 100 }
            default:
                throw SandboxError.invalidFaults(
                    "unknown key \"\(key)\" (known: seed, latency, 429, 500, 502, 503, 504, drop-before, drop-after, burst, short-pages, shift-pages, late-group-creates)"
                )
            }
        }
        guard shares.map(\.share).reduce(0, +) <= 1 else { throw SandboxError.invalidFaults("the shares add up to more than 100%") }
    }

    private static func milliseconds(_ text: String) -> Int? {
        if text.hasSuffix("ms") { return Int(text.dropLast(2)) }
        if text.hasSuffix("s") { return Int(text.dropLast()).map { $0 * 1000 } }
        return Int(text)
    }

    /// The fate of request number `n` (0-based): its latency, its fault and what happens to it
    /// if it reads a page of a list.
    func decide(_ n: UInt64) -> Fate {
        var random = SplitMix64(seed: seed ^ (n &* 0x9E37_79B9_7F4A_7C15))
        let roll = random.unit()
        let delay = latency.map { range in range.lowerBound + Int(random.unit() * Double(range.upperBound - range.lowerBound + 1)) } ?? 0
        let pageRoll = random.unit(), direction = random.unit()
        var page: PageFault?
        if pageRoll < shortPages {
            page = .short
        } else if pageRoll < shortPages + shiftedPages {
            page = direction < 0.5 ? .rowInserted : .rowRemoved
        }
        var threshold = 0.0
        for (fault, share) in shares {
            threshold += share
            if roll < threshold { return Fate(latency: delay, fault: fault, page: page) }
        }
        return Fate(latency: delay, fault: nil, page: page)
    }

    public struct Fate: Sendable, Equatable {
        public var latency: Int
        public var fault: Fault?
        public var page: PageFault?
    }
}

/// Numbers requests as they arrive and applies the plan, including 429 bursts.
actor FaultInjector {
    let plan: FaultPlan
    private var next: UInt64 = 0
    private var burstLeft = 0

    init(plan: FaultPlan) {
        self.plan = plan
    }

    func nextFate() -> FaultPlan.Fate {
        var fate = plan.decide(next)
        next += 1
        if burstLeft > 0 {
            burstLeft -= 1
            fate.fault = .status(429)
        } else if fate.fault == .status(429) {
            burstLeft = plan.burst - 1
        }
        return fate
    }
}
