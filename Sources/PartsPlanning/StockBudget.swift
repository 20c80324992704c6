import HeapModule

/// Reorder points for a set of parts that serve the most demand from the shelf a given stock
/// value can buy: the greedy marginal allocation of the textbooks (Sherbrooke, Optimal
/// Inventory Modeling of Systems, 2004, ch. 2; Silver, Pyke & Peterson 1998, §7.10).
///
/// Every part starts at reorder point 0. Raising part i from s to s′ serves
/// w_i·(β_i(s′) − β_i(s)) more units a period, w_i its demand per period and β_i the fill rate
/// of a level (`FillRate.of`, under the part's own lead-time demand and order quantity, review
/// by review where its plan counts so), and
/// costs c_i·(s′ − s) of stock value at its unit cost c_i. The raise with the most units served
/// per unit of money that still fits in what is left of the budget is made, again and again,
/// until nothing fits or every part reaches `maximumFill`. Maximised so is the demand-weighted
/// fill rate Σ w_i·β_i / Σ w_i, the share of all demanded units served from stock.
///
/// β is not concave near 0 (for a Poisson with mean 3 the second unit serves more than the
/// first), and a one-unit greedy step would then stall on a part whose first unit serves
/// little. So each part offers the best of several raises at once, 1, 2, 3, 4, 6, 8, 12, …
/// steps, their ratios taken over the whole raise: the greedy walks the concave envelope of
/// β, which is what the textbook method assumes it has, in a logarithmic number of looks.
///
/// Money is whole units of the caller's smallest money unit (cents, or 1/10000): sums are
/// exact, and the budget is never overspent by a rounding. Only the choice of the next raise
/// compares floating ratios. The work is bounded by `PlanningBudget`: every evaluation of a
/// fill rate counts a step.
public enum StockBudget {
    /// One part the budget is shared by.
    public struct Part: Sendable, Equatable {
        public var demand: LeadTimeDemand
        /// `demand` split by review, as the part's plan has it: its fill rates then are the
        /// plan's, counted review by review.
        public var periodic: PeriodicReview?
        public var orderQuantity: Double
        /// w: units demanded per period; 0 leaves the part at 0.
        public var demandPerPeriod: Double
        /// c: the value of one unit of stock, in the caller's money units; ≥ 0.
        public var unitCost: Int64
        /// Units a raise is made of: 1 for counts, more for a part whose lead-time demand is
        /// thousands of units (`step(for:)`).
        public var step: Int

        public init(demand: LeadTimeDemand, periodic: PeriodicReview? = nil, orderQuantity: Double, demandPerPeriod: Double,
                    unitCost: Int64, step: Int? = nil) {
            self.demand = demand
            self.periodic = periodic
            self.orderQuantity = orderQuantity
            self.demandPerPeriod = demandPerPeriod
            self.unitCost = unitCost
            self.step = step ?? StockBudget.step(for: demand)
        }
    }

    /// A part's proposed level.
    public struct Level: Sendable, Equatable {
        public let reorderPoint: Int
        /// β of `reorderPoint`.
        public let fillRate: Double
        /// reorderPoint × unit cost, in money units.
        public let value: Int64
    }

    public struct Allocation: Sendable, Equatable {
        /// In the order of the parts given.
        public let levels: [Level]
        /// Σ value, never above the budget.
        public let spent: Int64
        /// Raises the greedy made.
        public let raises: Int
        /// Σ w·β / Σ w; nil when no part has demand.
        public let fillRate: Double?
    }

    /// Past this a raise buys nothing a manager could measure: the highest fill-rate target a
    /// setting may hold.
    public static let maximumFill = PlanningParameters.fillRateRange.upperBound

    /// One unit for a count; for the normal an eighth of σ, so that one σ of the fill rate's
    /// curve is walked in eight raises and a part whose lead-time demand is thousands takes
    /// tens of raises, not thousands.
    public static func step(for demand: LeadTimeDemand) -> Int {
        guard demand.model == .normal else { return 1 }
        return max(1, Int(min((demand.variance.squareRoot() / 8).rounded(.down), 1e12)))
    }

    /// The raises each part offers, in steps, before the budget and the part's top cut them.
    static let jumps: [Int] = Set((0..<40).flatMap { [1 << $0, 3 << $0] }).sorted()

    /// Shares `budget` (money units, ≥ 0) among `parts`.
    public static func allocate(_ parts: [Part], budget: Int64,
                                planningBudget: PlanningBudget = PlanningBudget()) throws(PlanningError) -> Allocation {
        guard budget >= 0 else {
            throw .invalidParameter(field: "budget", value: Double(budget), requirement: "must be ≥ 0")
        }
        var states: [State] = []
        states.reserveCapacity(parts.count)
        for part in parts {
            try Check.nonNegative(part.demandPerPeriod, "demandPerPeriod")
            guard part.unitCost >= 0, part.step >= 1 else {
                throw .invalidParameter(field: "unitCost", value: Double(part.unitCost), requirement: "must be ≥ 0, with a step ≥ 1")
            }
            states.append(try State(part, planningBudget))
        }
        var remaining = budget
        var raises = 0
        var heap = Heap<Offer>()
        for index in states.indices {
            if let offer = try states[index].offer(index, remaining, planningBudget) { heap.insert(offer) }
        }
        while let offer = heap.popMax() {
            // Offers are made lazily: one made when more money was left may not fit now. A
            // fresh one can only be worse, never better, so the best still on top stands.
            guard let fresh = try states[offer.part].offer(offer.part, remaining, planningBudget) else { continue }
            guard fresh == offer else {
                heap.insert(fresh)
                continue
            }
            states[offer.part].raise(to: offer.steps, fillRate: offer.fillRate)
            remaining -= offer.cost
            raises += 1
            if let next = try states[offer.part].offer(offer.part, remaining, planningBudget) { heap.insert(next) }
        }
        let levels = states.map { state in
            Level(reorderPoint: state.level, fillRate: state.fillRate, value: Int64(state.level) * state.part.unitCost)
        }
        let demand = parts.reduce(0) { $0 + $1.demandPerPeriod }
        let served = zip(parts, levels).reduce(0) { $0 + $1.0.demandPerPeriod * $1.1.fillRate }
        return Allocation(levels: levels, spent: budget - remaining, raises: raises, fillRate: demand > 0 ? served / demand : nil)
    }

    /// A raise a part offers: `steps` more steps for `cost`, serving `gain` more units a period.
    struct Offer: Comparable, Sendable {
        let part: Int
        let steps: Int
        let cost: Int64
        let fillRate: Double
        /// Units served per unit of money; infinite for free stock.
        let ratio: Double

        /// By ratio; of two alike, the part given first, so the outcome does not depend on
        /// the heap.
        static func < (a: Offer, b: Offer) -> Bool {
            a.ratio != b.ratio ? a.ratio < b.ratio : a.part > b.part
        }
    }

    /// Where one part stands.
    struct State {
        let part: Part
        /// The level, in units.
        private(set) var level = 0
        private(set) var fillRate: Double
        /// The level that reaches `maximumFill`, in steps: no raise goes past it.
        let top: Int
        /// The part's fill rate by level, as its plan computes it.
        private let curve: FillRateCurve

        init(_ part: Part, _ budget: PlanningBudget) throws(PlanningError) {
            self.part = part
            curve = try FillRateCurve(demand: part.demand, periodic: part.periodic, quantity: part.orderQuantity, budget: budget)
            fillRate = try curve.of(level: 0, budget: budget)
            try budget.spend()
            guard part.demandPerPeriod > 0 else {
                top = 0
                return
            }
            let highest = try curve.smallestLevel(reaching: StockBudget.maximumFill, budget: budget)
            top = Int((min(highest, Double(DiscreteDemand.largestQuantile)) / Double(part.step)).rounded(.up))
        }

        /// β of `level`, as the part's plan computes it.
        func beta(_ level: Double, _ budget: PlanningBudget) throws(PlanningError) -> Double {
            try curve.of(level: level, budget: budget)
        }

        mutating func raise(to steps: Int, fillRate: Double) {
            level += steps * part.step
            self.fillRate = fillRate
        }

        /// The best raise that fits in `remaining`; nil when none does or none serves more.
        func offer(_ index: Int, _ remaining: Int64, _ budget: PlanningBudget) throws(PlanningError) -> Offer? {
            let left = top - level / part.step
            guard left > 0 else { return nil }
            let (stepCost, overflow) = part.unitCost.multipliedReportingOverflow(by: Int64(part.step))
            guard !overflow else { return nil }
            let affordable = stepCost == 0 ? left : Int(min(Int64(left), remaining / stepCost))
            guard affordable > 0 else { return nil }
            var best: Offer?
            // The raise to the top too, which a jump may not land on. Less money left only
            // takes raises away, so an offer made earlier is never worse than one made now.
            let reach = StockBudget.jumps.prefix(while: { $0 < left && $0 <= affordable }) + (left <= affordable ? [left] : [])
            for steps in reach {
                try budget.spend()
                let beta = try beta(Double(level + steps * part.step), budget)
                let gain = part.demandPerPeriod * (beta - fillRate)
                guard gain > 0 else { continue }
                let cost = stepCost * Int64(steps)
                let offer = Offer(part: index, steps: steps, cost: cost, fillRate: beta,
                                  ratio: cost == 0 ? .infinity : gain / Double(cost))
                // Strictly better only: of two alike the smaller raise, which leaves money for others.
                if best.map({ offer.ratio > $0.ratio }) ?? true { best = offer }
            }
            return best
        }
    }
}

extension StockBudget.Offer: Equatable {
    static func == (a: Self, b: Self) -> Bool {
        a.part == b.part && a.steps == b.steps && a.cost == b.cost && a.ratio == b.ratio
    }
}
