"""Soft shapes alpha-composited back to front, with the exact gradient of the loss.

A scene is held in arrays. Shape i has a kind (the drawable kinds `CIRCLE`, `ELLIPSE`,
`POLYGON` a convex polygon, of `genart.render.drawables.Kind`; or `MASK`, a fixed coverage
image standing for any other drawable) and geometry `geom[i]` in pixels:
circle `(cx, cy, r)`, ellipse `(cx, cy, rx, ry, angle_rad)`, polygon `(x0, y0, x1, y1, ...)`
with `nv[i]` vertices, mask `(index into masks,)`. Colours are logits: `col_raw[i]` →
sigmoid → RGBA, `bg_raw` → sigmoid → background RGB.

A pixel (x, y) is sampled at its centre (x + 0.5, y + 0.5), as `genart.render.raster` does.
Its coverage by a shape is sigmoid(sharp × signed distance to the edge), inside > 0:
circle r − d; ellipse sqrt(rx·ry)·(1 − k) with k the ellipse's implicit radius; polygon a
product of one sigmoid per edge. As `sharp` grows the coverage becomes the hard inside
test; at `POSTER_SHARPNESS` it is close to an antialiased renderer's box-filtered edge
(slope 1 per pixel), so a scene fitted there looks in its PNG, SVG and PDF as it was fitted.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from genart.generative.gradient.lab import srgb_to_lab
from genart.render.drawables import Kind

CIRCLE, ELLIPSE, POLYGON = int(Kind.CIRCLE), int(Kind.ELLIPSE), int(Kind.POLYGON)
MASK = -1  # not a drawable kind: a shape held fixed, drawn from its coverage mask
GRID = 16  # pixels per side of the cells that bucket shapes by position
CUT = 12.0  # |sharp × distance| beyond which coverage counts as exactly 0 (sigmoid(-12) ≈ 6e-6)
POSTER_SHARPNESS = 5.0  # 1/px: soft edges as wide as the antialiased (cairo, SVG) render's
LAB_SCALE = 0.01  # Lab differences ×0.01 so the loss is on the scale of the RGB one


@numba.njit(cache=True, nogil=True, inline="always")
def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


@numba.njit(cache=True, nogil=True)
def param_count(kind: np.ndarray, nv: np.ndarray) -> np.ndarray:
    """How many leading entries of each geometry row are parameters."""
    out = np.zeros(kind.shape[0], np.int64)
    for i in range(kind.shape[0]):
        if kind[i] == CIRCLE:
            out[i] = 3
        elif kind[i] == ELLIPSE:
            out[i] = 5
        elif kind[i] == POLYGON:
            out[i] = 2 * nv[i]
    return out


@numba.njit(cache=True, nogil=True)
def bounds(kind: np.ndarray, nv: np.ndarray, geom: np.ndarray, sharp: float, h: int, w: int) -> np.ndarray:
    """Per shape (x0, y0, x1, y1): outside it, in pixel-centre coordinates, coverage is 0."""
    n = kind.shape[0]
    out = np.empty((n, 4))
    pad = CUT / sharp
    for i in range(n):
        g = geom[i]
        if kind[i] == CIRCLE:
            e = g[2] + pad
            out[i, 0], out[i, 1], out[i, 2], out[i, 3] = g[0] - e, g[1] - e, g[0] + e, g[1] + e
        elif kind[i] == ELLIPSE:
            big = max(g[2], g[3])
            e = big * (1.0 + pad / math.sqrt(max(g[2] * g[3], 1e-12))) + 1e-9
            out[i, 0], out[i, 1], out[i, 2], out[i, 3] = g[0] - e, g[1] - e, g[0] + e, g[1] + e
        elif kind[i] == POLYGON:
            x0, y0, x1, y1 = np.inf, np.inf, -np.inf, -np.inf
            for j in range(nv[i]):
                x0, x1 = min(x0, g[2 * j]), max(x1, g[2 * j])
                y0, y1 = min(y0, g[2 * j + 1]), max(y1, g[2 * j + 1])
            out[i, 0], out[i, 1], out[i, 2], out[i, 3] = x0 - pad, y0 - pad, x1 + pad, y1 + pad
        else:
            out[i, 0], out[i, 1], out[i, 2], out[i, 3] = 0.0, 0.0, w + 1.0, h + 1.0
    return out


@numba.njit(cache=True, nogil=True)
def _coverage(k: int, nvi: int, g: np.ndarray, x: int, y: int, sharp: float, masks: np.ndarray, dm: np.ndarray) -> float:
    """Coverage of pixel (x, y) by one shape; its derivatives by the geometry go to `dm`.

    Long because: it is the innermost per-pixel kernel, the coverage and derivatives of every soft kind
    written out in one function so that the loop over pixels makes no further calls.
    """
    px, py = x + 0.5, y + 0.5
    if k == CIRCLE:
        dx, dy = px - g[0], py - g[1]
        d = math.sqrt(dx * dx + dy * dy)
        z = sharp * (g[2] - d)
        if z < -CUT:
            return 0.0
        m = _sigmoid(z)
        s = sharp * m * (1.0 - m)
        if d > 1e-12:
            dm[0], dm[1] = s * dx / d, s * dy / d
        else:
            dm[0], dm[1] = 0.0, 0.0
        dm[2] = s
        return m
    if k == ELLIPSE:
        rx, ry = g[2], g[3]
        c, sn = math.cos(g[4]), math.sin(g[4])
        dx, dy = px - g[0], py - g[1]
        u, v = c * dx + sn * dy, -sn * dx + c * dy
        irx2, iry2 = 1.0 / (rx * rx), 1.0 / (ry * ry)
        kk = math.sqrt(u * u * irx2 + v * v * iry2)
        gm = math.sqrt(rx * ry)
        z = sharp * gm * (1.0 - kk)
        if z < -CUT:
            return 0.0
        m = _sigmoid(z)
        s = sharp * m * (1.0 - m)
        if kk > 1e-12:
            dzu = -gm * u * irx2 / kk  # ∂(z/sharp)/∂u
            dzv = -gm * v * iry2 / kk
            dm[0] = s * (-c * dzu + sn * dzv)
            dm[1] = s * (-sn * dzu - c * dzv)
            dm[2] = s * gm * ((1.0 - kk) / (2.0 * rx) + u * u * irx2 / (rx * kk))
            dm[3] = s * gm * ((1.0 - kk) / (2.0 * ry) + v * v * iry2 / (ry * kk))
            dm[4] = s * (dzu * v - dzv * u)
        else:
            dm[0], dm[1], dm[4] = 0.0, 0.0, 0.0
            dm[2] = s * gm / (2.0 * rx)
            dm[3] = s * gm / (2.0 * ry)
        return m
    if k == POLYGON:
        area = 0.0
        for j in range(nvi):
            j1 = (j + 1) % nvi
            area += g[2 * j] * g[2 * j1 + 1] - g[2 * j1] * g[2 * j + 1]
        o = 1.0 if area >= 0.0 else -1.0
        m = 1.0
        for j in range(nvi):  # first pass: coverage, with an early exit far outside
            j1 = (j + 1) % nvi
            ax, ay = g[2 * j], g[2 * j + 1]
            ex, ey = g[2 * j1] - ax, g[2 * j1 + 1] - ay
            length = math.sqrt(ex * ex + ey * ey) + 1e-12
            z = sharp * o * (ex * (py - ay) - ey * (px - ax)) / length
            if z < -CUT:
                return 0.0
            m *= _sigmoid(z)
        for j in range(2 * nvi):
            dm[j] = 0.0
        for j in range(nvi):  # second pass: ∂m/∂z_j = m (1 − σ_j), chained to both end points
            j1 = (j + 1) % nvi
            ax, ay = g[2 * j], g[2 * j + 1]
            bx, by = g[2 * j1], g[2 * j1 + 1]
            ex, ey = bx - ax, by - ay
            length = math.sqrt(ex * ex + ey * ey) + 1e-12
            cross = ex * (py - ay) - ey * (px - ax)
            sj = _sigmoid(sharp * o * cross / length)
            f = m * (1.0 - sj) * sharp * o / length  # ∂m/∂h_j / length, h_j = cross / length
            q = cross / (length * length)  # ∂h_j/∂length × length = −q
            dm[2 * j] += f * ((by - py) + q * ex)
            dm[2 * j + 1] += f * ((px - bx) + q * ey)
            dm[2 * j1] += f * ((py - ay) - q * ex)
            dm[2 * j1 + 1] += f * ((ax - px) - q * ey)
        return m
    return masks[int(g[0]), y, x]


@numba.njit(cache=True, nogil=True)
def _grid(box: np.ndarray, h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Shapes whose box meets each GRID×GRID cell, in depth order: cell c lists
    members[start[c]:start[c + 1]] (a pixel then tests only the shapes near it)."""
    gh, gw = (h + GRID - 1) // GRID, (w + GRID - 1) // GRID
    n = box.shape[0]
    span = np.empty((n, 4), np.int64)  # cell columns x0..x1, rows y0..y1 of each shape
    count = np.zeros(gh * gw + 1, np.int64)
    for i in range(n):
        span[i, 0], span[i, 1] = max(0, int(box[i, 0] // GRID)), min(gw - 1, int(box[i, 2] // GRID))
        span[i, 2], span[i, 3] = max(0, int(box[i, 1] // GRID)), min(gh - 1, int(box[i, 3] // GRID))
        for cy in range(span[i, 2], span[i, 3] + 1):
            for cx in range(span[i, 0], span[i, 1] + 1):
                count[cy * gw + cx + 1] += 1
    start = np.cumsum(count)
    fill = start[:-1].copy()
    members = np.empty(start[-1], np.int64)
    for i in range(n):
        for cy in range(span[i, 2], span[i, 3] + 1):
            for cx in range(span[i, 0], span[i, 1] + 1):
                members[fill[cy * gw + cx]] = i
                fill[cy * gw + cx] += 1
    return start, members


@numba.njit(cache=True, nogil=True)
def _sigmoids(raw: np.ndarray) -> np.ndarray:
    out = np.empty_like(raw)
    flat, src = out.reshape(-1), raw.reshape(-1)
    for i in range(src.size):
        flat[i] = _sigmoid(src[i])
    return out


@numba.njit(cache=True, nogil=True)
def loss_and_grad(
    ys: np.ndarray,
    xs: np.ndarray,
    target: np.ndarray,
    weight: np.ndarray,
    lab: bool,
    kind: np.ndarray,
    nv: np.ndarray,
    geom: np.ndarray,
    col_raw: np.ndarray,
    bg_raw: np.ndarray,
    sharp: float,
    masks: np.ndarray,
    g_geom: np.ndarray,
    g_col: np.ndarray,
    g_bg: np.ndarray,
) -> float:
    """Mean weighted squared error over the sampled pixels (ys, xs), and its gradient.

    `target` is H×W×3 sRGB in [0, 1] (or Lab when `lab`: the loss is then taken on
    LAB_SCALE × Lab), `weight` H×W (or 0×0 for none). Gradients with respect to geom,
    col_raw and bg_raw are written into g_geom, g_col, g_bg (overwritten).

    Long because: the forward composite and the backward pass over each sampled pixel are one loop
    nest, so a pixel's running colour and transmittance stay in local variables, not in arrays.
    """
    n, p = geom.shape
    h, w = target.shape[:2]
    col, bg = _sigmoids(col_raw), _sigmoids(bg_raw)
    box = bounds(kind, nv, geom, sharp, h, w)
    npar = param_count(kind, nv)
    g_geom[:] = 0.0
    g_col[:] = 0.0
    g_bg[:] = 0.0
    act = np.empty(n, np.int64)
    cov = np.empty(n)
    prev = np.empty((n, 3))
    dm = np.empty((n, max(p, 1)))
    c = np.empty(3)
    grad = np.empty(3)
    lab_c = np.empty(3)
    jac = np.empty((3, 3))
    start, members = _grid(box, h, w)
    gw = (w + GRID - 1) // GRID
    total = 0.0
    for b in range(ys.shape[0]):
        y, x = ys[b], xs[b]
        px, py = x + 0.5, y + 0.5
        c[0], c[1], c[2] = bg[0], bg[1], bg[2]
        na = 0
        cell = (y // GRID) * gw + x // GRID
        for k in range(start[cell], start[cell + 1]):
            i = members[k]
            if px < box[i, 0] or px > box[i, 2] or py < box[i, 1] or py > box[i, 3]:
                continue
            m = _coverage(kind[i], nv[i], geom[i], x, y, sharp, masks, dm[na])
            if m <= 0.0:
                continue
            a = col[i, 3] * m
            act[na], cov[na] = i, m
            for ch in range(3):
                prev[na, ch] = c[ch]
                c[ch] += (col[i, ch] - c[ch]) * a
            na += 1
        wt = weight[y, x] if weight.size else 1.0
        if lab:
            srgb_to_lab(c, lab_c, jac)
            r0 = (lab_c[0] - target[y, x, 0]) * LAB_SCALE
            r1 = (lab_c[1] - target[y, x, 1]) * LAB_SCALE
            r2 = (lab_c[2] - target[y, x, 2]) * LAB_SCALE
            total += wt * (r0 * r0 + r1 * r1 + r2 * r2)
            for ch in range(3):
                grad[ch] = 2.0 * wt * LAB_SCALE * (jac[0, ch] * r0 + jac[1, ch] * r1 + jac[2, ch] * r2)
        else:
            for ch in range(3):
                r = c[ch] - target[y, x, ch]
                total += wt * r * r
                grad[ch] = 2.0 * wt * r
        for q in range(na - 1, -1, -1):
            i = act[q]
            a = col[i, 3] * cov[q]
            dlda = 0.0
            for ch in range(3):
                dlda += grad[ch] * (col[i, ch] - prev[q, ch])
                g_col[i, ch] += grad[ch] * a * col[i, ch] * (1.0 - col[i, ch])
            g_col[i, 3] += dlda * cov[q] * col[i, 3] * (1.0 - col[i, 3])
            dldm = dlda * col[i, 3]
            for j in range(npar[i]):
                g_geom[i, j] += dldm * dm[q, j]
            for ch in range(3):
                grad[ch] *= 1.0 - a
        for ch in range(3):
            g_bg[ch] += grad[ch] * bg[ch] * (1.0 - bg[ch])
    scale = 1.0 / max(ys.shape[0], 1)
    g_geom *= scale
    g_col *= scale
    g_bg *= scale
    return total * scale


@numba.njit(cache=True, nogil=True)
def _composite(x, y, kind, nv, geom, col, bg, box, sharp, masks, dm, act, alpha, prev) -> tuple[float, float, float, int]:
    """Colour of pixel (x, y) composited back to front; the shapes covering it go to
    `act` with their effective alphas in `alpha` and the colour under each in `prev`.
    Returns the colour and how many shapes cover the pixel."""
    px, py = x + 0.5, y + 0.5
    c0, c1, c2 = bg[0], bg[1], bg[2]
    na = 0
    for i in range(kind.shape[0]):
        if px < box[i, 0] or px > box[i, 2] or py < box[i, 1] or py > box[i, 3]:
            continue
        m = _coverage(kind[i], nv[i], geom[i], x, y, sharp, masks, dm)
        if m <= 0.0:
            continue
        a = col[i, 3] * m
        prev[na, 0], prev[na, 1], prev[na, 2] = c0, c1, c2
        c0 += (col[i, 0] - c0) * a
        c1 += (col[i, 1] - c1) * a
        c2 += (col[i, 2] - c2) * a
        act[na], alpha[na] = i, a
        na += 1
    return c0, c1, c2, na


@numba.njit(cache=True, nogil=True)
def render_soft(
    h: int,
    w: int,
    kind: np.ndarray,
    nv: np.ndarray,
    geom: np.ndarray,
    col_raw: np.ndarray,
    bg_raw: np.ndarray,
    sharp: float,
    masks: np.ndarray,
) -> np.ndarray:
    """The soft render: H×W×3 in [0, 1]."""
    n, p = geom.shape
    col, bg = _sigmoids(col_raw), _sigmoids(bg_raw)
    box = bounds(kind, nv, geom, sharp, h, w)
    img = np.empty((h, w, 3))
    act, alpha, prev, dm = np.empty(n, np.int64), np.empty(n), np.empty((n, 3)), np.empty(max(p, 1))
    for y in range(h):
        for x in range(w):
            c0, c1, c2, _ = _composite(x, y, kind, nv, geom, col, bg, box, sharp, masks, dm, act, alpha, prev)
            img[y, x, 0], img[y, x, 1], img[y, x, 2] = c0, c1, c2
    return img


@numba.njit(cache=True, nogil=True)
def removal_costs(
    target: np.ndarray,
    weight: np.ndarray,
    kind: np.ndarray,
    nv: np.ndarray,
    geom: np.ndarray,
    col_raw: np.ndarray,
    bg_raw: np.ndarray,
    sharp: float,
    masks: np.ndarray,
) -> np.ndarray:
    """How much the weighted RGB squared error (summed over pixels) would grow without each shape.

    Exact for one shape at a time: removing shape i changes a pixel's colour by
    −T_i · a_i · (c_i − C_(i−1)), T_i being the transparency of everything in front of it.
    """
    h, w = target.shape[:2]
    n, p = geom.shape
    col, bg = _sigmoids(col_raw), _sigmoids(bg_raw)
    box = bounds(kind, nv, geom, sharp, h, w)
    cost = np.zeros(n)
    act, alpha, prev, dm = np.empty(n, np.int64), np.empty(n), np.empty((n, 3)), np.empty(max(p, 1))
    for y in range(h):
        for x in range(w):
            c0, c1, c2, na = _composite(x, y, kind, nv, geom, col, bg, box, sharp, masks, dm, act, alpha, prev)
            wt = weight[y, x] if weight.size else 1.0
            r0, r1, r2 = c0 - target[y, x, 0], c1 - target[y, x, 1], c2 - target[y, x, 2]
            base = r0 * r0 + r1 * r1 + r2 * r2
            t = 1.0
            for q in range(na - 1, -1, -1):
                i = act[q]
                f = t * alpha[q]
                e0 = r0 - f * (col[i, 0] - prev[q, 0])
                e1 = r1 - f * (col[i, 1] - prev[q, 1])
                e2 = r2 - f * (col[i, 2] - prev[q, 2])
                cost[i] += wt * (e0 * e0 + e1 * e1 + e2 * e2 - base)
                t *= 1.0 - alpha[q]
    return cost
