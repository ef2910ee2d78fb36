//! Fields of a snapshot file that no snapshot has. SPEC §4 lets another writer add fields, so
//! they are read past; but a misspelt `knowledge` would leave the hits empty unseen, so each is
//! noted. Found in one pass of their own over the file (after it was read), which keeps no more
//! than the fields it names: a hostile file may hold millions of them.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::engine::Snapshot;
use crate::engine::snapshot::{JourneyEntry, KnowledgeEntry, KnowledgeSearch, Note, NoteKind};

/// Distinct fields named one note each, at most: past it, one more note counts the rest.
pub const UNKNOWN_NAMED: usize = 20;

/// A field's name shown in a note is cut to this many columns (in its middle).
const NAME_SHOWN: usize = 60;

/// What the pass found.
#[derive(Default)]
struct Found {
    /// Distinct fields named (as shown: `knowledge[]."bogus"`), in the file's order, in how
    /// many objects each was met, and the last object (by `item`) it was met in.
    named: Vec<(String, usize, usize)>,
    /// The object being read: each is numbered as it is begun.
    item: usize,
    /// Fields met past the ones named.
    more: usize,
    /// The snapshot's own fields the file has at its top: none is offered as a guess.
    present: Vec<&'static str>,
}

impl Found {
    fn add(&mut self, list: &str, key: &str) {
        // Quoted whole, as data someone typed (so `--redact` masks it), and cut: a key may be
        // megabytes, of which only its two ends can show (cut first, so no more is walked).
        let key = ends(key, NAME_SHOWN * 8);
        let name = serde_json::Value::from(crate::text::fit_middle(&key, NAME_SHOWN)).to_string();
        let shown = if list.is_empty() {
            name
        } else {
            format!("{list}.{name}")
        };
        let item = self.item;
        if let Some((_, n, last)) = self.named.iter_mut().find(|(f, ..)| *f == shown) {
            // An item holding the field twice (a key repeated) is one item.
            if *last != item {
                *n += 1;
                *last = item;
            }
        } else if self.named.len() < UNKNOWN_NAMED {
            self.named.push((shown, 1, item));
        } else {
            self.more += 1;
        }
    }
}

/// `text`, or where it is longer than `max` bytes its first and last `max / 2` (at character
/// boundaries) around a `…`.
fn ends(text: &str, max: usize) -> Cow<'_, str> {
    if text.len() <= max {
        return Cow::Borrowed(text);
    }
    let mut head = max / 2;
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = text.len() - max / 2;
    while !text.is_char_boundary(tail) {
        tail += 1;
    }
    Cow::Owned(format!("{}…{}", &text[..head], &text[tail..]))
}

/// The fields a type derived with serde reads (its derive passes them to the deserializer).
fn fields_of<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Capture(&mut fields));
    fields
}

/// A deserializer that only takes down the fields a struct asks for, then stops.
struct Capture<'a>(&'a mut &'static [&'static str]);

#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("fields taken down")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> de::Deserializer<'de> for Capture<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        *self.0 = fields;
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// An object whose fields are `fields` (a list's item: `list` is `knowledge[]`), anything else
/// read past: the typed read says what is wrong with a value of another kind.
struct Object<'f> {
    fields: &'static [&'static str],
    list: &'static str,
    found: &'f mut Found,
}

impl<'de> DeserializeSeed<'de> for Object<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// A visitor's methods that read a value other than the one it looks into past: a scalar or
/// null (the typed read says what is wrong with a value of another kind).
macro_rules! past_scalars {
    () => {
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any value")
        }
        past_scalars!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str);
        fn visit_unit<E: de::Error>(self) -> Result<(), E> {
            Ok(())
        }
    };
    ($($name:ident: $t:ty),*) => {$(
        fn $name<E: de::Error>(self, _: $t) -> Result<(), E> {
            Ok(())
        }
    )*};
}

impl<'de> Visitor<'de> for Object<'_> {
    type Value = ();

    past_scalars!();

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.found.item += 1;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if !self.fields.contains(&key.as_ref()) {
                self.found.add(self.list, &key);
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

/// A list of objects whose fields are `fields` (`list`: how its items are named).
struct Items<'f>(Object<'f>);

impl<'de> DeserializeSeed<'de> for Items<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Items<'_> {
    type Value = ();

    past_scalars!();

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Object {
            fields,
            list,
            found,
        } = self.0;
        // Each item on its own: one the typed read took as malformed (a bare `1e999`) cannot
        // end the pass before the fields after it.
        while let Some(item) = seq.next_element::<&'de serde_json::value::RawValue>()? {
            let mut de = serde_json::Deserializer::from_str(item.get());
            de.disable_recursion_limit();
            let object = Object {
                fields,
                list,
                found: &mut *found,
            };
            let _ = de::Deserializer::deserialize_any(&mut de, object);
        }
        Ok(())
    }
}

/// The snapshot at the top of the file: its own fields, and the lists whose items are read.
struct Top<'f>(&'f mut Found);

impl<'de> Visitor<'de> for Top<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a snapshot")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let found = self.0;
        let own = fields_of::<Snapshot>();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let Some(&field) = own.iter().find(|f| **f == key.as_ref()) else {
                found.add("", &key);
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            if !found.present.contains(&field) {
                found.present.push(field);
            }
            let object = |fields, list, found| Object {
                fields,
                list,
                found,
            };
            match field {
                "knowledge" => map.next_value_seed(Items(object(
                    fields_of::<KnowledgeEntry>(),
                    "knowledge[]",
                    &mut *found,
                )))?,
                "journey" => map.next_value_seed(Items(object(
                    fields_of::<JourneyEntry>(),
                    "journey[]",
                    &mut *found,
                )))?,
                "knowledge_search" => map.next_value_seed(object(
                    fields_of::<KnowledgeSearch>(),
                    "knowledge_search",
                    &mut *found,
                ))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// Notes on `snap` for each field of the file `json` (named `file`) that no snapshot has: the
/// same field of many items once (`knowledge[]."bogus", in 12 items`); at the top, the field
/// it may be a misspelling of, unless the file has that one too. `json` was read as a snapshot
/// already: a pass that stops early keeps what it found (each list item is scanned on its own,
/// so a malformed one does not stop it).
pub fn note_unknown_fields(snap: &mut Snapshot, file: &str, json: &str) {
    let mut found = Found::default();
    let mut de = serde_json::Deserializer::from_str(json);
    de.disable_recursion_limit();
    let _ = de::Deserializer::deserialize_map(&mut de, Top(&mut found));
    let own = fields_of::<Snapshot>();
    for (field, n, _) in &found.named {
        let items = if field.contains("[]") && *n > 1 {
            format!(", in {n} items")
        } else {
            String::new()
        };
        // At the top a field is `"name"`: a guess is offered for it there only.
        let bare = field
            .strip_prefix('"')
            .and_then(|f| f.strip_suffix('"'))
            .filter(|f| !f.contains('"'));
        let meant = bare
            .and_then(|f| {
                own.iter()
                    .filter(|known| !found.present.contains(known))
                    .map(|known| (strsim::jaro_winkler(&f.to_lowercase(), known), *known))
                    .filter(|(likeness, _)| *likeness >= 0.85)
                    .max_by(|a, b| a.0.total_cmp(&b.0))
            })
            .map_or(String::new(), |(_, known)| {
                format!("; did you mean {known}?")
            });
        snap.notes.push(Note {
            kind: NoteKind::UnknownField,
            source: file.to_string(),
            message: format!(
                "{field}{items}: no snapshot field (SPEC §4), read past as another writer's addition{meant}"
            ),
        });
    }
    if found.more > 0 {
        snap.notes.push(Note {
            kind: NoteKind::UnknownField,
            source: file.to_string(),
            message: format!(
                "and {} more occurrences of fields no snapshot has, not named here, read past",
                crate::text::thousands_exact(found.more as i128)
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fields_of_a_derived_type_are_its_own() {
        let own = fields_of::<Snapshot>();
        for field in [
            "user_id",
            "now",
            "session",
            "journey",
            "knowledge",
            "knowledge_search",
        ] {
            assert!(own.contains(&field), "{field}: {own:?}");
        }
        assert!(!own.contains(&"session_key"), "a skipped field is none");
        assert!(fields_of::<KnowledgeEntry>().contains(&"similarity"));
        assert!(fields_of::<KnowledgeSearch>().contains(&"min_similarity"));
    }
}
