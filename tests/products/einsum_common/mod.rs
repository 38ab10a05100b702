//! Replays einsum cases in the format of `scripts/einsum_cases.py` through `npdot::einsum`.

use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn, Slice};
use num_complex::Complex;
use serde_json::Value;

/// An element type of the cases, decoded from NumPy's little-endian bytes and compared.
pub trait Elem: npdot::Element {
    const SIZE: usize;
    fn from_le(b: &[u8]) -> Self;
    /// `Some(eps)` for floats (compared within tolerance), `None` for exact types.
    fn eps() -> Option<f64>;
    /// Real and imaginary parts as f64.
    fn parts(self) -> (f64, f64);
}

macro_rules! exact {
    ($($t:ty),*) => {$(
        impl Elem for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            fn from_le(b: &[u8]) -> Self { <$t>::from_le_bytes(b.try_into().unwrap()) }
            fn eps() -> Option<f64> { None }
            fn parts(self) -> (f64, f64) { (self as f64, 0.0) }
        }
    )*};
}
exact!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);
impl Elem for bool {
    const SIZE: usize = 1;
    fn from_le(b: &[u8]) -> Self {
        b[0] != 0
    }
    fn eps() -> Option<f64> {
        None
    }
    fn parts(self) -> (f64, f64) {
        (self as u8 as f64, 0.0)
    }
}
impl Elem for f32 {
    const SIZE: usize = 4;
    fn from_le(b: &[u8]) -> Self {
        f32::from_le_bytes(b.try_into().unwrap())
    }
    fn eps() -> Option<f64> {
        Some(f32::EPSILON as f64)
    }
    fn parts(self) -> (f64, f64) {
        (self as f64, 0.0)
    }
}
impl Elem for f64 {
    const SIZE: usize = 8;
    fn from_le(b: &[u8]) -> Self {
        f64::from_le_bytes(b.try_into().unwrap())
    }
    fn eps() -> Option<f64> {
        Some(f64::EPSILON)
    }
    fn parts(self) -> (f64, f64) {
        (self, 0.0)
    }
}
impl Elem for Complex<f32> {
    const SIZE: usize = 8;
    fn from_le(b: &[u8]) -> Self {
        Complex::new(f32::from_le(&b[..4]), f32::from_le(&b[4..]))
    }
    fn eps() -> Option<f64> {
        Some(f32::EPSILON as f64)
    }
    fn parts(self) -> (f64, f64) {
        (self.re as f64, self.im as f64)
    }
}
impl Elem for Complex<f64> {
    const SIZE: usize = 16;
    fn from_le(b: &[u8]) -> Self {
        Complex::new(f64::from_le(&b[..8]), f64::from_le(&b[8..]))
    }
    fn eps() -> Option<f64> {
        Some(f64::EPSILON)
    }
    fn parts(self) -> (f64, f64) {
        (self.re, self.im)
    }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn decode<T: Elem>(hex: &str) -> Vec<T> {
    unhex(hex).chunks(T::SIZE).map(T::from_le).collect()
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn apply_view<'a, T>(base: &'a ArrayD<T>, ops: &Value) -> ArrayViewD<'a, T> {
    let mut v = base.view();
    for op in ops.as_array().unwrap() {
        match op[0].as_str().unwrap() {
            "T" => v = v.reversed_axes(),
            "neg" => {
                for ax in 0..v.ndim() {
                    v.invert_axis(Axis(ax));
                }
            }
            "step" => {
                for ax in 0..v.ndim() {
                    v.slice_axis_inplace(Axis(ax), Slice::new(0, None, 2));
                }
            }
            // Broadcasting is always the first op (applied to the base).
            "bcast" => v = base.broadcast(IxDyn(&usizes(&op[1]))).unwrap(),
            other => panic!("unknown view op {other}"),
        }
    }
    v
}

/// Runs one case; `Err(description)` on a mismatch.
pub fn run_case<T: Elem>(case: &Value) -> Result<(), String> {
    let sub = case["sub"].as_str().unwrap();
    let bases: Vec<ArrayD<T>> = case["ops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|op| {
            ArrayD::from_shape_vec(
                IxDyn(&usizes(&op["shape"])),
                decode::<T>(op["data"].as_str().unwrap()),
            )
            .unwrap()
        })
        .collect();
    let views: Vec<ArrayViewD<'_, T>> = bases
        .iter()
        .zip(case["ops"].as_array().unwrap())
        .map(|(b, op)| apply_view(b, &op["view"]))
        .collect();
    let got = npdot::einsum(sub, &views);
    let want = &case["want"];
    if want.get("out_of_bounds_view").is_some() {
        // NumPy's view reads outside an empty operand: npdot's collapsing error instead, the
        // zero-length occurrence against a length of NumPy's result shape.
        let lengths: Vec<u64> = want["numpy_shape"]
            .as_array()
            .map(|a| a.iter().filter_map(|d| d.as_u64()).collect())
            .unwrap_or_default();
        return match got {
            Err(e)
                if e.to_string()
                    .starts_with("dimensions in single operand for collapsing index")
                    && lengths
                        .iter()
                        .any(|d| e.to_string().ends_with(&format!("don't match (0 != {d})"))) =>
            {
                Ok(())
            }
            Err(e) => Err(format!(
                "want npdot's collapsing error (0 != one of {lengths:?}) (NumPy: a view past \
                 an empty operand), got {:?}",
                e.to_string()
            )),
            Ok(r) => Err(format!(
                "want npdot's collapsing error (NumPy: a view past an empty operand), got a \
                 result of shape {:?}",
                r.shape()
            )),
        };
    }
    if let Some(e) = want.get("error") {
        return match got {
            Err(g) if g.to_string() == e.as_str().unwrap() => Ok(()),
            Err(g) => Err(format!("error text: got {:?}, want {:?}", g.to_string(), e)),
            Ok(r) => Err(format!(
                "got a result of shape {:?}, want error {:?}",
                r.shape(),
                e
            )),
        };
    }
    let got = got.map_err(|e| format!("got error {:?}, want a result", e.to_string()))?;
    let shape = usizes(&want["shape"]);
    if got.shape() != shape.as_slice() {
        return Err(format!("shape: got {:?}, want {:?}", got.shape(), shape));
    }
    if let Some(v) = want["view"].as_bool()
        && got.is_view() != v
    {
        return Err(format!("view: got {}, want {}", got.is_view(), v));
    }
    let wdata = decode::<T>(want["data"].as_str().unwrap());
    let bound: Vec<f64> = want
        .get("bound")
        .map(|b| decode::<f64>(b.as_str().unwrap()))
        .unwrap_or_default();
    let k = want.get("k").and_then(Value::as_u64).unwrap_or(0) as f64;
    let nops = views.len() as f64;
    for (i, (g, w)) in got.iter().zip(&wdata).enumerate() {
        match T::eps() {
            None => {
                if g != w {
                    return Err(format!("element {i}: got {g:?}, want {w:?}"));
                }
            }
            Some(eps) => {
                let tol = 8.0 * eps * (k + nops) * bound[i] + f64::MIN_POSITIVE;
                let (gr, gi) = g.parts();
                let (wr, wi) = w.parts();
                if !((gr - wr).abs() <= tol && (gi - wi).abs() <= tol) {
                    return Err(format!(
                        "element {i}: got {g:?}, want {w:?} (tolerance {tol:e})"
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Dispatches on the case's dtype; panics inside npdot are failures too.
pub fn run(case: &Value) -> Result<(), String> {
    let dtype = case["dtype"].as_str().unwrap().to_string();
    let c = case.clone();
    let r = std::panic::catch_unwind(move || match dtype.as_str() {
        "float32" => run_case::<f32>(&c),
        "float64" => run_case::<f64>(&c),
        "complex64" => run_case::<Complex<f32>>(&c),
        "complex128" => run_case::<Complex<f64>>(&c),
        "int8" => run_case::<i8>(&c),
        "int16" => run_case::<i16>(&c),
        "int32" => run_case::<i32>(&c),
        "int64" => run_case::<i64>(&c),
        "intp" => run_case::<isize>(&c),
        "uint8" => run_case::<u8>(&c),
        "uint16" => run_case::<u16>(&c),
        "uint32" => run_case::<u32>(&c),
        "uint64" => run_case::<u64>(&c),
        "uintp" => run_case::<usize>(&c),
        "bool" => run_case::<bool>(&c),
        other => Err(format!("unknown dtype {other}")),
    });
    r.unwrap_or_else(|_| Err("panic".to_string()))
}
