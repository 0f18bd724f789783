//! Streaming evaluation equals the in-memory functions: bit for bit with block-aligned chunks,
//! within the error bound with arbitrary chunks; errors carry global indices.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kldiv::discrete::{Measure, Normalize, Options, SmoothSide, Smoothing, Stream, Support};
use kldiv::kernels::BLOCK;
use kldiv::{Element, Error};

fn run<T: Element>(m: Measure, p: &[T], q: &[T], o: &Options, chunk: usize) -> kldiv::Result<f64> {
    let mut s = Stream::<T>::new(m, o)?;
    let mut passes = 0;
    loop {
        passes += 1;
        for start in (0..p.len()).step_by(chunk) {
            let end = (start + chunk).min(p.len());
            s.push(&p[start..end], Some(&q[start..end]))?;
        }
        if !s.end_pass()? {
            break;
        }
    }
    assert!(passes <= 3);
    Ok(s.finish()?.value)
}

fn data(n: usize) -> (Vec<f64>, Vec<f64>) {
    let w = |a: u64, b: u64, m: u64| -> Vec<f64> {
        let v: Vec<f64> = (0..n as u64)
            .map(|i| ((a * i + b) % m + 1) as f64)
            .collect();
        let t: f64 = v.iter().sum();
        v.into_iter().map(|x| x / t).collect()
    };
    (w(7919, 3, 1000), w(104_729, 17, 997))
}

fn options() -> Vec<Options> {
    let o = Options::default();
    vec![
        o,
        o.normalize(Normalize::Assume),
        o.normalize(Normalize::Renormalize),
        o.smoothing(Smoothing::Additive { alpha: 0.5 }),
        o.smoothing(Smoothing::Floor { epsilon: 1e-4 }),
        o.smoothing(Smoothing::Floor { epsilon: 1e-4 })
            .normalize(Normalize::Renormalize)
            .smooth_side(SmoothSide::Q),
        o.smoothing(Smoothing::MixUniform { alpha: 0.1 }),
        o.base(kldiv::Base::Bits),
    ]
}

#[test]
fn block_aligned_chunks_give_identical_bits() {
    let n = 3 * BLOCK + 1234;
    let (p, q) = data(n);
    for o in options() {
        for m in Measure::ALL {
            let whole = m.eval(&p, Some(&q), &o).unwrap().value;
            for chunk in [BLOCK, 2 * BLOCK, n] {
                let s = run(m, &p, &q, &o, chunk).unwrap();
                assert_eq!(s.to_bits(), whole.to_bits(), "{m} {o:?} chunk {chunk}");
            }
            // Arbitrary chunks: same value to the error bound.
            let s = run(m, &p, &q, &o, 1000).unwrap();
            assert!(
                (s - whole).abs() <= 1e-14 * (1.0 + whole.abs()),
                "{m}: {s} vs {whole}"
            );
        }
    }
}

#[test]
fn counts_stream_like_in_memory() {
    let p: Vec<u32> = (0..5000).map(|i| (i * 7) % 13).collect();
    let q: Vec<u32> = (0..5000).map(|i| (i * 5) % 11 + 1).collect();
    for o in options() {
        let whole = Measure::Kl.eval(&p, Some(&q), &o).unwrap().value;
        let s = run(Measure::Kl, &p, &q, &o, 777).unwrap();
        assert!((s - whole).abs() <= 1e-14 * (1.0 + whole.abs()));
    }
}

#[test]
fn errors_carry_global_indices() {
    let (mut p, q) = data(10_000);
    p[7_777] = -1.0;
    let e = run(Measure::Kl, &p, &q, &Options::default(), 1000).unwrap_err();
    assert_eq!(
        e,
        Error::Negative {
            arg: kldiv::error::Arg::P,
            index: 7_777,
            value: -1.0
        }
    );
    let (p, mut q) = data(10_000);
    q[9_000] = 0.0;
    let o = Options::default()
        .support(Support::Error)
        .normalize(Normalize::Assume);
    match run(Measure::Kl, &p, &q, &o, 1000).unwrap_err() {
        Error::SupportMismatch { index, count, .. } => {
            assert_eq!((index, count), (9_000, 1));
        }
        e => panic!("{e:?}"),
    }
    let (p, q) = data(100);
    let bad: Vec<f64> = p.iter().map(|x| x * 2.0).collect();
    assert!(matches!(
        run(Measure::Kl, &bad, &q, &Options::default(), 10).unwrap_err(),
        Error::NotNormalized { .. }
    ));
}
