#!/usr/bin/env python3
"""An independent reimplementation of partsd's Willemain bootstrap (DemandBootstrap.swift),
written from the paper and the comments, not the Swift, to check the unit tests' answers.

Willemain, Smart & Schwarz (2004), IJF 20(3): a two-state Markov chain for occurrence started
from the last period's state; sizes resampled from the nonzero history with jitter
X* = 1 + INT(X + Z*sqrt(X)), X* = X when that is <= 0; SplitMix64 draws seeded from a fixed
seed and the series; a period the interval's end cuts counts its demand when a uniform point
in it falls inside. Prints the mean, variance and E[(D - k)+] of D_{L+R}, D_L and D_R.

usage: deploy/bootstrap_reference.py LEAD REVIEW REPLICATIONS V1 V2 ...
"""
import math
import struct
import sys
from statistics import NormalDist

MASK = (1 << 64) - 1
SEED = 0x7061727473640001


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def unit(self):
        return ((self.next() >> 11) + 0.5) * 2.0 ** -53

    def normal(self):
        return NormalDist().inv_cdf(self.unit())


def mix(value):
    return SplitMix64(value).next()


def seeded(seed, values):
    h = mix(seed)
    for v in values:
        h = mix(h ^ struct.unpack('<Q', struct.pack('<d', float(v)))[0])
    return SplitMix64(h)


def chain(values):
    n = {(a, b): 0 for a in (0, 1) for b in (0, 1)}
    for a, b in zip(values, values[1:]):
        n[(int(a > 0), int(b > 0))] += 1
    share = sum(1 for v in values if v > 0) / len(values)
    def est(s):
        total = n[(s, 0)] + n[(s, 1)]
        return n[(s, 1)] / total if total else share
    return est(0), est(1), values[-1] > 0


def jitter(x, rng):
    z = rng.normal()
    j = 1 + math.trunc(x + z * math.sqrt(x))
    return j if j > 0 else int(x)


def run(values, lead, review, replications, seed=SEED):
    after_none, after_demand, last = chain(values)
    sizes = [v for v in values if v > 0]
    end = lead + review
    periods = math.ceil(end)
    rng = seeded(seed, values)
    draws = {'protection': [], 'lead': [], 'review': []}
    for _ in range(replications):
        demand = last
        in_lead = in_prot = 0
        for p in range(periods):
            demand = rng.unit() < (after_demand if demand else after_none)
            if not demand:
                continue
            size = jitter(sizes[min(len(sizes) - 1, int(rng.unit() * len(sizes)))], rng)
            cut = (p < lead < p + 1) or (p < end < p + 1)
            at = p + rng.unit() if cut else p
            if at < end:
                in_prot += size
            if at < lead:
                in_lead += size
        draws['protection'].append(in_prot)
        draws['lead'].append(in_lead)
        draws['review'].append(in_prot - in_lead)
    return (after_none, after_demand, last), draws


def main():
    lead, review, replications = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    values = [float(v) for v in sys.argv[4:]]
    (a, b, last), draws = run(values, lead, review, replications)
    print(f'P(demand|none) {a!r} P(demand|demand) {b!r} last had demand {last}')
    for name, d in draws.items():
        mean = sum(d) / len(d)
        var = sum((x - mean) ** 2 for x in d) / len(d)
        shortage = [sum(max(0, x - k) for x in d) / len(d) for k in range(0, 8)]
        print(name, 'mean', repr(mean), 'variance', repr(var), 'E[(D-k)+] k=0..7', [repr(s) for s in shortage])


if __name__ == '__main__':
    main()
