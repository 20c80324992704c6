import Foundation
import Glibc

/// A child process started with posix_spawn and reaped with waitpid.
///
/// The tests start many processes from parallel threads; Foundation's Process was seen to
/// miss a child's exit under that load and wait forever. Here the caller's own waitpid
/// reaps its own child, and input and output are files, so no pipe inherited by a long-lived
/// sibling can keep a reader waiting for an end of file.
final class Subprocess {
    let pid: pid_t
    let outputPath: String
    private var status: Int32?

    init(_ path: String, _ arguments: [String], input: String? = nil, environment: [String: String]? = nil,
         outputPath: String? = nil) throws {
        let output = outputPath ?? NSTemporaryDirectory() + "sp-" + UUID().uuidString.prefix(12)
        self.outputPath = output
        let inputPath = NSTemporaryDirectory() + "in-" + UUID().uuidString.prefix(12)
        _ = FileManager.default.createFile(atPath: inputPath, contents: Data((input ?? "").utf8))
        defer { unlink(inputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let variables = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { variables.forEach { free($0) } }
        var child: pid_t = 0
        // A binary a test has just copied is "busy" while any child forked meanwhile by a
        // parallel test still holds the copy's write descriptor, until that child execs.
        var result = posix_spawn(&child, path, &actions, nil, argv, variables)
        for _ in 0..<100 where result == ETXTBSY {
            usleep(20_000)
            result = posix_spawn(&child, path, &actions, nil, argv, variables)
        }
        guard result == 0 else { throw TestFailure("cannot start \(path): \(String(cString: strerror(result)))") }
        pid = child
    }

    deinit {
        if status == nil {
            kill(pid, SIGKILL)
            _ = wait()
        }
    }

    var isRunning: Bool {
        if status != nil { return false }
        var raw: Int32 = 0
        let reaped = waitpid(pid, &raw, WNOHANG)
        if reaped == pid { status = Self.exitCode(raw) }
        return status == nil
    }

    /// Waits up to `seconds` for the child to exit: whether it did.
    func exited(within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning {
            if Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return true
    }

    /// Blocks until the child exits; its exit code, or 128 + signal.
    @discardableResult
    func wait() -> Int32 {
        if let status { return status }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
        status = Self.exitCode(raw)
        return status!
    }

    func signal(_ number: Int32) { kill(pid, number) }

    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    private static func exitCode(_ raw: Int32) -> Int32 {
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
        let signal = raw & 0x7F
        return signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
    }
}
