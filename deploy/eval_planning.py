#!/usr/bin/env python3
"""Planning evaluation: a seeded synthetic catalogue planned by partsd, then a year simulated.

Driven by deploy/eval-planning.sh, which starts partsd on a fresh cluster and passes its socket.
Generates weekly demand for each part (smooth, erratic, intermittent, lumpy after Syntetos and
Boylan's ADI/CV² classes, plus obsolescent and new parts) with Bernoulli occurrences and gamma
sizes, loads two years of it through the admin socket (part add, history add with since=),
reads each part's reorder point and order-up-to level from `plan show` (JSON), then simulates
the following 52 weeks with weekly review: at each review, an inventory position at or below
the reorder point orders up to the order-up-to level, delivered after the part's lead time,
and demand not served from the shelf waits (backorders). The baseline is the hand-set min/max
practice (min = mean weekly demand × lead time, max = 2 × min), scaled by one factor for the
whole catalogue until it reaches partsd's overall fill rate, so the two are compared at the
same service. Prints fill rate, lines fully served, average stock value and stock-out weeks
per class, and the forecast total against the demand that followed.
"""
import argparse
import datetime
import json
import math
import random
import socket

CLASSES = {
    # name: (share of the catalogue, weekly occurrence probability, mean size, size CV)
    "smooth": (0.2, 0.95, 8.0, 0.3),
    "erratic": (0.15, 0.95, 8.0, 1.0),
    "intermittent": (0.25, 0.2, 3.0, 0.4),
    "lumpy": (0.2, 0.2, 6.0, 1.2),
    "obsolescent": (0.1, 0.3, 3.0, 0.5),
    "new": (0.1, 0.5, 4.0, 0.5),
}
HISTORY_WEEKS = 104
FUTURE_WEEKS = 52
NEW_WEEKS = 12  # a new part's history: its last weeks only


class Admin:
    """One admin-socket connection in JSON mode: one request line, one reply line."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.file = self.sock.makefile("rwb")
        self.file.readline()  # the greeting
        self.send("format json")

    def send(self, line):
        self.file.write(line.encode() + b"\n")
        self.file.flush()
        reply = self.file.readline().decode()
        code, _, body = reply.partition(" ")
        if int(code) >= 400:
            raise SystemExit(f"{line!r} was refused: {reply.strip()}")
        return json.loads(body) if body.startswith("{") else {}


def size(rng, mean, cv):
    shape = 1.0 / (cv * cv)
    return max(1, round(rng.gammavariate(shape, mean / shape)))


def weekly_demand(rng, kind):
    _, p, mean, cv = CLASSES[kind]
    weeks = HISTORY_WEEKS + FUTURE_WEEKS
    demand = []
    for week in range(weeks):
        chance = p
        if kind == "obsolescent":
            # Sells as a slow mover for a year, fades out over the next, then stops.
            fade = (week - 52) / 52.0
            chance = p if week < 52 else max(0.0, p * (1.0 - fade))
        if kind == "new" and week < HISTORY_WEEKS - NEW_WEEKS:
            chance = 0.0
        demand.append(size(rng, mean, cv) if rng.random() < chance else 0)
    return demand


def simulate(demand, lead_weeks, reorder_point, order_up_to, cost):
    """Weekly review, order-up-to when the position is at or below the reorder point."""
    on_hand = order_up_to
    backorder = 0
    pipeline = {}
    served = demanded = full_lines = lines = stockout_weeks = 0
    stock_value = 0.0
    for week, quantity in enumerate(demand):
        arriving = pipeline.pop(week, 0)
        on_hand += arriving
        if backorder:
            cleared = min(backorder, on_hand)
            on_hand -= cleared
            backorder -= cleared
        position = on_hand - backorder + sum(pipeline.values())
        if position <= reorder_point and order_up_to > position:
            due = week + lead_weeks
            pipeline[due] = pipeline.get(due, 0) + (order_up_to - position)
        if quantity:
            lines += 1
            from_shelf = min(on_hand, quantity)
            on_hand -= from_shelf
            backorder += quantity - from_shelf
            served += from_shelf
            demanded += quantity
            full_lines += from_shelf == quantity
            stockout_weeks += from_shelf < quantity
        stock_value += on_hand * cost
    return served, demanded, full_lines, lines, stockout_weeks, stock_value / len(demand)


def totals(parts, levels_of):
    rows = {}
    for part in parts:
        rop, top = levels_of(part)
        result = simulate(part["future"], part["lead_weeks"], rop, top, part["cost"])
        for key in ("all", part["kind"]):
            row = rows.setdefault(key, [0, 0, 0, 0, 0, 0.0])
            for index, value in enumerate(result):
                row[index] += value
    return rows


def fill(row):
    return row[0] / row[1] if row[1] else 1.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--socket", required=True)
    parser.add_argument("--parts", type=int, default=600)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--measure", choices=["fill", "cycle"], help="plan set service_measure= (default: the daemon's)")
    parser.add_argument("--demand-model", choices=["analytic", "bootstrap"],
                        help="plan set demand_model= (default: the daemon's, analytic)")
    parser.add_argument("--method-choice", choices=["class", "simulation"],
                        help="plan set method_choice= (default: the daemon's); with simulation, job run method-trial "
                             "replays the history before the parts are planned")
    parser.add_argument("--dump", help="also write each part's series and plan to this JSON file, to study one class")
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    admin = Admin(arguments.socket)
    admin.send('location add EVAL "Evaluation warehouse"')
    measure = f" service_measure={arguments.measure}" if arguments.measure else ""
    measure += f" demand_model={arguments.demand_model}" if arguments.demand_model else ""
    measure += f" method_choice={arguments.method_choice}" if arguments.method_choice else ""
    admin.send(f"plan set period=week review_days=7 history_days={HISTORY_WEEKS * 7}{measure}")

    today = datetime.date.today()
    monday = today - datetime.timedelta(days=today.weekday())
    first = monday - datetime.timedelta(weeks=HISTORY_WEEKS)
    kinds = [kind for kind, spec in CLASSES.items() for _ in range(round(spec[0] * arguments.parts))]
    parts = []
    for index, kind in enumerate(kinds):
        part_no = f"EV-{index:05d}"
        lead_days = rng.choice([7, 14, 21, 28])
        cost = round(rng.uniform(5, 300), 2)
        demand = weekly_demand(rng, kind)
        history, future = demand[:HISTORY_WEEKS], demand[HISTORY_WEEKS:]
        admin.send(f'part add {part_no} "{kind} part {index}" cost={cost:.2f} lead_days={lead_days}')
        start = first if kind != "new" else first + datetime.timedelta(weeks=HISTORY_WEEKS - NEW_WEEKS)
        entries = [f"{first + datetime.timedelta(weeks=week)}:{quantity}" for week, quantity in enumerate(history) if quantity]
        if entries:
            admin.send(f"history add EVAL {part_no} {' '.join(entries)} since={start}")
        parts.append({"part_no": part_no, "kind": kind, "cost": cost, "lead_weeks": lead_days // 7,
                      "history": history, "future": future})

    if arguments.method_choice == "simulation":
        trial = admin.send("job run method-trial --wait")
        print(f"method trial: {trial.get('message', trial)}")

    for part in parts:
        if not any(part["history"]):
            part.update(rop=0, top=0, forecast=0.0, target=None)
            continue
        plan = admin.send(f"plan show {part['part_no']} location=EVAL")
        part.update(rop=math.floor(float(plan["reorder_point"])), top=math.ceil(float(plan["order_up_to"])),
                    forecast=float(plan.get("forecast_per_week", "0")) * FUTURE_WEEKS,
                    target=float(plan["service_level"]) if "service_level" in plan else None, plan=plan)

    if arguments.dump:
        with open(arguments.dump, "w") as out:
            json.dump(parts, out)
    ours = totals(parts, lambda part: (part["rop"], part["top"]))
    goal = fill(ours["all"])

    def baseline(factor):
        def levels(part):
            mean = sum(part["history"]) / HISTORY_WEEKS
            low = mean * part["lead_weeks"] * factor
            return math.floor(low), math.ceil(2 * low)
        return levels

    low, high = 0.0, 64.0
    for _ in range(40):
        middle = (low + high) / 2
        if fill(totals(parts, baseline(middle))["all"]) < goal:
            low = middle
        else:
            high = middle
    theirs = totals(parts, baseline(high))

    targets = [part["target"] for part in parts if part["target"] is not None]
    print(f"\nPlanning evaluation: {len(parts)} parts, seed {arguments.seed}, {HISTORY_WEEKS} weeks of history, "
          f"{FUTURE_WEEKS} simulated, weekly review")
    print(f"service target set: {min(targets):.2f} to {max(targets):.2f} (by ABC class); "
          f"min/max scaled by {high:.3f} to reach partsd's fill rate")
    header = f"{'class':<13} {'parts':>5} {'target':>6} {'fill partsd':>11} {'fill min/max':>12} {'lines full':>10} " \
             f"{'stock partsd':>12} {'stock min/max':>13} {'ratio':>6} {'stock-outs':>10} {'forecast/demand':>15}"
    print(header)
    for kind in ["all"] + list(CLASSES):
        if kind not in ours:
            continue
        mine, other = ours[kind], theirs[kind]
        members = [part for part in parts if kind == "all" or part["kind"] == kind]
        actual = sum(sum(part["future"]) for part in members)
        forecast = sum(part["forecast"] for part in members)
        ratio = mine[5] / other[5] if other[5] else float("nan")
        # The service target a unit of demand met, weighted by the demand that followed.
        weighted = [(part["target"], sum(part["future"])) for part in members if part["target"] is not None]
        weight = sum(units for _, units in weighted)
        target = sum(level * units for level, units in weighted) / weight if weight else float("nan")
        print(f"{kind:<13} {len(members):>5} {target:>6.3f} {fill(mine):>11.3f} {fill(other):>12.3f} "
              f"{(mine[2] / mine[3] if mine[3] else 1):>10.3f} {mine[5]:>12.0f} {other[5]:>13.0f} {ratio:>6.2f} "
              f"{mine[4]:>10} {(forecast / actual if actual else float('nan')):>15.2f}")

    if arguments.method_choice == "simulation":
        print("\nmethods by class (replay: the candidate the replay chose; class: the class rule's method)")
        for kind in CLASSES:
            counts = {}
            for part in parts:
                if part["kind"] != kind or "plan" not in part:
                    continue
                plan = part["plan"]
                name = f"replay {plan['replay_candidate']}" if plan.get("method_from") == "replay" else f"class {plan['method']}"
                counts[name] = counts.get(name, 0) + 1
            print(f"{kind:<13} " + ", ".join(f"{name} {count}" for name, count in sorted(counts.items())))


if __name__ == "__main__":
    main()
