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

/// The candidate close enough to `word` to be a likely typo, when exactly
/// one is: what a fix may put in its place (two would be a guess).
pub fn only_close<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lowered = word.to_lowercase();
    let mut close = candidates.into_iter().filter(|candidate| {
        *candidate != word && strsim::jaro_winkler(&lowered, &candidate.to_lowercase()) >= 0.8
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
    }
}
