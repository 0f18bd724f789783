#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! NMI, mutual information and Hungarian accuracy against scikit-learn / scipy
//! (`testdata/icon_reference.json`, written by `tools/gen_icon_reference.sh`).

use kldiv_icon::Points;
use kldiv_icon::metrics::{hungarian_accuracy, knn_accuracy, mutual_information, nmi};

fn labels(v: &serde_json::Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

#[test]
fn against_scikit_learn() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/icon_reference.json"
    );
    let text = std::fs::read_to_string(path).expect("testdata/icon_reference.json");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["nmi_normalisation"], "arithmetic");
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 15);
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let (t, p) = (labels(&c["truth"]), labels(&c["pred"]));
        let want_nmi = c["nmi"].as_f64().unwrap();
        let want_mi = c["mi"].as_f64().unwrap();
        let want_acc = c["hungarian"].as_f64().unwrap();
        let got_nmi = nmi(&t, &p).unwrap();
        let got_mi = mutual_information(&t, &p).unwrap();
        assert!(
            (got_nmi - want_nmi).abs() <= 1e-13,
            "{name}: nmi {got_nmi} vs {want_nmi}"
        );
        assert!(
            (got_mi - want_mi).abs() <= 1e-13,
            "{name}: mi {got_mi} vs {want_mi}"
        );
        // Both are (matched count) / n: equal up to the rounding of the division.
        let got_acc = hungarian_accuracy(&t, &p).unwrap();
        assert!(
            (got_acc - want_acc).abs() <= 1e-15,
            "{name}: accuracy {got_acc} vs {want_acc}"
        );
    }
}

#[test]
fn knn_accuracy_leave_one_out() {
    // Two groups and one point of label 1 next to group 0: 1-NN misclassifies it only.
    let x = Points::new("x", &[0.0, 0.1, 0.2, 0.5, 5.0, 5.1, 5.2], 1).unwrap();
    let y = [0, 0, 0, 1, 1, 1, 1];
    assert_eq!(knn_accuracy(x, &y, 1).unwrap(), 6.0 / 7.0);
    // k = 3: the majority of the point's 3 neighbours is 0, and the others are unaffected.
    assert_eq!(knn_accuracy(x, &y, 3).unwrap(), 6.0 / 7.0);
    assert!(knn_accuracy(x, &y, 7).is_err());
    assert!(knn_accuracy(x, &y[..3], 1).is_err());
}
