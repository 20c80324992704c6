import PartsDomain

/// Typed reads of one JSON object that a workflow reply or an SQL `*_json` function returned,
/// for the records built from them (units, repair orders, exchanges, claims, batches). A
/// missing field or one of the wrong shape is a bug that names it: the daemon and its database
/// disagree.
struct JSONFields {
    let json: JSONValue
    /// What the object is, for the error: "repair order".
    let what: String

    init(_ json: JSONValue, _ what: String) {
        self.json = json
        self.what = what
    }

    /// Reads text an SQL query returned as one JSON value.
    init(parsing text: String, _ what: String) throws(StoreError) {
        do { self.init(try JSONValue.parse(text), what) } catch { throw .bug("unreadable \(what) from the database") }
    }

    func text(_ key: String) throws(StoreError) -> String {
        guard let text = json[key]?.string else { throw .bug("\(what) JSON lacks \(key)") }
        return text
    }

    /// nil for JSON null or an absent key.
    func optionalText(_ key: String) -> String? { json[key]?.string }

    func decimal(_ key: String) throws(StoreError) -> ExactDecimal {
        guard let value = ExactDecimal(try text(key)) else { throw .bug("\(what) \(key) is not a decimal") }
        return value
    }

    func optionalDecimal(_ key: String) throws(StoreError) -> ExactDecimal? {
        guard let text = optionalText(key) else { return nil }
        guard let value = ExactDecimal(text) else { throw .bug("\(what) \(key) is not a decimal") }
        return value
    }

    func int(_ key: String) throws(StoreError) -> Int {
        guard let value = Int(try text(key)) else { throw .bug("\(what) \(key) is not a whole number") }
        return value
    }

    func optionalInt(_ key: String) throws(StoreError) -> Int? {
        guard let text = optionalText(key) else { return nil }
        guard let value = Int(text) else { throw .bug("\(what) \(key) is not a whole number") }
        return value
    }

    func bool(_ key: String) throws(StoreError) -> Bool {
        guard case .bool(let value) = json[key] else { throw .bug("\(what) \(key) is not true or false") }
        return value
    }

    /// The objects of an array field; an absent or null field is no objects.
    func objects(_ key: String, _ what: String? = nil) -> [JSONFields] {
        (json[key]?.array ?? []).map { JSONFields($0, what ?? key) }
    }

    func object(_ key: String) throws(StoreError) -> JSONFields {
        guard let value = json[key], case .object = value else { throw .bug("\(what) JSON lacks \(key)") }
        return JSONFields(value, key)
    }

    /// The elements, when this is an array.
    var elements: [JSONFields] { (json.array ?? []).map { JSONFields($0, what) } }

    /// Strings of an array field ([7, 3] as ["7", "3"]).
    func texts(_ key: String) -> [String] {
        (json[key]?.array ?? []).compactMap(\.string)
    }
}
