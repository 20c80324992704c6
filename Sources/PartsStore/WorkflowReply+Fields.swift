import PartsDomain

/// What a workflow reply carries beside its code and message: the record a workflow changed,
/// and the document it posted when it posted one.
extension WorkflowReply {
    /// The object (or array) the reply carries under `field`.
    func fields(_ field: String) throws(StoreError) -> JSONFields {
        guard let value = self[field] else { throw .bug("a workflow reply without its \(field)") }
        return JSONFields(value, field)
    }

    /// The posted document, for a workflow that posts one only on some of its paths.
    func optionalDocument() throws(StoreError) -> PostedDocument? {
        self["document"] == nil ? nil : try document()
    }
}
