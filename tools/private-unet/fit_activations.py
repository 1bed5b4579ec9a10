#!/usr/bin/env python3
"""Least-squares fits of the even parts of SiLU and GELU for the fixed-point reference U-Net.

f(x) = x/2 + g(|x|), with g(a) = a/2 * tanh(a/2) (SiLU) or a/2 * erf(a/sqrt 2) (GELU). g is fitted
piecewise on a = |x|: segment [lo, lo + w) with w a power of two, as a polynomial in t = (a - lo)/w in
[0, 1); beyond the last segment g(a) = a/2 (so f(x) = relu(x)). Prints the coefficients (lowest degree
first) for Sources/PrivateUNet/ActivationCoefficients.swift and the float and 12-fraction-bit integer
errors over a dense grid of [-16, 16].

Usage: /work/main/.venv-fixtures/bin/python tools/private-unet/fit_activations.py
"""
import math
import numpy as np

def silu_even(a):
    return a / 2 * np.tanh(a / 2)

def gelu_even(a):
    erf = np.vectorize(math.erf)
    return a / 2 * erf(a / math.sqrt(2))

SPECS = {
    "silu": (silu_even, [(0.0, 2.0, 4), (2.0, 2.0, 4), (4.0, 4.0, 3), (8.0, 8.0, 2)], lambda x: x / (1 + np.exp(-x))),
    "gelu": (gelu_even, [(0.0, 1.0, 4), (1.0, 1.0, 4), (2.0, 2.0, 4), (4.0, 4.0, 1)],
             lambda x: x / 2 * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))),
}

def fit(g, segments):
    out = []
    for lo, w, degree in segments:
        t = np.linspace(0, 1, 4001)
        # Chebyshev-like weighting is not needed at these degrees; plain least squares.
        coeffs = np.polynomial.polynomial.polyfit(t, g(lo + w * t), degree)
        out.append((lo, w, coeffs))
    return out

def evaluate_int(x, segments, f=12):
    """Integer evaluation as Sources/PrivateUNet does it: Horner with floor truncation by f."""
    X = np.floor(x * 2**f + 0.5).astype(np.int64)
    A = np.abs(X)
    res = np.zeros_like(X)
    end = segments[-1][0] + segments[-1][1]
    done = np.zeros(X.shape, dtype=bool)
    for lo, w, coeffs in segments:
        shift = int(math.log2(w))
        inside = (A >= int(lo * 2**f)) & (A < int((lo + w) * 2**f)) & ~done
        T = (A - int(lo * 2**f)) >> shift
        C = [int(np.floor(c * 2**f + 0.5)) for c in coeffs]
        acc = np.full_like(X, C[-1])
        for c in reversed(C[:-1]):
            acc = ((acc * T) >> f) + c
        res = np.where(inside, acc, res)
        done |= inside
    res = np.where(A >= int(end * 2**f), A >> 1, res)
    return ((X >> 1) + res) / 2**f

for name, (g, segments, exact) in SPECS.items():
    fitted = fit(g, segments)
    x = np.linspace(-16, 16, 320001)
    a = np.abs(x)
    approx = x / 2 + np.select(
        [(a >= lo) & (a < lo + w) for lo, w, _ in fitted],
        [np.polynomial.polynomial.polyval((a - lo) / w, c) for lo, w, c in fitted],
        default=a / 2)
    float_err = np.max(np.abs(approx - exact(x)))
    int_err = np.max(np.abs(evaluate_int(x, fitted) - exact(x)))
    print(f"// {name}: max |error| float {float_err:.2e}, integer (f = 12) {int_err:.2e} on [-16, 16]")
    for lo, w, c in fitted:
        print(f"    .init(lowerBound: {lo}, width: {w}, coefficients: [{', '.join(f'{v:.10f}' for v in c)}]),")
