//! Tour chapters on training losses computed from logits.

use super::{Chapter, lib_err};
use crate::error::CliError;
use crate::output::{human, table};
use kldiv::loss::{Divergence, Gradients, LossOptions, Reduction, Teacher, divergence};
use std::io::Write;

pub(super) fn chapters() -> Vec<Chapter> {
    vec![
        Chapter {
            slug: "loss-logits",
            title: "The next-token loss from logits, and its gradient",
            run: next_token_logits,
        },
        Chapter {
            slug: "distillation",
            title: "Distillation: forward KL, reverse KL and JSD on the same rows",
            run: distillation,
        },
    ]
}

const VOCAB: [&str; 5] = ["the", "cat", "sat", "on", "mat"];

fn next_token_logits(out: &mut dyn Write) -> Result<(), CliError> {
    // The model outputs logits, not probabilities: Q = softmax(s).
    let s = [0.5, 1.5, 3.0, 0.2, -1.0];
    let label = 2; // "sat"
    let mut onehot = [0.0; 5];
    onehot[label] = 1.0;
    let mut grad = [0.0; 5];
    let opts = LossOptions::new(Divergence::Forward).reduction(Reduction::Sum);
    let loss = divergence(
        Teacher::Probs(&onehot),
        &s,
        5,
        &opts,
        Gradients::student(&mut grad),
    )
    .map_err(lib_err)?;
    let m = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let lse = m + s.iter().map(|x| (x - m).exp()).sum::<f64>().ln();
    writeln!(
        out,
        "A model scores the next word of \"the cat ___\" with logits s; its distribution is\n\
         Q = softmax(s). Against the one-hot truth P on \"sat\", KL(P‖Q) = −ln Q(sat)\n\
         = logsumexp(s) − s[sat]: the cross-entropy of next-token prediction, computed here\n\
         from the logits without ever forming Q.\n"
    )?;
    let mut rows = vec![vec![
        "word".to_string(),
        "logit s".to_string(),
        "Q = softmax(s)".to_string(),
        "∂KL/∂s = Q − P".to_string(),
    ]];
    for i in 0..5 {
        rows.push(vec![
            VOCAB[i].to_string(),
            human(s[i]),
            human((s[i] - lse).exp()),
            human(grad[i]),
        ]);
    }
    write!(out, "{}", table(&rows))?;
    writeln!(
        out,
        "\nKL(P‖Q) = {} nats = logsumexp(s) − s[sat] = {} − {} = {}.\n\
         The gradient is Q − P: it lowers every wrong word in proportion to its probability,\n\
         raises the true one by 1 − Q(sat), and sums to zero (adding a constant to all logits\n\
         changes nothing). `kldiv loss --teacher T --student S --grad-out G.npy` computes the\n\
         same for a whole batch of rows.",
        human(loss.value),
        human(lse),
        human(s[label]),
        human(lse - s[label])
    )?;
    Ok(())
}

fn distillation(out: &mut dyn Write) -> Result<(), CliError> {
    // A teacher sure of "sat" but with a second mode on "mat"; two students.
    let teacher = [0.0, 0.5, 4.0, 0.0, 3.0];
    let students: [(&str, [f64; 5]); 2] = [
        ("covers both modes", [0.0, 0.5, 3.0, 0.0, 3.0]),
        ("sits on one mode", [0.0, 0.0, 5.0, 0.0, -2.0]),
    ];
    writeln!(
        out,
        "Knowledge distillation trains a student Q to match a teacher P, both given as logits\n\
         over the same vocabulary ({}). Which divergence is minimised matters:\n\
         forward KL(P‖Q) punishes the student for missing any mode of the teacher\n\
         (mass-covering), reverse KL(Q‖P) for putting mass where the teacher has little\n\
         (mode-seeking), and JSD_β, the weighted divergence of both from their mixture\n\
         M = βP + (1−β)Q, sits in between and stays finite. At temperature T both softmaxes\n\
         are softened (logits / T) and the T² factor keeps gradients comparable.\n",
        VOCAB.join(", ")
    )?;
    let mut rows = vec![vec![
        "student".to_string(),
        "T".to_string(),
        "forward KL(P‖Q)".to_string(),
        "reverse KL(Q‖P)".to_string(),
        "JSD (β = ½)".to_string(),
    ]];
    // KL values at T = 1: [student][forward, reverse].
    let mut at1 = [[0.0; 2]; 2];
    for (k, (name, s)) in students.iter().enumerate() {
        for temp in [1.0, 2.0] {
            let mut row = vec![name.to_string(), human(temp)];
            for div in [
                Divergence::Forward,
                Divergence::Reverse,
                Divergence::Jsd { beta: 0.5 },
            ] {
                let opts = LossOptions::new(div).temperature(temp).t2_scaling(true);
                let l = divergence(Teacher::Logits(&teacher), s, 5, &opts, Gradients::none())
                    .map_err(lib_err)?;
                row.push(human(l.value));
                if temp == 1.0 {
                    match div {
                        Divergence::Forward => at1[k][0] = l.value,
                        Divergence::Reverse => at1[k][1] = l.value,
                        _ => {}
                    }
                }
            }
            rows.push(row);
        }
    }
    write!(out, "{}", table(&rows))?;
    writeln!(
        out,
        "\nAt T = 1 the student that drops the teacher's second mode (\"mat\") pays {}× the\n\
         covering student's loss under the forward KL, but only {}× under the reverse KL:\n\
         the mode-seeking divergence barely minds a dropped mode. JSD(β = ½) is at most\n\
         ln 2 · T². (Values are ×T², nats.)",
        human(at1[1][0] / at1[0][0]),
        human(at1[1][1] / at1[0][1])
    )?;
    Ok(())
}
