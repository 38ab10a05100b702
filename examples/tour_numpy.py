"""The NumPy half of `cargo run --example tour`: every snippet the tour runs through npdot,
run through NumPy, printed as the interactive interpreter prints it. The tour hard-codes this
output (for display) and the values (for its checks); regenerate with
`python examples/tour_numpy.py` (numpy==2.4.*)."""

import numpy as np

SESSION = """
a = np.array([[1,2],[3,4]])
b = np.array([[11,12],[13,14]])
np.dot(a, b)
np.inner(a, b)
x = np.arange(1000.0)
np.dot(x, x)
np.inner(x, x)
A = np.array([[1,10],[100,1000]])
B = np.array([[1,2],[3,4]])
np.inner(A, B)
np.dot(A, B.T)
np.inner([1,2], [3,4])
np.inner([[1],[2]], [[3],[4]])
m = np.array([[1+1j,2+2j,3+3j],[4+4j,5+5j,6+6j],[7+7j,8+8j,9+9j]])
m.T
np.inner(m, m.T)
np.dot(m, m.T)
p = np.arange(8).reshape(2,2,2)
q = np.arange(8, 16).reshape(2,2,2)
np.dot(p, q)
np.inner(p, q)
np.matmul(p, q)
a = [[1, 0], [0, 1]]
b = [[4, 1], [2, 2]]
np.matmul(a, b)
a = [[1, 0], [0, 1]]
b = [1, 2]
np.matmul(a, b)
np.matmul(b, a)
a = np.arange(2*2*4).reshape((2,2,4))
b = np.arange(2*2*4).reshape((2,4,2))
np.matmul(a,b).shape
np.matmul(a,b)[0,1,1]
sum(a[0,1,:] * b[0,:,1])
np.matmul(a,b)
np.dot(a,b).shape
np.matmul([2j, 3j], [2j, 3j])
np.matmul([1,2], 3)
np.matmul(3, [1,2])
np.dot([1,2], 3)
a = np.array([[1, 0], [0, 1]])
b = np.array([[4, 1], [2, 2]])
out = np.zeros((2,2), dtype=int)
np.dot(a, b, out=out)
np.dot(a, b, out=np.zeros((2,2), dtype=int).T)
np.dot(a, b, out=np.zeros((2,3), dtype=int))
out_t = np.zeros((2,2), dtype=int).T
np.matmul(a, b, out=out_t)
out3 = np.zeros((3,2,2), dtype=int)
np.matmul(a, b, out=out3)
np.matmul(a, b, out=np.zeros((2,3), dtype=int))
np.matmul(np.ones((2,3)), np.ones((2,3)))
np.dot(np.ones((2,3)), np.ones((2,3)))
np.inner(np.ones((2,3)), np.ones((2,4)))
np.inner(np.ones((2,3)), np.ones((5,6,7)))
np.matmul(np.ones((2,2,3)), np.ones((3,3,2)))
a = np.array([1+2j, 3+4j])
b = np.array([5+6j, 7+8j])
np.vdot(a, b)
np.outer([1, 2, 3], [10, 20])
x = np.arange(24.0).reshape(2, 3, 4)
y = np.arange(12.0).reshape(4, 3)
np.tensordot(x, y, axes=([1, 2], [1, 0]))
np.tensordot(x, y, axes=([1, 2], [0, 1]))
np.kron([[1, 2], [3, 4]], [[0, 1], [1, 0]])
v = np.array([[0., 5., 0.], [0., 0., 10.], [0., 6., 8.]])
n = np.array([0., 0.6, 0.8])
np.vecdot(v, n)
m = np.arange(6).reshape(2, 3)
np.matvec(m, [1, 0, -1])
np.vecmat([1, -1], m)
np.einsum('ij,jk->ik', m, m.T)
sq = np.arange(9).reshape(3, 3)
np.einsum('ii->i', sq)
np.einsum_path('ij,jk,kl->il', np.ones((2, 3)), np.ones((3, 4)), np.ones((4, 5)), optimize='greedy')[0]
np.linalg.multi_dot([np.ones((10, 100)), np.ones((100, 5)), np.ones((5, 50))]).shape
np.linalg.matrix_power(np.array([[1, 1], [1, 0]]), 10)
np.linalg.matrix_power(np.array([[2., 0.], [0., 4.]]), -1)
np.linalg.matrix_power(np.array([[1., 2.], [2., 4.]]), -1)
np.linalg.cross([1., 0., 0.], [0., 1., 0.])
np.linalg.cross([1., 2.], [3., 4.])
w = np.array([[1, 2], [3, 4]])
np.linalg.vecdot(w, w, axis=0)
np.linalg.outer([1, 2, 3], [10, 20])
np.linalg.outer(w, [1, 2])
np.linalg.tensordot(x, y, axes=([1, 2], [1, 0]))
np.linalg.matmul(w, w)
"""

ns = {"np": np}
print(f"# NumPy {np.__version__}")
for line in SESSION.strip().splitlines():
    print(">>> " + line)
    try:
        value = eval(line, ns)
    except SyntaxError:
        exec(line, ns)
        continue
    except Exception as e:  # noqa: BLE001 - we print what the interpreter would
        print(f"{type(e).__name__}: {e}")
        continue
    if value is not None:
        print(repr(value))
