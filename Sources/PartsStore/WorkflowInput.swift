import PartsDomain

/// The request a workflow function takes, as JSON: who asks (actor), the request line
/// (command), the ref and fingerprint when there is a ref, and the workflow's own fields.
/// Written directly rather than through an encoder: it is built once per posting on the
/// daemon's hottest path.
public struct WorkflowInput: Sendable {
    private var json: String

    public init(_ context: CommandContext) {
        json = "{\"actor\":{\"uid\":\(context.peer.uid),\"user\":"
        JSONString.append(context.peer.userName, to: &json)
        json += ",\"role\":\"\(context.peer.role)\"},\"command\":"
        JSONString.append(context.command, to: &json)
        if let ref = context.ref {
            json += ",\"ref\":"
            JSONString.append(ref, to: &json)
            json += ",\"fingerprint\":"
            JSONString.append(context.fingerprint, to: &json)
        }
    }

    /// An object of a workflow's own inside its request, begun by its first key: an element of
    /// an array such as a part load's rows (`set(_:nested:)`).
    public init(object firstKey: String, _ value: String) {
        json = "{"
        JSONString.append(firstKey, to: &json)
        json += ":"
        JSONString.append(value, to: &json)
    }

    /// The JSON text.
    public var text: String { json + "}" }

    /// An array of nested objects.
    public mutating func set(_ key: String, nested objects: [WorkflowInput]) {
        self.key(key)
        json += "["
        for (index, object) in objects.enumerated() {
            if index > 0 { json += "," }
            json += object.text
        }
        json += "]"
    }

    private mutating func key(_ key: String) {
        json += ",\"" + key + "\":"
    }

    public mutating func set(_ key: String, _ value: String?) {
        guard let value else { return }
        self.key(key)
        JSONString.append(value, to: &json)
    }

    /// Decimals travel as strings, so no digit passes through binary floating point.
    public mutating func set(_ key: String, _ value: ExactDecimal?) {
        guard let value else { return }
        self.key(key)
        json += "\"" + value.description + "\""
    }

    public mutating func set(_ key: String, _ value: Int?) {
        guard let value else { return }
        self.key(key)
        json += String(value)
    }

    /// A key whose value is JSON null: the field is cleared, not left as it is.
    public mutating func setNull(_ key: String) {
        self.key(key)
        json += "null"
    }

    public mutating func set(_ key: String, _ value: Bool) {
        self.key(key)
        json += value ? "true" : "false"
    }

    public mutating func set(_ key: String, _ values: [String]) {
        self.key(key)
        json += "["
        for (index, value) in values.enumerated() {
            if index > 0 { json += "," }
            JSONString.append(value, to: &json)
        }
        json += "]"
    }

    /// An array of flat objects of strings, [{key: value, ...}]; a nil value leaves its key out.
    public mutating func set(_ key: String, objects: [[(String, String?)]]) {
        self.key(key)
        json += "["
        for (index, object) in objects.enumerated() {
            json += index == 0 ? "{" : ",{"
            var first = true
            for (name, value) in object {
                guard let value else { continue }
                if !first { json += "," }
                first = false
                JSONString.append(name, to: &json)
                json += ":"
                JSONString.append(value, to: &json)
            }
            json += "}"
        }
        json += "]"
    }

    /// Document lines: [{part_no, quantity, unit_cost?, serial?}].
    public mutating func set(_ key: String, lines: [StockDocumentDraft.Line]) {
        self.key(key)
        json += "["
        for (index, line) in lines.enumerated() {
            json += index == 0 ? "{\"part_no\":" : ",{\"part_no\":"
            JSONString.append(line.partNo, to: &json)
            json += ",\"quantity\":\"" + line.quantity.description + "\""
            if let cost = line.unitCost { json += ",\"unit_cost\":\"" + cost.description + "\"" }
            if let serial = line.serial {
                json += ",\"serial\":"
                JSONString.append(serial, to: &json)
            }
            json += "}"
        }
        json += "]"
    }
}
