#!/usr/bin/python3
"""Fits the rational tanh of assembly/vmath.ts and checks it in float32.

tanh(y) ~ y * P(y^2) / Q(y^2) on [0, 4.5], P and Q of degree 3 in y^2 with P(0) = Q(0) = 1, by
iterated weighted linear least squares (Lawson's reweighting towards the minimax error; the
linearisation divides by the previous Q). The kernel then forms tanh(x) for |x| clamped to 9 as
2u/(1 + u^2) with u = tanh(|x|/2), i.e. 2y*P*Q / (Q^2 + y^2*P^2), and this script evaluates exactly
that in float32, in the kernel's order of operations, over the whole line.

Run: /usr/bin/python3 scripts/fit-tanh.py   (needs numpy only)
"""
import numpy as np

f32 = np.float32


def fit(n_p=4, n_q=4, c=4.5, iters=80):
    y = np.linspace(0, c, 60000)[1:]
    s = y * y
    f = np.tanh(y)
    w = np.ones_like(y)
    q_prev = np.ones_like(y)
    for _ in range(iters):
        # y*(1 + p1 s + ...) - f*(1 + q1 s + ...) = 0, as a linear problem in p1.., q1..
        a = np.hstack([y[:, None] * s[:, None] ** np.arange(1, n_p), -(f[:, None] * s[:, None] ** np.arange(1, n_q))]) / q_prev[:, None]
        b = (f - y) / q_prev
        sw = np.sqrt(w)
        coef, *_ = np.linalg.lstsq(a * sw[:, None], b * sw, rcond=None)
        p = np.concatenate([[1.0], coef[: n_p - 1]])
        q = np.concatenate([[1.0], coef[n_p - 1 :]])
        q_prev = np.polyval(q[::-1], s)
        e = np.abs(y * np.polyval(p[::-1], s) / q_prev - f)
        w = w * (e / e.max() + 1e-3)
        w /= w.sum()
    return [float(f32(v)) for v in p], [float(f32(v)) for v in q]


def horner(c, s):
    v = np.full_like(s, f32(c[-1]))
    for k in c[-2::-1]:
        v = (v * s).astype(f32) + f32(k)
    return v


def tanh32(p, q, x):
    a = np.abs(x)
    a = np.where(f32(9) < a, f32(9), a).astype(f32)
    y = (a * f32(0.5)).astype(f32)
    s = (y * y).astype(f32)
    u = (y * horner(p, s)).astype(f32)
    qq = horner(q, s)
    r = (((u + u).astype(f32) * qq).astype(f32) / ((qq * qq).astype(f32) + (u * u).astype(f32)).astype(f32)).astype(f32)
    return np.copysign(np.where(f32(1) < r, f32(1), r), x)


if __name__ == "__main__":
    p, q = fit()
    print("P", p)
    print("Q", q)
    rng = np.random.default_rng(1)
    x = np.concatenate([np.linspace(-12, 12, 6000001), rng.standard_normal(2000000) * 3, np.arange(-95, 95, 0.731)]).astype(f32)
    err = np.abs(tanh32(p, q, x) - np.tanh(x.astype(np.float64)))
    print("max abs error", err.max(), "at", x[err.argmax()])
    tiny = np.array([1e-6, 3e-5, 0.01, 0.3], dtype=f32)
    print("relative error near 0", np.abs(tanh32(p, q, tiny) / np.tanh(tiny.astype(np.float64)) - 1))
