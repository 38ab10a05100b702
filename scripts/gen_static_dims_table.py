"""Result dimension counts of NumPy's products for operands of 0 to 6 dimensions.

Writes tests/data/static_dims_table.json: for each product, a 7x7 table whose entry [na][nb] is
the number of dimensions of NumPy's result for operands with na and nb dimensions (every size 2,
so the contracted sizes agree), or null where NumPy raises for every operand of those numbers of
dimensions. tests/products/static_dims.rs checks npdot's compile-time tables (npdot::dims) against it.

    python scripts/gen_static_dims_table.py     # numpy==2.4.*
"""

import json
import pathlib

import numpy as np

PRODUCTS = {
    "dot": np.dot,
    "inner": np.inner,
    "matmul": np.matmul,
    "kron": np.kron,
    "vecdot": np.vecdot,
    "matvec": np.matvec,
    "vecmat": np.vecmat,
}


def ndim(f, na, nb):
    a = np.ones((2,) * na)
    b = np.ones((2,) * nb)
    try:
        return int(np.ndim(f(a, b)))
    except ValueError:
        return None


def main():
    assert np.__version__.startswith("2.4."), np.__version__
    table = {
        "numpy": np.__version__,
        "tables": {
            name: [[ndim(f, na, nb) for nb in range(7)] for na in range(7)]
            for name, f in PRODUCTS.items()
        },
    }
    out = pathlib.Path(__file__).resolve().parent.parent / "tests/data/static_dims_table.json"
    out.write_text(json.dumps(table, separators=(",", ":")) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
