import AccessModel
import JSONSupport

/// The columns of each entity, as DESIGN.md's member-data contract names them.
struct EntitySpec {
    let entity: MemberEntity
    let required: [String]
    let optional: [String]

    var columns: [String] { required + optional }

    static func of(_ entity: MemberEntity) -> EntitySpec {
        EntitySpec(entity: entity, required: entity.requiredFields, optional: entity.optionalFields)
    }

    /// Columns that look like a misspelling of one of ours: a silently ignored `ends_onn` would
    /// turn every membership open-ended, so those are errors. Other extra columns are ignored.
    func misspelledColumns(in present: [String]) -> [(column: String, suggestion: String)] {
        present.filter { !columns.contains($0) }.compactMap { column in
            // `company` for `company_id`, `Starts On` for `starts_on`: ours with its `_id` or its separators lost.
            let squeezed = Self.squeezed(column)
            let near = columns.first { $0 == column + "_id" || Self.squeezed($0) == squeezed || Self.squeezed($0) == squeezed + "id" }
            return (near ?? Suggestions.closest(to: column, in: columns)).map { (column, $0) }
        }
    }

    private static func squeezed(_ column: String) -> String {
        String(column.lowercased().filter { $0.isLetter || $0.isNumber })
    }
}

/// The columns of the member-data contract.
enum Column: String, CaseIterable {
    case id, name, email
    case companyID = "company_id"
    case customerID = "customer_id"
    case type, status
    case startsOn = "starts_on"
    case endsOn = "ends_on"
    case sessionsRemaining = "sessions_remaining"
    case blockedReason = "blocked_reason"
    case kind, session
    case startsAt = "starts_at"
    case endsAt = "ends_at"
    case resourceType = "resource_type"
    case resource, invitees
    case householdID = "household_id"
    case birthDate = "birth_date"
    case tags
    case blockedSince = "blocked_since"
    case membershipID = "membership_id"

    /// The column's position in ``allCases``, for position tables.
    var slot: Int {
        switch self {
        case .id: 0
        case .name: 1
        case .email: 2
        case .companyID: 3
        case .customerID: 4
        case .type: 5
        case .status: 6
        case .startsOn: 7
        case .endsOn: 8
        case .sessionsRemaining: 9
        case .blockedReason: 10
        case .kind: 11
        case .session: 12
        case .startsAt: 13
        case .endsAt: 14
        case .resourceType: 15
        case .resource: 16
        case .invitees: 17
        case .householdID: 18
        case .birthDate: 19
        case .tags: 20
        case .blockedSince: 21
        case .membershipID: 22
        }
    }
}

/// Where each column is in a CSV file's rows, found once from its header.
struct ColumnPositions {
    private var positions: [Int]

    init(header: [String]) {
        positions = Column.allCases.map { column in header.firstIndex(of: column.rawValue) ?? -1 }
    }

    /// Positions by column slot (-1: absent).
    init(slots: [Int]) {
        positions = slots
    }

    subscript(column: Column) -> Int { positions[column.slot] }
}

/// One record of an export, from a CSV row or a JSON object.
struct Row {
    enum Storage {
        case csv(fields: [String], columns: ColumnPositions)
        /// A JSON object's members, with where each column is among them.
        case json([(key: String, value: JSONValue)], columns: ColumnPositions)
        /// A record read through a mapping: kisictl's text for each column, by slot.
        case mapped([String?])
    }

    let storage: Storage
    let location: SourceLocation

    enum Value {
        case missing
        case text(String)
        case list([String])
        case invalid(String)
    }

    func value(_ column: Column) -> Value {
        switch storage {
        case .csv(let fields, let columns):
            let position = columns[column]
            guard position >= 0, position < fields.count else { return .missing }
            return fields[position].isEmpty ? .missing : .text(fields[position])
        case .mapped(let values):
            return values[column.slot].map { .text($0) } ?? .missing
        case .json(let members, let columns):
            let position = columns[column]
            guard position >= 0 else { return .missing }
            let value = members[position].value
            switch value {
            case .null: return .missing
            case .string(let text): return text.isEmpty ? .missing : .text(text)
            case .number(let text): return .text(text)
            case .array(let elements):
                var items: [String] = []
                for element in elements {
                    guard case .string(let text) = element else { return .invalid("an array holding \(element.kindDescription)") }
                    items.append(text)
                }
                return .list(items)
            case .bool, .object: return .invalid(value.kindDescription)
            }
        }
    }
}

/// Decodes rows into member records, collecting one diagnostic per bad value.
///
/// A row with any bad value yields no record; the run then fails on the errors, because a
/// half-read export must never be evaluated as if it were complete.
struct RowDecoder {
    static let maximumErrorsPerFile = 50

    private(set) var diagnostics: [Diagnostic] = []
    private var errorsInFile: [String: Int] = [:]
    private var rowFailed = false

    mutating func error(_ row: Row, _ column: Column?, _ message: String) {
        rowFailed = true
        let count = errorsInFile[row.location.file, default: 0] + 1
        errorsInFile[row.location.file] = count
        if count <= Self.maximumErrorsPerFile {
            diagnostics.append(.error(at: row.location, path: column?.rawValue, message))
        }
    }

    /// A summary line for files with more errors than were listed.
    mutating func finish() {
        for (file, count) in errorsInFile.sorted(by: { $0.key < $1.key }) where count > Self.maximumErrorsPerFile {
            diagnostics.append(.error(at: SourceLocation(file: file, line: 1), "… and \(count - Self.maximumErrorsPerFile) more errors in this file"))
        }
    }

    /// Takes over another decoder's findings (from other files).
    mutating func absorb(_ other: RowDecoder) {
        diagnostics += other.diagnostics
        errorsInFile.merge(other.errorsInFile, uniquingKeysWith: +)
    }

    mutating func append(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    private mutating func text(_ row: Row, _ column: Column, required: Bool) -> String? {
        switch row.value(column) {
        case .text(let text): return text
        case .missing:
            if required { error(row, column, "missing value") }
            return nil
        case .list(let items): return items.joined(separator: ";")
        case .invalid(let kind):
            error(row, column, "expected text, found \(kind)")
            return nil
        }
    }

    mutating func required(_ row: Row, _ column: Column) -> String? {
        text(row, column, required: true).map { $0.trimmingWhitespace() }.flatMap { value in
            if value.isEmpty {
                error(row, column, "missing value")
                return nil
            }
            return value
        }
    }

    mutating func optional(_ row: Row, _ column: Column) -> String? {
        text(row, column, required: false).map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Free text kept as written (names may legitimately be empty).
    mutating func raw(_ row: Row, _ column: Column) -> String {
        text(row, column, required: false) ?? ""
    }

    mutating func date(_ row: Row, _ column: Column, required: Bool = true) -> LocalDate? {
        guard let text = required ? self.required(row, column) : optional(row, column) else { return nil }
        guard let date = TimeParsing.localDate(text) else {
            error(row, column, "expected a date such as 2026-11-23, found \"\(text)\"")
            return nil
        }
        return date
    }

    mutating func moment(_ row: Row, _ column: Column) -> Moment? {
        guard let text = required(row, column) else { return nil }
        return moment(text, row, column)
    }

    /// A date (the start of that local day) or a time; nil when absent.
    mutating func optionalDateOrMoment(_ row: Row, _ column: Column) -> Moment? {
        guard let text = optional(row, column) else { return nil }
        if let date = TimeParsing.localDate(text) { return .local(LocalDateTime(date: date)) }
        return moment(text, row, column)
    }

    private mutating func moment(_ text: String, _ row: Row, _ column: Column) -> Moment? {
        guard let moment = TimeParsing.moment(text) else {
            error(row, column, "expected a time such as 2026-11-23T07:00 (site time) or 2026-11-23T07:00:00-05:00, found \"\(text)\"")
            return nil
        }
        return moment
    }

    /// Enumerations are read case-insensitively, with `-` or a space standing for `_` (`No-Show`).
    mutating func oneOf<T: RawRepresentable & CaseIterable>(_ type: T.Type, _ row: Row, _ column: Column) -> T? where T.RawValue == String {
        guard let text = required(row, column) else { return nil }
        if let value = T(rawValue: text) { return value }
        let normalized = String(text.lowercased().map { $0 == "-" || $0 == " " ? "_" : $0 })
        if let value = T(rawValue: normalized) { return value }
        let options = T.allCases.map(\.rawValue)
        error(row, column, "expected one of \(options.joined(separator: ", ")), found \"\(text)\"\(Suggestions.hint(for: text, in: options))")
        return nil
    }

    mutating func count(_ row: Row, _ column: Column) -> Int? {
        guard let text = optional(row, column) else { return nil }
        guard let value = Int(text), value >= 0 else {
            error(row, column, "expected a whole number of sessions (0 or more), found \"\(text)\"")
            return nil
        }
        return value
    }

    /// A `;`-separated cell, or a JSON array of strings.
    mutating func list(_ row: Row, _ column: Column) -> [String] {
        switch row.value(column) {
        case .missing: return []
        case .list(let items): return items.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        case .text(let text): return text.split(separator: ";").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        case .invalid(let kind):
            error(row, column, "expected a list, found \(kind)")
            return []
        }
    }

    // MARK: - Entities

    mutating func beginRow() { rowFailed = false }

    mutating func customer(_ row: Row) -> Customer? {
        beginRow()
        let id = required(row, .id)
        let name = raw(row, .name).trimmingWhitespace()
        let email = raw(row, .email)
        let company = optional(row, .companyID)
        let household = optional(row, .householdID)
        let birthDate = date(row, .birthDate, required: false)
        let tags = list(row, .tags)
        guard let id, !rowFailed else { return nil }
        return Customer(
            id: id, name: name, email: email, companyID: company, householdID: household, birthDate: birthDate, tags: tags,
            origin: row.location)
    }

    mutating func membership(_ row: Row) -> Membership? {
        beginRow()
        let id = required(row, .id)
        let customer = optional(row, .customerID)
        let company = optional(row, .companyID)
        let type = required(row, .type)
        let status = oneOf(Membership.Status.self, row, .status)
        let startsOn = date(row, .startsOn)
        let endsOn = date(row, .endsOn, required: false)
        let sessions = count(row, .sessionsRemaining)
        let household = optional(row, .householdID)
        let reason = optional(row, .blockedReason)
        let blockedSince = optionalDateOrMoment(row, .blockedSince)
        var holder: Membership.Holder?
        switch (customer, company, household) {
        case (let c?, nil, nil): holder = .customer(c)
        case (nil, let c?, nil): holder = .company(c)
        case (nil, nil, let h?): holder = .household(h)
        case (nil, nil, nil): error(row, .customerID, "a membership needs customer_id, company_id or household_id")
        default:
            error(
                row, company != nil ? .companyID : .householdID,
                "a membership belongs to one customer, company or household: fill only one of customer_id, company_id and household_id")
        }
        checkOrder(row, startsOn, endsOn)
        guard let id, let holder, let type, let status, let startsOn, !rowFailed else { return nil }
        return Membership(
            id: id, holder: holder, type: type, status: status, startsOn: startsOn, endsOn: endsOn,
            sessionsRemaining: sessions, blockedReason: reason, blockedSince: blockedSince, origin: row.location)
    }

    mutating func hold(_ row: Row) -> Hold? {
        beginRow()
        let id = required(row, .id)
        let membership = required(row, .membershipID)
        let startsOn = date(row, .startsOn)
        let endsOn = date(row, .endsOn)
        checkOrder(row, startsOn, endsOn)
        guard let id, let membership, let startsOn, let endsOn, !rowFailed else { return nil }
        return Hold(id: id, membershipID: membership, startsOn: startsOn, endsOn: endsOn, origin: row.location)
    }

    mutating func registration(_ row: Row) -> Registration? {
        beginRow()
        let id = required(row, .id)
        let customer = required(row, .customerID)
        let kind = oneOf(Registration.Kind.self, row, .kind)
        let session = required(row, .session)
        let startsAt = moment(row, .startsAt)
        let endsAt = moment(row, .endsAt)
        let status = oneOf(Registration.Status.self, row, .status)
        checkOrder(row, startsAt, endsAt)
        guard let id, let customer, let kind, let session, let startsAt, let endsAt, let status, !rowFailed else { return nil }
        return Registration(
            id: id, customerID: customer, kind: kind, session: session, startsAt: startsAt, endsAt: endsAt,
            status: status, origin: row.location)
    }

    mutating func booking(_ row: Row) -> Booking? {
        beginRow()
        let id = required(row, .id)
        let customer = required(row, .customerID)
        let type = oneOf(Booking.ResourceType.self, row, .resourceType)
        let resource = required(row, .resource)
        let startsAt = moment(row, .startsAt)
        let endsAt = moment(row, .endsAt)
        let status = oneOf(Booking.Status.self, row, .status)
        let invitees = list(row, .invitees)
        checkOrder(row, startsAt, endsAt)
        guard let id, let customer, let type, let resource, let startsAt, let endsAt, let status, !rowFailed else { return nil }
        return Booking(
            id: id, customerID: customer, resourceType: type, resource: resource, startsAt: startsAt, endsAt: endsAt,
            status: status, invitees: invitees, origin: row.location)
    }

    /// A last day may be the first, never before it.
    private mutating func checkOrder(_ row: Row, _ startsOn: LocalDate?, _ endsOn: LocalDate?) {
        if let startsOn, let endsOn, endsOn < startsOn {
            error(row, .endsOn, "ends_on \(endsOn) is before starts_on \(startsOn)")
        }
    }

    /// Ends must follow starts; comparable only when both are written the same way.
    private mutating func checkOrder(_ row: Row, _ start: Moment?, _ end: Moment?) {
        switch (start, end) {
        case (.instant(let s)?, .instant(let e)?) where e <= s:
            error(row, .endsAt, "ends_at is not after starts_at")
        case (.local(let s)?, .local(let e)?) where e <= s:
            error(row, .endsAt, "ends_at is not after starts_at")
        default:
            break
        }
    }
}
