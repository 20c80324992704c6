import PartsPlanning
import Testing

@Suite("Order quantity, position and suggestion")
struct OrderTests {
    @Test("EOQ textbook: D 1000, K 10, h 0.5 → 200")
    func eoq() throws {
        #expect(OrderQuantity.eoq(annualDemand: 1000, orderingCost: 10, holdingCostPerUnitYear: 0.5) == 200)
        #expect(OrderQuantity.eoq(annualDemand: 1000, orderingCost: 10, holdingCostPerUnitYear: 0) == nil)
        // Weekly forecast 1000/52: floating-point noise must not buy an extra unit.
        let q = try OrderQuantity(
            demandPerPeriod: 1000.0 / 52.0, periodsPerYear: 52, reviewPeriods: 4, orderingCost: 10,
            holdingCostPerUnitYear: 0.5, constraints: OrderConstraints())
        #expect(q.basis == .eoq)
        #expect(q.quantity == 200)
        let packed = try OrderQuantity(
            demandPerPeriod: 1000.0 / 52.0, periodsPerYear: 52, reviewPeriods: 4, orderingCost: 10,
            holdingCostPerUnitYear: 0.5, constraints: OrderConstraints(packMultiple: 24))
        #expect(packed.quantity == 216)  // 9 packs of 24
        let minimum = try OrderQuantity(
            demandPerPeriod: 1000.0 / 52.0, periodsPerYear: 52, reviewPeriods: 4, orderingCost: 10,
            holdingCostPerUnitYear: 0.5, constraints: OrderConstraints(minimum: 250))
        #expect(minimum.quantity == 250)
        let review = try OrderQuantity(
            demandPerPeriod: 2.5, periodsPerYear: 52, reviewPeriods: 4, orderingCost: nil,
            holdingCostPerUnitYear: nil, constraints: OrderConstraints())
        #expect(review.basis == .reviewPeriod)
        #expect(review.quantity == 10)
    }

    @Test("rounding up to minimum and pack; nothing stays nothing")
    func roundUp() throws {
        #expect(try OrderConstraints(minimum: 10, packMultiple: 4).roundUp(7) == 12)
        #expect(try OrderConstraints(packMultiple: 6).roundUp(13) == 18)
        #expect(try OrderConstraints(packMultiple: 6).roundUp(12) == 12)
        #expect(try OrderConstraints(minimum: 10, packMultiple: 4).roundUp(0) == 0)
        #expect(OrderConstraints.units.roundUp(2.0000000000000004) == 2)
        #expect(OrderConstraints.units.roundUp(2.001) == 3)
        #expect(OrderConstraints.units.roundUp(1e-12) == 0)
        #expect(try quantityString(OrderConstraints(packMultiple: 0.1).roundUp(0.3)) == "0.300")
        #expect(try OrderConstraints(packMultiple: 0.5).roundUp(0.2) == 0.5)
    }

    @Test("position = on hand + on order − reserved − back-ordered; order up to the level when at or below the reorder point")
    func replenishment() throws {
        let stock = StockPosition(onHand: 5, onOrder: 3, reserved: 1, backOrdered: 0)
        #expect(stock.inventoryPosition == 7)
        let packs = try OrderConstraints(packMultiple: 5)
        let order = Replenishment(reorderPoint: 10, orderQuantity: 20, stock: stock, constraints: packs)
        #expect(order.orderUpTo == 30)
        #expect(order.triggered)
        #expect(order.unroundedOrder == 23)
        #expect(order.suggestedOrder == 25)
        let atPoint = Replenishment(
            reorderPoint: 7, orderQuantity: 20, stock: stock, constraints: .units)
        #expect(atPoint.triggered && atPoint.suggestedOrder == 20)
        let above = Replenishment(
            reorderPoint: 6.5, orderQuantity: 20, stock: stock, constraints: .units)
        #expect(!above.triggered && above.suggestedOrder == 0)
        let backOrders = Replenishment(
            reorderPoint: 0, orderQuantity: 0, stock: StockPosition(backOrdered: 3), constraints: .units)
        #expect(backOrders.inventoryPosition == -3 && backOrders.suggestedOrder == 3)
    }
}
