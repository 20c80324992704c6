#!/usr/bin/env python3
"""An independent reimplementation of partsd's policy replay (PolicyReplay.swift) for the unit
test's worked example, written from the documented rules, not the Swift.

The example is planned by a cycle service level with the normal model (lead-time demand at or
above the slow-mover threshold), whose levels are a formula, so the replay's answer can be
checked by hand:
  forecast F (statsforecast's SES or SBA, alpha 0.1), sigma_D = RMSE of its one-step forecasts;
  mu = F (L + R), sigma = sqrt((L + R) sigma_D^2), s = mu + z sigma (z the service level's normal
  quantile), Q = ceil(4 F) whole units, S = s + Q.
Replay: from WARM_UP, every EVERY periods the levels are planned again from the periods before;
each period, arrivals of an order placed L periods before, back orders served first, then
order up to S (rounded up to whole units) when the position (on hand + on order - back orders)
is at or below s, then the period's demand from the shelf; it starts with ceil(S) on hand.
Prints fill rate (units from the shelf / units demanded) and average on hand (after each
period's demand) for SES and SBA.

usage: deploy/policy_replay_reference.py
"""
import math
from statistics import NormalDist

SERIES = [6, 8, 0, 7, 9, 5, 0, 12, 6, 7, 0, 8, 10, 4, 7, 0, 9, 11, 0, 16, 14, 3, 0, 18, 13, 0, 9, 17]
WARM_UP, EVERY = 16, 6
LEAD, REVIEW = 2, 1
SERVICE = 0.90  # class C's cycle service level
ALPHA = 0.1
COST = 2.5


def ses(y):
    level, fitted = y[0], [None]
    for value in y[:-1]:
        level = ALPHA * value + (1 - ALPHA) * level
        fitted.append(level)
    return ALPHA * y[-1] + (1 - ALPHA) * level, fitted


def sba(y):
    factor = 1 - ALPHA / 2
    size = interval = None
    since, fitted = 0, []
    for t, value in enumerate(y):
        if t == 0:
            fitted.append(None)
        elif size is not None:
            fitted.append(size / (interval or 1) * factor)
        else:
            fitted.append(0.0)
        since += 1
        if value > 0:
            size = ALPHA * value + (1 - ALPHA) * (value if size is None else size)
            interval = ALPHA * since + (1 - ALPHA) * (since if interval is None else interval)
            since = 0
    return (size / interval if interval else size) * factor, fitted


def levels(method, y):
    forecast, fitted = method(y)
    errors = [(a - f) ** 2 for a, f in zip(y, fitted) if f is not None]
    rmse = math.sqrt(sum(errors) / len(errors))
    protection = LEAD + REVIEW
    mean = forecast * protection
    assert mean >= 5, "the example must stay with the normal model"
    s = mean + NormalDist().inv_cdf(SERVICE) * math.sqrt(protection) * rmse
    q = math.ceil(forecast * 4 - 1e-9)
    return s, s + q


def replay(method):
    on_hand = on_order = back = demanded = served = stock = 0.0
    arrivals = [0.0] * (len(SERIES) + LEAD + 1)
    s = top = None
    for t in range(WARM_UP, len(SERIES)):
        if (t - WARM_UP) % EVERY == 0:
            s, new_top = levels(method, SERIES[:t])
            if top is None:
                on_hand = math.ceil(new_top)
            top = new_top
        on_hand += arrivals[t]
        on_order -= arrivals[t]
        cleared = min(back, on_hand)
        on_hand -= cleared
        back -= cleared
        position = on_hand + on_order - back
        if position <= s and top - position > 1e-9:
            order = math.ceil(top - position - 1e-9)
            arrivals[t + LEAD] += order
            on_order += order
        demand = SERIES[t]
        shelf = min(on_hand, demand)
        on_hand -= shelf
        back += demand - shelf
        served += shelf
        demanded += demand
        stock += on_hand
    periods = len(SERIES) - WARM_UP
    return served / demanded, stock / periods, served, demanded


for name, method in (("SES", ses), ("SBA", sba)):
    fill, average, served, demanded = replay(method)
    print(f"{name}: fill {fill!r} ({served:g} of {demanded:g}), average on hand {average!r}, value {average * COST!r}")
    for t in range(WARM_UP, len(SERIES), EVERY):
        s, top = levels(method, SERIES[:t])
        print(f"  plan at {t}: reorder point {s!r}, order-up-to {top!r}")
