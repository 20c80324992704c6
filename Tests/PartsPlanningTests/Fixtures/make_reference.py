#!/usr/bin/env python3
"""Reference values for the PartsPlanning tests, computed once by independent libraries.

Made with (the exact versions used to write reference.json):
    Python 3.11.7, statsforecast 2.1.1, numpy 2.4.6, scipy 1.17.1

Forecasts come from Nixtla's statsforecast models, called as a user would:
    SimpleExponentialSmoothing(alpha)  -- SES started at the first observation
    CrostonClassic()                   -- alpha fixed at 0.1 in statsforecast
    CrostonSBA()                       -- CrostonClassic * 0.95 (= 1 - 0.1/2)
    TSB(alpha_d, alpha_p)              -- alpha_d: size, alpha_p: probability
`forecast(y, h=1, fitted=True)` gives the flat forecast ("mean") and the in-sample
one-step-ahead forecasts ("fitted", NaN for the first period, written here as null).
MAE/MSE/RMSE are the errors of those fitted values over the periods that have one.

Whole plans ("plans") are worked through the published formulas in plain Python on top of
statsforecast's forecasts and scipy's quantiles: classification (ADI, CV^2 with the population
standard deviation), method choice (the rule documented in MethodChoice.swift), forecast and
RMSE, lead-time demand, sigma_LTD = sqrt(L*sd_D^2 + mu_D^2*sd_L^2), reorder point (normal:
mean + norm.ppf(SL)*sigma; below 5 units: poisson/nbinom.ppf), order quantity (EOQ or
review-period, rounded up to minimum and pack), order-up-to, position and suggestion.

Distribution values: norm.ppf from scipy.stats; Poisson and negative binomial quantiles from
scipy's poisson.ppf / nbinom.ppf (nbinom with n = mean^2 / (variance - mean),
p = mean / variance: the method-of-moments parameters PartsPlanning uses), and their CDFs summed
in 50-digit decimal arithmetic (exact_cdf), checked against scipy and used to confirm each
scipy quantile is the smallest s with P(N <= s) >= level.

Run (from anywhere):
    python3 -m venv /tmp/sf && /tmp/sf/bin/pip install statsforecast==2.1.1 scipy
    /tmp/sf/bin/python make_reference.py > reference.json
The Swift tests (ReferenceForecastTests.swift, ReferencePlanTests.swift) load reference.json
via Bundle.module (ReferenceData.swift) and
compare to 1e-9 relative.
"""

import json
import math
import sys
from decimal import Decimal, getcontext

import numpy as np
import scipy
import scipy.stats as st
import statsforecast
from statsforecast.models import CrostonClassic, CrostonSBA, SimpleExponentialSmoothing, TSB


def series():
    rng = np.random.RandomState(20240601)
    # Two years of weekly intermittent demand: demand in ~30% of weeks, sizes 1..8.
    occurs = rng.random_sample(104) < 0.3
    sizes = rng.randint(1, 9, size=104)
    long_weekly = [float(s) if o else 0.0 for o, s in zip(occurs, sizes)]
    return {
        "intermittent_leading_zeros": [0, 0, 3, 0, 0, 0, 2, 0, 4, 0, 0, 1, 0, 0, 0, 5, 0, 0, 2, 0, 0, 0, 3, 0, 0, 1],
        "smooth": [12, 15, 11, 14, 13, 16, 12, 15, 14, 13, 12, 17, 15, 14],
        "lumpy_first_period_demand": [7, 0, 0, 1, 0, 25, 0, 0, 0, 2, 0, 0, 14, 0, 3, 0, 0, 0, 0, 40, 0, 1, 0, 0],
        "fractional_litres": [0, 2.5, 0, 0, 0.75, 0, 1.25, 0, 0, 0, 3.5, 0, 0.5, 0, 0, 2.25],
        "decaying": [2, 1, 3, 0, 2, 1, 0, 2, 1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        "single_demand": [0] * 10 + [6] + [0] * 9,
        "long_weekly_random": long_weekly,
    }


def models():
    return [
        ("ses", {"alpha": 0.1}, SimpleExponentialSmoothing(alpha=0.1)),
        ("ses", {"alpha": 0.3}, SimpleExponentialSmoothing(alpha=0.3)),
        ("croston", {"alpha": 0.1}, CrostonClassic()),
        ("sba", {"alpha": 0.1}, CrostonSBA()),
        ("tsb", {"alpha": 0.1, "beta": 0.1}, TSB(alpha_d=0.1, alpha_p=0.1)),
        ("tsb", {"alpha": 0.2, "beta": 0.05}, TSB(alpha_d=0.2, alpha_p=0.05)),
    ]


def clean(x):
    x = float(x)
    return None if math.isnan(x) else x


def forecasts():
    out = []
    for name, values in series().items():
        y = np.asarray(values, dtype=np.float64)
        for method, params, model in models():
            res = model.forecast(y=y, h=1, fitted=True)
            fitted = [clean(v) for v in res["fitted"]]
            errors = [v - f for v, f in zip(values, fitted) if f is not None]
            mse = sum(e * e for e in errors) / len(errors)
            out.append({
                "series": name,
                "values": [float(v) for v in values],
                "method": method,
                "alpha": params["alpha"],
                "beta": params.get("beta"),
                "forecast": float(res["mean"][0]),
                "fitted": fitted,
                "mae": sum(abs(e) for e in errors) / len(errors),
                "mse": mse,
                "rmse": math.sqrt(mse),
            })
    return out


def normal():
    ps = [1e-12, 1e-6, 0.001, 0.02, 0.05, 0.075, 0.1, 0.25, 0.5, 0.6, 0.8, 0.9, 0.925, 0.95,
          0.975, 0.98, 0.99, 0.995, 0.999, 0.999999, 1 - 1e-12]
    return [{"p": p, "z": float(st.norm.ppf(p))} for p in ps]


def exact_cdf(k, mean, variance=None):
    """P(N <= k) in 50-digit decimal arithmetic, for Poisson(mean) or, when variance > mean,
    the negative binomial with r = mean^2/(variance-mean), p = mean/variance. The doubles
    given are taken as exact. Used because scipy's nbinom loses ~1e-9 when variance is
    barely above the mean (it works from p, and 1 - p then cancels)."""
    getcontext().prec = 50
    m = Decimal(mean)
    if k < 0:
        return 0.0
    if variance is None or Decimal(variance) <= m:
        term = (-m).exp()
        total = term
        for j in range(1, k + 1):
            term = term * m / j
            total += term
        return float(total)
    v = Decimal(variance)
    q = (v - m) / v
    r = m * m / (v - m)
    term = (r * (m / v).ln()).exp()
    total = term
    for j in range(1, k + 1):
        term = term * (r + j - 1) / j * q
        total += term
    return float(total)


def discrete_case(mean, variance, level, q):
    at = exact_cdf(q, mean, variance)
    below = exact_cdf(q - 1, mean, variance)
    # scipy's quantile must be the smallest s with P(N <= s) >= level under the exact CDF.
    assert at >= level > below, (mean, variance, level, q, at, below)
    case = {"mean": mean, "level": level, "quantile": q, "cdfAtQuantile": at, "cdfBelowQuantile": below}
    if variance is not None:
        case["variance"] = variance
    return case


def poisson():
    cases = []
    for mean in [0.1, 0.5, 1.0, 2.0, 3.7, 4.99, 20.0, 250.0, 1000.0]:
        for level in [0.5, 0.9, 0.95, 0.98, 0.99]:
            q = int(st.poisson.ppf(level, mean))
            case = discrete_case(mean, None, level, q)
            assert abs(case["cdfAtQuantile"] - st.poisson.cdf(q, mean)) < 1e-9
            cases.append(case)
    return cases


def negative_binomial():
    cases = []
    for mean, variance in [(0.5, 1.2), (1.0, 3.0), (2.0, 2.5), (3.7, 12.0), (4.5, 40.0),
                           (20.0, 60.0), (1000.0, 1500.0), (2.0, 2.0000001)]:
        r = mean * mean / (variance - mean)
        p = mean / variance
        for level in [0.5, 0.9, 0.95, 0.98, 0.99]:
            q = int(st.nbinom.ppf(level, r, p))
            case = discrete_case(mean, variance, level, q)
            assert abs(case["cdfAtQuantile"] - st.nbinom.cdf(q, r, p)) < 1e-6
            cases.append(case)
    return cases


def sf_forecast(method, y, alpha, beta):
    if method == "ses":
        model = SimpleExponentialSmoothing(alpha=alpha)
    elif method == "sba":
        assert alpha == 0.1  # statsforecast fixes CrostonSBA's alpha at 0.1
        model = CrostonSBA()
    elif method == "tsb":
        model = TSB(alpha_d=alpha, alpha_p=beta)
    else:
        raise ValueError(method)
    res = model.forecast(y=np.asarray(y, dtype=np.float64), h=1, fitted=True)
    fitted = res["fitted"]
    errors = [v - f for v, f in zip(y, fitted) if not math.isnan(f)]
    rmse = math.sqrt(sum(e * e for e in errors) / len(errors))
    return float(res["mean"][0]), rmse


def round_up(q, minimum, pack):
    if q <= 1e-9:
        return 0.0
    q = max(q, minimum)
    packs = q / pack
    nearest = round(packs)
    whole = nearest if abs(packs - nearest) <= 1e-9 * max(1, nearest) else math.ceil(packs)
    return max(1, whole) * pack


def plan(case):
    y = [float(v) for v in case["values"]]
    n = len(y)
    sizes = np.array([v for v in y if v > 0])
    alpha, beta = 0.1, 0.1
    if sizes.size == 0:
        klass, adi, cv2 = "none", None, None
    else:
        adi = n / sizes.size
        cv2 = float(np.std(sizes, ddof=0) / np.mean(sizes)) ** 2
        if n < 13 or sizes.size < 2:
            klass = "new"
        elif adi < 1.32:
            klass = "smooth" if cv2 < 0.49 else "erratic"
        else:
            klass = "intermittent" if cv2 < 0.49 else "lumpy"
    if klass == "none":
        method, forecast, rmse = "none", 0.0, 0.0
    else:
        if klass == "new":
            method = "ses"
        else:
            # Decay rule: final TSB probability (SES of the demand indicator started at its
            # first value) below half the share of periods with demand, or 26 quiet periods.
            ind = [1.0 if v > 0 else 0.0 for v in y]
            prob = ind[0]
            for v in ind:
                prob = beta * v + (1 - beta) * prob
            share = sizes.size / n
            quiet = 0
            for v in reversed(y):
                if v > 0:
                    break
                quiet += 1
            if prob < 0.5 * share or quiet >= 26:
                method = "tsb"
            elif klass in ("intermittent", "lumpy"):
                method = "sba"
            else:
                method = "ses"
        forecast, rmse = sf_forecast(method, y, alpha, beta)
    L, sdL = case["leadTime"], case["leadTimeSD"]
    level = case["serviceLevel"]
    mean = forecast * L
    sigma = math.sqrt(L * rmse * rmse + forecast * forecast * sdL * sdL)
    if mean < 5:
        var = sigma * sigma
        if mean > 0 and var > mean * (1 + 1e-9):
            model = "negativeBinomial"
            r = mean * mean / (var - mean)
            rop = float(st.nbinom.ppf(level, r, mean / var))
        else:
            model = "poisson"
            rop = float(st.poisson.ppf(level, mean)) if mean > 0 else 0.0
        ss = rop - mean
    else:
        model = "normal"
        ss = float(st.norm.ppf(level)) * sigma
        rop = mean + ss
    if case.get("orderingCost") is not None:
        eoq = math.sqrt(2 * forecast * 52 * case["orderingCost"] / (case["holdingRate"] * case["unitCost"]))
        q_raw, basis = eoq, "eoq"
    else:
        q_raw, basis = forecast * 4, "reviewPeriod"
    q = round_up(q_raw, case["minimum"], case["pack"])
    out = rop + q
    pos = case["onHand"] + case["onOrder"] - case["reserved"] - case["backOrdered"]
    suggestion = round_up(out - pos, case["minimum"], case["pack"]) if pos <= rop else 0.0
    result = dict(case)
    result.update({
        "expected": {
            "class": klass, "adi": adi, "cv2": cv2, "method": method, "forecast": forecast,
            "rmse": rmse, "meanLTD": mean, "sigmaLTD": sigma, "model": model,
            "safetyStock": ss, "reorderPoint": rop, "orderBasis": basis, "orderQuantity": q,
            "orderUpTo": out, "position": pos, "suggestedOrder": suggestion,
        }
    })
    return result


def plans():
    s = series()
    base = {"leadTimeSD": 0.0, "onHand": 0.0, "onOrder": 0.0, "reserved": 0.0, "backOrdered": 0.0,
            "minimum": 0.0, "pack": 1.0, "orderingCost": None, "holdingRate": None, "unitCost": None}
    cases = [
        dict(base, name="intermittent C", values=s["intermittent_leading_zeros"], abc="C",
             serviceLevel=0.90, leadTime=2.0, onHand=1.0),
        dict(base, name="smooth A with EOQ", values=s["smooth"], abc="A", serviceLevel=0.98,
             leadTime=1.5, leadTimeSD=0.5, onHand=20.0, onOrder=10.0, reserved=5.0, backOrdered=2.0,
             minimum=50.0, pack=12.0, orderingCost=25.0, holdingRate=0.25, unitCost=40.0),
        dict(base, name="lumpy B packs", values=s["lumpy_first_period_demand"], abc="B",
             serviceLevel=0.95, leadTime=3.0, leadTimeSD=1.0, minimum=10.0, pack=5.0),
        dict(base, name="decaying C", values=s["decaying"], abc="C", serviceLevel=0.90,
             leadTime=2.0, onHand=0.0),
        dict(base, name="obsolescent: probability fell", values=s["decaying"] + [0.0] * 10,
             abc="C", serviceLevel=0.90, leadTime=2.0),
        dict(base, name="obsolescent: half a year quiet", values=s["decaying"] + [0.0] * 16,
             abc="A", serviceLevel=0.98, leadTime=2.0, onHand=1.0),
        dict(base, name="long weekly A", values=s["long_weekly_random"], abc="A", serviceLevel=0.98,
             leadTime=4.0, leadTimeSD=1.0, onHand=3.0, onOrder=2.0),
        dict(base, name="long weekly C above reorder point", values=s["long_weekly_random"],
             abc="C", serviceLevel=0.90, leadTime=4.0, onHand=40.0),
        dict(base, name="no demand with back-orders", values=[0.0] * 20, abc="C", serviceLevel=0.90,
             leadTime=2.0, backOrdered=3.0),
        dict(base, name="new single demand", values=s["single_demand"], abc="B", serviceLevel=0.95,
             leadTime=2.0),
        dict(base, name="fractional litres", values=s["fractional_litres"], abc="C",
             serviceLevel=0.90, leadTime=2.5, pack=0.5),
    ]
    return [plan(c) for c in cases]


def main():
    doc = {
        "generator": "make_reference.py",
        "versions": {
            "python": sys.version.split()[0],
            "statsforecast": statsforecast.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
        "forecasts": forecasts(),
        "normalQuantiles": normal(),
        "poisson": poisson(),
        "negativeBinomial": negative_binomial(),
        "plans": plans(),
    }
    json.dump(doc, sys.stdout, indent=1, allow_nan=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
