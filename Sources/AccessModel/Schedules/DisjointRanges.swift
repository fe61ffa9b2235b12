/// Sorted, disjoint, non-adjacent ranges: a set of times (minutes of a week, days, seconds)
/// as few ranges, for comparing and subtracting schedules.
public struct DisjointRanges<Bound: Comparable & Sendable & Hashable>: Hashable, Sendable {
    public private(set) var ranges: [Range<Bound>]

    public init(_ ranges: [Range<Bound>]) {
        var merged: [Range<Bound>] = []
        for range in ranges.filter({ !$0.isEmpty }).sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        self.ranges = merged
    }

    public func subtracting(_ other: DisjointRanges) -> DisjointRanges {
        var result: [Range<Bound>] = []
        for range in ranges {
            var start = range.lowerBound
            for cut in other.ranges where cut.upperBound > start && cut.lowerBound < range.upperBound {
                if cut.lowerBound > start { result.append(start..<cut.lowerBound) }
                start = max(start, cut.upperBound)
            }
            if start < range.upperBound { result.append(start..<range.upperBound) }
        }
        return DisjointRanges(result)
    }

    public func contains(_ value: Bound) -> Bool { ranges.contains { $0.contains(value) } }
}

extension DisjointRanges {
    public func intersecting(_ other: DisjointRanges) -> DisjointRanges {
        var result: [Range<Bound>] = []
        for range in ranges {
            for cut in other.ranges where cut.upperBound > range.lowerBound && cut.lowerBound < range.upperBound {
                result.append(Swift.max(range.lowerBound, cut.lowerBound)..<Swift.min(range.upperBound, cut.upperBound))
            }
        }
        return DisjointRanges(result)
    }
}
