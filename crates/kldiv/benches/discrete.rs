//! Criterion benchmarks of the discrete measures at N = 10³, 10⁵, 10⁷ for f32 and f64.
#![allow(missing_docs)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kldiv::discrete::{Normalize, Options, cross_entropy, entropy, kl};
use std::hint::black_box;

/// Deterministic strictly positive vector normalised to one (a simple LCG; no rand needed).
fn vector(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut v: Vec<f64> = (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) + 1e-3
        })
        .collect();
    let t: f64 = v.iter().sum();
    v.iter_mut().for_each(|x| *x /= t);
    v
}

fn bench(c: &mut Criterion) {
    let opts = Options::default().normalize(Normalize::Assume);
    for &n in &[1_000usize, 100_000, 10_000_000] {
        let p = vector(n, 1);
        let q = vector(n, 2);
        let p32: Vec<f32> = p.iter().map(|&x| x as f32).collect();
        let q32: Vec<f32> = q.iter().map(|&x| x as f32).collect();
        let mut g = c.benchmark_group("discrete");
        g.throughput(Throughput::Elements(n as u64));
        if n >= 10_000_000 {
            g.sample_size(10);
        }
        g.bench_with_input(BenchmarkId::new("kl/f64", n), &n, |b, _| {
            b.iter(|| kl(black_box(&p), black_box(&q), &opts))
        });
        g.bench_with_input(BenchmarkId::new("kl/f32", n), &n, |b, _| {
            b.iter(|| kl(black_box(&p32), black_box(&q32), &opts))
        });
        g.bench_with_input(BenchmarkId::new("entropy/f64", n), &n, |b, _| {
            b.iter(|| entropy(black_box(&p), &opts))
        });
        g.bench_with_input(BenchmarkId::new("entropy/f32", n), &n, |b, _| {
            b.iter(|| entropy(black_box(&p32), &opts))
        });
        g.bench_with_input(BenchmarkId::new("cross_entropy/f64", n), &n, |b, _| {
            b.iter(|| cross_entropy(black_box(&p), black_box(&q), &opts))
        });
        g.bench_with_input(BenchmarkId::new("cross_entropy/f32", n), &n, |b, _| {
            b.iter(|| cross_entropy(black_box(&p32), black_box(&q32), &opts))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
