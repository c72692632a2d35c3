"""Diagnostics: strengths and weaknesses of territories, compared to what, and how sure.

The core works on plain tables (one column per indicator, indexed by territory
code) so it serves any country; :func:`territorial.france.diagnose_france` is a thin
layer for the built-in France territories.

Examples
--------
>>> import pandas as pd
>>> from territorial.diagnose import diagnose
>>> v = pd.DataFrame({"x": [float(i) for i in range(10)]}, index=list("abcdefghij"))
>>> diagnose(v, {"x": {"polarity": "higher_is_better", "label": {"en": "X"}}}).diagnosis(
...     "j", lang="en").strengths
['X: 9.00, 10th decile of territories']
"""

from __future__ import annotations

from territorial.diagnose.compare import (
    Comparison,
    StrengthRule,
    compare,
    percentile_ranks,
    reference_values,
    robust_z,
    size_classes,
)
from territorial.diagnose.composite import (
    CompositeResult,
    Profile,
    composite_scores,
)
from territorial.diagnose.diagnosis import (
    Diagnosis,
    DiagnosisSet,
    diagnose,
    diagnose_all,
    to_csv_frame,
)
from territorial.diagnose.smoothing import empirical_bayes
from territorial.diagnose.spatial import (
    GlobalMoran,
    LocalMoran,
    fdr_threshold,
    global_moran,
    local_moran,
)
from territorial.diagnose.typology import Typology, regionalise, typology
from territorial.diagnose.weights import ContiguityWeights, contiguity_weights

__all__ = [
    "Comparison",
    "CompositeResult",
    "ContiguityWeights",
    "Diagnosis",
    "DiagnosisSet",
    "GlobalMoran",
    "LocalMoran",
    "Profile",
    "StrengthRule",
    "Typology",
    "compare",
    "composite_scores",
    "contiguity_weights",
    "diagnose",
    "diagnose_all",
    "empirical_bayes",
    "fdr_threshold",
    "global_moran",
    "local_moran",
    "percentile_ranks",
    "reference_values",
    "regionalise",
    "robust_z",
    "size_classes",
    "to_csv_frame",
    "typology",
]
