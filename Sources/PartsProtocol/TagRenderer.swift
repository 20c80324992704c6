/// A printed tag or slip that goes with goods and is signed: a repair tag on the unit that
/// ships to the vendor, the core return tag an exchange customer gets, a vendor's list of
/// open repairs. 80 columns like a receipt, wide (CJK) characters counted as two: a heading
/// with its number at the right margin, labelled lines, and two signature lines.
public enum TagRenderer {
    public static func render(title: String, number: String, fields: [(String, String)],
                              signatures names: (String, String)) -> [String] {
        heading(title: title, number: number, fields: fields) + signatures(names)
    }

    /// The title with its number, and the labelled lines under it.
    public static func heading(title: String, number: String, fields: [(String, String)]) -> [String] {
        FormLayout.title(title, number) + FormLayout.labelled(fields)
    }

    /// A rule, then the two signature lines.
    public static func signatures(_ names: (String, String)) -> [String] {
        [FormLayout.rule("-"), "", FormLayout.spread("\(names.0) ____________________", "\(names.1) ____________________")]
    }
}
