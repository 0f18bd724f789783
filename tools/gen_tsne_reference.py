"""Reference values for kldiv_icon::metrics::trustworthiness (testdata/tsne_reference.json).

Seeded continuous samples (no tied distances, so the ranks are unambiguous) and their
embeddings, with sklearn.manifold.trustworthiness for several k. The points are committed in
the JSON; the Rust tests read only the JSON.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.manifold import trustworthiness

rng = np.random.default_rng(20261201)
out = {"generator": "tools/gen_tsne_reference.py",
       "numpy": np.__version__, "sklearn": sklearn.__version__, "cases": []}

n, d = 120, 6
x = rng.normal(size=(n, d))
embeddings = {
    "first-two-coordinates": x[:, :2] + 0.05 * rng.normal(size=(n, 2)),
    "random-projection": x @ rng.normal(size=(d, 2)),
    "noise": rng.normal(size=(n, 2)),
    "one-dimensional": x[:, :1] * 3.0,
}
out["x_dim"] = d
out["x"] = x.ravel().tolist()
for name, y in embeddings.items():
    out["cases"].append({
        "name": name,
        "y_dim": int(y.shape[1]),
        "y": y.ravel().tolist(),
        "trustworthiness": [{"k": k, "value": float(trustworthiness(x, y, n_neighbors=k))}
                            for k in (1, 5, 10, 30)],
    })

with open(sys.argv[1], "w") as f:
    json.dump(out, f)
    f.write("\n")
