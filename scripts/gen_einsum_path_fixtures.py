#!/usr/bin/env python3
"""NumPy 2.4's `np.einsum_path` answers for npdot's `einsum_path`.

Two modes, same cases and same format:

    python scripts/gen_einsum_path_fixtures.py            # writes tests/fixtures/einsum_path/*.json
    python scripts/gen_einsum_path_fixtures.py --stream SEED COUNT [FIRST]
                                                          # JSON lines on stdout (live differential;
                                                          # 'optimal' only up to 6 operands there)

Requires numpy==2.4.* (refuses any other version). Deterministic: fixed seeds drive every
choice, so running it twice gives byte-identical files.

Case format (one JSON object per case):

    {"id": "greedy-0042", "subscripts": "ab,...b->a", "shapes": [[2, 3], [4, 1, 3]],
     "optimize": "greedy" | "optimal" | "off" | ["greedy", limit] | ["optimal", limit],
                                                     # "off" is optimize=False
     "path": [[0, 1], ...], "report": "<NumPy's report>"}      # success
     or "error": "<the text npdot must print>", "exception": "ValueError"

Operands are arrays of the given shapes (only shapes matter; the test builds zero-stride views
so huge shapes cost nothing).

The ellipsis letters. NumPy names the dimensions of `...` with letters the subscripts leave
unused, in the iteration order of a Python `set` (`einsum_symbols_set - set(used)`), which
depends on the interpreter's hash seed; the letters then also decide the order of labels in
intermediates (sorted by size, then letter). npdot takes the unused letters in ASCII order. So
that the report can be compared byte for byte, this script runs NumPy's own `einsum_path` with
that one set replaced by an object whose difference lists the unused letters in ASCII order;
nothing else in NumPy is touched. For every case it also runs the unpatched NumPy and asserts
that the path, the error type and the five count lines of the report are the same (they do not
depend on the letters), so the only liberty is the choice of letters.

Errors. `text` is NumPy's `str(exception)` for the `ValueError`s of its parser. Where NumPy fails
with a Python artefact instead of a message, the case stores npdot's chosen text:
  IndexError 'list index out of range' (a term with `...` past the last operand)
      -> "Number of einsum subscripts must be equal to the number of operands."
  IndexError 'string index out of range' (NumPy prints the N-th character of the subscripts
      for operand N and there is none)
      -> "Einstein sum subscript for operand N does not contain the correct number of indices."
  KeyError ',' (a comma in the output, also present in the input)
      -> "Character , is not a valid symbol."
  OverflowError: Python's own text, which npdot prints too.
"""

import json
import os
import random
import sys

import numpy as np
import numpy._core.einsumfunc as ef

assert np.__version__.startswith("2.4"), f"numpy 2.4.* required, found {np.__version__}"

SYMBOLS = ef.einsum_symbols
ORIGINAL_SET = ef.einsum_symbols_set


class AsciiOrderedSymbols:
    """Stands in for `einsum_symbols_set`: `self - used` lists unused letters in ASCII order."""

    def __sub__(self, other):
        return [c for c in SYMBOLS if c not in other]


def huge(shape):
    """An array of `shape` without memory (zero strides)."""
    return np.lib.stride_tricks.as_strided(np.zeros(1), shape=shape, strides=(0,) * len(shape))


def run(subscripts, shapes, optimize, patched):
    ops = [huge(s) for s in shapes]  # outside the try: a shape NumPy cannot hold is a bug here
    ef.einsum_symbols_set = AsciiOrderedSymbols() if patched else ORIGINAL_SET
    try:
        opt = tuple(optimize) if isinstance(optimize, list) else optimize
        opt = False if opt == "off" else opt
        path, report = np.einsum_path(subscripts, *ops, optimize=opt)
        assert path[0] == "einsum_path"
        return {"path": [list(p) for p in path[1:]], "report": report}
    except (ValueError, IndexError, KeyError, OverflowError) as e:
        kind = type(e).__name__
        text = str(e)
        if kind == "IndexError" and text == "list index out of range":
            text = "Number of einsum subscripts must be equal to the number of operands."
        elif kind == "IndexError" and text == "string index out of range":
            n = len(subscripts.replace(" ", "").split("->")[0].split(","))
            text = None  # filled below
        elif kind == "KeyError":
            assert text == "','", text
            text = "Character , is not a valid symbol."
        if kind == "IndexError" and text is None:
            # The operand is the first whose term length differs from its ndim.
            inputs = ef._parse_einsum_input((subscripts, *[huge(s) for s in shapes]))[0]
            for tnum, term in enumerate(inputs.split(",")):
                if len(term) != len(shapes[tnum]):
                    break
            text = (f"Einstein sum subscript for operand {tnum} does not contain the correct "
                    "number of indices.")
            del n
        return {"error": text, "exception": kind}
    finally:
        ef.einsum_symbols_set = ORIGINAL_SET


def evaluate(subscripts, shapes, optimize):
    got = run(subscripts, shapes, optimize, patched=True)
    plain = run(subscripts, shapes, optimize, patched=False)
    # Only the ellipsis letters may differ between the two.
    assert ("error" in got) == ("error" in plain), (subscripts, shapes, got, plain)
    if "error" in got:
        assert got["exception"] == plain["exception"]
    else:
        assert got["path"] == plain["path"], (subscripts, shapes)
        assert got["report"].split("\n")[2:7] == plain["report"].split("\n")[2:7]
        if "." not in subscripts:
            assert got["report"] == plain["report"]
    return got


# ---------------------------------------------------------------------------------------------
# Random cases

LOWER = "abcdefghijklmnopqrstuvwxyz"


def random_case(rng, allow_optimal_ops=7):
    # One case in four is "wide": more operands and labels, sizes up to 20000 (counts past
    # 2**53 and past u128, where float conversion and rounding matter).
    wide = rng.random() < 0.25
    if wide:
        n = rng.randint(3, 12)
        pool_size = rng.randint(3, 16)
    else:
        n = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6, 7, 8])
        pool_size = rng.randint(1, 9)
    letters = LOWER if rng.random() < 0.7 else SYMBOLS
    pool = rng.sample(letters, pool_size)
    size_choices = [1, 2, 2, 3, 3, 4, 5, 6, 7, 10]
    if wide:
        size_choices = [1, 2, 3, 7, 10, 64, 100, 999, 1000, 4096, 12345, 20000]
    sizes = {c: rng.choice(size_choices) for c in pool}
    if rng.random() < 0.05:
        sizes[rng.choice(pool)] = 0
    use_ellipsis = rng.random() < 0.3
    ell_shape = [rng.choice([1, 2, 3, 4]) for _ in range(rng.randint(0, 3))]
    terms, shapes = [], []
    for _ in range(n):
        k = rng.choice([0, 1, 2, 2, 2, 3, 3, 4])
        if rng.random() < 0.8:
            term = rng.sample(pool, min(k, len(pool)))
        else:
            term = [rng.choice(pool) for _ in range(k)]  # repeated labels
        shape = [sizes[c] if rng.random() > 0.08 else 1 for c in term]
        if use_ellipsis and rng.random() < 0.7:
            e = rng.randint(0, len(ell_shape))
            eshape = ell_shape[len(ell_shape) - e:]
            eshape = [d if rng.random() > 0.2 else 1 for d in eshape]
            at = rng.randint(0, len(term))
            term = term[:at] + ["..."] + term[at:]
            shape = shape[:at] + eshape + shape[at:]
        terms.append("".join(term))
        shapes.append(shape)
    # NumPy holds at most 2**63 bytes per array, even with zero strides: shrink bigger shapes.
    for shape in shapes:
        while shape and np.prod(shape, dtype=object) * 8 >= 2**63:
            shape[shape.index(max(shape))] = 1
    subscripts = ",".join(terms)
    if rng.random() < 0.6:
        seen = sorted(set("".join(terms).replace(".", "")))
        out = rng.sample(seen, rng.randint(0, len(seen)))
        if use_ellipsis and rng.random() < 0.8:
            out.insert(rng.randint(0, len(out)), "...")
        subscripts += "->" + "".join(out)
    if rng.random() < 0.05:
        subscripts = " ".join(subscripts)
    if n <= allow_optimal_ops:
        kind = rng.choice(["greedy", "optimal"])
    else:
        kind = "greedy"
    optimize = kind
    if rng.random() < 0.05:
        optimize = "off"
    elif rng.random() < 0.15:
        optimize = [kind, rng.choice([-1, 0, 1, 2, 5, 10, 30, 100, 1000])]
    if rng.random() < 0.15:
        subscripts, shapes = corrupt(rng, subscripts, shapes)
    return subscripts, shapes, optimize


def corrupt(rng, subscripts, shapes):
    """Turn a valid case into (most likely) an invalid one."""
    how = rng.randrange(9)
    s = list(subscripts)
    at = rng.randint(0, len(s))
    if how == 0:
        s.insert(at, rng.choice("%0!é_[`{\t"))
    elif how == 1:
        s.insert(at, rng.choice(["->", "-", ">", "->->"]))
    elif how == 2:
        s.insert(at, rng.choice([".", "..", "....", "..."]))
    elif how == 3:
        shapes = shapes + [[2]] if rng.random() < 0.5 else shapes[:-1]
    elif how == 4 and shapes:
        i = rng.randrange(len(shapes))
        shapes = [list(x) for x in shapes]
        if shapes[i] and rng.random() < 0.5:
            shapes[i].pop()
        else:
            shapes[i].append(rng.choice([1, 2]))
    elif how == 5 and shapes:
        i = rng.randrange(len(shapes))
        shapes = [list(x) for x in shapes]
        if shapes[i]:
            j = rng.randrange(len(shapes[i]))
            shapes[i][j] = rng.choice([8, 9, 11])
    elif how == 6:
        if "->" in subscripts:
            s = list(subscripts + rng.choice(["a", "z", "Q", "aa", ","]))
        else:
            s = list(subscripts + "->" + rng.choice(["aa", "q", ",", "...", "......"]))
    elif how == 7:
        s.insert(at, ",")
    else:
        s.insert(at, rng.choice(["...", "a", "B"]))
    return "".join(s), shapes


# ---------------------------------------------------------------------------------------------
# Hand-written cases: NumPy's docstring examples, every parser error, huge counts

C10 = [10, 10]


def fixed_cases():
    cases = [
        ("ij,jk,kl->il", [[2, 2], [2, 5], [5, 2]]),
        ("ea,fb,abcd,gc,hd->efgh", [C10, C10, [10, 10, 10, 10], C10, C10]),
        ("abd,ac,bdc", [[1, 2, 4], [1, 3], [2, 4, 3]]),
        ("ij,jk->ik", [[2, 3], [3, 4]]),
        ("ij", [[2, 3]]),
        ("ii", [[3, 3]]),
        ("ii->i", [[3, 3]]),
        ("", [[]]),
        (",", [[], []]),
        (",,", [[], [], []]),
        ("i,i,i", [[5], [5], [5]]),
        ("...,...", [[], [4]]),
        ("...ij,...jk->...ik", [[2, 3, 4, 5], [3, 5, 6]]),
        ("ab,...b,bc...", [[3, 4], [2, 4], [4, 5, 2]]),
        ("a...,b...,c...", [[2, 3], [3, 3], [4, 1]]),
        ("...", [[1] * 60]),
        ("...a", [[2] * 55]),
        ("ab,bc,cd,de,ef,fg,gh,hi", [[2, 3], [3, 4], [4, 5], [5, 6], [6, 7], [7, 8], [8, 9], [9, 2]]),
        ("Ab,bC,Cd->Ad", [[3, 4], [4, 5], [5, 3]]),
        ("ij,jk,kl->il", [[0, 2], [2, 5], [5, 2]]),
        ("ij,jk,kl->il", [[1, 2], [1, 5], [5, 1]]),
        ("abc,cd,d->ab", [[5, 2, 3], [3, 4], [4]]),
        # errors
        ("ij,j%", [[1, 1], [1, 1]]),
        ("ij,jé", [[1, 1], [1, 1]]),
        ("i->->i", [[1]]),
        ("i-j", [[1, 1]]),
        ("i>j", [[1, 1]]),
        ("i-->i", [[1]]),
        ("i..", [[1]]),
        ("i....", [[1]]),
        ("i.j..", [[1, 1]]),
        ("...ijk", [[1, 1]]),
        ("ij->ii", [[1, 1]]),
        ("ij->k", [[1, 1]]),
        ("ij->i.", [[1, 1]]),
        ("ij,jk", [[2, 3]]),
        ("i,...", [[1]]),
        ("i,j", [[1]]),
        ("i", [[1], [2]]),
        ("ij,jk", [[2, 3, 4], [3, 4]]),
        ("ij,jk", [[2, 3], [4, 4]]),
        ("ij,jk", [[1, 3], [4, 5]]),
        (",,", [[], [], [2]]),
        ("a,b->a,b", [[2], [3]]),
        ("a,b->,", [[2], [3]]),
        ("...i->......i", [[2, 3]]),
        ("", []),
    ]
    out = []
    for subs, shapes in cases:
        for opt in ("greedy", "optimal"):
            out.append((subs, shapes, opt))
    out.append(("ij,jk,kl->il", [[2, 2], [2, 5], [5, 2]], ["greedy", 3]))
    out.append(("ij,jk,kl->il", [[2, 2], [2, 5], [5, 2]], ["optimal", -5]))
    out.append(("ij,jk,kl->il", [[2, 2], [2, 5], [5, 2]], ["greedy", 0]))
    out.append(("ij,jk,kl->il", [[2, 2], [2, 5], [5, 2]], "off"))
    out.append(("ea,fb,abcd,gc,hd->efgh", [C10, C10, [10, 10, 10, 10], C10, C10], "off"))
    # Counts past u128 and past a float (only shapes matter: zero-stride operands).
    chain = ",".join(SYMBOLS[i] + SYMBOLS[i + 1] for i in range(20))
    out.append((chain, [[10**4, 10**4]] * 20, "greedy"))
    pairs = ",".join(SYMBOLS[2 * i] + SYMBOLS[2 * i + 1] for i in range(26))
    out.append((pairs + "->", [[10**7, 10**7]] * 26, "greedy"))
    out.append((pairs[:-6] + "->", [[10**7, 10**7]] * 24, "greedy"))
    out.append(("ab,bc,cd,da", [[10**9, 10**9]] * 4, "optimal"))
    return out


def make_case(cid, subscripts, shapes, optimize):
    case = {"id": cid, "subscripts": subscripts, "shapes": shapes, "optimize": optimize}
    case.update(evaluate(subscripts, shapes, optimize))
    return case


def write(path, cases):
    with open(path, "w") as f:
        f.write('{"numpy": "%s", "cases": [\n' % np.__version__)
        f.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in cases))
        f.write("\n]}\n")


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "--stream":
        seed, count = int(sys.argv[2]), int(sys.argv[3])
        first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
        rng = random.Random(seed)
        for i in range(count):
            # NumPy's optimal search on 7 operands takes a second: the stream stops at 6.
            case = random_case(rng, allow_optimal_ops=6)
            if i < first:
                continue
            print(json.dumps(make_case(f"{seed}-{i}", *case), ensure_ascii=False), flush=True)
        return
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures",
                        "einsum_path")
    os.makedirs(root, exist_ok=True)
    write(os.path.join(root, "fixed.json"),
          [make_case(f"fixed-{i:03}", *c) for i, c in enumerate(fixed_cases())])
    rng = random.Random(20240612)
    write(os.path.join(root, "random.json"),
          [make_case(f"random-{i:03}", *random_case(rng)) for i in range(600)])


if __name__ == "__main__":
    main()
