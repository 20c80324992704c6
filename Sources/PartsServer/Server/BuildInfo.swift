import Foundation

/// What was built: the version the source declares and the commit it was built from.
///
/// The commit is read at start-up from `partsd.commit` beside the executable, which the
/// deploy scripts write after building (`git describe`, or in a tarball made by `git archive`
/// the COMMIT file it filled in). A build that nobody wrote it for says "unknown" rather than
/// guess: a baked-in value would need a build plugin, and a stale one would lie.
enum BuildInfo {
    static let commit: String = {
        guard let executable = Bundle.main.executableURL,
              let text = try? String(contentsOf: executable.deletingLastPathComponent().appendingPathComponent("partsd.commit"), encoding: .utf8)
        else { return "unknown" }
        let commit = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let allowed = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_+")
        guard (1...80).contains(commit.count), commit.allSatisfy(allowed.contains) else { return "unknown" }
        return commit
    }()
}
