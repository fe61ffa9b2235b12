import JSONSupport

/// The attributes inside a request's envelope (`{"group": {…}}`), read the way Rails'
/// strong parameters read them: unknown attributes are ignored, wrong types are 422.
struct Attributes {
    let members: [(key: String, value: JSONValue)]
    private(set) var errors: [(field: String, message: String)] = []

    /// Parses the body and takes the envelope; a body that is not JSON, or lacks the envelope,
    /// is 400 as in Rails (`param is missing or the value is empty: group`).
    init(body: [UInt8], envelope: String) throws(APIError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw .badRequest("the request body is not valid JSON (line \(error.line): \(error.message))")
        }
        guard let inner = value[envelope], let members = inner.objectMembers else {
            throw .badRequest("param is missing or the value is empty: \(envelope)")
        }
        self.members = members
    }

    init(members: [(key: String, value: JSONValue)]) {
        self.members = members
    }

    func has(_ key: String) -> Bool { members.contains { $0.key == key } }

    subscript(key: String) -> JSONValue? { members.last { $0.key == key }?.value }

    mutating func fail(_ field: String, _ message: String) {
        errors.append((field, message))
    }

    /// Throws the collected 422, if any.
    func check() throws(APIError) {
        if !errors.isEmpty { throw APIError.invalid(errors) }
    }

    /// A string, or nil when absent; `nullable` lets JSON null clear it.
    mutating func string(_ key: String, required: Bool = false) -> String?? {
        guard let value = self[key] else {
            if required { fail(key, "can't be blank") }
            return nil
        }
        switch value {
        case .string(let text):
            if required, text.allSatisfy(\.isWhitespace) { fail(key, "can't be blank") }
            return .some(text)
        case .null:
            if required { fail(key, "can't be blank") }
            return .some(nil)
        default:
            fail(key, "is invalid")
            return nil
        }
    }

    mutating func bool(_ key: String) -> Bool? {
        guard let value = self[key] else { return nil }
        guard let flag = value.boolValue else {
            fail(key, "is invalid")
            return nil
        }
        return flag
    }

    /// An integer id: a JSON number, or a string of digits as Rails accepts.
    mutating func id(_ key: String, required: Bool = false) -> Int?? {
        guard let value = self[key] else {
            if required { fail(key, "can't be blank") }
            return nil
        }
        switch value {
        case .null:
            if required { fail(key, "can't be blank") }
            return .some(nil)
        case .number(let text) where Int(text) != nil: return .some(Int(text)!)
        case .string(let text) where Int(text) != nil: return .some(Int(text)!)
        default:
            fail(key, "is invalid")
            return nil
        }
    }

    /// An RFC 3339 time, normalized to Kisi's form; null clears it.
    mutating func time(_ key: String) -> String?? {
        guard let value = self[key] else { return nil }
        switch value {
        case .null: return .some(nil)
        case .string(let text):
            guard let normalized = Timestamps.normalized(text) else {
                fail(key, "is not a valid RFC 3339 time")
                return nil
            }
            return .some(normalized)
        default:
            fail(key, "is invalid")
            return nil
        }
    }

    mutating func object(_ key: String, required: Bool) -> Attributes? {
        guard let value = self[key] else {
            if required { fail(key, "can't be blank") }
            return nil
        }
        guard let members = value.objectMembers else {
            fail(key, "is invalid")
            return nil
        }
        return Attributes(members: members)
    }
}
