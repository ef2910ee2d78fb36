//! The error messages a tally keeps: the first few, whatever order they were met in.

/// The messages kept are the first few in order, whatever order workers met them in and
/// however their lists are merged: two runs of one fleet list the same users.
#[test]
fn the_first_few_kept_do_not_depend_on_the_order_met() {
    let messages: Vec<String> = (0..97).map(|i| format!("u{i:03}: why")).collect();
    let mut forward = Vec::new();
    for m in &messages {
        super::keep(&mut forward, m.clone());
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for (i, m) in messages.iter().rev().enumerate() {
        super::keep(if i % 3 == 0 { &mut a } else { &mut b }, m.clone());
    }
    for m in a {
        super::keep(&mut b, m);
    }
    let want: Vec<String> = messages[..super::ERRORS_KEPT].to_vec();
    assert_eq!(super::least(&forward), want);
    assert_eq!(super::least(&b), want);
}
