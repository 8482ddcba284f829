//! "Did you mean …?" for misspelt keys, kinds, ids and rule names.

/// The closest candidate to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lowered = word.to_lowercase();
    let mut best: Option<(&str, f64)> = None;
    for candidate in candidates {
        if candidate == word {
            continue;
        }
        let score = strsim::jaro_winkler(&lowered, &candidate.to_lowercase());
        if score >= 0.8 && best.is_none_or(|(_, s)| score > s) {
            best = Some((candidate, score));
        }
    }
    best.map(|(c, _)| c)
}

/// The candidate that `word` is a typo of, when exactly one is: what a fix
/// may put in its place. A typo here is one or two letters added, dropped,
/// changed or swapped (one in a word of up to four letters), which is
/// stricter than [`did_you_mean`]'s likeness: `shift_lenght` is a typo of
/// `shift_length` only, though it also looks like `shifts`.
pub fn only_close<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lowered = word.to_lowercase();
    let limit = if lowered.chars().count() <= 4 { 1 } else { 2 };
    let mut close = candidates.into_iter().filter(|candidate| {
        *candidate != word && strsim::osa_distance(&lowered, &candidate.to_lowercase()) <= limit
    });
    let first = close.next()?;
    // The same id listed twice is one candidate.
    close.all(|other| other == first).then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        let keys = ["owners", "audience", "runbook"];
        assert_eq!(did_you_mean("ownres", keys), Some("owners"));
        assert_eq!(did_you_mean("Audience", keys), Some("audience"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }

    #[test]
    fn only_one_close_candidate_is_a_fix() {
        assert_eq!(only_close("emilly", ["emily", "john"]), Some("emily"));
        assert_eq!(
            only_close("emilly", ["emily", "emily", "john"]),
            Some("emily")
        );
        assert_eq!(only_close("jon", ["john", "joan"]), None);
        assert_eq!(only_close("zzz", ["john"]), None);
        assert_eq!(
            only_close("shift_lenght", ["shifts", "shift_length", "start"]),
            Some("shift_length")
        );
        assert_eq!(only_close("nme", ["name", "id"]), Some("name"));
        // Alike, but not a typo.
        assert_eq!(only_close("aggregate-growth", ["aggregate-profit"]), None);
    }
}
