"""Small pieces of English for sentences built around a class name."""
VOWEL_SOUNDS = ("a", "e", "i", "o", "u", "8", "11", "18")  # "an 8", "an 11"; class names rarely need more


def a_or_an(word: str) -> str:
    """'an' before a word said with a vowel first ('an airplane', 'an 8'), else 'a' ('a ship', 'a 7')."""
    return "an" if str(word).strip().lower().startswith(VOWEL_SOUNDS) else "a"
