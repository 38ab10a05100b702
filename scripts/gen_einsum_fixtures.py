"""Writes tests/fixtures/einsum/*.json: NumPy 2.4's answers for npdot's einsum fixtures
(format in einsum_cases.py), replayed by tests/products/einsum_fixtures.rs.

    /path/to/python-with-numpy-2.4 scripts/gen_einsum_fixtures.py

features.json: every feature x every dtype (C-order operands). layouts.json: a subset of the
features x four dtypes x transposed / reversed / stepped / broadcast operands. errors.json:
every error of NumPy's einsum (optimize=False), with its text. zero_diagonals.json: repeated
labels with zero-length occurrences, where NumPy's single-operand view takes a zero length for
"not yet sized" (its empty views are exact; its views with elements read outside an empty
operand and are marked `out_of_bounds_view`).
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from einsum_cases import DTYPES, evaluate, make_operand  # noqa: E402

assert np.__version__.startswith("2.4"), np.__version__
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "einsum")

FEATURES = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("ij,jk", [(3, 4), (4, 5)]),
    ("ij,jk,kl->il", [(3, 4), (4, 2), (2, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 3)]),
    ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]),
    ("ijk,jkl->il", [(2, 3, 4), (3, 4, 5)]),
    ("ij,ij->i", [(4, 5), (4, 5)]),
    ("ij,ij->ij", [(4, 5), (4, 5)]),
    ("ij,ij->", [(4, 5), (4, 5)]),
    ("i,j->ij", [(4,), (5,)]),
    ("i,i", [(6,), (6,)]),
    ("i,i->i", [(6,), (6,)]),
    ("ii->", [(4, 4)]),
    ("ii", [(4, 4)]),
    ("ij->ji", [(3, 4)]),
    ("ii->i", [(4, 4)]),
    ("...ij->...ji", [(2, 3, 4)]),
    ("ij->ij", [(3, 4)]),
    ("ij->j", [(3, 4)]),
    ("ij->i", [(3, 4)]),
    ("ij->", [(3, 4)]),
    ("ji", [(3, 4)]),
    ("aB", [(3, 4)]),
    ("Ab,bC", [(3, 4), (4, 2)]),
    ("iij->j", [(3, 3, 4)]),
    ("iij->ij", [(3, 3, 4)]),
    ("iij->ji", [(3, 3, 4)]),
    ("iji->ij", [(3, 4, 3)]),
    ("i...i->...", [(3, 2, 3)]),
    ("i...i->i...", [(3, 2, 3)]),
    ("ii,ii->i", [(3, 3), (3, 3)]),
    ("ij...,jk...", [(2, 3, 4), (3, 5, 1)]),
    ("ij...,jk...->...", [(2, 3, 4), (3, 5, 4)]),
    ("...ij,...jk->...ik", [(2, 1, 3, 4), (3, 4, 2)]),
    ("...i,...i", [(2, 3), (1, 2, 3)]),
    ("i...,i...->...", [(3, 2), (3, 2)]),
    ("...,...", [(2, 3), (3,)]),
    ("i,i", [(1,), (3,)]),
    ("ij,j", [(2, 3), (1,)]),
    ("ij,ij->ij", [(1, 3), (2, 1)]),
    ("ii,ii->i", [(1, 1), (2, 2)]),
    (",", [(), ()]),
    (",->", [(), ()]),
    ("", [()]),
    ("->", [()]),
    ("...", [()]),
    ("i,", [(3,), ()]),
    (",ij->ji", [(), (2, 3)]),
    ("ij,jk", [(2, 0), (0, 3)]),
    ("ij,jk->ik", [(0, 2), (2, 3)]),
    ("i->", [(0,)]),
    ("ij->", [(0, 3)]),
    ("ab->ba", [(3, 0)]),
    ("i,j->", [(0,), (3,)]),
    ("ab,cd", [(2, 3), (2, 2)]),
    ("ab,cd->", [(2, 3), (2, 2)]),
    ("a,a,a,a,a", [(3,)] * 5),
    ("a,b,c,d,e->", [(2,), (3,), (1,), (2,), (3,)]),
    ("i ,j", [(2,), (3,)]),
    ("i-> i", [(3,)]),
    (" i j -> j i ", [(2, 3)]),
    ("ab,bc,cd,de,ef,fg->ag", [(2, 3), (3, 4), (4, 2), (2, 3), (3, 2), (2, 4)]),
    ("ab,bc,ca->", [(2, 3), (3, 4), (4, 2)]),
    ("abc,cd,dbe->ae", [(2, 3, 4), (4, 2), (2, 3, 3)]),
    ("ab,ac,ad,ae->bcde", [(2, 2), (2, 3), (2, 2), (2, 3)]),
    ("ij,kl->ijkl", [(2, 3), (2, 2)]),
    ("ij,jk,kl,lm,mn,no,op,pq,qr,rs,st,tu->iu",
     [(2, 3), (3, 2), (2, 3), (3, 2), (2, 3), (3, 2), (2, 3), (3, 2), (2, 3), (3, 2), (2, 3), (3, 2)]),
    ("ijk,ikj->", [(2, 3, 3), (2, 3, 3)]),
    ("ijij->ij", [(2, 3, 2, 3)]),
    ("ijij->", [(2, 3, 2, 3)]),
    ("iIi,Ij->jI", [(3, 2, 3), (2, 4)]),
    # tensor networks: a 3x3 lattice (exact order search) and a 4x4 one (greedy), bond 2
    ("ac,abd,bf,cegh,degi,fj,hk,ikl,jl->", [(2,) * n for n in (2, 3, 2, 4, 4, 2, 2, 3, 2)]),
    ("ab,acd,cef,eg,bhi,dhjk,fjlm,gln,iop,koqr,mqst,nsu,pv,rvw,twx,ux->",
     [(2,) * n for n in (2, 3, 3, 2, 3, 4, 4, 3, 3, 4, 4, 3, 2, 3, 3, 2)]),
    ("ab,bc,cd,de,ef,fg,gh,hi,ij,jk,kl,lm,mn,na->", [(2, 2)] * 14),
]

LAYOUT_FEATURES = [0, 3, 4, 5, 6, 9, 12, 14, 15, 16, 19, 25, 31, 33, 61, 62, 63]

ERRORS = [
    ("ij,jk", [(2, 3), (4, 5)]),
    ("ij,jk,kl", [(2, 3), (4, 5), (6, 7)]),
    ("i,i", [(2,), (3,)]),
    ("i,i", [(0,), (2,)]),
    ("...i,...i", [(2, 3), (4, 3)]),
    ("i...j,j...k->i...k", [(2, 3, 4), (4, 5, 6)]),
    ("ii,i", [(3, 3), (4,)]),
    ("ij,jk->ik", [(2, 3), (3, 5), (3,)]),
    ("ij,jk->ik", [(2, 3)]),
    ("ij", [(2,)]),
    ("i...j", [(2,)]),
    ("i", [(2, 3)]),
    ("i,j", [(2, 0), (3,)]),
    ("i->.", [(2,)]),
    ("i->..", [(2,)]),
    ("i->....", [(2,)]),
    ("i->......", [(2,)]),
    (".i", [(2,)]),
    ("....i", [(2,)]),
    ("i,..", [(2,), (2,)]),
    ("i-j", [(2,)]),
    ("i-", [(2,)]),
    ("i - >i", [(2,)]),
    ("i>", [(2,)]),
    ("i0", [(2, 2)]),
    ("i->j->k", [(2,)]),
    ("i,j->k", [(2,), (3,)]),
    ("i->ii", [(2,)]),
    ("i->iji", [(2,)]),
    ("ii", [(2, 3)]),
    ("ii->i", [(2, 3)]),
    ("iij->ij", [(2, 3, 3)]),
    ("jii->j", [(2, 3, 4)]),
    ("i...->", [(2, 3)]),
    ("...->", [(2, 3)]),
    ("i...j,j...k->ik", [(2, 3, 4), (4, 5, 6)]),
    ("\u00e9", [(2,)]),
    ("ij,\u00e9\u00e8", [(2,), (3,)]),
    ("ij,\u00e9a\u00e8", [(2,), (3,)]),
    ("ij,\u20ac", [(2,), (3,)]),
    ("ij,\U0001F600", [(2,), (3,)]),
    ("i\x00\u00e9", [(2,)]),
    ("\x00", [(2,), (3,)]),
    ("i\x00j", [(2,)]),
    ("a", []),
    (",".join("a" * 64), [(2,)] * 64),
    (",".join("a" * 63), [(2,)] * 63),
    ("...,...," + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
     [(1,) * 64, (1,) * 20, (1,) * 52]),
    ("...,abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ->...abc", [(1,) * 64, (1,) * 52]),
    ("...,abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ->abc...", [(1,) * 64, (1,) * 52]),
    ("...,abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ->...", [(1,) * 13, (1,) * 52]),
    ("...,abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ->a...", [(1,) * 12, (1,) * 52]),
]

# Zero-length occurrences of repeated labels (every dtype's behaviour is the same: two dtypes).
ZERO_DIAGONALS = [
    ("ii->i", [(0, 0)]),
    ("ii->i", [(0, 3)]),
    ("ii->i", [(0, 1)]),
    ("ii->i", [(3, 0)]),
    ("ii->i", [(1, 0)]),
    ("ii", [(0, 0)]),
    ("ii", [(0, 3)]),
    ("ii", [(3, 0)]),
    ("ii->", [(0, 0)]),
    ("ii->", [(0, 3)]),
    ("ii->", [(3, 0)]),
    ("iij->ij", [(0, 3, 0)]),
    ("iij->ji", [(0, 3, 0)]),
    ("iij->ij", [(0, 0, 2)]),
    ("iij->ij", [(0, 3, 2)]),
    ("iij->ij", [(3, 0, 2)]),
    ("iij->ij", [(3, 0, 0)]),
    ("iij->j", [(0, 3, 2)]),
    ("iij->j", [(0, 0, 2)]),
    ("iij->", [(0, 3, 2)]),
    ("iij", [(0, 0, 2)]),
    ("iji->ij", [(0, 0, 3)]),
    ("iji->ji", [(0, 0, 3)]),
    ("iji->ij", [(0, 2, 3)]),
    ("iii->i", [(0, 0, 3)]),
    ("iii->i", [(0, 3, 0)]),
    ("iii->i", [(3, 0, 0)]),
    ("iii->i", [(0, 0, 0)]),
    ("ijij->ij", [(0, 2, 0, 0)]),
    ("ijij->ij", [(0, 0, 3, 2)]),
    ("ijij->ij", [(0, 2, 3, 0)]),
    ("ijji->ji", [(0, 0, 0, 3)]),
    ("...ii->...i", [(0, 0, 3)]),
    ("...ii->...i", [(2, 0, 3)]),
    ("...ii->i...", [(0, 0, 3)]),
    ("i...i->i...", [(0, 0, 3)]),
    ("i...i->i...", [(0, 2, 3)]),
    ("ii,i->i", [(0, 3), (3,)]),
    ("ii,i->i", [(0, 0), (0,)]),
    ("ii,j->ij", [(0, 0), (2,)]),
]

# Huge broadcast operands (stride 0): iterator and allocation limits, int8.
HUGE = [
    ("i,j", [(10**10,), (10**10,)]),
    ("i,j->", [(10**10,), (10**10,)]),
    ("i,j,k->kij", [(10**10,), (10**10,), (0,)]),
    ("i,j,k->ijk", [(10**10,), (10**10,), (0,)]),
    ("i,j,k->k", [(10**10,), (10**10,), (0,)]),
    ("k,i,j->k", [(0,), (10**10,), (10**10,)]),
    ("i,j->ij", [(2**32,), (2**31,)]),
    ("i,i->i", [(2**61,), (2**61,)]),
    ("i,j->ij", [(2**61,), (2,)]),
]


def case(rng, sub, shapes, dtype, layout):
    bases, views = [], []
    for sh in shapes:
        b, ops, _ = make_operand(rng, dtype, sh, layout if len(sh) else "c")
        bases.append(b)
        views.append(ops)
    return evaluate(sub, dtype, bases, views)


def huge_case(sub, shapes):
    bases = [np.ones((1,) * len(sh), np.int8) for sh in shapes]
    views = [[["bcast", list(sh)]] for sh in shapes]
    return evaluate(sub, "int8", bases, views)


def main():
    rng = np.random.default_rng(20260)
    os.makedirs(OUT, exist_ok=True)
    feats = [case(rng, s, sh, dt, "c") for s, sh in FEATURES for dt in DTYPES]
    lays = [case(rng, FEATURES[i][0], FEATURES[i][1], dt, lay)
            for i in LAYOUT_FEATURES for dt in ["float64", "int64", "complex128", "bool"]
            for lay in ["T", "neg", "step", "bcast"]]
    errs = [case(rng, s, sh, dt, "c") for s, sh in ERRORS for dt in ["float64", "int32"]]
    errs += [huge_case(s, sh) for s, sh in HUGE]
    zeros = [case(rng, s, sh, dt, lay) for s, sh in ZERO_DIAGONALS for dt in ["float64", "int32"]
             for lay in ["c", "T"]]
    # A contraction whose summed labels merge into two strided axes of `a` but not one, large
    # enough for npdot's blocked product that reads the operands in place
    # (src/kernels/tensor_gemm). Drawn last, so the cases above keep their draws.
    packed = [case(rng, "ijk,lki->jl", [(32, 16, 32), (16, 32, 32)], dt, "c")
              for dt in ["float64", "float32"]]
    for name, cases in [("features", feats), ("layouts", lays), ("errors", errs),
                        ("zero_diagonals", zeros), ("packed", packed)]:
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(cases, f, separators=(",", ":"))
        print(name, len(cases), sum("error" in c["want"] for c in cases), "errors",
              sum(bool(c["want"].get("view")) for c in cases), "views")


if __name__ == "__main__":
    main()
