//! Pipeline answers read as raw values; which lists are read.

use super::*;

#[test]
fn raw_keys_from_pipeline_answers() {
    let s = raw_key(
        "k",
        &[
            Value::SimpleString("string".into()),
            Value::Int(3600),
            Value::BulkString(b"[]".to_vec()),
            Value::Nil,
        ],
    );
    assert!(matches!(s.value, RawValue::String(ref b) if b == b"[]"));
    assert_eq!(s.ttl, Some(3600));
    let l = raw_key(
        "k",
        &[
            Value::SimpleString("list".into()),
            Value::Int(-1),
            Value::Nil,
            Value::Array(vec![Value::BulkString(b"{}".to_vec())]),
        ],
    );
    assert!(matches!(l.value, RawValue::List(ref items) if items.len() == 1));
    assert_eq!(l.ttl, None);
    let h = raw_key(
        "k",
        &[
            Value::SimpleString("hash".into()),
            Value::Int(5),
            Value::Nil,
            Value::Nil,
        ],
    );
    assert!(matches!(h.value, RawValue::Other(ref t) if t == "hash"));
    // Read up to one byte past the limit: over it, and not kept.
    let big = raw_key(
        "k",
        &[
            Value::SimpleString("string".into()),
            Value::Int(-1),
            Value::BulkString(vec![b'x'; MAX_VALUE_BYTES + 1]),
            Value::Nil,
        ],
    );
    assert!(matches!(big.value, RawValue::Oversized));
}

/// A list is read when its memory is within the limit or unknown; one far over it is not
/// read, and is over the limit as a string over it is.
#[test]
fn a_list_is_read_only_when_its_memory_allows() {
    let answers = |usage: Value| {
        vec![
            Value::SimpleString("list".into()),
            Value::Int(-1),
            // WRONGTYPE, as an error answer.
            Value::Nil,
            usage,
        ]
    };
    assert!(list_to_read(&answers(Value::Int(1024))));
    assert!(list_to_read(&answers(Value::Int(LIST_MEMORY_LIMIT))));
    // NOPERM or an unknown command: an answer that is no number.
    let refused = Value::Nil;
    assert!(
        list_to_read(&answers(refused)),
        "refused: read, then measured"
    );
    let huge = answers(Value::Int(LIST_MEMORY_LIMIT + 1));
    assert!(!list_to_read(&huge));
    assert!(matches!(raw_key("k", &huge).value, RawValue::Oversized));
    let mut string = answers(Value::Int(LIST_MEMORY_LIMIT + 1));
    string[0] = Value::SimpleString("string".into());
    assert!(!list_to_read(&string), "only lists");
}
