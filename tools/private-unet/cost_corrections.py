#!/usr/bin/env python3
"""The design's 2PC cost model with the fixed-point reference's corrections applied (docs/TWO-PARTY.md,
"Decisions that differ from private-unet/DESIGN.md").

The design's model (private-unet/cost_model.py, in the shared design folder, not in this repository) costs a
tiny-shapes U-Net evaluation at ℓ = 37 with the design's procedures. The reference U-Net that milestone 1
built computes something else in four places, and this script re-costs the non-linear layers accordingly,
reusing the design's inventory (element counts per layer kind) and its per-operation constants:

1. ℓ = 42 instead of 37 (decision 5): every per-element cost that carries ring elements grows by 42/37
   (truncations, multiplexers, extensions, the comparisons' digits). HE-OLE cross terms keep their price:
   their CRT plaintext primes (3 × 36 bits) already cover 2ℓ + 15 = 99 bits.
2. exp = (1 + u + u²/2)^64 (decision 7): 7 products with truncation instead of 6, plus the clip.
3. The secure row maximum (decision 8): per softmax element one comparison and one multiplexer (a
   tournament over each row: n − 1 of each per row of n).
4. Σd² in Z_2^52 (decision 6): one ring extension of d per norm element (known-MSB wrap, one COT).

Usage: cost_corrections.py PATH/TO/cost_model.py
Prints the design's non-linear table (v1) and the corrected one side by side, per kind and in total.
"""
import importlib.util
import sys

SCALE = 42 / 37


def load(path):
    spec = importlib.util.spec_from_file_location("design_cost_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # defines the inventory and NONLIN; its __main__ block does not run
    return module


def scaled(cost, ole_bits=0):
    """The bits that carry ring elements scale with ℓ; the HE-OLEs' share (`ole_bits` each) and the COT and
    HE-OLE counts do not."""
    bits, cots, oles = cost
    ring_bits = bits - oles * ole_bits
    if ring_bits < 0:  # the design's lump estimates (rsqrt, reciprocal) are not sums of its parts: kept as they are
        return cost
    return (round(ring_bits * SCALE + oles * ole_bits), cots, oles)


def corrected_table(m):
    C, ops, nl = m.C, m.ops, m.nl
    TR, MUX, CMPA, EXT = scaled(C["TR"]), scaled(C["MUX"]), scaled(C["CMPA"]), scaled(m.EXT)
    OLE = C["OLE"]
    MUL = ops(OLE, OLE)
    table = {}
    for name, (count, cost) in m.NONLIN.items():
        table[name] = (count, scaled(cost, ole_bits=OLE[0]))
    exp = ops(CMPA, MUX, *[ops(OLE, TR)] * 7, TR)  # clip, 7 truncated products, back to f bits
    row_maximum = ops(CMPA, MUX)  # one comparison and one selection per element of the row
    table["softmax exp (clip, (1+x/64)^64)"] = (nl["sm"], ops(exp, row_maximum))
    norm_scale = ops(MUL, TR, scaled((110, 0, 0)), EXT)  # the design's scale, plus d extended to 52 bits
    table["GroupNorm scale (x-mu)*s"] = (nl["gn_elems"], norm_scale)
    table["LayerNorm scale"] = (nl["ln_elems"], norm_scale)
    return table


def totals(table):
    megabytes = sum(n * cost[0] for n, cost in table.values()) / 8e6
    cots = sum(n * cost[1] for n, cost in table.values())
    oles = sum(n * cost[2] for n, cost in table.values())
    return megabytes, cots, oles


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: cost_corrections.py PATH/TO/cost_model.py")
    m = load(sys.argv[1])
    design, corrected = m.NONLIN, corrected_table(m)
    print("| non-linear layer | elements | design: bits/el, MB | corrected: bits/el, MB |")
    print("|---|---|---|---|")
    for name, (count, cost) in design.items():
        new = corrected[name][1]
        print(f"| {name} | {count:,} | {cost[0]:,}, {count * cost[0] / 8e6:.1f} | {new[0]:,}, {count * new[0] / 8e6:.1f} |")
    for label, table in (("design (ℓ = 37)", design), ("corrected (ℓ = 42)", corrected)):
        megabytes, cots, oles = totals(table)
        cpu = cots * m.C["cot_ns"] * 1e-9 + oles * m.C["ole_us"] * 1e-6
        print(f"{label}: {megabytes:.0f} MB/step with silent-OT COTs, {cots / 1e6:.1f} M COTs, {oles / 1e6:.2f} M HE-OLEs, "
              f"CPU (both parties) {cpu:.1f} s; IKNP would add {cots * 16 / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
