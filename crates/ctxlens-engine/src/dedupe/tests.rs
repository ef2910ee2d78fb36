//! Duplicates: the fingerprint against the reference it replaced, what is and is not a copy,
//! the similarity shown, each copy's original, and the screening budget past which only exact
//! copies are checked.

use proptest::prelude::*;
use xxhash_rust::xxh3::xxh3_128;

/// The fingerprint as first written: the whole normalised body built, then split.
fn reference(body: &str) -> Fingerprint {
    let mut norm = String::with_capacity(body.len());
    for w in body.split_whitespace() {
        if !norm.is_empty() {
            norm.push(' ');
        }
        norm.extend(w.chars().flat_map(char::to_lowercase));
    }
    let words: Vec<u64> = norm
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| xxh3_64(w.as_bytes()))
        .collect();
    let mut shingles: Vec<u64> = if words.len() < SHINGLE_WORDS {
        vec![shingle(&words)]
    } else {
        words.windows(SHINGLE_WORDS).map(shingle).collect()
    };
    shingles.sort_unstable();
    shingles.dedup();
    Fingerprint {
        exact: xxh3_128(norm.as_bytes()),
        words: words.len(),
        shingles,
    }
}

/// Rows of one template (a repeated label and filler, a number apart) share their common
/// shingles with every other row: the indexed assignment, whose prefixes hold the rarest
/// shingles, still gives the scan's answer.
#[test]
fn rows_of_one_template_assign_as_the_scan_does() {
    let bodies: Vec<String> = (0..1_000)
        .map(|n| {
            format!(
                "Milestone M{} completed\nn: {n}\ntext: {}",
                n % 10,
                "word ".repeat(50)
            )
        })
        .collect();
    let prints: Vec<Fingerprint> = bodies.iter().map(|b| Fingerprint::of(b)).collect();
    let refs: Vec<&Fingerprint> = prints.iter().collect();
    for threshold in [0.3, 0.5, 0.7, 0.9] {
        assert_eq!(
            assign_indexed(&refs, threshold, false, usize::MAX).found,
            assign_scan(&refs, threshold, false),
            "{threshold}"
        );
    }
}

/// Rows written from a handful of words share every shingle: past the screening's budget,
/// the rest are checked for exact copies only (still found), and where that began is said.
#[test]
fn past_the_screening_budget_the_rest_are_checked_for_exact_copies_only() {
    const WORDS: [&str; 4] = ["alpha", "beta", "gamma", "delta"];
    let mut state = 7u64;
    let mut bodies: Vec<String> = (0..400)
        .map(|_| {
            (0..30)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                    WORDS[(state >> 62) as usize]
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    // Late in the list: an exact copy of row 0, and a near copy of row 1.
    bodies.push(bodies[0].to_uppercase());
    bodies.push(format!("{} omega", bodies[1]));
    let prints: Vec<Fingerprint> = bodies.iter().map(|b| Fingerprint::of(b)).collect();
    let refs: Vec<&Fingerprint> = prints.iter().collect();
    let whole = assign_indexed(&refs, 0.7, false, usize::MAX);
    assert_eq!(whole.exact_only_after, None);
    assert_eq!(
        whole.found[400].map(|f| (f.0, f.1)),
        Some((0, Match::Exact))
    );
    assert_eq!(whole.found[401].map(|f| (f.0, f.1)), Some((1, Match::Near)));
    let cut = assign_indexed(&refs, 0.7, false, 1_000);
    let at = cut.exact_only_after.expect("the budget is spent");
    assert!(at > 0 && at < 400, "{at}");
    assert_eq!(
        cut.found[..at],
        whole.found[..at],
        "the same answer up to there"
    );
    assert_eq!(cut.found[400].map(|f| (f.0, f.1)), Some((0, Match::Exact)));
    assert_eq!(
        cut.found[401], None,
        "near copies are not looked for past it"
    );
}

proptest! {
    /// The indexed assignment equals the scan of every earlier original, for texts made
    /// of few words (so that exact and near copies, and near misses, are common).
    #[test]
    fn the_indexed_assignment_equals_the_scan(
        texts in proptest::collection::vec(
            proptest::collection::vec(0u8..12, 6..20),
            1..40,
        ),
        threshold in 0.0f64..1.2,
        exact_only in proptest::bool::ANY,
    ) {
        const WORDS: [&str; 12] = [
            "price", "landed", "cost", "duty", "freight", "margin",
            "Price", "unit", "shelf", "brand", "quote", "fee",
        ];
        let bodies: Vec<String> = texts
            .iter()
            .map(|w| w.iter().map(|&i| WORDS[i as usize]).collect::<Vec<_>>().join(" "))
            .collect();
        let prints: Vec<Fingerprint> = bodies.iter().map(|b| Fingerprint::of(b)).collect();
        let refs: Vec<&Fingerprint> = prints.iter().collect();
        prop_assert_eq!(
            assign_indexed(&refs, threshold, exact_only, usize::MAX).found,
            assign_scan(&refs, threshold, exact_only)
        );
    }

    #[test]
    fn the_one_pass_fingerprint_equals_the_reference(
        body in r"([A-Za-zÀ-ÿİıßΣ0-9]{0,6}[ \t\n.,;'\-\u{3000}]{0,3}){0,40}",
    ) {
        prop_assert_eq!(Fingerprint::of(&body), reference(&body));
    }
}

use super::*;

const ARTICLE: &str = "Landed cost per unit adds freight, duty, insurance and fulfilment \
    fees to the factory price; price from landed cost, never from the factory quote.";

#[test]
fn whitespace_and_case_do_not_make_a_text_new() {
    let a = Fingerprint::of(ARTICLE);
    let b = Fingerprint::of(&ARTICLE.to_uppercase().replace(' ', "  \n "));
    assert_eq!(compare(&a, &b, 0.7), Some((Match::Exact, 1.0)));
    // Punctuation is not whitespace: the same words, a near copy.
    let c = Fingerprint::of(&ARTICLE.replace(';', "."));
    assert_eq!(compare(&a, &c, 0.7), Some((Match::Near, 1.0)));
}

#[test]
fn a_pasted_article_with_a_short_frame_is_a_near_copy_and_another_text_is_not() {
    let a = Fingerprint::of(ARTICLE);
    let pasted = Fingerprint::of(&format!("From the guide: {ARTICLE}\nNoted."));
    let (m, j) = compare(&a, &pasted, 0.7).expect("near copy");
    assert_eq!(m, Match::Near);
    // 22 shingles of the article, 26 in the pasted turn: every article shingle is shared.
    assert!((j - 22.0 / 26.0).abs() < 1e-9, "{j}");
    let other = Fingerprint::of(
        "Interview twenty customers before you build anything; ask what they paid last time.",
    );
    assert_eq!(compare(&a, &other, 0.7), None);
    assert_eq!(
        compare(&a, &pasted, 0.9),
        None,
        "below a stricter threshold"
    );
}

#[test]
fn short_texts_are_never_copies() {
    let a = Fingerprint::of("Thanks, that helps!");
    assert_eq!(compare(&a, &a.clone(), 0.7), None);
}

#[test]
fn the_estimate_is_exact_for_small_sets_and_close_for_large_ones() {
    let x: Vec<u64> = (0..40).collect();
    let y: Vec<u64> = (20..60).collect();
    assert!((minhash_estimate(&x, &y) - jaccard(&x, &y)).abs() < 1e-9);
    let text: Vec<String> = (0..600).map(|i| format!("w{i}")).collect();
    let a = Fingerprint::of(&text.join(" "));
    let b = Fingerprint::of(&text[100..].join(" "));
    let exact = jaccard(&a.shingles, &b.shingles);
    let est = minhash_estimate(a.sketch(), b.sketch());
    assert!((est - exact).abs() < 0.2, "estimate {est} vs exact {exact}");
    assert_eq!(compare(&a, &b, 0.8).map(|m| m.0), Some(Match::Near));
}

/// The figure shown is never above the similarity: set as the threshold, it finds the pair.
#[test]
fn a_similarity_is_shown_rounded_down() {
    assert_eq!(super::round3(0.9589), 0.958);
    assert_eq!(super::round3(0.29), 0.29);
    assert_eq!(super::round3(1.0), 1.0);
    assert_eq!(super::shown_similarity(0.959), "0.95");
    assert_eq!(super::shown_similarity(0.29), "0.29");
    assert_eq!(super::shown_similarity(0.75), "0.75");
    assert_eq!(super::shown_similarity(1.0), "1.00");
    for n in 1..=200u32 {
        for d in n..=200u32 {
            let j = f64::from(n) / f64::from(d);
            let shown: f64 = super::shown_similarity(j).parse().expect("a number");
            assert!(shown <= j && j - shown < 0.01, "{n}/{d}: {shown}");
            let reported = super::round3(j);
            assert!(reported <= j && j - reported < 0.001, "{n}/{d}: {reported}");
        }
    }
}

#[test]
fn each_copy_points_at_the_first_original_it_matches() {
    let base: Vec<String> = (0..30).map(|i| format!("word{i}")).collect();
    let a = base.join(" ");
    // b shares most of a; c shares most of b but not enough of a.
    let b = format!("{} extra1 extra2 extra3", base[3..].join(" "));
    let c = format!("{} extra1 extra2 extra3 more1 more2", base[7..].join(" "));
    let p: Vec<Fingerprint> = [&a, &b, &c, &a]
        .iter()
        .map(|t| Fingerprint::of(t))
        .collect();
    let refs: Vec<&Fingerprint> = p.iter().collect();
    let got = assign(&refs, 0.7, false).found;
    assert_eq!(got[0], None);
    assert_eq!(got[1].map(|g| (g.0, g.1)), Some((0, Match::Near)));
    assert!(
        compare(&p[1], &p[2], 0.7).is_some(),
        "c is a near copy of b, which is itself a copy"
    );
    assert_eq!(got[2], None, "so c stays an original");
    assert_eq!(got[3], Some((0, Match::Exact, 1.0)));
    let exact = assign(&refs, 0.7, true).found;
    assert_eq!(
        exact.iter().map(|g| g.map(|x| x.0)).collect::<Vec<_>>(),
        [None, None, None, Some(0)]
    );
}
