//! "Did you mean …?": the closest of the values a mistyped one could have
//! been, picked as clap picks its suggestions (Jaro similarity above 0.7,
//! with `strsim`), case-insensitively.

/// The candidate closest to `given`, if one is close enough.
pub fn closest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let given = given.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        let score = strsim::jaro(&given, &c.to_lowercase());
        if score > 0.7 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// "did you mean `put`? " (with the trailing space), or nothing: the start
/// of a `help:` line that goes on with the list to pick from.
pub fn did_you_mean<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match closest(given, candidates) {
        Some(c) => format!("did you mean `{c}`? "),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_closest_close_enough() {
        let kinds = ["put", "delete"];
        assert_eq!(closest("puts", kinds), Some("put"));
        assert_eq!(closest("DELET", kinds), Some("delete"));
        assert_eq!(closest("insert", kinds), None);
        assert_eq!(
            closest(
                "PreSignUp_SignUpx",
                [
                    "PreSignUp_SignUp",
                    "PreSignUp_AdminCreateUser",
                    "PostConfirmation_ConfirmSignUp"
                ]
            ),
            Some("PreSignUp_SignUp")
        );
        assert_eq!(did_you_mean("x", kinds), "");
        assert_eq!(did_you_mean("Puts", kinds), "did you mean `put`? ");
    }
}
