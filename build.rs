//! Build script: find the system OpenBLAS early, or stop with one clear message.
//!
//! Only active with the `openblas-system` feature (the default). `openblas-src` (with its
//! `system` feature) emits the `-l openblas` itself: on Linux it asks pkg-config and otherwise
//! relies on the linker's default paths; on macOS it adds `brew --prefix openblas`. Without a
//! library the build would only fail at the final link, with a wall of linker output, so this
//! script looks first, in this order:
//!
//! 1. `OPENBLAS_DIR`: a directory holding `libopenblas.{so,dylib}`, or a prefix with `lib/` or
//!    `lib64/` below it;
//! 2. `pkg-config --libs-only-L openblas` and `pkg-config --variable=libdir openblas`
//!    (the `PKG_CONFIG` variable names another binary);
//! 3. the usual prefixes: the Linux multiarch dirs and `/usr/lib64`, `/usr/lib`, `/usr/local/lib`,
//!    Homebrew's keg-only `/opt/homebrew/opt/openblas/lib` and `/usr/local/opt/openblas/lib`,
//!    MacPorts' `/opt/local/lib`, and the `openblas-pthread`/`openblas-openmp`/`openblas-serial`
//!    variants Debian installs below its multiarch dir.
//!
//! When found, it adds the directory to the link search path (`rustc-link-search=native`), which
//! `openblas-src`'s `-l openblas` then resolves against (this is what makes `OPENBLAS_DIR` and a
//! Homebrew install without pkg-config work). For a directory given by `OPENBLAS_DIR` it also sets
//! an rpath on this package's own tests, examples and benches, so they run without
//! `LD_LIBRARY_PATH`.
//!
//! Nothing happens with `--no-default-features` (pure-Rust kernels), with
//! `--no-default-features --features openblas-static` (OpenBLAS built from source), on Windows
//! (where `openblas-src` uses vcpkg or MSYS2), on docs.rs, or when cross-compiling without
//! `OPENBLAS_DIR`.
//!
//! Test hook: `NPDOT_BUILD_IGNORE_SYSTEM_OPENBLAS=1` makes steps 2 and 3 find nothing, so the
//! failure message (or an `OPENBLAS_DIR` install) can be tried on a machine that has OpenBLAS.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The test hook described above.
const IGNORE_SYSTEM: &str = "NPDOT_BUILD_IGNORE_SYSTEM_OPENBLAS";

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    for var in [
        "OPENBLAS_DIR",
        IGNORE_SYSTEM,
        "PKG_CONFIG",
        "PKG_CONFIG_PATH",
    ] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    matrixmultiply_avx512_cfg();

    if env::var_os("CARGO_FEATURE_OPENBLAS_SYSTEM").is_none() || env::var_os("DOCS_RS").is_some() {
        return;
    }
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "windows" {
        return;
    }
    let statik = env::var_os("CARGO_FEATURE_OPENBLAS_STATIC").is_some();
    if statik {
        // openblas-src with both `system` and `static` links the *system* OpenBLAS statically
        // rather than building it, so keep looking, but say what is going on.
        println!(
            "cargo::warning=features `openblas-system` and `openblas-static` are both on: \
             openblas-src then links the system OpenBLAS statically. To build OpenBLAS from \
             source use `--no-default-features --features openblas-static`."
        );
    }
    let names: &[&str] = match (statik, target_os.as_str()) {
        (true, _) => &["libopenblas.a"],
        (false, "macos" | "ios") => &["libopenblas.dylib", "libopenblas.tbd"],
        (false, _) => &["libopenblas.so"],
    };
    let has_lib = |dir: &Path| names.iter().any(|n| dir.join(n).is_file());

    // 1. OPENBLAS_DIR: the user's explicit choice is the only place we look.
    if let Some(root) = env::var_os("OPENBLAS_DIR").filter(|v| !v.is_empty()) {
        let root = PathBuf::from(root);
        let candidates = [root.clone(), root.join("lib"), root.join("lib64")];
        match candidates.iter().find(|d| has_lib(d)) {
            Some(dir) => {
                println!("cargo::rustc-link-search=native={}", dir.display());
                if target_os != "macos" && target_os != "ios" {
                    println!("cargo::rustc-link-arg=-Wl,-rpath,{}", dir.display());
                }
            }
            None => fail(
                &format!(
                    "not in OPENBLAS_DIR={} nor in its lib/ or lib64/",
                    root.display()
                ),
                names,
            ),
        }
        return;
    }

    if env::var("HOST").ok() != env::var("TARGET").ok() {
        // Cross-compiling: the host's libraries say nothing about the target's.
        return;
    }
    if env::var_os(IGNORE_SYSTEM).is_some_and(|v| !v.is_empty() && v != "0") {
        fail(&format!("{IGNORE_SYSTEM} is set"), names);
        return;
    }

    // 2. pkg-config, 3. the usual prefixes.
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let mut dirs = pkg_config_dirs(statik);
    dirs.extend(standard_dirs(&arch));
    match dirs.iter().find(|d| has_lib(d)) {
        Some(dir) => println!("cargo::rustc-link-search=native={}", dir.display()),
        None => fail(
            "not found by pkg-config nor in the usual directories",
            names,
        ),
    }
}

/// Library directories pkg-config reports for `openblas` (none if it is missing or fails).
fn pkg_config_dirs(statik: bool) -> Vec<PathBuf> {
    let bin = env::var("PKG_CONFIG").unwrap_or_else(|_| "pkg-config".to_string());
    let run = |args: &[&str]| -> Option<String> {
        let mut cmd = Command::new(&bin);
        if statik {
            cmd.arg("--static");
        }
        let out = cmd.args(args).arg("openblas").output().ok()?;
        if !out.status.success() {
            return None;
        }
        String::from_utf8(out.stdout).ok()
    };
    let mut dirs: Vec<PathBuf> = run(&["--libs-only-L"])
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|flag| flag.strip_prefix("-L"))
        .map(PathBuf::from)
        .collect();
    if let Some(libdir) = run(&["--variable=libdir"]) {
        let libdir = libdir.trim();
        if !libdir.is_empty() {
            dirs.push(PathBuf::from(libdir));
        }
    }
    dirs
}

/// The usual install locations on Debian/Ubuntu, Fedora/RHEL, Arch, Homebrew and MacPorts.
fn standard_dirs(arch: &str) -> Vec<PathBuf> {
    let mut bases: Vec<String> = Vec::new();
    let multiarch = match arch {
        "x86" => Some("i386-linux-gnu".to_string()),
        "arm" => Some("arm-linux-gnueabihf".to_string()),
        "powerpc64" => Some("powerpc64le-linux-gnu".to_string()),
        "" => None,
        a => Some(format!("{a}-linux-gnu")),
    };
    for triple in multiarch.into_iter().chain([
        "x86_64-linux-gnu".to_string(),
        "aarch64-linux-gnu".to_string(),
    ]) {
        let base = format!("/usr/lib/{triple}");
        if !bases.contains(&base) {
            bases.push(base);
        }
    }
    bases.extend(
        [
            "/usr/lib64",
            "/usr/lib",
            "/usr/local/lib64",
            "/usr/local/lib",
            "/opt/homebrew/opt/openblas/lib",
            "/usr/local/opt/openblas/lib",
            "/opt/local/lib",
        ]
        .map(String::from),
    );
    let mut dirs = Vec::new();
    for base in &bases {
        let base = PathBuf::from(base);
        dirs.push(base.clone());
        for variant in [
            "openblas-pthread",
            "openblas-openmp",
            "openblas-serial",
            "openblas",
        ] {
            dirs.push(base.join(variant));
        }
    }
    dirs
}

/// Stops the build with one message: what was looked for and the ways to get it.
fn fail(why: &str, names: &[&str]) {
    println!(
        "cargo::error=OpenBLAS is required by the default `openblas-system` feature, but no {} \
         was found ({why}). Install it: `sudo apt-get install libopenblas-dev pkg-config` \
         (Debian/Ubuntu), `sudo dnf install openblas-devel` (Fedora/RHEL) or \
         `brew install openblas` (macOS); or point OPENBLAS_DIR at the directory holding it; or \
         build OpenBLAS from source with `--no-default-features --features openblas-static`; or \
         use npdot's pure-Rust kernels with `--no-default-features`.",
        names.join(" or ")
    );
}

/// Sets `cfg(npdot_mm_avx512)` when matrixmultiply compiles its AVX-512 kernels: it does from
/// rustc 1.89 on (its own build script's test) on x86-64, and npdot enables its `avx512`
/// feature. The float GEMM choice only prefers matrixmultiply where it has them.
fn matrixmultiply_avx512_cfg() {
    println!("cargo::rustc-check-cfg=cfg(npdot_mm_avx512)");
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    if arch != "x86_64" && arch != "x86" {
        return;
    }
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let Ok(out) = std::process::Command::new(rustc).arg("--version").output() else {
        return;
    };
    // "rustc 1.95.0 (59807616e 2026-04-14)"
    let text = String::from_utf8_lossy(&out.stdout);
    let minor = text
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.split('.').nth(1))
        .and_then(|m| m.parse::<u32>().ok());
    let major = text
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    if let (Some(major), Some(minor)) = (major, minor)
        && (major > 1 || minor >= 89)
    {
        println!("cargo::rustc-cfg=npdot_mm_avx512");
    }
}
