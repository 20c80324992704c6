import PartsDomain

/// A JSON object the warranty functions return, read by field: a missing required field, or
/// one of the wrong kind, is a bug that names it.
struct JSONFields {
    let json: JSONValue
    /// What the object is, for the error.
    let what: String

    init(_ json: JSONValue, _ what: String) {
        self.json = json
        self.what = what
    }

    /// Parses the text a query returned.
    init(parsing text: String, _ what: String) throws(StoreError) {
        do { self.init(try JSONValue.parse(text), what) } catch { throw .bug("unreadable \(what) from the database") }
    }

    func text(_ key: String) throws(StoreError) -> String {
        guard let value = json[key]?.string else { throw .bug("\(what) JSON lacks \(key)") }
        return value
    }

    func optionalText(_ key: String) -> String? { json[key]?.string }

    func decimal(_ key: String) throws(StoreError) -> ExactDecimal {
        guard let value = ExactDecimal(try text(key)) else { throw .bug("\(what) \(key) is not a decimal") }
        return value
    }

    func optionalDecimal(_ key: String) -> ExactDecimal? { optionalText(key).flatMap { ExactDecimal($0) } }

    func int(_ key: String) throws(StoreError) -> Int {
        guard let value = Int(try text(key)) else { throw .bug("\(what) \(key) is not a whole number") }
        return value
    }

    func optionalInt(_ key: String) -> Int? { optionalText(key).flatMap { Int($0) } }

    func bool(_ key: String) -> Bool {
        if case .bool(true) = json[key] { return true }
        return false
    }

    func object(_ key: String) throws(StoreError) -> JSONFields {
        guard let value = json[key], case .object = value else { throw .bug("\(what) JSON lacks \(key)") }
        return JSONFields(value, key)
    }

    func objects(_ key: String) -> [JSONFields] {
        (json[key]?.array ?? []).map { JSONFields($0, key) }
    }

    /// The elements, when this is an array.
    var elements: [JSONFields] { (json.array ?? []).map { JSONFields($0, what) } }

    /// Strings of an array field ([7, 3] as ["7", "3"]).
    func texts(_ key: String) -> [String] {
        (json[key]?.array ?? []).compactMap(\.string)
    }
}

extension WorkflowReply {
    /// The object (or array) the reply carries under `field`.
    func fields(_ field: String) throws(StoreError) -> JSONFields {
        guard let value = self[field] else { throw .bug("a workflow reply without its \(field)") }
        return JSONFields(value, field)
    }
}
