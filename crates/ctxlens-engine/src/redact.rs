//! Redaction (`--redact`): what is masked, and how. Applied once, where a user is loaded, so every
//! output inherits it; token counts are always counted on the stored text.
//!
//! Masked: chat content, the query, journey data values (and keys that are not field names),
//! display names and the cached context (it holds a prompt). Not masked: ids, milestone ids and names the engine's map knows, policy
//! text, knowledge articles (shared reference data), timestamps and token counts. A milestone
//! field holding an id the map does not know (a transition's `to`, a progress row's milestone)
//! (or a knowledge row's) was written by someone else and is masked like the rest.

use serde_json::Value;

use super::assembly::ItemKind;
use super::milestones::MilestoneMap;
use super::snapshot::{Malformed, SessionEntry, Snapshot, Turn, TurnBody};

/// Every character becomes `•` but whitespace, ASCII punctuation and ASCII controls, so shape
/// and length read: letters and digits, and also emoji, symbols and invisible characters (a run
/// of Unicode tag characters spells words as letters do, and would be shown escaped as their
/// code points).
pub fn mask(text: &str) -> String {
    text.chars()
        .map(|c| {
            // Whitespace stays but for NEL (a C1 control: masked, as every C1 control is).
            if (c.is_whitespace() && c != '\u{85}')
                || c.is_ascii_punctuation()
                || c.is_ascii_control()
            {
                c
            } else {
                '•'
            }
        })
        .collect()
}

/// Whether items of this kind carry a user's words (chat, journey, query).
pub fn masked_kind(kind: ItemKind) -> bool {
    matches!(
        kind,
        ItemKind::Turn
            | ItemKind::BusinessDna
            | ItemKind::MilestoneData
            | ItemKind::Transition
            | ItemKind::Query
    )
}

/// `text` with every whole occurrence of `words` masked (not inside a longer word: `M1` in
/// `M10` stays), the quotes in them too: a quote inside a milestone id (`MQ "q"`) then never
/// reads as the start of a value to a mask of quoted values after it, which would mask the
/// text around it, or leave the id unfound when it ran first. So words are masked first.
pub fn mask_words(text: &str, words: &[String]) -> String {
    if words.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let starts_word = |i: usize| {
        !text[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
    };
    while i < text.len() {
        let rest = &text[i..];
        let hit = starts_word(i)
            .then(|| {
                words.iter().find(|w| {
                    rest.starts_with(w.as_str())
                        && !rest[w.len()..]
                            .chars()
                            .next()
                            .is_some_and(char::is_alphanumeric)
                })
            })
            .flatten();
        match hit {
            Some(w) => {
                out.extend(mask(w).chars().map(|c| match c {
                    '"' | '`' => '•',
                    c => c,
                }));
                i += w.len();
            }
            None => {
                let c = rest.chars().next().unwrap_or_default();
                out.push(c);
                i += c.len_utf8().max(1);
            }
        }
    }
    out
}

/// The milestone ids a journey row names: its own, a transition's `from` and `to`.
pub fn journey_milestones(j: &crate::snapshot::JourneyEntry) -> impl Iterator<Item = &str> {
    let ends = ["from", "to"].map(|k| j.data.get(k).and_then(|v| v.as_str()));
    ends.into_iter().chain([j.milestone.as_deref()]).flatten()
}

/// Of `names`, the milestone ids `map` does not know (and a mask would change), longest first,
/// so a longer one is masked whole where a shorter one is part of it.
pub fn unknown_among<'a>(
    names: impl IntoIterator<Item = &'a str>,
    map: &MilestoneMap,
) -> Vec<String> {
    let mut out: Vec<String> = names
        .into_iter()
        .filter(|m| !m.is_empty() && !map.contains(m) && mask(m) != *m)
        .map(str::to_string)
        .collect();
    out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    out.dedup();
    out
}

/// The milestone ids of `s` that `map` does not know: the user's and its journey rows'.
pub fn unknown_in(s: &Snapshot, map: &MilestoneMap) -> Vec<String> {
    let user = s.current_milestone.as_deref();
    unknown_among(
        user.into_iter()
            .chain(s.journey.iter().flat_map(journey_milestones)),
        map,
    )
}

/// A milestone id as `--redact` shows it: in clear when `map` knows it, masked otherwise.
pub fn mask_milestone(id: &str, map: &MilestoneMap) -> String {
    if map.contains(id) {
        id.to_string()
    } else {
        mask(id)
    }
}

/// JSON with its values masked: strings and numbers as strings of `•` (as long as the text),
/// booleans and null as one `•` (`true` and `false` differ in length); keys stay when they read
/// as field names ([`field_name`]) or are milestone ids the map knows, so the shape reads. Transition `from`/`to` stay when they are milestone ids `map`
/// knows; one it does not know is masked there and wherever it is a key below (a carried
/// context keyed by milestone), as it is everywhere else.
pub fn mask_json(v: &Value, map: &MilestoneMap) -> Value {
    let unknown: Vec<&str> = match v {
        Value::Object(obj) => {
            // A transition's carried context keyed by milestone (some key is one the map
            // knows): its keys are milestone ids, not field names, so one the map does not
            // know is masked too.
            let carried = match (obj.get("to"), obj.get("context")) {
                (Some(_), Some(Value::Object(ctx))) if ctx.keys().any(|k| map.contains(k)) => {
                    ctx.keys().map(String::as_str).collect()
                }
                _ => Vec::new(),
            };
            ["from", "to"]
                .iter()
                .filter_map(|k| obj.get(*k).and_then(Value::as_str))
                .chain(carried)
                .filter(|id| !map.contains(id))
                .collect()
        }
        _ => Vec::new(),
    };
    mask_json_hiding(v, map, &unknown)
}

fn mask_json_hiding(v: &Value, map: &MilestoneMap, hide: &[&str]) -> Value {
    match v {
        Value::String(s) => Value::String(mask(s)),
        Value::Number(n) => Value::String(mask(&n.to_string())),
        Value::Bool(_) | Value::Null => Value::String("•".into()),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|x| mask_json_hiding(x, map, hide))
                .collect(),
        ),
        Value::Object(obj) => {
            let mut out = serde_json::Map::new();
            for (k, x) in obj {
                let keep = matches!(k.as_str(), "from" | "to")
                    && x.as_str().is_some_and(|id| map.contains(id));
                let shown = if keep {
                    x.clone()
                } else {
                    mask_json_hiding(x, map, hide)
                };
                let named = field_name(k) || map.contains(k);
                if hide.contains(&k.as_str()) || !named {
                    // Masked keys may fall together (`Acme Mug`, `Acne Mug`): each kept, numbered.
                    let masked = mask(k);
                    let key = (1..)
                        .map(|n| match n {
                            1 => masked.clone(),
                            n => format!("{masked} #{n}"),
                        })
                        .find(|key| !out.contains_key(key) && !obj.contains_key(key))
                        .unwrap_or(masked);
                    out.insert(key, shown);
                } else {
                    out.insert(k.clone(), shown);
                }
            }
            Value::Object(out)
        }
    }
}

/// Whether a JSON key reads as a field name an application chose (`landed_cost_usd`,
/// `unitCost`): ASCII letters, digits and `_`, starting with a lower-case letter or `_`, no run
/// of more than two digits, at most 64 long. Any other key is text someone typed or a value
/// used as a key — a name (`Berlin`, `Jane.Doe`, `jo.smith`), an address or handle
/// (`jo-smith-gb82`), a number (`ssn_123-45-6789`, `order_10023`), spaces, other scripts,
/// controls — and is masked with the values. Milestone ids the map knows (`M4`) are kept by
/// the caller.
pub fn field_name(k: &str) -> bool {
    let mut chars = k.chars();
    let digit_run = k
        .as_bytes()
        .windows(3)
        .any(|w| w.iter().all(u8::is_ascii_digit));
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && k.len() <= 64
        && !digit_run
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A stored turn masked: its words, not its role or timestamp — unless those hold something
/// other than a role or a timestamp, which is then the user's to hide like the rest.
fn mask_turn_value(raw: &Value, map: &MilestoneMap) -> Value {
    match raw {
        Value::Object(obj) => Value::Object(
            obj.iter()
                .map(|(k, x)| {
                    let keep = match (k.as_str(), x) {
                        ("role", Value::String(r)) => {
                            matches!(r.as_str(), "user" | "assistant" | "system")
                        }
                        ("timestamp", Value::Number(_)) => true,
                        ("timestamp", Value::String(t)) => {
                            chrono::DateTime::parse_from_rfc3339(t).is_ok()
                        }
                        _ => false,
                    };
                    (k.clone(), if keep { x.clone() } else { mask_json(x, map) })
                })
                .collect(),
        ),
        other => mask_json(other, map),
    }
}

fn mask_entry(e: &SessionEntry, map: &MilestoneMap) -> SessionEntry {
    let turn = match &e.turn {
        Ok(t) => Ok(Turn {
            body: match &t.body {
                TurnBody::Exchange { user, assistant } => TurnBody::Exchange {
                    user: mask(user),
                    assistant: mask(assistant),
                },
                TurnBody::Message { role, content } => TurnBody::Message {
                    role: *role,
                    content: mask(content),
                },
            },
            timestamp: t.timestamp,
        }),
        Err(reason) => Err(mask_quoted(reason)),
    };
    SessionEntry {
        raw: mask_turn_value(&e.raw, map),
        turn,
    }
}

/// A message about stored data with its quoted values masked: a malformed turn's reason may
/// quote what the user wrote. Values come quoted with escapes (`{:?}`, JSON), so a backslash
/// inside quotes escapes the next character and `\"` does not end the value. serde quotes
/// numbers in backticks (``invalid type: integer `42` ``): a backtick span is masked unless it
/// is a field name (an enum value, ``unknown variant `x` ``, is masked whatever its shape).
pub fn mask_quoted(message: &str) -> String {
    mask_quoted_with(message, &|_| false)
}

/// [`mask_quoted`], a quoted value that is a milestone id `map` knows kept in clear (`"M1"`),
/// as milestone ids are everywhere else.
pub fn mask_quoted_keeping(message: &str, map: &MilestoneMap) -> String {
    mask_quoted_with(message, &|v| map.contains(v))
}

/// [`mask_quoted`], a double-quoted value for which `known` holds kept in clear.
fn mask_quoted_with(message: &str, known: &dyn Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(['"', '`']) {
        out.push_str(&rest[..at]);
        let open = &rest[at..at + 1];
        let body = &rest[at + 1..];
        let end = if open == "`" {
            body.find('`')
        } else {
            closing_quote(body)
        };
        let Some(end) = end else {
            // An unclosed quote: everything after it may be the value.
            out.push_str(open);
            out.push_str(&mask(body));
            return out;
        };
        let value = &body[..end];
        // serde names a bad enum value in backticks too (``unknown variant `Alice` ``): a value.
        let variant = out.ends_with("unknown variant ");
        // The rule JSON keys are kept by: `JaneDoe` is a name, not a field.
        let field_name = open == "`" && !variant && field_name(value);
        out.push_str(open);
        out.push_str(&if field_name || (open == "\"" && known(value)) {
            value.into()
        } else {
            mask(value)
        });
        out.push_str(open);
        rest = &body[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Where an escaped double-quoted value ends: the first `"` not escaped by a backslash.
fn closing_quote(body: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i),
            _ => {}
        }
    }
    None
}

/// The snapshot as a person may see it under `--redact`; `map` is the engine's milestone map
/// (the ids it knows stay in clear).
pub fn mask_snapshot(s: &Snapshot, map: &MilestoneMap) -> Snapshot {
    let mut out = s.clone();
    out.session = s.session.iter().map(|e| mask_entry(e, map)).collect();
    out.query = s.query.as_deref().map(mask);
    out.current_milestone = s
        .current_milestone
        .as_deref()
        .map(|m| mask_milestone(m, map));
    for j in &mut out.journey {
        j.data = mask_json(&j.data, map);
        j.milestone = j.milestone.as_deref().map(|m| mask_milestone(m, map));
    }
    for k in &mut out.knowledge {
        k.milestone = k.milestone.as_deref().map(|m| mask_milestone(m, map));
    }
    out.cached_context = s.cached_context.as_ref().map(|c| mask_json(c, map));
    out.malformed = s.malformed.iter().map(|m| shown_malformed(m, s)).collect();
    out
}

/// A malformed item as `--redact` shows it: its reason as [`malformed_reason`] says. Its source
/// and id stay as written, as key names and ids do everywhere (the screens and commands that
/// find an item by them, an unreadable cache by its key, a row by `kn:N`, still find it).
pub fn shown_malformed(m: &Malformed, from: &Snapshot) -> Malformed {
    Malformed {
        reason: malformed_reason(m, from),
        ..m.clone()
    }
}

/// A malformed item's reason as `--redact` shows it: the values it quotes masked; the whole of
/// it when a snapshot file wrote it (`from`'s recorded items: free text, as far as can be told).
pub fn malformed_reason(m: &Malformed, from: &Snapshot) -> String {
    if from.recorded_malformed(&m.source, m.id.as_deref()) {
        mask(&m.reason)
    } else {
        mask_quoted(&m.reason)
    }
}

/// A note's message as `--redact` shows it: [`malformed_reason`]'s rule, for notes, after the
/// milestone ids in `unknown` are masked wherever it names them ([`mask_words`]).
pub fn note_message(source: &str, message: &str, from: &Snapshot, unknown: &[String]) -> String {
    let named = mask_words(message, unknown);
    if from.recorded_note(source, message) {
        mask(&named)
    } else {
        mask_quoted(&named)
    }
}

/// For `--redact`: a copy whose other copy is on the other side of the mask (a chat turn and a
/// knowledge article, which is not masked) is not linked to it, and the pair is not listed:
/// naming it would tell what the hidden text says. Its decision stands (a copy removed by
/// `dedupe` is `duplicate`, of nothing named).
pub fn unlink_across_the_mask(a: &mut crate::assembly::Assembly) {
    let masked: std::collections::HashMap<&str, bool> = a
        .items
        .iter()
        .map(|i| (i.id.as_str(), masked_kind(i.kind)))
        .collect();
    let crossing: Vec<usize> = (a.items.iter().enumerate())
        .filter(|(_, i)| {
            let mine = masked_kind(i.kind);
            i.duplicate
                .as_ref()
                .is_some_and(|d| masked.get(d.of.as_str()).is_some_and(|&m| m != mine))
        })
        .map(|(k, _)| k)
        .collect();
    for k in crossing {
        a.items[k].duplicate = None;
    }
    a.duplicates = crate::assembly::pairs(&a.items);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_words_and_keeps_shape() {
        assert_eq!(mask("Café Kōhī ☕, $64!"), "•••• •••• •, $••!");
        // Tag characters spell "pw" invisibly; a zero-width space and an emoji carry text too.
        assert_eq!(
            mask("a\u{e0070}\u{e0077}\u{200b}🚀 b\u{3000}c"),
            "••••• •\u{3000}•"
        );
        // NEL is a C1 control: masked; the line separator is spacing and stays.
        assert_eq!(mask("a\u{85}b\u{2028}c"), "•••\u{2028}•");
        let map = MilestoneMap::default();
        assert_eq!(
            mask_json(
                &json!({"from": "M1", "to": "M2", "context": {"price": 49, "ok": true, "n": "Ann"}}),
                &map
            ),
            json!({"from": "M1", "to": "M2", "context": {"price": "••", "ok": "•", "n": "•••"}})
        );
        // A `from`/`to` the map does not know is someone's text, not an id.
        assert_eq!(
            mask_json(&json!({"from": "my secret", "to": "M9x", "n": 1}), &map),
            json!({"from": "•• ••••••", "to": "•••", "n": "•"})
        );
        // A carried context keyed by an unknown milestone hides that key too.
        assert_eq!(
            mask_json(
                &json!({"from": "MWOMBAT", "to": "M2", "context": {"MWOMBAT": {"summary": "x"}, "M1": {"a": "b"}}}),
                &map
            ),
            json!({"from": "•••••••", "to": "M2", "context": {"•••••••": {"summary": "•"}, "M1": {"a": "•"}}})
        );
        // A carried context's key is a milestone id: one the map does not know is masked,
        // however much it reads as a field name.
        assert_eq!(
            mask_json(
                &json!({"from": "M1", "to": "M2", "context": {"M1": {"a": "b"}, "ctxkeysecret": {"decision": "hello"}}}),
                &map
            ),
            json!({"from": "M1", "to": "M2", "context": {"M1": {"a": "•"}, "••••••••••••": {"decision": "•••••"}}})
        );
        // Keys that read as field names stay; a key someone typed is masked like a value,
        // keys that mask alike kept apart.
        assert_eq!(
            mask_json(
                &json!({"metrics": {"Acme Mug": 3, "Acne Mug": 4, "k\u{1b}[31m": 1, "units_2": 5}}),
                &map
            ),
            json!({"metrics": {"•••• •••": "•", "•••• ••• #2": "•", "•\u{1b}[•••": "•", "units_2": "•"}})
        );
        // Keys that hold data in a field name's letters: names (upper-case first), numbers
        // (three digits in a row); booleans and null masked alike, whatever they were.
        assert_eq!(
            mask_json(
                &json!({"competitors": {"GlobexCorp": 3, "Jane.Doe": 1}, "ssn_123-45-6789": true,
                        "unitCost": false, "debt": null, "flags": [true, false], "M4": 1,
                        "jo.smith": 1, "jo-smith-gb82": 2}),
                &map
            ),
            json!({"competitors": {"••••••••••": "•", "••••.•••": "•"}, "•••_•••-••-••••": "•",
                   "unitCost": "•", "debt": "•", "flags": ["•", "•"], "M4": "•",
                   "••.•••••": "•", "••-•••••-••••": "•"})
        );
        assert_eq!(
            mask_quoted(r#"field `role` must be user, found "bot 7""#),
            r#"field `role` must be user, found "••• •""#
        );
        // An escaped quote inside the value does not end it: the rest stays masked.
        let reason = format!("found {:?}", r#"x" my secret \" recipe"#);
        assert_eq!(mask_quoted(&reason), r#"found "•\" •• •••••• \\\" ••••••""#);
        // serde's numbers in backticks are values; field names in backticks stay.
        assert_eq!(
            mask_quoted("invalid type: integer `4242`, expected `total_tokens`"),
            "invalid type: integer `••••`, expected `total_tokens`"
        );
        assert_eq!(
            mask_quoted("unknown variant `Alice`, expected one of `business_dna`, `transition`"),
            "unknown variant `•••••`, expected one of `business_dna`, `transition`"
        );
        // A quoted milestone id the map knows stays, as everywhere else; one it does not is
        // someone's text.
        let message = r#"written for milestone "Zqv CMS", not the user's current "M1""#;
        assert_eq!(
            mask_quoted_keeping(message, &map),
            r#"written for milestone "••• •••", not the user's current "M1""#
        );
        assert_eq!(
            mask_quoted(message),
            r#"written for milestone "••• •••", not the user's current "••""#
        );
        assert_eq!(
            mask_quoted(r#"found "open secret"#),
            r#"found "•••• ••••••"#
        );
    }

    #[test]
    fn what_a_file_wrote_is_masked_whole_and_what_the_reader_found_by_its_quotes() {
        let mut snap = Snapshot::from_json(
            r#"{"user_id":"u1","now":"2025-01-15T12:00:00Z",
                "malformed":[{"source":"memory_bank id=7","reason":"my secret recipe"}],
                "notes":[{"kind":"duplicate_row","source":"k","message":"secret \"x\""}]}"#,
        )
        .expect("parses");
        snap.mark_recorded();
        snap.malformed.push(Malformed {
            id: None,
            source: "f.json journey[0]".into(),
            reason: r#"invalid type: string "my secret", expected a map"#.into(),
        });
        let shown = mask_snapshot(&snap, &MilestoneMap::default());
        let reasons: Vec<&str> = shown.malformed.iter().map(|m| m.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "•• •••••• ••••••",
                r#"invalid type: string "•• ••••••", expected a map"#
            ]
        );
        assert_eq!(
            note_message("k", r#"secret "x""#, &snap, &[]),
            r#"•••••• "•""#
        );
        assert_eq!(
            note_message("k", r#"other "x""#, &snap, &[]),
            r#"other "•""#
        );
        // A read that recorded nothing (the stores) masks by quotes only.
        snap.recorded = Default::default();
        assert_eq!(
            malformed_reason(&snap.malformed[0], &snap),
            "my secret recipe"
        );
    }

    #[test]
    fn a_masked_snapshot_keeps_timestamps_roles_and_reads_the_same() {
        let text = r#"{"user_id":"u1","session_id":"s1","now":"2025-01-15T12:00:00Z","query":"how to price",
            "session":[{"role":"user","content":"Secret plan","timestamp":1736938800},{"user":"x"}],
            "journey":[{"id":"mb:1","kind":"business_dna","data":{"name":"Acme"}}]}"#;
        let snap = Snapshot::from_json(text).expect("parses");
        let m = mask_snapshot(&snap, &MilestoneMap::default());
        assert_eq!(m.query.as_deref(), Some("••• •• •••••"));
        assert_eq!(
            m.session[0].raw,
            json!({"role":"user","content":"•••••• ••••","timestamp":1736938800})
        );
        assert_eq!(m.turns().count(), 1);
        assert_eq!(m.journey[0].data, json!({"name": "••••"}));
        assert!(m.session[1].turn.is_err());
    }

    #[test]
    fn milestones_the_map_does_not_know_are_masked() {
        let text = r#"{"user_id":"u1","current_milestone":"zqv stage","now":"2025-01-15T12:00:00Z",
            "journey":[{"id":"mb:1","kind":"milestone_data","milestone":"M2","data":{}},
                       {"id":"mb:2","kind":"milestone_data","milestone":"my plan","data":{}},
                       {"id":"mb:3","kind":"transition","data":{"from":"M2","to":"next big"}}]}"#;
        let m = mask_snapshot(
            &Snapshot::from_json(text).expect("parses"),
            &MilestoneMap::default(),
        );
        assert_eq!(m.current_milestone.as_deref(), Some("••• •••••"));
        let milestones: Vec<_> = m.journey.iter().map(|j| j.milestone.as_deref()).collect();
        assert_eq!(milestones, [Some("M2"), Some("•• ••••"), None]);
        assert_eq!(m.journey[2].data, json!({"from": "M2", "to": "•••• •••"}));
    }
}
