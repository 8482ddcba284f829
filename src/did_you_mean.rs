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
}
