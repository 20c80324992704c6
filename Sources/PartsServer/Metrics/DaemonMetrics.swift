import Metrics
import PartsStore
import Prometheus

/// The daemon's metrics backend: swift-metrics, which every module emits through, bootstrapped
/// with swift-prometheus, whose registry `/metrics` prints. Bootstrapped only when
/// `metrics.listen` is set: otherwise every metric stays swift-metrics' no-op.
enum DaemonMetrics {
    /// Command latency buckets: most commands answer in a few milliseconds, reports and
    /// `plan show` in seconds.
    static let commandDurationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .microseconds(2_500_000),
        .seconds(5), .seconds(10), .seconds(30),
    ]

    /// Installs the backend for this process (once: swift-metrics allows one bootstrap) and
    /// returns the registry to print.
    static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = ["partsd_command_duration_seconds": commandDurationBuckets]
        factory.valueHistogramBuckets = [StoreMetrics.postingBatchSize: StoreMetrics.postingBatchSizeBuckets]
        MetricsSystem.bootstrap(factory)
        Gauge(label: "partsd_build_info", dimensions: [("version", ServerState.version), ("commit", BuildInfo.commit)]).record(1)
        return registry
    }
}
