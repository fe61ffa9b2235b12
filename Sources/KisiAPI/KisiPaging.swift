import Foundation

/// Kisi's objects all carry an integer id, which is how rows read on different pages are told apart.
public protocol KisiIdentified {
    var id: Int { get }
}

/// Kisi's offset pagination as a client must read it: Kisi says in `X-Collection-Range` what it
/// served and how many rows there are, and the client believes that rather than the `limit` it
/// asked for.
public enum KisiPaging {
    /// Kisi refuses offsets above this on every list.
    public static let maximumOffset = 20_000

    /// `X-Collection-Range: start-end/total`, or `*/0` for an empty collection (Kisi's own client
    /// handles that form, although the OpenAPI document's pattern does not allow it).
    struct CollectionRange: Equatable {
        var total: Int

        init?(_ header: String) {
            let parts = header.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let total = Int(parts[1]), total >= 0 else { return nil }
            if parts[0] != "*" {
                let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false)
                guard bounds.count == 2, let start = Int(bounds[0]), let end = Int(bounds[1]), start >= 0, end >= start - 1 else { return nil }
            }
            self.total = total
        }
    }

    /// How far a listing got: its rows so far (each id once), the total Kisi last reported, and
    /// the pages read. A caller that needs only part of a list stops it early by this.
    public struct Progress<Row: Sendable>: Sendable {
        public var rows: [Row]
        public var total: Int
        public var pages: Int
    }

    /// A listing's rows, and whether they are the whole list (false when the caller stopped early).
    public struct Listed<Row: Sendable>: Sendable {
        public var rows: [Row]
        public var complete: Bool
        /// Pages read (requests for them, retries not counted).
        public var pages: Int
    }

    /// The state of one listing: where to ask next, given what each page said.
    ///
    /// - Rows are stepped over by the number received, not the number asked for: a server may
    ///   answer fewer (Kisi's range header says how many).
    /// - Rows are kept once per id: a row inserted before the read position moves the rest down,
    ///   and the next page repeats a row already read.
    /// - When the total shrinks, rows were removed before the read position and the rest moved
    ///   up: the reader steps back by as many, or it would skip the rows that moved into the page
    ///   already read.
    struct Cursor<Row: KisiIdentified & Sendable> {
        private(set) var offset = 0
        private(set) var rows: [Row] = []
        private(set) var total: Int?
        private(set) var pages = 0
        private var seen = Set<Int>()

        /// Bounds the requests of one listing, whatever a misbehaving server answers.
        var pageBudget: Int {
            guard let total else { return 1 }
            return 2 * (total / max(1, pageSize) + 1) + 8
        }

        let pageSize: Int

        init(pageSize: Int) { self.pageSize = pageSize }

        enum Next: Equatable {
            case read(offset: Int)
            case done
            /// An empty page before the end the total promises: the list cannot be read whole.
            case stalled
        }

        /// Takes in one page read at `offset`, and says what to do next.
        mutating func take(_ page: [Row], total reported: Int) -> Next {
            pages += 1
            if let previous = total, reported < previous {
                total = reported
                for row in page where seen.insert(row.id).inserted { rows.append(row) }
                offset = max(0, offset - (previous - reported))
                return .read(offset: offset)
            }
            total = reported
            for row in page where seen.insert(row.id).inserted { rows.append(row) }
            guard !page.isEmpty else { return offset >= reported ? .done : .stalled }
            offset += page.count
            return offset >= reported ? .done : .read(offset: offset)
        }
    }
}
