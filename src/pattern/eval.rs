//! Matching a flattened event against a pattern's alternatives, and saying
//! why it failed: the first key of the closest alternative that did not match.

use super::compile::SubRule;
use super::matcher::{Matcher, describe};
use super::value::FlatEvent;
use super::{Found, Reason};

/// Why one alternative failed, and how far it got.
#[derive(Debug)]
pub(crate) struct Failure {
    /// Keys of the alternative that matched before the failing one.
    pub(crate) satisfied: usize,
    pub(crate) path: String,
    pub(crate) reason: Reason,
}

/// Tries every alternative; `Err` holds the failure of the one that got
/// furthest (the first of those on a tie).
pub(crate) fn evaluate(rules: &[SubRule], event: &FlatEvent) -> Result<(), Failure> {
    let mut best: Option<Failure> = None;
    for rule in rules {
        match evaluate_one(rule, event) {
            Ok(()) => return Ok(()),
            Err(f) => {
                if best.as_ref().is_none_or(|b| f.satisfied > b.satisfied) {
                    best = Some(f);
                }
            }
        }
    }
    Err(best.expect("a pattern has at least one alternative"))
}

/// Keeps the furthest of two failures (the first on a tie).
pub(crate) fn closer(a: Option<Failure>, b: Failure) -> Failure {
    match a {
        Some(a) if a.satisfied >= b.satisfied => a,
        _ => b,
    }
}

/// The most combinations the array-consistency search tries before it gives
/// the event the benefit of the doubt.
const SEARCH_BUDGET: usize = 1_000_000;

pub(crate) fn evaluate_one(rule: &SubRule, event: &FlatEvent) -> Result<(), Failure> {
    // For each key that needs a leaf: the leaves that satisfy it.
    let mut needs: Vec<Vec<usize>> = Vec::new();
    for (i, field) in rule.fields.iter().enumerate() {
        let at = event.at(&field.path);
        if at.is_empty() && field.matchers.contains(&Matcher::Exists(false)) {
            continue;
        }
        let ok: Vec<usize> = at
            .iter()
            .copied()
            .filter(|&l| field.matchers.iter().any(|m| m.matches(&event.leaves[l].value)))
            .collect();
        if ok.is_empty() {
            let found = if !at.is_empty() {
                Found::Values(at.iter().map(|&l| event.leaves[l].value.render()).collect())
            } else if event.has_object_at(&field.path) {
                Found::Object
            } else {
                Found::Missing
            };
            return Err(Failure {
                satisfied: i,
                path: field.path.clone(),
                reason: Reason::Value {
                    found,
                    wanted: describe(&field.matchers),
                },
            });
        }
        needs.push(ok);
    }
    if needs.len() < 2 || consistent(&needs, event) {
        return Ok(());
    }
    Err(Failure {
        satisfied: rule.fields.len().saturating_sub(1),
        path: shared_array(&needs, event),
        reason: Reason::DifferentArrayElements,
    })
}

/// Whether one leaf per key can be chosen with no two from different
/// elements of the same array. Keys with fewer candidates go first.
fn consistent(needs: &[Vec<usize>], event: &FlatEvent) -> bool {
    let mut order: Vec<&Vec<usize>> = needs.iter().collect();
    order.sort_by_key(|n| n.len());
    let mut chosen = Vec::with_capacity(order.len());
    let mut budget = SEARCH_BUDGET;
    search(&order, &mut chosen, event, &mut budget)
}

fn search(order: &[&Vec<usize>], chosen: &mut Vec<usize>, event: &FlatEvent, budget: &mut usize) -> bool {
    let Some((first, rest)) = order.split_first() else {
        return true;
    };
    for &leaf in first.iter() {
        if *budget == 0 {
            return true;
        }
        *budget -= 1;
        if chosen.iter().all(|&c| event.compatible(c, leaf)) {
            chosen.push(leaf);
            if search(rest, chosen, event, budget) {
                return true;
            }
            chosen.pop();
        }
    }
    false
}

/// The path of the outermost array that separates the matching leaves.
fn shared_array(needs: &[Vec<usize>], event: &FlatEvent) -> String {
    let mut counts = vec![0usize; event.array_paths.len()];
    for need in needs {
        let mut seen = vec![false; event.array_paths.len()];
        for &leaf in need {
            for (id, _) in &event.leaves[leaf].arrays {
                seen[*id] = true;
            }
        }
        for (id, s) in seen.iter().enumerate() {
            if *s {
                counts[id] += 1;
            }
        }
    }
    counts
        .iter()
        .position(|&c| c >= 2)
        .map(|id| event.array_paths[id].clone())
        .unwrap_or_default()
}
