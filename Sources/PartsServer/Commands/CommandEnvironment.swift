import PartsJobs
import PartsStore

/// What command handlers can reach: the store, the settings and the server's own state.
struct CommandEnvironment: Sendable {
    let store: PartsStore
    let configuration: ServerConfiguration
    let state: ServerState
    let jobs: JobRunner
}
