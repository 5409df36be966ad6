"""The pipeline's parameters, the tutorial's settings and how a set of settings is described."""
from __future__ import annotations

import math

from engine.datasets import DIGITS_TRAIN, DIGITS_VAL
from engine.params import Param, ParamSet

LOGISTIC, SK_MLP, NN_MLP = "logistic regression", "MLP (scikit-learn)", "MLP (engine.nn)"
MODELS = (LOGISTIC, SK_MLP, NN_MLP)


def holdout_size(n, fraction) -> int:
    """Images early stopping holds out of ``n`` training images: train_test_split's rule for a
    float test_size, ceil(fraction * n) (the tutorial: 115 of 1149)."""
    return int(math.ceil(fraction * n))


MODEL = Param("model", "model", SK_MLP, kind="choice", choices=MODELS,
              help="Logistic regression (the tutorial's baseline), scikit-learn's MLPClassifier "
                   "(the tutorial's network), or the same network trained by this app's numpy engine.")
C = Param("C", "C (inverse penalty)", 1.0, minimum=1e-4, maximum=1e4, log=True, decimals=4,
          help="Logistic regression's inverse L2 strength: small C = strong penalty. The baseline uses 1.")
HIDDEN1 = Param("hidden1", "hidden layer 1", 100, kind="int", minimum=1, maximum=512,
                help="Units in the first hidden layer (the tutorial: 100).")
HIDDEN2 = Param("hidden2", "hidden layer 2", 50, kind="int", minimum=0, maximum=512,
                help="Units in the second hidden layer (the tutorial: 50); 0 = only one hidden layer.")
ALPHA = Param("alpha", "alpha (L2)", 1.0, minimum=1e-6, maximum=100.0, log=True, decimals=6,
              help="The MLP's L2 penalty on the weights (scikit-learn's alpha). Step 2 chose 1.0.")
EARLY_STOPPING = Param("early_stopping", "early stopping", True, kind="bool",
                       help="Hold out a fraction of the TRAINING images and stop when their accuracy "
                            "(scikit-learn) or loss (engine.nn) stops improving. The network then "
                            "learns from fewer images.")
VALIDATION_FRACTION = Param("validation_fraction", "early-stop holdout", 0.1, minimum=0.05, maximum=0.5,
                            decimals=2,
                            help="Fraction of the training images early stopping holds out for itself "
                                 f"(the tutorial: 0.1, i.e. {holdout_size(DIGITS_TRAIN, 0.1)} of {DIGITS_TRAIN}).")
N_ITER_NO_CHANGE = Param("n_iter_no_change", "patience", 10, kind="int", minimum=1, maximum=200,
                         help="Iterations without improvement before training stops (the tutorial: 10).")
MAX_ITER = Param("max_iter", "max iterations", 500, kind="int", minimum=1, maximum=2000,
                 help="Upper limit of passes over the data (the tutorial: 200 in Step 2, 500 in Step 3, "
                      "1000 for the baseline).")
SEED = Param("seed", "seed", 42, kind="int", minimum=0, maximum=2**31 - 1,
             help="Seed of the weights' initialisation, the shuffling and early stopping's holdout. "
                  "The data split stays the tutorial's.")
N_SEEDS = Param("n_seeds", "seeds", 1, kind="int", minimum=1, maximum=20,
                help="Train with this many seeds (seed, seed+1, ...) and report mean ± standard deviation: "
                     "how much of a difference is just luck.")
REFIT = Param("refit", "refit on train+val", False, kind="bool",
              help="Choose with the validation score of a network trained on the training set, then train "
                   f"the same settings again on training + validation ({DIGITS_TRAIN + DIGITS_VAL} images) "
                   "for the test score.")

PARAMS = ParamSet((MODEL, C, HIDDEN1, HIDDEN2, ALPHA, EARLY_STOPPING, VALIDATION_FRACTION,
                   N_ITER_NO_CHANGE, MAX_ITER, SEED, N_SEEDS, REFIT))
MLP_ONLY = ("hidden1", "hidden2", "alpha", "early_stopping", "validation_fraction", "n_iter_no_change")
LOGISTIC_ONLY = ("C",)
EARLY_STOPPING_ONLY = ("validation_fraction", "n_iter_no_change")

# the tutorial's settings
TUTORIAL_ALPHAS = (0.001, 0.01, 0.1, 1.0)
TUTORIAL_HIDDEN = (100, 50)
TUTORIAL_SEED = 42
BASELINE_SETTINGS = {"model": LOGISTIC, "C": 1.0, "max_iter": 1000, "seed": TUTORIAL_SEED}
STEP2_SETTINGS = {"model": SK_MLP, "hidden1": 100, "hidden2": 50, "early_stopping": False, "max_iter": 200,
                  "seed": TUTORIAL_SEED}
STEP3_SETTINGS = {"model": SK_MLP, "hidden1": 100, "hidden2": 50, "early_stopping": True,
                  "validation_fraction": 0.1, "n_iter_no_change": 10, "max_iter": 500, "seed": TUTORIAL_SEED}
STEP3_ITERATIONS = 30      # where the tutorial's Step 3 stops (what its notebook shows; checked by the tests)
STEP_TITLES = {1: "Step 1: baseline", 2: "Step 2: choose alpha", 3: "Step 3: final model",
               4: "Step 4: test"}

NN_LEARNING_RATE = 0.001   # scikit-learn's learning_rate_init, with Adam as scikit-learn's default solver
NN_BATCH = 200             # scikit-learn's batch_size="auto": min(200, n_samples)


def validate_settings(settings: dict) -> dict:
    """Complete ``settings`` with the defaults and check every value (ValueError names the bad one)."""
    return PARAMS.validate(dict(settings))


def hidden_layers(settings: dict) -> tuple[int, ...]:
    return (settings["hidden1"],) + ((settings["hidden2"],) if settings["hidden2"] > 0 else ())


def early_stopping_on(settings: dict) -> bool:
    """Does early stopping apply to these settings (an MLP with it switched on)?"""
    return bool(settings.get("early_stopping")) and settings.get("model") != LOGISTIC


def describe(settings: dict) -> str:
    """A short label such as "MLP (100, 50), alpha 1, early stop" or "logistic, C 0.3"."""
    s = validate_settings(settings)
    if s["model"] == LOGISTIC:
        text = f"logistic, C {s['C']:g}"
    else:
        layers = ", ".join(str(h) for h in hidden_layers(s))
        engine = "nn " if s["model"] == NN_MLP else ""
        text = f"{engine}MLP ({layers}), alpha {s['alpha']:g}"
        if s["early_stopping"]:
            text += ", early stop"
            if s["validation_fraction"] != VALIDATION_FRACTION.default:
                text += f" {s['validation_fraction']:g}"
    if s["max_iter"] != MAX_ITER.default:
        text += f", max {s['max_iter']}"
    if s["refit"]:
        text += ", refit"
    return text


def digits_data(data):
    """``data``, or the tutorial's digits when None; refuses a split without a validation set."""
    if data is None:
        from engine.datasets import digits_split
        data = digits_split()
    if getattr(data, "X_val", None) is None:
        raise ValueError("data must be a split with a validation set, such as engine.datasets.digits_split()")
    return data
