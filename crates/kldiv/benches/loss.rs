//! Criterion benchmarks of the losses on logits: value + student gradient, f32, at the
//! (B, V) shapes of bench/loss.sh: (32, 32000) and (4, 128256).

#![allow(missing_docs)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kldiv::loss::{Divergence, Gradients, LossOptions, Teacher, divergence};
use std::hint::black_box;

/// Deterministic logits in [-4, 4) (a simple LCG; no rand needed).
fn logits(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 8.0 - 4.0
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    for &(b, v) in &[(32usize, 32000usize), (4, 128256)] {
        let s = logits(b * v, 1);
        let t = logits(b * v, 2);
        let mut grad = vec![0f32; b * v];
        let mut g = c.benchmark_group(format!("loss/{b}x{v}"));
        g.throughput(Throughput::Elements((b * v) as u64));
        g.sample_size(20);
        for (name, div) in [
            ("forward", Divergence::Forward),
            ("reverse", Divergence::Reverse),
            ("jsd0.5", Divergence::Jsd { beta: 0.5 }),
        ] {
            let opts = LossOptions::new(div);
            g.bench_function(BenchmarkId::new(name, "value+grad"), |bch| {
                bch.iter(|| {
                    divergence(
                        Teacher::Logits(black_box(&t)),
                        black_box(&s),
                        v,
                        &opts,
                        Gradients::student(&mut grad),
                    )
                })
            });
        }
        let opts = LossOptions::new(Divergence::Forward);
        g.bench_function(BenchmarkId::new("forward", "value"), |bch| {
            bch.iter(|| {
                divergence(
                    Teacher::Logits(black_box(&t)),
                    black_box(&s),
                    v,
                    &opts,
                    Gradients::none(),
                )
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
