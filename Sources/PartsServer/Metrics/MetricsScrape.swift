import Logging
import Metrics
import PartsStore
import Prometheus

/// One scrape: brings the gauges that are read rather than counted up to date, then prints
/// the registry in the Prometheus text format.
struct MetricsScrape: Sendable {
    let registry: PrometheusCollectorRegistry
    let store: PartsStore
    let calendar: SiteCalendar
    let logger: Logger

    func text() async -> String {
        let pool = await store.poolUsage()
        Gauge(label: "partsd_pool_connections").record(pool.size)
        Gauge(label: "partsd_pool_connections_in_use").record(pool.inUse)
        Gauge(label: "partsd_pool_waiting").record(pool.waiting)
        do {
            let figures = try await store.serviceFigures(calendar)
            Gauge(label: "partsd_database_up").record(1)
            Gauge(label: "partsd_repair_orders_overdue").record(figures.repairOrdersOverdue)
            Gauge(label: "partsd_warranty_parts_overdue").record(figures.warrantyPartsOverdue)
            Gauge(label: "partsd_warranty_value_at_risk").record(Double(figures.warrantyValueAtRisk) ?? 0)
            for success in figures.lastJobSuccess {
                Gauge(label: "partsd_job_last_success_timestamp_seconds", dimensions: [("job", success.job)]).record(success.finishedAt)
            }
        } catch {
            // The figures keep their last values; partsd_database_up says they are stale.
            Gauge(label: "partsd_database_up").record(0)
            logger.notice("metrics scrape could not read the database", metadata: ["error": "\(error)"])
        }
        return registry.emitToString()
    }
}
