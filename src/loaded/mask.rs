//! What `--redact` shows of a user's stored data: the masked copies of its data, its listing
//! row, its progress events and its moments, and the milestone ids the map does not know.

use crate::engine::redact::{
    journey_milestones, mask, mask_json, mask_milestone, mask_snapshot, mask_words, note_message,
    shown_malformed, unknown_among,
};
use crate::engine::{MilestoneMap, Snapshot};
use crate::store::{UserData, UserSummary};

/// A user's data as a person may see it under `--redact`: display name, chat, journey values,
/// the cached context and quoted values in malformed reasons masked (the whole reason when the
/// snapshot `s` was read from a file that wrote it).
pub(super) fn mask_user_data(d: &UserData, s: &Snapshot, map: &MilestoneMap) -> UserData {
    let mut out = d.clone();
    out.display_name = d.display_name.as_deref().map(mask);
    let snap_like = Snapshot {
        user_id: d.user_id.clone(),
        session_id: d.session_id.clone(),
        current_milestone: d.current_milestone.clone(),
        now: d.now,
        query: None,
        session: d.session.clone(),
        journey: d.journey.clone(),
        knowledge: Vec::new(),
        knowledge_search: None,
        cached_context: None,
        session_key: None,
        // Masked below, item by item, against the snapshot read.
        malformed: Vec::new(),
        notes: Vec::new(),
        recorded: Default::default(),
    };
    let masked = mask_snapshot(&snap_like, map);
    out.session = masked.session;
    out.journey = masked.journey;
    out.current_milestone = masked.current_milestone;
    out.malformed = d.malformed.iter().map(|m| shown_malformed(m, s)).collect();
    out.cached_context = d.cached_context.as_ref().map(|c| mask_json(c, map));
    if let Some(a) = &mut out.as_of {
        a.milestone = a.milestone.as_deref().map(|m| mask_milestone(m, map));
    }
    for m in &mut out.moments {
        m.label = mask_moment_label(&m.label, map);
    }
    out
}

/// The milestone ids in a user's stored data that `map` does not know, longest first (so a
/// longer one is masked whole where a shorter one is part of it): the user's, then, a row's, a
/// transition's `from` and `to`, the cached context key's.
pub(super) fn unknown_milestones(d: &UserData, s: &Snapshot, map: &MilestoneMap) -> Vec<String> {
    let journey = d
        .journey
        .iter()
        .chain(&s.journey)
        .flat_map(journey_milestones);
    let key_tail = d
        .cached_context_key
        .as_deref()
        .and_then(|k| k.rsplit_once(':'))
        .map(|(_, m)| m);
    // A cached context key a note names (as of an earlier instant, the key read may be of
    // another milestone than the user's then): its milestone too.
    let head = crate::engine::keys::context_key("", &d.user_id, "");
    let noted = d
        .notes
        .iter()
        .chain(&s.notes)
        .filter_map(|n| n.source.find(&head).map(|at| &n.source[at + head.len()..]));
    let names = [
        d.current_milestone.as_deref(),
        s.current_milestone.as_deref(),
    ]
    .into_iter()
    .chain([
        d.as_of.as_ref().and_then(|a| a.milestone.as_deref()),
        key_tail,
    ])
    .flatten()
    .chain(journey)
    .chain(noted);
    unknown_among(names, map)
}

/// Masks, in the shown copies, the unknown milestone `words` wherever the store's messages and
/// key names hold them: notes, malformed sources, the cached context's key. A note's quoted
/// values are masked, all of it when the file `stored` was read from wrote it.
pub(super) fn mask_named(
    data: &mut UserData,
    snap: &mut Snapshot,
    stored: &Snapshot,
    words: &[String],
) {
    for n in data.notes.iter_mut().chain(snap.notes.iter_mut()) {
        n.message = note_message(&n.source, &n.message, stored, words);
        n.source = mask_words(&n.source, words);
    }
    for m in data.malformed.iter_mut().chain(snap.malformed.iter_mut()) {
        m.reason = mask_words(&m.reason, words);
        m.source = mask_words(&m.source, words);
    }
    data.cached_context_key = data
        .cached_context_key
        .as_deref()
        .map(|k| mask_words(k, words));
    snap.session_key = snap.session_key.as_deref().map(|k| mask_words(k, words));
}

/// A listing row as a person may see it under `--redact`: the display name masked, and the
/// milestone unless the map knows it.
pub fn mask_summary(u: &mut UserSummary, map: &MilestoneMap) {
    u.display_name = u.display_name.as_deref().map(mask);
    u.current_milestone = u
        .current_milestone
        .as_deref()
        .map(|m| mask_milestone(m, map));
}

/// A progress event as `--redact` shows it: its milestone masked unless the map knows it (the
/// timestamp was read as one, the user id is the channel's).
pub fn mask_event(ev: &mut crate::store::ProgressEvent, map: &MilestoneMap) {
    ev.milestone = mask_milestone(&ev.milestone, map);
}

/// A moment's label (`transition → M3, turn s1#2`) as `--redact` shows it: a milestone the map
/// does not know is masked; a part that is none of the label's own forms is masked whole.
fn mask_moment_label(label: &str, map: &MilestoneMap) -> String {
    label
        .split(", ")
        .map(|part| {
            for form in ["completed ", "transition → "] {
                if let Some(m) = part.strip_prefix(form) {
                    return format!("{form}{}", mask_milestone(m, map));
                }
            }
            let own = part == "business DNA"
                || part
                    .strip_prefix("turn ")
                    .and_then(|id| id.rsplit_once('#'))
                    .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            if own { part.to_string() } else { mask(part) }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
