"""Random einsum cases answered by a live NumPy 2.4, streamed as JSON lines (one case per
line, format in einsum_cases.py) for tests/products/differential_einsum.rs.

    python scripts/differential_einsum.py SEED COUNT [ONLY_INDEX]

Cases: 1-5 operands over random label sets (upper and lower case), repeated labels
(diagonals), ellipses, implicit and explicit outputs, sizes 0-4 with size-1 broadcasting,
every dtype, every layout (C, transposed, reversed, stepped, broadcast), and about 25% invalid
inputs (bad characters, wrong operand counts, size mismatches, bad outputs, ...).
"""
import json
import sys

import numpy as np

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from einsum_cases import DTYPES, evaluate, make_operand  # noqa: E402

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
LAYOUTS = ["c", "c", "T", "neg", "step", "bcast"]


def gen_case(rng):
    nops = int(rng.choice([1, 1, 2, 2, 2, 3, 3, 4, 5]))
    nlab = int(rng.integers(1, 7))
    pool = list(rng.choice(list(LETTERS), size=nlab, replace=False))
    big = rng.random() < 0.08
    if big:  # larger sizes: BLAS and the blocked integer kernels, not only the small ones
        size = {c: int(rng.integers(5, 13)) for c in pool}
    else:
        size = {c: int(rng.choice([0, 1, 1, 2, 2, 3, 3, 4])) if rng.random() < 0.1
                else int(rng.integers(1, 5)) for c in pool}
    nbcast = int(rng.integers(0, 3))
    bsize = [int(rng.integers(1, 4)) for _ in range(nbcast)]
    use_ellipsis = rng.random() < 0.2
    subs, shapes = [], []
    for _ in range(nops):
        nd = int(rng.integers(0, 4 if big else 5))
        labels = [pool[int(rng.integers(0, nlab))] for _ in range(nd)]
        shape = [size[c] for c in labels]
        # size-1 broadcasting of a labelled dimension
        shape = [1 if (d > 1 and labels.count(c) == 1 and rng.random() < 0.08) else d
                 for c, d in zip(labels, shape)]
        s = "".join(labels)
        if use_ellipsis and rng.random() < 0.7:
            at = int(rng.integers(0, len(labels) + 1))
            nb = int(rng.integers(0, nbcast + 1))
            bs = [bsize[nbcast - nb + i] if rng.random() < 0.8 else 1 for i in range(nb)]
            s = s[:at] + "..." + s[at:]
            shape = shape[:at] + bs + shape[at:]
        subs.append(s)
        shapes.append(shape)
    lhs = ",".join(subs)
    letters = [c for c in lhs if c.isalpha()]
    if rng.random() < 0.4:
        sub = lhs
    else:
        present = sorted(set(letters))
        keep = [c for c in present if rng.random() < 0.5]
        rng.shuffle(keep)
        out = "".join(keep)
        if "..." in lhs:
            at = int(rng.integers(0, len(out) + 1))
            out = out[:at] + "..." + out[at:]
        sub = lhs + "->" + out
    if rng.random() < 0.05:
        sub = sub.replace(",", " , ", 1)
    if rng.random() < 0.25:
        sub, shapes = invalidate(rng, sub, shapes, pool)
    return sub, shapes


def invalidate(rng, sub, shapes, pool):
    kind = int(rng.integers(0, 10))
    if kind == 0 and shapes:  # wrong size somewhere
        i = int(rng.integers(0, len(shapes)))
        if shapes[i]:
            j = int(rng.integers(0, len(shapes[i])))
            shapes[i][j] = shapes[i][j] + int(rng.integers(1, 3))
    elif kind == 1:  # one operand too many or too few
        if rng.random() < 0.5 and len(shapes) > 1:
            shapes = shapes[:-1]
        else:
            shapes = shapes + [[2]]
    elif kind == 2:  # a character that is not a label
        c = str(rng.choice(list("0#_!.-+>?é,")))
        at = int(rng.integers(0, len(sub) + 1))
        sub = sub[:at] + c + sub[at:]
    elif kind == 3:  # repeated or unknown output label
        if "->" not in sub:
            sub = sub + "->"
        sub = sub + str(rng.choice(list(pool) + ["z", "Q"])) * int(rng.integers(1, 3))
    elif kind == 4 and shapes:  # one dimension more or less
        i = int(rng.integers(0, len(shapes)))
        if shapes[i] and rng.random() < 0.5:
            shapes[i] = shapes[i][:-1]
        else:
            shapes[i] = shapes[i] + [2]
    elif kind == 5:  # drop a character
        if sub:
            at = int(rng.integers(0, len(sub)))
            sub = sub[:at] + sub[at + 1:]
    elif kind == 6:  # ellipsis trouble
        sub = sub.replace("->", "->...", 1) if "->" in sub else sub + "->" + ".."
    elif kind == 7:  # diagonal of unequal dims
        if shapes and len(shapes[0]) >= 1:
            c = str(pool[0])
            sub = c + sub
            shapes[0] = [shapes[0][0] + 1] + shapes[0]
    elif kind == 8:
        sub = sub.replace("->", "-", 1) if "->" in sub else sub + "->->"
    else:  # zero operands' worth of subscripts
        sub = sub.replace(",", "", 1)
    return sub, shapes


def main():
    seed = int(sys.argv[1])
    count = int(sys.argv[2])
    only = int(sys.argv[3]) if len(sys.argv) > 3 else None
    out = sys.stdout
    for idx in range(count):
        if only is not None and idx != only:
            continue
        rng = np.random.default_rng([seed, idx])
        sub, shapes = gen_case(rng)
        dtype = str(rng.choice(DTYPES))
        bases, views = [], []
        for sh in shapes:
            layout = str(rng.choice(LAYOUTS))
            b, ops, _ = make_operand(rng, dtype, sh, layout)
            bases.append(b)
            views.append(ops)
        case = evaluate(sub, dtype, bases, views)
        case["index"] = idx
        out.write(json.dumps(case) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
