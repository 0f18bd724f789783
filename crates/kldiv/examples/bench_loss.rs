//! Times kldiv's losses on logits (value + student gradient, f32) for `bench/loss.sh`, which
//! times the torch compositions on the same inputs in the same run.
//!
//! Usage: `bench_loss DIR B V REPEATS [forward|reverse|jsd0.5]` — reads `DIR/student_B_V.f32` and `DIR/teacher_B_V.f32`
//! (raw little-endian f32, row-major `[B, V]`), prints one JSON object with, per divergence,
//! the best wall time (seconds) of forward + backward, the loss value, and the peak heap memory
//! allocated during one call beyond the inputs and the gradient buffer (a counting allocator).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, unsafe_code)]

use kldiv::loss::{Divergence, Gradients, LossOptions, Reduction, Teacher, divergence};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// CPU time of this process (all threads), from `/proc/self/stat` (clock ticks of 10 ms), as
/// in `kldiv-cli/examples/bench_discrete.rs`.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

fn read_f32(path: &str) -> Vec<f32> {
    let bytes = std::fs::read(path).expect(path);
    bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = &args[1];
    let b: usize = args[2].parse().unwrap();
    let v: usize = args[3].parse().unwrap();
    let repeats: usize = args[4].parse().unwrap();
    let s = read_f32(&format!("{dir}/student_{b}_{v}.f32"));
    let t = read_f32(&format!("{dir}/teacher_{b}_{v}.f32"));
    assert_eq!(s.len(), b * v);
    let mut grad = vec![0f32; b * v];
    let mut out = serde_json::Map::new();
    out.insert("threads".into(), rayon::current_num_threads().into());
    for (name, div) in [
        ("forward", Divergence::Forward),
        ("reverse", Divergence::Reverse),
        ("jsd0.5", Divergence::Jsd { beta: 0.5 }),
    ] {
        // An optional fifth argument runs one divergence only (for profiling).
        if args.get(5).is_some_and(|only| only != name) {
            continue;
        }
        let opts = LossOptions::new(div).reduction(Reduction::BatchMean);
        let run = |g: &mut [f32]| {
            divergence(Teacher::Logits(&t), &s, v, &opts, Gradients::student(g))
                .unwrap()
                .value
        };
        let value = run(&mut grad); // warm-up (also starts rayon's pool)
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        run(&mut grad);
        let extra = PEAK.load(Ordering::Relaxed) - base;
        let mut best = f64::INFINITY;
        let c0 = cpu_seconds();
        for _ in 0..repeats {
            let t0 = Instant::now();
            std::hint::black_box(run(&mut grad));
            best = best.min(t0.elapsed().as_secs_f64());
        }
        let cpu = (cpu_seconds() - c0) / repeats as f64;
        let gsum: f64 = grad.iter().map(|&x| x as f64).sum();
        out.insert(
            name.into(),
            serde_json::json!({"seconds": best, "cpu_seconds": cpu, "value": value, "peak_extra_bytes": extra,
                               "grad_sum": gsum, "grad_bytes": grad.len() * 4}),
        );
    }
    println!("{}", serde_json::Value::Object(out));
}
