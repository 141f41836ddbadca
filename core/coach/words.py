"""The coach's words that quote numbers: each sentence says only what its numbers show."""
from __future__ import annotations


def pct(value: float) -> str:
    return f"{value:.1%}"


CLOSE_POINTS = 2.0  # training and validation accuracy this close say "as well on new images as on old ones"


def gap_words(train_accuracy: float, validation_accuracy: float) -> str:
    """How validation accuracy stands to training accuracy, in words that agree with the numbers."""
    gap = (train_accuracy - validation_accuracy) * 100
    if abs(gap) <= CLOSE_POINTS:
        return (f"within {abs(gap):.1f} points of training accuracy ({pct(train_accuracy)}): it does about as "
                f"well on images it has never seen as on the ones it trained on.")
    if gap > 0:
        return (f"{gap:.1f} points below training accuracy ({pct(train_accuracy)}): it does somewhat better on "
                f"the images it trained on; watch this gap, and more pictures or augmentation narrow it.")
    return (f"{-gap:.1f} points above training accuracy ({pct(train_accuracy)}). That is normal early on: "
            f"training accuracy is averaged over the epoch while the network was still learning (and with "
            f"dropout or augmentation making training harder), validation is measured at the epoch's end.")


GUESSING_MARGIN = 0.15  # a loss within 15% of blind guessing's is "about what blind guessing scores"


def beside_guessing(loss: float, chance_loss: float) -> str:
    """' — about what blind guessing scores —' or ' — worse than blind guessing —' when that is true."""
    if abs(loss - chance_loss) <= GUESSING_MARGIN * chance_loss:
        return f" — about what blind guessing scores ({chance_loss:.2f}) —"
    if loss > chance_loss:
        return f" — worse than blind guessing, which scores {chance_loss:.2f} —"
    return ""
