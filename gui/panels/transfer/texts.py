"""The Transfer learning page's explanations (HTML); the numbers in them come from the engine."""
from engine import transfer as T
from gui.panels.transfer.style import COLOURS

LESSON = (
    f"<b>Transfer learning</b> reuses a network pre-trained on a big <i>source</i> task ({T.N_SOURCE.default} "
    "samples) for a small <i>target</i> task. It helps most with <b>little</b> target data <b>and</b> a "
    "<b>related</b> source; with more data, training from scratch catches up. With an <b>unrelated</b> source "
    "the copied weights start in the wrong place and frozen features cannot express the new rule: transfer "
    "<b>hurts</b> (<i>negative transfer</i>). Slide relatedness to 0 and watch orange fall below blue.")
METHODS_TEXT = (
    f"<span style='color:{COLOURS['scratch']}'><b>scratch</b></span>: random initial weights. "
    f"<span style='color:{COLOURS['fine-tune']}'><b>fine-tune</b></span>: every layer copied from the pre-trained "
    f"network, all trained. <span style='color:{COLOURS['freeze']}'><b>frozen</b></span>: copied, hidden layers "
    "frozen, only the output layer trained. <b>Dashed black</b>: the pre-trained network as it is.")
RELATEDNESS_TEXT = (
    f"Both tasks label {T.N_FEATURES}-dimensional inputs with a random teacher network. The target's score is "
    "cos(a)&middot;source score + sin(a)&middot;an independent score, a = (1 &minus; relatedness)&middot;90&deg;.")
TUTORIAL_TEXT = (
    "The tutorial's code for this section <b>crashes</b> on current scikit-learn (copying <tt>coefs_</tt> into a "
    "new MLPClassifier), so it printed no numbers. Even run, it would not measure transfer: <tt>fit</tt> without "
    "<tt>warm_start</tt> re-initialises the copied weights, sizes 500 and 1000 slice a 200-sample set, and its "
    "two tasks are unrelated. <b>Here</b> the weights are really copied (fine-tuned curves start at the "
    "pre-trained accuracy), every size uses distinct samples, and you set how related the tasks are.")
